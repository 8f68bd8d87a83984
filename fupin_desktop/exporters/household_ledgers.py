"""A household ledger (reports/household_ledgers.LedgerData, filled by
services/households/ledger_data.py) as one Excel sheet: the same columns, rows and totals as
its PDF, money as numbers and code columns as text (formats/table_xlsx.py)."""

from __future__ import annotations

from ..formats.table_xlsx import XlsxColumn, write_table_xlsx

# Excel widths (character units) by column kind
_WIDTH = {"code": 21, "money": 14, "int": 7, "date": 11, "center": 12, "text": 14}


def _width(c) -> float:
    if c.weight >= 2:  # long free text (措施内容, 走访发现情况)
        return 40
    return max(_WIDTH[c.kind], min(30, len(c.title) * 2 + 2))


def write_ledger_xlsx(data, path) -> int:
    """Write ``data`` (a LedgerData) to ``path``; returns the number of data rows."""
    cols = [XlsxColumn(c.title, "text" if c.kind == "center" else c.kind, _width(c))
            for c in data.columns]
    line = "　".join(x for x in (f"编制单位：{data.unit}" if data.unit else "", data.subtitle,
                                 f"日期：{data.date_text}") if x)
    return write_table_xlsx(path, cols, data.rows, title=data.title, info=line,
                            sheet_name=data.sheet_name, totals=data.totals)
