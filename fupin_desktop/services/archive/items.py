"""The generated items (件) of an archive year: every ledger that has data that year, and one
household file (一户一档) per household registered (脱贫户/未脱贫户) or monitored that year.

Each item gets a data fingerprint, so a resumed or repeated build re-renders only what changed:
a household file depends on its household's own rows (household, members, incomes, measures,
visits — compared per household) and on everything else through the audit log (villages,
settings, posts, medical …: any change there re-renders all files); a ledger on the audit
rows of what its queries read (services/archive/reads.py: the tables, and of an update the
columns it changed). Every write is audited (ORM events or ``record_bulk``), so the audit log's
highest id is a cheap "anything changed" token. The archive's own tables are left out of it: adding a
scan or changing the box thickness must not re-render 5,000 household files.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import partial

from sqlalchemy import and_, func, or_, select

from ...models import AuditLog, Household, HouseholdIncome, Measure, Member, Village, Visit
from ...models.medical import ChronicCard, DoctorSigning, Settlement
from ...models.posts import Assignment, AttendanceMonth, WageRun
from ...models.problems import Problem
from . import render as archive_render
from .settings import CONFIG_KEY, ITEM_KINDS

REGISTERED_TYPES = ("脱贫户", "未脱贫户")  # 建档立卡 households
HOUSEHOLD_TABLES = ("households", "members", "household_incomes", "measures", "visits")
ARCHIVE_TABLES = ("archive_years", "archive_items", "archive_boxes", "archive_page_cache", "archive_packages",
                  "archive_package_files")


@dataclass(frozen=True)
class Candidate:
    """A generated item before numbering."""

    key: str
    kind: str  # ITEM_KINDS key
    title: str
    date: dt.date
    order: tuple  # position inside its 类别 (see services/archive_plan.sort_key)
    ref_id: int | None = None  # household id
    period: str | None = None  # "2025-03" for a monthly ledger
    remark: str = ""


def year_end(year: int, archive_date: dt.date) -> dt.date:
    """The date of a year's documents: 31 Dec, or the archive date while the year is running."""
    return min(dt.date(year, 12, 31), archive_date)


def _month_end(month: dt.date, archive_date: dt.date) -> dt.date:
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return max(month, min(last, archive_date))


def _has(session, stmt) -> bool:
    return bool(session.scalar(select(func.count()).select_from(stmt.subquery())))


def ledger_candidates(session, year: int, township: str, archive_date: dt.date) -> list[Candidate]:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    live_hh = select(Household.id).where(or_(Household.deleted_at.is_(None),
                                             Household.deleted_at >= dt.datetime(year, 1, 1)))
    checks = {
        "households": live_hh,
        "members": live_hh,
        "monitoring": live_hh.where(Household.monitoring_category.is_not(None),
                                    or_(Household.monitoring_date.is_(None),
                                        Household.monitoring_date < end)),
        "measures": select(Measure.id).where(Measure.deleted_at.is_(None), Measure.date >= start,
                                             Measure.date < end),
        "visits": select(Visit.id).where(Visit.deleted_at.is_(None), Visit.date >= start,
                                         Visit.date < end),
        "posts": select(Assignment.id).where(
            Assignment.deleted_at.is_(None), Assignment.start_date < end,
            or_(Assignment.end_date.is_(None), Assignment.end_date >= start)),
        "wages-annual": select(WageRun.id).where(WageRun.month >= start, WageRun.month < end),
        "medical": select(Settlement.id).where(Settlement.deleted_at.is_(None),
                                               Settlement.settlement_date >= start,
                                               Settlement.settlement_date < end),
        "chronic": select(ChronicCard.id).where(
            ChronicCard.deleted_at.is_(None),
            or_(ChronicCard.approved_date.is_(None), ChronicCard.approved_date < end)),
        "signing": select(DoctorSigning.id).where(
            DoctorSigning.deleted_at.is_(None), DoctorSigning.signed_date < end,
            or_(DoctorSigning.end_date.is_(None), DoctorSigning.end_date >= start)),
        "problems": select(Problem.id).where(Problem.found_on >= start, Problem.found_on < end),
    }
    date = year_end(year, archive_date)
    out = []
    for kind, stmt in checks.items():
        if _has(session, stmt):
            spec = ITEM_KINDS[f"ledger:{kind}"]
            out.append(Candidate(f"ledger:{kind}:{year}", f"ledger:{kind}",
                                 f"{township}{year}年度{spec.title}", date, (spec.rank, "")))
    # the monthly ledgers: one item per month that has records
    monthly = {
        "attendance": select(AttendanceMonth.month).where(AttendanceMonth.month >= start,
                                                          AttendanceMonth.month < end).distinct(),
        "payroll": select(WageRun.month).where(WageRun.month >= start, WageRun.month < end),
    }
    names = {"attendance": "公益性岗位签到考勤表", "payroll": "公益性岗位补贴发放花名册"}
    for kind, stmt in monthly.items():
        rank = ITEM_KINDS[f"ledger:{kind}"].rank
        for month in sorted(set(session.scalars(stmt))):
            period = f"{month:%Y-%m}"
            out.append(Candidate(f"ledger:{kind}:{period}", f"ledger:{kind}",
                                 f"{township}{month.year}年{month.month}月{names[kind]}",
                                 _month_end(month, archive_date), (rank, period), period=period))
    return out


def household_candidates(session, year: int, archive_date: dt.date) -> list[Candidate]:
    """One 一户一档 per household registered or monitored in ``year`` (and not removed before)."""
    start, end = dt.datetime(year, 1, 1), dt.date(year, 12, 31)
    head = (select(Member.household_id, func.min(Member.name).label("name"))
            .where(Member.relation == "户主", Member.deleted_at.is_(None))
            .group_by(Member.household_id).subquery())
    rows = session.execute(
        select(Household.id, Household.code, Village.name, Village.sort_order, head.c.name)
        .join(Village, Household.village_id == Village.id)
        .outerjoin(head, head.c.household_id == Household.id)
        .where(or_(Household.deleted_at.is_(None), Household.deleted_at >= start),
               or_(Household.household_type.in_(REGISTERED_TYPES),
                   and_(Household.monitoring_category.is_not(None),
                        or_(Household.monitoring_date.is_(None), Household.monitoring_date <= end))))
        .order_by(Village.sort_order, Village.name, Household.code)).all()
    date = year_end(year, archive_date)
    rank = ITEM_KINDS["household-file"].rank
    return [Candidate(f"household:{hid}", "household-file", f"{village}{name or code}户一户一档",
                      date, (rank, f"{sort_order:06d}{village}{code}"), ref_id=hid,
                      remark=f"户编号{code}")
            for hid, code, village, sort_order, name in rows]


def generated_candidates(session, year: int, township: str, archive_date: dt.date) -> list[Candidate]:
    return ledger_candidates(session, year, township, archive_date) + \
        household_candidates(session, year, archive_date)


def generated_source(url: str, kind: str, year: int, ref_id: int | None, period: str | None,
                     archive_date: dt.date, title: str | None = None):
    """A picklable renderer for a generated item (runs in a worker process): the records as
    they stood at the year's end (``year_end``), dated that day, printing ``title`` (the
    catalogue's 题名) so the catalogue and the document say the same."""
    as_of = year_end(year, archive_date).isoformat()
    if kind == "household-file":
        return partial(archive_render.render_household_item, url, ref_id, as_of, year, title)
    return partial(archive_render.render_ledger_item, url, kind.split(":", 1)[1], year, period,
                   as_of, title)


# ---------------------------------------------------------------------------------- tokens

def global_token(session, exclude_household_tables: bool) -> str:
    """Highest audit id outside the archive's own rows (and, for household files, outside the
    tables compared per household)."""
    skip = ARCHIVE_TABLES + (HOUSEHOLD_TABLES if exclude_household_tables else ())
    top = session.scalar(select(func.max(AuditLog.id)).where(
        AuditLog.table_name.not_in(skip),
        or_(AuditLog.table_name != "settings", AuditLog.record_key.is_(None),
            AuditLog.record_key != CONFIG_KEY)))
    return str(top or 0)


def household_tokens(session, ids: list[int] | None = None) -> dict[int, str]:
    """household id -> a token that changes whenever the household or one of its rows does."""
    parts: dict[int, list[str]] = {}
    for hid, version, updated, deleted in session.execute(
            select(Household.id, Household.version, Household.updated_at, Household.deleted_at)):
        parts[hid] = [f"{version}|{updated}|{deleted}"]
    for model in (Member, HouseholdIncome, Measure, Visit):
        agg = {hid: "|".join(map(str, rest)) for hid, *rest in session.execute(
            select(model.household_id, func.count(), func.max(model.updated_at),
                   func.sum(model.version), func.max(model.id)).group_by(model.household_id))}
        for hid, p in parts.items():
            p.append(agg.get(hid, "-"))
    wanted = parts if ids is None else {i: parts[i] for i in ids if i in parts}
    return {hid: hashlib.sha256("/".join(p).encode()).hexdigest()[:32] for hid, p in wanted.items()}


def fingerprint(*parts: object) -> str:
    text = "\x1f".join(str(p) for p in (archive_render.RENDER_VERSION, *parts))
    return hashlib.sha256(text.encode()).hexdigest()
