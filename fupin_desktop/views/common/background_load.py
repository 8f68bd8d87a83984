"""A page's list, loaded off the GUI thread: the window stays responsive while a county's rows
are read, and when the clerk changes a filter before the last load ended, only the newest load
is shown (an older result is dropped)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

from .tasks import run_task

T = TypeVar("T")


class ListLoader:
    def __init__(self, owner: QWidget, title: str):
        self.owner, self.title = owner, title
        self._generation = 0
        self.pending = False  # tests and the page wait on this

    def load(self, fetch: Callable[[], T], show: Callable[[T], None],
             failed: Callable[[], None] | None = None) -> None:
        """``fetch()`` in a worker (a read: closing the window drops it), ``show(result)`` on the
        GUI thread if no newer load started meanwhile; an error is shown as any task's is, then
        ``failed()`` lets the page leave its loading state."""
        self._generation += 1
        generation = self._generation
        self.pending = True

        def done(result: T) -> None:
            if generation == self._generation:
                self.pending = False
                show(result)

        def errored(exc: BaseException) -> None:
            if generation == self._generation:
                self.pending = False
                from .context import show_error

                show_error(self.owner, exc)
                if failed is not None:
                    failed()

        run_task(self.owner, self.title, lambda _progress: fetch(), on_result=done, on_error=errored,
                 cancellable=False, quiet=True, read_only=True)
