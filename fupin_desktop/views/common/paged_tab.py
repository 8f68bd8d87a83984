"""A tab of sub-pages under one toolbar, with lazy reloading (公益性岗位, 医疗救助).

A change marks pages stale; the page on screen reloads at once, the others when the clerk turns
to them, so saving one record never recomputes lists nobody is looking at.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QTabWidget, QWidget

from .base_tab import BaseTab
from .context import AppContext, show_error


class PagedTab(BaseTab):
    """Subclasses set ``WATCHED`` (the ``ctx.changed`` kinds that can alter their pages), build
    ``self.pages`` (a QTabWidget), the actions ``new_action`` / ``open_action`` /
    ``delete_action`` and return the pages those act on from ``editable_pages()`` (list pages,
    views/common/list_page.py), then call ``_open_on_enter()``."""

    WATCHED: frozenset[str] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._villages: list[tuple[int, str]] = []
        self._stale: set[QWidget] = set()
        self._notifying = False
        self.pages = QTabWidget(self)  # parented now: the pages join a tree that is never reparented whole

    # -- building ----------------------------------------------------------------------------
    def _act(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(shortcut)
            # only while the focus is in this tab: other tabs use the same keys
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            act.setToolTip(tip)
        act.triggered.connect(lambda _checked=False: slot())  # never pass `checked` on
        self.addAction(act)
        return act

    def editable_pages(self) -> tuple[QWidget, ...]:
        return ()

    def _open_on_enter(self) -> None:
        """Enter or a double click in an editable page's list does what 打开 does."""
        for page in self.editable_pages():
            page.table.activated.connect(lambda _i: self.open_current())

    # -- actions on the page shown -----------------------------------------------------------
    @Slot()
    def new_record(self):
        page = self.current_page()
        return page.new_record() if page in self.editable_pages() else None

    @Slot()
    def open_current(self):
        page = self.current_page()
        return page.open_current() if page in self.editable_pages() else None

    @Slot()
    def delete_current(self):
        page = self.current_page()
        return page.delete_current() if page in self.editable_pages() else None

    @Slot()
    def focus_search(self) -> None:
        self.current_page().focus_search()

    # -- pages -------------------------------------------------------------------------------
    def _all_pages(self) -> list[QWidget]:
        return [self.pages.widget(i) for i in range(self.pages.count())]

    def current_page(self) -> QWidget:
        return self.pages.currentWidget()

    def show_page(self, key: str) -> QWidget:
        page = getattr(self, key)
        self.pages.setCurrentWidget(page)
        return page

    @Slot(int)
    def _page_changed(self, _index: int) -> None:
        page = self.current_page()
        editable = page in self.editable_pages()
        for act in (self.new_action, self.open_action, self.delete_action):
            act.setEnabled(editable)
        if page in self._stale:
            self._stale.discard(page)
            page.reload()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override: catch up after other tabs' changes
        super().showEvent(event)
        if self.current_page() in self._stale:
            self._page_changed(self.pages.currentIndex())

    # -- changes -----------------------------------------------------------------------------
    def notify(self, kind: str, ids: list, page: QWidget | None = None, keep=None, *,
               reload: bool = True) -> None:
        """A page saved something: tell the other tabs, reload ``page`` (selecting ``keep``)
        unless it already shows the change, and leave the other pages to reload when shown."""
        self._notifying = True
        try:
            self.ctx.changed.emit(kind, list(ids))
        finally:
            self._notifying = False
        self._stale.update(p for p in self._all_pages() if p is not page)
        if page is not None and reload:
            page.reload(keep=keep)
        self._after_notify(page)

    def _after_notify(self, page: QWidget | None) -> None:
        """Hook for tabs that show derived state (e.g. counts in page titles)."""

    @Slot(str, list)
    def _on_changed(self, kind: str, _ids: list) -> None:
        if self._notifying or kind not in self.WATCHED:
            return
        if kind in ("all", "villages"):
            self._load_villages()
        self._stale.update(self._all_pages())
        if self.isVisible():
            self._page_changed(self.pages.currentIndex())

    def _load_villages(self) -> None:
        from ...services.households.registry import village_choices

        try:
            self._villages = list(village_choices(self.ctx.db))
        except Exception as exc:  # noqa: BLE001 - shown to the clerk, the tab stays usable
            show_error(self, exc)
            self._villages = []
        for page in self._all_pages():
            # no reload per page here: the caller marks every page stale; each loads when shown
            combos = page.findChildren(QComboBox)
            for w in (page, *combos):
                w.blockSignals(True)
            try:
                page.set_villages(self._villages)
            finally:
                for w in (page, *combos):
                    w.blockSignals(False)

    def refresh(self) -> None:
        self._load_villages()
        self._stale = set(self._all_pages())
        if self.isVisible():  # a hidden tab loads when first shown (start-up speed)
            self._page_changed(self.pages.currentIndex())
