"""DESIGN.md §1: nothing outside views/ and the GUI entry point imports PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "fupin_desktop"
ALLOWED = {PKG / "gui.py", PKG / "__main__.py"}


def _imports_qt(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "PySide6" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "PySide6":
            return True
    return False


def test_no_pyside_outside_views():
    offenders = [
        str(p.relative_to(PKG)) for p in PKG.rglob("*.py")
        if "views" not in p.relative_to(PKG).parts and p not in ALLOWED and _imports_qt(p)
    ]
    assert offenders == []


def test_layering_check_detects_a_qt_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6 import QtCore\n", encoding="utf-8")
    assert _imports_qt(bad)


def test_cli_and_services_load_without_qt():
    code = (
        "import sys, importlib, pkgutil, fupin_desktop, fupin_desktop.cli, fupin_desktop.services\n"
        "import fupin_desktop.cli as c; c.build_parser()\n"
        "for m in pkgutil.walk_packages(fupin_desktop.__path__, 'fupin_desktop.'):\n"
        "    if '.views' in m.name or m.name.endswith(('.gui', '.__main__')) or '.migrations' in m.name:\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "print(any(k.startswith('PySide6') for k in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
