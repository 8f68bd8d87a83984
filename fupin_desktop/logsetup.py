"""Logging to a rotating file in the user data dir. Logs never contain ID or bank numbers:
services log record ids and counts, never the values."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .paths import user_data_dir


def log_file() -> Path:
    return user_data_dir() / "logs" / "fupin.log"


def setup_logging(level: int = logging.INFO) -> None:
    path = log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
