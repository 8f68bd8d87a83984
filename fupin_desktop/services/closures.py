"""Closed means closed (issue 12): a closed wage month and a closed archive year refuse edits of
the records they cover, and each month closure is sealed with a SHA-256 of what it stored.

Covered records:
- a closed wage month (``post_month_closures``): its attendance (``post_attendance``), its
  inspections, and the stored run / slips / lines (never editable; database triggers too,
  see models/triggers.py);
- a closed archive year (``archive_years.closed``): visits, measures and medical settlements
  dated in that year, and the households' income of that year.

The guard runs on every flush (one place for every service, the GUI and the CLI alike).
Changes go through an explicit correction (更正): ``allow_correction(session, reason)`` with a
reason (and the session's user), stored on every audit row of the unit of work. Services that
want an early, specific message call ``ensure_month_open`` / ``ensure_year_open`` first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, sessionmaker

from ..errors import UserError, ValidationError
from ..session_hooks import listen_once

CORRECTION_KEY = "correction"
TOKEN_KEY = "correction_token"  # this transaction's period_corrections row


class ClosedPeriodError(UserError):
    """An edit of a record in a closed month / closed archive year without a correction."""


# ------------------------------------------------------------------------------ corrections

def allow_correction(session: Session, reason: str | None, user: str | None = None) -> None:
    """Let this unit of work change records of closed months / years, as a 更正 with ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("更正已关账月份或已关闭年度的记录必须填写更正原因。", field="reason")
    user = user or session.info.get("user")
    if not user:
        raise ValidationError("更正必须记录操作人。", field="user")
    session.info[CORRECTION_KEY] = {"reason": reason[:500], "user": user}
    if TOKEN_KEY not in session.info:
        # lets the database triggers pass this transaction's writes (models/triggers.py)
        import uuid

        from ..models import PeriodCorrection
        from ..models.base import utcnow

        token = session.info[TOKEN_KEY] = uuid.uuid4().hex
        session.execute(insert(PeriodCorrection).values(token=token, user=user[:64],
                                                        reason=reason[:500], started_at=utcnow()))
    if not session.info.get("reason"):
        session.info["reason"] = f"更正：{reason}"[:500]


def begin_correction(session: Session, correction: str | None) -> None:
    """A service's ``correction=`` argument: None is an ordinary edit (refused in a closed month
    or year); text makes this unit of work a 更正 with that reason, carried by its audit rows."""
    if correction is None:
        return
    allow_correction(session, correction)
    session.info["reason"] = f"更正：{correction.strip()}"[:500]


def is_correction(session: Session) -> bool:
    return bool(session.info.get(CORRECTION_KEY))


# ------------------------------------------------------------------------------ what is closed

def _month(d: dt.date) -> dt.date:
    return d.replace(day=1)


def closed_months(session: Session) -> set[dt.date]:
    from ..models import MonthClosure

    with session.no_autoflush:
        return set(session.scalars(select(MonthClosure.month)))


def closed_years(session: Session) -> set[int]:
    from ..models import ArchiveYear

    with session.no_autoflush:
        return set(session.scalars(select(ArchiveYear.year).where(ArchiveYear.closed.is_(True))))


def _month_text(m: dt.date) -> str:
    return f"{m.year}年{m.month}月"


def ensure_month_open(session: Session, day: dt.date, what: str) -> None:
    """Raise ClosedPeriodError when ``day``'s wage month is closed (unless a correction)."""
    if is_correction(session):
        return
    m = _month(day)
    if m in closed_months(session):
        raise ClosedPeriodError(f"{_month_text(m)}已关账，不能直接修改该月的{what}；"
                                "如确需修改，请填写原因作为更正提交。")


def ensure_year_open(session: Session, day_or_year, what: str) -> None:
    """Raise ClosedPeriodError when the archive year of ``day_or_year`` is closed."""
    if is_correction(session):
        return
    year = day_or_year.year if isinstance(day_or_year, dt.date) else int(day_or_year)
    if year in closed_years(session):
        raise ClosedPeriodError(f"{year}年度档案已关闭（已归档），不能直接修改该年度的{what}；"
                                "如确需修改，请填写原因作为更正提交。")


# ------------------------------------------------------------------------------ the flush guard

def _values(obj, attr: str) -> list:
    """The attribute's current value and, for a changed row, its value before the change."""
    from sqlalchemy import inspect

    hist = inspect(obj).attrs[attr].history
    vals = list(hist.added) + list(hist.unchanged) + list(hist.deleted)
    if not vals:
        vals = [getattr(obj, attr, None)]
    return [v for v in vals if v is not None]


# Fields a closure does not cover: recording that a yellow flag's problem was fixed (整改) later
# changes no wage and is always allowed.
_FREE = {"Inspection": {"rectified", "rectified_date", "updated_at", "version"}}


def _only_free_fields(obj) -> bool:
    from sqlalchemy import inspect

    free = _FREE.get(type(obj).__name__)
    if not free:
        return False
    state = inspect(obj)
    changed = {a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()}
    return changed <= free


def year_models() -> dict:
    """What a closed archive year covers: model -> (the attribute dating it, what it is called).
    The flush guard refuses their edits; the year's seal (``year_digest``) hashes their rows."""
    from ..models import HouseholdIncome, Measure, Settlement, Visit

    return {Visit: ("date", "走访记录"), Measure: ("date", "帮扶措施"),
            Settlement: ("settlement_date", "医疗结算"), HouseholdIncome: ("year", "收入")}


def _covered(session: Session):
    """(object, kind, dates/years) for every pending change a closure may cover."""
    from ..models import (AttendanceMonth, Inspection, MonthClosure, WageLine, WageRun,
                          WageSlip)

    month_models = {AttendanceMonth: ("month", "考勤"), Inspection: ("date", "检查记录")}
    year_models_ = year_models()
    stored = (WageRun, WageSlip, WageLine, MonthClosure)
    for state, objs in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objs:
            cls = type(obj)
            if state == "dirty" and _only_free_fields(obj):
                continue
            if cls in month_models:
                attr, what = month_models[cls]
                yield "month", obj, what, _values(obj, attr)
            elif cls in year_models_:
                attr, what = year_models_[cls]
                yield "year", obj, what, _values(obj, attr)
            elif cls in stored and state != "new":
                yield "stored", obj, "工资记录", []


def _before_flush(session: Session, _ctx, _instances) -> None:
    pending = list(_covered(session))
    if not pending:
        return
    for kind, obj, _what, _values_ in pending:
        if kind == "stored" and (obj in session.deleted or session.is_modified(obj)):
            raise ClosedPeriodError("已关账月份的工资计算结果（发放花名册）不能修改或删除；"
                                    "差额请以更正计入下一个未关账月份。")
    if is_correction(session):
        _mark_for_reseal(session, pending)
        return
    months = years = None
    for kind, obj, what, values in pending:
        if kind == "month":
            months = closed_months(session) if months is None else months
            for v in values:
                if _month(v) in months:
                    raise ClosedPeriodError(f"{_month_text(_month(v))}已关账，不能直接修改该月的{what}；"
                                            "如确需修改，请填写原因作为更正提交。")
        elif kind == "year":
            years = closed_years(session) if years is None else years
            for v in values:
                y = v.year if isinstance(v, dt.date) else int(v)
                if y in years:
                    raise ClosedPeriodError(f"{y}年度档案已关闭（已归档），不能直接修改该年度的{what}；"
                                            "如确需修改，请填写原因作为更正提交。")


RESEAL_KEY = "reseal_years"


def _year_of(v) -> int:
    return v.year if isinstance(v, dt.date) else int(v)


def _mark_for_reseal(session: Session, pending) -> None:
    """A 更正 of a closed year's records: its seal is recomputed before the commit."""
    years = {_year_of(v) for kind, _obj, _what, values in pending if kind == "year" for v in values}
    if years:
        years &= closed_years(session)
    if years:
        session.info.setdefault(RESEAL_KEY, set()).update(years)


def _before_commit(session: Session) -> None:
    if CORRECTION_KEY not in session.info:
        return
    from ..models import ArchiveYear, PeriodCorrection

    if session.new or session.dirty or session.deleted:
        session.flush()  # the correction's rows first: the seal covers them as corrected
    years = session.info.pop(RESEAL_KEY, set())
    if years:
        for yr in session.scalars(select(ArchiveYear).where(ArchiveYear.year.in_(years),
                                                            ArchiveYear.closed.is_(True))):
            yr.content_hash = year_digest(session, yr.year)
        session.flush()
    token = session.info.pop(TOKEN_KEY, None)
    if token:  # never committed: no other transaction ever passes the triggers with it
        session.execute(delete(PeriodCorrection).where(PeriodCorrection.token == token))


def install(factory: sessionmaker) -> None:
    listen_once(factory, "before_flush", _before_flush)
    listen_once(factory, "before_commit", _before_commit)
    listen_once(factory, "after_commit", _clear)
    listen_once(factory, "after_rollback", _clear)


def _clear(session: Session) -> None:  # a correction covers one unit of work only
    for key in (CORRECTION_KEY, RESEAL_KEY, TOKEN_KEY):
        session.info.pop(key, None)


# ------------------------------------------------------------------------------ seals

def _plain(v):
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return v


def month_digest(session: Session, run_id: int) -> str:
    """SHA-256 of a stored wage run: the run, every slip and every line, canonical text."""
    from ..models import WageLine, WageRun, WageSlip

    run = session.execute(select(WageRun.month, WageRun.total, WageRun.slip_count, WageRun.rules)
                          .where(WageRun.id == run_id)).one()
    slip_cols = [c for c in WageSlip.__table__.c if c.name not in ("id", "run_id")]
    slips = session.execute(select(WageSlip.id, *slip_cols).where(WageSlip.run_id == run_id)
                            .order_by(WageSlip.id)).all()
    line_cols = [WageLine.slip_id, WageLine.seq, WageLine.code, WageLine.label, WageLine.quantity,
                 WageLine.rate, WageLine.amount]
    lines = session.execute(select(*line_cols).join(WageSlip, WageSlip.id == WageLine.slip_id)
                            .where(WageSlip.run_id == run_id)
                            .order_by(WageLine.slip_id, WageLine.seq)).all()
    order = {sid: n for n, (sid, *_rest) in enumerate(slips)}  # ids may differ after a restore
    doc = {
        "run": [_plain(v) for v in run[:3]] + [run[3]],
        "slips": [[_plain(v) for v in row[1:]] for row in slips],
        "lines": [[order[row[0]]] + [_plain(v) for v in row[1:]] for row in lines],
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def year_digest(session: Session, year: int) -> str:
    """SHA-256 of what a closed archive year covers (``year_models``): every row dated in the
    year, soft-deleted ones included, canonical text in a stable order. Households are named
    by 户编号 (ids may differ after a restore); timestamps and versions are left out."""
    from ..models import Household

    skip = {"id", "created_at", "updated_at", "version", "household_id"}
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    doc = {}
    for model, (attr, _what) in year_models().items():
        table = model.__table__
        cols = [c for c in table.c if c.name not in skip]
        names = [c.name for c in cols]
        stmt = select(*cols)
        if "household_id" in table.c:
            names.append("household")
            stmt = stmt.add_columns(Household.code).join(Household,
                                                         Household.id == table.c.household_id)
        col = table.c[attr]
        stmt = stmt.where(col == year) if attr == "year" else stmt.where(col >= start, col < end)
        doc[table.name] = sorted(
            json.dumps(dict(zip(names, (_plain(v) for v in row))), ensure_ascii=False,
                       sort_keys=True, separators=(",", ":"), default=str)
            for row in session.execute(stmt))
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
