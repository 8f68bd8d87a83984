"""The household file (一户一档): everything the office knows about one household, as a PDF.

Cover, 基本情况, 家庭成员, 收入测算, 风险与监测, 帮扶措施, 走访记录, then the sections other
modules contribute (公益性岗位, 医疗救助 …) through ``HOUSEHOLD_FILE_SECTIONS``. It is an internal
file: ID, bank and phone numbers are printed in full (never use it as a 公示 list), except
for an auditor, whose copy masks them like every other output (issue 13).

With ``year`` it shows the household as it stood on 31 December of that year (or on the print
date while the year runs): members' status that day, incomes up to that year, measures and
visits up to that day, 监测 and 风险消除 as they were (services/asof.py); the sections of other
modules get the same ``as_of``.

``render_household_files`` prints a batch (the tab's selection) into one PDF or one file per
household; every household keeps its own cover and “第 X 页 共 Y 页”.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..domain.asof import NORMAL
from ..errors import InputError
from ..paths import write_atomic
from ..models import MEASURE_CATEGORIES, Household, Measure, Member, Visit
from ..services import asof as asof_q
from ..services import settings
from ..services.household_ledger_data import as_of_date
from .household_ledgers import money_text

# "module:function" of each extra section, fn(session, household_id, as_of=None)
# -> [(title, columns, rows)].
# A module not installed (yet) is skipped; any other error is a bug and propagates.
HOUSEHOLD_FILE_SECTIONS = (
    "fupin_desktop.services.posts_household_data:household_posts_section",
    "fupin_desktop.services.medical_household_data:household_medical_section",
)
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


def extra_sections() -> list[Callable]:
    out = []
    for spec in HOUSEHOLD_FILE_SECTIONS:
        mod_name, fn_name = spec.split(":")
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as exc:
            if exc.name != mod_name:
                raise
            continue
        out.append(getattr(mod, fn_name))
    return out


def _accepts_as_of(fn) -> bool:
    import inspect

    return "as_of" in inspect.signature(fn).parameters


def find_household_id(session, household_id_or_code) -> int:
    """A household's id from its id (int) or 户编号 (str); InputError if there is none."""
    if isinstance(household_id_or_code, int):
        hid = session.scalar(select(Household.id).where(Household.id == household_id_or_code))
    else:
        code = "".join(str(household_id_or_code).split())
        hid = session.scalar(select(Household.id).where(Household.code == code))
    if hid is None:
        raise InputError(f"找不到户编号为“{household_id_or_code}”的农户，请核对户编号")
    return hid


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


@dataclass(frozen=True)
class _MemberLine:
    m: Member
    status: str
    status_date: dt.date | None

    def __getattr__(self, name):  # every other field as recorded
        return getattr(self.m, name)


def build_household_file(session, household_id: int, doc, today: dt.date | None = None,
                         year: int | None = None, title: str | None = None) -> str:
    """Add one household's file to ``doc`` (a DocumentBuilder); returns its 户编号.

    ``today`` is the date printed on it (the archive passes a fixed one: reproducible PDFs);
    ``year``: the household as it stood on that year's 31 December (see the module notes);
    ``title``: the cover's subtitle (the archive prints its catalogue 题名 there)."""
    today = today or dt.date.today()
    as_of = as_of_date(year, today)
    h = session.get(Household, household_id)
    rows = session.scalars(select(Member).where(Member.household_id == household_id,
                                                Member.deleted_at.is_(None))
                           .order_by(Member.id)).all()
    if as_of is None:
        members = [_MemberLine(m, m.status, m.status_date) for m in rows]
    else:
        states = asof_q.member_states_on(session, as_of, [m.id for m in rows])
        members = [_MemberLine(m, states[m.id].status, states[m.id].status_date) for m in rows
                   if m.birth_date is None or m.birth_date <= as_of]
    members = sorted(members, key=lambda m: m.relation != "户主")
    active = [m for m in members if m.status == NORMAL]
    head = next((m for m in members if m.relation == "户主" and m.status == NORMAL),
                next((m for m in members if m.relation == "户主"), None))
    hs = (asof_q.household_states_on(session, as_of, [household_id])[household_id]
          if as_of is not None else h)
    info = settings.township_info(session)
    thresholds = settings.monitoring_thresholds(session)
    mask_id, mask_bank, mask_phone = settings.output_maskers(session)
    village = h.village.name
    place = "".join(x for x in (h.county, h.township, village) if x)

    doc.cover("一户一档", [("户编号", h.code), ("户主", head.name if head else ""),
                         ("所在村", place), ("户类型", hs.household_type or ""),
                         ("监测类别", hs.monitoring_category or "未纳入监测"),
                         ("帮扶责任人", h.helper_name or "")],
              subtitle=title or (f"{village}{hs.household_type or '农户'}家庭档案"
                                 + (f"（{year}年度）" if year else "")),
              date_text=f"{today.year}年{today.month}月")
    n = 0

    def section(title):
        nonlocal n
        n += 1
        doc.section(f"{_num(n)}、{title}")

    section("基本情况")
    doc.kv([("户编号", h.code), ("户主", head.name if head else "（未指定）"),
            ("行政村", village), ("村民小组", h.group_name), ("住址", h.address, True),
            ("户类型", hs.household_type), ("脱贫年度", h.poverty_exit_year),
            ("家庭人口数", h.family_size), ("现有成员", f"{len(active)}人"),
            ("联系电话", mask_phone(h.phone)), ("开户银行", h.bank_name),
            ("银行账号", mask_bank(h.bank_account), True),
            ("不愁吃", _yn(h.food_secure)), ("不愁穿", _yn(h.clothing_secure)),
            ("义务教育有保障", _yn(h.education_secure)), ("基本医疗有保障", _yn(h.medical_secure)),
            ("住房安全有保障", _yn(h.housing_secure)), ("安全饮水", _yn(h.safe_water)),
            ("是否危房户", _yn(h.dangerous_house)), ("享受低保", _yn(h.low_income_support)),
            ("特困供养", _yn(h.extreme_poverty_support)), ("帮扶责任人", h.helper_name),
            ("帮扶单位", h.helper_unit), ("责任人电话", mask_phone(h.helper_phone)),
            ("备注", h.note, True)])

    section("家庭成员")
    doc.table(_cols(("no", "序号", 0.4, "center"), ("name", "姓名", 0.8, "text"),
                    ("rel", "与户主关系", 0.8, "center"), ("sex", "性别", 0.4, "center"),
                    ("birth", "出生日期", 0.9, "date"), ("id", "证件号码", 1.9, "code"),
                    ("eth", "民族", 0.5, "center"), ("status", "状态", 0.8, "center")),
              [[str(i), m.name, m.relation or "", m.sex or "", _d(m.birth_date), mask_id(m.id_number),
                m.ethnicity or "", m.status + (f"（{_d(m.status_date)}）" if m.status_date
                                               and m.status != "正常" else "")]
               for i, m in enumerate(members, 1)])
    doc.table(_cols(("name", "姓名", 0.7, "text"), ("edu", "文化程度", 0.8, "text"),
                    ("school", "在校生状况", 0.9, "text"), ("health", "健康状况", 1.0, "text"),
                    ("skill", "劳动技能", 1.0, "text"), ("work", "务工月数", 0.5, "center"),
                    ("ins", "参保情况", 1.1, "text"), ("phone", "联系电话", 1.1, "code")),
              [[m.name, m.education or "", m.school_status or "", m.health or "",
                m.labour_skill or "", "" if m.work_months is None else str(m.work_months),
                _insurance(m), mask_phone(m.phone) or ""] for m in members])

    section("收入测算")
    _income_section(doc, h, thresholds, year)

    section("风险与监测")
    risks = "、".join(r for r in (h.risk1, h.risk2, h.risk3, h.risk4, h.risk5) if r)
    doc.kv([("监测对象类别", hs.monitoring_category or "未纳入监测"),
            ("识别监测时间", _d(hs.monitoring_date)), ("致贫返贫风险", risks or "无", True),
            ("风险是否已消除", _yn(hs.risk_eliminated)), ("风险消除方式", hs.elimination_method),
            ("风险消除时间", _d(hs.elimination_date))])

    section("帮扶措施")
    flags = [cn for attr, cn in MEASURE_CATEGORIES if getattr(h, f"measure_{attr}")]
    doc.paragraph("已落实的帮扶措施类别：" + ("、".join(flags) if flags else "无") + "。")
    q = (select(Measure, Member.name).outerjoin(Member, Measure.member_id == Member.id)
         .where(Measure.household_id == household_id, Measure.deleted_at.is_(None))
         .order_by(Measure.date, Measure.id))
    if as_of is not None:
        q = q.where(Measure.date <= as_of)
    measures = session.execute(q).all()
    if measures:
        total = sum((m.amount for m, _ in measures if m.amount is not None), start=0)
        doc.table(_cols(("date", "日期", 0.9, "date"), ("cat", "类别", 1.0, "center"),
                        ("content", "措施内容", 3.0, "text"), ("who", "受益成员", 0.7, "text"),
                        ("amount", "金额（元）", 1.0, "money"), ("resp", "责任人", 0.7, "text")),
                  [[_d(m.date), m.category, m.content, who or "", money_text(m.amount),
                    m.responsible or ""] for m, who in measures],
                  totals=["合计", f"{len(measures)}项", "", "", money_text(total), ""])
    else:
        doc.paragraph("暂无帮扶措施记录。")

    section("走访记录")
    q = (select(Visit).where(Visit.household_id == household_id, Visit.deleted_at.is_(None))
         .order_by(Visit.date, Visit.id))
    if as_of is not None:
        q = q.where(Visit.date <= as_of)
    visits = session.scalars(q).all()
    if visits:
        doc.table(_cols(("date", "走访日期", 0.9, "date"), ("visitor", "走访人", 0.8, "text"),
                        ("findings", "走访情况", 3.0, "text"), ("follow", "后续跟进", 2.0, "text")),
                  [[_d(v.date), v.visitor, v.findings, v.follow_up or ""] for v in visits])
    else:
        doc.paragraph("暂无走访记录。")

    for fn in extra_sections():
        kw = {"as_of": as_of} if as_of is not None and _accepts_as_of(fn) else {}
        for title, columns, rows in fn(session, household_id, **kw):
            section(title)
            doc.table(columns, rows)

    doc.spacer(6)
    doc.kv([("户主签字", "\n\n"), ("帮扶责任人签字", ""), ("村委会盖章", "")], cols=3)
    doc.paragraph(f"建档单位：{info.unit}；打印日期：{today.isoformat()}", indent=False)
    return h.code


def _insurance(m) -> str:
    parts = [(m.basic_medical_insurance, "医保"), (m.critical_illness_insurance, "大病"),
             (m.pension_insurance, "养老")]
    return "、".join(f"{name}{'√' if v else '×'}" for v, name in parts if v is not None)


def _income_section(doc, h, thresholds, year: int | None = None) -> None:
    incomes = sorted((r for r in h.incomes if year is None or r.year <= year),
                     key=lambda r: r.year)[-MAX_INCOME_YEARS:]
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
        ("监测范围（人均）", lambda r: money_text(settings.threshold_for(thresholds, r.year))),
        ("是否低于监测范围", lambda r: _below(r, settings.threshold_for(thresholds, r.year))),
    ]
    from .ledger import Column

    cols = [Column("item", "项目（元）", 2.2)] + [
        Column(str(r.year), f"{r.year}年", 1.0, "right", wrap=False) for r in incomes]
    doc.table(cols, [[name] + [fn(r) for r in incomes] for name, fn in items])
    last = incomes[-1]
    limit = settings.threshold_for(thresholds, last.year)
    if last.per_capita_income is not None and limit is not None:
        word = "低于" if last.per_capita_income < limit else "不低于"
        doc.paragraph(f"{last.year}年该户人均纯收入{money_text(last.per_capita_income)}元，"
                      f"{word}当年监测范围{money_text(limit)}元。")


def _below(r, limit) -> str:
    if r.per_capita_income is None or limit is None:
        return ""
    return "是" if r.per_capita_income < limit else "否"


def _new_doc(session):
    from .document import DocumentBuilder

    info = settings.township_info(session)
    return DocumentBuilder("一户一档", unit=info.unit)


def _write_atomic(out, write: Callable[[str], int]) -> int:
    if not isinstance(out, (str, os.PathLike)):
        return write(out)
    return write_atomic(out, write, suffix=".pdf.part")


def render_household_file(db, household_id_or_code, out, today: dt.date | None = None,
                          year: int | None = None, title: str | None = None) -> int:
    """Write the 一户一档 of one household (id or 户编号) to ``out``; returns the page count.
    ``year``: as the household stood on that year's 31 December."""
    with db.read() as s:
        hid = find_household_id(s, household_id_or_code)
        doc = _new_doc(s)
        doc.header_text = f"一户一档　户编号：{build_household_file(s, hid, doc, today, year, title)}"
        return _write_atomic(out, doc.build)


@dataclass
class BatchResult:
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    households: int = 0


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "household"


def render_household_files(db, ids, out, progress=None, year: int | None = None) -> BatchResult:
    """Print several households: ``out`` ending in .pdf gets one PDF (each household with its
    own cover and page numbers), otherwise ``out`` is a folder receiving ``户编号_户主.pdf``
    files. ``progress(done, total, text)`` may raise ``Cancelled``: a single PDF is then not
    written (files already finished in a folder stay, they are complete)."""
    ids = list(ids)
    res = BatchResult()
    single = str(out).lower().endswith(".pdf")
    work = Path(tempfile.mkdtemp(prefix="fupin_hhfiles_")) if single else Path(out)
    work.mkdir(parents=True, exist_ok=True)
    parts: list[Path] = []
    try:
        for i, ref in enumerate(ids):
            with db.read() as s:
                hid = find_household_id(s, ref)
                h = s.get(Household, hid)
                head = s.scalar(select(Member.name).where(Member.household_id == hid,
                                                          Member.relation == "户主",
                                                          Member.deleted_at.is_(None))
                                   .order_by(Member.status != "正常", Member.id).limit(1))
                if progress:
                    progress(i, len(ids), f"正在生成 {h.code} {head or ''} 的一户一档")
                doc = _new_doc(s)
                doc.header_text = f"一户一档　户编号：{build_household_file(s, hid, doc, year=year)}"
                name = f"{i + 1:05d}.pdf" if single else _safe_name(f"{h.code}_{head or ''}") + ".pdf"
                path = work / name
                res.pages += _write_atomic(path, doc.build)
                parts.append(path)
                res.households += 1
        if progress:
            progress(len(ids), len(ids), "正在合并文件…" if single else "完成")
        if single:
            _write_atomic(out, lambda tmp: _merge(parts, tmp))
            res.files = [Path(out)]
        else:
            res.files = parts
    finally:
        if single:
            shutil.rmtree(work, ignore_errors=True)
    return res


def _merge(parts: list[Path], out) -> int:
    from pypdf import PdfWriter

    w = PdfWriter()
    for p in parts:
        w.append(str(p))
    with open(out, "wb") as f:
        w.write(f)
    return len(w.pages)
