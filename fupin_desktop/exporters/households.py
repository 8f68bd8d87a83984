"""Excel exports of the registry: `fupin export households|members OUT.xlsx [--masked]`.
services/households/export.py loads the rows; this module only writes them.

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
from ..formats.table_xlsx import XlsxColumn as C, XlsxTable, write_tables_xlsx


def _yes(v) -> str | None:
    return None if v is None else ("是" if v else "否")


def _mark(v) -> str | None:  # measure columns: 是 or empty, as the national export writes them
    return "是" if v else None


# (column, field of the row[, how the value is shown: a function of it, or "id" / "bank" /
# "phone" for a number masked in a 公示 copy])
Spec = tuple
_HOUSEHOLD_HEAD: list[Spec] = [
    (C("县", "text", 10), "county"),
    (C("乡(镇)", "text", 10), "township"),
    (C("行政村", "text", 10), "village_name"),
    (C("村民小组", "text", 8), "group_name"),
    (C("户编号", "code", 19), "code"),
    (C("户类型", "text", 9), "household_type"),
    (C("脱贫年度", "int", 8), "poverty_exit_year"),
    (C("监测对象类别", "text", 13), "monitoring_category"),
    (C("识别监测时间", "date", 11), "monitoring_date"),
    *[(C(f"致贫返贫风险{i}", "text", 12), f"risk{i}") for i in range(1, 6)],
    (C("风险是否已消除", "text", 8), "risk_eliminated", _yes),
    (C("风险消除方式", "text", 9), "elimination_method"),
    (C("风险消除时间", "date", 11), "elimination_date"),
    (C("风险消除后人均纯收入(元)", "money", 12), "elimination_per_capita"),
    (C("家庭人口数", "int", 7), "family_size"),
]
_HOUSEHOLD_TAIL: list[Spec] = [
    (C("收入年度", "int", 7), "income_year"),
    (C("人均纯收入(元)", "money", 12), "per_capita_income"),
    (C("家庭纯收入(元)", "money", 12), "net_income"),
    (C("工资性收入(元)", "money", 12), "wage_income"),
    (C("生产经营性收入(元)", "money", 12), "business_income"),
    (C("财产性收入(元)", "money", 11), "property_income"),
    (C("转移性收入(元)", "money", 11), "transfer_income"),
    (C("生产经营性支出(元)", "money", 12), "business_expense"),
    (C("合规自付支出(元)", "money", 12), "compliant_self_paid"),
    (C("户联系电话", "code", 13), "phone", "phone"),
    (C("开户银行", "text", 14), "bank_name"),
    (C("银行账号", "code", 22), "bank_account", "bank"),
    (C("是否危房户", "text", 7), "dangerous_house", _yes),
    (C("是否解决安全饮用水", "text", 9), "safe_water", _yes),
    (C("享受低保", "text", 7), "low_income_support", _yes),
    (C("享受特困", "text", 7), "extreme_poverty_support", _yes),
    (C("帮扶责任人", "text", 9), "helper_name"),
    (C("帮扶责任人单位", "text", 16), "helper_unit"),
    (C("帮扶责任人联系电话", "code", 13), "helper_phone", "phone"),
    *[(C(cn, "text", 7), f"measure_{attr}", _mark) for attr, cn in MEASURE_CATEGORIES],
]
# columns the national export lacks, so that our backup restores every field
_HOUSEHOLD_EXTRA: list[Spec] = [
    (C("家庭住址", "text", 24), "address"),
    (C("不愁吃", "text", 6), "food_secure", _yes),
    (C("不愁穿", "text", 6), "clothing_secure", _yes),
    (C("义务教育有保障", "text", 8), "education_secure", _yes),
    (C("基本医疗有保障", "text", 8), "medical_secure", _yes),
    (C("住房安全有保障", "text", 8), "housing_secure", _yes),
    (C("收入计算人口数", "int", 8), "income_persons"),
    (C("户备注", "text", 20), "note"),
]
_MEMBER: list[Spec] = [
    (C("姓名", "text", 9), "name"),
    (C("证件类型", "text", 10), "id_type"),
    (C("证件号码", "code", 20), "id_number", "id"),
    (C("性别", "text", 5), "sex"),
    (C("民族", "text", 7), "ethnicity"),
    (C("出生日期", "date", 11), "birth_date"),
    (C("与户主关系", "text", 8), "relation"),
    (C("文化程度", "text", 10), "education"),
    (C("在校生状况", "text", 12), "school_status"),
    (C("健康状况", "text", 10), "health"),
    (C("劳动技能", "text", 14), "labour_skill"),
    (C("务工时间(月)", "int", 8), "work_months"),
    (C("是否参加城乡居民基本医疗保险", "text", 9), "basic_medical_insurance", _yes),
    (C("是否参加大病保险", "text", 9), "critical_illness_insurance", _yes),
    (C("是否参加城乡居民基本养老保险", "text", 9), "pension_insurance", _yes),
    (C("是否参加职工基本医疗保险", "text", 9), "employee_medical_insurance", _yes),
    (C("义务教育阶段未上学原因", "text", 14), "out_of_school_reason"),
    (C("家庭成员联系电话", "code", 13), "member_phone", "phone"),
    (C("人员状态", "text", 7), "status"),
    (C("状态变更日期", "date", 11), "status_date"),
    (C("状态说明", "text", 16), "status_note"),
]
# members export: 享受低保 / 享受特困 on a member's row are that member's own (the importer reads
# them so), the household's flag where the member has none recorded
# (the rows' own_dibao / own_tekun)
_OWN = {"享受低保": "own_dibao", "享受特困": "own_tekun"}
_HOUSEHOLD_TAIL_MEMBERS = [(c, _OWN[c.title], *how) if c.title in _OWN else (c, f, *how)
                           for c, f, *how in _HOUSEHOLD_TAIL]
_HEAD: list[Spec] = [
    (C("姓名(户主)", "text", 9), "head_name"),
    (C("证件号码(户主)", "code", 20), "head_id_number", "id"),
    (C("与户主关系", "text", 8), "head_name", lambda v: "户主" if v else None),
    (C("现有人数", "int", 7), "active_members"),
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


def _row_maker(spec, fields: Sequence[str], masks: Masks) -> Callable:
    """``make(n, row)`` -> the cells of one sheet row (序号 ``n`` first) from a row whose
    values are in ``fields`` order. Built once per sheet as one list expression: 140,000 rows
    × 69 columns cost 0.2 s, where 69 getter calls per row cost 7 s."""
    at = {f: i for i, f in enumerate(fields)}
    env = {"_mask_id": masks.id, "_mask_bank": masks.bank, "_mask_phone": masks.phone}
    cells = ["n"]
    for k, (_, field, *how) in enumerate(spec):
        cell = f"r[{at[field]}]"
        if how:
            name = f"_mask_{how[0]}" if isinstance(how[0], str) else f"_f{k}"
            env.setdefault(name, how[0])
            cell = f"{name}({cell})"
        cells.append(cell)
    return eval(f"lambda n, r: [{', '.join(cells)}]", env)  # noqa: S307 (ints and names only)


def _table(what: str, spec, source, masks: Masks, head: Heading) -> XlsxTable:
    make = _row_maker(spec, source.fields, masks)
    rows = (make(n, r) for n, r in enumerate(source, 1))
    name = "家庭成员信息" if what == "members" else "户信息"
    title, note = _title(name, head)
    return XlsxTable([_NO[0], *(c for c, *_ in spec)], rows, title, note, name)


_MEMBERS_SPEC = _HOUSEHOLD_HEAD + _HOUSEHOLD_TAIL_MEMBERS + _HOUSEHOLD_EXTRA + _MEMBER
_HOUSEHOLDS_SPEC = _HOUSEHOLD_HEAD[:5] + _HEAD + _HOUSEHOLD_HEAD[5:] + _HOUSEHOLD_TAIL


def write_members(out, members, masks: Masks, head: Heading) -> int:
    """The members sheet: one row per item of ``members``, an iterable of value tuples with
    ``members.fields`` naming their values (services/household_export.member_rows). Returns
    the number of rows."""
    return write_tables_xlsx(out, [_table("members", _MEMBERS_SPEC, members, masks, head)])[0]


class _CountEmpty:
    """``rows`` passed through, counting those without a member (no 证件号码)."""

    def __init__(self, rows):
        self.fields, self.rows, self.count = rows.fields, rows, 0

    def __iter__(self) -> Iterator:
        i = list(self.fields).index("id_number")
        for r in self.rows:
            if r[i] is None:
                self.count += 1
            yield r


def write_backup(out, members, households, incomes: Iterable[Sequence],
                 masks: Masks, head: Heading) -> tuple[int, int]:
    """The backup: every member (the sheet the importer reads comes first; a household
    without members is one row with the member columns empty), then one row per household,
    then every year's income ((户编号, 年度, *backup_layout.COLUMNS values) tuples).
    ``members`` and ``households``: iterables of tuples named by their ``fields``.
    Returns (members written, households written)."""
    cols = [C("户编号", "code", 19), C("收入年度", "int", 8),
            *(C(t, "int" if c == "persons" else "money", 12) for t, c in INCOME_COLUMNS.items())]
    empty = _CountEmpty(members)
    rows_m, n, _ = write_tables_xlsx(out, [
        _table("members", _MEMBERS_SPEC, empty, masks, head),
        _table("households", _HOUSEHOLDS_SPEC, households, masks, head),
        XlsxTable(cols, incomes, sheet_name=INCOME_SHEET)])
    return rows_m - empty.count, n  # the rows of households without members hold nobody
