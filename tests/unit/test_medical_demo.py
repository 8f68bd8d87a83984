"""The demo township's medical data: plausible volumes, every settlement valid, alerts tripped."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from fupin_desktop.models import ChronicCard, DoctorSigning, FollowUp, Member, Settlement
from fupin_desktop.services import demo
from fupin_desktop.domain import medical_calc as calc
from fupin_desktop.services.medical.alerts import compute_alerts
from fupin_desktop.services.medical.signing import chronic_without_signing, signings_without_followup

pytestmark = pytest.mark.date_sensitive  # CI runs it again on 1 Jan and 31 Dec

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def demo_db(db):
    demo.generate_demo(db, households=240, seed=7, today=TODAY)
    return db


def test_volumes_are_plausible(demo_db):
    with demo_db.read() as s:
        members = s.scalar(select(func.count()).select_from(Member).where(Member.status == "正常"))
        per_year = Counter((c, d.year) for c, d in s.execute(
            select(Settlement.care_type, Settlement.settlement_date)))
        inpatients_2025 = s.scalar(select(func.count(func.distinct(Settlement.member_id))).where(
            Settlement.care_type == "住院", Settlement.settlement_date >= dt.date(2025, 1, 1),
            Settlement.settlement_date < dt.date(2026, 1, 1)))
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                  for m in (ChronicCard, DoctorSigning, FollowUp)}
    # a few per cent of members hospitalised in a year, more outpatient than inpatient
    assert 0.01 * members <= inpatients_2025 <= 0.12 * members
    assert per_year[("门诊", 2025)] > 2 * per_year[("住院", 2025)]
    assert per_year[("门诊慢特病", 2025)] > 0 and per_year[("门诊", 2026)] > 0
    assert all(n > 0 for n in counts.values()), counts


def test_every_settlement_obeys_the_rules(demo_db):
    with demo_db.read() as s:
        rows = s.execute(select(Settlement, Member.status, Member.birth_date)
                         .join(Member, Member.id == Settlement.member_id)).all()
    assert rows
    for st, status, birth in rows:
        vals = {f: getattr(st, f) for f in calc.AMOUNT_FIELDS}
        assert calc.check_amounts(vals) == [], st.settlement_no
        assert calc.check_dates(st.care_type, st.admission_date, st.discharge_date,
                                st.settlement_date, TODAY) == [], st.settlement_no
        d = calc.derive(vals)
        assert (st.self_paid, st.policy_ratio) == (d.self_paid, d.policy_ratio)
        assert status == "正常" and (birth is None or birth <= (st.admission_date or st.settlement_date))


def test_cards_and_signings_start_after_birth(demo_db):
    with demo_db.read() as s:
        for model, col in ((ChronicCard, ChronicCard.approved_date),
                           (DoctorSigning, DoctorSigning.signed_date)):
            rows = s.execute(select(col, Member.birth_date)
                             .join(Member, Member.id == model.member_id)).all()
            assert rows and all(b is None or d >= b for d, b in rows), model.__tablename__
            assert all(d <= TODAY for d, _ in rows)


def test_some_households_trip_the_alert_and_gap_lists_have_entries(demo_db):
    alerts = compute_alerts(demo_db, 2025).alerts
    assert len(alerts) >= 2
    assert all(a.self_paid_total >= 10000 or a.triggers != ["amount"] for a in alerts)
    assert compute_alerts(demo_db, 2026).alerts
    assert signings_without_followup(demo_db, today=TODAY)
    assert chronic_without_signing(demo_db, today=TODAY)


def test_deterministic_for_a_seed(tmp_path):
    from tests.conftest import make_sqlite_db

    sums = []
    for i in range(2):
        d = make_sqlite_db(tmp_path / f"d{i}.db")
        demo.generate_demo(d, households=40, seed=3, today=TODAY)
        with d.read() as s:
            sums.append(s.execute(select(func.count(), func.sum(Settlement.total_cost),
                                         func.max(Settlement.settlement_no))).one())
        d.dispose()
    assert sums[0] == sums[1] and sums[0][0] > 0
