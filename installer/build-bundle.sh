#!/usr/bin/env bash
# Build the PyInstaller onedir bundle dist/fupin-desktop/ (fupin-desktop + fupin, shared _internal/).
# PYTHON: the interpreter whose environment has the program's dependencies and PyInstaller
# (default: .venv/bin/python of the checkout; `pip install ".[installer]"` brings PyInstaller).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
if ! "$PYTHON" -c 'import PyInstaller' 2>/dev/null; then
    echo "PyInstaller missing in $PYTHON: run  $PYTHON -m pip install '.[installer]'" >&2
    exit 2
fi
start=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installer/fupin.spec
end=$(date +%s)
echo "bundle: dist/fupin-desktop ($(du -sh dist/fupin-desktop | cut -f1), $((end - start)) s)"
