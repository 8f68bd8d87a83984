"""One small form for the medical records that are not settlements: 慢性病卡, 家庭医生签约, 随访,
健康帮扶措施. Optionally starts with the member picker. The save function gets a plain dict (the
service's form data); a failed save keeps the dialog open with the typing and each message next
to its field, a conflict says so at the top."""

from __future__ import annotations

import types
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QVBoxLayout, QWidget,
)

from ...errors import ConflictError, UserError, ValidationError
from .context import show_error
from .fields import FieldForm
from .widgets import MemberPicker

# (name, translated label, kind, choices) — kinds as common/fields.Field
FieldSpec = tuple[str, str, str, tuple]


class MedicalRecordDialog(QDialog):
    saved = Signal(object)  # what the save function returned

    def __init__(self, title: str, fields: list[FieldSpec], data: dict,
                 save: Callable[[dict], object], parent: QWidget | None = None, *,
                 member_label: str | None = None, search=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.save_fn = save
        self.result_value = None
        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        form_layout = QFormLayout()
        self.form = FieldForm(form_layout)
        self.picker: MemberPicker | None = None
        if member_label is not None:
            self.picker = MemberPicker(search, member_label)
            self.form.fields["member_id"] = self.picker
            self.picker.edited.connect(lambda: setattr(self.form, "dirty", True))
            form_layout.addRow(member_label, self.picker)
        for name, label, kind, choices in fields:
            self.form.add(name, label, kind, choices)
        self.form.load(types.SimpleNamespace(**{n: data.get(n) for n in self.form.fields}))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form_layout)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def typed_data(self) -> dict | None:
        values, errors = self.form.values()
        if errors:
            self._banner("")
            return None
        if self.picker is not None:
            choice = values.pop("member_id")
            values["member_id"] = choice.id if choice is not None else None
        return values

    def accept(self) -> None:
        data = self.typed_data()
        if data is None:
            return
        try:
            self.result_value = self.save_fn(data)
        except ValidationError as exc:
            errors = exc.errors or {exc.field or "": str(exc)}
            first = self.form.show_errors({k: v for k, v in errors.items() if k in self.form.fields})
            self._banner("\n".join(v for k, v in errors.items() if k not in self.form.fields))
            if first is not None:
                first.setFocus()
            return
        except (ConflictError, UserError) as exc:
            self._banner(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a bug: logged, the typing stays
            show_error(self, exc)
            return
        self.form.dirty = False
        self.saved.emit(self.result_value)
        super().accept()

    def reject(self) -> None:
        if self.form.dirty and QMessageBox.question(
                self, self.windowTitle(), self.tr("Close without saving your changes?")
        ) != QMessageBox.StandardButton.Yes:
            return
        super().reject()

    def _banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
