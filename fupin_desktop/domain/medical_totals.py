"""Totals of settlement rows (any objects with the amount fields and ``care_type``): what
the settlements tab and the 医疗救助台账 print under their rows, exactly the sums of the rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import medical_calc as calc

ZERO = calc.ZERO
DELETED_MARK = "（已删除）"  # after the name of a member or household deleted since
SUM_FIELDS = calc.AMOUNT_FIELDS + ("self_paid",)


@dataclass(slots=True)
class SettlementTotals:
    count: int = 0
    inpatient_count: int = 0
    total_cost: Decimal = ZERO
    policy_cost: Decimal = ZERO
    basic_insurance: Decimal = ZERO
    critical_insurance: Decimal = ZERO
    medical_assistance: Decimal = ZERO
    other_support: Decimal = ZERO
    self_paid: Decimal = ZERO
    below_target_count: int = 0

    @property
    def payers_total(self) -> Decimal:
        return self.basic_insurance + self.critical_insurance + self.medical_assistance + self.other_support

    @property
    def policy_ratio(self) -> Decimal | None:
        """Aggregate ratio of the rows (same rule as one settlement)."""
        return calc.policy_ratio(self.payers_total, self.policy_cost)


def summarize(rows) -> SettlementTotals:
    """Totals per payer: exactly the sum of the rows given."""
    t = SettlementTotals()
    for r in rows:
        t.count += 1
        t.inpatient_count += r.care_type == "住院"
        t.below_target_count += bool(r.below_target)
        for f in SUM_FIELDS:
            setattr(t, f, getattr(t, f) + getattr(r, f))
    return t
