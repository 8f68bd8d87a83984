"""Excel exports of the registry: `fupin export households|members OUT.xlsx [--masked]`.
services/household_export.py loads the rows; this module only writes them.

Both use the national monitoring export's header names, title row 1, note row 2 and header
row 3, so the household import reads them back: ``members`` is one row per current member with
the household columns repeated; ``households`` is the backup: the same sheet with every member
(人员状态 死亡/迁出… included) first, then a sheet of one row per household with its 户主, and
the 各年度收入 sheet (every year's income).
Columns the national export lacks (村民小组, 脱贫年度, 家庭住址, 人员状态, 户备注 …) are read by
our importer, so the backup restores every household and member field; only 收入年度 is
informational (the income of one year is exported, --year chooses which).

ID, bank and phone numbers are text cells; ``masked`` (公示) replaces them per the masking
setting — a masked file is for posting, not for importing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..domain.backup_layout import COLUMNS as INCOME_COLUMNS, SHEET_NAME as INCOME_SHEET
from ..domain.household_vocab import MEASURE_CATEGORIES
from .table_xlsx import XlsxColumn as C, XlsxTable, write_tables_xlsx


def _yes(v) -> str | None:
    return None if v is None else ("是" if v else "否")


def _mark(v) -> str | None:  # measure columns: 是 or empty, as the national export writes them
    return "是" if v else None


# (column, value getter over a joined row `r` and the masking functions `mk`)
Getter = Callable[[object, dict], object]
_HOUSEHOLD_HEAD: list[tuple[C, Getter]] = [
    (C("县", "text", 10), lambda r, mk: r.county),
    (C("乡(镇)", "text", 10), lambda r, mk: r.township),
    (C("行政村", "text", 10), lambda r, mk: r.village_name),
    (C("村民小组", "text", 8), lambda r, mk: r.group_name),
    (C("户编号", "code", 19), lambda r, mk: r.code),
    (C("户类型", "text", 9), lambda r, mk: r.household_type),
    (C("脱贫年度", "int", 8), lambda r, mk: r.poverty_exit_year),
    (C("监测对象类别", "text", 13), lambda r, mk: r.monitoring_category),
    (C("识别监测时间", "date", 11), lambda r, mk: r.monitoring_date),
    *[(C(f"致贫返贫风险{i}", "text", 12), lambda r, mk, i=i: getattr(r, f"risk{i}"))
      for i in range(1, 6)],
    (C("风险是否已消除", "text", 8), lambda r, mk: _yes(r.risk_eliminated)),
    (C("风险消除方式", "text", 9), lambda r, mk: r.elimination_method),
    (C("风险消除时间", "date", 11), lambda r, mk: r.elimination_date),
    (C("风险消除后人均纯收入(元)", "money", 12), lambda r, mk: r.elimination_per_capita),
    (C("家庭人口数", "int", 7), lambda r, mk: r.family_size),
]
_HOUSEHOLD_TAIL: list[tuple[C, Getter]] = [
    (C("收入年度", "int", 7), lambda r, mk: r.income_year),
    (C("人均纯收入(元)", "money", 12), lambda r, mk: r.per_capita_income),
    (C("家庭纯收入(元)", "money", 12), lambda r, mk: r.net_income),
    (C("工资性收入(元)", "money", 12), lambda r, mk: r.wage_income),
    (C("生产经营性收入(元)", "money", 12), lambda r, mk: r.business_income),
    (C("财产性收入(元)", "money", 11), lambda r, mk: r.property_income),
    (C("转移性收入(元)", "money", 11), lambda r, mk: r.transfer_income),
    (C("生产经营性支出(元)", "money", 12), lambda r, mk: r.business_expense),
    (C("合规自付支出(元)", "money", 12), lambda r, mk: r.compliant_self_paid),
    (C("户联系电话", "code", 13), lambda r, mk: mk["phone"](r.phone)),
    (C("开户银行", "text", 14), lambda r, mk: r.bank_name),
    (C("银行账号", "code", 22), lambda r, mk: mk["bank"](r.bank_account)),
    (C("是否危房户", "text", 7), lambda r, mk: _yes(r.dangerous_house)),
    (C("是否解决安全饮用水", "text", 9), lambda r, mk: _yes(r.safe_water)),
    (C("享受低保", "text", 7), lambda r, mk: _yes(r.low_income_support)),
    (C("享受特困", "text", 7), lambda r, mk: _yes(r.extreme_poverty_support)),
    (C("帮扶责任人", "text", 9), lambda r, mk: r.helper_name),
    (C("帮扶责任人单位", "text", 16), lambda r, mk: r.helper_unit),
    (C("帮扶责任人联系电话", "code", 13), lambda r, mk: mk["phone"](r.helper_phone)),
    *[(C(cn, "text", 7), lambda r, mk, a=attr: _mark(getattr(r, f"measure_{a}")))
      for attr, cn in MEASURE_CATEGORIES],
]
# columns the national export lacks, so that our backup restores every field
_HOUSEHOLD_EXTRA: list[tuple[C, Getter]] = [
    (C("家庭住址", "text", 24), lambda r, mk: r.address),
    (C("不愁吃", "text", 6), lambda r, mk: _yes(r.food_secure)),
    (C("不愁穿", "text", 6), lambda r, mk: _yes(r.clothing_secure)),
    (C("义务教育有保障", "text", 8), lambda r, mk: _yes(r.education_secure)),
    (C("基本医疗有保障", "text", 8), lambda r, mk: _yes(r.medical_secure)),
    (C("住房安全有保障", "text", 8), lambda r, mk: _yes(r.housing_secure)),
    (C("收入计算人口数", "int", 8), lambda r, mk: r.income_persons),
    (C("户备注", "text", 20), lambda r, mk: r.note),
]
_MEMBER: list[tuple[C, Getter]] = [
    (C("姓名", "text", 9), lambda r, mk: r.name),
    (C("证件类型", "text", 10), lambda r, mk: r.id_type),
    (C("证件号码", "code", 20), lambda r, mk: mk["id"](r.id_number)),
    (C("性别", "text", 5), lambda r, mk: r.sex),
    (C("民族", "text", 7), lambda r, mk: r.ethnicity),
    (C("出生日期", "date", 11), lambda r, mk: r.birth_date),
    (C("与户主关系", "text", 8), lambda r, mk: r.relation),
    (C("文化程度", "text", 10), lambda r, mk: r.education),
    (C("在校生状况", "text", 12), lambda r, mk: r.school_status),
    (C("健康状况", "text", 10), lambda r, mk: r.health),
    (C("劳动技能", "text", 14), lambda r, mk: r.labour_skill),
    (C("务工时间(月)", "int", 8), lambda r, mk: r.work_months),
    (C("是否参加城乡居民基本医疗保险", "text", 9), lambda r, mk: _yes(r.basic_medical_insurance)),
    (C("是否参加大病保险", "text", 9), lambda r, mk: _yes(r.critical_illness_insurance)),
    (C("是否参加城乡居民基本养老保险", "text", 9), lambda r, mk: _yes(r.pension_insurance)),
    (C("是否参加职工基本医疗保险", "text", 9), lambda r, mk: _yes(r.employee_medical_insurance)),
    (C("义务教育阶段未上学原因", "text", 14), lambda r, mk: r.out_of_school_reason),
    (C("家庭成员联系电话", "code", 13), lambda r, mk: mk["phone"](r.member_phone)),
    (C("人员状态", "text", 7), lambda r, mk: r.status),
    (C("状态变更日期", "date", 11), lambda r, mk: r.status_date),
    (C("状态说明", "text", 16), lambda r, mk: r.status_note),
]
# members export: 享受低保 / 享受特困 on a member's row are that member's own (the importer reads
# them so), the household's flag where the member has none recorded
_OWN = {"享受低保": lambda r, mk: _yes(r.low_income_support if r.m_dibao is None else r.m_dibao),
        "享受特困": lambda r, mk: _yes(r.extreme_poverty_support if r.m_tekun is None else r.m_tekun)}
_HOUSEHOLD_TAIL_MEMBERS = [(c, _OWN.get(c.title, g)) for c, g in _HOUSEHOLD_TAIL]
_HEAD: list[tuple[C, Getter]] = [
    (C("姓名(户主)", "text", 9), lambda r, mk: r.head_name),
    (C("证件号码(户主)", "code", 20), lambda r, mk: mk["id"](r.head_id_number)),
    (C("与户主关系", "text", 8), lambda r, mk: "户主" if r.head_name else None),
    (C("现有人数", "int", 7), lambda r, mk: r.active_members),
]
_NO = (C("序号", "int", 6), None)


@dataclass(frozen=True)
class Masks:
    """The masking functions of ID, bank and phone numbers (identity when not masked)."""

    id: Callable[[str | None], str | None]
    bank: Callable[[str | None], str | None]
    phone: Callable[[str | None], str | None]


@dataclass(frozen=True)
class Heading:
    """What rows 1-2 say: the place (county + township [+ village]), whether masked (公示),
    and the income year exported."""

    place: str
    masked: bool
    income_year: int | None


def _title(what: str, head: Heading) -> tuple[str, str]:
    title = f"{head.place}{what}" + ("（公示）" if head.masked else "")
    note = (f"导出时间:{dt.datetime.now():%Y-%m-%d %H:%M:%S}    导出范围:{head.place or '全部'}"
            f"    收入年度:{head.income_year or '无'}")
    return title, note


def _table(what: str, spec, source: Iterable, masks: Masks, head: Heading) -> XlsxTable:
    mk = {"id": masks.id, "bank": masks.bank, "phone": masks.phone}
    getters = [g for _, g in spec]
    rows = ([n, *(g(r, mk) for g in getters)] for n, r in enumerate(source, 1))
    name = "家庭成员信息" if what == "members" else "户信息"
    title, note = _title(name, head)
    return XlsxTable([_NO[0], *(c for c, _ in spec)], rows, title, note, name)


_MEMBERS_SPEC = _HOUSEHOLD_HEAD + _HOUSEHOLD_TAIL_MEMBERS + _HOUSEHOLD_EXTRA + _MEMBER
_HOUSEHOLDS_SPEC = _HOUSEHOLD_HEAD[:5] + _HEAD + _HOUSEHOLD_HEAD[5:] + _HOUSEHOLD_TAIL


def write_members(out, members: Iterable, masks: Masks, head: Heading) -> int:
    """The members sheet: one row per item of ``members`` (named rows, the labels
    services/household_export.member_rows gives). Returns the number of rows."""
    return write_tables_xlsx(out, [_table("members", _MEMBERS_SPEC, members, masks, head)])[0]


def _count_empty(rows, counter: list) -> Iterator:
    for r in rows:
        if r.id_number is None:
            counter[0] += 1
        yield r


def write_backup(out, members: Iterable, households: Iterable, incomes: Iterable[Sequence],
                 masks: Masks, head: Heading) -> tuple[int, int]:
    """The backup: every member (the sheet the importer reads comes first; a household
    without members is one row with the member columns empty), then one row per household,
    then every year's income ((户编号, 年度, *backup_layout.COLUMNS values) tuples).
    Returns (members written, households written)."""
    cols = [C("户编号", "code", 19), C("收入年度", "int", 8),
            *(C(t, "int" if c == "persons" else "money", 12) for t, c in INCOME_COLUMNS.items())]
    empty = [0]
    rows_m, n, _ = write_tables_xlsx(out, [
        _table("members", _MEMBERS_SPEC, _count_empty(members, empty), masks, head),
        _table("households", _HOUSEHOLDS_SPEC, households, masks, head),
        XlsxTable(cols, incomes, sheet_name=INCOME_SHEET)])
    return rows_m - empty[0], n  # the rows of households without members hold nobody
