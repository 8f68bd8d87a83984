"""Year-end ("as of a date") rules: what a record looked like on a given day.

Everything made for a year Y shows the records as they stood on Y-12-31 (DESIGN.md §5). These
rules take plain values (the current value, its effective date and what the audit trail says
about earlier values) and answer "what was it on that day"; the queries live in
services/asof.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

NORMAL = "正常"


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def status_on(states: Iterable[tuple[dt.date | None, str]], on: dt.date) -> str:
    """A member's status on ``on`` from the known states ``[(effective date, status)]`` in the
    order they were recorded (the last one is the current value).

    A state with no date is taken as having applied from the start (the program cannot tell
    when it began); a member is 正常 until the first state that took effect after ``on``
    unless an earlier state says otherwise: a person leaves 正常 on the day of death or
    departure, never before."""
    result = NORMAL
    for effective, status in states:
        if effective is None or effective <= on:
            result = status
    return result


def date_on(value: dt.date | None, on: dt.date) -> dt.date | None:
    """A date as known on ``on``: a date after it had not happened yet (blank)."""
    return value if value is not None and value <= on else None


# ------------------------------------------------------------------- chronic-disease cards

CARD_VALID, CARD_REVIEW, CARD_CANCELLED = "有效", "待复审", "已注销"
CARD_EXPIRED = "已过期"  # the review date passed without a review (shown, never counted 有效)
CARD_ORDER = (CARD_VALID, CARD_REVIEW, CARD_EXPIRED, CARD_CANCELLED)


def card_state_on(status: str, approved: dt.date | None, review: dt.date | None,
                  on: dt.date) -> str | None:
    """A card's state on ``on`` from its recorded status (as it stood that day) and its dates.

    ``None``: the card did not exist yet (approved after ``on``). A 有效/待复审 card whose
    复审日期 is before ``on`` has run out (已过期): validity comes from its dates, not from a
    status nobody updated."""
    if approved is not None and approved > on:
        return None
    if status == CARD_CANCELLED:
        return CARD_CANCELLED
    if review is not None and review < on:
        return CARD_EXPIRED
    return status


@dataclass(frozen=True)
class StatusCount:
    status: str
    count: int


def count_by(values: Iterable[str], order: Iterable[str]) -> list[StatusCount]:
    """Counts per value, in ``order`` first, then any other value as first seen; zeros left out."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    keys = [k for k in order if k in counts] + [k for k in counts if k not in set(order)]
    return [StatusCount(k, counts[k]) for k in keys]


def counts_text(counts: Iterable[StatusCount], unit: str) -> str:
    """有效 12张、已过期 3张 (zeros left out)."""
    return "、".join(f"{c.status} {c.count}{unit}" for c in counts)
