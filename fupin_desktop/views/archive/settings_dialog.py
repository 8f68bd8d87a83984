"""档案设置: categories (类别) and their order, 类别/保管期限 per kind of item, box capacities."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..common.context import AppContext, show_error


class ArchiveSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        from ...archive.model import RETENTION_NAMES
        from ...services.archive.settings import ITEM_KINDS, THICKNESSES, load_config

        self.ctx = ctx
        self.cfg = load_config(ctx.db)
        self.setWindowTitle(self.tr("Archive Settings"))
        self.resize(760, 760)

        from ...services.settings import township_info

        info = township_info(ctx.db)
        self.fonds_no = QLineEdit(info.fonds_no)
        self.fonds_no.setMaxLength(16)
        self.fonds_no.setPlaceholderText(self.tr("Given by the archives bureau, e.g. Z012"))
        self.fonds_name = QLineEdit(info.fonds_name)
        fonds = QFormLayout()
        fonds.addRow(self.tr("Fonds number"), self.fonds_no)
        fonds.addRow(self.tr("Fonds name"), self.fonds_name)

        self.cats = QTableWidget(0, 2)
        self.cats.setHorizontalHeaderLabels([self.tr("Category"), self.tr("Code")])
        self.cats.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.cats.verticalHeader().hide()
        for c in self.cfg.categories:
            self._add_category_row(c.name, c.code)
        self.cats.itemChanged.connect(lambda _i: self._refresh_kind_choices())
        buttons = QVBoxLayout()
        for text, slot in ((self.tr("Add"), self._add), (self.tr("Remove"), self._remove),
                           (self.tr("Move Up"), lambda: self._move(-1)),
                           (self.tr("Move Down"), lambda: self._move(1))):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        cat_box = QGroupBox(self.tr("Categories (in filing order; the code is part of the archival code)"))
        row = QHBoxLayout(cat_box)
        row.addWidget(self.cats, 1)
        row.addLayout(buttons)

        self.kinds = QTableWidget(len(ITEM_KINDS), 3)
        self.kinds.setHorizontalHeaderLabels([self.tr("Kind of item"), self.tr("Category"),
                                              self.tr("Retention")])
        self.kinds.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.kinds.setColumnWidth(1, 150)
        self.kinds.setColumnWidth(2, 110)
        self.kinds.verticalHeader().hide()
        self._kind_keys = list(ITEM_KINDS)
        for r, kind in enumerate(self._kind_keys):
            item = QTableWidgetItem(ITEM_KINDS[kind].title)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.kinds.setItem(r, 0, item)
            self.kinds.setCellWidget(r, 1, QComboBox())
            ret = QComboBox()
            for code, name in RETENTION_NAMES.items():
                ret.addItem(name, code)
            ret.setCurrentIndex(max(0, ret.findData(self.cfg.retention_of(kind))))
            self.kinds.setCellWidget(r, 2, ret)
        self._refresh_kind_choices(initial=True)
        kind_box = QGroupBox(self.tr("Category and retention of each kind of item"))
        QVBoxLayout(kind_box).addWidget(self.kinds)

        self.thickness = QComboBox()
        for t in THICKNESSES:
            self.thickness.addItem(f"{t} mm", t)
        self.thickness.setCurrentIndex(max(0, self.thickness.findData(self.cfg.box_thickness_mm)))
        self.capacity: dict[int, QSpinBox] = {}
        caps = QHBoxLayout()
        for t in THICKNESSES:
            sb = QSpinBox()
            sb.setRange(1, 5000)
            sb.setValue(self.cfg.box_capacities.get(t, t * 10))
            sb.setSuffix(self.tr(" pages"))
            self.capacity[t] = sb
            caps.addWidget(QLabel(f"{t} mm"))
            caps.addWidget(sb)
        self.organizer = QLineEdit(self.cfg.organizer)
        self.checker = QLineEdit(self.cfg.checker)
        form = QFormLayout()
        form.addRow(self.tr("Box thickness"), self.thickness)
        form.addRow(self.tr("Box capacity"), caps)
        form.addRow(self.tr("Arranged by (default)"), self.organizer)
        form.addRow(self.tr("Checked by (default)"), self.checker)

        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(fonds)
        layout.addWidget(cat_box, 2)
        layout.addWidget(kind_box, 3)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(box)

    # -- categories ----------------------------------------------------------------------------
    def _add_category_row(self, name: str, code: str) -> None:
        r = self.cats.rowCount()
        self.cats.insertRow(r)
        self.cats.setItem(r, 0, QTableWidgetItem(name))
        self.cats.setItem(r, 1, QTableWidgetItem(code))

    def categories(self) -> list[tuple[str, str]]:
        out = []
        for r in range(self.cats.rowCount()):
            name = (self.cats.item(r, 0).text() if self.cats.item(r, 0) else "").strip()
            code = (self.cats.item(r, 1).text() if self.cats.item(r, 1) else "").strip().upper()
            if name or code:
                out.append((code, name))
        return out

    @Slot()
    def _add(self) -> None:
        self._add_category_row(self.tr("New category"), "")
        self.cats.editItem(self.cats.item(self.cats.rowCount() - 1, 1))

    @Slot()
    def _remove(self) -> None:
        r = self.cats.currentRow()
        if r >= 0:
            self.cats.removeRow(r)
            self._refresh_kind_choices()

    def _move(self, step: int) -> None:
        r = self.cats.currentRow()
        t = r + step
        if r < 0 or not 0 <= t < self.cats.rowCount():
            return
        for col in (0, 1):
            a, b = self.cats.takeItem(r, col), self.cats.takeItem(t, col)
            self.cats.setItem(r, col, b)
            self.cats.setItem(t, col, a)
        self.cats.setCurrentCell(t, 0)
        self._refresh_kind_choices()

    def _refresh_kind_choices(self, initial: bool = False) -> None:
        cats = self.categories()
        for r, kind in enumerate(self._kind_keys):
            combo: QComboBox = self.kinds.cellWidget(r, 1)
            keep = self.cfg.category_of(kind) if initial else combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for code, name in cats:
                combo.addItem(f"{name}（{code}）", code)
            combo.setCurrentIndex(max(0, combo.findData(keep)))
            combo.blockSignals(False)

    # -- save ----------------------------------------------------------------------------------
    @Slot()
    def save(self) -> None:
        from ...archive.model import Category
        from ...errors import UserError
        from ...services.archive.settings import ArchiveConfig, save_config, save_fonds

        cfg = ArchiveConfig(
            categories=[Category(code, name) for code, name in self.categories()],
            kinds={kind: (self.kinds.cellWidget(r, 1).currentData() or "",
                          self.kinds.cellWidget(r, 2).currentData())
                   for r, kind in enumerate(self._kind_keys)},
            box_thickness_mm=self.thickness.currentData(),
            box_capacities={t: sb.value() for t, sb in self.capacity.items()},
            organizer=self.organizer.text().strip(), checker=self.checker.text().strip())
        try:
            with self.ctx.db.write(reason="修改档案设置") as s:
                save_fonds(s, self.fonds_no.text(), self.fonds_name.text())
                save_config(s, cfg)
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        except Exception as exc:  # noqa: BLE001 - a bug: logged, short note for the clerk
            show_error(self, exc)
            return
        self.ctx.changed.emit("settings", [])
        self.accept()
