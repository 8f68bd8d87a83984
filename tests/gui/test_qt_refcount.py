"""Guard against the PySide6 6.12.0 bug that drops a reference to ``None`` on every model reset.

On CPython < 3.12 ``None`` is not immortal: once its count reaches zero the interpreter aborts
with "none_dealloc". The registry resets its model on every keystroke, so a clerk would hit it
within minutes. A leak of one reference per reset shows here as a fall of ~5,000.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

RESETS = 5_000


class _Model(QAbstractTableModel):
    def __init__(self):
        super().__init__()
        self.n = 0

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt override
        return 0 if parent.isValid() else self.n

    def columnCount(self, parent=QModelIndex()):  # noqa: N802 - Qt override
        return 0 if parent.isValid() else 2

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        return None


def test_model_reset_keeps_none_refcount(qapp):
    model = _Model()
    for i in range(50):  # warm up caches the binding fills on first use
        model.beginResetModel()
        model.n = i
        model.endResetModel()
    gc.collect()
    before = sys.getrefcount(None)
    for i in range(RESETS):
        model.beginResetModel()
        model.n = i % 7
        model.endResetModel()
    gc.collect()
    after = sys.getrefcount(None)
    # Unrelated objects come and go; the bug loses one per reset, i.e. thousands.
    assert after >= before - RESETS // 10, (before, after)
