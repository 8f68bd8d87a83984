"""Where printed and exported files go: the folder last saved to (QSettings), a file name from a
title, opening a finished file with the system's viewer."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices

_DIR_KEY = "households/output_dir"


def output_dir() -> str:
    """Where the last file was saved (the clerk's documents folder at first)."""
    saved = QSettings().value(_DIR_KEY)
    return str(saved) if saved else str(Path.home())


def remember_dir(path: str) -> None:
    """Remember the folder of the file saved at ``path``."""
    remember_folder(str(Path(path).parent))


def remember_folder(folder: str) -> None:
    QSettings().setValue(_DIR_KEY, folder)


def safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "output"


def open_file(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(os.fspath(path)))
