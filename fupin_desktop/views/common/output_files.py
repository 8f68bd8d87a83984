"""Where printed and exported files go: the folder last saved to (QSettings), a file name from a
title, asking where to save, opening a finished file with the system's viewer."""

from __future__ import annotations

import os
import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

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


def ask_save_path(parent: QWidget, caption: str, name: str, ext: str) -> str | None:
    """Where to save ``name`` (a title, made safe for a file name) as ``ext`` (".pdf" or
    ".xlsx"), starting in the folder used last, which is then remembered; None when cancelled."""
    filt = (QCoreApplication.translate("OutputFiles", "PDF files (*.pdf)") if ext == ".pdf"
            else QCoreApplication.translate("OutputFiles", "Excel files (*.xlsx)"))
    start = Path(output_dir()) / (safe_name(name) + ext)
    path, _ = QFileDialog.getSaveFileName(parent, caption, str(start), filt)
    if not path:
        return None
    if not path.lower().endswith(ext):
        path += ext  # the clerk typed a bare name
    remember_dir(path)
    return path


def open_file(path: str) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(os.fspath(path)))
