; Windows installer of 乡村振兴台账管理系统 (NSIS 3, Unicode, MUI2, Simplified Chinese).
;
;   makensis /DVERSION=0.1.0 /DPAYLOAD=..\..\dist\fupin-desktop /DOUTDIR=..\..\dist fupin.nsi
;
; PAYLOAD is the PyInstaller folder built on Windows (fupin-desktop.exe, fupin.exe, _internal\),
; see build.ps1; check.sh compiles this script on Linux against a placeholder payload.
;
; Install scope: for the current user by default, without administrator rights
; ($LOCALAPPDATA\Programs\fupin-desktop, HKCU). Choosing 所有用户 on the first page (or /ALLUSERS
; on the command line) restarts the installer elevated and installs to $PROGRAMFILES64 (HKLM).
; Silent: setup.exe /S [/ALLUSERS] [/D=DIR]   uninstall.exe /S [/ALLUSERS] [/REMOVEDATA]
;
; The uninstaller removes the program only. The user's data folder (%LOCALAPPDATA%\fupin_desktop:
; database, backups, logs, scanned documents) stays unless 删除我的数据 is ticked.

Target amd64-unicode   ; a 64-bit installer for a 64-bit program (Unicode)
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "pass /DVERSION=x.y.z (fupin_desktop/__init__.py)"
!endif
!ifndef PAYLOAD
  !error "pass /DPAYLOAD=folder of the PyInstaller bundle"
!endif
!ifndef OUTDIR
  !define OUTDIR "."
!endif

!define APPID "fupin-desktop"
!define APPNAME "乡村振兴台账管理系统"
!define SHORTNAME "乡村振兴台账管理"
!define PUBLISHER "fupin_desktop"
!define EXE "fupin-desktop.exe"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define DATADIR_NAME "fupin_desktop"   ; platformdirs.user_data_path("fupin_desktop")

Name "${APPNAME}"
OutFile "${OUTDIR}\${APPID}-${VERSION}-setup.exe"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APPID}"
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${PUBLISHER}"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include nsDialogs.nsh
!include x64.nsh

Var AllUsers        ; 1: all users (HKLM, Program Files), 0: current user
Var ScopeFromCmd    ; 1: /ALLUSERS or /CURRENTUSER given, the scope page is skipped
Var CustomDir      ; 1: /D=DIR given on the command line
Var RadioMe
Var RadioAll

!define MUI_ICON "fupin.ico"
!define MUI_UNICON "fupin.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "运行${SHORTNAME}"
!define MUI_COMPONENTSPAGE_SMALLDESC

!insertmacro MUI_PAGE_WELCOME
Page custom ScopePage ScopePageLeave
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

; ---------------------------------------------------------------- scope (current user / all users)

!macro SetScope ALL
  ${If} ${ALL} == 1
    StrCpy $AllUsers 1
    SetShellVarContext all
  ${Else}
    StrCpy $AllUsers 0
    SetShellVarContext current
  ${EndIf}
!macroend

Function IsAdmin  ; pushes 1 when this process runs with administrator rights
  UserInfo::GetAccountType
  Pop $0
  ${If} $0 == "Admin"
    Push 1
  ${Else}
    Push 0
  ${EndIf}
FunctionEnd

Function SetDefaultDir  ; the scope's default folder, unless /D=DIR chose another one
  ${If} $CustomDir != 1
    ${If} $AllUsers == 1
      StrCpy $INSTDIR "$PROGRAMFILES64\${APPID}"
    ${Else}
      StrCpy $INSTDIR "$LOCALAPPDATA\Programs\${APPID}"
    ${EndIf}
  ${EndIf}
FunctionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "本程序需要 64 位 Windows（Windows 10 或更新版本）。"
    Abort
  ${EndIf}
  SetRegView 64
  ; $INSTDIR is the InstallDir default here unless /D=DIR was given (still current-user context)
  StrCpy $CustomDir 0
  ${If} $INSTDIR != "$LOCALAPPDATA\Programs\${APPID}"
    StrCpy $CustomDir 1
  ${EndIf}
  StrCpy $ScopeFromCmd 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    Call IsAdmin
    Pop $R2
    ${If} $R2 != 1
      MessageBox MB_ICONSTOP "为所有用户安装需要管理员权限。请以管理员身份运行安装程序，或选择仅为当前用户安装。" /SD IDOK
      Abort
    ${EndIf}
    StrCpy $ScopeFromCmd 1
    !insertmacro SetScope 1
  ${Else}
    ClearErrors
    ${GetOptions} $R0 "/CURRENTUSER" $R1
    ${IfNot} ${Errors}
      StrCpy $ScopeFromCmd 1
    ${EndIf}
    !insertmacro SetScope 0
  ${EndIf}
  Call SetDefaultDir
FunctionEnd

Function ScopePage
  ${If} $ScopeFromCmd == 1
    Abort  ; skip the page
  ${EndIf}
  !insertmacro MUI_HEADER_TEXT "安装范围" "选择为谁安装${SHORTNAME}。"
  nsDialogs::Create 1018
  Pop $0
  ${NSD_CreateLabel} 0 0 100% 24u "数据库和备份始终保存在每个用户自己的文件夹中（%LOCALAPPDATA%\${DATADIR_NAME}），与安装范围无关。"
  Pop $0
  ${NSD_CreateRadioButton} 10u 32u 100% 12u "仅为我安装（推荐，不需要管理员权限）"
  Pop $RadioMe
  ${NSD_CreateRadioButton} 10u 50u 100% 12u "为这台电脑的所有用户安装（需要管理员权限）"
  Pop $RadioAll
  ${If} $AllUsers == 1
    ${NSD_Check} $RadioAll
  ${Else}
    ${NSD_Check} $RadioMe
  ${EndIf}
  nsDialogs::Show
FunctionEnd

Function ScopePageLeave
  ${NSD_GetState} $RadioAll $0
  ${If} $0 == ${BST_CHECKED}
    Call IsAdmin
    Pop $1
    ${If} $1 == 1
      !insertmacro SetScope 1
      Call SetDefaultDir
    ${Else}
      ; Start again elevated (Windows asks for an administrator), this instance ends.
      ClearErrors
      ExecShell "runas" "$EXEPATH" "/ALLUSERS"
      ${If} ${Errors}
        MessageBox MB_ICONEXCLAMATION "未获得管理员权限，仍可仅为当前用户安装。"
        Abort
      ${EndIf}
      Quit
    ${EndIf}
  ${Else}
    !insertmacro SetScope 0
    Call SetDefaultDir
  ${EndIf}
FunctionEnd

; ---------------------------------------------------------------- install

Section "程序文件" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; an update replaces the libraries of the previous version (program files only, never data)
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}\*"
  File "/oname=$INSTDIR\fupin.ico" "fupin.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Programs and Features (HKCU for the current user, HKLM for all users: SHCTX follows the scope)
  ${If} $AllUsers == 1
    StrCpy $0 "/ALLUSERS"
  ${Else}
    StrCpy $0 "/CURRENTUSER"
  ${EndIf}
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe" $0'
  WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S $0'
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $1 $2 $3
  IntFmt $1 "0x%08X" $1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "EstimatedSize" $1
SectionEnd

Section "开始菜单快捷方式" SecStartMenu
  CreateShortCut "$SMPROGRAMS\${SHORTNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\fupin.ico" 0
SectionEnd

Section "桌面快捷方式" SecDesktop
  CreateShortCut "$DESKTOP\${SHORTNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\fupin.ico" 0
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecMain} "程序本身（窗口程序 fupin-desktop.exe 和命令行工具 fupin.exe）。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecStartMenu} "在开始菜单中添加“${SHORTNAME}”。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} "在桌面上添加“${SHORTNAME}”图标。"
!insertmacro MUI_FUNCTION_DESCRIPTION_END

; ---------------------------------------------------------------- uninstall

Section "un.程序文件" SecUnMain
  SectionIn RO
  ; Only what the installer put there: never RMDir /r a folder the user may have chosen for
  ; something else as well.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\fupin-desktop.exe"
  Delete "$INSTDIR\fupin.exe"
  Delete "$INSTDIR\fupin.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${SHORTNAME}.lnk"
  Delete "$DESKTOP\${SHORTNAME}.lnk"
  DeleteRegKey SHCTX "${UNINSTKEY}"
SectionEnd

; Unticked by default: the database, backups, logs and scanned documents stay for a reinstall.
Section /o "un.删除我的数据（数据库、备份、日志、扫描件）" SecUnData
  ; The data folder is per user, also after an all-users installation: this removes the data of
  ; the account running the uninstaller only.
  SetShellVarContext current
  ${If} ${FileExists} "$LOCALAPPDATA\${DATADIR_NAME}\*.*"
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 \
      "将永久删除 $LOCALAPPDATA\${DATADIR_NAME} 中的数据库、备份、日志和扫描件，无法恢复。$\n$\n确定删除吗？" \
      /SD IDYES IDNO keep
    RMDir /r "$LOCALAPPDATA\${DATADIR_NAME}"
  ${EndIf}
  keep:
  ${If} $AllUsers == 1
    SetShellVarContext all
  ${EndIf}
SectionEnd

Function un.onInit
  SetRegView 64
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    Call un.IsAdmin
    Pop $R2
    ${If} $R2 != 1
      ; Programs and Features starts the uninstaller without elevation: ask for it.
      ClearErrors
      ExecShell "runas" "$EXEPATH" '/ALLUSERS _?=$INSTDIR'
      ${If} ${Errors}
        MessageBox MB_ICONSTOP "卸载为所有用户安装的程序需要管理员权限。" /SD IDOK
      ${EndIf}
      Quit
    ${EndIf}
    !insertmacro SetScope 1
  ${Else}
    !insertmacro SetScope 0
  ${EndIf}
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecUnData} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Function un.IsAdmin
  UserInfo::GetAccountType
  Pop $0
  ${If} $0 == "Admin"
    Push 1
  ${Else}
    Push 0
  ${EndIf}
FunctionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnMain} "删除程序文件、快捷方式和“程序和功能”中的条目。"
  !insertmacro MUI_DESCRIPTION_TEXT ${SecUnData} "同时删除本用户的数据文件夹 %LOCALAPPDATA%\${DATADIR_NAME}（数据库、备份、日志、扫描件）。默认保留。"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
