"""QApplication set-up: bundled CJK font, Chinese translations, one style sheet."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from .. import APP_NAME
from ..paths import FONT_FAMILY, font_path, resource_path

log = logging.getLogger(__name__)

STYLE = """
QTableView { gridline-color: #d0d7de; selection-background-color: #cfe3ff; selection-color: #000; }
QTableView::item { padding: 2px 6px; }
QHeaderView::section { background: #f0f3f6; border: 0; border-right: 1px solid #d0d7de;
                       border-bottom: 1px solid #d0d7de; padding: 4px 6px; font-weight: bold; }
QTabWidget::pane { border-top: 1px solid #d0d7de; }
QTabBar::tab { padding: 6px 18px; }
QTabBar::tab:selected { font-weight: bold; }
QLabel[role="error"] { color: #c62828; }
QLabel[role="hint"] { color: #57606a; }
QLineEdit[invalid="true"], QComboBox[invalid="true"], QDateEdit[invalid="true"] {
    border: 1px solid #c62828; background: #fff5f5; }
QStatusBar QLabel { padding: 0 8px; }
"""

# Keep translators alive for the life of the application (Qt does not own them).
_translators: list[QTranslator] = []


def register_font() -> str:
    """Register the bundled font so Chinese renders on machines without a CJK system font."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("bundled CJK font could not be loaded: %s", font_path())
        return ""
    # The collection holds "WenQuanYi Micro Hei" and its Mono face; prefer the proportional one.
    return FONT_FAMILY if FONT_FAMILY in families else families[0]


def install_translations(app: QCoreApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, directory in (("qtbase_zh_CN", qt_dir), ("fupin_zh_CN", str(resource_path("translations")))):
        tr = QTranslator(app)
        if tr.load(name, directory):
            app.installTranslator(tr)
            _translators.append(tr)
        else:
            log.warning("translation %s not found in %s", name, directory)


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [APP_NAME])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    family = register_font()
    if family:
        font = QFont(family, 10)
        app.setFont(font)
    install_translations(app)
    app.setWindowIcon(QIcon(str(resource_path("icons/app.svg"))))
    app.setStyleSheet(STYLE)
    return app
