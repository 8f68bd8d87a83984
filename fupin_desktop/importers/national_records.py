"""Columns and records of the national monitoring system's household export.

The column spec (field → header texts) and the plain records the parser returns; split from
:mod:`national_export` so that the parser module holds only the parsing.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal

from fupin_desktop.importers.result import ImportIssue, ImportResult
from fupin_desktop.importers.sheet import SheetSpec

# --- columns ---------------------------------------------------------------------------------
# field -> header texts (header_key() drops units, brackets and spaces before matching).
HOUSEHOLD_COLUMNS: dict[str, tuple[str, ...]] = {
    "household_code": ("户编号", "户码", "家庭编号", "户编码"),
    "county": ("县", "县(市、区)", "县(市区)", "县区", "县(区)", "县市区"),
    "township": ("乡(镇)", "乡镇", "乡(镇、街道)", "乡镇(街道)"),
    "village": ("行政村", "村", "村(社区)", "行政村(社区)"),
    "household_type": ("户类型", "农户类型", "户类别"),
    "monitoring_category": ("监测对象类别", "监测对象类型", "监测类型"),
    "monitoring_date": ("识别监测时间", "纳入监测时间", "识别时间", "监测识别时间"),
    "risk1": ("致贫返贫风险1", "风险类型1"),
    "risk2": ("致贫返贫风险2", "风险类型2"),
    "risk3": ("致贫返贫风险3", "风险类型3"),
    "risk4": ("致贫返贫风险4", "风险类型4"),
    "risk5": ("致贫返贫风险5", "风险类型5"),
    "risk_eliminated": ("风险是否已消除", "是否风险消除", "风险是否消除"),
    "elimination_method": ("风险消除方式", "消除方式"),
    "elimination_date": ("风险消除时间", "消除监测时间", "风险消除日期", "解除监测时间"),
    "elimination_per_capita": ("风险消除后人均纯收入", "风险消除后家庭人均纯收入", "风险消除时人均纯收入",
                               "消除风险后人均纯收入"),
    "family_size": ("家庭人口数", "家庭人数", "户人口数", "家庭成员数"),
    "per_capita_income": ("人均纯收入", "家庭人均纯收入"),
    "net_income": ("家庭纯收入", "纯收入", "家庭年纯收入"),
    "wage_income": ("工资性收入",),
    "business_income": ("生产经营性收入",),
    "property_income": ("财产性收入",),
    "transfer_income": ("转移性收入",),
    "business_expense": ("生产经营性支出",),
    "compliant_self_paid": ("合规自付支出", "合规自付医疗支出"),
    "phone": ("户联系电话", "联系电话", "户主联系电话"),
    "bank_name": ("开户银行", "开户行", "开户银行名称"),
    "bank_account": ("银行账号", "银行卡号", "开户账号", "银行帐号"),
    "dangerous_house": ("是否危房户", "是否危房"),
    "safe_water": ("是否解决安全饮用水", "是否安全饮水"),
    "dibao": ("享受低保", "是否享受低保", "是否低保户", "低保"),
    "tekun": ("享受特困", "是否特困供养", "是否享受特困供养", "特困供养", "特困"),
    "helper_name": ("帮扶责任人", "帮扶责任人姓名", "帮扶人"),
    "helper_unit": ("帮扶责任人单位", "帮扶单位", "帮扶责任人工作单位"),
    "helper_phone": ("帮扶责任人联系电话", "帮扶责任人电话", "帮扶人联系电话"),
    "measure_industry": ("产业帮扶",),
    "measure_employment": ("就业帮扶",),
    "measure_public_post": ("公益性岗位帮扶", "公益岗位帮扶"),
    "measure_health": ("健康帮扶",),
    "measure_education": ("教育帮扶",),
    "measure_housing": ("住房安全保障",),
    "measure_water": ("饮水安全保障",),
    "measure_social_security": ("综合保障",),
    "measure_finance": ("金融帮扶",),
    "measure_social": ("社会帮扶",),
    "measure_relocation": ("易地搬迁", "搬迁"),
    "measure_living_conditions": ("生产生活条件改善",),
    "measure_infrastructure": ("基础设施建设",),
    # not in the national export: columns of our own backup (`fupin export households`), so
    # that a backup restores every field
    "group_name": ("村民小组", "村民组"),
    "address": ("家庭住址", "住址"),
    "poverty_exit_year": ("脱贫年度", "脱贫年份"),
    "food_secure": ("不愁吃",),
    "clothing_secure": ("不愁穿",),
    "education_secure": ("义务教育有保障",),
    "medical_secure": ("基本医疗有保障",),
    "housing_secure": ("住房安全有保障",),
    "income_persons": ("收入计算人口数",),
    "note": ("户备注",),
}

MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "成员姓名", "家庭成员姓名"),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号", "身份证号码", "公民身份号码", "身份证件号码"),
    "sex": ("性别",),
    "ethnicity": ("民族",),
    "birth_date": ("出生日期", "出生年月"),
    "relation": ("与户主关系", "与户主的关系"),
    "education": ("文化程度",),
    "school_status": ("在校生状况", "在校生情况"),
    "health": ("健康状况",),
    "labour_skill": ("劳动技能",),
    "work_months": ("务工时间", "务工时间(月)", "务工时间(个月)", "务工月数"),
    "basic_medical_insurance": ("是否参加城乡居民基本医疗保险", "是否参加基本医疗保险"),
    "critical_illness_insurance": ("是否参加大病保险",),
    "pension_insurance": ("是否参加城乡居民基本养老保险", "是否参加基本养老保险"),
    "member_phone": ("家庭成员联系电话", "成员联系电话", "本人联系电话"),
    "employee_medical_insurance": ("是否参加职工基本医疗保险", "职工基本医疗保险", "是否参加职工医保"),
    "out_of_school_reason": ("义务教育阶段未上学原因", "未上学原因", "义务教育阶段失学辍学原因",
                             "失学辍学原因"),
    # our own backup's columns (see HOUSEHOLD_COLUMNS)
    "status": ("人员状态",),
    "status_date": ("状态变更日期", "人员状态变更日期"),
    "status_note": ("状态说明", "人员状态说明"),
}

SPEC = SheetSpec(
    columns={**HOUSEHOLD_COLUMNS, **MEMBER_COLUMNS},
    required=("household_code", "name", "id_number"),
    what="全国防返贫监测信息系统导出表",
)

HEAD_RELATIONS = frozenset({"户主", "本人"})

# --- records ---------------------------------------------------------------------------------
@dataclass(slots=True, eq=False)
class HouseholdRecord:
    """One household, from the first row carrying its 户编号 (later rows fill empty fields)."""

    household_code: str
    first_row: int
    county: str | None = None
    township: str | None = None
    village: str | None = None
    household_type: str | None = None
    monitoring_category: str | None = None
    monitoring_date: _dt.date | None = None
    risk1: str | None = None
    risk2: str | None = None
    risk3: str | None = None
    risk4: str | None = None
    risk5: str | None = None
    risk_eliminated: bool | None = None
    elimination_method: str | None = None
    elimination_date: _dt.date | None = None
    elimination_per_capita: Decimal | None = None
    family_size: int | None = None
    per_capita_income: Decimal | None = None
    net_income: Decimal | None = None
    wage_income: Decimal | None = None
    business_income: Decimal | None = None
    property_income: Decimal | None = None
    transfer_income: Decimal | None = None
    business_expense: Decimal | None = None
    compliant_self_paid: Decimal | None = None
    phone: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    dangerous_house: bool | None = None
    safe_water: bool | None = None
    dibao: bool | None = None
    tekun: bool | None = None
    helper_name: str | None = None
    helper_unit: str | None = None
    helper_phone: str | None = None
    measure_industry: bool = False
    measure_employment: bool = False
    measure_public_post: bool = False
    measure_health: bool = False
    measure_education: bool = False
    measure_housing: bool = False
    measure_water: bool = False
    measure_social_security: bool = False
    measure_finance: bool = False
    measure_social: bool = False
    measure_relocation: bool = False
    measure_living_conditions: bool = False
    measure_infrastructure: bool = False
    group_name: str | None = None
    address: str | None = None
    poverty_exit_year: int | None = None
    food_secure: bool | None = None
    clothing_secure: bool | None = None
    education_secure: bool | None = None
    medical_secure: bool | None = None
    housing_secure: bool | None = None
    income_persons: int | None = None
    note: str | None = None
    member_count: int = 0  # accepted member rows in this file
    # our backup lists a household without members on one row with empty member columns:
    # such a household is kept although no member row was accepted
    keep_empty: bool = False

    @property
    def risks(self) -> tuple[str, ...]:
        return tuple(r for r in (self.risk1, self.risk2, self.risk3, self.risk4, self.risk5) if r)

    def as_dict(self) -> dict[str, object]:
        """Column values for a bulk insert (``first_row``/``member_count`` included)."""
        return {f: getattr(self, f) for f in HOUSEHOLD_RECORD_FIELDS}


@dataclass(slots=True, eq=False)
class MemberRecord:
    """One accepted member row. ``sex`` and ``birth_date`` come from the ID number."""

    row: int
    household_code: str
    name: str
    id_number: str
    sex: str
    birth_date: _dt.date
    id_type: str | None = None
    ethnicity: str | None = None
    relation: str | None = None
    education: str | None = None
    school_status: str | None = None
    health: str | None = None
    labour_skill: str | None = None
    work_months: int | None = None
    basic_medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    pension_insurance: bool | None = None
    member_phone: str | None = None
    employee_medical_insurance: bool | None = None
    out_of_school_reason: str | None = None
    dibao: bool | None = None  # the 享受低保 / 特困 cells of this member's own row
    tekun: bool | None = None
    status: str | None = None  # 人员状态 (only our backups carry it); None = not in the file
    status_date: _dt.date | None = None
    status_note: str | None = None

    @property
    def is_head(self) -> bool:
        return self.relation in HEAD_RELATIONS

    def as_dict(self) -> dict[str, object]:
        return {f: getattr(self, f) for f in MEMBER_RECORD_FIELDS}


HOUSEHOLD_RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(HouseholdRecord))
MEMBER_RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(MemberRecord))


@dataclass(slots=True)
class ParsedExport:
    """Everything read from one export, before the database is touched."""

    households: dict[str, HouseholdRecord]  # 户编号 -> record, in file order
    members: list[MemberRecord]  # accepted rows, in file order
    result: ImportResult  # counters, rejects, warnings (contract of the CLI --json)
    sheet_name: str = ""
    header_row: int = 0
    missing_columns: list[str] = field(default_factory=list)  # known columns absent from file

    def drop_members(self, issues: Mapping[str, ImportIssue]) -> None:
        """Refuse members after parsing (e.g. the DB writer finds an ID in another household).

        ``issues`` maps ID number -> reject issue. Households left without members are dropped
        and the counters are updated, so ``result.to_json()`` stays right.
        """
        if not issues:
            return
        kept: list[MemberRecord] = []
        for m in self.members:
            issue = issues.get(m.id_number)
            if issue is None:
                kept.append(m)
            else:
                self.result.reject(issue)
                self.households[m.household_code].member_count -= 1
        self.members = kept
        for code in [c for c, h in self.households.items()
                     if h.member_count <= 0 and not h.keep_empty]:
            del self.households[code]
        self.result.rows_imported = len(kept)
        self.result.counts["households"] = len(self.households)
        self.result.counts["members"] = len(kept)
