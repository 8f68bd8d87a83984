"""疑点检查报告 (A4 PDF, printable twin of the Excel report of `fupin check --out`): a summary
line per rule that found something, then every finding grouped by rule and sorted by village
and household, with the 制表人 / 审核人 signature line of every ledger. Plain data in, no DB."""

from __future__ import annotations

import datetime as dt

from .medical_render import MCol, MedicalLedger, render

COLUMNS = [
    MCol("no", "序号", 0.45, "int"), MCol("code", "规则", 0.5, "tag"), MCol("name", "规则名称", 2.0),
    MCol("severity", "性质", 0.45, "tag"), MCol("village", "行政村", 0.8),
    MCol("household", "户编号", 1.4, "code"), MCol("head", "户主", 0.6),
    MCol("member", "成员证件号码", 1.4, "code"), MCol("detail", "疑点说明", 2.6),
    MCol("exempted", "已豁免", 0.5, "tag"),
]


def check_report(result, unit: str = "") -> MedicalLedger:
    counts, ex = result.counts(), result.counts(exempted=True)
    rows, n = [], 0
    for r in result.rules:
        found = sorted((f for f in result.findings if f.code == r.code), key=lambda f: (f.village, f.household))
        for f in found:
            n += 1
            rows.append((n, r.code, r.name, r.severity, f.village, f.household, f.head, f.member or "",
                         f.detail, "是" if f.exempted else ""))
    by_severity: dict[str, int] = {}
    for r in result.rules:
        by_severity[r.severity] = by_severity.get(r.severity, 0) + counts[r.code]
    summary = "；".join(f"{r.code}{r.name}{counts[r.code]}条" + (f"（另豁免{ex[r.code]}条）" if ex[r.code] else "")
                       for r in result.rules if counts[r.code] or ex[r.code])
    subtitle = (f"检查日期：{result.as_of:%Y-%m-%d}　收入年度：{result.year}　户数：{result.households}　"
                f"人数：{result.members}　疑点{sum(counts.values())}条（"
                + "，".join(f"{k}{v}" for k, v in by_severity.items()) + f"），已豁免{sum(ex.values())}条"
                + (f"　{summary}" if summary else "　未发现疑点"))
    totals = ("合计", "", f"共{len(rows)}条", "", "", "", "", "", f"未豁免{sum(counts.values())}条",
              f"{sum(ex.values())}")
    return MedicalLedger("数据疑点检查报告", subtitle, COLUMNS, rows, totals, sheet_name="疑点检查")


def render_check_report(result, out, *, unit: str = "", today: dt.date | None = None) -> int:
    """Write the report as PDF to ``out``; returns the pages written."""
    return render(check_report(result, unit), out, unit=unit, today=today)
