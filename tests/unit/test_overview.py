"""services/overview.overview: the 总览 page's figures from grouped queries."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fupin_desktop.models import HouseholdIncome
from fupin_desktop.models.posts import AttendanceMonth
from fupin_desktop.services.overview import overview

from .test_check_ledgers import Town


def test_overview_figures(any_db):
    with any_db.write() as s:
        t = Town(s)
        a = t.household("A", household_type="脱贫户", monitoring_category="边缘易致贫户", risk1="因病",
                        risk_eliminated=True)
        b = t.household("B", household_type="一般农户", monitoring_category="突发严重困难户", risk1="因病",
                        risk_eliminated=False)
        t.household("C", household_type="脱贫户")
        s.add(HouseholdIncome(household_id=a, year=2025, declared_per_capita=Decimal("6500")))
        s.add(HouseholdIncome(household_id=b, year=2025, declared_per_capita=Decimal("45000")))
        ma, _ = t.member(a)
        mb, _ = t.member(b)
        aid = t.post(ma, dt.date(2025, 1, 1))
        t.post(mb, dt.date(2025, 1, 1), dt.date(2025, 5, 31), "离岗")  # its post is vacant now
        s.add(AttendanceMonth(assignment_id=aid, month=dt.date(2025, 6, 1), marks="PPPA" + "." * 26))
        t.settlement(mb, dt.date(2025, 3, 1), total="12000")
    o = overview(any_db, dt.date(2025, 6, 30), 2025, with_findings=True)
    assert dict(o.by_type) == {"脱贫户": 2, "一般农户": 1} and o.by_village == [("东风村", 3)]
    assert o.monitored_by_risk == [("因病", 1, 1)]
    bins = dict(o.income_bins)
    assert bins[Decimal(6000)] == 1 and bins[Decimal(30000)] == 1 and sum(bins.values()) == 2
    assert o.threshold is not None
    assert (o.posts_filled, o.posts_vacant) == (1, 1)
    assert o.attendance_rate == Decimal("0.7500")
    assert o.medical_alerts == 1
    assert o.findings and all(v > 0 for v in o.findings.values())
