"""Use cases `fupin export posts|attendance|payroll-bank`: load the roster, a month's
attendance or its wages and hand the rows to exporters/posts_excel.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from ...domain.posts_calendar import month_text, parse_month
from ...errors import InputError
from ...models import Member
from ...models.posts import Assignment
from .. import settings
from .assignments import list_assignments
from .attendance import month_grid
from .payroll import wage_run
from .wages import ZERO


@dataclass(frozen=True)
class ExportResult:
    out: str
    rows: int
    total: Decimal | None = None
    missing_accounts: int = 0


def export_posts(db, out, *, month=None, village_id: int | None = None, masked: bool = False,
                 today: dt.date | None = None) -> ExportResult:
    """The roster of people in post during ``month`` (default: everyone ever assigned), with the
    roster import's column names so the file can be edited and imported again."""
    from ...exporters.posts_excel import write_roster

    m0 = parse_month(month) if month is not None else None
    mid, mbank, _ = settings.output_maskers(db, masked)
    town = settings.township_info(db).township
    n = write_roster(out, list_assignments(db, month=m0, village_id=village_id), mid, mbank,
                     town=town, month=m0, masked=masked)
    return ExportResult(str(out), n)


def _full_ids(s, assignment_ids: list[int]) -> dict[int, str]:
    out = {}
    for i in range(0, len(assignment_ids), 900):
        out.update(dict(s.execute(select(Assignment.id, Member.id_number)
                                  .join(Member, Member.id == Assignment.member_id)
                                  .where(Assignment.id.in_(assignment_ids[i:i + 900]))).all()))
    return out


def export_attendance(db, out, month, *, village_id: int | None = None,
                      masked: bool = False) -> ExportResult:
    """A month's sign-in sheet in the layout the attendance import reads (title names the month)."""
    from ...exporters.posts_excel import write_attendance

    grid = month_grid(db, month, village_id=village_id)
    with db.read() as s:
        ids = _full_ids(s, [r.assignment_id for r in grid.rows])
    mid = settings.output_maskers(db, masked)[0]
    n = write_attendance(out, grid, ids, mid, town=settings.township_info(db).township)
    return ExportResult(str(out), n)


def _current_accounts(db, assignment_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    if not assignment_ids:
        return {}
    with db.read() as s:
        return {aid: (acc, bank) for aid, acc, bank in s.execute(
            select(Assignment.id, Assignment.bank_account, Assignment.bank_name)
            .where(Assignment.id.in_(assignment_ids)))}


def export_bank(db, out, month, *, village_id: int | None = None) -> ExportResult:
    """银行代发明细: 姓名, 证件号码, 银行账号 (text cells), 金额 — one row per worker paid."""
    from ...exporters.posts_excel import write_bank
    from ..users.access import ADMIN, CLERK, require

    require(db, ADMIN, CLERK)  # a bank file is useless masked, so an auditor gets none
    run = wage_run(db, month, village_id=village_id)
    slips = [x for x in run.slips if x.amount > 0]
    if not slips:
        raise InputError(f"{month_text(run.month)}没有需要发放的补贴")
    # an account entered after the month was closed is still the one to pay into
    current = _current_accounts(db, [x.assignment_id for x in slips if not x.bank_account])
    payments = []
    for x in slips:
        account, bank = x.bank_account, x.bank_name
        if not account:
            account, bank = current.get(x.assignment_id, (None, None))
        payments.append((x.worker_name, x.id_number, account, bank, x.amount, x.village_name))
    total = sum((x.amount for x in slips), ZERO)
    missing = write_bank(out, run.month, run.closed, payments, total)
    return ExportResult(str(out), len(payments), total, missing)
