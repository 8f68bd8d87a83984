"""Every GUI string has a Simplified Chinese translation, and the compiled .qm is current."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("i18n", ROOT / "tools" / "i18n.py")
i18n = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n)


def _have_tools() -> bool:
    return Path(i18n.tool("lupdate")).exists() or shutil.which("pyside6-lupdate") is not None


def test_committed_ts_is_complete_and_chinese():
    missing = [(c, s) for c, s, t in i18n.entries() if t is None]
    assert missing == []
    for _c, s, t in i18n.entries():
        # a translation must contain Chinese unless it is a pure format string like "%1 / %2"
        if any(ch.isalpha() for ch in s.replace("%", "")):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in t), (s, t)


@pytest.mark.skipif(not _have_tools(), reason="pyside6-lupdate not installed")
def test_every_source_string_is_in_the_ts(tmp_path):
    fresh = tmp_path / "fresh.ts"
    shutil.copy(i18n.TS, fresh)
    i18n.lupdate(fresh)  # merges current sources into a copy of the committed file
    missing = [(c, s) for c, s, t in i18n.entries(fresh) if t is None]
    assert missing == [], "run: python tools/i18n.py --fill resources/translations/zh_CN.tsv"


@pytest.mark.skipif(not _have_tools(), reason="pyside6-lrelease not installed")
def test_qm_matches_ts(tmp_path):
    qm = tmp_path / "x.qm"
    i18n.lrelease(i18n.TS, qm)
    assert qm.read_bytes() == i18n.QM.read_bytes(), "run: python tools/i18n.py"


def test_qt_loads_the_translation():
    code = (
        "import os; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from fupin_desktop.views.app import create_app\n"
        "app = create_app(['t'])\n"
        "print(QCoreApplication.translate('MainWindow', 'Backup…'))\n"
        "print(QCoreApplication.translate('QPlatformTheme', 'Cancel'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    ours, qts = out.stdout.split("\n")[:2]
    assert ours == "备份…"
    assert qts == "取消"  # Qt's own qtbase_zh_CN: standard dialogs are Chinese
