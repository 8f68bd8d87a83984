"""The household file (一户一档): everything the office knows about one household, as a PDF.

Cover, 基本情况, 家庭成员, 收入测算, 风险与监测, 帮扶措施, 走访记录, then the sections other
modules contribute (公益性岗位, 医疗救助 …). It is an internal file: ID, bank and phone numbers
are printed as services/households/file_data.py hands them over — in full, except for an
auditor (never use it as a 公示 list).

This module never queries: it renders a ``HouseholdFile`` (services/households/file_data.py),
the household as it stood on the day the data was taken for (``year``: that year's 31
December). A batch merges the files of several households with :func:`merge_pdfs`; every
household keeps its own cover and “第 X 页 共 Y 页”.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..domain.asof import NORMAL
from ..paths import write_atomic
from .household_ledgers import money_text

NUMERALS = "一二三四五六七八九十"
MAX_INCOME_YEARS = 5  # columns of the 收入测算 table (A4 portrait)


def _num(i: int) -> str:
    if i <= 10:
        return NUMERALS[i - 1]
    return ("十" if i < 20 else NUMERALS[i // 10 - 1] + "十") + (NUMERALS[i % 10 - 1] if i % 10 else "")


def _yn(v) -> str:
    return "" if v is None else ("是" if v else "否")


def _d(v) -> str:
    return v.isoformat() if v else ""


def _cols(*specs):
    from .ledger import Column

    out = []
    for key, title, weight, kind in specs:
        if kind == "money":
            out.append(Column(key, title, weight, "right", wrap=False))
        elif kind == "code":
            out.append(Column(key, title, weight, "left", wrap=False, mono=True))
        elif kind in ("center", "date"):
            out.append(Column(key, title, weight, "center", wrap=kind == "center"))
        else:
            out.append(Column(key, title, weight, "left"))
    return out


def build_household_file(f, doc, title: str | None = None) -> str:
    """Add the file ``f`` (a HouseholdFile) to ``doc`` (a DocumentBuilder); returns its 户编号.
    ``title``: the cover's subtitle (the archive prints its catalogue 题名 there)."""
    h, today, year = f.household, f.today, f.year
    village = h.village
    place = "".join(x for x in (h.county, h.township, village) if x)
    doc.cover("一户一档", [("户编号", h.code), ("户主", f.head or ""),
                         ("所在村", place), ("户类型", h.household_type or ""),
                         ("监测类别", h.monitoring_category or "未纳入监测"),
                         ("帮扶责任人", h.helper_name or "")],
              subtitle=title or (f"{village}{h.household_type or '农户'}家庭档案"
                                 + (f"（{year}年度）" if year else "")),
              date_text=f"{today.year}年{today.month}月")
    n = 0

    def section(title):
        nonlocal n
        n += 1
        doc.section(f"{_num(n)}、{title}")

    section("基本情况")
    active = [m for m in f.members if m.status == NORMAL]
    doc.kv([("户编号", h.code), ("户主", f.head or "（未指定）"),
            ("行政村", village), ("村民小组", h.group_name), ("住址", h.address, True),
            ("户类型", h.household_type), ("脱贫年度", h.poverty_exit_year),
            ("家庭人口数", h.family_size), ("现有成员", f"{len(active)}人"),
            ("联系电话", h.phone), ("开户银行", h.bank_name),
            ("银行账号", h.bank_account, True),
            ("不愁吃", _yn(h.food_secure)), ("不愁穿", _yn(h.clothing_secure)),
            ("义务教育有保障", _yn(h.education_secure)), ("基本医疗有保障", _yn(h.medical_secure)),
            ("住房安全有保障", _yn(h.housing_secure)), ("安全饮水", _yn(h.safe_water)),
            ("是否危房户", _yn(h.dangerous_house)), ("享受低保", _yn(h.low_income_support)),
            ("特困供养", _yn(h.extreme_poverty_support)), ("帮扶责任人", h.helper_name),
            ("帮扶单位", h.helper_unit), ("责任人电话", h.helper_phone),
            ("备注", h.note, True)])

    section("家庭成员")
    _members_tables(doc, f.members)

    section("收入测算")
    _income_section(doc, f.incomes)

    section("风险与监测")
    risks = "、".join(r for r in h.risks if r)
    doc.kv([("监测对象类别", h.monitoring_category or "未纳入监测"),
            ("识别监测时间", _d(h.monitoring_date)), ("致贫返贫风险", risks or "无", True),
            ("风险是否已消除", _yn(h.risk_eliminated)), ("风险消除方式", h.elimination_method),
            ("风险消除时间", _d(h.elimination_date))])

    section("帮扶措施")
    flags = h.measure_flags
    doc.paragraph("已落实的帮扶措施类别：" + ("、".join(flags) if flags else "无") + "。")
    _measures_table(doc, f.measures)

    section("走访记录")
    if f.visits:
        doc.table(_cols(("date", "走访日期", 0.9, "date"), ("visitor", "走访人", 0.8, "text"),
                        ("findings", "走访情况", 3.0, "text"), ("follow", "后续跟进", 2.0, "text")),
                  [[_d(date), visitor, findings, follow or ""]
                   for date, visitor, findings, follow in f.visits])
    else:
        doc.paragraph("暂无走访记录。")

    for title, columns, rows in f.sections:
        section(title)
        doc.table(columns, rows)

    doc.spacer(6)
    doc.kv([("户主签字", "\n\n"), ("帮扶责任人签字", ""), ("村委会盖章", "")], cols=3)
    doc.paragraph(f"建档单位：{f.unit}；打印日期：{today.isoformat()}", indent=False)
    return h.code


def _members_tables(doc, members) -> None:
    doc.table(_cols(("no", "序号", 0.4, "center"), ("name", "姓名", 0.8, "text"),
                    ("rel", "与户主关系", 0.8, "center"), ("sex", "性别", 0.4, "center"),
                    ("birth", "出生日期", 0.9, "date"), ("id", "证件号码", 1.9, "code"),
                    ("eth", "民族", 0.5, "center"), ("status", "状态", 0.8, "center")),
              [[str(i), m.name, m.relation or "", m.sex or "", _d(m.birth_date), m.id_number,
                m.ethnicity or "", m.status + (f"（{_d(m.status_date)}）" if m.status_date
                                               and m.status != "正常" else "")]
               for i, m in enumerate(members, 1)])
    doc.table(_cols(("name", "姓名", 0.7, "text"), ("edu", "文化程度", 0.8, "text"),
                    ("school", "在校生状况", 0.9, "text"), ("health", "健康状况", 1.0, "text"),
                    ("skill", "劳动技能", 1.0, "text"), ("work", "务工月数", 0.5, "center"),
                    ("ins", "参保情况", 1.1, "text"), ("phone", "联系电话", 1.1, "code")),
              [[m.name, m.education or "", m.school_status or "", m.health or "",
                m.labour_skill or "", "" if m.work_months is None else str(m.work_months),
                _insurance(m), m.phone or ""] for m in members])


def _measures_table(doc, measures) -> None:
    if not measures:
        doc.paragraph("暂无帮扶措施记录。")
        return
    total = sum((m[4] for m in measures if m[4] is not None), start=0)
    doc.table(_cols(("date", "日期", 0.9, "date"), ("cat", "类别", 1.0, "center"),
                    ("content", "措施内容", 3.0, "text"), ("who", "受益成员", 0.7, "text"),
                    ("amount", "金额（元）", 1.0, "money"), ("resp", "责任人", 0.7, "text")),
              [[_d(date), cat, content, who or "", money_text(amount), resp or ""]
               for date, cat, content, who, amount, resp in measures],
              totals=["合计", f"{len(measures)}项", "", "", money_text(total), ""])


def _insurance(m) -> str:
    parts = [(m.basic_medical_insurance, "医保"), (m.critical_illness_insurance, "大病"),
             (m.pension_insurance, "养老")]
    return "、".join(f"{name}{'√' if v else '×'}" for v, name in parts if v is not None)


def _income_section(doc, incomes) -> None:
    if not incomes:
        doc.paragraph("暂无收入数据。")
        return
    items = [
        ("计算人数（人）", lambda r: "" if r.persons is None else str(r.persons)),
        ("① 工资性收入", lambda r: money_text(r.wage_income)),
        ("② 生产经营性收入", lambda r: money_text(r.business_income)),
        ("③ 财产性收入", lambda r: money_text(r.property_income)),
        ("④ 转移性收入", lambda r: money_text(r.transfer_income)),
        ("⑤ 生产经营性支出", lambda r: money_text(r.business_expense)),
        ("纯收入（①+②+③+④−⑤）", lambda r: money_text(r.net_income)),
        ("人均纯收入", lambda r: money_text(r.per_capita_income)),
        ("申报人均纯收入", lambda r: money_text(r.declared_per_capita)),
        ("合规自付支出", lambda r: money_text(r.compliant_self_paid)),
        ("监测范围（人均）", lambda r: money_text(r.threshold)),
        ("是否低于监测范围", _below),
    ]
    from .ledger import Column

    cols = [Column("item", "项目（元）", 2.2)] + [
        Column(str(r.year), f"{r.year}年", 1.0, "right", wrap=False) for r in incomes]
    doc.table(cols, [[name] + [fn(r) for r in incomes] for name, fn in items])
    last = incomes[-1]
    if last.per_capita_income is not None and last.threshold is not None:
        word = "低于" if last.per_capita_income < last.threshold else "不低于"
        doc.paragraph(f"{last.year}年该户人均纯收入{money_text(last.per_capita_income)}元，"
                      f"{word}当年监测范围{money_text(last.threshold)}元。")


def _below(r) -> str:
    if r.per_capita_income is None or r.threshold is None:
        return ""
    return "是" if r.per_capita_income < r.threshold else "否"


def new_document(unit: str):
    from .document import DocumentBuilder

    return DocumentBuilder("一户一档", unit=unit)


def _write_atomic(out, write: Callable[[str], int]) -> int:
    if not isinstance(out, (str, os.PathLike)):
        return write(out)
    return write_atomic(out, write, suffix=".pdf.part")


def render_household_file(f, out, title: str | None = None) -> int:
    """Write the 一户一档 ``f`` (a HouseholdFile) to ``out``; returns the page count."""
    doc = new_document(f.unit)
    doc.header_text = f"一户一档　户编号：{build_household_file(f, doc, title)}"
    return _write_atomic(out, doc.build)


def merge_pdfs(parts: list[Path], out) -> int:
    """Write the PDFs ``parts`` one after another to ``out`` (atomically); returns pages."""
    return _write_atomic(out, lambda tmp: _merge(parts, tmp))


def _merge(parts: list[Path], out) -> int:
    from pypdf import PdfWriter

    w = PdfWriter()
    for p in parts:
        w.append(str(p))
    with open(out, "wb") as f:
        w.write(f)
    return len(w.pages)
