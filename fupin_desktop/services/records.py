"""Steps every editable record shares: load the live row at the clerk's version, soft-delete it
with a reason, refuse a form with the first of its field errors."""

from __future__ import annotations

from ..errors import ConflictError, ValidationError
from ..models.base import utcnow


def raise_first(errors: dict[str, str]) -> None:
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], field=first, errors=errors)


def stale(session, obj) -> ConflictError:
    """The conflict message naming who saved ``obj`` last and when (from the audit log), so two
    clerks on one server know whom to ask."""
    from sqlalchemy import inspect, select

    from ..models import AuditLog

    try:
        rid = "/".join(str(i) for i in inspect(obj).mapper.primary_key_from_instance(obj))
        last = session.execute(
            select(AuditLog.user, AuditLog.ts)
            .where(AuditLog.table_name == obj.__tablename__, AuditLog.record_id == rid)
            .order_by(AuditLog.id.desc()).limit(1)).first()
    except Exception:  # noqa: BLE001 - the plain message is still right
        last = None
    if last is None:
        return ConflictError()
    import datetime as dt

    when = last.ts.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%m-%d %H:%M")
    return ConflictError(f"该记录已被他人修改（{last.user}，{when}），请刷新后重试")


def live_record(session, model, record_id: int, version: int | None, gone: str):
    """The row, unless it was deleted (``gone`` is the message) or saved by someone else since
    the clerk loaded ``version``."""
    obj = session.get(model, record_id)
    if obj is None or obj.deleted_at is not None:
        raise ConflictError(gone)
    if version is not None and obj.version != version:
        raise stale(session, obj)
    return obj


def soft_delete(db, model, record_id: int, version: int | None, reason: str, gone: str) -> None:
    if not (reason or "").strip():
        raise ValidationError("请填写删除原因", field="reason")
    with db.write(reason=reason) as s:
        obj = live_record(s, model, record_id, version, gone)
        obj.deleted_at, obj.deleted_reason = utcnow(), reason.strip()[:200]
