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
    assignments = assignment_views_in(session, where=[Member.household_id == household_id])
    if as_of is not None:
        assignments = [assignment_on(a, as_of) for a in assignments if a.start_date <= as_of]
    paid = session.execute(
        select(WageRun.month, WageSlip.worker_name, WageSlip.post_name, WageSlip.present_days,
               WageSlip.absent_days, WageSlip.grade, WageSlip.amount)
        .join(WageRun, WageRun.id == WageSlip.run_id)
        .join(Member, Member.id == WageSlip.member_id)
        .where(Member.household_id == household_id,
               *(() if as_of is None else (WageRun.month <= as_of,)))
        .order_by(WageRun.month, WageSlip.worker_name)).all()
    return assignments, [tuple(r) for r in paid]


def household_posts_section(session, household_id: int, as_of=None
                            ) -> list[tuple[str, list, list[list[str]]]]:
    """The household file's extra section (HOUSEHOLD_FILE_SECTIONS): query, then render."""
    return household_posts_tables(*household_posts_data(session, household_id, as_of))
