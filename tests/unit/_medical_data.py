"""Small builders shared by the medical tests (not collected: no test_ prefix)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from fupin_desktop.models import Household, HouseholdIncome, Member, Village
from fupin_desktop.domain.idcard import check_char

_seq = itertools.count(1)
TODAY = dt.date(2026, 6, 15)


def make_id(birth: dt.date = dt.date(1970, 3, 4), female: bool = False) -> str:
    n = next(_seq) % 480
    body = f"522729{birth:%Y%m%d}{n * 2 + (0 if female else 1):03d}"
    return body + check_char(body)


def family(db, *, village="东风村", code=None, htype="脱贫户", monitoring=None, names=("张三",),
           net_income: dict[int, str] | None = None, status="正常", status_date=None):
    """A household with members; returns (household_id, [member ids], [ID numbers])."""
    from sqlalchemy import select

    with db.write() as s:
        vid = s.scalar(select(Village.id).where(Village.name == village))
        if vid is None:
            v = Village(name=village)
            s.add(v)
            s.flush()
            vid = v.id
        h = Household(code=code or f"H{next(_seq):08d}", village_id=vid, household_type=htype,
                      monitoring_category=monitoring)
        s.add(h)
        s.flush()
        ids, numbers = [], []
        for i, name in enumerate(names):
            idno = make_id()
            m = Member(household_id=h.id, id_number=idno, name=name,
                       relation="户主" if i == 0 else "之子", status=status if i == 0 else "正常",
                       status_date=status_date if i == 0 else None)
            s.add(m)
            s.flush()
            ids.append(m.id)
            numbers.append(idno)
        for year, amount in (net_income or {}).items():
            s.add(HouseholdIncome(household_id=h.id, year=year, persons=len(names),
                                  wage_income=Decimal(amount)))
        return h.id, ids, numbers


def form(member_id, **kw) -> dict:
    """A valid 住院 settlement form (as typed: text values)."""
    data = {
        "member_id": member_id, "hospital_name": "长顺县人民医院", "hospital_level": "县",
        "care_type": "住院", "admission_date": "2025-03-01", "discharge_date": "2025-03-10",
        "diagnosis": "肺炎", "settlement_no": f"JS{next(_seq):010d}",
        "settlement_date": "2025-03-11", "total_cost": "10000.00", "policy_cost": "9000.00",
        "basic_insurance": "6000.00", "critical_insurance": "0", "medical_assistance": "1500.00",
        "other_support": "0", "other_kind": None, "pay_after_treatment": "是", "one_stop": "是",
    }
    data.update(kw)
    return data
