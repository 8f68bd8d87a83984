"""The settlement form (就医结算): Ctrl+N in the 就医结算 page, Enter opens an existing one.

个人自付 and 政策范围内报销比例 are never typed: they are recomputed (domain/medical_calc) on every
keystroke in an amount box, and the amount rules (no negatives, payers ≤ 总费用, 政策范围内 ≤
总费用) are shown next to the boxes while typing. Ctrl+S saves and keeps the form open; a save that
fails — a rule, or another clerk who saved first — changes nothing and keeps everything typed.
"""

from __future__ import annotations

import types

from PySide6.QtCore import Qt, QTime, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QMessageBox, QPushButton, QVBoxLayout, QWidget,
)

from ...errors import ConflictError, UserError, ValidationError
from ...models.medical import CARE_TYPES, HOSPITAL_LEVELS, OTHER_SUPPORT_KINDS
from ...domain import medical_calc as calc
from ..common.correction import save_or_correct
from ..common.context import AppContext, show_error
from ..common.fields import Field, FieldForm
from ..common.widgets import MemberPicker, choice_of

# kept when the clerk goes on with the next slip of the same hospital visit (保存并新增)
CARRY_OVER = ("hospital_name", "hospital_level", "care_type", "settlement_date",
              "pay_after_treatment", "one_stop")


class SettlementDialog(QDialog):
    saved = Signal(int)  # settlement id, after every successful save

    def __init__(self, ctx: AppContext, settlement_id: int | None = None,
                 parent: QWidget | None = None, member=None):
        from ...services.medical.settlements import get_settlement, search_members

        super().__init__(parent)
        self.ctx = ctx
        db = ctx.db
        row = get_settlement(db, settlement_id) if settlement_id is not None else None
        if settlement_id is not None and (row is None or row.deleted):
            raise UserError("该结算记录已不存在（可能已被他人删除），请刷新列表")
        self._targets: dict[int, dict] = {}
        self.resize(980, 600)

        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.clicked.connect(self.reload)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.reload_button)
        self.banner_box = QWidget()
        self.banner_box.setLayout(banner_row)
        self.banner_box.hide()

        self.form = FieldForm()
        add = self.form.add
        g1 = QGroupBox(self.tr("Treatment"))
        f1 = QFormLayout(g1)
        self.picker = MemberPicker(lambda text: search_members(db, text), self.tr("Patient"))
        self.form.fields["member_id"] = self.picker
        self.picker.edited.connect(self._picker_edited)
        f1.addRow(self.picker.label, self.picker)
        add("hospital_name", self.tr("Hospital"), layout=f1)
        add("hospital_level", self.tr("Hospital level"), "choice", HOSPITAL_LEVELS, layout=f1)
        add("care_type", self.tr("Type of care"), "choice", CARE_TYPES, layout=f1)
        add("admission_date", self.tr("Admission date"), "date", layout=f1)
        add("discharge_date", self.tr("Discharge date"), "date", layout=f1)
        add("diagnosis", self.tr("Diagnosis"), layout=f1)
        add("settlement_no", self.tr("Settlement number"), "code", layout=f1)
        add("settlement_date", self.tr("Settlement date"), "date", layout=f1)
        add("pay_after_treatment", self.tr("Treatment first, payment later"), "check", layout=f1)
        add("one_stop", self.tr("One-stop settlement"), "check", layout=f1)
        add("note", self.tr("Note"), "memo", layout=f1)

        g2 = QGroupBox(self.tr("Costs and who paid (yuan)"))
        f2 = QFormLayout(g2)
        for name, label in (("total_cost", self.tr("Total cost")),
                            ("policy_cost", self.tr("Cost within policy scope")),
                            ("basic_insurance", self.tr("Basic medical insurance fund")),
                            ("critical_insurance", self.tr("Critical illness insurance payment")),
                            ("medical_assistance", self.tr("Medical assistance")),
                            ("other_support", self.tr("Other support"))):
            f = add(name, label, "money", layout=f2)
            f.widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            f.edited.connect(self.update_derived)
        add("other_kind", self.tr("Kind of other support"), "choice", OTHER_SUPPORT_KINDS, layout=f2)
        for name in ("care_type", "settlement_date"):
            self.form[name].edited.connect(self.update_derived)

        g3 = QGroupBox(self.tr("Computed (not typed)"))
        g3.setStyleSheet("QLineEdit { background: #f3f5f7; }")
        f3 = QFormLayout(g3)
        self.payers_field = self._derived_field("payers_total", self.tr("Total reimbursed"))
        self.self_paid_field = self._derived_field("self_paid", self.tr("Paid by the patient"))
        self.ratio_field = self._derived_field("policy_ratio", self.tr("Reimbursement ratio within policy"))
        self.outside_field = self._derived_field("out_of_policy", self.tr("Cost outside policy scope"))
        for f in (self.payers_field, self.self_paid_field, self.ratio_field, self.outside_field):
            f3.addRow(f.label, f)
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        f3.addRow("", self.target_label)
        right = QVBoxLayout()
        right.addWidget(g2)
        right.addWidget(g3)
        right.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(g1)
        left.addStretch(1)
        cols = QHBoxLayout()
        cols.addLayout(left, 1)
        cols.addLayout(right, 1)

        self.status = QLabel()
        self.status.setProperty("role", "hint")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        self.save_new_button = QPushButton(self.tr("Save and New"))
        self.save_new_button.setToolTip(
            self.tr("Save, then start the next settlement of the same hospital (Ctrl+Shift+S)"))
        buttons.addButton(self.save_new_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(self.save)
        self.save_new_button.clicked.connect(self.save_and_new)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self._save_shortcut)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self, activated=self.save_and_new)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner_box)
        layout.addLayout(cols, 1)
        layout.addLayout(bottom)
        if row is not None:
            self._load_row(row)
        else:
            self._load_new({"member_id": member})
        self.picker.setFocus()

    def _derived_field(self, name: str, label: str) -> Field:
        f = Field(name, label)
        f.widget.setReadOnly(True)
        f.widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab skips what cannot be typed
        f.widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return f

    # -- loading -----------------------------------------------------------------------------
    def _load_row(self, row) -> None:
        data = row.form_data()
        data["member_id"] = choice_of(row)
        self.settlement_id, self.version = row.id, row.version
        self.form.load(types.SimpleNamespace(**data))
        self.setWindowTitle(self.tr("Settlement %1").replace("%1", row.settlement_no))
        self._after_load()

    def _load_new(self, data: dict) -> None:
        self.settlement_id, self.version = None, None
        blank = dict.fromkeys(calc.LABELS)
        blank.update(data)
        self.form.load(types.SimpleNamespace(**blank))
        self.setWindowTitle(self.tr("New Settlement"))
        self._after_load()

    def _after_load(self) -> None:
        self.self_paid_field.set_error(None)
        self._show_banner("")
        self.update_derived()

    # -- live figures ------------------------------------------------------------------------
    @Slot()
    def _picker_edited(self) -> None:
        self.form.dirty = True

    def _targets_of(self, year: int) -> dict:
        from ...services.medical.settings import policy_targets

        if year not in self._targets:
            with self.ctx.db.read() as s:
                self._targets[year] = policy_targets(s, year)
        return self._targets[year]

    @Slot()
    def update_derived(self) -> None:
        """Recompute 个人自付 / 比例 from the boxes as typed and show the amount rules."""
        texts = {f: self.form[f].text() for f in calc.AMOUNT_FIELDS}
        d = calc.derive(texts)
        self.payers_field.widget.setText(calc.money_text(d.payers_total))
        self.self_paid_field.widget.setText(d.self_paid_text)
        self.ratio_field.widget.setText(d.ratio_text)
        self.outside_field.widget.setText(calc.money_text(d.out_of_policy))
        # amount rules while typing: unreadable text first, then negatives / payers / policy
        values, errors = {}, {}
        for f in calc.AMOUNT_FIELDS:
            try:
                values[f] = self.form[f].value()
            except ValueError as exc:
                values[f], errors[f] = None, f"{self.form[f].label}：{exc}"
        for issue in calc.check_amounts(values):
            errors.setdefault(issue.field, issue.message)
        for f in calc.AMOUNT_FIELDS:
            self.form[f].set_error(errors.get(f))
        self.self_paid_field.set_error(errors.get("self_paid"))
        self._show_target(d.policy_ratio)

    def _show_target(self, ratio) -> None:
        care = self.form["care_type"].text()
        try:
            day = self.form["settlement_date"].value()
        except ValueError:
            day = None
        targets = self._targets_of(day.year) if day else {}
        target = targets.get(care)
        if target is None:
            self.target_label.setText("")
            return
        below = calc.is_below_target(care, ratio, targets)
        text = (self.tr("Below the %1 target for %2: %3") if below
                else self.tr("Target for %2 in %1: %3"))
        self.target_label.setText(text.replace("%1", str(day.year)).replace("%2", care)
                                  .replace("%3", calc.ratio_text(target)))
        self.target_label.setProperty("role", "error" if below else "hint")
        self.target_label.style().unpolish(self.target_label)
        self.target_label.style().polish(self.target_label)

    # -- saving ------------------------------------------------------------------------------
    @property
    def has_changes(self) -> bool:
        return self.form.dirty

    def typed_data(self) -> dict | None:
        """The form as a dict for the services, or None when a box cannot be read (shown)."""
        values, errors = self.form.values()
        self.update_derived()  # values() cleared the amount messages; put them back
        if errors:
            self._show_errors(errors)
            return None
        choice = values.pop("member_id")
        values["member_id"] = choice.id if choice is not None else None
        return values

    @Slot()
    def _save_shortcut(self) -> None:
        """Ctrl+S: save, or say there is nothing to save (a saved record, nothing typed)."""
        if self.settlement_id is not None and not self.has_changes:
            self.status.setText(self.tr("Nothing to save"))
            return
        self.save()

    @Slot()
    def save(self) -> bool:
        from ...services.medical.settlement_edit import save_settlement

        data = self.typed_data()
        if data is None:
            return False
        try:
            row = save_or_correct(self, lambda correction: save_settlement(
                self.ctx.db, data, self.settlement_id, self.version, correction=correction))
        except ValidationError as exc:
            self._show_errors(exc.errors or {exc.field or "": str(exc)})
            return False
        except ConflictError as exc:
            self._show_banner(str(exc), conflict=True)
            return False
        except UserError as exc:
            self._show_banner(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a bug: logged; the typing stays
            show_error(self, exc)
            return False
        self._load_row(row)
        self.status.setText(self.tr("Saved at %1").replace("%1", QTime.currentTime().toString("HH:mm:ss")))
        self.saved.emit(row.id)
        return True

    @Slot()
    def save_and_new(self) -> None:
        if not self.save():
            return
        keep = {k: self.form[k].value() for k in CARRY_OVER}
        self._load_new(keep)
        self.picker.setFocus()

    def _show_errors(self, errors: dict[str, str]) -> None:
        first = self.form.show_errors({k: v for k, v in errors.items() if k in self.form.fields})
        self.update_derived()
        if "self_paid" in errors:
            self.self_paid_field.set_error(errors["self_paid"])
        others = [v for k, v in errors.items() if k not in self.form.fields and k != "self_paid"]
        text = self.tr("%1 item(s) to correct, marked in red.").replace("%1", str(len(errors)))
        if others:
            text += "\n" + "\n".join(others)
        self._show_banner(text)
        if first is not None:
            first.setFocus()

    def _show_banner(self, text: str, conflict: bool = False) -> None:
        self.banner.setText(text)
        self.reload_button.setVisible(conflict)
        self.banner_box.setVisible(bool(text))
        if text:
            self.status.setText("")

    @Slot()
    def reload(self) -> None:
        """Discard what was typed and show the record as another clerk saved it."""
        from ...services.medical.settlements import get_settlement

        if self.settlement_id is None:
            return
        if self.has_changes and QMessageBox.question(
                self, self.tr("Reload"),
                self.tr("Discard your changes and load the record as saved by others?")
        ) != QMessageBox.StandardButton.Yes:
            return
        row = get_settlement(self.ctx.db, self.settlement_id)
        if row is None or row.deleted:
            self._show_banner(self.tr("This settlement was deleted by someone else."))
            return
        self._load_row(row)

    def reject(self) -> None:
        if self.has_changes:
            answer = QMessageBox.question(
                self, self.windowTitle(), self.tr("Close without saving your changes?"),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
        super().reject()
