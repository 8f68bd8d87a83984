"""The audit log as a hash chain (issue 12): each entry carries the SHA-256 of the previous
entry (``prev_hash``) and its own hash over ``prev_hash`` + its content (``row_hash``).

Changing, deleting or inserting an entry by SQL breaks the chain from that entry on;
``verify_chain`` (``fupin db verify``, the GUI at start) recomputes it and names the first
entry that no longer fits. Every writer appends through ``insert_entries`` inside its own
transaction; on PostgreSQL a transaction-scoped advisory lock keeps concurrent writers from
forking the chain (SQLite has one writer anyway).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

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
    from ..models import AuditLog

    last = session.execute(select(AuditLog.row_hash).order_by(AuditLog.id.desc()).limit(1)).first()
    return (last[0] if last and last[0] else GENESIS)


def insert_entries(session: Session, rows: list[dict]) -> None:
    """Append ``rows`` (dicts of AuditLog columns) to the chain, in this order."""
    from ..models import AuditLog

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


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # "audit" / "closure" / "archive-year"
    ref: str  # entry id / month / year
    message: str  # Chinese sentence naming the entry

    def to_json(self) -> dict:
        return {"kind": self.kind, "ref": self.ref, "message": self.message}


@dataclass
class VerifyResult:
    entries: int = 0
    closures: int = 0
    unsealed: int = 0  # closures without a content hash (made before the chain existed)
    problems: list[ChainProblem] | None = None
    years: int = 0  # closed archive years
    unsealed_years: int = 0  # closed before the year seal existed

    @property
    def intact(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"intact": self.intact, "entries": self.entries, "closures": self.closures,
                "unsealed_closures": self.unsealed,
                "archive_years": self.years, "unsealed_archive_years": self.unsealed_years,
                "problems": [p.to_json() for p in self.problems or []],
                "first_altered": (self.problems[0].to_json() if self.problems else None)}

    def text(self) -> str:
        if self.intact:
            t = (f"校验通过：审计日志 {self.entries} 条、月度结账 {self.closures} 个、"
                 f"已关闭档案年度 {self.years} 个，哈希链完整，未发现改动。")
            if self.unsealed:
                t += f"（其中 {self.unsealed} 个结账早于哈希校验功能，未封存。）"
            if self.unsealed_years:
                t += f"（其中 {self.unsealed_years} 个档案年度关闭时尚无封存校验值。）"
            return t
        lines = ["校验未通过：数据库中的记录在程序之外被改动过。", self.problems[0].message]
        if len(self.problems) > 1:
            lines.append(f"另有 {len(self.problems) - 1} 处不符：")
            lines += [p.message for p in self.problems[1:10]]
        lines.append("请从改动前的备份恢复，或请系统管理员核查。")
        return "\n".join(lines)


def _describe(r) -> str:
    return (f"审计日志第 {r.id} 条（{_ts(r.ts)[:19]}，用户 {r.user}，{r.table_name} {r.record_id}，"
            f"{r.action}）")


def verify_chain(db, *, progress=None) -> VerifyResult:
    """Recompute the audit chain, every month closure's and every closed archive year's seal."""
    from ..models import AuditLog

    res = VerifyResult(problems=[])
    with db.read() as s:
        prev = GENESIS
        started = False
        stmt = select(AuditLog).order_by(AuditLog.id).execution_options(yield_per=2000)
        for r in s.scalars(stmt):
            res.entries += 1
            if r.row_hash is None and not started:
                continue  # cannot happen after migration 0010; tolerated before the first hash
            started = True
            e = {"ts": r.ts, "user": r.user, "table_name": r.table_name, "record_id": r.record_id,
                 "record_key": r.record_key, "action": r.action, "changes": r.changes,
                 "reason": r.reason}
            if r.prev_hash != prev:
                res.problems.append(ChainProblem(
                    "audit", str(r.id), f"{_describe(r)}之前的记录被删除、插入或改动（链接不符）。"))
                break
            if r.row_hash != entry_hash(prev, e):
                res.problems.append(ChainProblem("audit", str(r.id), f"{_describe(r)}的内容已被改动。"))
                break
            prev = r.row_hash
        from .closures import verify_closures, verify_years

        closures, unsealed, problems = verify_closures(s)
        res.closures, res.unsealed = closures, unsealed
        res.problems += problems
        res.years, res.unsealed_years, problems = verify_years(s)
        res.problems += problems
    return res
