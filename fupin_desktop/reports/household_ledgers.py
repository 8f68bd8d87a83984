"""Household ledgers (台账): 户信息, 家庭成员, 监测对象, 帮扶措施, 走访记录 — the columns and the
PDF of a :class:`LedgerData` that services/households/ledger_data.py filled.

This module never queries: the rows arrive as plain values (str, int, Decimal, date, None), in
printed order, with the totals row already summed. The PDF goes through the fast ledger engine
(reports/ledger.py); the same data as an Excel sheet is exporters/household_ledgers.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

KINDS = {
    "households": "户信息台账",
    "members": "家庭成员信息台账",
    "monitoring": "防止返贫监测对象台账",
    "measures": "帮扶措施台账",
    "visits": "走访记录台账",
}


@dataclass(frozen=True)
class LCol:
    """A ledger column: ``kind`` decides alignment, font and the Excel cell type."""

    key: str
    title: str
    weight: float = 1.0
    kind: str = "text"  # text | code | money | int | date | center


@dataclass
class LedgerData:
    title: str
    subtitle: str
    columns: list[LCol]
    rows: list[tuple]  # raw values: str, int, Decimal, date, None
    totals: tuple | None = None
    unit: str = ""  # 编制单位
    date_text: str = ""  # the print date, as printed
    sheet_name: str = ""  # the Excel sheet's name (KINDS)


def money_text(v) -> str:
    """12,345.60 — two decimals, thousands separators (DESIGN.md §7)."""
    return "" if v is None else f"{v:,.2f}"


def _fmt(v, kind: str) -> str:
    if v is None:
        return ""
    if kind == "money" and not isinstance(v, str):
        return f"{v:,.2f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return v if isinstance(v, str) else str(v)


# ---- columns of each kind (the rows' tuples follow them) -------------------------------------

def household_columns(year: int) -> list[LCol]:
    return [LCol("no", "序号", 0.5, "int"), LCol("village", "行政村", 1.0),
            LCol("code", "户编号", 1.6, "code"), LCol("head", "户主", 0.8),
            LCol("head_id", "户主证件号码", 1.9, "code"), LCol("size", "人数", 0.5, "int"),
            LCol("type", "户类型", 0.8, "center"), LCol("mon", "监测对象类别", 1.1, "center"),
            LCol("risk", "致贫返贫风险", 1.3), LCol("elim", "风险是否消除", 0.7, "center"),
            LCol("net", f"{year}年纯收入（元）", 1.1, "money"),
            LCol("pc", f"{year}年人均纯收入（元）", 1.1, "money"),
            LCol("phone", "联系电话", 1.2, "code"), LCol("helper", "帮扶责任人", 0.8)]


MEMBER_COLUMNS = [
    LCol("no", "序号", 0.5, "int"), LCol("village", "行政村", 1.0),
    LCol("code", "户编号", 1.6, "code"), LCol("name", "姓名", 0.8),
    LCol("sex", "性别", 0.4, "center"), LCol("id", "证件号码", 1.9, "code"),
    LCol("birth", "出生日期", 0.9, "date"), LCol("rel", "与户主关系", 0.8, "center"),
    LCol("eth", "民族", 0.6, "center"), LCol("edu", "文化程度", 0.9),
    LCol("health", "健康状况", 1.0), LCol("skill", "劳动技能", 1.1),
    LCol("months", "务工时间（月）", 0.6, "int"), LCol("status", "状态", 0.7, "center"),
    LCol("phone", "联系电话", 1.2, "code")]


def monitoring_columns(year: int) -> list[LCol]:
    return [LCol("no", "序号", 0.5, "int"), LCol("village", "行政村", 1.0),
            LCol("code", "户编号", 1.6, "code"), LCol("head", "户主", 0.8),
            LCol("head_id", "户主证件号码", 1.9, "code"), LCol("size", "人数", 0.5, "int"),
            LCol("cat", "监测对象类别", 1.1, "center"), LCol("date", "识别监测时间", 0.9, "date"),
            LCol("risk", "致贫返贫风险", 1.3), LCol("elim", "风险是否消除", 1.2),
            LCol("net", f"{year}年纯收入（元）", 1.1, "money"),
            LCol("pc", f"{year}年人均纯收入（元）", 1.1, "money"),
            LCol("below", "是否低于监测范围", 0.7, "center"),
            LCol("measures", "帮扶措施", 2.2), LCol("helper", "帮扶责任人", 0.8)]


MEASURE_COLUMNS = [
    LCol("no", "序号", 0.5, "int"), LCol("village", "行政村", 1.0),
    LCol("code", "户编号", 1.6, "code"), LCol("head", "户主", 0.8),
    LCol("who", "受益成员", 0.8), LCol("cat", "措施类别", 1.1, "center"),
    LCol("date", "实施日期", 0.9, "date"), LCol("content", "措施内容", 3.2),
    LCol("amount", "金额（元）", 1.0, "money"), LCol("resp", "责任人", 0.8)]

VISIT_COLUMNS = [
    LCol("no", "序号", 0.5, "int"), LCol("village", "行政村", 1.0),
    LCol("code", "户编号", 1.6, "code"), LCol("head", "户主", 0.8),
    LCol("date", "走访日期", 0.9, "date"), LCol("visitor", "走访人", 0.8),
    LCol("findings", "走访发现情况", 3.5), LCol("follow", "后续跟进", 2.5)]


# ---- PDF -------------------------------------------------------------------------------------

def _pdf_column(c: LCol):
    from .ledger import Column

    if c.kind == "code":
        return Column(c.key, c.title, c.weight, "left", wrap=False, mono=True)
    if c.kind in ("money", "int"):
        return Column(c.key, c.title, c.weight, "right", wrap=False)
    if c.kind == "date":
        return Column(c.key, c.title, c.weight, "center", wrap=False)
    return Column(c.key, c.title, c.weight, "center" if c.kind == "center" else "left")


def render_ledger_pdf(data: LedgerData, out,
                      progress: Callable[[int, int, str], None] | None = None) -> int:
    """Write ``data`` as a PDF to ``out``; returns the page count. ``progress(done, total,
    text)`` may raise ``Cancelled``; the output file is then not created.

    ``data.rows`` is turned into the printed text in place: a county's members ledger would
    otherwise hold its 150,000 rows twice, as values and as text."""
    from .ledger import LedgerSpec, layout_ledger, render_ledger

    kinds = [c.kind for c in data.columns]
    rows = data.rows
    dates: dict = {}  # a date's text made once: 150,000 birth dates have ~20,000 values
    for i, r in enumerate(rows):
        out_row = []
        for v, k in zip(r, kinds):
            if type(v) is dt.date:
                t = dates.get(v)
                v = dates[v] = t if t is not None else v.isoformat()
            elif type(v) is not str:
                v = _fmt(v, k)
            out_row.append(v)
        rows[i] = tuple(out_row)
    totals = tuple(_fmt(v, k) for v, k in zip(data.totals, kinds)) if data.totals else None
    spec = LedgerSpec(title=data.title, columns=[_pdf_column(c) for c in data.columns],
                      rows=rows, unit=data.unit, date_text=data.date_text,
                      subtitle=data.subtitle, totals=totals)
    if not progress:
        return render_ledger(spec, out)
    lay = layout_ledger(spec)
    progress(0, lay.page_count, f"正在生成台账，共 {lay.page_count} 页")

    def report(done, total):
        if done < total:  # the engine's last call comes after the file is complete
            progress(done, total, f"正在生成第 {done} 页，共 {total} 页")

    return render_ledger(spec, out, progress=report, layout=lay)
