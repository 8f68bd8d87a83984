"""The data of the household file (一户一档) as plain values, for reports/household_file.py,
which only renders: the household, its members, incomes, measures and visits (with ``year``: as
they stood on that year's 31 December, or on the print date while the year runs; see
services/asof.py), and the sections other modules contribute (``HOUSEHOLD_FILE_SECTIONS``).

ID, bank and phone numbers come as the reader may see them: in full for the office, masked for
an auditor (issue 13). Many households load together in a few bulk queries (one per table), so
a batch costs no query per household; only the other modules' sections are read one by one.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from ...domain.asof import NORMAL
from ...domain.household_vocab import MEASURE_CATEGORIES
from ...errors import InputError
from ...models import Household, HouseholdIncome, Measure, Member, Village, Visit
from ...reports.household_file import MAX_INCOME_YEARS
from .. import asof as asof_q
from .. import settings
from .ledger_data import as_of_date

# "module:function" of each extra section, fn(session, household_id, as_of=None)
# -> [(title, columns, rows)].
# A module not installed (yet) is skipped; any other error is a bug and propagates.
HOUSEHOLD_FILE_SECTIONS = (
    "fupin_desktop.services.posts.household_data:household_posts_section",
    "fupin_desktop.services.medical.household_data:household_medical_section",
)


@dataclass(frozen=True)
class FileHousehold:
    """The household's recorded fields; 户类型, 监测 and 风险消除 as they stood on the file's day."""

    code: str
    village: str
    county: str | None
    township: str | None
    group_name: str | None
    address: str | None
    household_type: str | None
    poverty_exit_year: int | None
    family_size: int | None
    phone: str | None
    bank_name: str | None
    bank_account: str | None
    food_secure: bool | None
    clothing_secure: bool | None
    education_secure: bool | None
    medical_secure: bool | None
    housing_secure: bool | None
    safe_water: bool | None
    dangerous_house: bool | None
    low_income_support: bool | None
    extreme_poverty_support: bool | None
    helper_name: str | None
    helper_unit: str | None
    helper_phone: str | None
    note: str | None
    monitoring_category: str | None
    monitoring_date: dt.date | None
    risk_eliminated: bool | None
    elimination_method: str | None
    elimination_date: dt.date | None
    risks: tuple[str | None, ...]
    measure_flags: tuple[str, ...]  # the categories (帮扶措施类别) marked as in place


@dataclass(frozen=True)
class FileMember:
    name: str
    relation: str | None
    sex: str | None
    birth_date: dt.date | None
    id_number: str | None
    ethnicity: str | None
    status: str  # on the file's day
    status_date: dt.date | None
    education: str | None
    school_status: str | None
    health: str | None
    labour_skill: str | None
    work_months: int | None
    basic_medical_insurance: bool | None
    critical_illness_insurance: bool | None
    pension_insurance: bool | None
    phone: str | None


@dataclass(frozen=True)
class FileIncome:
    year: int
    persons: int | None
    wage_income: object
    business_income: object
    property_income: object
    transfer_income: object
    business_expense: object
    net_income: object
    per_capita_income: object
    declared_per_capita: object
    compliant_self_paid: object
    threshold: object  # the year's 监测范围 (人均), None when none is set


@dataclass(frozen=True)
class HouseholdFile:
    id: int
    household: FileHousehold
    head: str | None  # the 户主 in place on the file's day (else one who died or left)
    current_head: str | None  # today's 户主, for file names
    members: list[FileMember]  # 户主 first, then as recorded
    incomes: list[FileIncome]  # the last MAX_INCOME_YEARS years, oldest first
    measures: list[tuple]  # (date, category, content, beneficiary, amount, responsible)
    visits: list[tuple]  # (date, visitor, findings, follow-up)
    sections: list[tuple]  # (title, columns, rows) of the other modules
    unit: str  # 建档单位
    year: int | None
    today: dt.date  # the print date


def extra_sections() -> list[Callable]:
    out = []
    for spec in HOUSEHOLD_FILE_SECTIONS:
        mod_name, fn_name = spec.split(":")
        out.append(getattr(importlib.import_module(mod_name), fn_name))
    return out


def _accepts_as_of(fn) -> bool:
    return "as_of" in inspect.signature(fn).parameters


def find_household_ids(session, refs) -> list[int]:
    """Households' ids from ids (int) or 户编号 (str), in order; InputError naming the first
    that has none."""
    given = list(refs)
    keys = [r if isinstance(r, int) else "".join(str(r).split()) for r in given]
    ints = [k for k in keys if isinstance(k, int)]
    codes = [k for k in keys if not isinstance(k, int)]
    found: dict = {}
    for chunk in _chunks(ints):
        found.update((i, i) for i in session.scalars(select(Household.id)
                                                     .where(Household.id.in_(chunk))))
    for chunk in _chunks(codes):
        found.update((code, i) for code, i in session.execute(
            select(Household.code, Household.id).where(Household.code.in_(chunk))))
    for key, ref in zip(keys, given):
        if key not in found:
            raise InputError(f"找不到户编号为“{ref}”的农户，请核对户编号")
    return [found[k] for k in keys]


CHUNK = 500  # households per bulk load: bounded IN lists and memory


def _chunks(items: list) -> list[list]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]


def _household(h: Household, village: str, st, mask_phone, mask_bank) -> FileHousehold:
    return FileHousehold(
        code=h.code, village=village, county=h.county, township=h.township,
        group_name=h.group_name, address=h.address, household_type=st.household_type,
        poverty_exit_year=h.poverty_exit_year, family_size=h.family_size,
        phone=mask_phone(h.phone), bank_name=h.bank_name,
        bank_account=mask_bank(h.bank_account), food_secure=h.food_secure,
        clothing_secure=h.clothing_secure, education_secure=h.education_secure,
        medical_secure=h.medical_secure, housing_secure=h.housing_secure,
        safe_water=h.safe_water, dangerous_house=h.dangerous_house,
        low_income_support=h.low_income_support,
        extreme_poverty_support=h.extreme_poverty_support, helper_name=h.helper_name,
        helper_unit=h.helper_unit, helper_phone=mask_phone(h.helper_phone), note=h.note,
        monitoring_category=st.monitoring_category, monitoring_date=st.monitoring_date,
        risk_eliminated=st.risk_eliminated, elimination_method=st.elimination_method,
        elimination_date=st.elimination_date,
        risks=(h.risk1, h.risk2, h.risk3, h.risk4, h.risk5),
        measure_flags=tuple(cn for attr, cn in MEASURE_CATEGORIES
                            if getattr(h, f"measure_{attr}")))


def _member(m: Member, status: str, status_date, mask_id, mask_phone) -> FileMember:
    return FileMember(
        name=m.name, relation=m.relation, sex=m.sex, birth_date=m.birth_date,
        id_number=mask_id(m.id_number), ethnicity=m.ethnicity, status=status,
        status_date=status_date, education=m.education, school_status=m.school_status,
        health=m.health, labour_skill=m.labour_skill, work_months=m.work_months,
        basic_medical_insurance=m.basic_medical_insurance,
        critical_illness_insurance=m.critical_illness_insurance,
        pension_insurance=m.pension_insurance, phone=mask_phone(m.phone))


def _income(r: HouseholdIncome, threshold) -> FileIncome:
    return FileIncome(r.year, r.persons, r.wage_income, r.business_income, r.property_income,
                      r.transfer_income, r.business_expense, r.net_income, r.per_capita_income,
                      r.declared_per_capita, r.compliant_self_paid, threshold)


def _head(members):
    heads = [m for m in members if m.relation == "户主"]
    return next((m for m in heads if m.status == NORMAL), heads[0] if heads else None)


def _grouped(rows, key=0) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def household_files_data(session, ids: list[int], *, today: dt.date | None = None,
                         year: int | None = None) -> list[HouseholdFile]:
    """The files of households ``ids`` (existing ids, see :func:`find_household_ids`), in that
    order, printed on ``today``; ``year``: as they stood on its 31 December."""
    today = today or dt.date.today()
    as_of = as_of_date(year, today)
    ids = list(ids)
    found = {h.id: (h, v) for h, v in session.execute(
        select(Household, Village.name).join(Village, Household.village_id == Village.id)
        .where(Household.id.in_(ids)))}
    recorded = session.scalars(select(Member).where(Member.household_id.in_(ids),
                                                    Member.deleted_at.is_(None))
                               .order_by(Member.id)).all()
    states = (asof_q.member_states_on(session, as_of, [m.id for m in recorded])
              if as_of is not None else {})
    hstates = asof_q.household_states_on(session, as_of, ids) if as_of is not None else {}
    incomes = _grouped(session.execute(
        select(HouseholdIncome.household_id, HouseholdIncome)
        .where(HouseholdIncome.household_id.in_(ids),
               *(() if year is None else (HouseholdIncome.year <= year,)))
        .order_by(HouseholdIncome.year)))
    measures = _grouped(_dated(session, as_of, select(
        Measure.household_id, Measure.date, Measure.category, Measure.content, Member.name,
        Measure.amount, Measure.responsible)
        .outerjoin(Member, Measure.member_id == Member.id)
        .where(Measure.household_id.in_(ids), Measure.deleted_at.is_(None))
        .order_by(Measure.date, Measure.id), Measure))
    visits = _grouped(_dated(session, as_of, select(
        Visit.household_id, Visit.date, Visit.visitor, Visit.findings, Visit.follow_up)
        .where(Visit.household_id.in_(ids), Visit.deleted_at.is_(None))
        .order_by(Visit.date, Visit.id), Visit))
    thresholds = settings.monitoring_thresholds(session)
    mask_id, mask_bank, mask_phone = settings.output_maskers(session)
    unit = settings.township_info(session).unit
    sections = extra_sections()
    by_household = _grouped(((m.household_id, m) for m in recorded))
    kw = {"as_of": as_of} if as_of is not None else {}
    # a section with a ``batch`` (several households in one query per table) is read once here
    batched = {fn: fn.batch(session, ids, **(kw if _accepts_as_of(fn) else {}))
               for fn in sections if callable(getattr(fn, "batch", None))}
    out = []
    for hid in ids:
        h, village = found[hid]
        rows = [m for _, m in by_household.get(hid, [])]
        current = _head(rows)
        if as_of is not None:
            rows = [m for m in rows if m.birth_date is None or m.birth_date <= as_of]
        members = [_member(m, *((states[m.id].status, states[m.id].status_date)
                                if as_of is not None else (m.status, m.status_date)),
                           mask_id, mask_phone) for m in rows]
        members.sort(key=lambda m: m.relation != "户主")
        head = _head(members)
        extra = [s for fn in sections
                 for s in (batched[fn][hid] if fn in batched
                           else fn(session, hid, **(kw if _accepts_as_of(fn) else {})))]
        out.append(HouseholdFile(
            id=hid, household=_household(h, village, hstates.get(hid, h), mask_phone, mask_bank),
            head=head.name if head else None, current_head=current.name if current else None,
            members=members,
            incomes=[_income(r, settings.threshold_for(thresholds, r.year))
                     for _, r in incomes.get(hid, [])[-MAX_INCOME_YEARS:]],
            measures=[r[1:] for r in measures.get(hid, [])],
            visits=[r[1:] for r in visits.get(hid, [])],
            sections=extra, unit=unit, year=year, today=today))
    return out


def _dated(session, as_of, q, model):
    """Rows of ``q`` dated up to ``as_of`` (all of them without one)."""
    if as_of is not None:
        q = q.where(model.date <= as_of)
    return session.execute(q)


def household_file_data(session, ref, *, today: dt.date | None = None,
                        year: int | None = None) -> HouseholdFile:
    """The file of one household (id or 户编号)."""
    (hid,) = find_household_ids(session, [ref])
    return household_files_data(session, [hid], today=today, year=year)[0]
