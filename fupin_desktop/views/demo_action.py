"""Load the demo township from the GUI (first run, or 帮助 menu)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from .common.context import AppContext
from .common.tasks import run_task

DEMO_HOUSEHOLDS = 300



def load_demo(parent: QWidget, ctx: AppContext, households: int | None = None):
    from ..services.demo import generate_demo

    households = households or DEMO_HOUSEHOLDS

    def done(summary):
        ctx.changed.emit("all", [])
        ctx.database_replaced.emit()
        QMessageBox.information(parent, QCoreApplication.translate("DemoAction", "Demo Data"),
                                QCoreApplication.translate("DemoAction", "Demo township loaded."))

    return run_task(parent, QCoreApplication.translate("DemoAction", "Loading demo data…"),
                    lambda progress: generate_demo(ctx.db, households=households, seed=1,
                                                   progress=progress),
                    on_result=done)
