"""The household dialog's services: load a household as plain data, validate, save.

Every save is one ``db.write()`` (audited by the ORM) and checks the version the dialog loaded:
if another clerk saved first, ``ConflictError`` (“该记录已被他人修改，请刷新后重试”) and nothing
is written, so the dialog keeps what was typed. Members are never deleted: they are marked
死亡 / 迁出 / … with a date, or, when entered by mistake, soft-deleted.

Forms live in ``forms.py`` and validation in ``form_rules.py``; this module adds
the rules that need the database (unique 户编号 and 证件号码, one 户主 per household, existing
village).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ...errors import ConflictError, UserError, ValidationError
from ...models import Household, HouseholdIncome, Measure, Member, Village, Visit
from ...models.base import utcnow
from ...domain.bankcard import normalize_account
from ..closures import begin_correction
from .forms import (
    HOUSEHOLD_FIELDS,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    HouseholdForm,
    IncomeForm,
    MeasureForm,
    MemberForm,
    VisitForm,
    clean,
    normalize_phone,
)
from .form_rules import (
    household_warnings,
    preview_income,
    validate_household,
    validate_income,
    validate_measure,
    validate_member,
    validate_visit,
)
from ...domain.idcard import normalize_id, validate_id

__all__ = [
    "HouseholdForm", "MemberForm", "IncomeForm", "MeasureForm", "VisitForm", "load_household",
    "new_household", "validate_household", "household_warnings", "preview_income",
    "save_household", "remove_household",
    "restore_household", "add_member", "update_member",
    "mark_member_status", "remove_member", "save_income", "remove_income", "add_measure",
    "update_measure", "remove_measure", "add_visit", "update_visit", "remove_visit",
]


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        first = next(iter(errors.values()))
        more = f"（另有{len(errors) - 1}处需要修改）" if len(errors) > 1 else ""
        raise ValidationError(first + more, field=next(iter(errors)), errors=errors)


def _flush(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError as exc:  # somebody committed between our read and our write
        raise ConflictError() from exc


def _check_version(obj, version: int | None) -> None:
    if version is not None and obj.version != version:
        from sqlalchemy.orm import object_session

        from ..records import stale

        raise stale(object_session(obj), obj)


def _get(s: Session, model, ident: int, what: str):
    obj = s.get(model, ident)
    if obj is None or getattr(obj, "deleted_at", None) is not None:
        raise UserError(f"该{what}已不存在（可能已被他人删除），请刷新后重试")
    return obj


def _soft_deletable(model) -> bool:
    return hasattr(model, "deleted_at")


# ---- loading ---------------------------------------------------------------------------------

def _member_form(m: Member) -> MemberForm:
    return MemberForm(id=m.id, household_id=m.household_id, version=m.version,
                      deleted=m.deleted_at is not None,
                      **{k: getattr(m, k) for k in MEMBER_FIELDS})


def _income_form(i: HouseholdIncome) -> IncomeForm:
    return IncomeForm(year=i.year, id=i.id, version=i.version, net_income=i.net_income,
                      per_capita_income=i.per_capita_income,
                      **{k: getattr(i, k) for k in INCOME_FIELDS})


def load_household(db, household_id: int, include_deleted_members: bool = False) -> HouseholdForm:
    """Everything the dialog shows, as plain data (safe to hand to another thread)."""
    with db.read() as s:
        h = s.get(Household, household_id)
        if h is None:
            raise UserError("该户已不存在，请刷新后重试")
        form = HouseholdForm(id=h.id, version=h.version, deleted=h.deleted_at is not None,
                             **{k: getattr(h, k) for k in HOUSEHOLD_FIELDS})
        form.members = [_member_form(m) for m in h.members
                        if include_deleted_members or m.deleted_at is None]
        form.incomes = [_income_form(i) for i in h.incomes]
        form.measures = [MeasureForm(id=m.id, version=m.version, category=m.category, date=m.date,
                                     content=m.content, amount=m.amount, responsible=m.responsible,
                                     member_id=m.member_id)
                         for m in sorted(h.measures, key=lambda m: (m.date, m.id))
                         if getattr(m, "deleted_at", None) is None]
        form.visits = [VisitForm(id=v.id, version=v.version, date=v.date, visitor=v.visitor,
                                 findings=v.findings, follow_up=v.follow_up)
                       for v in sorted(h.visits, key=lambda v: (v.date, v.id))
                       if getattr(v, "deleted_at", None) is None]
        return _masked_for_auditor(s, form)


def _masked_for_auditor(s: Session, form: HouseholdForm) -> HouseholdForm:
    """An auditor's copy of the form shows every ID, bank and phone number masked (issue 13);
    an auditor cannot save, so the masked values never come back."""
    from ..users.access import AUDITOR, _role
    from ..settings import masker

    if _role(s) != AUDITOR:
        return form
    mid, mbank, mphone = masker(s)
    for key, fn in (("phone", mphone), ("bank_account", mbank), ("helper_phone", mphone)):
        if getattr(form, key, None):
            setattr(form, key, fn(getattr(form, key)))
    for m in form.members:
        m.id_number = mid(m.id_number) if m.id_number else m.id_number
        if getattr(m, "phone", None):
            m.phone = mphone(m.phone)
    return form


def new_household(db, village_id: int | None = None) -> HouseholdForm:
    """A blank form for 新建户, with the township's county and name filled in."""
    from .. import settings

    info = settings.township_info(db)
    return HouseholdForm(village_id=village_id, county=info.county or None,
                         township=info.township or None, household_type="一般农户")


# ---- saving the household ---------------------------------------------------------------------

def _household_values(form: HouseholdForm) -> dict:
    values = {k: clean(getattr(form, k)) for k in HOUSEHOLD_FIELDS}
    values["phone"] = normalize_phone(form.phone)
    values["helper_phone"] = normalize_phone(form.helper_phone)
    values["bank_account"] = normalize_account(clean(form.bank_account) or "") or None
    return values


def save_household(db, form: HouseholdForm, today: dt.date | None = None,
                   correction: str | None = None) -> int:
    """Create or update the household and the incomes listed in ``form``; returns the household's
    new version and, once committed, sets ``form.id`` (a new household's id) and
    ``form.version`` (reload the form to edit incomes again). Raises ValidationError or
    ConflictError and writes nothing — and leaves ``form`` as typed — when either happens.
    An income of a closed archive year changes only as a 更正 (``correction`` = its reason)."""
    _raise_if(validate_household(form, today))
    values = _household_values(form)
    with db.write(reason="编辑户信息") as s:
        begin_correction(s, correction)
        errors = {}
        if s.get(Village, form.village_id) is None:
            errors["village_id"] = "所选行政村不存在，请重新选择"
        clash = s.scalar(select(Household.id).where(Household.code == values["code"]))
        if clash is not None and clash != form.id:
            errors["code"] = f"户编号{values['code']}已被另一户使用"
        _raise_if(errors)
        if form.id is None:
            h = Household(**values)
            s.add(h)
        else:
            h = _get(s, Household, form.id, "户")
            _check_version(h, form.version)
            for key, value in values.items():
                if getattr(h, key) != value:
                    setattr(h, key, value)
        _flush(s)
        for inc in form.incomes:
            _write_income(s, h.id, inc)
        _flush(s)
        saved = (h.id, h.version)
    form.id, form.version = saved
    return saved[1]


def _write_income(s: Session, household_id: int, form: IncomeForm) -> HouseholdIncome:
    values = {k: getattr(form, k) for k in INCOME_FIELDS}
    existing = s.scalar(select(HouseholdIncome.id).where(
        HouseholdIncome.household_id == household_id, HouseholdIncome.year == form.year))
    if existing is not None and existing != form.id and form.id is not None:
        # another row already holds that year (the table allows one per household and year)
        raise ValidationError(f"{form.year}年的收入已经登记，请直接修改该年的收入",
                              field=f"income.{form.year}.year")
    if form.id is None:
        if existing is not None:
            raise ValidationError(f"{form.year}年的收入已由他人录入，请刷新后修改",
                                  field=f"income.{form.year}.year")
        row = HouseholdIncome(household_id=household_id, year=form.year, **values)
        s.add(row)
        return row
    row = _get(s, HouseholdIncome, form.id, "收入记录")
    if row.household_id != household_id:
        raise UserError("收入记录不属于该户，请刷新后重试")
    _check_version(row, form.version)
    row.year = form.year
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    return row


def save_income(db, household_id: int, form: IncomeForm, today: dt.date | None = None,
                correction: str | None = None) -> IncomeForm:
    """Create or update one year's income; returns it with 纯收入 / 人均纯收入 computed.
    The income of a closed archive year changes only as a 更正 (``correction`` = its reason)."""
    _raise_if({f"income.{form.year}.{k}": v for k, v in validate_income(form, today).items()})
    with db.write(reason="编辑收入") as s:
        begin_correction(s, correction)
        _get(s, Household, household_id, "户")
        row = _write_income(s, household_id, form)
        _flush(s)
        return _income_form(row)


def remove_income(db, income_id: int, version: int | None = None,
                  correction: str | None = None) -> None:
    """Remove one year's income entered by mistake (the audit log keeps its figures)."""
    with db.write(reason="删除收入记录") as s:
        begin_correction(s, correction)
        row = _get(s, HouseholdIncome, income_id, "收入记录")
        _check_version(row, version)
        s.delete(row)
        _flush(s)


def remove_household(db, household_id: int, reason: str, version: int | None = None) -> None:
    """Soft-delete a household (ledgers that printed it still find it; the registry hides it)."""
    if not clean(reason):
        raise ValidationError("请说明删除原因", field="deleted_reason")
    with db.write(reason=f"删除户：{clean(reason)}") as s:
        h = _get(s, Household, household_id, "户")
        _check_version(h, version)
        h.deleted_at = utcnow()
        h.deleted_reason = clean(reason)[:200]
        _flush(s)


def restore_household(db, household_id: int) -> None:
    with db.write(reason="恢复已删除的户") as s:
        h = s.get(Household, household_id)
        if h is None:
            raise UserError("该户不存在")
        h.deleted_at = None
        h.deleted_reason = None
        _flush(s)


# ---- members ---------------------------------------------------------------------------------

def _member_values(form: MemberForm, today: dt.date | None) -> dict:
    values = {k: clean(getattr(form, k)) for k in MEMBER_FIELDS}
    values["id_number"] = normalize_id(form.id_number)
    values["phone"] = normalize_phone(form.phone)
    check = validate_id(values["id_number"], today)
    values["sex"], values["birth_date"] = check.sex, check.birth_date  # the ID decides
    if values["status"] == "正常":
        values["status_date"] = None
    return values


def _member_db_errors(s: Session, household_id: int, values: dict, member_id: int | None) -> dict:
    errors = {}
    owner = s.execute(select(Member.id, Member.name, Household.code)
                      .join(Household, Household.id == Member.household_id)
                      .where(Member.id_number == values["id_number"])).first()
    if owner is not None and owner.id != member_id:
        errors["id_number"] = f"证件号码已属于户{owner.code}的{owner.name}，同一人不能重复登记"
    if values["relation"] == "户主" and values["status"] == "正常":
        head = s.execute(select(Member.id, Member.name).where(
            Member.household_id == household_id, Member.relation == "户主",
            Member.status == "正常", Member.deleted_at.is_(None))).first()
        if head is not None and head.id != member_id:
            errors["relation"] = f"该户已有户主{head.name}，请先把原户主改为其他关系"
    return errors


def add_member(db, household_id: int, form: MemberForm, today: dt.date | None = None) -> int:
    """Add a member to the household; returns the new member's id."""
    _raise_if(validate_member(form, today))
    values = _member_values(form, today)
    with db.write(reason="新增家庭成员") as s:
        _get(s, Household, household_id, "户")
        _raise_if(_member_db_errors(s, household_id, values, None))
        m = Member(household_id=household_id, **values)
        s.add(m)
        _flush(s)
        return m.id


def update_member(db, form: MemberForm, today: dt.date | None = None) -> int:
    """Save an edited member (form.id and form.version set); returns the new version."""
    _raise_if(validate_member(form, today))
    values = _member_values(form, today)
    with db.write(reason="编辑家庭成员") as s:
        m = _get(s, Member, form.id, "家庭成员")
        _check_version(m, form.version)
        _raise_if(_member_db_errors(s, m.household_id, values, m.id))
        for key, value in values.items():
            if getattr(m, key) != value:
                setattr(m, key, value)
        _flush(s)
        return m.version


def mark_member_status(db, member_id: int, status: str, date: dt.date | None,
                       note: str | None = None, version: int | None = None,
                       today: dt.date | None = None) -> int:
    """Mark a member 死亡 / 迁出 / … from ``date`` (or back to 正常); the record stays. Returns the
    new version."""
    with db.write(reason=f"标记人员状态：{status}") as s:
        m = _get(s, Member, member_id, "家庭成员")
        _check_version(m, version)
        form = _member_form(m)
        form.status, form.status_date, form.status_note = status, date, clean(note)
        errors = {k: v for k, v in validate_member(form, today).items()
                  if k in ("status", "status_date")}
        if status == "正常" and m.relation == "户主":
            errors.update({k: v for k, v in _member_db_errors(
                s, m.household_id, {"id_number": m.id_number, "relation": "户主",
                                    "status": "正常"}, m.id).items() if k == "relation"})
        _raise_if(errors)
        m.status = status
        m.status_date = None if status == "正常" else date
        m.status_note = clean(note)
        _flush(s)
        return m.version


def remove_member(db, member_id: int, reason: str, version: int | None = None) -> None:
    """Soft-delete a member entered by mistake (a member who died or moved out is *marked*
    instead, see mark_member_status)."""
    if not clean(reason):
        raise ValidationError("请说明删除原因", field="deleted_reason")
    with db.write(reason=f"删除家庭成员：{clean(reason)}") as s:
        m = _get(s, Member, member_id, "家庭成员")
        _check_version(m, version)
        m.deleted_at = utcnow()
        m.deleted_reason = clean(reason)[:200]
        _flush(s)


# ---- measures and visits ---------------------------------------------------------------------

_MEASURE_KEYS = ("category", "date", "content", "amount", "responsible", "member_id")
_VISIT_KEYS = ("date", "visitor", "findings", "follow_up")


def _add(db, model, household_id, form, keys, validate, today, what, correction=None) -> int:
    _raise_if(validate(form, today))
    with db.write(reason=f"新增{what}") as s:
        begin_correction(s, correction)
        _get(s, Household, household_id, "户")
        _check_member(s, household_id, getattr(form, "member_id", None))
        obj = model(household_id=household_id, **{k: clean(getattr(form, k)) for k in keys})
        s.add(obj)
        _flush(s)
        return obj.id


def _update(db, model, form, keys, validate, today, what, correction=None) -> int:
    _raise_if(validate(form, today))
    with db.write(reason=f"编辑{what}") as s:
        begin_correction(s, correction)
        obj = _get(s, model, form.id, what)
        _check_version(obj, form.version)
        _check_member(s, obj.household_id, getattr(form, "member_id", None))
        for key in keys:
            value = clean(getattr(form, key))
            if getattr(obj, key) != value:
                setattr(obj, key, value)
        _flush(s)
        return obj.version


def _remove(db, model, ident: int, version: int | None, what: str, correction=None) -> None:
    with db.write(reason=f"删除{what}") as s:
        begin_correction(s, correction)
        obj = _get(s, model, ident, what)
        _check_version(obj, version)
        if _soft_deletable(model):
            obj.deleted_at = utcnow()
        else:  # the audit log keeps the removed record's values
            s.delete(obj)
        _flush(s)


def _check_member(s: Session, household_id: int, member_id: int | None) -> None:
    if member_id is None:
        return
    hid = s.scalar(select(Member.household_id).where(Member.id == member_id))
    if hid != household_id:
        raise ValidationError("所选成员不属于该户", field="member_id",
                              errors={"member_id": "所选成员不属于该户"})


def add_measure(db, household_id: int, form: MeasureForm, today=None, correction=None) -> int:
    return _add(db, Measure, household_id, form, _MEASURE_KEYS, validate_measure, today, "帮扶措施", correction)


def update_measure(db, form: MeasureForm, today=None, correction=None) -> int:
    return _update(db, Measure, form, _MEASURE_KEYS, validate_measure, today, "帮扶措施", correction)


def remove_measure(db, measure_id: int, version: int | None = None, correction=None) -> None:
    _remove(db, Measure, measure_id, version, "帮扶措施", correction)


def add_visit(db, household_id: int, form: VisitForm, today=None, correction=None) -> int:
    return _add(db, Visit, household_id, form, _VISIT_KEYS, validate_visit, today, "走访记录", correction)


def update_visit(db, form: VisitForm, today=None, correction=None) -> int:
    return _update(db, Visit, form, _VISIT_KEYS, validate_visit, today, "走访记录", correction)


def remove_visit(db, visit_id: int, version: int | None = None, correction=None) -> None:
    _remove(db, Visit, visit_id, version, "走访记录", correction)


def active_member_count(db, household_id: int) -> int:
    """人数 of a household (status 正常, not deleted): the default 人口数 of a new income year."""
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Member).where(
            Member.household_id == household_id, Member.status == "正常",
            Member.deleted_at.is_(None))) or 0
