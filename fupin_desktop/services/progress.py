"""Progress reporting and cancellation shared by the CLI, the GUI and long services.

Services take an optional ``progress`` argument and call ``progress(done, total, text)``; the call
raises ``Cancelled`` once cancellation was requested, so work stops at a safe point and the
surrounding transaction rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The clerk cancelled; nothing was changed."""

    def __str__(self) -> str:
        return "操作已取消，数据未作改动。"


class Progress:
    def __init__(self, report: Callable[[int, int, str], None] | None = None,
                 cancel_event: threading.Event | None = None):
        self._report = report
        self.cancel_event = cancel_event or threading.Event()

    def __call__(self, done: int, total: int = 0, text: str = "") -> None:
        if self.cancel_event.is_set():
            raise Cancelled()
        if self._report is not None:
            self._report(done, total, text)

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()


def null_progress(done: int, total: int = 0, text: str = "") -> None:
    """For callers that do not report progress."""
