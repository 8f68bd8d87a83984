"""Settings of the medical-relief tab, stored in the ``settings`` table (JSON values).

Keys (amounts and ratios stored as text so they stay exact Decimals):

``medical.targets.<year>``            {"住院": "0.90", "门诊慢特病": "0.80"} — 政策范围内报销比例 targets
``medical.alert.self_paid_amount``    "10000.00" — yearly household 个人自付 that raises an alert
``medical.alert.income_share``        "0.50" — 个人自付 ÷ 家庭纯收入 that raises an alert
``medical.signing.followup_months``   3 — a signing with no follow-up for this many months is listed

A year without its own targets uses the defaults below (no year is hard-coded).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import ValidationError
from ...models import Setting

TARGET_TYPES = ("住院", "门诊慢特病")
DEFAULT_TARGETS = {"住院": Decimal("0.90"), "门诊慢特病": Decimal("0.80")}
DEFAULT_ALERT_AMOUNT = Decimal("10000.00")
DEFAULT_ALERT_SHARE = Decimal("0.50")
DEFAULT_FOLLOWUP_MONTHS = 3

KEY_TARGETS = "medical.targets.{year}"
KEY_ALERT_AMOUNT = "medical.alert.self_paid_amount"
KEY_ALERT_SHARE = "medical.alert.income_share"
KEY_FOLLOWUP_MONTHS = "medical.signing.followup_months"


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    self_paid_amount: Decimal  # 元
    income_share: Decimal  # 0.50 = 50 %


def _get(session: Session, key: str):
    return session.scalar(select(Setting.value).where(Setting.key == key))


def _put(session: Session, key: str, value) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    elif row.value != value:
        row.value = value


def _dec(value, default: Decimal) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else default
    except (InvalidOperation, ValueError):
        return default


def _ratio_in(value, label: str, field: str) -> Decimal:
    """A ratio given as 0.9, "0.9", "90%" or 90 (per cent when > 1)."""
    try:
        s = str(value).strip().rstrip("%").strip()
        d = Decimal(s)
        if str(value).strip().endswith("%") or d > 1:
            d = d / 100
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}“{value}”不是有效比例，请填写如 90% 或 0.90",
                              field=field) from None
    if not (0 < d <= 1):
        raise ValidationError(f"{label}应在 0 到 100% 之间", field=field)
    return d.quantize(Decimal("0.0001"))


def policy_targets(session: Session, year: int) -> dict[str, Decimal]:
    """Targets of ``year`` by care type (住院 / 门诊慢特病), falling back to the defaults."""
    stored = _get(session, KEY_TARGETS.format(year=year)) or {}
    return {t: _dec(stored.get(t), DEFAULT_TARGETS[t]) for t in TARGET_TYPES}


def set_policy_targets(db, year: int, inpatient, chronic_outpatient) -> dict[str, Decimal]:
    """Save the targets of one year (values as 0.9 / "90%" / 90)."""
    vals = {
        "住院": _ratio_in(inpatient, "住院政策范围内报销比例目标", "住院"),
        "门诊慢特病": _ratio_in(chronic_outpatient, "门诊慢特病政策范围内报销比例目标", "门诊慢特病"),
    }
    with db.write(reason=f"设置{year}年医疗报销比例目标") as s:
        _put(s, KEY_TARGETS.format(year=year), {k: str(v) for k, v in vals.items()})
    return vals


def alert_thresholds(session: Session) -> AlertThresholds:
    return AlertThresholds(
        self_paid_amount=_dec(_get(session, KEY_ALERT_AMOUNT), DEFAULT_ALERT_AMOUNT),
        income_share=_dec(_get(session, KEY_ALERT_SHARE), DEFAULT_ALERT_SHARE),
    )


def set_alert_thresholds(db, self_paid_amount, income_share) -> AlertThresholds:
    try:
        amount = Decimal(str(self_paid_amount).replace(",", "").strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"预警金额“{self_paid_amount}”不是有效金额",
                              field="self_paid_amount") from None
    if amount <= 0:
        raise ValidationError("预警金额应大于 0", field="self_paid_amount")
    share = _ratio_in(income_share, "自付占家庭纯收入比例", "income_share")
    with db.write(reason="设置因病返贫预警阈值") as s:
        _put(s, KEY_ALERT_AMOUNT, str(amount))
        _put(s, KEY_ALERT_SHARE, str(share))
    return AlertThresholds(amount, share)


def followup_months(session: Session) -> int:
    v = _get(session, KEY_FOLLOWUP_MONTHS)
    try:
        n = int(v)
    except (TypeError, ValueError):
        return DEFAULT_FOLLOWUP_MONTHS
    return n if n > 0 else DEFAULT_FOLLOWUP_MONTHS


def set_followup_months(db, months) -> int:
    try:
        n = int(months)
    except (TypeError, ValueError):
        raise ValidationError(f"随访间隔“{months}”应为整数月", field="followup_months") from None
    if not 1 <= n <= 24:
        raise ValidationError("随访间隔应在 1 到 24 个月之间", field="followup_months")
    with db.write(reason="设置家庭医生随访间隔") as s:
        _put(s, KEY_FOLLOWUP_MONTHS, n)
    return n
