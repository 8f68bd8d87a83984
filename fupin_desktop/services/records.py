"""Steps every editable record shares: load the live row at the clerk's version, soft-delete it
with a reason, refuse a form with the first of its field errors."""

from __future__ import annotations

from ..errors import ConflictError, ValidationError
from ..models.base import utcnow


def raise_first(errors: dict[str, str]) -> None:
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], field=first, errors=errors)


def live_record(session, model, record_id: int, version: int | None, gone: str):
    """The row, unless it was deleted (``gone`` is the message) or saved by someone else since
    the clerk loaded ``version``."""
    obj = session.get(model, record_id)
    if obj is None or obj.deleted_at is not None:
        raise ConflictError(gone)
    if version is not None and obj.version != version:
        raise ConflictError()
    return obj


def soft_delete(db, model, record_id: int, version: int | None, reason: str, gone: str) -> None:
    if not (reason or "").strip():
        raise ValidationError("请填写删除原因", field="reason")
    with db.write(reason=reason) as s:
        obj = live_record(s, model, record_id, version, gone)
        obj.deleted_at, obj.deleted_reason = utcnow(), reason.strip()[:200]
