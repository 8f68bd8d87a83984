"""Inputs the 疑点 rules need that the register did not keep before (migration 0009):
义务教育阶段未上学原因, 职工基本医疗保险, per-member 享受低保/特困 and 风险消除后人均纯收入 —
read from the national export, kept, edited in the household form, exported, and read by the
rules (R13, R14, R15, R26, R28)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select

from fupin_desktop.models import Household, Member
from fupin_desktop.services.checks import run_check
from fupin_desktop.services.households.importing import import_households
from fupin_desktop.domain.idcard import check_char

AS_OF = dt.date(2025, 12, 31)


def idno(body17: str) -> str:
    return body17 + check_char(body17)


HEAD_A, KID_OK, KID_OUT = idno("52272919800101001"), idno("52272920150303003"), idno("52272920160404005")
HEAD_B = idno("52272919700505007")

HEADER = ["序号", "行政村", "户编号", "户类型", "监测对象类别", "识别监测时间", "致贫返贫风险1",
          "风险是否已消除", "风险消除方式", "风险消除时间", "风险消除后人均纯收入(元)", "综合保障", "享受低保",
          "姓名", "证件号码", "与户主关系", "民族", "在校生状况", "文化程度", "健康状况", "劳动技能",
          "是否参加城乡居民基本医疗保险", "是否参加职工基本医疗保险", "是否参加大病保险",
          "是否参加城乡居民基本养老保险", "义务教育阶段未上学原因"]
A = ["青石村", "H1", "一般农户", None, None, None, None, None, None, None, None]
B = ["青石村", "H2", "脱贫户", "边缘易致贫户", "2024-12-01", "因病", "是", "帮扶消除", "2025-06-01", "6000", None]
ROWS = [
    [1, *A, "是", "张三", HEAD_A, "户主", "汉族", None, "初中", "健康", "普通劳动力", "否", "是", "是", "是", None],
    [2, *A, "否", "张小", KID_OK, "之子", "汉族", None, None, "健康", "无劳动力", "是", "否", "是", "是", "因病休学"],
    [3, *A, "否", "张二", KID_OUT, "之子", "汉族", None, None, "健康", "无劳动力", "是", "否", "是", "是", None],
    [4, *B, "否", "李四", HEAD_B, "户主", "汉族", None, "小学", "健康", "普通劳动力", "是", "否", "是", "是", None],
]


def xlsx(path, rows=ROWS, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(["监测对象信息"])
    ws.append(["导出时间:2025-12-01 09:00:00"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def members(db) -> dict[str, Member]:
    with db.read() as s:
        return {m.id_number: m for m in s.scalars(select(Member))}


def found(db, code):
    return {(f.household, f.member) for f in run_check(db, AS_OF, 2025, {code}).findings}


def test_export_columns_are_imported_and_kept(any_db, tmp_path):
    import_households(any_db, xlsx(tmp_path / "a.xlsx"))
    ms = members(any_db)
    assert ms[KID_OK].out_of_school_reason == "因病休学" and ms[KID_OUT].out_of_school_reason is None
    assert ms[HEAD_A].employee_medical_insurance is True and ms[HEAD_A].basic_medical_insurance is False
    assert (ms[HEAD_A].low_income_support, ms[KID_OK].low_income_support) == (True, False)
    with any_db.read() as s:
        hh = {h.code: h for h in s.scalars(select(Household))}
    assert hh["H1"].low_income_support is True  # a member enjoys it: so does the household
    assert hh["H2"].elimination_per_capita == Decimal("6000.00")
    # a later export without these columns leaves them alone
    cut = [HEADER.index(h) for h in ("风险消除后人均纯收入(元)", "享受低保", "是否参加职工基本医疗保险",
                                     "义务教育阶段未上学原因")]
    keep = [i for i in range(len(HEADER)) if i not in cut]
    import_households(any_db, xlsx(tmp_path / "b.xlsx", [[r[i] for i in keep] for r in ROWS],
                                   [HEADER[i] for i in keep]))
    ms = members(any_db)
    assert ms[KID_OK].out_of_school_reason == "因病休学" and ms[HEAD_A].employee_medical_insurance is True
    assert ms[HEAD_A].low_income_support is True


def test_rules_read_the_new_inputs(any_db, tmp_path):
    from fupin_desktop.domain.masking import mask_id

    import_households(any_db, xlsx(tmp_path / "a.xlsx"))
    # R13/R14: the child with a 未上学原因 is not flagged, the one without is
    assert found(any_db, "R13") == {("H1", mask_id(KID_OUT))}
    assert ("H1", mask_id(KID_OUT)) in found(any_db, "R14") and ("H1", mask_id(KID_OK)) not in found(any_db, "R14")
    # R15: 职工医保 only is insured
    assert not {m for _, m in found(any_db, "R15")} & {mask_id(HEAD_A), mask_id(HEAD_B)}
    # R28: 张三 enjoys 低保 (his own row), the household has no 综合保障
    assert found(any_db, "R28") == {("H1", None)}
    # R26: 帮扶消除 with 风险消除后人均纯收入 6000 < 7800 (2025's threshold)
    assert ("H2", None) in found(any_db, "R26")


def test_household_form_keeps_the_new_fields(any_db, tmp_path):
    from fupin_desktop.services.households import edit as households

    import_households(any_db, xlsx(tmp_path / "a.xlsx"))
    with any_db.read() as s:
        hid = s.scalar(select(Household.id).where(Household.code == "H1"))
    form = households.load_household(any_db, hid)
    kid = next(m for m in form.members if m.id_number == KID_OUT)
    assert kid.out_of_school_reason is None
    households.update_member(any_db, dataclasses.replace(kid, out_of_school_reason="随班就读以外的送教上门",
                                                         extreme_poverty_support=True))
    households.save_household(any_db, dataclasses.replace(households.load_household(any_db, hid),
                                                          elimination_per_capita=Decimal("8100.50")))
    form = households.load_household(any_db, hid)
    kid = next(m for m in form.members if m.id_number == KID_OUT)
    assert kid.out_of_school_reason == "随班就读以外的送教上门" and kid.extreme_poverty_support is True
    assert form.elimination_per_capita == Decimal("8100.50")
    assert not found(any_db, "R13")


def test_members_export_round_trips_the_new_fields(any_db, tmp_path):
    from openpyxl import load_workbook

    from fupin_desktop.services.households.export import export_members

    import_households(any_db, xlsx(tmp_path / "a.xlsx"))
    out = tmp_path / "m.xlsx"
    export_members(any_db, out)
    ws = load_workbook(out).active
    header = [c.value for c in ws[3]]
    assert {"义务教育阶段未上学原因", "是否参加职工基本医疗保险", "风险消除后人均纯收入(元)", "享受低保"} <= set(header)
    rows = {r[header.index("证件号码")]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert rows[KID_OK][header.index("义务教育阶段未上学原因")] == "因病休学"
    assert rows[HEAD_A][header.index("享受低保")] == "是" and rows[KID_OK][header.index("享受低保")] == "否"
    with any_db.write() as s:
        for m in s.scalars(select(Member)):
            m.out_of_school_reason = None
    import_households(any_db, out)
    assert members(any_db)[KID_OK].out_of_school_reason == "因病休学"
