"""Validation of the household dialog's forms: ``{field: Chinese message}``, empty = valid.

Each message names the field and what to do, for the dialog to show next to that field. Nothing
here touches the database; ``households.py`` adds the checks that need it (a duplicate 户编号 or
证件号码, a second 户主).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...models import Household, Member
from ...models.household import (
    ELIMINATION_METHODS, HOUSEHOLD_TYPES, MONITORING_CATEGORIES, RISK_TYPES,
)
from ...models.member import MEMBER_STATUSES, RELATIONS
from ...domain import field_specs as fs
from ...domain.bankcard import luhn_ok, normalize_account
from .forms import (
    AMOUNT_LABELS,
    HOUSEHOLD_FIELDS,
    LABELS,
    MEASURE_NAMES,
    MEMBER_FIELDS,
    HouseholdForm,
    IncomeForm,
    MeasureForm,
    MemberForm,
    VisitForm,
    clean,
    normalize_phone,
)
from ...domain.idcard import validate_id
from ...domain.income import net_income, per_capita

MAX_AMOUNT = Decimal("100000000")  # 1亿: more is a typing error in a household's income


def phone_error(text: str | None) -> str | None:
    """None when ``text`` is empty, an 11-digit mobile number or a landline (0854-1234567)."""
    s = normalize_phone(text)
    if s is None:
        return None
    digits = s.replace("-", "")
    if not digits.isascii() or not digits.isdigit():
        return "只能填写数字（座机可用“-”分隔区号）"
    if digits.startswith("1") and "-" not in s:
        return None if len(digits) == 11 else f"手机号码应为11位，实为{len(digits)}位"
    return None if 7 <= len(digits) <= 13 else "号码位数不对，请核对"


def _too_long(model, form, names, errors) -> None:
    for name in names:
        value = getattr(form, name)
        col = model.__table__.c.get(name)
        length = getattr(getattr(col, "type", None), "length", None)
        if isinstance(value, str) and length and len(value) > length:
            errors.setdefault(name, f"{LABELS.get(name, name)}过长（最多{length}个字）")


# the form's field name -> its field spec (the same table the importers check against)
_HOUSEHOLD_SPECS = {n: sp for n in HOUSEHOLD_FIELDS if (sp := fs.spec(n)) is not None}
_MEMBER_SPECS = {n: sp for n in MEMBER_FIELDS
                 if (sp := fs.MEMBER.get({"phone": "member_phone"}.get(n, n))) is not None}


def _by_specs(specs, form, names, errors, today) -> None:
    """Field-spec messages (control characters, ranges, dates 1900…) for fields without one yet."""
    values = {n: getattr(form, n) for n in names if n not in errors}
    for key, msg in fs.form_errors(specs, values, today).items():
        errors.setdefault(key, msg)


def _not_future(errors, key, value, today, label=None) -> None:
    if value is not None and value > today:
        errors.setdefault(key, f"{label or LABELS[key]}不能晚于今天")


def validate_household(form: HouseholdForm, today: dt.date | None = None) -> dict[str, str]:
    """Rules that need nothing but the form. Empty dict = valid."""
    today = today or dt.date.today()
    e: dict[str, str] = {}
    code = clean(form.code)
    if not code:
        e["code"] = "户编号不能为空"
    elif any(ch.isspace() for ch in code):
        e["code"] = "户编号中不能有空格"
    if form.village_id is None:
        e["village_id"] = "请选择行政村"
    if not form.household_type:
        e["household_type"] = "请选择户类型"
    elif form.household_type not in HOUSEHOLD_TYPES:
        e["household_type"] = f"户类型只能是：{'、'.join(HOUSEHOLD_TYPES)}"
    category = clean(form.monitoring_category)
    risks = [clean(getattr(form, f"risk{i}")) for i in range(1, 6)]
    if category and category not in MONITORING_CATEGORIES:
        e["monitoring_category"] = f"监测对象类别只能是：{'、'.join(MONITORING_CATEGORIES)}"
    for i, risk in enumerate(risks, 1):
        if risk and risk not in RISK_TYPES:
            e[f"risk{i}"] = f"“{risk}”不是规定的致贫返贫风险类型"
        elif risk and risk in risks[:i - 1]:
            e[f"risk{i}"] = f"“{risk}”与前面的风险重复"
        elif risk and i > 1 and not risks[i - 2]:
            e[f"risk{i}"] = f"请先填写致贫返贫风险{i - 1}"
    if category:
        if form.monitoring_date is None:
            e["monitoring_date"] = "监测对象须填写识别监测时间"
        if not risks[0]:
            e.setdefault("risk1", "监测对象须填写致贫返贫风险1")
    else:
        if form.monitoring_date is not None:
            e["monitoring_date"] = "不是监测对象，不填写识别监测时间"
        if any(risks):
            e.setdefault("risk1", "不是监测对象，不填写致贫返贫风险")
        if form.risk_eliminated is not None:
            e["risk_eliminated"] = "不是监测对象，不填写风险是否已消除"
    _not_future(e, "monitoring_date", form.monitoring_date, today)
    if form.risk_eliminated:
        if clean(form.elimination_method) not in ELIMINATION_METHODS:
            e["elimination_method"] = f"风险已消除时须选择消除方式：{'、'.join(ELIMINATION_METHODS)}"
        if form.elimination_date is None:
            e["elimination_date"] = "风险已消除时须填写风险消除时间"
        elif form.monitoring_date and form.elimination_date < form.monitoring_date:
            e["elimination_date"] = "风险消除时间不能早于识别监测时间"
        _not_future(e, "elimination_date", form.elimination_date, today)
    else:
        if clean(form.elimination_method):
            e["elimination_method"] = "风险未消除，不填写消除方式"
        if form.elimination_date is not None:
            e["elimination_date"] = "风险未消除，不填写风险消除时间"
    if form.poverty_exit_year is not None and not 2013 <= form.poverty_exit_year <= today.year:
        e["poverty_exit_year"] = f"脱贫年度应在2013至{today.year}年之间"
    pc = form.elimination_per_capita
    if pc is not None and (not isinstance(pc, Decimal) or pc < 0 or pc >= MAX_AMOUNT):
        e["elimination_per_capita"] = "风险消除后人均纯收入应为不小于0的金额"
    if form.family_size is not None and not 1 <= form.family_size <= 50:
        e["family_size"] = "家庭人口数应在1至50之间"
    for key in ("phone", "helper_phone"):
        msg = phone_error(getattr(form, key))
        if msg:
            e[key] = f"{LABELS[key]}{msg}"
    account = normalize_account(clean(form.bank_account) or "")
    if account and not (account.isdigit() and 8 <= len(account) <= 30):
        e["bank_account"] = "银行账号应为8至30位数字"
    _too_long(Household, form, (n for n in HOUSEHOLD_FIELDS if n not in e), e)
    _by_specs(_HOUSEHOLD_SPECS, form, HOUSEHOLD_FIELDS, e, today)
    years = [i.year for i in form.incomes]
    for inc in form.incomes:
        for key, msg in validate_income(inc, today).items():
            e.setdefault(f"income.{inc.year}.{key}", msg)
        if years.count(inc.year) > 1:
            e[f"income.{inc.year}.year"] = f"{inc.year}年的收入填写了两次"
    return e


def household_warnings(form: HouseholdForm) -> dict[str, str]:
    """Doubts that do not block saving (DESIGN.md §3: a Luhn failure is only a warning)."""
    w = {}
    account = normalize_account(clean(form.bank_account) or "")
    if account and account.isdigit() and not luhn_ok(account):
        w["bank_account"] = "银行账号未通过校验（存折账号可能如此），请核对"
    active = [m for m in form.members if m.status == "正常" and not m.deleted]
    if form.members and form.family_size is not None and form.family_size != len(active):
        w["family_size"] = f"家庭人口数{form.family_size}与现有成员{len(active)}人不一致"
    if form.members and sum(m.relation == "户主" for m in active) != 1:
        w["members"] = "该户现有成员中应有且只有一位户主"
    return w


def validate_income(form: IncomeForm, today: dt.date | None = None) -> dict[str, str]:
    today = today or dt.date.today()
    e = {}
    if not 2000 <= form.year <= today.year + 1:
        e["year"] = f"收入年度应在2000至{today.year + 1}年之间"
    for key, label in AMOUNT_LABELS.items():
        value = getattr(form, key)
        if value is None:
            continue
        if not isinstance(value, Decimal):
            e[key] = f"{label}应为金额"
        elif not value.is_finite() or abs(value) >= MAX_AMOUNT:
            e[key] = f"{label}数额不对，请核对"
        elif value < 0:
            e[key] = f"{label}不能为负数"
    has_amount = any(getattr(form, k) is not None for k in AMOUNT_LABELS if k != "declared_per_capita")
    if form.persons is not None and not 1 <= form.persons <= 50:
        e["persons"] = "人口数应在1至50之间"
    elif has_amount and form.persons is None:
        e["persons"] = "填写了收入就须填写人口数（人均纯收入按它计算）"
    return e


def preview_income(form: IncomeForm) -> tuple[Decimal | None, Decimal | None]:
    """(纯收入, 人均纯收入) as saving will compute them, for the dialog to show while typing."""
    net = net_income(form.wage_income, form.business_income, form.property_income,
                     form.transfer_income, form.business_expense)
    pc = per_capita(net, form.persons)
    return net, pc if pc is not None else form.declared_per_capita


def validate_member(form: MemberForm, today: dt.date | None = None) -> dict[str, str]:
    """Rules of one member that need no database; fills sex/birth date from the ID if empty."""
    today = today or dt.date.today()
    e: dict[str, str] = {}
    name = clean(form.name)
    if not name:
        e["name"] = "姓名不能为空"
    elif any(ch.isdigit() for ch in name):
        e["name"] = "姓名中不能有数字"
    check = validate_id(form.id_number if isinstance(form.id_number, str) else None, today)
    if not check.ok:
        e["id_number"] = check.message
    else:
        if form.sex and form.sex != check.sex:
            e["sex"] = f"性别与证件号码不符（证件号码显示为{check.sex}）"
        if form.birth_date and form.birth_date != check.birth_date:
            e["birth_date"] = f"出生日期与证件号码不符（证件号码显示为{check.birth_date:%Y-%m-%d}）"
    if not form.relation:
        e["relation"] = "请选择与户主关系"
    elif form.relation not in RELATIONS:
        e["relation"] = f"与户主关系只能是：{'、'.join(RELATIONS)}"
    if form.status not in MEMBER_STATUSES:
        e["status"] = f"人员状态只能是：{'、'.join(MEMBER_STATUSES)}"
    elif form.status != "正常" and form.status_date is None:
        e["status_date"] = f"标记为“{form.status}”须填写日期"
    _not_future(e, "status_date", form.status_date, today)
    birth = check.birth_date if check.ok else form.birth_date
    if form.status_date and birth and form.status_date < birth:
        e.setdefault("status_date", "状态变更日期不能早于出生日期")
    if form.work_months is not None and not 0 <= form.work_months <= 12:
        e["work_months"] = "务工时间应在0至12个月之间"
    msg = phone_error(form.phone)
    if msg:
        e["phone"] = f"联系电话{msg}"
    _too_long(Member, form, (n for n in MEMBER_FIELDS if n not in e), e)
    _by_specs(_MEMBER_SPECS, form, MEMBER_FIELDS, e, today)
    return e


def validate_measure(form: MeasureForm, today: dt.date | None = None) -> dict[str, str]:
    today = today or dt.date.today()
    e = {}
    if form.category not in MEASURE_NAMES:
        e["category"] = f"请选择帮扶措施类别：{'、'.join(MEASURE_NAMES)}"
    if form.date is None:
        e["date"] = "请填写措施日期"
    _not_future(e, "date", form.date, today, "措施日期")
    if not clean(form.content):
        e["content"] = "请填写措施内容"
    if form.amount is not None and (not isinstance(form.amount, Decimal) or form.amount < 0
                                    or form.amount >= MAX_AMOUNT):
        e["amount"] = "金额应为不小于0的数"
    return e


def validate_visit(form: VisitForm, today: dt.date | None = None) -> dict[str, str]:
    today = today or dt.date.today()
    e = {}
    if form.date is None:
        e["date"] = "请填写走访日期"
    _not_future(e, "date", form.date, today, "走访日期")
    if not clean(form.visitor):
        e["visitor"] = "请填写走访人"
    if not clean(form.findings):
        e["findings"] = "请填写走访情况"
    return e
