"""Base class of the main window's tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from .context import AppContext


class BaseTab(QWidget):
    """A tab: built with the shared context, refreshed when its data may have changed.

    Subclasses set ``title`` (the translated tab caption comes from ``tab_title()``), implement
    ``refresh()`` and may react to ``ctx.changed`` for kinds they show.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        ctx.database_replaced.connect(self.refresh)

    @classmethod
    def tab_title(cls) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload what the tab shows from the database."""

    def save_state(self, settings) -> None:
        """Persist column widths etc. into QSettings."""

    def restore_state(self, settings) -> None:
        """Restore what save_state wrote."""
