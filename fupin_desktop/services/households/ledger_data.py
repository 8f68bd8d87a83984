"""The data of the household ledgers (reports/household_ledgers.py renders the PDF,
exporters/household_ledgers.py the Excel sheet): ``fupin ledger households|members|monitoring|
measures|visits``, the households tab's 打印台账 and the year archive.

With a year, every kind shows the records as they stood on 31 December of it (or on the print
date while the year is running): members' status, households' type, monitoring and risk
elimination on that day (services/asof.py), income of that year, measures and visits dated in it.

Each kind is one SELECT per table, joined in Python (at county scale that beats correlated
sub-queries), returning plain tuples in the order of the report's columns. Totals rows hold sums
of the rows above them, nothing else.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Bundle

from ...domain.asof import NORMAL, count_by
from ...domain.household_vocab import MEASURE_CATEGORIES, MEMBER_STATUSES
from ...errors import InputError
from ...models import Household, HouseholdIncome, Measure, Member, Village, Visit
from ...reports import household_ledgers as hl
from ...reports.household_ledgers import KINDS, LedgerData, money_text
from .. import asof as asof_q
from .. import settings
from ..villages import village_id_by_name


def _bool_text(v) -> str:
    return "" if v is None else ("是" if v else "否")


def _risks(r1, r2, r3, r4, r5) -> str:
    return "、".join(r for r in (r1, r2, r3, r4, r5) if r)


_ACTIVE = (Member.deleted_at.is_(None))


def default_income_year(session) -> int:
    """The latest year that has income figures (the year the last export was for)."""
    return session.scalar(select(func.max(HouseholdIncome.year))) or dt.date.today().year


@dataclass(frozen=True)
class HouseholdRow:
    """What a ledger prints of a household: its columns (``_HOUSEHOLD_COLUMNS``), and 户类型,
    监测 and 风险消除 as of the ledger's day (as recorded without one)."""

    h: Row
    village: str
    on: asof_q.HouseholdOn


# The household columns the ledgers print or decide on, selected by name rather than the whole
# record: the year archive re-renders a ledger only when a column its queries read changes
# (services/archive/reads.py), so a household's address, which no ledger prints, stays out.
_HOUSEHOLD_COLUMNS = (
    Household.id, Household.code, Household.household_type, Household.monitoring_category,
    Household.monitoring_date, Household.risk_eliminated, Household.elimination_method,
    Household.elimination_date, Household.risk1, Household.risk2, Household.risk3,
    Household.risk4, Household.risk5, Household.phone, Household.helper_name,
    *(getattr(Household, f"measure_{attr}") for attr, _cn in MEASURE_CATEGORIES))


def _live_household(as_of):
    if as_of is None:
        return Household.deleted_at.is_(None)
    return Household.deleted_at.is_(None) | (Household.deleted_at >= asof_q.cutoff(as_of))


def _households(session, village_id, monitored_only=False, as_of=None) -> list[HouseholdRow]:
    """The households ordered as printed (``as_of``: as they stood that day)."""
    q = (select(Bundle("h", *_HOUSEHOLD_COLUMNS), Village.name)
         .join(Village, Household.village_id == Village.id)
         .where(_live_household(as_of))
         .order_by(Village.sort_order, Village.name, Household.code))
    if village_id is not None:
        q = q.where(Household.village_id == village_id)
    rows = session.execute(q).all()
    states = asof_q.household_states_on(session, as_of, [h.id for h, _ in rows]) if as_of else {}
    out = [HouseholdRow(h, vname, states.get(h.id) or asof_q.HouseholdOn(
        h.household_type, h.monitoring_category or None, h.monitoring_date, h.risk_eliminated,
        h.elimination_method, h.elimination_date)) for h, vname in rows]
    if monitored_only:
        out = [r for r in out if r.on.monitoring_category]
    return out


def _member_statuses(session, as_of, ids=None) -> dict[int, asof_q.MemberOn] | None:
    return None if as_of is None else asof_q.member_states_on(session, as_of, ids)


def _heads_and_sizes(session, village_id, as_of=None):
    """household_id -> (head name, head ID) and household_id -> 正常 member count (on ``as_of``)."""
    q = (select(Member.household_id, Member.id, Member.name, Member.id_number, Member.relation,
                Member.status, Member.birth_date)
         .where(_ACTIVE).order_by(Member.id))
    if village_id is not None:
        q = q.where(Member.household_id.in_(select(Household.id)
                                            .where(Household.village_id == village_id)))
    rows = session.execute(q).all()
    states = _member_statuses(session, as_of, None if village_id is None else [r[1] for r in rows])
    heads: dict[int, tuple[str, str]] = {}
    late_heads: dict[int, tuple[str, str]] = {}
    sizes: dict[int, int] = {}
    for hid, mid, name, idno, rel, status, birth in rows:
        if as_of is not None:
            if birth is not None and birth > as_of:
                continue  # not born yet
            status = states[mid].status
        normal = status == NORMAL
        if normal:
            sizes[hid] = sizes.get(hid, 0) + 1
        if rel == "户主":  # the 户主 in place, not one who died or left
            (heads if normal else late_heads).setdefault(hid, (name, idno))
    return {**late_heads, **heads}, sizes


def _incomes(session, year: int):
    q = select(HouseholdIncome.household_id, HouseholdIncome.net_income,
               HouseholdIncome.per_capita_income).where(HouseholdIncome.year == year)
    return {hid: (net, pc) for hid, net, pc in session.execute(q)}


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal("0.00"))


def _households_data(session, village_id, year, as_of=None) -> LedgerData:
    year = year or default_income_year(session)
    heads, sizes = _heads_and_sizes(session, village_id, as_of)
    inc = _incomes(session, year)
    rows = []
    for n, r in enumerate(_households(session, village_id, as_of=as_of), 1):
        h = r.h
        head = heads.get(h.id, ("", ""))
        net, pc = inc.get(h.id, (None, None))
        rows.append((n, r.village, h.code, head[0], head[1], sizes.get(h.id, 0),
                     r.on.household_type, r.on.monitoring_category,
                     _risks(h.risk1, h.risk2, h.risk3, h.risk4, h.risk5),
                     _bool_text(r.on.risk_eliminated), net, pc, h.phone, h.helper_name))
    totals = ("合计", f"{len(rows)}户", None, None, None, sum(r[5] for r in rows), None, None,
              None, None, _sum(r[10] for r in rows), None, None, None)
    kinds = {r[6] for r in rows}
    title = "脱贫户信息台账" if kinds == {"脱贫户"} else "脱贫户和监测对象信息台账"
    return LedgerData(title, _as_of_text(as_of) + f"收入年度：{year}年",
                      hl.household_columns(year), rows, totals)


def _as_of_text(as_of) -> str:
    return f"截至{as_of.year}年{as_of.month}月{as_of.day}日　" if as_of else ""


def _members_data(session, village_id, year, as_of=None) -> LedgerData:
    q = (select(Village.name, Household.code, Member.name, Member.sex, Member.id_number,
                Member.birth_date, Member.relation, Member.ethnicity, Member.education,
                Member.health, Member.labour_skill, Member.work_months, Member.status,
                Member.status_date, Member.phone, Member.id)
         .join(Household, Member.household_id == Household.id)
         .join(Village, Household.village_id == Village.id)
         .where(_ACTIVE, _live_household(as_of))
         # 户主 first within a household, then in the order members were recorded
         .order_by(Village.sort_order, Village.name, Household.code,
                   case((Member.relation == "户主", 0), else_=1), Member.id))
    if village_id is not None:
        q = q.where(Household.village_id == village_id)
    if village_id is None:  # the whole township: streamed, no list of 150,000 result rows
        found = session.execute(q.execution_options(yield_per=5000))
        states = _member_statuses(session, as_of, None)
    else:
        found = session.execute(q).all()
        states = _member_statuses(session, as_of, [r[-1] for r in found])
    # a county's members repeat a few hundred villages, sexes, relations, levels...: each
    # distinct value is kept once, not once per member (the rows were 224 MB for 150,000)
    one = {}.setdefault
    rows, statuses = [], []
    for (vn, code, name, sex, idno, birth, rel, eth, edu, health, skill, months, status,
         sdate, phone, mid) in found:
        if as_of is not None:
            if birth is not None and birth > as_of:
                continue  # born after the ledger's date
            status, sdate = states[mid].status, states[mid].status_date
        status = status or NORMAL
        statuses.append(status)
        shown = f"{status}（{sdate.isoformat()}）" if status != NORMAL and sdate else status
        rows.append((len(rows) + 1, one(vn, vn), one(code, code), name, one(sex, sex), idno,
                     one(birth, birth), one(rel, rel), one(eth, eth), one(edu, edu),
                     one(health, health), one(skill, skill), months, one(shown, shown), phone))
    # 合计 counts the members the title is about (正常); the others are listed but counted apart
    counts = {c.status: c.count for c in count_by(statuses, MEMBER_STATUSES)}
    normal = counts.pop(NORMAL, 0)
    apart = "、".join(f"{k}{v}人" for k, v in counts.items())
    totals = ("合计", None, None, f"正常{normal}人") + (None,) * 9 + (
        f"另{apart}" if apart else None, None)
    sub = _as_of_text(as_of) + f"正常{normal}人" + (f"（另{apart}，列出但不计入合计）" if apart else "")
    return LedgerData("家庭成员信息台账", sub, hl.MEMBER_COLUMNS, rows, totals)


# short names for a narrow column: 产业帮扶 -> 产业 (保障 categories keep their full name)
_SHORT = {attr: cn.removesuffix("帮扶") for attr, cn in MEASURE_CATEGORIES}


def _measure_flags(h) -> str:
    return "、".join(_SHORT[attr] for attr, _cn in MEASURE_CATEGORIES
                    if getattr(h, f"measure_{attr}"))


def _monitoring_data(session, village_id, year, as_of=None) -> LedgerData:
    year = year or default_income_year(session)
    threshold = settings.monitoring_threshold(session, year)
    heads, sizes = _heads_and_sizes(session, village_id, as_of)
    inc = _incomes(session, year)
    rows = []
    for n, r in enumerate(_households(session, village_id, monitored_only=True, as_of=as_of), 1):
        h, on = r.h, r.on
        head = heads.get(h.id, ("", ""))
        net, pc = inc.get(h.id, (None, None))
        below = "" if pc is None or threshold is None else ("是" if pc < threshold else "否")
        elim = _bool_text(on.risk_eliminated)
        if on.risk_eliminated and (on.elimination_method or on.elimination_date):
            elim = "是（" + "，".join(x for x in (on.elimination_method, on.elimination_date
                                                and on.elimination_date.isoformat()) if x) + "）"
        rows.append((n, r.village, h.code, head[0], head[1], sizes.get(h.id, 0),
                     on.monitoring_category, on.monitoring_date,
                     _risks(h.risk1, h.risk2, h.risk3, h.risk4, h.risk5), elim, net, pc, below,
                     _measure_flags(h), h.helper_name))
    totals = ("合计", f"{len(rows)}户", None, None, None, sum(r[5] for r in rows), None, None,
              None, None, _sum(r[10] for r in rows), None,
              f"{sum(r[12] == '是' for r in rows)}户", None, None)
    sub = _as_of_text(as_of) + f"收入年度：{year}年" + (f"　监测范围：人均纯收入{money_text(threshold)}元"
                                   if threshold is not None else "")
    return LedgerData("防止返贫监测对象台账", sub, hl.monitoring_columns(year), rows, totals)


def _year_range(model, year, as_of=None):
    end = dt.date(year + 1, 1, 1) if as_of is None else min(dt.date(year + 1, 1, 1),
                                                           as_of + dt.timedelta(days=1))
    return (model.date >= dt.date(year, 1, 1), model.date < end)


def _dated_rows(session, model, columns, village_id, year, as_of, join_member=False):
    """(village, 户编号, household id, *columns) of the live ``model`` rows (measures, visits)
    of the live households, in printed order; with ``year``: those dated in it."""
    q = (select(Village.name, Household.code, Household.id, *columns)
         .join(Household, model.household_id == Household.id)
         .where(model.deleted_at.is_(None))
         .join(Village, Household.village_id == Village.id))
    if join_member:
        q = q.outerjoin(Member, model.member_id == Member.id)
    q = (q.where(_live_household(as_of))
         .order_by(Village.sort_order, Village.name, Household.code, model.date, model.id))
    if village_id is not None:
        q = q.where(Household.village_id == village_id)
    if year:
        q = q.where(*_year_range(model, year, as_of))
    return session.execute(q)


def _measures_data(session, village_id, year, as_of=None) -> LedgerData:
    heads, _ = _heads_and_sizes(session, village_id, as_of)
    found = _dated_rows(session, Measure, (Member.name, Measure.category, Measure.date,
                                           Measure.content, Measure.amount, Measure.responsible),
                        village_id, year, as_of, join_member=True)
    rows = [(n, vn, code, heads.get(hid, ("", ""))[0], who, cat, date, content, amount, resp)
            for n, (vn, code, hid, who, cat, date, content, amount, resp)
            in enumerate(found, 1)]
    totals = ("合计", f"{len(rows)}项", None, None, None, None, None, None,
              _sum(r[8] for r in rows), None)
    return LedgerData("帮扶措施台账", f"年度：{year}年" if year else "", hl.MEASURE_COLUMNS,
                      rows, totals)


def _visits_data(session, village_id, year, as_of=None) -> LedgerData:
    heads, _ = _heads_and_sizes(session, village_id, as_of)
    found = _dated_rows(session, Visit, (Visit.date, Visit.visitor, Visit.findings,
                                         Visit.follow_up), village_id, year, as_of)
    rows = [(n, vn, code, heads.get(hid, ("", ""))[0], date, visitor, findings, follow)
            for n, (vn, code, hid, date, visitor, findings, follow)
            in enumerate(found, 1)]
    totals = ("合计", f"{len(rows)}次") + (None,) * 6
    return LedgerData("走访记录台账", f"年度：{year}年" if year else "", hl.VISIT_COLUMNS,
                      rows, totals)


_BUILDERS = {"households": _households_data, "members": _members_data,
             "monitoring": _monitoring_data, "measures": _measures_data,
             "visits": _visits_data}


def as_of_date(year: int | None, today: dt.date | None = None) -> dt.date | None:
    """The day a ledger for ``year`` shows: 31 December, or ``today`` while the year runs."""
    if year is None:
        return None
    return min(dt.date(year, 12, 31), today or dt.date.today())


def ledger_data(session, kind: str, *, village: str | None = None, year: int | None = None,
                as_of: dt.date | None = None, title: str | None = None) -> LedgerData:
    """The rows of one ledger (for PDF, Excel and tests). ``as_of``: the records as they stood
    that day (default with a year: its 31 December). ``title``: printed instead of the default
    (the archive prints its catalogue 题名)."""
    if kind not in _BUILDERS:
        raise InputError(f"未知的台账类型“{kind}”，可选：{'、'.join(KINDS)}")
    vid = village_id_by_name(session, village)
    if as_of is None and year is not None:
        as_of = as_of_date(year)
    data = _BUILDERS[kind](session, vid, year, as_of)
    info = settings.township_info(session)
    data.title = title or f"{info.township}{(village or '').strip()}{data.title}"
    data.unit, data.sheet_name = info.unit, KINDS[kind]
    return _masked_for_reader(session, data)


# Columns of these ledgers that hold personal numbers, and how each is masked.
_PERSONAL_COLUMNS = {"head_id": 0, "id": 0, "phone": 2}


def _masked_for_reader(session, data: LedgerData) -> LedgerData:
    """An auditor's ledger shows every ID and phone number masked (issue 13)."""
    maskers = settings.output_maskers(session)
    at = {i: maskers[_PERSONAL_COLUMNS[c.key]] for i, c in enumerate(data.columns)
          if c.key in _PERSONAL_COLUMNS}
    if not at or maskers[0]("123456789012345678") == "123456789012345678":
        return data
    data.rows = [tuple(at[i](v) if i in at and v else v for i, v in enumerate(r)) for r in data.rows]
    return data


def household_ledger(db, kind: str, *, village: str | None = None, year: int | None = None,
                     today: dt.date | None = None, title: str | None = None) -> LedgerData:
    """The ``kind`` ledger as printed on ``today`` (the archive passes a fixed date:
    reproducible PDFs), in one read transaction."""
    today = today or dt.date.today()
    with db.read() as s:
        data = ledger_data(s, kind, village=village, year=year, as_of=as_of_date(year, today),
                           title=title)
    data.date_text = f"{today.year}年{today.month}月{today.day}日"
    return data


def write_household_ledger(db, kind: str, out, *, village: str | None = None,
                           year: int | None = None,
                           progress: Callable[[int, int, str], None] | None = None,
                           today: dt.date | None = None, title: str | None = None) -> int:
    """Write the ``kind`` ledger to ``out`` (.pdf, or .xlsx for Excel). Returns the page count
    (for Excel: the number of data rows). ``progress(done, total, text)`` may raise
    ``Cancelled``; the output file is then not created."""
    if progress:
        progress(0, 0, "正在读取数据…")
    data = household_ledger(db, kind, village=village, year=year, today=today, title=title)
    path = os.fspath(out) if isinstance(out, (str, os.PathLike)) else None
    if path is not None and path.lower().endswith(".xlsx"):
        from ...exporters.household_ledgers import write_ledger_xlsx

        return write_ledger_xlsx(data, path)
    return hl.render_ledger_pdf(data, out, progress=progress)
