"""Editing a settlement (就医结算): parse the form as typed, validate it field by field, save it
with optimistic locking, soft-delete it.

Form data is a plain dict keyed by the field names of :data:`medical_calc.LABELS` (values as typed:
str, Decimal, date, bool). The GUI shows ``validate_settlement``'s {field: message} next to each
field; payer totals that exceed 总费用 are reported under ``self_paid`` (the derived 个人自付 box).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import ConflictError, ValidationError
from ...models import Household, Member, Settlement
from ...models.base import utcnow
from ...models.medical import CARE_TYPES, HOSPITAL_LEVELS, OTHER_SUPPORT_KINDS
from ...domain import medical_calc as calc
from ...domain.field_specs import MEDICAL_SETTLEMENT, form_errors
from .settlements import SettlementRow, get_settlement, reading
from ..closures import begin_correction
from ...domain.normalize import clean_text, parse_amount, parse_bool_cn, parse_date

ZERO = calc.ZERO

@dataclass(slots=True)
class ParsedForm:
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _choice(p: ParsedForm, data: dict, key: str, options, required: bool) -> None:
    v = clean_text(data.get(key))
    label = calc.LABELS[key]
    if v is None:
        if required:
            p.errors[key] = f"请选择{label}"
        p.values[key] = None
    elif v not in options:
        p.errors[key] = f"{label}“{v}”不在可选范围内（{'、'.join(options)}）"
    else:
        p.values[key] = v


def parse_form(data: dict) -> ParsedForm:
    """Typed values -> clean values, with a Chinese message per unreadable field."""
    p = ParsedForm()
    mid = data.get("member_id")
    p.values["member_id"] = mid
    if mid in (None, ""):
        p.errors["member_id"] = "请选择就医人员"
    for key, required in (("hospital_name", True), ("diagnosis", False), ("settlement_no", True),
                          ("note", False)):
        v = clean_text(data.get(key))
        if key == "settlement_no" and v:
            v = "".join(v.split())
        p.values[key] = v
        if required and not v:
            p.errors[key] = f"请填写{calc.LABELS[key]}"
    _choice(p, data, "care_type", CARE_TYPES, True)
    _choice(p, data, "hospital_level", HOSPITAL_LEVELS, False)
    _choice(p, data, "other_kind", OTHER_SUPPORT_KINDS, False)
    for key in ("admission_date", "discharge_date", "settlement_date"):
        try:
            p.values[key] = parse_date(data.get(key))
        except ValueError as exc:
            p.values[key] = None
            p.errors[key] = f"{calc.LABELS[key]}：{exc}"
    if p.values["settlement_date"] is None and "settlement_date" not in p.errors:
        p.errors["settlement_date"] = "请填写结算日期"
    if (p.values.get("care_type") == "住院" and p.values["admission_date"] is None
            and "admission_date" not in p.errors):
        p.errors["admission_date"] = "住院结算请填写入院日期"
    for key in calc.AMOUNT_FIELDS:
        raw = data.get(key)
        try:
            v = raw if isinstance(raw, Decimal) else parse_amount(raw)
            p.values[key] = None if v is None else calc.fen(v)
        except ValueError:
            p.values[key] = None
            p.errors[key] = f"{calc.LABELS[key]}“{raw}”不是有效金额，请只填写数字，如 1234.56"
    if p.values["total_cost"] is None and "total_cost" not in p.errors:
        p.errors["total_cost"] = "请填写总费用"
    for key in ("pay_after_treatment", "one_stop"):
        raw = data.get(key)
        try:
            p.values[key] = bool(raw if isinstance(raw, bool) else parse_bool_cn(raw))
        except ValueError:
            p.values[key] = False
            p.errors[key] = f"{calc.LABELS[key]}请选择“是”或“否”"
    return p


def _check_rules(s: Session, p: ParsedForm, settlement_id: int | None, today) -> None:
    v, errors = p.values, p.errors
    amounts = {k: v.get(k) for k in calc.AMOUNT_FIELDS}
    for issue in calc.check_amounts(amounts):
        errors.setdefault(issue.field, issue.message)
    for issue in calc.check_dates(v.get("care_type"), v.get("admission_date"),
                                  v.get("discharge_date"), v.get("settlement_date"), today):
        errors.setdefault(issue.field, issue.message)
    # the field specs the import checks too: sizes of the columns, control characters, dates
    # 1900-01-01 … today + 1 year, amounts 0 … 10^9
    for key, msg in form_errors(MEDICAL_SETTLEMENT, v, today or dt.date.today(),
                                skip=set(errors)).items():
        errors.setdefault(key, msg)
    no = v.get("settlement_no")
    if no:
        q = select(Settlement.id, Settlement.deleted_at, Member.name, Settlement.settlement_date) \
            .join(Member, Member.id == Settlement.member_id).where(Settlement.settlement_no == no)
        if settlement_id is not None:
            q = q.where(Settlement.id != settlement_id)
        other = s.execute(q).first()
        if other is not None:
            gone = "（该记录已删除）" if other[1] is not None else ""
            errors["settlement_no"] = (f"结算单据号 {no} 已存在：{other[2]} {other[3].isoformat()} "
                                       f"的结算{gone}，请核对单据号")
    mid = v.get("member_id")
    if mid not in (None, ""):
        m = s.get(Member, int(mid))
        hh = s.get(Household, m.household_id) if m is not None else None
        if m is None or m.deleted_at is not None:
            errors["member_id"] = "所选人员不存在或已删除，请重新选择"
        elif hh is not None and hh.deleted_at is not None and not (
                settlement_id is not None and s.scalar(select(Settlement.member_id).where(
                    Settlement.id == settlement_id)) == m.id):
            # a settlement entered before the deletion can still be corrected
            errors["member_id"] = (f"{m.name}所在的户（户编号{hh.code}）该户已删除，不能为其新增结算。"
                                   "如该户确应保留，请先在户信息中恢复该户")
        else:
            msg = calc.member_alive_message(m.name, m.status, m.status_date,
                                            v.get("settlement_date"))
            if msg:
                errors["member_id"] = msg


def validate_settlement(src, data: dict, settlement_id: int | None = None,
                        today: dt.date | None = None) -> dict[str, str]:
    """{field: Chinese message} for everything wrong with ``data``; empty when it can be saved."""
    with reading(src) as s:
        p = parse_form(data)
        _check_rules(s, p, settlement_id, today)
        return p.errors


def save_settlement(db, data: dict, settlement_id: int | None = None,
                    version: int | None = None, reason: str | None = None,
                    today: dt.date | None = None, correction: str | None = None) -> SettlementRow:
    """Insert (``settlement_id`` None) or update a settlement; returns the saved row.

    ``version`` is the version the form was loaded with: a stale one raises ConflictError
    (“该记录已被他人修改，请刷新后重试”). Rule violations raise ValidationError whose ``errors``
    is the same dict :func:`validate_settlement` returns.
    """
    with db.write(reason=reason) as s:
        begin_correction(s, correction)  # a closed archive year's settlement: 更正 only
        p = parse_form(data)
        _check_rules(s, p, settlement_id, today)
        if p.errors:
            first = next(iter(p.errors))
            raise ValidationError(p.errors[first], field=first, errors=p.errors)
        if settlement_id is None:
            obj = Settlement(source="录入")
            s.add(obj)
        else:
            obj = s.get(Settlement, settlement_id)
            if obj is None or obj.deleted_at is not None:
                raise ConflictError("该结算记录已不存在（可能已被他人删除），请刷新后重试")
            if version is not None and obj.version != version:
                raise ConflictError()
        vals = dict(p.values)
        vals["member_id"] = int(vals["member_id"])
        for k in calc.AMOUNT_FIELDS:
            if vals[k] is None:
                vals[k] = ZERO
        for k, val in vals.items():
            if getattr(obj, k) != val:
                setattr(obj, k, val)
        calc.recompute(obj)
        s.flush()
        new_id = obj.id
    return get_settlement(db, new_id)


def delete_settlement(db, settlement_id: int, version: int | None, reason: str,
                      correction: str | None = None) -> None:
    """Soft delete (ledgers of past periods keep their history in the audit log)."""
    if not (reason or "").strip():
        raise ValidationError("请填写删除原因", field="reason")
    with db.write(reason=reason) as s:
        begin_correction(s, correction)
        obj = s.get(Settlement, settlement_id)
        if obj is None or obj.deleted_at is not None:
            raise ConflictError("该结算记录已不存在（可能已被他人删除），请刷新后重试")
        if version is not None and obj.version != version:
            raise ConflictError()
        obj.deleted_at = utcnow()
        obj.deleted_reason = reason.strip()[:200]
