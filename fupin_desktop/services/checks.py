"""Run the 疑点 pre-check (domain/checks) over the database: bulk loads, one pass, masked output."""
from __future__ import annotations

import datetime as _dt
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, or_, select

from ..domain import checks as dc
from ..models.household import MEASURE_CATEGORIES, Household, HouseholdIncome, Measure, Village
from ..models.member import Member
from . import settings
from .asof import default_year
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


def _columns(session, stmt) -> list[list]:
    """The statement's result as one list per selected column, straight from the DBAPI cursor.

    Each column's own result processor (SQLite's date strings and numerics; none for most
    PostgreSQL columns) runs once per distinct value, not once per row: a county's 150,000
    members share a few tens of thousands of birth dates and a handful of 是/否 values."""
    conn = session.connection()
    res = conn.execute(stmt)
    cursor = res.cursor
    description = cursor.description
    rows = cursor.fetchall()
    res.close()
    n = len(stmt.selected_columns)
    cols = [list(c) for c in zip(*rows)] if rows else [[] for _ in range(n)]
    dialect = conn.dialect
    for k, col in enumerate(stmt.selected_columns):
        proc = col.type.dialect_impl(dialect).result_processor(dialect, description[k][1])
        if proc is not None and cols[k]:
            table = {v: proc(v) for v in set(cols[k])}
            cols[k] = list(map(table.__getitem__, cols[k]))
    return cols


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
    """Plain households for the rules, in a handful of bulk queries (never one per household).

    Every query is read column by column (``_columns``): the records are built by ``map`` over
    the columns, NULLs become "" through one dict lookup per value, no Python loop per field."""
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
    hcols = _columns(session, q)
    scope = _scope(village, household_code)
    mq = select(Member.household_id, Member.id_number, Member.name, Member.relation, Member.sex,
                Member.birth_date, Member.status, Member.status_date, Member.ethnicity, Member.health,
                Member.labour_skill, Member.school_status, Member.education, Member.out_of_school_reason,
                Member.basic_medical_insurance, Member.employee_medical_insurance,
                Member.critical_illness_insurance, Member.pension_insurance, Member.low_income_support,
                Member.extreme_poverty_support, Member.id_type).where(Member.deleted_at.is_(None)).order_by(Member.id)
    if scope is not None:
        mq = mq.where(Member.household_id.in_(scope))
    mcols = _columns(session, mq)
    if scope is None:  # the whole township: its members are every member record
        all_ids = Counter(mcols[1])
    else:
        idq = select(Member.id_number).where(Member.deleted_at.is_(None))
        if household_code:  # one household (the household form): R01 needs only its own IDs
            mine = select(Member.id_number).where(Member.household_id.in_(scope), Member.deleted_at.is_(None))
            idq = idq.where(Member.id_number.in_(mine))
        all_ids = Counter(_columns(session, idq)[0])
    # positional, in dc.Member's field order (150,000 of them: keywords cost a third more)
    text, yn, coded = _TEXT.get, _YN.__getitem__, _Shared().__getitem__
    mhid = mcols[0]
    fields = [list(map(text, c, c)) for c in mcols[1:3]]             # id, name
    fields += [list(map(coded, c)) for c in mcols[3:5]]              # relation, sex
    fields.append(mcols[5])                                            # birth date
    fields.append(list(map(coded, map(_STATUS.get, mcols[6], mcols[6]))))  # status ("" / NULL: 正常)
    fields.append(mcols[7])                                            # status date
    fields += [list(map(coded, c)) for c in mcols[8:13]]             # ethnicity … education
    fields.append(list(map(text, mcols[13], mcols[13])))               # out-of-school reason (free text)
    fields += [list(map(yn, c)) for c in mcols[14:20]]               # insurances, 低保, 特困
    fields.append(list(map(coded, mcols[20])))                         # document type
    members: dict[int, list[dc.Member]] = {}
    for hid, m in zip(mhid, map(dc.Member, *fields)):
        got = members.get(hid)
        if got is None:
            members[hid] = [m]
        else:
            got.append(m)
    measures: dict[int, dict[str, str]] = {}
    meq = select(Measure.household_id, Measure.category, Measure.content).where(Measure.deleted_at.is_(None))
    if scope is not None:
        meq = meq.where(Measure.household_id.in_(scope))
    for hid, cat, content in zip(*_columns(session, meq)):
        d = measures.get(hid)
        if d is None:
            d = measures[hid] = {}
        d[cat] = (d.get(cat, "") + " " + (content or cat)).strip()
    iq = select(HouseholdIncome.household_id, HouseholdIncome.per_capita_income, HouseholdIncome.wage_income,
                HouseholdIncome.business_income, HouseholdIncome.compliant_self_paid,
                HouseholdIncome.declared_per_capita).where(HouseholdIncome.year == year)
    if scope is not None:
        iq = iq.where(HouseholdIncome.household_id.in_(scope))
    incomes = {hid: dc.Income(pc if pc is not None else declared, wage, business, self_pay)
               for hid, pc, wage, business, self_pay, declared in zip(*_columns(session, iq))}
    led = ledgers
    for_household = led.for_household if led else None
    out = []
    nflags = len(_FLAG_NAMES)
    flag_names = tuple(_FLAG_NAMES.values())
    flags = list(zip(*hcols[16:16 + nflags])) if hcols[0] else []
    risks = list(zip(*[list(map(text, c, c)) for c in hcols[5:10]])) if hcols[0] else []
    yn = _YN.__getitem__
    cleared, danger, water = (list(map(yn, c)) for c in (hcols[10], hcols[14], hcols[15]))
    no_members: tuple = ()
    for (hid, number, vname, htype, mon, method, clear_date, identified, dibao, tekun, cleared_pc, fl, rk, cl, dh,
         sw) in zip(hcols[0], hcols[1], hcols[2], hcols[3], hcols[4], hcols[11], hcols[12], hcols[13],
                    hcols[16 + nflags], hcols[17 + nflags], hcols[18 + nflags], flags, risks, cleared, danger, water):
        m = measures.get(hid)
        m = dict(m) if m else {}
        if any(fl):
            for zh, flag in zip(flag_names, fl):
                if flag and zh not in m:
                    m[zh] = zh
        got = members.get(hid)
        ms = tuple(got) if got else no_members
        head = None
        for x in ms:
            if x.relation == "户主" and x.status == "正常":
                head = x
                break
        if (dibao is not None or tekun is not None) and ms and not any(x.dibao or x.tekun for x in ms):
            # the register keeps 享受低保/特困 per household: the household's flag stands for
            # its members (R28 needs only whether anyone enjoys it)
            # the record was built just above for this load alone: set its flags in place (a
            # dataclasses.replace per household cost a second on 40,000 households)
            target = head or ms[0]
            target.dibao, target.tekun = _yn(dibao), _yn(tekun)
        out.append(dc.Household(
            number, vname or "", head.name if head else "", htype or "", mon or "", rk, cl, method or "",
            clear_date, cleared_pc, identified, dh, sw, m, ms, incomes.get(hid),
            for_household(hid) if for_household else None))
    return out, dict(all_ids)


_TEXT = {None: ""}


class _Shared(dict):
    """A coded text column's value -> one shared string object (None -> ""): a county's 150,000
    members spell 民族, 劳动技能… in a few dozen ways, so the records hold a few dozen strings
    instead of a million copies, and each is hashed once, not once per record."""

    def __missing__(self, value):
        if value is None:
            return ""
        if len(self) < 50_000:
            self[value] = value
        return value


_ZERO = Decimal(0)
_STATUS = {None: "正常", "": "正常"}


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
    _with_rows: set[int] | None = None  # households with any ledger row (filled once, on first use)

    def for_household(self, hid: int) -> dc.Ledgers:
        if self._with_rows is None:
            self._with_rows = {*self.assignments, *self.last_attendance, *self.wages, *self.settlements,
                               *self.cards, *self.signings}
        if hid not in self._with_rows:
            if self._empty is None:
                self._empty = dc.Ledgers(posts_kept=self.posts_kept, medical_kept=self.medical_kept)
            return self._empty  # one shared record for the households without ledger rows
        return dc.Ledgers(tuple(self.assignments.get(hid, ())), dict(self.last_attendance.get(hid, {})),
                          self.wages.get(hid, _ZERO), tuple(self.settlements.get(hid, ())),
                          tuple(self.cards.get(hid, ())), tuple(self.signings.get(hid, ())),
                          self.posts_kept, self.medical_kept)


_GONE = ("死亡", "迁出", "自然减少")


def load_ledgers(session, as_of: _dt.date, year: int, scope=None, village: str | None = None,
                 payments: bool = True) -> LedgerData:
    """The cross-ledger inputs of X01–X12, in eight bulk queries. Only records dated on or before
    ``as_of`` count (as-of: later data is not yet known on the check date)."""
    from ..models.medical import ChronicCard, DoctorSigning, Settlement
    from ..models.posts import Assignment, AttendanceMonth, Post, WageRun, WageSlip
    from .medical.chronic import ACTIVE_CARD
    from .medical.settings import alert_thresholds
    from .posts.rules import load_rules

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
        for hid, idno, post, start, end, status in zip(*_columns(session, q)):
            if end is None and status != "在岗":
                end = start  # ended (离岗/撤销) without a date: never active after its start
            out.assignments[hid].append(dc.Assignment(idno, post, start, end, rules.age_min, rules.age_max + 1))
        # last attendance mark of members who died or moved away (X03 reads nothing else)
        q = scoped(select(Member.household_id, Member.id_number, AttendanceMonth.month, AttendanceMonth.marks)
                   .join(Assignment, Assignment.id == AttendanceMonth.assignment_id)
                   .join(Member, Member.id == Assignment.member_id)
                   .where(Member.status.in_(("死亡", "迁出")), Member.status_date.is_not(None),
                          AttendanceMonth.month <= as_of))
        for hid, idno, month, marks in zip(*_columns(session, q)):
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
        for hid, total in zip(*_columns(session, scoped(slips))):
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
        # the date as an expression, which no index serves: a year is half the settlements, and
        # SQLite (no statistics) would walk the date index and fetch each row from the table —
        # three times slower than reading the table through (PostgreSQL plans that itself); a
        # missing date reads as 0001-01-01 and is never in range, as NULL never was
        settled = func.coalesce(Settlement.settlement_date, _dt.date(1, 1, 1))
        q = scoped(select(Member.household_id, Member.id_number, Settlement.admission_date,
                          Settlement.settlement_date, Settlement.self_paid, Settlement.basic_insurance)
                   .join(Member, Member.id == Settlement.member_id)
                   .where(Settlement.deleted_at.is_(None), settled <= as_of,
                          or_(settled.between(y0, y1), Member.status == "死亡")))
        hid, idno, admitted, settled, self_pay, basic = _columns(session, q)
        money = {v: Decimal(v or 0) for v in {*self_pay, *basic}}  # a few thousand distinct amounts
        got = out.settlements
        for h, s in zip(hid, map(dc.Settlement, idno, admitted, settled, map(money.__getitem__, self_pay),
                                 map(money.__getitem__, basic))):
            got[h].append(s)
    q = scoped(select(Member.household_id, Member.id_number, ChronicCard.approved_date, ChronicCard.review_date)
               .join(Member, Member.id == ChronicCard.member_id)
               .where(ChronicCard.deleted_at.is_(None), ChronicCard.status.in_(ACTIVE_CARD),
                      or_(ChronicCard.approved_date.is_(None), ChronicCard.approved_date <= as_of),
                      or_(ChronicCard.review_date.is_(None), ChronicCard.review_date >= as_of)))
    for hid, idno, start, end in zip(*_columns(session, q)):
        out.cards[hid].append(dc.Period(idno, start, end))
    q = scoped(select(Member.household_id, Member.id_number, DoctorSigning.signed_date, DoctorSigning.end_date)
               .join(Member, Member.id == DoctorSigning.member_id)
               .where(DoctorSigning.deleted_at.is_(None), DoctorSigning.signed_date <= as_of,
                      or_(DoctorSigning.end_date.is_(None), DoctorSigning.end_date >= as_of)))
    for hid, idno, start, end in zip(*_columns(session, q)):
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
