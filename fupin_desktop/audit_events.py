"""Write an audit row for every ORM insert/update/delete, inside the same transaction.

Bulk statements (``session.execute(insert(...), rows)``) bypass ORM events; importers that use
them call ``record_bulk`` themselves.

The audit log is a hash chain (issue 12): each entry carries the SHA-256 of the previous entry
(``prev_hash``) and its own hash over ``prev_hash`` + its content (``row_hash``). Every writer
appends through ``insert_entries`` inside its own transaction; on PostgreSQL a
transaction-scoped advisory lock keeps concurrent writers from forking the chain (SQLite has one
writer anyway). services/users/audit_chain.py verifies it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

from sqlalchemy import insert, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from .models.base import utcnow
from .session_hooks import listen_once

# ------------------------------------------------------------------------------ the chain

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x66757069  # "fupi": one chain per database


def _ts(value) -> str:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    return str(value)


def content_of(e: dict) -> str:
    """Canonical text of an entry's content (everything but its id and hashes)."""
    return json.dumps([_ts(e["ts"]), e["user"], e["table_name"], str(e["record_id"]),
                       e.get("record_key"), e["action"], e.get("changes"), e.get("reason")],
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, e: dict) -> str:
    return hashlib.sha256((prev_hash + "\n" + content_of(e)).encode("utf-8")).hexdigest()


def _tip(session: Session) -> str:
    from .models import AuditLog

    last = session.execute(select(AuditLog.row_hash).order_by(AuditLog.id.desc()).limit(1)).first()
    return (last[0] if last and last[0] else GENESIS)


def insert_entries(session: Session, rows: list[dict]) -> None:
    """Append ``rows`` (dicts of AuditLog columns) to the chain, in this order."""
    from .models import AuditLog

    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    prev = _tip(session)
    for r in rows:
        r["prev_hash"] = prev
        r["row_hash"] = prev = entry_hash(prev, r)
    # executemany inserts the rows in list order: ids ascend along the chain
    session.execute(insert(AuditLog), rows)


def chain_rows_in(conn, table) -> None:
    """(Re)compute the chain of every row of ``table`` (the audit_log table of a migration)."""
    prev = GENESIS
    rows = conn.execute(select(table).order_by(table.c.id)).mappings().all()
    for r in rows:
        h = entry_hash(prev, dict(r))
        conn.execute(table.update().where(table.c.id == r["id"]).values(prev_hash=prev, row_hash=h))
        prev = h


# ------------------------------------------------------------------------------ audit rows

# Columns that change on every save and say nothing to an auditor.
_NOISE = {"version", "updated_at", "created_at"}


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (Decimal, dt.date, dt.datetime)):
        return str(value)
    return repr(value)


def _record_id(obj) -> str:
    # after the flush the primary key is on the instance, though the identity key is not set yet
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(i) for i in ident if i is not None)


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _NOISE:
            continue
        hist = state.attrs[key].history
        if action == "insert":
            value = getattr(obj, key)
            if value is not None:
                out[key] = [None, _plain(value)]
        elif action == "delete":
            value = hist.unchanged[0] if hist.unchanged else (hist.deleted[0] if hist.deleted else None)
            if value is not None:
                out[key] = [_plain(value), None]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if _plain(old) != _plain(new):
                out[key] = [_plain(old), _plain(new)]
    return out


def _after_flush(session: Session, _ctx) -> None:
    user = session.info.get("user", "unknown")
    reason = session.info.get("reason")
    rows = []
    ts = utcnow()
    for action, objs in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not getattr(obj, "__audited__", False):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append({
                "ts": ts, "user": user, "table_name": obj.__tablename__,
                "record_id": _record_id(obj), "record_key": obj.audit_key()[:120],
                "action": action, "changes": changes, "reason": reason,
            })
    if rows:
        insert_entries(session, rows)


def record_bulk(session: Session, table_name: str, action: str, entries: list[tuple[str, str, dict]],
                reason: str | None = None) -> None:
    """Audit rows for a bulk statement: ``entries`` = [(record_id, record_key, changes), …]."""
    if not entries:
        return
    user = session.info.get("user", "unknown")
    reason = reason or session.info.get("reason")
    ts = utcnow()
    insert_entries(session, [
        {"ts": ts, "user": user, "table_name": table_name, "record_id": rid,
         "record_key": key[:120] if key else None, "action": action, "changes": changes,
         "reason": reason}
        for rid, key, changes in entries
    ])


def install(factory: sessionmaker) -> None:
    listen_once(factory, "after_flush", _after_flush)
