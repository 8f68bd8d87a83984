"""The households registry (户信息 tab) at county scale: filter, search, sort and page in SQL.

40,000 households / 150,000 members never become ORM objects here. When a filter or the
search text changes the view calls ``query`` (one statement for every matching id, sorted by real
values — numbers as numbers — plus the rows of the first page), keeps the ids, and asks ``rows``
for the other pages as they scroll into view. ``count`` and ``ids`` are there on their own too.

Search (the box that answers while typing) splits the text on spaces; every word must match.
A word of 4+ digits (and X) looks in 证件号码, 户编号 and 电话 (members' and the household's);
any other word looks in members' 姓名. Both match anywhere in the value, so the last digits of an
ID or a given name without its surname are found — except the first keystrokes: one character
matches surnames, and 1–3 digits the start of a 户编号.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, false, func, or_, select, union
from sqlalchemy.orm import Session

from ...models import Household, HouseholdIncome, Member, Village
from .. import settings

H = Household.__table__
M = Member.__table__
I = HouseholdIncome.__table__  # noqa: E741 - short alias like H and M
V = Village.__table__

# (key, header) of the registry's columns, in display order; every key sorts.
COLUMNS = (
    ("code", "户编号"), ("village", "行政村"), ("head", "户主"), ("size", "人数"),
    ("household_type", "户类型"), ("monitoring_category", "监测对象类别"), ("risk", "风险"),
    ("risk_eliminated", "风险是否消除"), ("per_capita_income", "人均纯收入"),
    ("helper", "帮扶责任人"),
)
SORT_KEYS = tuple(k for k, _ in COLUMNS)
RELATION_ORDER = ("户主", "配偶", "之父", "之母", "之祖父", "之祖母", "之子", "之女", "之儿媳",
                  "之女婿", "之孙子", "之孙女", "之外孙子", "之外孙女", "之兄弟姐妹", "其他")
_NUMBER_WORD = re.compile(r"[0-9X]+")


@dataclass
class RegistryFilter:
    village_id: int | None = None
    household_type: str | None = None
    monitoring_category: str | None = None
    monitored: bool | None = None  # True: any 监测对象类别; False: none
    risk: str | None = None  # matches any of 致贫返贫风险1–5
    risk_eliminated: bool | None = None
    below_threshold: int | None = None  # a year: 人均纯收入 of that year below its threshold
    search: str = ""
    include_deleted: bool = False


@dataclass(frozen=True)
class RegistryRow:
    id: int
    code: str
    village: str
    head_name: str | None
    size: int  # members with status 正常
    household_type: str | None
    monitoring_category: str | None
    risks: str  # 致贫返贫风险1–5 joined with “、”
    risk_eliminated: bool | None
    per_capita_income: Decimal | None
    income_year: int | None
    helper_name: str | None
    below_threshold: bool
    deleted: bool


@dataclass(frozen=True)
class RegistryPage:
    ids: list[int]  # every matching household, in display order
    rows: list[RegistryRow]  # the first page of them
    income_year: int | None  # the year 人均纯收入 and below_threshold refer to

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class MemberRow:
    id: int
    household_id: int
    name: str
    id_number: str
    sex: str | None
    birth_date: dt.date | None
    relation: str | None
    ethnicity: str | None
    education: str | None
    school_status: str | None
    health: str | None
    labour_skill: str | None
    work_months: int | None
    phone: str | None
    status: str
    status_date: dt.date | None
    version: int
    deleted: bool

    @property
    def active(self) -> bool:
        return self.status == "正常" and not self.deleted


def _read(db_or_session, fn):
    if isinstance(db_or_session, Session):
        return fn(db_or_session)
    with db_or_session.read() as s:
        return fn(s)


def search_words(text: str) -> list[str]:
    """The words of a search text: NFKC (full-width digits), x → X, split on any space."""
    if not text:
        return []
    return unicodedata.normalize("NFKC", text).upper().split()


# Short words match the start only: one character is a surname, one to three digits the start
# of a 户编号; that keeps the first keystrokes on an index range instead of a full scan.
PREFIX_ONLY_NAME = 1
PREFIX_ONLY_DIGITS = 3
_GLOB_SPECIAL = frozenset("*?[]")


def _matches(col, word: str, prefix: bool, dialect: str):
    if prefix:
        if dialect == "sqlite" and not (_GLOB_SPECIAL & set(word)):
            return col.op("GLOB")(word + "*")  # case-sensitive: uses the column's index
        return col.startswith(word, autoescape=True)
    return col.contains(word, autoescape=True)


def _word_clause(word: str, dialect: str):
    """Households where some field matches ``word``: one id subquery per column, so each scans
    that column's narrow index rather than the wide households/members rows."""
    if _NUMBER_WORD.fullmatch(word):
        if len(word) <= PREFIX_ONLY_DIGITS:
            # the first digits typed: only 户编号 starting so (every ID starts with the same
            # region digits, so matching them would find everybody, slowly)
            return _matches(H.c.code, word, True, dialect)
        prefix = False
        member_cols = [M.c.id_number] if len(word) <= 18 else []
        house_cols = [H.c.code]
        if len(word) <= 11:  # a longer word is no phone number
            member_cols.append(M.c.phone)
            house_cols.append(H.c.phone)
    else:
        prefix = len(word) <= PREFIX_ONLY_NAME
        member_cols, house_cols = [M.c.name], []
    found = [select(H.c.id).where(_matches(c, word, prefix, dialect)) for c in house_cols]
    if member_cols:
        # a whole ID number is looked up, not scanned for
        selects = [select(M.c.id).where(c == word if c is M.c.id_number and len(word) == 18
                                        else _matches(c, word, prefix, dialect))
                   for c in member_cols]
        member_ids = selects[0] if len(selects) == 1 else union(*selects)
        found.append(select(M.c.household_id).where(M.c.id.in_(member_ids),
                                                    M.c.deleted_at.is_(None)))
    return H.c.id.in_(found[0] if len(found) == 1 else union(*found))


def _where(s: Session, f: RegistryFilter) -> list:
    w = []
    words = search_words(f.search)
    if not f.include_deleted:
        if any(not (_NUMBER_WORD.fullmatch(x) and len(x) <= PREFIX_ONLY_DIGITS) for x in words):
            # a search word picks few households: test each of them
            w.append(H.c.deleted_at.is_(None))
        else:
            # NOT IN (the few deleted ids) rather than a per-row test: the query can then run
            # on the narrow indexes (户编号, 行政村 …) without reading each wide household row
            w.append(H.c.id.not_in(select(H.c.id).where(H.c.deleted_at.is_not(None))))
    if f.village_id is not None:
        w.append(H.c.village_id == f.village_id)
    if f.household_type:
        w.append(H.c.household_type == f.household_type)
    if f.monitoring_category:
        w.append(H.c.monitoring_category == f.monitoring_category)
    if f.monitored is True:
        w.append(and_(H.c.monitoring_category.is_not(None), H.c.monitoring_category != ""))
    elif f.monitored is False:
        w.append(or_(H.c.monitoring_category.is_(None), H.c.monitoring_category == ""))
    if f.risk:
        w.append(or_(*(H.c[f"risk{i}"] == f.risk for i in range(1, 6))))
    if f.risk_eliminated is not None:
        w.append(H.c.risk_eliminated.is_(True) if f.risk_eliminated
                 else H.c.risk_eliminated.is_(False))
    if f.below_threshold is not None:
        threshold = settings.monitoring_threshold(s, f.below_threshold)
        if threshold is None:
            w.append(false())
        else:
            w.append(H.c.id.in_(select(I.c.household_id).where(
                I.c.year == f.below_threshold, I.c.per_capita_income < threshold)))
    dialect = s.get_bind().dialect.name
    for word in words:
        w.append(_word_clause(word, dialect))
    return w


def count(db_or_session, filt: RegistryFilter | None = None) -> int:
    filt = filt or RegistryFilter()
    return _read(db_or_session, lambda s: s.scalar(
        select(func.count()).select_from(H).where(*_where(s, filt))) or 0)


def latest_income_year(db_or_session) -> int | None:
    return _read(db_or_session, lambda s: s.scalar(select(func.max(I.c.year))))


def _head_name():
    return (select(M.c.name).where(M.c.household_id == H.c.id, M.c.relation == "户主",
                                   M.c.deleted_at.is_(None))
            .order_by(M.c.status != "正常", M.c.id).limit(1).scalar_subquery())


def _active_count():
    return (select(func.count()).select_from(M)
            .where(M.c.household_id == H.c.id, M.c.status == "正常", M.c.deleted_at.is_(None))
            .scalar_subquery())


def ids(db_or_session, filt: RegistryFilter | None = None, sort_key: str = "code",
        descending: bool = False, *, limit: int | None = None, offset: int = 0,
        year: int | None = None) -> list[int]:
    """Household ids matching ``filt`` in display order. Empty values sort last either way;
    ``year`` is the income year 人均纯收入 sorts by (default: the latest in the database)."""
    if sort_key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort_key!r}")
    filt = filt or RegistryFilter()

    def run(s: Session) -> list[int]:
        stmt = select(H.c.id).where(*_where(s, filt))
        if sort_key == "village":
            stmt = stmt.join(V, V.c.id == H.c.village_id)
            keys = [V.c.sort_order, V.c.name]
        elif sort_key == "per_capita_income":
            y = year if year is not None else latest_income_year(s)
            stmt = stmt.outerjoin(I, and_(I.c.household_id == H.c.id, I.c.year == y))
            keys = [I.c.per_capita_income]
        else:
            keys = [{
                "code": H.c.code, "head": _head_name(), "size": _active_count(),
                "household_type": H.c.household_type,
                "monitoring_category": H.c.monitoring_category, "risk": H.c.risk1,
                "risk_eliminated": H.c.risk_eliminated, "helper": H.c.helper_name,
            }[sort_key]]
        order = [(k.desc() if descending else k.asc()).nulls_last() for k in keys]
        order.append(H.c.id.desc() if descending else H.c.id.asc())
        stmt = stmt.order_by(*order)
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        return list(s.scalars(stmt))

    return _read(db_or_session, run)


def rows(db_or_session, household_ids: list[int], year: int | None = None) -> list[RegistryRow]:
    """Display rows for ``household_ids`` (a page), in that order; unknown ids are left out."""
    if not household_ids:
        return []

    def run(s: Session) -> list[RegistryRow]:
        wanted = list(dict.fromkeys(household_ids))
        y = year if year is not None else latest_income_year(s)
        threshold = settings.monitoring_threshold(s, y) if y is not None else None
        houses = {r.id: r for r in s.execute(
            select(H, V.c.name.label("village_name")).join(V, V.c.id == H.c.village_id)
            .where(H.c.id.in_(wanted)))}
        heads, sizes = {}, {}
        old_heads = {}  # a 户主 who died or moved out shows only when there is no current one
        for hid, name, relation, status in s.execute(
                select(M.c.household_id, M.c.name, M.c.relation, M.c.status)
                .where(M.c.household_id.in_(wanted), M.c.deleted_at.is_(None))
                .order_by(M.c.id)):
            if relation == "户主":
                (heads if status == "正常" else old_heads).setdefault(hid, name)
            if status == "正常":
                sizes[hid] = sizes.get(hid, 0) + 1
        heads = {**old_heads, **heads}
        incomes = dict(s.execute(select(I.c.household_id, I.c.per_capita_income)
                                 .where(I.c.household_id.in_(wanted), I.c.year == y))
                       .all()) if y is not None else {}
        out = []
        for hid in wanted:
            h = houses.get(hid)
            if h is None:
                continue
            pc = incomes.get(hid)
            out.append(RegistryRow(
                id=hid, code=h.code, village=h.village_name, head_name=heads.get(hid),
                size=sizes.get(hid, 0), household_type=h.household_type,
                monitoring_category=h.monitoring_category or None,
                risks="、".join(r for r in (h.risk1, h.risk2, h.risk3, h.risk4, h.risk5) if r),
                risk_eliminated=h.risk_eliminated, per_capita_income=pc,
                income_year=y if pc is not None else None, helper_name=h.helper_name,
                below_threshold=pc is not None and threshold is not None and pc < threshold,
                deleted=h.deleted_at is not None))
        return out

    return _read(db_or_session, run)


def query(db_or_session, filt: RegistryFilter | None = None, sort_key: str = "code",
          descending: bool = False, page_size: int = 100, year: int | None = None) -> RegistryPage:
    """What the view needs when the filter changes, in one read: all ids and the first page."""
    def run(s: Session) -> RegistryPage:
        y = year if year is not None else latest_income_year(s)
        found = ids(s, filt, sort_key, descending, year=y)
        return RegistryPage(ids=found, rows=rows(s, found[:page_size], year=y), income_year=y)

    return _read(db_or_session, run)


def members_of(db_or_session, household_id: int, include_deleted: bool = False) -> list[MemberRow]:
    """A household's members, 户主 first, then by relation and age; members who died or moved
    out stay in the list (their status says so)."""
    def run(s: Session) -> list[MemberRow]:
        stmt = select(M).where(M.c.household_id == household_id)
        if not include_deleted:
            stmt = stmt.where(M.c.deleted_at.is_(None))
        found = [MemberRow(
            id=r.id, household_id=r.household_id, name=r.name, id_number=r.id_number, sex=r.sex,
            birth_date=r.birth_date, relation=r.relation, ethnicity=r.ethnicity,
            education=r.education, school_status=r.school_status, health=r.health,
            labour_skill=r.labour_skill, work_months=r.work_months, phone=r.phone,
            status=r.status, status_date=r.status_date, version=r.version,
            deleted=r.deleted_at is not None) for r in s.execute(stmt)]
        rank = {rel: i for i, rel in enumerate(RELATION_ORDER)}
        found.sort(key=lambda m: (rank.get(m.relation, len(rank)),
                                  m.birth_date or dt.date.max, m.id))
        return found

    return _read(db_or_session, run)


def village_choices(db_or_session) -> list[tuple[int, str]]:
    """(id, name) of every village in the office's order, for the 行政村 filter."""
    return _read(db_or_session, lambda s: [tuple(r) for r in s.execute(
        select(V.c.id, V.c.name).order_by(V.c.sort_order, V.c.name))])
