"""Logging to a rotating file in the user data dir. Logs never contain ID, bank or phone numbers:
services log record ids and counts, never the values, and one filter (``RedactingFilter``, on
every handler the program installs) masks whatever slips through — an exception message that
quotes SQL parameters, a traceback, a file name. Tracebacks are the standard ones: frame lines,
never local variables.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from .paths import make_private, user_data_dir

# 15–19 digits (an optional final X): 18-digit ID numbers (and old 15-digit ones), bank cards of
# 16–19 digits. Kept: the first 6 and the last 4, as on public lists (DESIGN.md §3).
_LONG_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{5,9}([0-9]{3}[0-9Xx])(?![0-9])")
# 11-digit mainland mobile numbers: 3 + **** + 4.
_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def redact(text: str) -> str:
    """``text`` with every ID / bank card / mobile number masked."""
    if not text:
        return text
    text = _LONG_NUMBER.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 10) + m.group(2), text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class RedactingFilter(logging.Filter):
    """Masks personal numbers in the message, its arguments and the formatted traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_filter(handler: logging.Handler) -> logging.Handler:
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    return handler


def redact_all_handlers() -> None:
    """Put the filter on every handler of the root logger (e.g. after ``basicConfig``)."""
    for h in logging.getLogger().handlers:
        install_filter(h)


def log_file() -> Path:
    return user_data_dir() / "logs" / "fupin.log"


@lru_cache(maxsize=1)
def _rotating_handler_class():
    import logging.handlers

    class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
        """The log file (and each rotated one) readable by its owner only (0600)."""

        def _open(self):
            stream = super()._open()
            make_private(Path(self.baseFilename))
            return stream

    return _PrivateRotatingFileHandler


class _LogFileHandler(logging.Handler):
    """The rotating log file (2 MB, 5 old ones, 0600), written through a RotatingFileHandler
    made at the first record: importing logging.handlers (socket, pickle and queue with it) is
    9 ms, 6 % of the time to the shown window, and a start logs nothing before the window shows.
    The file itself is there (0600) from the start, as before."""

    def __init__(self, path: Path, level: int):
        super().__init__(level)
        self.baseFilename = os.path.abspath(path)
        os.close(os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600))
        make_private(path)
        self._file: logging.Handler | None = None

    def _target(self) -> logging.Handler:
        if self._file is None:  # under self.lock (Handler.handle holds it around emit)
            self._file = _rotating_handler_class()(self.baseFilename, maxBytes=2_000_000,
                                                   backupCount=5, encoding="utf-8")
            self._file.setFormatter(self.formatter)
        return self._file

    def setFormatter(self, fmt) -> None:  # noqa: N802 - logging's name
        super().setFormatter(fmt)
        if self._file is not None:
            self._file.setFormatter(fmt)

    def emit(self, record: logging.LogRecord) -> None:
        self._target().emit(record)  # level and filters were applied by handle()

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def _excepthook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    logging.getLogger("fupin_desktop").critical("uncaught exception", exc_info=(exc_type, exc, tb))


def setup_logging(level: int = logging.INFO) -> Path:
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    make_private(path.parent)
    root = logging.getLogger()
    for h in list(root.handlers):  # one log file per process (the CLI may run in-process twice)
        if isinstance(h, _LogFileHandler):
            if Path(h.baseFilename) == path.resolve():
                return path
            root.removeHandler(h)
            h.close()
    handler = _LogFileHandler(path, level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    install_filter(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    root.addHandler(handler)
    redact_all_handlers()
    # an uncaught exception goes through the same filter (not straight to stderr)
    sys.excepthook = _excepthook
    return path
