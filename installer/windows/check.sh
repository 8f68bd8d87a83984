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
