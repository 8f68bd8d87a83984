"""The household dialog's data: plain dataclasses for a household and its lists.

Plain data, safe to hand between threads; ``form_rules.py`` validates them and
``households.py`` loads and saves them.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field, fields
from decimal import Decimal

from ...models.household import MEASURE_CATEGORIES


@dataclass
class MemberForm:
    id: int | None = None
    household_id: int | None = None
    version: int | None = None
    id_type: str | None = "居民身份证"
    id_number: str = ""
    name: str = ""
    sex: str | None = None  # derived from the ID when left empty
    ethnicity: str | None = None
    birth_date: dt.date | None = None  # derived from the ID when left empty
    relation: str | None = None
    education: str | None = None
    school_status: str | None = None
    health: str | None = None
    labour_skill: str | None = None
    work_months: int | None = None
    basic_medical_insurance: bool | None = None
    critical_illness_insurance: bool | None = None
    pension_insurance: bool | None = None
    employee_medical_insurance: bool | None = None  # 职工基本医疗保险
    out_of_school_reason: str | None = None  # 义务教育阶段未上学原因
    low_income_support: bool | None = None  # 享受低保
    extreme_poverty_support: bool | None = None  # 享受特困供养
    phone: str | None = None
    status: str = "正常"
    status_date: dt.date | None = None
    status_note: str | None = None
    deleted: bool = False  # read-only: removed as entered by mistake


@dataclass
class IncomeForm:
    year: int
    id: int | None = None
    version: int | None = None
    persons: int | None = None
    wage_income: Decimal | None = None
    business_income: Decimal | None = None
    property_income: Decimal | None = None
    transfer_income: Decimal | None = None
    business_expense: Decimal | None = None
    compliant_self_paid: Decimal | None = None
    declared_per_capita: Decimal | None = None
    net_income: Decimal | None = None  # read-only: derived on save
    per_capita_income: Decimal | None = None  # read-only: derived on save


@dataclass
class MeasureForm:
    category: str = ""
    date: dt.date | None = None
    content: str = ""
    amount: Decimal | None = None
    responsible: str | None = None
    member_id: int | None = None
    id: int | None = None
    version: int | None = None


@dataclass
class VisitForm:
    date: dt.date | None = None
    visitor: str = ""
    findings: str = ""
    follow_up: str | None = None
    id: int | None = None
    version: int | None = None


@dataclass
class HouseholdForm:
    id: int | None = None
    version: int | None = None
    code: str = ""
    village_id: int | None = None
    county: str | None = None
    township: str | None = None
    group_name: str | None = None
    address: str | None = None
    household_type: str | None = None
    monitoring_category: str | None = None
    monitoring_date: dt.date | None = None
    poverty_exit_year: int | None = None
    risk1: str | None = None
    risk2: str | None = None
    risk3: str | None = None
    risk4: str | None = None
    risk5: str | None = None
    risk_eliminated: bool | None = None
    elimination_method: str | None = None
    elimination_date: dt.date | None = None
    elimination_per_capita: Decimal | None = None  # 风险消除后人均纯收入
    family_size: int | None = None
    phone: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    food_secure: bool | None = None
    clothing_secure: bool | None = None
    education_secure: bool | None = None
    medical_secure: bool | None = None
    housing_secure: bool | None = None
    safe_water: bool | None = None
    dangerous_house: bool | None = None
    low_income_support: bool | None = None
    extreme_poverty_support: bool | None = None
    measure_industry: bool | None = None
    measure_employment: bool | None = None
    measure_public_post: bool | None = None
    measure_health: bool | None = None
    measure_education: bool | None = None
    measure_housing: bool | None = None
    measure_water: bool | None = None
    measure_comprehensive: bool | None = None
    measure_finance: bool | None = None
    measure_social: bool | None = None
    measure_relocation: bool | None = None
    measure_living_conditions: bool | None = None
    measure_infrastructure: bool | None = None
    helper_name: str | None = None
    helper_unit: str | None = None
    helper_phone: str | None = None
    note: str | None = None
    deleted: bool = False  # read-only
    # Lists shown in the dialog. save_household writes the incomes listed here; members,
    # measures and visits are saved one by one with their own functions.
    members: list[MemberForm] = field(default_factory=list)
    incomes: list[IncomeForm] = field(default_factory=list)
    measures: list[MeasureForm] = field(default_factory=list)
    visits: list[VisitForm] = field(default_factory=list)


_NOT_COLUMNS = {"id", "version", "deleted", "members", "incomes", "measures", "visits"}
HOUSEHOLD_FIELDS = tuple(f.name for f in fields(HouseholdForm) if f.name not in _NOT_COLUMNS)
MEMBER_FIELDS = tuple(f.name for f in fields(MemberForm)
                      if f.name not in {"id", "household_id", "version", "deleted"})
INCOME_FIELDS = ("persons", "wage_income", "business_income", "property_income",
                 "transfer_income", "business_expense", "compliant_self_paid",
                 "declared_per_capita")
AMOUNT_LABELS = {
    "wage_income": "工资性收入", "business_income": "生产经营性收入", "property_income": "财产性收入",
    "transfer_income": "转移性收入", "business_expense": "生产经营性支出",
    "compliant_self_paid": "合规自付支出", "declared_per_capita": "人均纯收入（申报）",
}
LABELS = {
    "code": "户编号", "village_id": "行政村", "county": "县", "township": "乡(镇)",
    "group_name": "村民小组", "address": "住址", "household_type": "户类型",
    "monitoring_category": "监测对象类别", "monitoring_date": "识别监测时间",
    "poverty_exit_year": "脱贫年度", "risk_eliminated": "风险是否已消除",
    "elimination_method": "风险消除方式", "elimination_date": "风险消除时间",
    "family_size": "家庭人口数", "phone": "联系电话", "bank_name": "开户银行",
    "bank_account": "银行账号", "helper_name": "帮扶责任人", "helper_unit": "帮扶责任人单位",
    "helper_phone": "帮扶责任人联系电话", "note": "备注",
    "id_number": "证件号码", "name": "姓名", "sex": "性别", "ethnicity": "民族",
    "birth_date": "出生日期", "relation": "与户主关系", "education": "文化程度",
    "school_status": "在校生状况", "health": "健康状况", "labour_skill": "劳动技能",
    "work_months": "务工时间（月）", "status": "人员状态", "status_date": "状态变更日期",
    "status_note": "状态说明", "id_type": "证件类型",
    "employee_medical_insurance": "职工基本医疗保险", "out_of_school_reason": "义务教育阶段未上学原因",
    "low_income_support": "享受低保", "extreme_poverty_support": "享受特困供养",
    "elimination_per_capita": "风险消除后人均纯收入", "persons": "人口数", **AMOUNT_LABELS,
    **{f"risk{i}": f"致贫返贫风险{i}" for i in range(1, 6)},
}
MEASURE_NAMES = tuple(cn for _, cn in MEASURE_CATEGORIES)


def clean(value):
    """Text as stored: NFKC, trimmed, empty → None. Other values pass unchanged."""
    if not isinstance(value, str):
        return value
    s = value if value.isascii() else unicodedata.normalize("NFKC", value)
    s = s.strip()
    return s or None


def normalize_phone(text: str | None) -> str | None:
    s = clean(text)
    if s is None:
        return None
    return "".join(ch for ch in s if not ch.isspace())
