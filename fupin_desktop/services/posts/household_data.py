"""The data of the household file's 公益性岗位 section: the household's assignments (as they
stood on ``as_of``) and the wages paid in closed months, as plain values; rendered by
reports/posts_household."""

from __future__ import annotations

from sqlalchemy import select

from ...models import Member
from ...models.posts import WageRun, WageSlip
from ...reports.posts_household import household_posts_tables
from .assignments import assignment_on, assignment_views_in


def household_posts_data(session, household_id: int, as_of=None) -> tuple[list, list[tuple]]:
    """(assignment views, paid rows) — see reports.posts_household.household_posts_tables."""
    return households_posts_data(session, [household_id], as_of)[household_id]


def households_posts_data(session, household_ids, as_of=None) -> dict[int, tuple[list, list[tuple]]]:
    """The same for several households, in one query per table (the archive's chunks)."""
    ids = list(household_ids)
    assignments: dict[int, list] = {hid: [] for hid in ids}
    for a in assignment_views_in(session, where=[Member.household_id.in_(ids)]):
        if as_of is None:
            assignments[a.household_id].append(a)
        elif a.start_date <= as_of:
            assignments[a.household_id].append(assignment_on(a, as_of))
    paid: dict[int, list[tuple]] = {hid: [] for hid in ids}
    for hid, *row in session.execute(
            select(Member.household_id, WageRun.month, WageSlip.worker_name, WageSlip.post_name,
                   WageSlip.present_days, WageSlip.absent_days, WageSlip.grade, WageSlip.amount)
            .join(WageRun, WageRun.id == WageSlip.run_id)
            .join(Member, Member.id == WageSlip.member_id)
            .where(Member.household_id.in_(ids),
                   *(() if as_of is None else (WageRun.month <= as_of,)))
            .order_by(WageRun.month, WageSlip.worker_name)):
        paid[hid].append(tuple(row))
    return {hid: (assignments[hid], paid[hid]) for hid in ids}


def household_posts_section(session, household_id: int, as_of=None
                            ) -> list[tuple[str, list, list[list[str]]]]:
    """The household file's extra section (HOUSEHOLD_FILE_SECTIONS): query, then render."""
    return household_posts_tables(*household_posts_data(session, household_id, as_of))


def household_posts_sections(session, household_ids, as_of=None) -> dict[int, list]:
    """The same for several households at once (their data in one query per table)."""
    return {hid: household_posts_tables(*d)
            for hid, d in households_posts_data(session, household_ids, as_of).items()}


household_posts_section.batch = household_posts_sections
