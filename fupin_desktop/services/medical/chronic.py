"""Chronic-disease cards (慢性病卡) and the editable list of diseases they are issued for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, insert, or_, select
from sqlalchemy.orm import Session

from ...domain.asof import card_state_on, date_on
from ...errors import ConflictError, ValidationError
from ...models import ChronicCard, DiseaseType, DoctorSigning, Household, Member, Village
from ..records import live_record, raise_first, soft_delete
from ...domain.field_specs import CHRONIC_CARD, form_errors
from ...models.medical import CARD_STATUSES, DEFAULT_DISEASES
from .settlements import reading
from ...domain.normalize import clean_text, parse_date

ACTIVE_CARD = ("有效", "待复审")

CARD_GONE = "该慢性病卡已不存在，请刷新后重试"


def ensure_disease_types(session: Session) -> None:
    """Seed the default disease list once (an empty table means a new database)."""
    if session.scalar(select(func.count()).select_from(DiseaseType)):
        return
    session.execute(insert(DiseaseType), [
        {"name": n, "sort_order": i, "active": True, "version": 1}
        for i, n in enumerate(DEFAULT_DISEASES)])
    from ...audit_events import record_bulk

    record_bulk(session, DiseaseType.__tablename__, "bulk",
                [("*", "默认慢性病种", {"names": list(DEFAULT_DISEASES)})])


@dataclass(frozen=True, slots=True)
class DiseaseTypeRow:
    id: int
    name: str
    sort_order: int
    active: bool
    version: int
    card_count: int


def list_disease_types(db, include_inactive: bool = False) -> list[DiseaseTypeRow]:
    """The disease list for pickers (seeded with the defaults on first use)."""
    with db.write(reason="初始化慢性病种") as s:
        ensure_disease_types(s)
    with db.read() as s:
        cnt = (select(ChronicCard.disease_id, func.count().label("n"))
               .where(ChronicCard.deleted_at.is_(None)).group_by(ChronicCard.disease_id).subquery())
        q = (select(DiseaseType.id, DiseaseType.name, DiseaseType.sort_order, DiseaseType.active,
                    DiseaseType.version, func.coalesce(cnt.c.n, 0))
             .outerjoin(cnt, cnt.c.disease_id == DiseaseType.id)
             .order_by(DiseaseType.sort_order, DiseaseType.id))
        if not include_inactive:
            q = q.where(DiseaseType.active.is_(True))
        return [DiseaseTypeRow(*r) for r in s.execute(q)]


def save_disease_type(db, name: str, type_id: int | None = None, version: int | None = None,
                      active: bool = True, sort_order: int | None = None) -> int:
    """Add or rename/deactivate a disease. Diseases with cards are deactivated, never deleted."""
    name = clean_text(name) or ""
    if not name:
        raise ValidationError("请填写病种名称", field="name")
    if len(name) > 30:
        raise ValidationError("病种名称不能超过30个字", field="name")
    with db.write(reason="维护慢性病种") as s:
        ensure_disease_types(s)
        clash = s.scalar(select(DiseaseType.id).where(DiseaseType.name == name))
        if clash is not None and clash != type_id:
            raise ValidationError(f"病种“{name}”已存在", field="name")
        if type_id is None:
            order = sort_order if sort_order is not None else (
                s.scalar(select(func.max(DiseaseType.sort_order))) or 0) + 1
            obj = DiseaseType(name=name, sort_order=order, active=active)
            s.add(obj)
        else:
            obj = s.get(DiseaseType, type_id)
            if obj is None:
                raise ConflictError("该病种已不存在，请刷新后重试")
            if version is not None and obj.version != version:
                raise ConflictError()
            obj.name, obj.active = name, bool(active)
            if sort_order is not None:
                obj.sort_order = sort_order
        s.flush()
        return obj.id


# ------------------------------------------------------------------------------ cards

@dataclass(slots=True)
class ChronicCardRow:
    id: int
    version: int
    member_id: int
    member_name: str
    id_number: str
    household_id: int
    household_code: str
    village_name: str
    disease_id: int
    disease_name: str
    card_no: str | None
    approved_date: dt.date | None
    review_date: dt.date | None
    status: str
    note: str | None
    signed: bool  # the member has a running family-doctor signing
    person_deleted: bool = False  # the member or the household is deleted (ledgers mark it)

    def form_data(self) -> dict:
        return {k: getattr(self, k) for k in ("member_id", "disease_id", "card_no",
                                               "approved_date", "review_date", "status", "note")}


def signed_clause(on: dt.date):
    """SQL: the member (Member.id) has a signing running on ``on``."""
    return exists().where(DoctorSigning.member_id == Member.id,
                          DoctorSigning.deleted_at.is_(None), DoctorSigning.signed_date <= on,
                          or_(DoctorSigning.end_date.is_(None), DoctorSigning.end_date >= on))


def list_chronic_cards(src, village_id: int | None = None, disease_id: int | None = None,
                       status: str | None = None, text: str | None = None,
                       household_id: int | None = None, member_id: int | None = None,
                       review_due_by: dt.date | None = None,
                       today: dt.date | None = None,
                       as_of: dt.date | None = None,
                       historical: bool = False,
                       household_ids: list[int] | None = None) -> list[ChronicCardRow]:
    """Cards (not deleted), by village and member. ``review_due_by``: 复审 due on or before.

    ``as_of`` (ledgers, the household file): the cards as they stood that day — issued by then,
    ``status`` their state from their dates (已过期 once the 复审日期 has passed, see
    domain/asof.card_state_on); ``historical`` (a past year's outputs): the recorded status as
    it was that day and a later 复审日期 not printed. Without ``as_of`` ``status`` is the
    recorded value (what the edit form works on)."""
    today = as_of or today or dt.date.today()
    with reading(src) as s:
        q = (select(ChronicCard.id, ChronicCard.version, Member.id, Member.name, Member.id_number,
                    Household.id, Household.code, Village.name, DiseaseType.id, DiseaseType.name,
                    ChronicCard.card_no, ChronicCard.approved_date, ChronicCard.review_date,
                    ChronicCard.status, ChronicCard.note, signed_clause(today),
                    or_(Member.deleted_at.is_not(None), Household.deleted_at.is_not(None)))
             .join(Member, Member.id == ChronicCard.member_id)
             .join(Household, Household.id == Member.household_id)
             .join(Village, Village.id == Household.village_id)
             .join(DiseaseType, DiseaseType.id == ChronicCard.disease_id)
             .where(ChronicCard.deleted_at.is_(None))
             .order_by(Village.sort_order, Village.name, Household.code, Member.id, DiseaseType.sort_order))
        if village_id is not None:
            q = q.where(Household.village_id == village_id)
        if disease_id is not None:
            q = q.where(ChronicCard.disease_id == disease_id)
        if status:
            q = q.where(ChronicCard.status == status)
        if household_id is not None:
            q = q.where(Member.household_id == household_id)
        if household_ids is not None:
            q = q.where(Member.household_id.in_(household_ids))
        if member_id is not None:
            q = q.where(Member.id == member_id)
        if review_due_by is not None:
            q = q.where(ChronicCard.review_date <= review_due_by,
                        ChronicCard.status.in_(ACTIVE_CARD))
        if text and text.strip():
            like = f"%{text.strip()}%"
            q = q.where(or_(Member.name.like(like), Member.id_number.like(like.upper()),
                            ChronicCard.card_no.like(like)))
        rows = [ChronicCardRow(*r[:15], bool(r[15]), bool(r[16])) for r in s.execute(q)]
        if as_of is None:
            return rows
        from ..asof import chronic_statuses_on

        recorded = chronic_statuses_on(s, as_of, [r.id for r in rows]) if historical else {}
        out = []
        for r in rows:
            state = card_state_on(recorded.get(r.id, r.status), r.approved_date, r.review_date, as_of)
            if state is None:
                continue  # issued after that day
            r.status = state
            if historical:
                r.review_date = date_on(r.review_date, as_of)
            out.append(r)
        return out


_CARD_LABELS = {"member_id": "人员", "disease_id": "病种", "card_no": "卡号",
                "approved_date": "认定日期", "review_date": "复审日期", "status": "状态",
                "note": "备注"}


def _parse_card(s: Session, data: dict, card_id: int | None) -> tuple[dict, dict[str, str]]:
    v: dict = {}
    e: dict[str, str] = {}
    mid, did = data.get("member_id"), data.get("disease_id")
    if mid in (None, ""):
        e["member_id"] = "请选择人员"
    else:
        m = s.get(Member, int(mid))
        if m is None or m.deleted_at is not None:
            e["member_id"] = "所选人员不存在或已删除，请重新选择"
        v["member_id"] = int(mid)
    if did in (None, ""):
        e["disease_id"] = "请选择病种"
    elif s.get(DiseaseType, int(did)) is None:
        e["disease_id"] = "所选病种不存在，请重新选择"
    else:
        v["disease_id"] = int(did)
    card_no = clean_text(data.get("card_no"))
    v["card_no"] = "".join(card_no.split()) if card_no else None
    v["note"] = clean_text(data.get("note"))
    v["status"] = clean_text(data.get("status")) or "有效"
    if v["status"] not in CARD_STATUSES:
        e["status"] = f"状态只能是{'、'.join(CARD_STATUSES)}"
    for key in ("approved_date", "review_date"):
        try:
            v[key] = parse_date(data.get(key))
        except ValueError as exc:
            v[key] = None
            e[key] = f"{_CARD_LABELS[key]}：{exc}"
    if v.get("approved_date") and v["approved_date"] > dt.date.today():
        e.setdefault("approved_date", "认定日期晚于今天，请核对")
    if v.get("approved_date") and v.get("review_date") and v["review_date"] < v["approved_date"]:
        e.setdefault("review_date", "复审日期不能早于认定日期")
    # the field specs: column sizes, control characters, dates 1900-01-01 … today + 1 year
    for key, msg in form_errors(CHRONIC_CARD, v, dt.date.today(), skip=set(e)).items():
        e.setdefault(key, msg)
    if "member_id" in v and "disease_id" in v and v["status"] in ACTIVE_CARD:
        q = select(ChronicCard.id).where(
            ChronicCard.member_id == v["member_id"], ChronicCard.disease_id == v["disease_id"],
            ChronicCard.deleted_at.is_(None), ChronicCard.status.in_(ACTIVE_CARD))
        if card_id is not None:
            q = q.where(ChronicCard.id != card_id)
        if s.scalar(q) is not None:
            e.setdefault("disease_id", "该人员已有此病种的有效慢性病卡，请勿重复登记")
    return v, e


def validate_chronic_card(src, data: dict, card_id: int | None = None) -> dict[str, str]:
    with reading(src) as s:
        return _parse_card(s, data, card_id)[1]


def save_chronic_card(db, data: dict, card_id: int | None = None,
                      version: int | None = None) -> ChronicCardRow:
    with db.write(reason="登记慢性病卡") as s:
        vals, errors = _parse_card(s, data, card_id)
        raise_first(errors)
        if card_id is None:
            obj = ChronicCard()
            s.add(obj)
        else:
            obj = live_record(s, ChronicCard, card_id, version, CARD_GONE)
        for k, val in vals.items():
            if getattr(obj, k) != val:
                setattr(obj, k, val)
        s.flush()
        new_id, mid = obj.id, obj.member_id
    return next(r for r in list_chronic_cards(db, member_id=mid) if r.id == new_id)


def delete_chronic_card(db, card_id: int, version: int | None, reason: str) -> None:
    soft_delete(db, ChronicCard, card_id, version, reason, CARD_GONE)