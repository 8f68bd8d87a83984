"""Family-doctor signings (家庭医生签约), their follow-ups, and the two gap lists:
members with a chronic disease but no signing, and signings overdue for a follow-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ...domain.asof import date_on
from ...errors import ConflictError, ValidationError
from ...models import ChronicCard, DiseaseType, DoctorSigning, FollowUp, Household, Member, Village
from ..records import live_record, raise_first, soft_delete
from .chronic import ACTIVE_CARD, signed_clause
from ...domain.field_specs import FOLLOW_UP, SIGNING, form_errors
from .settings import followup_months
from .settlements import reading
from ...domain.normalize import clean_text, digits_text, parse_date

SIGNING_GONE = "该签约记录已不存在，请刷新后重试"


@dataclass(slots=True)
class SigningRow:
    id: int
    version: int
    member_id: int
    member_name: str
    id_number: str
    household_id: int
    household_code: str
    village_name: str
    doctor_name: str
    team: str | None
    institution: str | None
    doctor_phone: str | None
    signed_date: dt.date
    end_date: dt.date | None
    note: str | None
    follow_up_count: int
    last_follow_up: dt.date | None
    active: bool  # running today
    person_deleted: bool = False  # the member or the household is deleted (ledgers mark it)

    def form_data(self) -> dict:
        return {k: getattr(self, k) for k in ("member_id", "doctor_name", "team", "institution",
                                               "doctor_phone", "signed_date", "end_date", "note")}


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    id: int
    version: int
    signing_id: int
    date: dt.date
    content: str
    method: str | None
    doctor_name: str | None


def _fu_stats(as_of: dt.date | None = None):
    q = select(FollowUp.signing_id, func.count().label("n"), func.max(FollowUp.date).label("last"))
    if as_of is not None:
        q = q.where(FollowUp.date <= as_of)
    return q.group_by(FollowUp.signing_id).subquery()


def _signing_query(today: dt.date, as_of: dt.date | None = None):
    fu = _fu_stats(as_of)
    active = and_(DoctorSigning.signed_date <= today,
                  or_(DoctorSigning.end_date.is_(None), DoctorSigning.end_date >= today))
    q = (select(DoctorSigning.id, DoctorSigning.version, Member.id, Member.name, Member.id_number,
                Household.id, Household.code, Village.name, DoctorSigning.doctor_name,
                DoctorSigning.team, DoctorSigning.institution, DoctorSigning.doctor_phone,
                DoctorSigning.signed_date, DoctorSigning.end_date, DoctorSigning.note,
                func.coalesce(fu.c.n, 0), fu.c.last, active,
                or_(Member.deleted_at.is_not(None), Household.deleted_at.is_not(None)))
         .join(Member, Member.id == DoctorSigning.member_id)
         .join(Household, Household.id == Member.household_id)
         .join(Village, Village.id == Household.village_id)
         .outerjoin(fu, fu.c.signing_id == DoctorSigning.id)
         .where(DoctorSigning.deleted_at.is_(None))
         .order_by(Village.sort_order, Village.name, Household.code, Member.id,
                   DoctorSigning.signed_date))
    return q, fu, active


def _to_rows(s: Session, q, as_of: dt.date | None = None) -> list[SigningRow]:
    rows = [SigningRow(*r[:15], int(r[15]), r[16], bool(r[17]), bool(r[18])) for r in s.execute(q)]
    if as_of is not None:  # as known that day: an end date still to come is not printed
        rows = [replace(r, end_date=date_on(r.end_date, as_of)) for r in rows]
    return rows


def list_signings(src, village_id: int | None = None, text: str | None = None,
                  active_only: bool = False, household_id: int | None = None,
                  member_id: int | None = None, signed_in: tuple[dt.date, dt.date] | None = None,
                  today: dt.date | None = None, as_of: dt.date | None = None,
                  household_ids: list[int] | None = None) -> list[SigningRow]:
    """Signings (not deleted) with their follow-up count and last follow-up date. ``as_of``:
    as they stood that day (signed by then, its follow-ups, running on it)."""
    today = as_of or today or dt.date.today()
    with reading(src) as s:
        q, _fu, active = _signing_query(today, as_of)
        if as_of is not None:
            q = q.where(DoctorSigning.signed_date <= as_of)
        if village_id is not None:
            q = q.where(Household.village_id == village_id)
        if household_id is not None:
            q = q.where(Member.household_id == household_id)
        if household_ids is not None:
            q = q.where(Member.household_id.in_(household_ids))
        if member_id is not None:
            q = q.where(Member.id == member_id)
        if active_only:
            q = q.where(active)
        if signed_in is not None:
            q = q.where(DoctorSigning.signed_date >= signed_in[0],
                        DoctorSigning.signed_date < signed_in[1])
        if text and text.strip():
            like = f"%{text.strip()}%"
            q = q.where(or_(Member.name.like(like), Member.id_number.like(like.upper()),
                            DoctorSigning.doctor_name.like(like), DoctorSigning.team.like(like)))
        return _to_rows(s, q, as_of)


def months_before(day: dt.date, months: int) -> dt.date:
    m = day.month - months
    y = day.year + (m - 1) // 12
    m = (m - 1) % 12 + 1
    last = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(day.day, last))


def signings_without_followup(src, months: int | None = None, today: dt.date | None = None,
                              village_id: int | None = None) -> list[SigningRow]:
    """Running signings with no follow-up in the last ``months`` months (setting by default).

    A signing younger than that is not overdue yet: the clock starts at the signing date.
    """
    today = today or dt.date.today()
    with reading(src) as s:
        n = months or followup_months(s)
        cutoff = months_before(today, n)
        q, fu, active = _signing_query(today)
        q = q.where(active, DoctorSigning.signed_date < cutoff,
                    or_(fu.c.last.is_(None), fu.c.last < cutoff))
        if village_id is not None:
            q = q.where(Household.village_id == village_id)
        return _to_rows(s, q)


@dataclass(frozen=True, slots=True)
class UnsignedChronic:
    member_id: int
    member_name: str
    id_number: str
    household_id: int
    household_code: str
    village_name: str
    diseases: str  # from the cards, e.g. 高血压、糖尿病
    health: str | None  # 健康状况 of the member
    basis: str  # 慢性病卡 / 健康状况


def chronic_without_signing(src, village_id: int | None = None, today: dt.date | None = None,
                            include_health_status: bool = True) -> list[UnsignedChronic]:
    """Living members with a chronic disease (an active card, or 健康状况 “…慢性病…” in the
    household registry) and no running family-doctor signing."""
    today = today or dt.date.today()
    with reading(src) as s:
        has_card = (select(ChronicCard.member_id)
                    .where(ChronicCard.deleted_at.is_(None), ChronicCard.status.in_(ACTIVE_CARD)))
        cond = Member.id.in_(has_card)
        if include_health_status:
            cond = or_(cond, Member.health.like("%慢性病%"))
        q = (select(Member.id, Member.name, Member.id_number, Household.id, Household.code,
                    Village.name, Member.health)
             .join(Household, Household.id == Member.household_id)
             .join(Village, Village.id == Household.village_id)
             .where(cond, Member.deleted_at.is_(None), Member.status == "正常",
                    Household.deleted_at.is_(None), ~signed_clause(today))
             .order_by(Village.sort_order, Village.name, Household.code, Member.id))
        if village_id is not None:
            q = q.where(Household.village_id == village_id)
        rows = s.execute(q).all()
        diseases: dict[int, list[str]] = {}
        ids = [r[0] for r in rows]
        for i in range(0, len(ids), 900):
            for mid, name in s.execute(
                    select(ChronicCard.member_id, DiseaseType.name)
                    .join(DiseaseType, DiseaseType.id == ChronicCard.disease_id)
                    .where(ChronicCard.member_id.in_(ids[i:i + 900]),
                           ChronicCard.deleted_at.is_(None), ChronicCard.status.in_(ACTIVE_CARD))
                    .order_by(DiseaseType.sort_order)):
                diseases.setdefault(mid, []).append(name)
        return [UnsignedChronic(*r[:6], "、".join(diseases.get(r[0], [])), r[6],
                                "慢性病卡" if r[0] in diseases else "健康状况") for r in rows]


# ------------------------------------------------------------------------ editing

def _parse_signing(s: Session, data: dict) -> tuple[dict, dict[str, str]]:
    v: dict = {}
    e: dict[str, str] = {}
    mid = data.get("member_id")
    if mid in (None, ""):
        e["member_id"] = "请选择签约人员"
    else:
        m = s.get(Member, int(mid))
        if m is None or m.deleted_at is not None:
            e["member_id"] = "所选人员不存在或已删除，请重新选择"
        v["member_id"] = int(mid)
    v["doctor_name"] = clean_text(data.get("doctor_name"))
    if not v["doctor_name"]:
        e["doctor_name"] = "请填写签约医生"
    for k in ("team", "institution", "note"):
        v[k] = clean_text(data.get(k))
    try:
        v["doctor_phone"] = digits_text(data.get("doctor_phone"), "医生电话")
    except ValueError as exc:
        e["doctor_phone"] = str(exc)
    for key, label in (("signed_date", "签约日期"), ("end_date", "到期日期")):
        try:
            v[key] = parse_date(data.get(key))
        except ValueError as exc:
            v[key] = None
            e[key] = f"{label}：{exc}"
    if v.get("signed_date") is None:
        e.setdefault("signed_date", "请填写签约日期")
    elif v["signed_date"] > dt.date.today():
        e["signed_date"] = "签约日期晚于今天，请核对"
    if v.get("signed_date") and v.get("end_date") and v["end_date"] < v["signed_date"]:
        e.setdefault("end_date", "到期日期不能早于签约日期")
    for key, msg in form_errors(SIGNING, v, dt.date.today(), skip=set(e)).items():
        e.setdefault(key, msg)  # column sizes, control characters, date range
    return v, e


def validate_signing(src, data: dict) -> dict[str, str]:
    with reading(src) as s:
        return _parse_signing(s, data)[1]


def save_signing(db, data: dict, signing_id: int | None = None,
                 version: int | None = None) -> SigningRow:
    with db.write(reason="登记家庭医生签约") as s:
        vals, errors = _parse_signing(s, data)
        raise_first(errors)
        if signing_id is None:
            obj = DoctorSigning()
            s.add(obj)
        else:
            obj = live_record(s, DoctorSigning, signing_id, version, SIGNING_GONE)
        for k, val in vals.items():
            if getattr(obj, k) != val:
                setattr(obj, k, val)
        s.flush()
        new_id, mid = obj.id, obj.member_id
    return next(r for r in list_signings(db, member_id=mid) if r.id == new_id)


def delete_signing(db, signing_id: int, version: int | None, reason: str) -> None:
    soft_delete(db, DoctorSigning, signing_id, version, reason, SIGNING_GONE)


def list_follow_ups(src, signing_id: int) -> list[FollowUpRow]:
    with reading(src) as s:
        q = (select(FollowUp.id, FollowUp.version, FollowUp.signing_id, FollowUp.date,
                    FollowUp.content, FollowUp.method, FollowUp.doctor_name)
             .where(FollowUp.signing_id == signing_id).order_by(FollowUp.date, FollowUp.id))
        return [FollowUpRow(*r) for r in s.execute(q)]


def save_follow_up(db, signing_id: int, data: dict, follow_up_id: int | None = None,
                   version: int | None = None) -> FollowUpRow:
    """Add or edit a follow-up (随访): data keys date, content, method, doctor_name."""
    errors: dict[str, str] = {}
    try:
        day = parse_date(data.get("date"))
    except ValueError as exc:
        day = None
        errors["date"] = f"随访日期：{exc}"
    if day is None:
        errors.setdefault("date", "请填写随访日期")
    elif day > dt.date.today():
        errors["date"] = "随访日期晚于今天，请核对"
    content = clean_text(data.get("content"))
    if not content:
        errors["content"] = "请填写随访内容"
    given = {"date": day, "content": content, "method": clean_text(data.get("method")),
             "doctor_name": clean_text(data.get("doctor_name"))}
    for key, msg in form_errors(FOLLOW_UP, given, dt.date.today(), skip=set(errors)).items():
        errors.setdefault(key, msg)
    with db.write(reason="登记家庭医生随访") as s:
        sg = s.get(DoctorSigning, signing_id)
        if sg is None or sg.deleted_at is not None:
            raise ConflictError(SIGNING_GONE)
        if day and day < sg.signed_date:
            errors.setdefault("date", f"随访日期不能早于签约日期 {sg.signed_date.isoformat()}")
        if errors:
            first = next(iter(errors))
            raise ValidationError(errors[first], field=first, errors=errors)
        if follow_up_id is None:
            obj = FollowUp(signing_id=signing_id)
            s.add(obj)
        else:
            obj = s.get(FollowUp, follow_up_id)
            if obj is None or obj.signing_id != signing_id:
                raise ConflictError("该随访记录已不存在，请刷新后重试")
            if version is not None and obj.version != version:
                raise ConflictError()
        obj.date, obj.content = day, content
        obj.method = clean_text(data.get("method"))
        obj.doctor_name = clean_text(data.get("doctor_name"))
        s.flush()
        return FollowUpRow(obj.id, obj.version, signing_id, obj.date, obj.content, obj.method,
                           obj.doctor_name)


def delete_follow_up(db, follow_up_id: int, version: int | None = None) -> None:
    with db.write(reason="删除家庭医生随访记录") as s:
        obj = s.get(FollowUp, follow_up_id)
        if obj is None:
            raise ConflictError("该随访记录已不存在，请刷新后重试")
        if version is not None and obj.version != version:
            raise ConflictError()
        s.delete(obj)
