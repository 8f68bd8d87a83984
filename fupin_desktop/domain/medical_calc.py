"""Settlement arithmetic and the amount/date rules shared by the form, the importer and the demo.

Rounding rule (write it down once, use it everywhere):

* Every amount is first rounded half-up to the fen (0.01 元) — as typed or as read from Excel.
* 报销合计 (payers) = 基本医保统筹 + 大病保险 + 医疗救助 + 其他保障, exact in fen.
* 个人自付 = 总费用 − 报销合计, exact in fen (inputs are already in fen, so no rounding happens).
* 政策范围内报销比例 = 报销合计 ÷ 政策范围内费用, rounded half-up to 4 places (0.0001, i.e. one
  hundredth of a per cent); ``None`` when 政策范围内费用 is 0 or missing. It is not capped:
  other support (e.g. 医院减免) may also cover costs outside the policy scope.
* A settlement is below its year's target when its rounded ratio < the target (targets only exist
  for 住院 and 门诊慢特病; 门诊 has none).

Empty amounts count as 0 for payers; an empty 总费用 leaves 个人自付 undefined (``None``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .normalize import parse_amount

HOSPITAL_LEVELS = ("村", "乡镇", "县", "市", "省及以上")
CARE_TYPES = ("门诊", "住院", "门诊慢特病")
OTHER_SUPPORT_KINDS = ("补充保险", "医院减免", "财政兜底", "商业保险", "慈善")

FEN = Decimal("0.01")
RATIO_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")  # largest value of Numeric(12, 2)

PAYER_FIELDS = ("basic_insurance", "critical_insurance", "medical_assistance", "other_support")
AMOUNT_FIELDS = ("total_cost", "policy_cost") + PAYER_FIELDS

LABELS = {
    "member_id": "就医人员",
    "hospital_name": "医疗机构名称",
    "hospital_level": "医院等级",
    "care_type": "就诊类别",
    "admission_date": "入院日期",
    "discharge_date": "出院日期",
    "diagnosis": "诊断名称",
    "settlement_no": "结算单据号",
    "settlement_date": "结算日期",
    "total_cost": "总费用",
    "policy_cost": "政策范围内费用",
    "basic_insurance": "基本医保统筹",
    "critical_insurance": "大病保险",
    "medical_assistance": "医疗救助",
    "other_support": "其他保障",
    "other_kind": "其他保障类型",
    "pay_after_treatment": "先诊疗后付费",
    "one_stop": "一站式结算",
    "self_paid": "个人自付",
    "policy_ratio": "政策范围内报销比例",
    "note": "备注",
}


def fen(value) -> Decimal:
    return Decimal(value).quantize(FEN, ROUND_HALF_UP)


def money_text(value: Decimal | None) -> str:
    """12,345.60 — two decimals, thousands separators (DESIGN.md §7)."""
    return "" if value is None else f"{value:,.2f}"


def ratio_text(value: Decimal | None) -> str:
    """0.9201 -> 92.01%."""
    return "" if value is None else f"{(value * 100).quantize(FEN, ROUND_HALF_UP)}%"


@dataclass(frozen=True, slots=True)
class Derived:
    """The figures the form shows next to the typed amounts (all ``None`` when not computable)."""

    payers_total: Decimal  # 报销合计
    self_paid: Decimal | None  # 个人自付
    policy_ratio: Decimal | None  # 政策范围内报销比例, 4 places
    out_of_policy: Decimal | None  # 政策范围外费用 = 总费用 − 政策范围内

    @property
    def self_paid_text(self) -> str:
        return money_text(self.self_paid)

    @property
    def ratio_text(self) -> str:
        return ratio_text(self.policy_ratio)


def _amount(value) -> Decimal | None:
    """A typed or stored amount rounded to the fen; unreadable text counts as missing."""
    if value is None or isinstance(value, Decimal):
        return None if value is None else fen(value)
    try:
        return parse_amount(value)
    except ValueError:
        return None


def self_paid(total, payers: Decimal) -> Decimal | None:
    return None if total is None else fen(total) - payers


def policy_ratio(payers: Decimal, policy) -> Decimal | None:
    if policy is None or policy <= 0:
        return None
    return (payers / Decimal(policy)).quantize(RATIO_PLACES, ROUND_HALF_UP)


def derive(amounts: dict) -> Derived:
    """Derived figures from a plain dict of amounts (values: Decimal, number or typed text).

    The GUI calls this on every keystroke; it never raises.
    """
    vals = {f: _amount(amounts.get(f)) for f in AMOUNT_FIELDS}
    payers = sum((vals[f] or ZERO for f in PAYER_FIELDS), ZERO)
    total, policy = vals["total_cost"], vals["policy_cost"]
    return Derived(
        payers_total=payers,
        self_paid=self_paid(total, payers),
        policy_ratio=policy_ratio(payers, policy),
        out_of_policy=None if total is None or policy is None else total - policy,
    )


def recompute(row) -> None:
    """Fill the stored derived copies of a Settlement (or any look-alike / dict row)."""
    get = row.get if isinstance(row, dict) else (lambda k: getattr(row, k, None))
    d = derive({f: get(f) for f in AMOUNT_FIELDS})
    sp = d.self_paid if d.self_paid is not None else ZERO
    if isinstance(row, dict):
        row["self_paid"], row["policy_ratio"] = sp, d.policy_ratio
    else:
        row.self_paid, row.policy_ratio = sp, d.policy_ratio


def is_below_target(care_type: str | None, ratio: Decimal | None, targets: dict) -> bool:
    """``targets`` maps care type -> Decimal target (from services/medical/settings.policy_targets)."""
    target = targets.get(care_type)
    return target is not None and ratio is not None and ratio < target


# --------------------------------------------------------------------------- shared rules

@dataclass(frozen=True, slots=True)
class RuleIssue:
    code: str  # import reject code: negative-amount / payers-exceed-total / ... / dates
    field: str  # form field the message belongs next to
    message: str  # Chinese


def check_amounts(vals: dict[str, Decimal | None]) -> list[RuleIssue]:
    """Amount rules on parsed amounts (None = empty). Order: negative, payers, policy."""
    out = []
    for f in AMOUNT_FIELDS:
        v = vals.get(f)
        if v is not None and v < 0:
            out.append(RuleIssue("negative-amount", f,
                                 f"{LABELS[f]}不能为负数（填写的是 {money_text(v)}），请核对"))
        elif v is not None and v > MAX_AMOUNT:
            # Numeric(12, 2) holds at most 9,999,999,999.99: typically an ID or bill number
            # pasted into an amount column; PostgreSQL would refuse the whole write
            out.append(RuleIssue("bad-value", f,
                                 f"{LABELS[f]} {money_text(v)} 元超出可录入的最大金额"
                                 f"（{money_text(MAX_AMOUNT)} 元），请核对是否填错列"))
    if out:
        return out
    total = vals.get("total_cost")
    payers = sum((vals.get(f) or ZERO for f in PAYER_FIELDS), ZERO)
    if total is not None and payers > total:
        out.append(RuleIssue(
            "payers-exceed-total", "self_paid",
            f"基本医保统筹、大病保险、医疗救助、其他保障合计 {money_text(payers)} 元，"
            f"超过总费用 {money_text(total)} 元，请核对各项报销金额"))
    policy = vals.get("policy_cost")
    if total is not None and policy is not None and policy > total:
        out.append(RuleIssue(
            "policy-exceeds-total", "policy_cost",
            f"政策范围内费用 {money_text(policy)} 元不能超过总费用 {money_text(total)} 元，请核对"))
    return out


def check_dates(care_type: str | None, admission: dt.date | None, discharge: dt.date | None,
                settled: dt.date | None, today: dt.date | None = None) -> list[RuleIssue]:
    """Date rules: nothing in the future, 出院 ≥ 入院, 结算 not before 入院."""
    today = today or dt.date.today()
    out = []
    for f, d in (("admission_date", admission), ("discharge_date", discharge),
                 ("settlement_date", settled)):
        if d is not None and d > today:
            out.append(RuleIssue("dates", f, f"{LABELS[f]} {d.isoformat()} 晚于今天，请核对"))
    if admission and discharge and discharge < admission:
        out.append(RuleIssue(
            "dates", "discharge_date",
            f"出院日期 {discharge.isoformat()} 早于入院日期 {admission.isoformat()}，请核对"))
    if admission and settled and settled < admission:
        out.append(RuleIssue(
            "dates", "settlement_date",
            f"结算日期 {settled.isoformat()} 早于入院日期 {admission.isoformat()}，请核对"))
    return out


def member_alive_message(name: str, status: str | None, status_date: dt.date | None,
                         on: dt.date | None) -> str | None:
    """Why a member cannot have a settlement on ``on`` (None when fine).

    Alive = status other than 死亡, or 死亡 with a death date after ``on``. Other statuses (迁出,
    失联 …) describe where the person is, not whether they live, so they are accepted.
    """
    if status != "死亡":
        return None
    if status_date is None:
        return f"{name}已登记为死亡（未填死亡日期），不能录入就医结算；如登记有误，请先更正成员状态"
    if on is not None and status_date > on:
        return None
    when = f"{on.isoformat()} 的" if on else ""
    return (f"{name}已于 {status_date.isoformat()} 死亡，不能有{when}就医结算，"
            "请核对结算日期或成员状态")
