"""`fupin export medical`: one row per settlement, with 结算单据号 and the computed 个人自付
(services/medical/export.py loads them; this module writes them).

Column titles are ones the medical importer recognises, so an unmasked export re-imports without
change (idempotent by 结算单据号). ID numbers are text cells; ``masked`` prints them as
522729********6165 for public lists (公示).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from ..formats.table_xlsx import XlsxColumn, write_table_xlsx

COLUMNS = (
    XlsxColumn("序号", "int", 6), XlsxColumn("行政村", "text", 12),
    XlsxColumn("户编号", "code", 20), XlsxColumn("姓名", "text", 9),
    XlsxColumn("证件号码", "code", 21), XlsxColumn("医疗机构名称", "text", 22),
    XlsxColumn("医院等级", "text", 9), XlsxColumn("医疗类别", "text", 11),
    XlsxColumn("入院日期", "date", 11), XlsxColumn("出院日期", "date", 11),
    XlsxColumn("结算日期", "date", 11), XlsxColumn("结算单据号", "code", 18),
    XlsxColumn("诊断名称", "text", 16), XlsxColumn("总费用", "money", 13),
    XlsxColumn("政策范围内费用", "money", 14), XlsxColumn("基本医保统筹", "money", 13),
    XlsxColumn("大病保险", "money", 12), XlsxColumn("医疗救助", "money", 12),
    XlsxColumn("其他保障", "money", 12), XlsxColumn("其他保障类型", "text", 12),
    XlsxColumn("个人自付", "money", 13), XlsxColumn("政策范围内报销比例", "ratio", 12),
    XlsxColumn("低于目标比例", "text", 8), XlsxColumn("先诊疗后付费", "text", 8),
    XlsxColumn("一站式结算", "text", 8), XlsxColumn("备注", "text", 20),
    XlsxColumn("人员已删除", "text", 8),  # member/household deleted since (the money was paid)
)


def _yes(v: bool) -> str:
    return "是" if v else "否"


def write_medical(out: str | os.PathLike, rows: Sequence, totals, mask_id: Callable, *,
                  title: str = "医疗救助结算明细", info: str = "") -> int:
    """Write ``rows`` (settlement rows as services.medical.settlements lists them) and their
    ``totals`` (its summary) to ``out``; ``mask_id`` masks the ID numbers (identity when not
    masked). Returns the number of rows."""
    data = (
        (i, r.village_name, r.household_code, r.member_name, mask_id(r.id_number), r.hospital_name, r.hospital_level,
         r.care_type, r.admission_date, r.discharge_date, r.settlement_date, r.settlement_no,
         r.diagnosis, r.total_cost, r.policy_cost, r.basic_insurance, r.critical_insurance,
         r.medical_assistance, r.other_support, r.other_kind, r.self_paid,
         r.policy_ratio, "是" if r.below_target else None,
         _yes(r.pay_after_treatment), _yes(r.one_stop), r.note,
         "已删除" if r.person_deleted else None)
        for i, r in enumerate(rows, 1))
    t = totals
    sums = ("合计", None, None, f"{t.count}人次", None, None, None, None, None, None, None, None,
            None, t.total_cost, t.policy_cost, t.basic_insurance, t.critical_insurance,
            t.medical_assistance, t.other_support, None, t.self_paid,
            t.policy_ratio, None, None, None, None, None)
    return write_table_xlsx(out, COLUMNS, data, title=title, info=info,
                            sheet_name="医疗结算明细", totals=sums if rows else None)
