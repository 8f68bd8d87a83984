"""Table models of the registry: a lazily paged model over ids and a small list model.

The households table never holds ORM objects. A query callback returns the sorted ids of the
current filter (one SQL statement); rows are fetched for the pages the view actually paints, ~200
at a time, and kept in a small LRU cache. Sorting re-runs the query with an SQL sort key, so a
county of 40,000 households sorts and filters in milliseconds instead of seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the real value (Decimal, int, date, str)
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # database id of the row

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
HIGHLIGHT = QColor("#ffe9c7")  # below the monitoring threshold

# Columns holding personal numbers: lists show them masked for every role (issue 13); a clerk
# or admin may reveal one row (audited as 查看完整信息), an auditor never.
PERSONAL_KEYS = {"id_number": "id", "bank_account": "bank", "phone": "phone",
                 "helper_phone": "phone", "doctor_phone": "phone"}


@dataclass(frozen=True)
class Column:
    key: str  # attribute of the row object
    title: str  # translated header
    kind: str = "text"  # text | int | money | code (monospaced) | bool | date
    sort_key: str | None = None  # key the query understands; None = not sortable
    width: int = 100  # default width in pixels before the clerk resizes it


def format_value(value, kind: str) -> str:
    """What a cell shows: money with two decimals and thousands separators, dates ISO."""
    if value is None or value == "":
        return ""
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "bool":
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


_mono: QFont | None = None


def mono_font() -> QFont:
    global _mono
    if _mono is None:
        _mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    return _mono


class _Cells:
    """Role handling shared by both models."""

    columns: Sequence[Column]
    highlight: Callable[[object], bool] | None = None
    highlight_tip: str = ""
    _revealed: frozenset = frozenset()

    def reveal(self, row) -> None:
        """Show this row's full numbers (the caller has checked the role and audited it)."""
        self._revealed = self._revealed | {_row_key(row)}
        self.layoutChanged.emit()

    def _shown(self, row, column: Column, value):
        kind = PERSONAL_KEYS.get(column.key)
        if kind is None or not value or _row_key(row) in self._revealed:
            return value
        from ...domain import masking

        return {"id": masking.mask_id, "bank": masking.mask_bank, "phone": masking.mask_phone}[kind](value)

    def _cell(self, row, column: Column, role: int):
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        value = getattr(row, column.key, None)
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(self._shown(row, column, value), column.kind)
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.kind in ("money", "int") else _LEFT
        if role == Qt.ItemDataRole.FontRole and column.kind == "code":
            return mono_font()
        if self.highlight is not None and self.highlight(row):
            if role == Qt.ItemDataRole.BackgroundRole:
                return HIGHLIGHT
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.highlight_tip
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 12:
            return self._shown(row, column, value)  # long text may be cut off in its column
        return None

    def _header(self, section: int, orientation, role: int):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].title
            if role == Qt.ItemDataRole.TextAlignmentRole:
                kind = self.columns[section].kind
                return _RIGHT if kind in ("money", "int") else _LEFT
        return None


def _row_key(row):
    return (type(row).__name__, getattr(row, "id", None) or id(row))


class LazyTableModel(_Cells, QAbstractTableModel):
    """Rows identified by ids; row objects fetched per page on demand.

    ``query(sort_key, descending) -> list[int]`` gives the ids in display order and
    ``fetch(ids) -> list[row]`` the row objects (any order; matched by ``row_id(row)``).
    """

    PAGE = 200
    CACHE_PAGES = 12

    def __init__(self, columns: Sequence[Column], fetch: Callable[[list[int]], list],
                 row_id: Callable[[object], int] = lambda r: r.id, parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self._fetch = fetch
        self._row_id = row_id
        self._query: Callable[[str | None, bool], list[int]] | None = None
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, object]] = OrderedDict()
        self.sort_column = 0
        self.descending = False
        self.fetches = 0  # pages fetched since the last reset (tests and the bench read it)

    # -- querying ----------------------------------------------------------------------------
    def set_query(self, query: Callable[[str | None, bool], list[int]],
                  fetch: Callable[[list[int]], list] | None = None) -> None:
        """A new filter; ``fetch`` replaces the row fetch when the rows depend on it too."""
        self._query = query
        if fetch is not None:
            self._fetch = fetch
        self.reload()

    def reload(self) -> None:
        """Re-run the query (filter or data changed); drops every cached row."""
        ids = self._query(self._sort_key(), self.descending) if self._query else []
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.fetches = 0
        self.endResetModel()

    def invalidate(self, ids: Sequence[int] = ()) -> None:
        """Forget cached rows (all, or the pages holding ``ids``) so they are fetched again."""
        if not ids:
            self._pages.clear()
        else:
            wanted = set(ids)
            for page in [p for p, rows in self._pages.items() if wanted & rows.keys()]:
                del self._pages[page]
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(self.columns) - 1))

    def _sort_key(self) -> str | None:
        if 0 <= self.sort_column < len(self.columns):
            return self.columns[self.sort_column].sort_key
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        self.sort_column = column
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    # -- access ------------------------------------------------------------------------------
    @property
    def ids(self) -> list[int]:
        return self._ids

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: int) -> int:
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def record(self, row: int):
        """The row object at ``row`` (fetching its page if needed), or None."""
        if not 0 <= row < len(self._ids):
            return None
        page = row // self.PAGE
        rows = self._pages.get(page)
        if not rows:  # not cached (or its background fetch failed: try once more, now)
            chunk = self._ids[page * self.PAGE:(page + 1) * self.PAGE]
            rows = self._store(page, self._fetch(chunk))
        else:
            self._pages.move_to_end(page)
        return rows.get(self._ids[row])

    def _store(self, page: int, fetched: list) -> dict[int, object]:
        rows = {self._row_id(r): r for r in fetched}
        self.fetches += 1
        self._pages[page] = rows
        while len(self._pages) > self.CACHE_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _painted_row(self, row: int):
        """The row a paint asks for; a subclass may fetch it in the background instead."""
        return self.record(row)

    # -- Qt ----------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == ID_ROLE:
            return self.id_at(index.row())
        if role not in _ROLES:
            return None
        return self._cell(self._painted_row(index.row()), self.columns[index.column()], role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        return self._header(section, orientation, role)


class ListTableModel(_Cells, QAbstractTableModel):
    """A short list of row objects held in memory (members of one household, measures …)."""

    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list = []

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def record(self, row: int):
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in _ROLES:
            return None
        return self._cell(self.record(index.row()), self.columns[index.column()], role)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        return self._header(section, orientation, role)


_ROLES = frozenset({
    Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
})
