"""A LazyTableModel whose queries and page fetches run in a worker, so a county's register can
be filtered, sorted and scrolled while the window stays responsive.

The id query (filter, sort) goes through a ListLoader: only the newest result is shown, and the
rows on screen stay until it arrives. A page scrolled into view is painted "…" until its rows
come; a page asked for before the last reset is dropped when it arrives (its ids are stale).
``record(row)`` stays synchronous for the few callers that need one row now (printing, members).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from .background_load import ListLoader
from .list_model import Column, LazyTableModel
from .tasks import run_task


class BackgroundTableModel(LazyTableModel):
    """``query(sort_key, descending)`` returns the ids in display order, or an object with
    ``ids`` and ``rows`` (the first rows, read in the same transaction: no second trip)."""

    loading = Signal(bool)  # a query started (True) / its result is shown or failed (False)
    arriving = Signal()  # a result is about to replace the rows (the view can note its selection)
    loaded = Signal()  # the new rows are in

    def __init__(self, columns: Sequence[Column], fetch: Callable[[list[int]], list],
                 owner: QWidget, title: str, parent=None):
        super().__init__(columns, fetch, parent=parent)
        self._owner, self._title = owner, title
        self.loader = ListLoader(owner, title)
        self._requested: set[int] = set()  # pages being fetched for the current ids
        # pages a paint asked for are requested just after it: no task is started mid-paint,
        # and the pages of one paint go out together
        self._wanted: set[int] = set()
        self._ask = QTimer(self, singleShot=True, interval=0)
        self._ask.timeout.connect(self._ask_wanted)
        self._generation = 0  # bumped on every reset; older page results are dropped

    @property
    def pending(self) -> bool:
        """A query or a page fetch is still on its way (tests and the bench wait on this)."""
        return self.loader.pending or bool(self._requested or self._wanted)

    def reload(self) -> None:
        if self._query is None:
            return super().reload()
        query, key, desc = self._query, self._sort_key(), self.descending
        self.loading.emit(True)
        self.loader.load(lambda: query(key, desc), self._arrived,
                         failed=lambda: self.loading.emit(False))

    def _arrived(self, result) -> None:
        ids = getattr(result, "ids", result)
        first = getattr(result, "rows", None)
        self.arriving.emit()
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self._requested.clear()
        self._wanted.clear()
        self._generation += 1
        self.fetches = 0
        if first:
            self._pages[0] = {self._row_id(r): r for r in first[:self.PAGE]}
            self.fetches = 1
        self.endResetModel()
        self.loading.emit(False)
        self.loaded.emit()

    def _painted_row(self, row: int):
        page = row // self.PAGE
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows.get(self._ids[row])
        if page not in self._requested:
            self._wanted.add(page)
            self._ask.start()
        return None  # painted as "…" until the page arrives

    def _ask_wanted(self) -> None:
        wanted, self._wanted = sorted(self._wanted - self._requested), set()
        for page in wanted:
            if page not in self._pages and page * self.PAGE < len(self._ids):
                self._request(page)

    def _request(self, page: int) -> None:
        self._requested.add(page)
        generation, fetch = self._generation, self._fetch
        chunk = self._ids[page * self.PAGE:(page + 1) * self.PAGE]

        def done(rows) -> None:
            if generation != self._generation:
                return  # the ids changed meanwhile: a newer reset asks again
            self._requested.discard(page)
            self._store(page, rows)
            first = page * self.PAGE
            last = min(first + self.PAGE, len(self._ids)) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._requested.discard(page)
                self._pages[page] = {}  # painted "…" until the next reload, not asked in a loop
            from .context import show_error

            show_error(self._owner, exc)

        run_task(self._owner, self._title, lambda _progress: fetch(chunk), on_result=done,
                 on_error=failed, cancellable=False, quiet=True, read_only=True)
