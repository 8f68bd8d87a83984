"""A tiny register for the problems and survey tests: two villages, three households."""

from __future__ import annotations

import datetime as dt

from fupin_desktop.models import Household, HouseholdIncome, Member, Village

CODES = ("5227271001000001", "5227271001000002", "5227271002000001")


def make_register(db) -> dict[str, int]:
    with db.write() as s:
        a, b = Village(name="龙潭村", sort_order=1), Village(name="新寨村", sort_order=2)
        s.add_all([a, b])
        s.flush()
        out = {}
        for i, (code, village, helper) in enumerate(
                ((CODES[0], a, "付帅"), (CODES[1], a, "陈敏"), (CODES[2], b, None))):
            hh = Household(code=code, village_id=village.id, household_type="脱贫户",
                           helper_name=helper, food_secure=True, clothing_secure=True,
                           education_secure=True, housing_secure=i != 1, dangerous_house=i == 1,
                           safe_water=True, address=f"{village.name}{i + 1}组")
            s.add(hh)
            s.flush()
            s.add(Member(household_id=hh.id, id_number=f"52272719800101{i:03d}X"[:18], name=f"户主{i}",
                         relation="户主", birth_date=dt.date(1980, 1, 1),
                         basic_medical_insurance=True))
            s.add(HouseholdIncome(household_id=hh.id, year=2025, persons=1))
            out[code] = hh.id
        return out
