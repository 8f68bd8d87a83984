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


# -- a bug never kills the window silently -------------------------------------------------------
_qt_log = logging.getLogger("qt")
_showing_crash = False


def _crash_dialog(text: str) -> None:
    """The clerk-facing note of an unexpected error (a module function: tests replace it)."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(QApplication.activeWindow(),
                         QCoreApplication.translate("CrashHandler", "Internal Error"), text)


def crash_message() -> str:
    from ..logsetup import log_file

    return (QCoreApplication.translate(
        "CrashHandler",
        "The program hit an internal error. What you were doing may not have finished; "
        "data saved before is safe.\nPlease tell your support contact and send them the log "
        "file:\n%1").replace("%1", str(log_file())))


def handle_exception(exc_type, exc, tb) -> None:
    """``sys.excepthook``: log the traceback, tell the clerk, keep the window running."""
    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    log.critical("unhandled exception", exc_info=(exc_type, exc, tb))
    global _showing_crash
    if _showing_crash or QApplication.instance() is None:  # an error inside the dialog itself
        return
    _showing_crash = True
    try:
        _crash_dialog(crash_message())
    except Exception:  # noqa: BLE001 - the hook must never raise
        log.exception("the error dialog failed")
    finally:
        _showing_crash = False


# What the headless platform plugin (offscreen: tests, benchmarks, a server without a screen)
# says about every top-level window: it cannot pass size hints to a window manager it has not
# got. Nothing for a clerk or a developer to act on; logging it would fill the log, and opening
# the log file for it costs 9 ms of every start (logsetup._LogFileHandler).
_PLATFORM_NOISE = ("This plugin does not support propagateSizeHints()",)


def _qt_message(mode, context, message: str) -> None:
    from PySide6.QtCore import QtMsgType

    if message in _PLATFORM_NOISE:
        return

    level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
             QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
             QtMsgType.QtFatalMsg: logging.CRITICAL}.get(mode, logging.WARNING)
    where = f" ({context.file}:{context.line})" if context is not None and context.file else ""
    _qt_log.log(level, "%s%s", message, where)


def install_crash_handlers():
    """Route unhandled Python exceptions and Qt's messages to the log (see logsetup), and show
    a Chinese dialog naming the log file for exceptions. Returns Qt's previous message handler."""
    import sys

    from PySide6.QtCore import qInstallMessageHandler

    sys.excepthook = handle_exception
    return qInstallMessageHandler(_qt_message)
