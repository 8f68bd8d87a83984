"""医疗救助设置: the target 政策范围内报销比例 per year (住院 / 门诊慢特病), the 因病返贫 alert
thresholds (amount and share of net income) and the follow-up interval of family-doctor signings.
Each value is checked by services/medical_settings; its message appears next to the box."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget,
)

from ...errors import UserError, ValidationError
from ..common.context import AppContext, show_error
from ..common.fields import Field


def _pct(d: Decimal) -> str:
    return f"{(d * 100).normalize():f}%"


class MedicalSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, year: int | None = None):
        from ...services.medical import settings as ms

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Medical Relief Settings"))
        self._pending: dict[int, tuple[str, str]] = {}  # year -> typed targets not saved yet
        with ctx.db.read() as s:
            th = ms.alert_thresholds(s)
            months = ms.followup_months(s)

        g1 = QGroupBox(self.tr("Target reimbursement ratio within policy"))
        f1 = QFormLayout(g1)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setSuffix(self.tr(" (year)"))
        self.year.setValue(year or dt.date.today().year)
        self.inpatient = Field("住院", self.tr("Inpatient"), placeholder="90%")
        self.chronic = Field("门诊慢特病", self.tr("Outpatient chronic / special disease"),
                             placeholder="80%")
        f1.addRow(self.tr("Year"), self.year)
        f1.addRow(self.inpatient.label, self.inpatient)
        f1.addRow(self.chronic.label, self.chronic)
        hint = QLabel(self.tr("Settlements below the target of their year are flagged. "
                              "A year without its own targets uses 90% / 80%."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        f1.addRow(hint)

        g2 = QGroupBox(self.tr("Alert: families pushed back into poverty by illness"))
        f2 = QFormLayout(g2)
        self.amount = Field("self_paid_amount", self.tr("Out-of-pocket per year reaches (yuan)"), "money")
        self.amount.widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.amount.set_value(th.self_paid_amount)
        self.share = Field("income_share", self.tr("or its share of net income reaches"))
        self.share.widget.setText(_pct(th.income_share))
        f2.addRow(self.amount.label, self.amount)
        f2.addRow(self.share.label, self.share)

        g3 = QGroupBox(self.tr("Family doctors"))
        f3 = QFormLayout(g3)
        self.months = QSpinBox()
        self.months.setRange(1, 24)
        self.months.setValue(months)
        self.months.setSuffix(self.tr(" months"))
        f3.addRow(self.tr("List signings without a follow-up for"), self.months)

        self.error_label = QLabel()
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        layout = QVBoxLayout(self)
        for g in (g1, g2, g3):
            layout.addWidget(g)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self._shown_year = self.year.value()
        self._load_year(self._shown_year)
        self.year.valueChanged.connect(self._year_changed)

    def _load_year(self, year: int) -> None:
        from ...services.medical.settings import policy_targets

        if year in self._pending:
            inp, chr_ = self._pending[year]
        else:
            with self.ctx.db.read() as s:
                t = policy_targets(s, year)
            inp, chr_ = _pct(t["住院"]), _pct(t["门诊慢特病"])
        self.inpatient.widget.setText(inp)
        self.chronic.widget.setText(chr_)
        self._typed = (inp, chr_)
        self.inpatient.set_error(None)
        self.chronic.set_error(None)

    def _remember(self) -> None:
        now = (self.inpatient.text().strip(), self.chronic.text().strip())
        if now != self._typed or self._shown_year in self._pending:
            self._pending[self._shown_year] = now

    @Slot(int)
    def _year_changed(self, year: int) -> None:
        self._remember()
        self._shown_year = year
        self._load_year(year)

    @Slot()
    def save(self) -> None:
        from ...services.medical import settings as ms

        self._remember()
        db = self.ctx.db
        fields = {"self_paid_amount": self.amount, "income_share": self.share,
                  "住院": self.inpatient, "门诊慢特病": self.chronic}
        for f in fields.values():
            f.set_error(None)
        self.error_label.hide()
        try:
            ms.set_alert_thresholds(db, self.amount.text(), self.share.text())
            ms.set_followup_months(db, self.months.value())
            for year, (inp, chr_) in sorted(self._pending.items()):
                if year != self.year.value():
                    self.year.setValue(year)  # show the year whose value is wrong, if one is
                ms.set_policy_targets(db, year, inp, chr_)
        except ValidationError as exc:
            target = fields.get(exc.field or "")
            if target is not None:
                target.set_error(str(exc))
                target.setFocus()
            else:
                self.error_label.setText(str(exc))
                self.error_label.show()
            self.ctx.changed.emit("settings", [])  # whatever was saved before the error
            return
        except UserError as exc:
            show_error(self, exc)
            return
        self.ctx.changed.emit("settings", [])
        self.accept()
