#!/usr/bin/env bash
# Compile fupin.nsi on Linux (Debian's nsis) against a placeholder payload, so the installer
# script cannot rot between Windows builds. Output: build/nsis-check/fupin-desktop-<v>-setup.exe
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
command -v makensis >/dev/null || { echo "makensis missing: apt-get install nsis" >&2; exit 2; }
VERSION=$(sed -nE 's/^__version__ = "([^"]+)".*/\1/p' "$ROOT/fupin_desktop/__init__.py")
WORK="$ROOT/build/nsis-check"
rm -rf "$WORK" && mkdir -p "$WORK/payload/_internal"
# the same file names as the PyInstaller bundle built on Windows (installer/windows/build.ps1)
for f in fupin-desktop.exe fupin.exe; do printf 'placeholder\n' > "$WORK/payload/$f"; done
printf 'placeholder\n' > "$WORK/payload/_internal/base_library.zip"
start=$(date +%s)
makensis -V2 -WX -DVERSION="$VERSION" -DPAYLOAD="$WORK/payload" -DOUTDIR="$WORK" "$HERE/fupin.nsi"
end=$(date +%s)
OUT="$WORK/fupin-desktop-$VERSION-setup.exe"
[ -s "$OUT" ] || { echo "makensis produced no $OUT" >&2; exit 1; }
echo "nsis: $OUT compiled ($(du -h "$OUT" | cut -f1), $((end - start)) s)"

# With wine (64-bit; NO_WINE=1 skips): run the installer and uninstaller silently in a fresh
# prefix: per-user install, shortcut, Programs and Features entry with the version, uninstall
# keeps the data folder, /REMOVEDATA removes it, /ALLUSERS installs to Program Files (HKLM).
if [ -n "${NO_WINE:-}" ] || ! command -v wine >/dev/null; then
    echo "nsis: installer not run (no wine; apt-get install wine64 wine)"
    exit 0
fi
start=$(date +%s)
export WINEPREFIX="$WORK/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
HOME_SAVE=$HOME; export HOME="$WORK/home"; mkdir -p "$HOME"  # wine links Desktop to $HOME
wine wineboot -i >/dev/null 2>&1
C="$WINEPREFIX/drive_c"
U=$(ls "$C/users" | grep -vx Public | head -1)
L="$C/users/$U/AppData/Local"
KEY='Software\Microsoft\Windows\CurrentVersion\Uninstall\fupin-desktop'
bad() { echo "nsis under wine: $*" >&2; exit 1; }
wait_gone() { for _ in $(seq 60); do [ ! -e "$1" ] && return 0; sleep 0.5; done; return 1; }
wine "$OUT" /S
[ -f "$L/Programs/fupin-desktop/fupin-desktop.exe" ] || bad "per-user install missing"
[ -f "$L/Programs/fupin-desktop/_internal/base_library.zip" ] || bad "_internal missing"
ls "$C/users/$U/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/"*.lnk >/dev/null || bad "no Start-menu shortcut"
wine reg query "HKCU\\$KEY" /v DisplayVersion 2>/dev/null | tr -d '\r' | grep -q "$VERSION" || bad "no DisplayVersion $VERSION in HKCU"
mkdir -p "$L/fupin_desktop" && echo data > "$L/fupin_desktop/fupin.db"
wine "$L/Programs/fupin-desktop/uninstall.exe" /S /CURRENTUSER
wait_gone "$L/Programs/fupin-desktop" || bad "uninstall left the program folder"
[ -f "$L/fupin_desktop/fupin.db" ] || bad "uninstall removed the user's data"
wine reg query "HKCU\\$KEY" >/dev/null 2>&1 && bad "uninstall left the HKCU entry"
wine "$OUT" /S
wine "$L/Programs/fupin-desktop/uninstall.exe" /S /CURRENTUSER /REMOVEDATA
wait_gone "$L/fupin_desktop" || bad "/REMOVEDATA kept the data folder"
wine "$OUT" /S /ALLUSERS
[ -f "$C/Program Files/fupin-desktop/fupin.exe" ] || bad "all-users install missing"
wine reg query "HKLM\\$KEY" /v DisplayVersion 2>/dev/null | tr -d '\r' | grep -q "$VERSION" || bad "no DisplayVersion in HKLM"
wine "$C/Program Files/fupin-desktop/uninstall.exe" /S /ALLUSERS
wait_gone "$C/Program Files/fupin-desktop" || bad "all-users uninstall left the program folder"
wineserver -k 2>/dev/null || true
export HOME=$HOME_SAVE
end=$(date +%s)
echo "nsis: installer and uninstaller checked under wine ($((end - start)) s)"
