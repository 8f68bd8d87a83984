"""A page of a PagedTab listing one kind of record (岗位, 人员, 考核, 就医结算, 慢性病卡, 家庭医生签约):
what those pages share, so each gives only its filters, its query and its form.

The tab's toolbar (新增 / 打开 / 删除, Enter) calls ``new_record`` / ``open_current`` /
``delete_current`` on the page shown; ``PagedTab.notify`` reloads it with ``reload(keep=id)``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QLineEdit, QTableView, QWidget

from .context import AppContext, show_error
from .widgets import ask_reason, current_record, select_row, set_villages


class ListPage(QWidget):
    """Subclasses build ``self.table`` (its model's rows have an ``id``), ``self.village`` (the
    village filter) and, where there is one, ``self.search``; they give ``fetch()`` and
    ``show_rows()``, and, where the clerk edits, ``open_dialog()``, ``delete_prompt()`` and
    ``delete_record()``. ``CHANGE_KIND`` is the ``ctx.changed`` kind their saves announce."""

    CHANGE_KIND = ""
    table: QTableView
    village: QComboBox
    search: QLineEdit

    def __init__(self, ctx: AppContext, notify=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.notify = ctx, notify

    # -- filters -----------------------------------------------------------------------------
    def set_villages(self, villages) -> None:
        set_villages(self.village, villages)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- selection ---------------------------------------------------------------------------
    def current(self):
        return current_record(self.table)

    def current_id(self) -> int | None:
        r = self.current()
        return r.id if r is not None else None

    def select_kept(self, rows, keep) -> None:
        """Select the row of record ``keep`` in ``rows`` (those shown), else the first."""
        ids = [r.id for r in rows]
        select_row(self.table, ids.index(keep) if keep in ids else 0)

    # -- loading -----------------------------------------------------------------------------
    @Slot()
    def reload(self, *_args, keep: int | None = None) -> None:
        """Query again, keeping the selected record (or ``keep``, a record just saved)."""
        keep = keep if keep is not None else self.current_id()
        try:
            rows = self.fetch()
        except Exception as exc:  # noqa: BLE001 - a failed query must not kill the tab
            show_error(self, exc)
            return
        self.show_rows(rows, keep)

    def fetch(self) -> list:
        raise NotImplementedError

    def show_rows(self, rows: list, keep: int | None) -> None:
        raise NotImplementedError

    # -- editing -----------------------------------------------------------------------------
    def open_dialog(self, record=None):
        """The form of ``record`` (None: a new one), opened; returns it."""
        raise NotImplementedError

    def show_dialog(self, dlg):
        """Open ``dlg``; once it saves, every page learns of it and this one selects the record."""
        dlg.saved.connect(lambda row: self.notify(self.CHANGE_KIND, [row.id], self, row.id))
        self.dialog = dlg  # tests reach the open dialog here
        dlg.open()
        return dlg

    @Slot()
    def new_record(self):
        return self.open_dialog(None)

    @Slot()
    def open_current(self):
        r = self.current()
        return self.open_dialog(r) if r is not None else None

    def delete_prompt(self, record) -> tuple[str, str]:
        """(window title, what is deleted) for the question asking for the reason."""
        raise NotImplementedError

    def delete_record(self, record, reason: str) -> None:
        raise NotImplementedError

    @Slot()
    def delete_current(self) -> None:
        """Delete the selected record with the reason the services require."""
        r = self.current()
        if r is None:
            return
        reason = ask_reason(self, *self.delete_prompt(r))
        if reason is None:
            return
        try:
            self.delete_record(r, reason)
        except Exception as exc:  # noqa: BLE001 - e.g. changed by another clerk meanwhile
            show_error(self, exc)
            self.reload()  # show the record as it now stands
            return
        self.notify(self.CHANGE_KIND, [r.id], self)
