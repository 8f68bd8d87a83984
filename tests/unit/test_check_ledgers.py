"""Cross-ledger 疑点 rules X01–X12 over a real database: services/checks loads the posts, wages,
attendance, medical, chronic-card and signing ledgers, and ``fupin check --json`` reports one
planted violation of each rule — and not its near miss."""
from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal

import pytest

from fupin_desktop import cli
from fupin_desktop.models import Household, HouseholdIncome, Member, Village
from fupin_desktop.models.medical import ChronicCard, DiseaseType, DoctorSigning, Settlement
from fupin_desktop.models.posts import Assignment, AttendanceMonth, Post, WageRun, WageSlip
from fupin_desktop.domain.masking import mask_id

from ._posts_data import make_id, marks

AS_OF = "2025-12-31"
D = dt.date
_n = itertools.count(1)


class Town:
    """Builds households one case at a time inside one write session."""

    def __init__(self, s):
        self.s = s
        v = Village(name="东风村")
        s.add(v)
        s.flush()
        self.vid = v.id
        d = DiseaseType(name="高血压")
        s.add(d)
        s.flush()
        self.disease = d.id
        self.run = None

    def household(self, code, *, wage_income=None, self_paid=None, **kw) -> int:
        h = Household(code=code, village_id=self.vid, household_type=kw.pop("household_type", "脱贫户"), **kw)
        self.s.add(h)
        self.s.flush()
        if wage_income is not None or self_paid is not None:
            self.s.add(HouseholdIncome(household_id=h.id, year=2025, persons=1,
                                       wage_income=Decimal(wage_income or 0),
                                       compliant_self_paid=None if self_paid is None else Decimal(self_paid)))
        return h.id

    def member(self, hid, *, birth=D(1980, 5, 6), labour="普通劳动力", status="正常", status_date=None,
               basic=True, name=None) -> tuple[int, str]:
        idno = make_id(birth)
        m = Member(household_id=hid, id_number=idno, name=name or f"成员{next(_n)}", birth_date=birth,
                   labour_skill=labour, status=status, status_date=status_date, relation="户主",
                   basic_medical_insurance=basic)
        self.s.add(m)
        self.s.flush()
        return m.id, idno

    def post(self, mid, start, end=None, status="在岗") -> int:
        p = Post(name=f"保洁岗{next(_n)}", post_type="保洁员", village_id=self.vid, wage_standard=Decimal(500))
        self.s.add(p)
        self.s.flush()
        a = Assignment(member_id=mid, post_id=p.id, start_date=start, end_date=end, status=status)
        self.s.add(a)
        self.s.flush()
        return a.id

    def slip(self, aid, mid, idno, amount, month=D(2025, 3, 1)):
        if self.run is None:
            self.run = WageRun(month=month, rules={}, total=Decimal(0), slip_count=0)
            self.s.add(self.run)
            self.s.flush()
        self.s.add(WageSlip(run_id=self.run.id, assignment_id=aid, member_id=mid, worker_name="某",
                            id_number=idno, post_name="保洁岗", wage_standard=Decimal(500), in_post_days=31,
                            required_days=22, present_days=22, leave_days=0, absent_days=0,
                            amount=Decimal(amount)))

    def settlement(self, mid, settled, *, total="1000", basic="0", admitted=None):
        self.s.add(Settlement(member_id=mid, hospital_name="县医院", care_type="住院", settlement_no=f"JS{next(_n)}",
                              settlement_date=settled, admission_date=admitted, total_cost=Decimal(total),
                              policy_cost=Decimal(total), basic_insurance=Decimal(basic)))

    def card(self, mid, approved=D(2024, 1, 1)):
        self.s.add(ChronicCard(member_id=mid, disease_id=self.disease, approved_date=approved, status="有效"))

    def signing(self, mid, signed=D(2025, 1, 1), end=None):
        self.s.add(DoctorSigning(member_id=mid, doctor_name="李医生", signed_date=signed, end_date=end))


def plant(db) -> tuple[dict[str, tuple[set, set]], str]:
    """code -> ({households it must flag}, {near-miss households it must not flag}), and the ID
    on the one payroll line that matches nobody (X12)."""
    with db.write() as s:
        t = Town(s)
        # X01: died in May, still in post / near miss: left the post before dying
        mid, _ = t.member(t.household("X01-hit"), status="死亡", status_date=D(2025, 5, 1))
        t.post(mid, D(2025, 1, 1))
        mid, _ = t.member(t.household("X01-miss"), status="死亡", status_date=D(2025, 5, 1))
        t.post(mid, D(2025, 1, 1), D(2025, 4, 30), "离岗")
        # X02: turns 66 while in post (rules: 16–65) / near miss: 45 years old
        mid, _ = t.member(t.household("X02-hit"), birth=D(1959, 6, 1))
        t.post(mid, D(2025, 1, 1))
        mid, _ = t.member(t.household("X02-miss"), birth=D(1980, 6, 1))
        t.post(mid, D(2025, 1, 1))
        # X03: moved away on 10 June, marks until the 20th / near miss: marks until the 10th
        for code, last in (("X03-hit", 20), ("X03-miss", 10)):
            mid, _ = t.member(t.household(code), status="迁出", status_date=D(2025, 6, 10))
            aid = t.post(mid, D(2025, 1, 1), D(2025, 6, 10), "离岗")
            s.add(AttendanceMonth(assignment_id=aid, month=D(2025, 6, 1), marks=marks(f"P{last}", 30)))
        # X04: 公益性岗位帮扶 recorded, nobody in post / near miss: recorded and in post
        t.member(t.household("X04-hit", measure_public_post=True))
        mid, _ = t.member(t.household("X04-miss", measure_public_post=True))
        t.post(mid, D(2025, 2, 1))
        # X05: 1,500 paid, 1,000 declared / near miss: 5,000 declared
        for code, declared in (("X05-hit", "1000"), ("X05-miss", "5000")):
            mid, idno = t.member(t.household(code, wage_income=declared, measure_public_post=True))
            t.slip(t.post(mid, D(2025, 1, 1)), mid, idno, "1500")
        # X06: died 1 April, settled on the 10th / near miss: settled before
        mid, _ = t.member(t.household("X06-hit"), status="死亡", status_date=D(2025, 4, 1))
        t.settlement(mid, D(2025, 4, 10), admitted=D(2025, 3, 25))
        mid, _ = t.member(t.household("X06-miss"), status="死亡", status_date=D(2025, 4, 1))
        t.settlement(mid, D(2025, 3, 20), admitted=D(2025, 3, 10))
        # X07: 因病 with no settlement and 0 declared / near miss: settled self-pay as declared
        t.member(t.household("X07-hit", risk1="因病", wage_income="9000", self_paid="0"))
        mid, _ = t.member(t.household("X07-miss", risk1="因病", wage_income="9000", self_paid="1000"))
        t.settlement(mid, D(2025, 5, 1), total="1000")
        # X08: valid chronic card, no signing / near miss: signed
        mid, _ = t.member(t.household("X08-hit"))
        t.card(mid)
        mid, _ = t.member(t.household("X08-miss"))
        t.card(mid)
        t.signing(mid)
        # X09: 基本医保 否 with a 基本医保 payment / near miss: insured
        for code, basic in (("X09-hit", False), ("X09-miss", True)):
            mid, _ = t.member(t.household(code), basic=basic)
            t.settlement(mid, D(2025, 7, 1), total="3000", basic="2000")
        # X10: 12,000 self-paid, not monitored / near miss: monitored, risk not eliminated
        mid, _ = t.member(t.household("X10-hit"))
        t.settlement(mid, D(2025, 8, 1), total="12000")
        mid, _ = t.member(t.household("X10-miss", monitoring_category="边缘易致贫户", risk_eliminated=False))
        t.settlement(mid, D(2025, 8, 1), total="12000")
        # X11: two posts at once / near miss: one after the other
        mid, _ = t.member(t.household("X11-hit"))
        t.post(mid, D(2025, 1, 1))
        t.post(mid, D(2025, 6, 1))
        mid, _ = t.member(t.household("X11-miss"))
        t.post(mid, D(2025, 1, 1), D(2025, 5, 31), "离岗")
        t.post(mid, D(2025, 6, 1))
        # X12: a payroll line whose ID is nobody's (corrected since) / near miss: X05's lines
        mid, idno = t.member(t.household("X12-holder", measure_public_post=True))
        stale = make_id(D(1977, 7, 7))
        t.slip(t.post(mid, D(2025, 1, 1)), mid, stale, "500")
    cases = {f"X{i:02d}": ({f"X{i:02d}-hit"}, {f"X{i:02d}-miss"}) for i in range(1, 12)}
    return cases, stale


def check(capsys, db, *extra):
    url = db.engine.url.render_as_string(hide_password=False)
    code = cli.main(["--db", url, "--json", "check", "--as-of", AS_OF, *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_every_cross_ledger_rule_fires_on_its_planted_case_and_not_on_the_near_miss(any_db, capsys):
    cases, stale = plant(any_db)
    data = check(capsys, any_db)
    found = {(f["code"], f["household"]) for f in data["findings"]}
    for code, (hits, misses) in cases.items():
        for h in hits:
            assert (code, h) in found, f"{code} missed {h}"
        for h in misses:
            assert (code, h) not in found, f"{code} flagged its near miss {h}"
    x12 = [f for f in data["findings"] if f["code"] == "X12"]
    assert [(f["household"], f["member"]) for f in x12] == [("", mask_id(stale))]
    assert all("*" in (f["member"] or "*") for f in data["findings"])
    counts = {r["code"]: r["count"] for r in data["rules"]}
    assert all(counts[f"X{i:02d}"] >= 1 for i in range(1, 13))
    # --rules and --village narrow the ledgers too
    only = check(capsys, any_db, "--rules", "X11", "--village", "东风村")
    assert {(f["code"], f["household"]) for f in only["findings"]} == {("X11", "X11-hit")}


def test_ledgers_absent_make_no_cross_ledger_findings(any_db, capsys):
    """A township that keeps no posts or medical ledgers here: X04/X07 cannot judge, stay silent."""
    with any_db.write() as s:
        t = Town(s)
        t.member(t.household("P1", measure_public_post=True))
        t.member(t.household("M1", risk1="因病", wage_income="9000", self_paid="0"))
    data = check(capsys, any_db)
    assert not [f for f in data["findings"] if f["code"].startswith("X")]


def test_one_household_check_loads_only_its_ledgers(any_db):
    from fupin_desktop.services.checks import run_check

    plant(any_db)
    result = run_check(any_db, D(2025, 12, 31), household_code="X11-hit")
    assert result.households == 1
    assert {f.code for f in result.findings} >= {"X11"}
    assert all(f.household == "X11-hit" for f in result.findings)


@pytest.mark.parametrize("as_of, expected", [("2025-04-30", False), ("2025-12-31", True)])
def test_ledger_records_after_the_check_date_do_not_count(any_db, capsys, as_of, expected):
    with any_db.write() as s:
        t = Town(s)
        mid, _ = t.member(t.household("LATE"), status="死亡", status_date=D(2025, 4, 1))
        t.settlement(mid, D(2025, 5, 10))
    url = any_db.engine.url.render_as_string(hide_password=False)
    assert cli.main(["--db", url, "--json", "check", "--as-of", as_of, "--rules", "X06"]) == 0
    data = json.loads(capsys.readouterr()[0])
    assert bool(data["findings"]) is expected
