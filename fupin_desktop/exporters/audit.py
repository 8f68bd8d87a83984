"""The audit log as an Excel sheet (审计日志 page → 导出). Entries arrive already masked for
readers who may not see full numbers (services.users.audit_log does that)."""

from __future__ import annotations

from ..formats.table_xlsx import XlsxColumn, write_table_xlsx


def export_audit(path, entries) -> int:
    cols = [XlsxColumn("时间", "text", 20), XlsxColumn("用户", "text", 12), XlsxColumn("操作", "text", 12),
            XlsxColumn("记录类型", "text", 12), XlsxColumn("记录", "code", 20),
            XlsxColumn("内容", "text", 80)]
    rows = ((e.at.strftime("%Y-%m-%d %H:%M:%S"), e.user, e.action, e.entity_label, e.entity_id, e.summary)
            for e in entries)
    return write_table_xlsx(path, cols, rows, title="审计日志", sheet_name="审计日志")
