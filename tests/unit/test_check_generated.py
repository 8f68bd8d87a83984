"""A generated township in a real database: a clean one gives no finding at all; one violation of
every rule planted in it (each in its own household, among the clean ones) is found — through the
bulk loader of services/checks, so every input a rule reads must really be loaded.

The planted cases are the firing households of test_check_rules (plain records), written to the
database as the register, posts, wages and medical ledgers would hold them. R01 (the same ID in
two member records) cannot be planted: the database refuses a duplicate 证件号码 outright.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

from fupin_desktop.domain.checks import Assignment, Ledgers
from fupin_desktop.models import Household, HouseholdIncome, Measure, Member, Village
from fupin_desktop.models.medical import ChronicCard, DiseaseType, DoctorSigning, Settlement
from fupin_desktop.models.posts import Assignment as DbAssignment
from fupin_desktop.models.posts import AttendanceMonth, Post, WageRun, WageSlip
from fupin_desktop.services import settings
from fupin_desktop.services.checks import run_check

from .test_check_rules import AS_OF, CASES, _remap_ledgers, clean_household, make_id, member


def _b(v: str):
    return {"是": True, "否": False}.get(v)


class Store:
    """Writes plain check records (domain/checks/data) into the database."""

    def __init__(self, s):
        self.s = s
        self.villages: dict[str, int] = {}
        self.members: dict[str, int] = {}
        self.disease = None
        self.run = None
        self.n = 0

    def _seq(self) -> int:
        self.n += 1
        return self.n

    def village(self, name: str) -> int:
        if name not in self.villages:
            v = Village(name=name)
            self.s.add(v)
            self.s.flush()
            self.villages[name] = v.id
        return self.villages[name]

    def household(self, h) -> int:
        risks = list(h.risks) + [None] * 5
        row = Household(code=h.number, village_id=self.village(h.village or "一村"),
                        household_type=h.household_type or None, monitoring_category=h.monitor_type or None,
                        monitoring_date=h.identified, risk_eliminated=_b(h.risk_cleared),
                        elimination_method=h.clear_method or None, elimination_date=h.clear_date,
                        elimination_per_capita=h.cleared_per_capita,
                        dangerous_house=_b(h.dangerous_house), safe_water=_b(h.safe_water),
                        **{f"risk{i}": (risks[i - 1] or None) for i in range(1, 6)})
        self.s.add(row)
        self.s.flush()
        for m in h.members:
            mm = Member(household_id=row.id, id_type=m.document_type or None, id_number=m.id_number,
                        name=m.name, relation=m.relation or None, sex=m.sex or None, birth_date=m.birth_date,
                        status=m.status, status_date=m.status_date, ethnicity=m.ethnicity or None,
                        health=m.health or None, labour_skill=m.labour or None, school_status=m.school or None,
                        education=m.education or None, out_of_school_reason=m.out_of_school_reason or None,
                        basic_medical_insurance=_b(m.resident_insurance),
                        employee_medical_insurance=_b(m.employee_insurance),
                        critical_illness_insurance=_b(m.critical_insurance), pension_insurance=_b(m.pension),
                        low_income_support=_b(m.dibao), extreme_poverty_support=_b(m.tekun))
            self.s.add(mm)
            self.s.flush()
            self.members[m.id_number] = mm.id
        for kind, text in h.measures.items():
            self.s.add(Measure(household_id=row.id, category=kind, date=dt.date(2023, 3, 1), content=text))
        if h.income is not None:
            inc = h.income
            self.s.add(HouseholdIncome(household_id=row.id, year=AS_OF.year, declared_per_capita=inc.per_capita,
                                       wage_income=inc.wage, business_income=inc.business,
                                       compliant_self_paid=inc.self_pay))
        if h.ledgers is not None:
            self.ledgers(h.ledgers)
        return row.id

    def assignment(self, a: Assignment) -> int:
        p = Post(name=f"{a.post}{self._seq()}", post_type="保洁员", wage_standard=Decimal(500))
        self.s.add(p)
        self.s.flush()
        row = DbAssignment(member_id=self.members[a.member_id], post_id=p.id, start_date=a.start,
                           end_date=a.end, status="在岗" if a.end is None else "离岗")
        self.s.add(row)
        self.s.flush()
        return row.id

    def slip(self, member_id: str, amount: Decimal, id_number: str | None = None) -> None:
        if self.run is None:
            self.run = WageRun(month=dt.date(AS_OF.year, 3, 1), rules={}, total=Decimal(0), slip_count=0)
            self.s.add(self.run)
            self.s.flush()
        aid = self.assignment(Assignment(member_id, "岗", dt.date(AS_OF.year, 1, 1), dt.date(AS_OF.year, 3, 31)))
        self.s.add(WageSlip(run_id=self.run.id, assignment_id=aid, member_id=self.members[member_id],
                            worker_name="某", id_number=id_number or member_id, post_name="岗",
                            wage_standard=Decimal(500), in_post_days=31, required_days=22, present_days=22,
                            leave_days=0, absent_days=0, amount=amount))
        self.s.flush()

    def ledgers(self, led: Ledgers) -> None:
        for a in led.assignments:
            self.assignment(a)
        for mid, day in led.last_attendance.items():
            aid = self.assignment(Assignment(mid, "岗", dt.date(day.year, 1, 1), day))
            marks = "." * (day.day - 1) + "P"
            self.s.add(AttendanceMonth(assignment_id=aid, month=day.replace(day=1), marks=marks.ljust(31, ".")))
        if led.wages_paid:
            mid = next(iter(self.members_of_last()))
            self.slip(mid, led.wages_paid)
        for st in led.settlements:
            self.s.add(Settlement(member_id=self.members[st.member_id], hospital_name="县医院", care_type="住院",
                                  settlement_no=f"JS{self._seq()}", admission_date=st.admitted,
                                  settlement_date=st.settled, total_cost=st.self_pay + st.basic_paid,
                                  policy_cost=st.self_pay + st.basic_paid, basic_insurance=st.basic_paid))
        for c in led.chronic_cards:
            if self.disease is None:
                d = DiseaseType(name="高血压")
                self.s.add(d)
                self.s.flush()
                self.disease = d.id
            self.s.add(ChronicCard(member_id=self.members[c.member_id], disease_id=self.disease,
                                   approved_date=c.start, review_date=c.end, status="有效"))
        for p in led.signings:
            self.s.add(DoctorSigning(member_id=self.members[p.member_id], doctor_name="李医生",
                                     signed_date=p.start, end_date=p.end))

    def members_of_last(self):
        return [k for k in reversed(self.members)][:1]


def generated(n=300, seed=14):
    rnd = random.Random(seed)
    return [clean_household(f"C{i:03d}", members=[member(i * 10 + 1, years=rnd.randint(23, 59))],
                            village=rnd.choice("一二三") + "村") for i in range(n)]


def planted_cases():
    """(household, code) for every rule that can be planted in a database."""
    out = []
    for n, (code, (hit, _miss)) in enumerate(sorted(CASES.items())):
        if code == "X02":  # the age range is the township's post rules (16–65): a 70-year-old
            w = member(1, years=70)
            hit = clean_household(members=[w], measures={"公益性岗位帮扶": "成员1 护林员"},
                                  ledgers=Ledgers(assignments=(Assignment(w.id_number, "护林员", dt.date(2023, 1, 1)),)))
        ms = [replace(m, id_number=m.id_number if code in ("R02", "R03")
                      else make_id(5000 + n * 10 + i, m.birth_date, m.sex == "男"))
              for i, m in enumerate(hit.members)]
        hit = _remap_ledgers(hit, {m.id_number: k.id_number for m, k in zip(hit.members, ms)})
        out.append((replace(hit, number=f"P{code}", members=tuple(ms)), code))
    return out


def _write(db, households):
    with db.write() as s:
        settings.set_monitoring_threshold(s, AS_OF.year, "7300")
        store = Store(s)
        for h in households:
            store.household(h)
        return store


def test_clean_generated_township_gives_no_findings(any_db):
    _write(any_db, generated())
    result = run_check(any_db, AS_OF, AS_OF.year)
    assert result.households == 300 and result.members == 300
    assert [(f.code, f.household, f.detail) for f in result.findings] == []


def test_every_planted_violation_is_found_through_the_database(any_db):
    rnd = random.Random(7)
    township = generated()
    cases = planted_cases()
    for h, _code in cases:
        township.insert(rnd.randrange(len(township)), h)
    with any_db.write() as s:
        settings.set_monitoring_threshold(s, AS_OF.year, "7300")
        store = Store(s)
        for h in township:
            store.household(h)
        # X12: a payroll line whose ID is no member's (the ID was corrected after the payroll)
        stale = make_id(9999, dt.date(1970, 1, 1), True)
        store.slip(township[0].members[0].id_number, Decimal(500), id_number=stale)
    found = {(f.code, f.household) for f in run_check(any_db, AS_OF, AS_OF.year).findings}
    planted = {(code, h.number) for h, code in cases} | {("X12", "")}
    assert planted - found == set()
    clean_hits = {(c, hh) for c, hh in found if hh.startswith("C") and hh != township[0].number}
    assert clean_hits == set()
    assert {c for c, _ in planted} == {f"R{i:02d}" for i in range(2, 31)} | {f"X{i:02d}" for i in range(1, 13)}
