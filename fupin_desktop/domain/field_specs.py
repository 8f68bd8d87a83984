"""One table of the fields a clerk types or imports: Chinese name, kind, size, range, and what to
do with control characters. Importers check every value against it at the boundary; messages
name the field as the clerk sees it (:func:`label`). Pure: no I/O, no database.

``max_len`` equals the model column's size (tests/unit/test_field_specs.py compares them), so
a value that passes here fits the column on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import Decimal

MAX_AMOUNT = Decimal(10) ** 9
MIN_DATE = _dt.date(1900, 1, 1)
YEAR_LO, YEAR_HI = 1900, 2100  # 收入年度 and other years typed as numbers

# C0 controls, DEL, U+FFFE/U+FFFF and lone surrogates; tab and newline are matched separately
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_TAB_NL = re.compile("[\t\n]")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str  # record field name
    label: str  # 中文, as on the clerk's screen and in the national export's header
    kind: str = "text"  # text | amount | int | date | bool | id | phone | bank
    max_len: int | None = None  # characters; equals the model column's String(n)
    lo: int | Decimal | None = None
    hi: int | Decimal | None = None
    allowed: tuple[str, ...] = ()
    # control characters: "refuse" the row (names, codes), or "remove" them with a warning
    controls: str = "remove"
    multiline: bool = False  # tab and newline allowed (free text)
    secret: bool = False  # ID / bank / phone: masked in messages

    @property
    def column(self) -> str:
        return self.name


def _t(name, label, n, **kw) -> FieldSpec:
    return FieldSpec(name, label, "text", n, **kw)


def _amount(name, label) -> FieldSpec:
    return FieldSpec(name, label, "amount", lo=Decimal(0), hi=MAX_AMOUNT)


HOUSEHOLD: dict[str, FieldSpec] = {s.name: s for s in (
    _t("household_code", "户编号", 40, controls="refuse"),
    _t("county", "县", 60), _t("township", "乡(镇)", 60), _t("village", "行政村", 60),
    _t("household_type", "户类型", 20), _t("monitoring_category", "监测对象类别", 20),
    FieldSpec("monitoring_date", "识别监测时间", "date"),
    *(_t(f"risk{i}", f"致贫返贫风险{i}", 30) for i in range(1, 6)),
    FieldSpec("risk_eliminated", "风险是否已消除", "bool"),
    _t("elimination_method", "风险消除方式", 20),
    FieldSpec("elimination_date", "风险消除时间", "date"),
    FieldSpec("family_size", "家庭人口数", "int", lo=0, hi=99),  # 0: a household whose members all left
    _amount("per_capita_income", "人均纯收入"), _amount("net_income", "家庭纯收入"),
    _amount("wage_income", "工资性收入"), _amount("business_income", "生产经营性收入"),
    _amount("property_income", "财产性收入"), _amount("transfer_income", "转移性收入"),
    _amount("business_expense", "生产经营性支出"), _amount("compliant_self_paid", "合规自付支出"),
    FieldSpec("phone", "户联系电话", "phone", 40, secret=True),
    _t("bank_name", "开户银行", 60),
    FieldSpec("bank_account", "银行账号", "bank", 40, secret=True),
    FieldSpec("dangerous_house", "是否危房户", "bool"),
    FieldSpec("safe_water", "是否解决安全饮用水", "bool"),
    FieldSpec("dibao", "享受低保", "bool"), FieldSpec("tekun", "享受特困", "bool"),
    _t("helper_name", "帮扶责任人", 40), _t("helper_unit", "帮扶责任人单位", 100),
    FieldSpec("helper_phone", "帮扶责任人联系电话", "phone", 40, secret=True),
    *(FieldSpec(f, label, "bool") for f, label in (
        ("measure_industry", "产业帮扶"), ("measure_employment", "就业帮扶"),
        ("measure_public_post", "公益性岗位帮扶"), ("measure_health", "健康帮扶"),
        ("measure_education", "教育帮扶"), ("measure_housing", "住房安全保障"),
        ("measure_water", "饮水安全保障"), ("measure_social_security", "综合保障"),
        ("measure_finance", "金融帮扶"), ("measure_social", "社会帮扶"),
        ("measure_relocation", "易地搬迁"), ("measure_living_conditions", "生产生活条件改善"),
        ("measure_infrastructure", "基础设施建设"))),
    _t("group_name", "村民小组", 60), _t("address", "住址", 200),
    FieldSpec("poverty_exit_year", "脱贫年度", "int", lo=1900, hi=2100),
    _amount("elimination_per_capita", "风险消除后人均纯收入"),
    *(FieldSpec(f, label, "bool") for f, label in (
        ("food_secure", "不愁吃"), ("clothing_secure", "不愁穿"),
        ("education_secure", "义务教育有保障"), ("medical_secure", "基本医疗有保障"),
        ("housing_secure", "住房安全有保障"))),
    FieldSpec("income_persons", "收入计算人口数", "int", lo=0, hi=99),
    FieldSpec("note", "备注", "text", multiline=True),
)}

MEMBER: dict[str, FieldSpec] = {s.name: s for s in (
    _t("name", "姓名", 40, controls="refuse"), _t("id_type", "证件类型", 30),
    FieldSpec("id_number", "证件号码", "id", 18, controls="refuse", secret=True),
    _t("sex", "性别", 2), _t("ethnicity", "民族", 20),
    FieldSpec("birth_date", "出生日期", "date"), _t("relation", "与户主关系", 20),
    _t("education", "文化程度", 30), _t("school_status", "在校生状况", 30),
    _t("health", "健康状况", 40), _t("labour_skill", "劳动技能", 30),
    FieldSpec("work_months", "务工时间", "int", lo=0, hi=12),
    FieldSpec("basic_medical_insurance", "是否参加城乡居民基本医疗保险", "bool"),
    FieldSpec("critical_illness_insurance", "是否参加大病保险", "bool"),
    FieldSpec("pension_insurance", "是否参加城乡居民基本养老保险", "bool"),
    FieldSpec("member_phone", "家庭成员联系电话", "phone", 40, secret=True),
    FieldSpec("employee_medical_insurance", "是否参加职工基本医疗保险", "bool"),
    _t("out_of_school_reason", "义务教育阶段未上学原因", 60), _t("status", "人员状态", 10),
    FieldSpec("status_date", "状态变更日期", "date"),
    FieldSpec("status_note", "状态说明", "text", multiline=True),
)}

# typed in the post-assignment dialog: a control character there is refused, not removed
ASSIGNMENT: dict[str, FieldSpec] = {s.name: s for s in (
    FieldSpec("bank_account", "银行账号", "bank", 40, secret=True, controls="refuse"),
    _t("bank_name", "开户银行", 60, controls="refuse"),
    _t("agreement_no", "协议编号", 60, controls="refuse"),
)}

# the medical settlement sheet and the 结算 form (services/medical/settlement_edit.py)
MEDICAL_SETTLEMENT: dict[str, FieldSpec] = {s.name: s for s in (
    _t("settlement_no", "结算单据号", 60, controls="refuse"),
    _t("hospital_name", "医疗机构名称", 100), _t("hospital_level", "医院等级", 10),
    _t("care_type", "医疗类别", 10), _t("diagnosis", "诊断名称", 200),
    _t("other_kind", "其他保障类型", 10),
    FieldSpec("admission_date", "入院日期", "date"), FieldSpec("discharge_date", "出院日期", "date"),
    FieldSpec("settlement_date", "结算日期", "date"),
    _amount("total_cost", "医疗费总额"), _amount("policy_cost", "符合政策范围金额"),
    _amount("basic_insurance", "统筹基金支出"), _amount("critical_insurance", "居民大病保险"),
    _amount("medical_assistance", "医疗救助基金"), _amount("other_support", "其他支出"),
    _amount("self_paid", "个人负担总金额"),
    FieldSpec("note", "备注", "text", multiline=True),
)}

# the 慢性病卡 form (services/medical/chronic.py)
CHRONIC_CARD: dict[str, FieldSpec] = {s.name: s for s in (
    _t("card_no", "卡号", 40, controls="refuse"),
    FieldSpec("approved_date", "认定日期", "date"), FieldSpec("review_date", "复审日期", "date"),
    FieldSpec("note", "备注", "text", multiline=True),
)}

# the 家庭医生签约 form and its 随访 (services/medical/signing.py)
SIGNING: dict[str, FieldSpec] = {s.name: s for s in (
    _t("doctor_name", "签约医生", 40), _t("team", "签约团队", 60), _t("institution", "签约机构", 100),
    FieldSpec("doctor_phone", "医生电话", "phone", 40, secret=True, controls="refuse"),
    FieldSpec("signed_date", "签约日期", "date"), FieldSpec("end_date", "到期日期", "date"),
    FieldSpec("note", "备注", "text", multiline=True),
)}
FOLLOW_UP: dict[str, FieldSpec] = {s.name: s for s in (
    FieldSpec("date", "随访日期", "date"), FieldSpec("content", "随访内容", "text", multiline=True),
    _t("method", "随访方式", 20), _t("doctor_name", "随访医生", 40),
)}

# the 问题整改 forms and commands (services/problems/tracking.py)
PROBLEM: dict[str, FieldSpec] = {s.name: s for s in (
    _t("category", "问题类别", 40), FieldSpec("text", "问题描述", "text", 2000),
    _t("responsible", "整改责任人", 40), FieldSpec("note", "说明", "text", 1000), _t("confirmer", "核验人", 40),
)}

# a post (the roster's post columns and the 岗位 form)
POST: dict[str, FieldSpec] = {s.name: s for s in (
    _t("name", "岗位名称", 60), _t("post_type", "岗位类型", 20), _t("duty_area", "责任区域", 100),
    _t("funding_source", "资金来源", 60), _amount("wage_standard", "补贴标准"),
    FieldSpec("required_days", "应出勤天数", "int", lo=0, hi=31),
    FieldSpec("note", "备注", "text", multiline=True),
)}

# the roster's assignment columns (花名册): dates and the fields of ASSIGNMENT
POST_ASSIGNMENT: dict[str, FieldSpec] = {s.name: s for s in (
    FieldSpec("start_date", "上岗日期", "date"), FieldSpec("end_date", "离岗日期", "date"),
    *ASSIGNMENT.values(),
)}

# the sign-in sheet (签到考勤表)
ATTENDANCE: dict[str, FieldSpec] = {s.name: s for s in (
    FieldSpec("date", "签到日期", "date"),
    FieldSpec("declared_days", "出勤天数", "int", lo=0, hi=31),
)}

# the filled 入户排查录入表 and the 入户排查 form
SURVEY: dict[str, FieldSpec] = {s.name: s for s in (
    _t("household_code", "户编号", 40, controls="refuse"),
    FieldSpec("date", "排查日期", "date"),
    _t("visitors", "排查人员", 200),
    FieldSpec("version", "调查表版本", "int", lo=1, hi=9999),
    FieldSpec("notes", "备注", "text", 4000, multiline=True),
    FieldSpec("answer", "答案", "text", 2000, multiline=True),
)}

# record field -> model column, where they differ (for the size comparison in the tests)
COLUMN_OF = {"member_phone": "phone", "dibao": "low_income_support",
             "tekun": "extreme_poverty_support", "measure_social_security": "measure_comprehensive"}

_ALL: dict[str, FieldSpec] = {**MEMBER, **HOUSEHOLD}
# names used elsewhere in the code for the same fields (forms, income rows, audit columns)
_ALIASES = {"code": "household_code", "low_income_support": "dibao",
            "extreme_poverty_support": "tekun", "measure_comprehensive": "measure_social_security",
            "declared_per_capita": "per_capita_income", "persons": "family_size"}
_EXTRA_LABELS = {"persons": "人数", "year": "年度", "village_id": "行政村", "status": "状态",
                 "household_id": "所属户", "per_capita_income": "人均纯收入",
                 "declared_per_capita": "人均纯收入（申报）", "group_name": "村民小组",
                 "address": "住址", "note": "备注", "version": "版本"}


# the other tables' fields, for messages and report columns that name a field by its key
_LEDGER_LABELS = {
    **{k: sp.label for t in (SURVEY, ATTENDANCE, POST_ASSIGNMENT, MEDICAL_SETTLEMENT) for k, sp in t.items()},
    "post_name": "岗位名称", "post_type": "岗位类型", "duty_area": "责任区域",
    "funding_source": "资金来源", "wage_standard": "补贴标准", "required_days": "应出勤天数",
    "post": "岗位", "post_id": "岗位", "mark": "考勤", "date": "日期", "member_id": "人员",
    "head": "户主", "end_reason": "原因", "reason": "原因", "month": "月份",
    "version": "调查表版本", "notes": "备注", "poverty_exit_year": "脱贫年度",
    "elimination_per_capita": "风险消除后人均纯收入", "status_date": "状态变更日期",
}


def spec(name: str) -> FieldSpec | None:
    return _ALL.get(name) or _ALL.get(_ALIASES.get(name, ""))


def label(name: str) -> str:
    """The Chinese name of a field: ``wage_income`` -> 工资性收入; ``income.2024.wage_income``
    -> 2024年工资性收入; an unknown name is returned as it is."""
    if name.startswith("income."):
        parts = name.split(".")
        if len(parts) == 3:
            return f"{parts[1]}年{label(parts[2])}"
    if name in _EXTRA_LABELS and (name not in _ALL or name in ("status", "note")):
        return _EXTRA_LABELS[name]  # (status / note: names several tables use)
    s = spec(name)
    if s is not None:
        return s.label
    if name in _LEDGER_LABELS:
        return _LEDGER_LABELS[name]
    if name.startswith("q:"):  # a survey question column
        return f"问题{name[2:]}"
    if len(name) <= 3 and name[:1] == "d" and name[1:].isdigit():  # an attendance day column
        return f"{name[1:]}日"
    return name


def mask(s: FieldSpec, value: object) -> str:
    text = str(value)
    if not s.secret:
        return text if len(text) <= 40 else text[:40] + "…"
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) and _CONTROL.search(value) else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _shown(s: FieldSpec, value: object) -> str:
    return mask(s, value) if s.secret else _show(value)


_CENT = Decimal("0.01")


def shown(value: object) -> str:
    """A cell quoted in a message: at most 40 characters, control characters visible."""
    return _show(value)


def check(s: FieldSpec, value: object) -> tuple[object, str | None, str | None]:
    """``(value, error, note)``: ``error`` (Chinese, without the row) refuses the value;
    ``note`` says what was changed (control characters removed). ``None`` passes.

    Runs for every cell of a county export (2 million), so the common case of a good value
    does no formatting and no regular expression: messages are built only for a bad value."""
    if value is None:
        return None, None, None
    kind = s.kind
    if kind == "amount":
        if not isinstance(value, Decimal) or not value.is_finite():
            return None, f"“{s.label}”为“{_shown(s, value)}”，不是金额，请填写数字", None
        if not (s.lo <= value <= s.hi):
            return None, (f"“{s.label}”为“{_shown(s, value)}”，超出允许范围（{s.lo}～{s.hi:,} 元），"
                          "请核对后重新填写（金额不能为负数）"), None
        if value.as_tuple().exponent < -2 and value != value.quantize(_CENT):
            return None, f"“{s.label}”为“{_shown(s, value)}”，金额最多两位小数，请核对", None
        return value, None, None
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"“{s.label}”为“{_shown(s, value)}”，不是整数，请填写整数", None
        if (s.lo is not None and value < s.lo) or (s.hi is not None and value > s.hi):
            return None, (f"“{s.label}”为“{_shown(s, value)}”，超出允许范围（{s.lo}～{s.hi}），"
                          "请核对后重新填写"), None
        return value, None, None
    if kind == "date" or kind == "bool" or not isinstance(value, str):
        return value, None, None  # dates: see check_date (needs today)
    note = None
    # isprintable() is False for every control character, tab and newline (and for a few
    # harmless ones such as U+3000), so the regular expressions run only on those few values
    if not value.isprintable():
        bad = _CONTROL.search(value) or (None if s.multiline else _TAB_NL.search(value))
        if bad:
            if s.controls == "refuse":
                return None, (f"“{s.label}”含有不可见的控制字符（U+{ord(bad[0]):04X}），"
                              "请删除后重新填写"), None
            value = _CONTROL.sub("", value)
            if not s.multiline:
                value = _TAB_NL.sub(" ", value).strip()
            note = f"“{s.label}”中的不可见控制字符已删除，请核对"
            if not value:
                return None, None, note
    if s.max_len is not None and len(value) > s.max_len:
        shown = mask(s, value) if s.secret else value[:20] + ("…" if len(value) > 20 else "")
        return None, (f"“{s.label}”有 {len(value)} 个字（“{shown}”），"
                      f"超过 {s.max_len} 个字的上限，请缩短后重新填写"), note
    if s.allowed and value not in s.allowed:
        return None, (f"“{s.label}”为“{_shown(s, value)}”，应为{'、'.join(s.allowed)}之一，请改正"), note
    return value, None, note


def check_value(s: FieldSpec, value: object, today: _dt.date
                ) -> tuple[object, str | None, str | None]:
    """:func:`check`, and :func:`check_date` for a date field: ``(value, error, note)``."""
    if s.kind == "date":
        if value is not None and not isinstance(value, _dt.date):
            return None, f"“{s.label}”为“{_show(value)}”，不是日期，请按 2025-01-31 的格式填写", None
        return value, check_date(s, value, today), None
    return check(s, value)


def check_date(s: FieldSpec, value: _dt.date | None, today: _dt.date) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    hi = today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) \
        else _dt.date(today.year + 1, 2, 28)
    if not (MIN_DATE <= value <= hi):
        return (f"“{s.label}”为 {value:%Y-%m-%d}，超出允许范围（1900-01-01～{hi:%Y-%m-%d}），"
                "请核对年份")
    return None


def form_errors(specs: dict[str, FieldSpec], values: dict[str, object], today: _dt.date,
                skip: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    """{field: Chinese message} for the values of a form (the GUI and the CLI edit commands)
    that their specs refuse. A form keeps what the clerk typed, so control characters are
    refused there (the message says to delete them) rather than silently removed; tab and
    newline stay allowed in free text."""
    errors: dict[str, str] = {}
    for key, value in values.items():
        sp = specs.get(key)
        if sp is None or key in skip or value is None or value == "":
            continue
        if isinstance(value, str):
            value = value.strip()
        if sp.controls != "refuse" and isinstance(value, str):
            sp = FieldSpec(sp.name, sp.label, sp.kind, sp.max_len, sp.lo, sp.hi, sp.allowed,
                           "refuse", sp.multiline, sp.secret)
        _v, err, _note = check_value(sp, value, today)
        if err:
            errors[key] = err
    return errors
