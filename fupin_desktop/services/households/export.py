"""Use cases `fupin export households|members OUT.xlsx`: load the registry in a few bulk,
streamed queries and hand plain rows to exporters/households.py, which writes them.

Rows are streamed (``yield_per``), never built as a list: a county's 140,000 members export
with flat memory. Each stream is :class:`Rows`: value tuples and the names of their values
(the column labels), which exporters/households.py picks by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from ...domain.backup_layout import COLUMNS as INCOME_COLUMNS
from ...domain.household_vocab import RELATIONS
from ...models import Household, HouseholdIncome, Member, Village

H, M, I, V = (Household.__table__, Member.__table__, HouseholdIncome.__table__,
              Village.__table__)
BATCH = 2000  # rows fetched per round trip

_INCOME = ("per_capita_income", "net_income", "wage_income", "business_income",
           "property_income", "transfer_income", "business_expense", "compliant_self_paid")
_MEMBER = ("name", "id_type", "id_number", "sex", "ethnicity", "birth_date", "relation",
           "education", "school_status", "health", "labour_skill", "work_months",
           "basic_medical_insurance", "critical_illness_insurance", "pension_insurance",
           "employee_medical_insurance", "out_of_school_reason", "status", "status_date",
           "status_note")
_RANK = case({rel: i for i, rel in enumerate(RELATIONS)}, value=M.c.relation, else_=len(RELATIONS))


@dataclass
class Rows:
    """Streamed result rows (value tuples) and the names of their values."""

    fields: tuple[str, ...]
    rows: Iterator

    def __iter__(self) -> Iterator:
        return iter(self.rows)


def _stream(s, stmt) -> Rows:
    def rows():
        yield from s.execute(stmt.execution_options(yield_per=BATCH))

    return Rows(tuple(stmt.selected_columns.keys()), rows())


def latest_income_year(s) -> int | None:
    return s.scalar(select(func.max(I.c.year)))


def _household_select(year: int | None, village_id: int | None):
    income = and_(I.c.household_id == H.c.id, I.c.year == year)
    stmt = (select(H, V.c.name.label("village_name"), I.c.year.label("income_year"),
                   I.c.persons.label("income_persons"), *(I.c[k] for k in _INCOME))
            .join(V, V.c.id == H.c.village_id).outerjoin(I, income)
            .where(H.c.deleted_at.is_(None)))
    if village_id is not None:
        stmt = stmt.where(H.c.village_id == village_id)
    return stmt


def member_rows(s, year: int | None, village_id: int | None, include_inactive: bool,
                empty_households: bool = False) -> Rows:
    """One row per member with the household's columns (and ``year``'s income) repeated, in
    the order of the ledgers (village, 户编号, relation, birth date). ``empty_households`` (the
    backup): a household without members gets one row with the member columns None, so that it
    is restored too. Fields: the household's columns, village_name, income_year,
    income_persons, the income columns, the member's columns, member_phone, own_dibao,
    own_tekun."""
    hs = _household_select(year, village_id).subquery("h")
    live = and_(M.c.household_id == hs.c.id, M.c.deleted_at.is_(None))
    if not include_inactive:
        live = and_(live, M.c.status == "正常")
    stmt = (select(hs, *(M.c[k] for k in _MEMBER),
                   M.c.phone.label("member_phone"),
                   # 享受低保 / 享受特困 on a member's row: the member's own (the importer reads
                   # them so), the household's where the member has none recorded
                   func.coalesce(M.c.low_income_support, hs.c.low_income_support)
                   .label("own_dibao"),
                   func.coalesce(M.c.extreme_poverty_support, hs.c.extreme_poverty_support)
                   .label("own_tekun"))
            .join(M, live, isouter=empty_households)
            .join(V, V.c.id == hs.c.village_id)
            .order_by(V.c.sort_order, V.c.name, hs.c.code, _RANK, M.c.birth_date, M.c.id))
    return _stream(s, stmt)


def household_rows(s, year: int | None, village_id: int | None) -> Rows:
    """One row per household (not deleted) with its 户主 (head_name, head_id_number) and the
    count of its current members (active_members)."""
    head = (select(M.c.name, M.c.id_number).where(
        M.c.household_id == H.c.id, M.c.relation == "户主", M.c.deleted_at.is_(None))
        .order_by(M.c.status != "正常", M.c.id).limit(1))
    active = (select(func.count()).select_from(M).where(
        M.c.household_id == H.c.id, M.c.status == "正常", M.c.deleted_at.is_(None))
        .scalar_subquery())
    stmt = (_household_select(year, village_id)
            .add_columns(head.with_only_columns(M.c.name).scalar_subquery().label("head_name"),
                         head.with_only_columns(M.c.id_number).scalar_subquery()
                         .label("head_id_number"),
                         active.label("active_members"))
            .order_by(V.c.sort_order, V.c.name, H.c.code))
    return _stream(s, stmt)


def income_rows(s, village_id: int | None) -> Rows:
    """Every year's income of every household (not deleted): (户编号, 年度, *the values of
    domain.backup_layout.COLUMNS in order)."""
    stmt = (select(H.c.code, I.c.year, *(I.c[c] for c in INCOME_COLUMNS.values()))
            .join(H, H.c.id == I.c.household_id).join(V, V.c.id == H.c.village_id)
            .where(H.c.deleted_at.is_(None))
            .order_by(V.c.sort_order, V.c.name, H.c.code, I.c.year))
    if village_id is not None:
        stmt = stmt.where(H.c.village_id == village_id)
    return _stream(s, stmt)


def _village_id(s, village: str | None) -> int | None:
    if not village:
        return None
    village_id = s.scalar(select(V.c.id).where(V.c.name == village))
    if village_id is None:
        from ...errors import InputError

        raise InputError(f"没有名为“{village}”的行政村")
    return village_id


def _export(db, out, kind: str, masked: bool, year: int | None, village: str | None,
            include_inactive: bool = False) -> dict:
    from ...exporters import households as ex
    from ..users.access import must_mask
    from ..settings import output_maskers, township_info

    masked = must_mask(db, masked)  # an auditor's export is always masked
    with db.read() as s:
        village_id = _village_id(s, village)
        y = year if year is not None else latest_income_year(s)
        masks = ex.Masks(*output_maskers(s, masked))
        info = township_info(s)
        head = ex.Heading("".join(x for x in (info.county, info.township, village) if x),
                          masked, y)
        if kind == "members":
            n = ex.write_members(out, member_rows(s, y, village_id, include_inactive), masks,
                                 head)
            return {"out": str(out), "rows": n, "masked": masked, "income_year": y}
        n_members, n = ex.write_backup(
            out, member_rows(s, y, village_id, True, empty_households=True),
            household_rows(s, y, village_id), income_rows(s, village_id), masks, head)
    return {"out": str(out), "rows": n, "masked": masked, "income_year": y,
            "members": n_members}


def export_members(db, out, *, masked: bool = False, year: int | None = None,
                   village: str | None = None, include_inactive: bool = False) -> dict:
    """One row per current member (status 正常), household columns repeated, as the national
    export lists them; ``include_inactive`` adds members who died or moved out (人员状态 says
    so — the importer does not read that column, so such a file is not for re-importing).
    ``year``: the income year (default the latest). Returns {"out", "rows", "masked",
    "income_year"}."""
    return _export(db, out, "members", masked, year, village, include_inactive)


def export_households(db, out, *, masked: bool = False, year: int | None = None,
                      village: str | None = None) -> dict:
    """The lossless backup of the registry: sheet 1 lists every member (also those who died
    or moved out, 人员状态 says so) with every household and member field, in the layout
    `import households` reads, so export → import into an empty database gives the same
    households and members; sheet 2 is one row per household (not deleted) with its 户主 and
    现有人数; sheet 3 every year's income. Returns {"out", "rows" (households), "members",
    "masked", "income_year"}."""
    return _export(db, out, "households", masked, year, village)
