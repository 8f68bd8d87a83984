"""A list page whose search box filters the rows already loaded, without a query: a township's
posts and workers are a few hundred rows (岗位, 人员)."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from ..common.list_page import ListPage


class LocalSearchPage(ListPage):
    """Subclasses name the searched attributes in ``SEARCHED``, give ``count_text(n)`` for
    ``self.count`` and call ``search_loaded_rows()`` once ``self.search`` and the table exist."""

    SEARCHED: tuple[str, ...] = ()

    def search_loaded_rows(self) -> None:
        self.all_rows: list = []
        self.timer = QTimer(self, singleShot=True, interval=150)  # typing: filter once it pauses
        self.timer.timeout.connect(self._filter)
        self.search.textEdited.connect(lambda _t: self.timer.start())
        self.search.returnPressed.connect(self._search_enter)

    def count_text(self, n: int) -> str:
        raise NotImplementedError

    def show_rows(self, rows, keep) -> None:
        self.all_rows = rows
        self._filter(keep)

    def _filter(self, keep=None) -> None:
        text = self.search.text().strip().upper()  # x in an ID number matches X
        rows = [r for r in self.all_rows if not text or any(
            text in (getattr(r, name) or "").upper() for name in self.SEARCHED)]
        self.model.set_rows(rows)
        self.count.setText(self.count_text(len(rows)))
        self.select_kept(rows, keep)

    def _search_enter(self) -> None:
        """Enter in the search box: the first match, with the focus in the list (Enter opens)."""
        self._filter()
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.setFocus()
