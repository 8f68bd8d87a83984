"""Verifying the audit log's hash chain (issue 12) and the seals of closed months and years.

Each audit entry carries the SHA-256 of the previous entry (``prev_hash``) and its own hash over
``prev_hash`` + its content (``row_hash``); the chain is appended by the storage layer
(audit_events.insert_entries, inside each writer's own transaction). Changing, deleting or
inserting an entry by SQL breaks the chain from that entry on; ``verify_chain`` (``fupin db
verify``, the GUI at start) recomputes it and names the first entry that no longer fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

# the chain itself is written by the storage layer (every audit row goes through it)
from ...audit_events import GENESIS, _ts, entry_hash


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
    from ...models import AuditLog

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
        closures, unsealed, problems = verify_closures(s)
        res.closures, res.unsealed = closures, unsealed
        res.problems += problems
        res.years, res.unsealed_years, problems = verify_years(s)
        res.problems += problems
    return res


def verify_closures(session: Session):
    """(closures, unsealed, problems) — every sealed month recomputed."""
    from ...models import MonthClosure
    from ..closures import _month_text, month_digest

    problems, n, unsealed = [], 0, 0
    for c in session.scalars(select(MonthClosure).order_by(MonthClosure.month)):
        n += 1
        if not c.content_hash:
            unsealed += 1
            continue
        if month_digest(session, c.run_id) != c.content_hash:
            problems.append(ChainProblem("closure", f"{c.month:%Y-%m}",
                                         f"{_month_text(c.month)}关账时封存的工资记录（发放花名册）已被改动："
                                         "与关账时记录的校验值不符。"))
    return n, unsealed, problems


def verify_years(session: Session):
    """(closed years, unsealed, problems) — every sealed archive year recomputed."""
    from ...models import ArchiveYear
    from ..closures import year_digest

    problems, n, unsealed = [], 0, 0
    for y in session.scalars(select(ArchiveYear).where(ArchiveYear.closed.is_(True))
                             .order_by(ArchiveYear.year)):
        n += 1
        if not y.content_hash:
            unsealed += 1
            continue
        if year_digest(session, y.year) != y.content_hash:
            problems.append(ChainProblem(
                "archive-year", str(y.year),
                f"{y.year}年度档案关闭时封存的记录（走访记录、帮扶措施、医疗结算、收入）已在程序之外被改动："
                "与关闭（或最近一次更正）时记录的校验值不符。"))
    return n, unsealed, problems
