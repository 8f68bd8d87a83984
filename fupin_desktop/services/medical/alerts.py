"""因病返贫 risk alerts: households whose yearly out-of-pocket medical cost is too high.

Computed on demand from the settlements (never stored as a flag that can go stale): per household
and year, 个人自付 summed in SQL, compared with the thresholds of medical/settings.py:

* ``amount``: 个人自付合计 ≥ 预警金额;
* ``share``: 个人自付 ÷ 家庭纯收入 (HouseholdIncome.net_income of that year), rounded half-up to
  0.0001, ≥ 预警比例; a household whose 纯收入 is 0 or negative trips it with any self-payment
  (code ``no-income``). A household without an income record for the year can only trip ``amount``.

The clerk's actions on an alert: record a 健康帮扶 measure, or mark the household for monitoring
with risk 因病 (both audited through the ORM).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, case, func, or_, select

from ...errors import ConflictError, ValidationError
from ...models import Household, HouseholdIncome, Measure, Member, Settlement, Village
from ...domain import medical_calc as calc
from .settings import AlertThresholds, alert_thresholds
from .settlements import reading
from ...domain.normalize import parse_amount

HEALTH_MEASURE = "健康帮扶"
ILLNESS_RISK = "因病"
RISK_FIELDS = ("risk1", "risk2", "risk3", "risk4", "risk5")
_CHUNK = 900  # bound parameters per IN (…) list
RATIO_HALF = Decimal("0.00005")  # half a unit of the 4th decimal of a share


@dataclass(slots=True)
class MedicalAlert:
    household_id: int
    household_code: str
    village_name: str
    head_name: str | None
    household_type: str | None
    monitoring_category: str | None
    risks: list[str]
    year: int
    settlement_count: int
    inpatient_count: int
    self_paid_total: Decimal
    net_income: Decimal | None
    income_share: Decimal | None  # 4 places; None without a positive net income
    triggers: list[str]  # 'amount' / 'share' / 'no-income'
    reasons: list[str]  # Chinese: the numbers that triggered the alert
    health_measures: int = 0  # 健康帮扶 measures recorded this year
    version: int = 0  # household version, for mark_for_monitoring

    @property
    def monitored_for_illness(self) -> bool:
        return bool(self.monitoring_category) and ILLNESS_RISK in self.risks

    @property
    def share_text(self) -> str:
        return calc.ratio_text(self.income_share)


@dataclass(slots=True)
class AlertList:
    year: int
    thresholds: AlertThresholds
    alerts: list[MedicalAlert] = field(default_factory=list)


def _share(self_paid: Decimal, net: Decimal) -> Decimal:
    return (self_paid / net).quantize(calc.RATIO_PLACES, ROUND_HALF_UP)


def evaluate(self_paid: Decimal, net_income: Decimal | None, th: AlertThresholds):
    """(share, triggers, reasons) for one household-year; pure, so tests can pin the rule."""
    m = calc.money_text
    triggers, reasons = [], []
    share = None
    if self_paid >= th.self_paid_amount:
        triggers.append("amount")
        reasons.append(f"个人自付合计 {m(self_paid)} 元，达到预警金额 {m(th.self_paid_amount)} 元")
    if net_income is not None:
        if net_income <= 0:
            if self_paid > 0:
                triggers.append("no-income")
                reasons.append(f"家庭纯收入为 {m(net_income)} 元，个人自付 {m(self_paid)} 元无收入可负担")
        else:
            share = _share(self_paid, net_income)
            if share >= th.income_share:
                triggers.append("share")
                reasons.append(f"个人自付 {m(self_paid)} 元占家庭纯收入 {m(net_income)} 元的 "
                               f"{calc.ratio_text(share)}，达到预警比例 {calc.ratio_text(th.income_share)}")
    return share, triggers, reasons


def compute_alerts(src, year: int, village_id: int | None = None,
                   thresholds: AlertThresholds | None = None) -> AlertList:
    """The alert list of ``year`` (largest 个人自付 first). One aggregate query does the work."""
    with reading(src) as s:
        th = thresholds or alert_thresholds(s)
        agg = (select(Member.household_id.label("hid"),
                      func.sum(Settlement.self_paid).label("sp"),
                      func.count().label("n"),
                      func.sum(case((Settlement.care_type == "住院", 1), else_=0)).label("inp"))
               .join(Member, Member.id == Settlement.member_id)
               .where(Settlement.deleted_at.is_(None),
                      Settlement.settlement_date >= dt.date(year, 1, 1),
                      Settlement.settlement_date < dt.date(year + 1, 1, 1))
               .group_by(Member.household_id)).subquery()
        net = HouseholdIncome.net_income
        tol = Decimal("0.01")  # SQLite sums through float: exact decision happens in Python
        # the rule compares the share rounded half-up to 4 places: a share down to
        # threshold − 0.00005 still rounds up to it, so the SQL pre-filter must let it through
        share_floor = th.income_share - RATIO_HALF
        q = (select(agg.c.hid, agg.c.sp, agg.c.n, agg.c.inp, Household.code, Village.name,
                    Household.household_type, Household.monitoring_category,
                    *[getattr(Household, f) for f in RISK_FIELDS], Household.version, net)
             .join(Household, Household.id == agg.c.hid)
             .join(Village, Village.id == Household.village_id)
             .outerjoin(HouseholdIncome, and_(HouseholdIncome.household_id == agg.c.hid,
                                              HouseholdIncome.year == year))
             .where(Household.deleted_at.is_(None), agg.c.sp > 0,
                    or_(agg.c.sp >= th.self_paid_amount - tol,
                        net <= 0,
                        agg.c.sp >= net * share_floor - tol)))
        if village_id is not None:
            q = q.where(Household.village_id == village_id)
        alerts = []
        for r in s.execute(q):
            sp = calc.fen(r.sp)
            ni = None if r.net_income is None else calc.fen(r.net_income)
            share, triggers, reasons = evaluate(sp, ni, th)
            if not triggers:
                continue
            alerts.append(MedicalAlert(
                household_id=r.hid, household_code=r.code, village_name=r.name,
                head_name=None, household_type=r.household_type,
                monitoring_category=r.monitoring_category,
                risks=[x for x in (r.risk1, r.risk2, r.risk3, r.risk4, r.risk5) if x],
                year=year, settlement_count=int(r.n), inpatient_count=int(r.inp or 0),
                self_paid_total=sp, net_income=ni, income_share=share, triggers=triggers,
                reasons=reasons, version=r.version))
        _fill_heads_and_measures(s, alerts, year)
    alerts.sort(key=lambda a: (-a.self_paid_total, a.household_code))
    return AlertList(year, th, alerts)


def _fill_heads_and_measures(s, alerts: list[MedicalAlert], year: int) -> None:
    by_id = {a.household_id: a for a in alerts}
    ids = list(by_id)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        for hid, name in s.execute(
                select(Member.household_id, Member.name)
                .where(Member.household_id.in_(chunk), Member.relation == "户主",
                       Member.deleted_at.is_(None)).order_by(Member.id.desc())):
            by_id[hid].head_name = name
        for hid, n in s.execute(
                select(Measure.household_id, func.count())
                .where(Measure.household_id.in_(chunk), Measure.category == HEALTH_MEASURE,
                       Measure.deleted_at.is_(None),
                       Measure.date >= dt.date(year, 1, 1), Measure.date < dt.date(year + 1, 1, 1))
                .group_by(Measure.household_id)):
            by_id[hid].health_measures = int(n)


# ---------------------------------------------------------------------------- actions

def record_health_measure(db, household_id: int, content: str, date: dt.date | None = None,
                          amount=None, member_id: int | None = None,
                          responsible: str | None = None) -> int:
    """Record a 健康帮扶 measure for an alerted household; returns the measure id."""
    content = (content or "").strip()
    if not content:
        raise ValidationError("请填写帮扶措施内容", field="content")
    try:
        amount = calc.fen(amount) if isinstance(amount, Decimal) else parse_amount(amount)
    except ValueError as exc:  # typed text such as “一千” must not end in a traceback
        raise ValidationError(f"帮扶金额：{exc}", field="amount") from None
    if amount is not None and amount < 0:
        raise ValidationError("帮扶金额不能为负数", field="amount")
    with db.write(reason="因病返贫预警：落实健康帮扶措施") as s:
        hh = s.get(Household, household_id)
        if hh is None or hh.deleted_at is not None:
            raise ConflictError("该户已不存在（可能已被删除），请刷新后重试")
        m = Measure(household_id=household_id, member_id=member_id, category=HEALTH_MEASURE,
                    date=date or dt.date.today(), content=content, amount=amount,
                    responsible=(responsible or "").strip() or None)
        s.add(m)
        if not hh.measure_health:
            hh.measure_health = True
        s.flush()
        return m.id


def default_monitoring_category(household_type: str | None) -> str:
    # a registered poor household slipping back is 脱贫不稳定户; anyone else hit by a large
    # medical bill is the textbook 突发严重困难户
    return "脱贫不稳定户" if household_type in ("脱贫户", "未脱贫户") else "突发严重困难户"


@dataclass(frozen=True, slots=True)
class MonitoringResult:
    household_id: int
    monitoring_category: str
    monitoring_date: dt.date | None
    risks: list[str]
    newly_monitored: bool


def mark_for_monitoring(db, household_id: int, version: int | None = None,
                        category: str | None = None, date: dt.date | None = None,
                        reason: str | None = None) -> MonitoringResult:
    """Put the household under monitoring with risk 因病 (kept if already monitored).

    Sets 监测对象类别 (when empty: ``category`` or the default for its 户类型) and 识别监测时间,
    adds 因病 to the first free 致贫返贫风险 slot, and re-opens 风险是否已消除.
    """
    from ...models.household import MONITORING_CATEGORIES

    if category is not None and category not in MONITORING_CATEGORIES:
        raise ValidationError(f"监测对象类别“{category}”不在可选范围内", field="monitoring_category")
    with db.write(reason=reason or "因病返贫预警：纳入监测，风险类型因病") as s:
        hh = s.get(Household, household_id)
        if hh is None or hh.deleted_at is not None:
            raise ConflictError("该户已不存在（可能已被删除），请刷新后重试")
        if version is not None and hh.version != version:
            raise ConflictError()
        new = not hh.monitoring_category
        if new:
            hh.monitoring_category = category or default_monitoring_category(hh.household_type)
            hh.monitoring_date = date or dt.date.today()
        risks = [getattr(hh, f) for f in RISK_FIELDS]
        if ILLNESS_RISK not in risks:
            free = next((f for f in RISK_FIELDS if not getattr(hh, f)), None)
            if free is None:
                raise ValidationError("该户5项致贫返贫风险已填满，请先在户信息中调整风险后再标记因病",
                                      field="risks")
            setattr(hh, free, ILLNESS_RISK)
        if hh.risk_eliminated:
            hh.risk_eliminated = False
            hh.elimination_method = None
            hh.elimination_date = None
        s.flush()
        return MonitoringResult(hh.id, hh.monitoring_category, hh.monitoring_date,
                                [getattr(hh, f) for f in RISK_FIELDS if getattr(hh, f)], new)
