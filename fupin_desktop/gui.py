"""GUI entry point: ``fupin-desktop [--db URL]`` and ``python -m fupin_desktop``."""

from __future__ import annotations

import builtins
import os
import sys
import time
from contextlib import contextmanager
from types import SimpleNamespace

# Python's own __import__, kept before PySide6 replaces it: PySide's, for its __feature__
# switches, reads the source of every module imported after it for the text "PySide6".
_PLAIN_IMPORT = builtins.__import__


@contextmanager
def _plain_imports():
    """Import with Python's own __import__: for the storage stack (SQLAlchemy, the models, the
    services), which never imports Qt (the "no-qt" and "layers" import contracts), so PySide has
    nothing to note about it; 80 ms of CPU less on the way to the data. Only while nothing else
    runs (before any task starts)."""
    hooked = builtins.__import__
    builtins.__import__ = _PLAIN_IMPORT
    try:
        yield
    finally:
        builtins.__import__ = hooked


def _plain_args(argv: list[str]) -> SimpleNamespace | None:
    """The usual command lines (nothing, ``--db URL``, ``--db=URL``, ``--no-first-run``) read
    without argparse, whose import is 5 % of the time to a shown window; None for anything else
    (``--help``, a mistake), which argparse then answers as always."""
    args = SimpleNamespace(db=None, no_first_run=False)
    rest = list(argv)
    while rest:
        a = rest.pop(0)
        if a == "--no-first-run":
            args.no_first_run = True
        elif a == "--db" and rest and not rest[0].startswith("-"):
            args.db = rest.pop(0)
        elif a.startswith("--db=") and len(a) > 5:
            args.db = a[5:]
        else:
            return None
    return args


def parse_args(argv: list[str]):
    plain = _plain_args(argv)
    if plain is not None:
        return plain
    import argparse

    p = argparse.ArgumentParser(prog="fupin-desktop", description="乡村振兴台账管理系统")
    p.add_argument("--db", metavar="URL", help="数据库地址（SQLite 文件或 postgresql://…）")
    p.add_argument("--no-first-run", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def offer_first_run(window, ctx, answers=None) -> None:
    """The setup wizard over an empty database (or the answers given before it was created),
    then the import or the demo township the clerk chose."""
    from .views.first_run import apply_answers, needs_setup, run_wizard

    if answers is None:
        if window.property("setup_wizard_shown") or not needs_setup(ctx.db):
            return
        answers = run_wizard(window, ctx.db)
        if answers is None:  # skipped: 设置 ▸ 设置向导… reopens it
            return
    apply_answers(window, ctx, answers)


def setup_before_database(window):
    """No database yet in the data folder: the wizard first, so its folder decides where the
    database is created. Returns the answers (None when skipped or not needed)."""
    from .paths import choose_data_dir, default_db_path, user_data_dir
    from .views.first_run import run_wizard

    if default_db_path().exists():
        return None
    window.setProperty("setup_wizard_shown", True)  # not offered twice in one start
    answers = run_wizard(window, None, data_dir=str(user_data_dir()))
    if answers is not None and answers.data_dir:
        chosen = choose_data_dir(answers.data_dir)
        os.environ["FUPIN_DATA_DIR"] = str(chosen)  # this run too (an override would win)
    return answers


def _start_quick_check(url: str | None) -> None:
    """The damaged-file check of the database about to be opened, begun on a thread (the
    default file or a plain path; connect() checks any other itself)."""
    from .sqlite_check import start

    if not url:
        from .paths import default_db_path

        start(default_db_path())
    elif "://" not in url:
        from pathlib import Path

        start(Path(url).expanduser().resolve())


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # a no-op unless frozen: not worth importing otherwise
        import multiprocessing

        multiprocessing.freeze_support()  # the archive renders in worker processes (frozen builds)
    if argv is None:  # the real program, not a test
        from .paths import secure_umask

        secure_umask()  # database, backups, logs, exports: 0600 / 0700
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QTimer

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
    quick_exit = os.environ.get("FUPIN_EXIT_WHEN_READY")  # bench/bench_startup.py: time to the data

    def refused(exc) -> None:
        from .views.startup import refuse

        refuse(window, exc)
        state["code"] = 2
        app.exit(2)

    def ready(db, answers) -> None:
        state["db"] = db
        from .views.accounts import ask_login
        from .views.common.context import AppContext

        if not ask_login(window, db):  # accounts exist and nobody logged in
            app.exit(3)
            state["code"] = 3
            return
        ctx = AppContext(db)
        window.attach(ctx)
        if quick_exit:  # once the first tab shows its data (30 s at most)
            deadline = time.monotonic() + 30
            poll = QTimer(window, interval=5)
            poll.timeout.connect(lambda: (window.current_tab_loaded()
                                          or time.monotonic() > deadline) and app.quit())
            poll.start()
            return
        from .views.startup import start_backup

        start_backup(window, db)
        if not args.no_first_run:
            QTimer.singleShot(0, lambda: offer_first_run(window, ctx, answers))

    def open_and_attach() -> None:
        url = args.db or os.environ.get("FUPIN_DB_URL")
        _start_quick_check(url)  # on a thread, while SQLAlchemy is imported
        with _plain_imports():  # the window is shown; no task runs yet
            from . import audit_events, migrate  # noqa: F401 - SQLAlchemy, the models
            from .services import opening  # noqa: F401
        from .views.startup import open_and_upgrade

        answers = None
        if not url and not args.no_first_run and not quick_exit:
            answers = setup_before_database(window)
        open_and_upgrade(window, url, lambda db: ready(db, answers), refused)

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
