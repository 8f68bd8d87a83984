"""Reading the audit log (`fupin audit`, the 审计日志 page).

Entries come back as plain rows with a Chinese one-line summary. Personal numbers inside audit
rows (a member's 证件号码 is its record key) are masked unless the reader may see them in full.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import or_, select

from ...domain.field_specs import label
from ...models import AuditLog
from .access import must_mask

ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除", "bulk": "批量"}
ENTITIES = {
    "villages": "行政村", "households": "户", "household_incomes": "收入", "measures": "帮扶措施",
    "visits": "走访记录", "members": "家庭成员", "posts": "公益性岗位", "post_assignments": "上岗",
    "post_attendance": "考勤", "post_inspections": "考核", "post_wage_runs": "工资计算",
    "post_wage_slips": "工资", "post_wage_lines": "工资明细", "post_month_closures": "月度结账",
    "post_attendance_corrections": "考勤更正", "settings": "设置", "medical_settlements": "医疗结算",
    "medical_disease_types": "病种", "medical_chronic_cards": "慢性病卡",
    "medical_doctor_signings": "家庭医生签约", "medical_follow_ups": "随访",
    "archive_years": "档案年度", "archive_items": "档案件", "archive_boxes": "档案盒", "users": "用户",
    "problems": "问题清单", "problem_events": "整改记录", "evidence_files": "佐证材料",
    "surveys": "入户排查", "survey_answers": "排查答案", "survey_templates": "排查表模板",
}
# 15–19 digits with an optional final X: ID numbers and bank cards; 11-digit mobile numbers.
_NUMBER = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{5,9}([0-9]{3}[0-9Xx])(?![0-9])")
_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_numbers(text: str) -> str:
    text = _NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    user: str
    action: str
    entity: str
    entity_label: str
    entity_id: str
    summary: str

    def to_json(self) -> dict:
        return {"at": self.at.isoformat(timespec="seconds"), "user": self.user, "action": self.action,
                "entity": self.entity, "entity_label": self.entity_label,
                "entity_id": self.entity_id, "summary": self.summary}


# keys of the summaries that bulk imports write (audit_events.record_bulk)
_BULK_KEYS = {"action": "操作", "rows": "行数", "file": "文件", "income_year": "收入年度",
              "month": "月份", "count": "条数", "year": "年度", "source": "来源"}
_BULK_VALUES = {"import-insert": "导入新增", "import-update": "导入更新", "import": "导入", "demo": "示例数据"}


def _summary(row: AuditLog) -> str:
    ch = row.changes or {}
    if "summary" in ch and len(ch) == 1:
        text = str(ch["summary"])
    elif row.action == "bulk":
        text = "；".join(f"{_BULK_KEYS.get(k, k)}：{_BULK_VALUES.get(v, v) if isinstance(v, str) else v}"
                        for k, v in list(ch.items())[:6])
    else:
        parts = []
        for key, pair in list(ch.items())[:6]:
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            name = label(key)  # the field as the clerk sees it: 工资性收入, not wage_income
            parts.append(f"{name}：{'' if old is None else old} → {'' if new is None else new}"
                         if row.action == "update" else f"{name}={new if new is not None else old}")
        more = f" 等 {len(ch)} 项" if len(ch) > 6 else ""
        text = "，".join(parts) + more
    key = f"{row.record_key}：" if row.record_key and row.record_key != row.record_id else ""
    text = key + text
    if row.reason:
        text += f"（原因：{row.reason}）"
    return text[:500]


def list_entries(db, *, user: str | None = None, since: dt.date | None = None,
                 limit: int | None = 200, record: str | None = None,
                 entity: str | None = None) -> list[AuditEntry]:
    """Newest first. ``record`` matches the record id or its key (户编号 …)."""
    stmt = select(AuditLog).order_by(AuditLog.ts.desc(), AuditLog.id.desc())
    if user:
        stmt = stmt.where(AuditLog.user == user)
    if since:
        stmt = stmt.where(AuditLog.ts >= dt.datetime.combine(since, dt.time()))
    if entity:
        stmt = stmt.where(AuditLog.table_name == entity)
    if record:
        stmt = stmt.where(or_(AuditLog.record_id == record, AuditLog.record_key == record))
    if limit:
        stmt = stmt.limit(limit)
    with db.read() as s:
        masked = must_mask(s)
        out = []
        for r in s.scalars(stmt):
            summary, rid = _summary(r), r.record_id
            if masked:
                summary, rid = mask_numbers(summary), mask_numbers(rid)
            out.append(AuditEntry(r.id, r.ts, r.user, ACTIONS.get(r.action, r.action), r.table_name,
                                  ENTITIES.get(r.table_name, r.table_name), rid, summary))
        return out
