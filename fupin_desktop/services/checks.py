"""Run the 疑点 pre-check (domain/checks) over the database: bulk loads, one pass, masked output."""
from __future__ import annotations

import datetime as _dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select

from ..domain import checks as dc
from ..models.household import MEASURE_CATEGORIES, Household, HouseholdIncome, Measure, Village
from ..models.member import Member
from . import settings
from ..domain.masking import mask_id

_FLAG_NAMES = {key: zh for key, zh in MEASURE_CATEGORIES}


_YN = {None: "", True: "是", False: "否"}


def _yn(value) -> str:
    return "" if value is None else ("是" if value else "否")


@dataclass(unsafe_hash=True)  # not frozen: 70,000 of them on a county, a frozen __init__ is 5x dearer
class FindingRow:
    code: str
    household: str
    village: str
    head: str
    member: str | None  # masked
    detail: str
    exempted: bool = False


@dataclass
class CheckResult:
    as_of: _dt.date
    year: int
    households: int
    members: int
    seconds: float
    rules: list[dc.Rule]
    findings: list[FindingRow] = field(default_factory=list)

    def counts(self, exempted: bool = False) -> dict[str, int]:
        """Findings per rule; exempted ones are counted apart (``exempted=True``)."""
        out = {r.code: 0 for r in self.rules}
        for f in self.findings:
            if f.exempted == exempted:
                out[f.code] += 1
        return out

    def to_json(self) -> dict:
        counts, ex = self.counts(), self.counts(exempted=True)
        return {"as_of": self.as_of.isoformat(), "year": self.year, "households": self.households,
                "members": self.members, "seconds": round(self.seconds, 3), "total": sum(counts.values()),
                "exempted": sum(ex.values()),
                "rules": [{"code": r.code, "name": r.name, "severity": r.severity, "count": counts[r.code],
                           "exempted": ex[r.code]} for r in self.rules],
                "findings": [{"code": f.code, "household": f.household, "member": f.member, "detail": f.detail}
                             for f in self.findings if not f.exempted],
                "exempted_findings": [{"code": f.code, "household": f.household, "member": f.member,
                                       "detail": f.detail} for f in self.findings if f.exempted]}


def _core(session):
    """The session's connection: plain Core rows for the bulk loads (no ORM row processing, which
    was a third of the check's time on 40,000 households)."""
    return session.connection()


def default_year(session, as_of: _dt.date) -> int:
    y = session.scalar(select(func.max(HouseholdIncome.year)).where(HouseholdIncome.year <= as_of.year))
    return int(y) if y else as_of.year


def _scope(village: str | None, household_code: str | None):
    """Household ids in scope as a subquery (None: the whole township)."""
    if not (village or household_code):
        return None
    q = select(Household.id).join(Village, Village.id == Household.village_id).where(Household.deleted_at.is_(None))
    if village:
        q = q.where(Village.name == village)
    if household_code:
        q = q.where(Household.code == household_code)
    return q


def load(session, as_of: _dt.date, year: int, village: str | None = None,
         household_code: str | None = None, ledgers: LedgerData | None = None
         ) -> tuple[list[dc.Household], dict[str, int]]:
    """Plain households for the rules, in a handful of bulk queries (never one per household)."""
    q = (select(Household.id, Household.code, Village.name, Household.household_type,
                Household.monitoring_category, Household.risk1, Household.risk2, Household.risk3,
                Household.risk4, Household.risk5, Household.risk_eliminated, Household.elimination_method,
                Household.elimination_date, Household.monitoring_date, Household.dangerous_house,
                Household.safe_water, *[getattr(Household, f"measure_{k}") for k in _FLAG_NAMES],
                Household.low_income_support, Household.extreme_poverty_support,
                Household.elimination_per_capita)
         .join(Village, Village.id == Household.village_id).where(Household.deleted_at.is_(None)))
    if village:
        q = q.where(Village.name == village)
    if household_code:
        q = q.where(Household.code == household_code)
    rows = _core(session).execute(q).all()
    scope = _scope(village, household_code)
    members, measures, incomes = defaultdict(list), defaultdict(dict), {}
    all_ids: dict[str, int] = defaultdict(int)
    idq = select(Member.id_number).where(Member.deleted_at.is_(None))
    if household_code:  # one household (the household form): R01 needs only its own IDs
        mine = select(Member.id_number).where(Member.household_id.in_(scope), Member.deleted_at.is_(None))
        idq = idq.where(Member.id_number.in_(mine))
    for (number,) in _core(session).execute(idq).all():
        all_ids[number] += 1
    mq = select(Member.household_id, Member.id_number, Member.name, Member.relation, Member.sex,
                Member.birth_date, Member.status, Member.status_date, Member.ethnicity, Member.health,
                Member.labour_skill, Member.school_status, Member.education, Member.basic_medical_insurance,
                Member.critical_illness_insurance, Member.pension_insurance, Member.id_type,
                Member.employee_medical_insurance, Member.out_of_school_reason, Member.low_income_support,
                Member.extreme_poverty_support).where(Member.deleted_at.is_(None)).order_by(Member.id)
    if scope is not None:
        mq = mq.where(Member.household_id.in_(scope))
    for r in _core(session).execute(mq).all():
        # positional, in dc.Member's field order (150,000 of them: keywords cost a third more)
        members[r[0]].append(dc.Member(
            r[1] or "", r[2] or "", r[3] or "", r[4] or "", r[5], r[6] or "正常", r[7], r[8] or "", r[9] or "",
            r[10] or "", r[11] or "", r[12] or "", r[18] or "", _YN[r[13]], _YN[r[17]], _YN[r[14]], _YN[r[15]],
            _YN[r[19]], _YN[r[20]], r[16] or ""))
    meq = select(Measure.household_id, Measure.category, Measure.content).where(Measure.deleted_at.is_(None))
    if scope is not None:
        meq = meq.where(Measure.household_id.in_(scope))
    for hid, cat, content in _core(session).execute(meq).all():
        d = measures[hid]
        d[cat] = (d.get(cat, "") + " " + (content or cat)).strip()
    iq = select(HouseholdIncome.household_id, HouseholdIncome.per_capita_income, HouseholdIncome.wage_income,
                HouseholdIncome.business_income, HouseholdIncome.compliant_self_paid,
                HouseholdIncome.declared_per_capita).where(HouseholdIncome.year == year)
    if scope is not None:
        iq = iq.where(HouseholdIncome.household_id.in_(scope))
    for hid, pc, wage, business, self_pay, declared in _core(session).execute(iq).all():
        incomes[hid] = dc.Income(per_capita=pc if pc is not None else declared, wage=wage, business=business,
                                 self_pay=self_pay)
    led = ledgers
    out = []
    nflags = len(_FLAG_NAMES)
    for r in rows:
        hid = r[0]
        m = dict(measures.get(hid, {}))
        for zh, flag in zip(_FLAG_NAMES.values(), r[16:16 + nflags]):
            if flag and zh not in m:
                m[zh] = zh
        dibao, tekun = r[16 + nflags], r[17 + nflags]
        ms = tuple(members.get(hid, ()))
        if (dibao is not None or tekun is not None) and ms and not any(x.dibao or x.tekun for x in ms):
            # the register keeps 享受低保/特困 per household: the household's flag stands for
            # its members (R28 needs only whether anyone enjoys it)
            head = next((x for x in ms if x.relation == "户主" and x.status == "正常"), ms[0])
            # the head was built just above for this load alone: set its flags in place (a
            # dataclasses.replace per household cost a second on 40,000 households)
            head.dibao, head.tekun = _yn(dibao), _yn(tekun)
        head = next((x.name for x in ms if x.relation == "户主" and x.status == "正常"), "")
        out.append(dc.Household(
            number=r[1], village=r[2] or "", head_name=head, household_type=r[3] or "", monitor_type=r[4] or "",
            risks=tuple(x or "" for x in r[5:10]), risk_cleared=_yn(r[10]), clear_method=r[11] or "",
            clear_date=r[12], identified=r[13], dangerous_house=_yn(r[14]), safe_water=_yn(r[15]),
            measures=m, members=ms, income=incomes.get(hid), cleared_per_capita=r[18 + nflags],
            ledgers=led.for_household(hid) if led else None))
    return out, dict(all_ids)


@dataclass
class LedgerData:
    """What the posts, wages and medical ledgers hold, grouped by household id."""
    posts_kept: bool
    medical_kept: bool
    assignments: dict[int, list[dc.Assignment]] = field(default_factory=lambda: defaultdict(list))
    last_attendance: dict[int, dict[str, _dt.date]] = field(default_factory=lambda: defaultdict(dict))
    wages: dict[int, Decimal] = field(default_factory=dict)
    settlements: dict[int, list[dc.Settlement]] = field(default_factory=lambda: defaultdict(list))
    cards: dict[int, list[dc.Period]] = field(default_factory=lambda: defaultdict(list))
    signings: dict[int, list[dc.Period]] = field(default_factory=lambda: defaultdict(list))
    payment_ids: tuple[tuple[str, str], ...] = ()
    alert_line: Decimal | None = None
    _empty: dc.Ledgers | None = None

    def for_household(self, hid: int) -> dc.Ledgers:
        if not (hid in self.assignments or hid in self.last_attendance or hid in self.wages
                or hid in self.settlements or hid in self.cards or hid in self.signings):
            if self._empty is None:
                self._empty = dc.Ledgers(posts_kept=self.posts_kept, medical_kept=self.medical_kept)
            return self._empty  # one shared record for the households without ledger rows
        return dc.Ledgers(assignments=tuple(self.assignments.get(hid, ())),
                          last_attendance=dict(self.last_attendance.get(hid, {})),
                          wages_paid=self.wages.get(hid, Decimal(0)),
                          settlements=tuple(self.settlements.get(hid, ())),
                          chronic_cards=tuple(self.cards.get(hid, ())), signings=tuple(self.signings.get(hid, ())),
                          posts_kept=self.posts_kept, medical_kept=self.medical_kept)


_GONE = ("死亡", "迁出", "自然减少")


def load_ledgers(session, as_of: _dt.date, year: int, scope=None, village: str | None = None,
                 payments: bool = True) -> LedgerData:
    """The cross-ledger inputs of X01–X12, in eight bulk queries. Only records dated on or before
    ``as_of`` count (as-of: later data is not yet known on the check date)."""
    from ..models.medical import ChronicCard, DoctorSigning, Settlement
    from ..models.posts import Assignment, AttendanceMonth, Post, WageRun, WageSlip
    from .medical_chronic import ACTIVE_CARD
    from .medical_settings import alert_thresholds
    from .posts_rules import load_rules

    y0, y1 = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    # whether the ledger is kept here at all: one row is enough (never count them all)
    posts_kept = session.scalar(select(Assignment.id).where(Assignment.deleted_at.is_(None)).limit(1)) is not None
    medical_kept = session.scalar(select(Settlement.id).where(Settlement.deleted_at.is_(None)).limit(1)) is not None
    out = LedgerData(posts_kept=bool(posts_kept), medical_kept=bool(medical_kept),
                     alert_line=alert_thresholds(session).self_paid_amount)

    def scoped(q):
        q = q.where(Member.deleted_at.is_(None))
        return q if scope is None else q.where(Member.household_id.in_(scope))

    if posts_kept:
        rules = load_rules(session)
        q = scoped(select(Member.household_id, Member.id_number, Post.name, Assignment.start_date,
                          Assignment.end_date, Assignment.status)
                   .join(Member, Member.id == Assignment.member_id).join(Post, Post.id == Assignment.post_id)
                   .where(Assignment.deleted_at.is_(None), Assignment.start_date <= as_of)
                   .order_by(Assignment.start_date, Assignment.id))
        for hid, idno, post, start, end, status in _core(session).execute(q).all():
            if end is None and status != "在岗":
                end = start  # ended (离岗/撤销) without a date: never active after its start
            out.assignments[hid].append(dc.Assignment(idno, post, start, end, rules.age_min, rules.age_max + 1))
        # last attendance mark of members who died or moved away (X03 reads nothing else)
        q = scoped(select(Member.household_id, Member.id_number, AttendanceMonth.month, AttendanceMonth.marks)
                   .join(Assignment, Assignment.id == AttendanceMonth.assignment_id)
                   .join(Member, Member.id == Assignment.member_id)
                   .where(Member.status.in_(("死亡", "迁出")), Member.status_date.is_not(None),
                          AttendanceMonth.month <= as_of))
        for hid, idno, month, marks in _core(session).execute(q).all():
            days = [i + 1 for i, c in enumerate(marks or "") if c not in ".  "]
            if not days:
                continue
            try:
                d = month.replace(day=days[-1])
            except ValueError:
                continue
            d = min(d, as_of)
            prev = out.last_attendance[hid].get(idno)
            if prev is None or d > prev:
                out.last_attendance[hid][idno] = d
        slips = (select(Member.household_id, func.sum(WageSlip.amount))
                 .join(WageRun, WageRun.id == WageSlip.run_id).join(Member, Member.id == WageSlip.member_id)
                 .where(WageRun.month >= y0, WageRun.month <= y1, WageRun.month <= as_of)
                 .group_by(Member.household_id))
        for hid, total in _core(session).execute(scoped(slips)).all():
            out.wages[hid] = Decimal(total or 0)
    if posts_kept and payments:
        known = select(Member.id).where(Member.id_number == WageSlip.id_number, Member.deleted_at.is_(None))
        pq = (select(WageSlip.id_number).join(WageRun, WageRun.id == WageSlip.run_id)
              .where(WageRun.month >= y0, WageRun.month <= y1, WageRun.month <= as_of, ~known.exists())
              .distinct())
        if village:
            pq = pq.where(WageSlip.village_name == village)
        out.payment_ids = tuple((i, "工资发放花名册") for i in sorted(session.scalars(pq)))
    if medical_kept:
        q = scoped(select(Member.household_id, Member.id_number, Settlement.admission_date,
                          Settlement.settlement_date, Settlement.self_paid, Settlement.basic_insurance)
                   .join(Member, Member.id == Settlement.member_id)
                   .where(Settlement.deleted_at.is_(None), Settlement.settlement_date <= as_of,
                          or_(Settlement.settlement_date.between(y0, y1), Member.status == "死亡")))
        for hid, idno, admitted, settled, self_pay, basic in _core(session).execute(q).all():
            out.settlements[hid].append(dc.Settlement(idno, admitted, settled, Decimal(self_pay or 0),
                                                      Decimal(basic or 0)))
    q = scoped(select(Member.household_id, Member.id_number, ChronicCard.approved_date, ChronicCard.review_date)
               .join(Member, Member.id == ChronicCard.member_id)
               .where(ChronicCard.deleted_at.is_(None), ChronicCard.status.in_(ACTIVE_CARD),
                      or_(ChronicCard.approved_date.is_(None), ChronicCard.approved_date <= as_of),
                      or_(ChronicCard.review_date.is_(None), ChronicCard.review_date >= as_of)))
    for hid, idno, start, end in _core(session).execute(q).all():
        out.cards[hid].append(dc.Period(idno, start, end))
    q = scoped(select(Member.household_id, Member.id_number, DoctorSigning.signed_date, DoctorSigning.end_date)
               .join(Member, Member.id == DoctorSigning.member_id)
               .where(DoctorSigning.deleted_at.is_(None), DoctorSigning.signed_date <= as_of,
                      or_(DoctorSigning.end_date.is_(None), DoctorSigning.end_date >= as_of)))
    for hid, idno, start, end in _core(session).execute(q).all():
        out.signings[hid].append(dc.Period(idno, start, end))
    return out


def run_check(db, as_of: _dt.date | None = None, year: int | None = None, codes: set[str] | None = None,
              village: str | None = None, household_code: str | None = None) -> CheckResult:
    with dc.gc_paused():
        return _run_check(db, as_of, year, codes, village, household_code)


def _run_check(db, as_of, year, codes, village, household_code) -> CheckResult:
    started = time.perf_counter()
    as_of = as_of or _dt.date.today()
    with db.read() as session:
        year = year or default_year(session, as_of)
        threshold = settings.monitoring_threshold(session, year)
        led = load_ledgers(session, as_of, year, _scope(village, household_code), village,
                           payments=not household_code)
        households, all_ids = load(session, as_of, year, village, household_code, led)
    ctx = dc.Context(as_of=as_of, year=year, threshold=threshold, all_ids=all_ids,
                     alert_line=led.alert_line, payment_ids=led.payment_ids)
    rules = [r for r in dc.all_rules() if codes is None or r.code in codes]
    by_number = {h.number: h for h in households}
    found = dc.run(households, ctx, codes)
    exempt = _exemption_keys(db, as_of)
    rows = []
    masked: dict[str, str] = {}
    for f in found:
        h = by_number.get(f.household)
        m = f.member
        if m:
            mm = masked.get(m)
            if mm is None:
                mm = masked[m] = mask_id(m)
        else:
            mm = None
        rows.append(FindingRow(f.code, f.household, h.village if h else "", h.head_name if h else "", mm, f.detail,
                               bool(exempt) and ((f.code, f.household, m) in exempt
                                                 or (f.code, f.household, None) in exempt)))
    rows.sort(key=lambda x: (x.code, x.village, x.household))
    return CheckResult(as_of, year, len(households), sum(len(h.members) for h in households),
                       time.perf_counter() - started, rules, rows)


def household_id_of(db, code: str) -> int | None:
    """The household's id from its 户编号 (to open it from a finding); None when gone."""
    with db.read() as session:
        return session.scalar(select(Household.id).where(Household.code == code, Household.deleted_at.is_(None)))


# --- exemptions (核实无误) -------------------------------------------------------------

@dataclass(frozen=True)
class ExemptionRow:
    id: int
    code: str
    household: str
    member: str | None  # masked
    reason: str
    user: str
    date: _dt.date
    permanent: bool
    expires: _dt.date | None


def add_exemption(db, code: str, household: str, reason: str, member: str | None = None,
                  permanent: bool = False, today: _dt.date | None = None) -> int:
    from ..errors import UserError
    from ..models.checks import CheckExemption

    code = code.strip().upper()
    if code not in {r.code for r in dc.all_rules()}:
        raise UserError(f"规则代码“{code}”不存在，可用代码：R01–R30、X01–X12。", field="code")
    if not reason or not reason.strip():
        raise UserError("请填写豁免说明（核实无误的理由）。", field="reason")
    today = today or _dt.date.today()
    with db.write("疑点豁免") as session:
        if session.scalar(select(Household.id).where(Household.code == household)) is None:
            raise UserError(f"户编号“{household}”不存在，请核对户编号。", field="household")
        if member and session.scalar(select(Member.id).where(Member.id_number == member)) is None:
            raise UserError(f"证件号码 {mask_id(member)} 不是任何成员的证件号码，请核对。", field="member")
        row = CheckExemption(code=code, household_code=household, member_id_number=member or None,
                             reason=reason.strip(), user=db.user, date=today, permanent=permanent,
                             expires=None if permanent else _dt.date(today.year, 12, 31))
        session.add(row)
        session.flush()
        return row.id


def exempt_finding(db, finding: FindingRow, reason: str, permanent: bool = False,
                   today: _dt.date | None = None) -> int:
    """Exempt one finding as listed (its member masked): the member is found again among the
    household's members by the masked number, so no screen ever needs the full ID."""
    member = None
    if finding.member:
        with db.read() as session:
            numbers = session.scalars(select(Member.id_number).join(Household, Household.id == Member.household_id)
                                      .where(Household.code == finding.household)).all()
        matches = [n for n in numbers if mask_id(n) == finding.member]
        member = matches[0] if len(matches) == 1 else None
    if finding.household == "":  # a township finding (X12) has no household to exempt
        from ..errors import UserError
        raise UserError("该疑点不属于任何一户（补贴发放对象不在户信息中），请核实发放名单后更正，无法豁免。")
    return add_exemption(db, finding.code, finding.household, reason, member, permanent, today)


def list_exemptions(db, on: _dt.date | None = None) -> list[ExemptionRow]:
    """Exemptions in force on ``on`` (all when None)."""
    from ..models.checks import CheckExemption

    with db.read() as session:
        rows = session.scalars(select(CheckExemption).order_by(CheckExemption.id)).all()
        return [ExemptionRow(r.id, r.code, r.household_code, mask_id(r.member_id_number) if r.member_id_number else None,
                             r.reason, r.user, r.date, r.permanent, r.expires)
                for r in rows if on is None or ((r.expires is None or r.expires >= on) and r.date <= on)]


def remove_exemption(db, exemption_id: int) -> None:
    from ..errors import UserError
    from ..models.checks import CheckExemption

    with db.write("删除疑点豁免") as session:
        row = session.get(CheckExemption, exemption_id)
        if row is None:
            raise UserError(f"没有编号为 {exemption_id} 的豁免记录，请用 fupin exempt list 查看。")
        session.delete(row)


def _exemption_keys(db, on: _dt.date) -> set[tuple[str, str, str | None]]:
    from ..models.checks import CheckExemption

    with db.read() as session:
        rows = session.execute(select(CheckExemption.code, CheckExemption.household_code,
                                      CheckExemption.member_id_number, CheckExemption.expires,
                                      CheckExemption.date)).all()
    return {(c, h, m) for c, h, m, exp, d in rows if (exp is None or exp >= on) and d <= on}
