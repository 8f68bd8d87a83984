"""Run the 疑点 pre-check (domain/checks) over the database: bulk loads, one pass, masked output."""
from __future__ import annotations

import datetime as _dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..domain import checks as dc
from ..models.household import MEASURE_CATEGORIES, Household, HouseholdIncome, Measure, Village
from ..models.member import Member
from . import settings
from .masking import mask_id

_FLAG_NAMES = {key: zh for key, zh in MEASURE_CATEGORIES}


def _yn(value) -> str:
    return "" if value is None else ("是" if value else "否")


@dataclass(frozen=True)
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


def default_year(session, as_of: _dt.date) -> int:
    y = session.scalar(select(func.max(HouseholdIncome.year)).where(HouseholdIncome.year <= as_of.year))
    return int(y) if y else as_of.year


def load(session, as_of: _dt.date, year: int, village: str | None = None,
         household_code: str | None = None) -> tuple[list[dc.Household], dict[str, int]]:
    """Plain households for the rules, in four bulk queries."""
    q = (select(Household.id, Household.code, Village.name, Household.household_type,
                Household.monitoring_category, Household.risk1, Household.risk2, Household.risk3,
                Household.risk4, Household.risk5, Household.risk_eliminated, Household.elimination_method,
                Household.elimination_date, Household.monitoring_date, Household.dangerous_house,
                Household.safe_water, *[getattr(Household, f"measure_{k}") for k in _FLAG_NAMES])
         .join(Village, Village.id == Household.village_id).where(Household.deleted_at.is_(None)))
    if village:
        q = q.where(Village.name == village)
    if household_code:
        q = q.where(Household.code == household_code)
    rows = session.execute(q).all()
    ids = [r[0] for r in rows]
    members, measures, incomes = defaultdict(list), defaultdict(dict), {}
    all_ids: dict[str, int] = defaultdict(int)
    for (number,) in session.execute(select(Member.id_number)):
        all_ids[number] += 1
    mq = select(Member.household_id, Member.id_number, Member.name, Member.relation, Member.sex,
                Member.birth_date, Member.status, Member.status_date, Member.ethnicity, Member.health,
                Member.labour_skill, Member.school_status, Member.education, Member.basic_medical_insurance,
                Member.critical_illness_insurance, Member.pension_insurance, Member.id_type)
    if village or household_code:
        mq = mq.where(Member.household_id.in_(ids))
    for r in session.execute(mq):
        members[r[0]].append(dc.Member(
            id_number=r[1] or "", name=r[2] or "", relation=r[3] or "", sex=r[4] or "", birth_date=r[5],
            status=r[6] or "正常", status_date=r[7], ethnicity=r[8] or "", health=r[9] or "",
            labour=r[10] or "", school=r[11] or "", education=r[12] or "",
            resident_insurance=_yn(r[13]), employee_insurance="否" if r[13] is not None else "",
            critical_insurance=_yn(r[14]), pension=_yn(r[15]), document_type=r[16] or ""))
    meq = select(Measure.household_id, Measure.category, Measure.content).where(Measure.deleted_at.is_(None))
    if village or household_code:
        meq = meq.where(Measure.household_id.in_(ids))
    for hid, cat, content in session.execute(meq):
        d = measures[hid]
        d[cat] = (d.get(cat, "") + " " + (content or cat)).strip()
    iq = select(HouseholdIncome.household_id, HouseholdIncome.per_capita_income, HouseholdIncome.wage_income,
                HouseholdIncome.business_income, HouseholdIncome.compliant_self_paid,
                HouseholdIncome.declared_per_capita).where(HouseholdIncome.year == year)
    if village or household_code:
        iq = iq.where(HouseholdIncome.household_id.in_(ids))
    for hid, pc, wage, business, self_pay, declared in session.execute(iq):
        incomes[hid] = dc.Income(per_capita=pc if pc is not None else declared, wage=wage, business=business,
                                 self_pay=self_pay)
    out = []
    nflags = len(_FLAG_NAMES)
    for r in rows:
        hid = r[0]
        m = dict(measures.get(hid, {}))
        for zh, flag in zip(_FLAG_NAMES.values(), r[16:16 + nflags]):
            if flag and zh not in m:
                m[zh] = zh
        ms = tuple(members.get(hid, ()))
        head = next((x.name for x in ms if x.relation == "户主" and x.status == "正常"), "")
        out.append(dc.Household(
            number=r[1], village=r[2] or "", head_name=head, household_type=r[3] or "", monitor_type=r[4] or "",
            risks=tuple(x or "" for x in r[5:10]), risk_cleared=_yn(r[10]), clear_method=r[11] or "",
            clear_date=r[12], identified=r[13], dangerous_house=_yn(r[14]), safe_water=_yn(r[15]),
            measures=m, members=ms, income=incomes.get(hid)))
    return out, dict(all_ids)


def run_check(db, as_of: _dt.date | None = None, year: int | None = None, codes: set[str] | None = None,
              village: str | None = None, household_code: str | None = None) -> CheckResult:
    started = time.perf_counter()
    as_of = as_of or _dt.date.today()
    with db.read() as session:
        year = year or default_year(session, as_of)
        threshold = settings.monitoring_threshold(session, year)
        households, all_ids = load(session, as_of, year, village, household_code)
    ctx = dc.Context(as_of=as_of, year=year, threshold=threshold, all_ids=all_ids)
    rules = [r for r in dc.all_rules() if codes is None or r.code in codes]
    by_number = {h.number: h for h in households}
    found = dc.run(households, ctx, codes)
    exempt = _exemption_keys(db, as_of)
    rows = []
    for f in found:
        h = by_number.get(f.household)
        rows.append(FindingRow(f.code, f.household, h.village if h else "", h.head_name if h else "",
                               mask_id(f.member) if f.member else None, f.detail,
                               (f.code, f.household, f.member) in exempt or (f.code, f.household, None) in exempt))
    rows.sort(key=lambda x: (x.code, x.village, x.household))
    return CheckResult(as_of, year, len(households), sum(len(h.members) for h in households),
                       time.perf_counter() - started, rules, rows)


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
