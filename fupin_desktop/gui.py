"""GUI entry point: ``fupin-desktop [--db URL]`` and ``python -m fupin_desktop``."""

from __future__ import annotations

import argparse
import os
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="fupin-desktop", description="乡村振兴台账管理系统")
    p.add_argument("--db", metavar="URL", help="数据库地址（SQLite 文件或 postgresql://…）")
    p.add_argument("--no-first-run", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def offer_first_run(window, ctx) -> None:
    from .services.overview import counts
    from .views.first_run import IMPORT, LOAD_DEMO, FirstRunDialog

    if counts(ctx.db)["households"]:
        return
    dlg = FirstRunDialog(window)
    dlg.exec()
    if dlg.choice == LOAD_DEMO:
        from .views.demo_action import load_demo

        load_demo(window, ctx)
    elif dlg.choice == IMPORT:
        for tab in window.tab_widgets:
            if hasattr(tab, "start_import"):
                window.tabs.setCurrentWidget(tab)
                tab.start_import()
                break


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the archive renders in worker processes (frozen builds)
    if argv is None:  # the real program, not a test
        from .paths import secure_umask

        secure_umask()  # database, backups, logs, exports: 0600 / 0700
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from .logsetup import setup_logging
    from .views.app import create_app, install_crash_handlers
    from .views.main_window import MainWindow

    setup_logging()
    app = create_app(sys.argv[:1])
    install_crash_handlers()  # a bug is logged and shown, never a silently dead window
    # Show the window first (menus, status line) and open the database right after: importing
    # SQLAlchemy and the models alone takes longer than showing a window.
    window = MainWindow(None)
    window.show()
    state = {"code": 0, "db": None}

    def open_and_attach() -> None:
        from .database import open_database
        from .errors import UserError
        from .views.context import AppContext

        try:
            db = open_database(args.db or os.environ.get("FUPIN_DB_URL"))
        except UserError as exc:
            QMessageBox.critical(window, app.translate("gui", "Cannot open database"), str(exc))
            state["code"] = 2
            app.exit(2)
            return
        state["db"] = db
        from .views.accounts import ask_login

        if not ask_login(window, db):  # accounts exist and nobody logged in
            app.exit(3)
            state["code"] = 3
            return
        ctx = AppContext(db)
        window.attach(ctx)
        if os.environ.get("FUPIN_EXIT_WHEN_READY"):  # bench/bench_startup.py: time to the data
            QTimer.singleShot(0, app.quit)
        elif not args.no_first_run:
            QTimer.singleShot(0, lambda: offer_first_run(window, ctx))

    if os.environ.get("FUPIN_EXIT_WHEN_SHOWN"):  # bench/bench_startup.py: time to a shown window
        QTimer.singleShot(0, app.quit)
    else:
        QTimer.singleShot(0, open_and_attach)
    code = app.exec()
    if state["db"] is not None:
        state["db"].dispose()
    return state["code"] or code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
