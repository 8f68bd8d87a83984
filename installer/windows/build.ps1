# Build the Windows installer on a Windows 10/11 x64 machine (PyInstaller cannot cross-build, and
# the Linux build machine has no Windows CPython):
#
#   1. Python 3.11 x64 from python.org (tick "Add python.exe to PATH"), NSIS 3 (nsis.sourceforge.io)
#   2. in a PowerShell in the checkout:   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
#
# Result: dist\fupin-desktop\ (the bundle) and dist\fupin-desktop-<version>-setup.exe.
# Every dependency has a win_amd64 wheel on PyPI (checked with pip --platform win_amd64).
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root

$Version = (Select-String -Path fupin_desktop\__init__.py -Pattern '^__version__ = "([^"]+)"').Matches[0].Groups[1].Value
if (-not $Version) { throw "no __version__ in fupin_desktop\__init__.py" }

$Py = if ($env:PYTHON) { $env:PYTHON } else { "py" }
$PyArgs = if ($Py -eq "py") { @("-3.11") } else { @() }
if (-not (Test-Path .venv-win\Scripts\python.exe)) {
    & $Py @PyArgs -m venv .venv-win
    if ($LASTEXITCODE) { throw "python -m venv failed" }
}
$VPy = "$Root\.venv-win\Scripts\python.exe"
& $VPy -m pip install --upgrade pip
& $VPy -m pip install ".[installer]"
if ($LASTEXITCODE) { throw "pip install failed" }

$t0 = Get-Date
& $VPy -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller installer\fupin.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }
"bundle: {0:N0} s" -f ((Get-Date) - $t0).TotalSeconds

# Smoke test of the bundle before packaging it.
& dist\fupin-desktop\fupin.exe --version
if ($LASTEXITCODE) { throw "fupin.exe --version failed" }
$Db = Join-Path $env:TEMP "fupin-build-check.db"
Remove-Item $Db -ErrorAction SilentlyContinue
& dist\fupin-desktop\fupin.exe --db ("sqlite:///" + ($Db -replace '\\', '/')) demo
if ($LASTEXITCODE) { throw "fupin.exe demo failed" }
Remove-Item $Db -ErrorAction SilentlyContinue

$MakeNsis = (Get-Command makensis.exe -ErrorAction SilentlyContinue).Source
if (-not $MakeNsis) { $MakeNsis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe" }
& $MakeNsis /V2 /WX "/DVERSION=$Version" "/DPAYLOAD=$Root\dist\fupin-desktop" "/DOUTDIR=$Root\dist" installer\windows\fupin.nsi
if ($LASTEXITCODE) { throw "makensis failed" }
"installer: dist\fupin-desktop-$Version-setup.exe"
