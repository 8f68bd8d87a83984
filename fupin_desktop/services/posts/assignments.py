"""Posts (岗位) and assignments (上岗 / 离岗 / 撤销) for the posts tab and the roster import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...errors import ConflictError, UserError, ValidationError
from ...models import Household, Member, Village
from ...models.base import utcnow
from ...models.posts import POST_TYPES, Assignment, Post, WageRun, WageSlip
from ...domain.bankcard import normalize_account
from ...domain.masking import mask_id
from ...domain.normalize import parse_amount
from ...domain.posts_calendar import month_end, parse_month
from .eligibility import EligibilityResult, age_on, check_eligibility, check_many
from .rules import PostRules, load_rules


class EligibilityError(ValidationError):
    """The member fails eligibility rules; ``result.failures`` names them. Retry with a reason."""

    def __init__(self, result: EligibilityResult):
        super().__init__(result.message + "。如确需安排，请填写例外原因。",
                         errors={"member_id": result.message})
        self.result = result


@dataclass
class PostInput:
    name: str
    post_type: str
    wage_standard: Decimal | str
    village_id: int | None = None
    duty_area: str | None = None
    funding_source: str | None = None
    required_days: int | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    note: str | None = None


@dataclass
class PostView:
    id: int
    name: str
    post_type: str
    village_id: int | None
    village_name: str
    duty_area: str | None
    wage_standard: Decimal
    funding_source: str | None
    required_days: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    note: str | None
    version: int
    holders: str  # names of current holders


def _post_errors(d: PostInput) -> dict[str, str]:
    e = {}
    if not (d.name or "").strip():
        e["name"] = "请填写岗位名称"
    # the field specs (column widths: PostgreSQL refuses longer text with a database error,
    # not a message; control characters; 应出勤天数 0–31)
    from ...domain.field_specs import POST, form_errors

    texts = {k: getattr(d, k) for k in ("name", "duty_area", "funding_source", "note")
             if k not in e}
    e.update(form_errors(POST, texts, dt.date.today()))
    if d.post_type not in POST_TYPES:
        e["post_type"] = f"岗位类型应为：{'、'.join(POST_TYPES)}"
    try:
        std = parse_amount(d.wage_standard) if not isinstance(d.wage_standard, Decimal) else d.wage_standard
        if std is None or std < 0:
            e["wage_standard"] = "请填写补贴标准（元/月），不能为负数"
    except ValueError as exc:
        e["wage_standard"] = str(exc)
    if d.required_days is not None and not 0 <= int(d.required_days) <= 31:
        e["required_days"] = "应出勤天数应在0到31之间"
    if d.start_date and d.end_date and d.end_date < d.start_date:
        e["end_date"] = "结束日期不能早于开始日期"
    return e


def save_post_in(s: Session, d: PostInput, post_id: int | None = None,
                 version: int | None = None) -> Post:
    errors = _post_errors(d)
    if errors:
        raise ValidationError("；".join(errors.values()), errors=errors)
    if post_id is None:
        obj = Post()
        s.add(obj)
    else:
        obj = s.get(Post, post_id)
        if obj is None or obj.deleted_at is not None:
            raise UserError("找不到该岗位，可能已被删除，请刷新后重试")
        if version is not None and obj.version != version:
            raise ConflictError()
    obj.name = d.name.strip()
    obj.post_type = d.post_type
    obj.wage_standard = (d.wage_standard if isinstance(d.wage_standard, Decimal)
                         else parse_amount(d.wage_standard))
    obj.village_id = d.village_id
    obj.duty_area = (d.duty_area or "").strip() or None
    obj.funding_source = (d.funding_source or "").strip() or None
    obj.required_days = d.required_days
    obj.start_date, obj.end_date = d.start_date, d.end_date
    obj.note = d.note
    s.flush()
    return obj


def save_post(db, d: PostInput, post_id: int | None = None, version: int | None = None) -> PostView:
    """Create (``post_id`` None) or update a post; the stale-version save gets ConflictError."""
    with db.write() as s:
        obj = save_post_in(s, d, post_id, version)
        return _post_views(s, [obj.id])[0]


def delete_post(db, post_id: int, reason: str) -> None:
    with db.write(reason=reason) as s:
        obj = s.get(Post, post_id)
        if obj is None or obj.deleted_at is not None:
            return
        held = s.scalar(select(func.count()).select_from(Assignment).where(
            Assignment.post_id == post_id, Assignment.deleted_at.is_(None)))
        if held:
            raise UserError(f"岗位“{obj.name}”有上岗记录，不能删除；请先办理离岗")
        obj.deleted_at, obj.deleted_reason = utcnow(), (reason or "")[:200]


def _post_views(s: Session, ids=None, village_id=None) -> list[PostView]:
    q = (select(Post, Village.name).outerjoin(Village, Village.id == Post.village_id)
         .where(Post.deleted_at.is_(None)).order_by(Village.sort_order, Village.name, Post.name, Post.id))
    if ids is not None:
        q = q.where(Post.id.in_(ids))
    if village_id is not None:
        q = q.where(Post.village_id == village_id)
    today = dt.date.today()
    holders: dict[int, list[str]] = {}
    for pid, name in s.execute(
            select(Assignment.post_id, Member.name).join(Member, Member.id == Assignment.member_id)
            .where(Assignment.deleted_at.is_(None), Assignment.start_date <= today,
                   or_(Assignment.end_date.is_(None), Assignment.end_date >= today))):
        holders.setdefault(pid, []).append(name)
    return [PostView(p.id, p.name, p.post_type, p.village_id, vname or "", p.duty_area,
                     p.wage_standard, p.funding_source, p.required_days, p.start_date, p.end_date,
                     p.note, p.version, "、".join(holders.get(p.id, [])))
            for p, vname in s.execute(q)]


def list_posts(db, *, village_id: int | None = None) -> list[PostView]:
    with db.read() as s:
        return _post_views(s, village_id=village_id)


@dataclass
class AssignmentInput:
    member_id: int
    post_id: int
    start_date: dt.date
    end_date: dt.date | None = None
    agreement_no: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    note: str | None = None


@dataclass
class AssignmentView:
    id: int
    member_id: int
    worker_name: str
    id_number: str
    household_id: int
    household_code: str
    village_name: str
    post_id: int
    post_name: str
    post_type: str
    duty_area: str | None
    wage_standard: Decimal
    start_date: dt.date
    end_date: dt.date | None
    status: str
    end_reason: str | None
    agreement_no: str | None
    bank_name: str | None
    bank_account: str | None
    override_rules: str | None
    override_reason: str | None
    version: int

    @property
    def id_masked(self) -> str:
        return mask_id(self.id_number)


def _check_fields(d: AssignmentInput, today: dt.date | None = None) -> None:
    """Agreement, bank and date fields against the field specs (size, control characters,
    dates 1900-01-01 … today + 1 year)."""
    from ...domain.field_specs import POST_ASSIGNMENT, check_value

    errors = {}
    for name, sp in POST_ASSIGNMENT.items():
        raw = getattr(d, name)
        value = (normalize_account(raw) or None) if name == "bank_account" and raw else raw
        value = value.strip() if isinstance(value, str) else value
        _v, err, _note = check_value(sp, value or None, today or dt.date.today())
        if err:
            errors[name] = err
    if errors:
        raise ValidationError("；".join(errors.values()), field=next(iter(errors)), errors=errors)


def create_assignment_in(s: Session, d: AssignmentInput, rules: PostRules,
                         override_reason: str | None = None) -> Assignment:
    """Check eligibility and add the assignment; EligibilityError unless overridden with a reason."""
    _check_fields(d)
    if d.end_date and d.end_date < d.start_date:
        raise ValidationError("离岗日期不能早于上岗日期", field="end_date")
    post = s.get(Post, d.post_id)
    if post is None or post.deleted_at is not None:
        raise ValidationError("请选择岗位", field="post_id")
    if s.get(Member, d.member_id) is None:
        raise ValidationError("请选择上岗人员", field="member_id")
    result = check_eligibility(s, d.member_id, d.start_date, d.end_date, rules=rules)
    if not result.ok and not (override_reason or "").strip():
        raise EligibilityError(result)
    obj = Assignment(member_id=d.member_id, post_id=d.post_id, start_date=d.start_date,
                     end_date=d.end_date, status="在岗" if d.end_date is None else "离岗",
                     agreement_no=(d.agreement_no or "").strip() or None,
                     bank_name=(d.bank_name or "").strip() or None,
                     bank_account=normalize_account(d.bank_account) or None, note=d.note)
    if not result.ok:
        obj.override_rules = result.rule_names[:200]
        obj.override_reason = override_reason.strip()[:500]
    s.add(obj)
    s.flush()
    return obj


def create_assignment(db, d: AssignmentInput, override_reason: str | None = None) -> AssignmentView:
    """上岗. Failing rules raise EligibilityError; with ``override_reason`` the clerk's written
    reason is stored on the assignment and on its audit row."""
    reason = f"资格例外：{override_reason.strip()}" if (override_reason or "").strip() else None
    with db.write(reason=reason) as s:
        obj = create_assignment_in(s, d, load_rules(s), override_reason)
        return assignment_views_in(s, ids=[obj.id])[0]


def update_assignment(db, assignment_id: int, d: AssignmentInput, version: int,
                      override_reason: str | None = None) -> AssignmentView:
    """Edit dates, post, agreement and bank details; eligibility is checked again (excluding
    this assignment itself) and a paid month cannot be cut off."""
    reason = f"资格例外：{override_reason.strip()}" if (override_reason or "").strip() else None
    with db.write(reason=reason) as s:
        a = s.get(Assignment, assignment_id)
        if a is None or a.deleted_at is not None:
            raise UserError("找不到该上岗记录，可能已被删除，请刷新后重试")
        if a.version != version:
            raise ConflictError()
        _check_fields(d)
        if d.end_date and d.end_date < d.start_date:
            raise ValidationError("离岗日期不能早于上岗日期", field="end_date")
        paid = _paid_until(s, a.id)
        if paid and ((d.end_date and d.end_date < paid) or d.start_date != a.start_date
                     or d.member_id != a.member_id or d.post_id != a.post_id):
            raise ValidationError(f"{paid:%Y年%m月}及以前的补贴已关账发放，不能改动该期间的上岗人员和日期",
                                  field="start_date")
        if (d.member_id, d.start_date, d.end_date, d.post_id) != (a.member_id, a.start_date,
                                                                 a.end_date, a.post_id):
            result = check_eligibility(s, d.member_id, d.start_date, d.end_date,
                                       rules=load_rules(s), exclude_assignment_id=a.id)
            if not result.ok:
                if not (override_reason or "").strip():
                    raise EligibilityError(result)
                a.override_rules = result.rule_names[:200]
                a.override_reason = override_reason.strip()[:500]
        a.member_id, a.post_id, a.start_date, a.end_date = (d.member_id, d.post_id, d.start_date,
                                                            d.end_date)
        # the status follows the end date (as on creation): an end date typed into the edit
        # dialog must not leave a departed worker listed as 在岗, nor a cleared one as 离岗
        if d.end_date is None:
            a.status, a.end_reason = "在岗", None
        elif a.status == "在岗":
            a.status = "离岗"
        a.agreement_no = (d.agreement_no or "").strip() or None
        a.bank_name = (d.bank_name or "").strip() or None
        a.bank_account = normalize_account(d.bank_account) or None
        a.note = d.note
        s.flush()
        return assignment_views_in(s, ids=[a.id])[0]


def _paid_until(s: Session, assignment_id: int) -> dt.date | None:
    m = s.scalar(select(func.max(WageRun.month)).join(WageSlip, WageSlip.run_id == WageRun.id)
                 .where(WageSlip.assignment_id == assignment_id))
    return month_end(m) if m else None


def end_assignment(db, assignment_id: int, end_date: dt.date, status: str, reason: str,
                   version: int | None = None) -> AssignmentView:
    """离岗 or 撤销 (revocation) from ``end_date`` with a reason."""
    if status not in ("离岗", "撤销"):
        raise ValidationError("状态只能是离岗或撤销", field="status")
    if not (reason or "").strip():
        raise ValidationError(f"{status}须填写原因", field="end_reason")
    with db.write(reason=f"{status}：{reason.strip()}") as s:
        a = s.get(Assignment, assignment_id)
        if a is None or a.deleted_at is not None:
            raise UserError("找不到该上岗记录，可能已被删除，请刷新后重试")
        if version is not None and a.version != version:
            raise ConflictError()
        if end_date < a.start_date:
            raise ValidationError("离岗日期不能早于上岗日期", field="end_date")
        paid = _paid_until(s, a.id)
        if paid and end_date < paid:
            raise ValidationError(f"{paid:%Y年%m月}及以前的补贴已关账发放，离岗日期不能早于{paid:%Y-%m-%d}",
                                  field="end_date")
        a.end_date, a.status, a.end_reason = end_date, status, reason.strip()[:200]
        s.flush()
        return assignment_views_in(s, ids=[a.id])[0]


def assignment_views_in(s: Session, *, ids=None, where=()) -> list[AssignmentView]:
    q = (select(Assignment, Member.name, Member.id_number, Member.household_id, Household.code,
                Village.name, Post.name, Post.post_type, Post.duty_area, Post.wage_standard)
         .join(Member, Member.id == Assignment.member_id)
         .join(Household, Household.id == Member.household_id)
         .join(Post, Post.id == Assignment.post_id)
         .outerjoin(Village, Village.id == Post.village_id)
         .where(Assignment.deleted_at.is_(None), *where)
         .order_by(Village.sort_order, Village.name, Post.name, Member.name, Assignment.start_date))
    if ids is not None:
        q = q.where(Assignment.id.in_(ids))
    return [AssignmentView(a.id, a.member_id, mname, idno, hid, hcode, vname or "", a.post_id, pname,
                           ptype, duty, std, a.start_date, a.end_date, a.status, a.end_reason,
                           a.agreement_no, a.bank_name, a.bank_account, a.override_rules,
                           a.override_reason, a.version)
            for a, mname, idno, hid, hcode, vname, pname, ptype, duty, std in s.execute(q)]


def assignment_on(a: AssignmentView, on: dt.date) -> AssignmentView:
    """An assignment as it stood on ``on``: one that ended later was still 在岗 then."""
    if a.end_date is not None and a.end_date > on and a.status == "离岗":
        return replace(a, end_date=None, status="在岗", end_reason=None)
    if a.end_date is not None and a.end_date > on:
        return replace(a, end_date=None)
    return a


def list_assignments(db, *, on_date: dt.date | None = None, month=None,
                     village_id: int | None = None, status: str | None = None,
                     member_id: int | None = None, household_id: int | None = None,
                     post_id: int | None = None) -> list[AssignmentView]:
    """Assignments for the posts tab (``on_date``: in post that day; ``month``: any day of it)."""
    where = []
    if month is not None:
        m0 = parse_month(month)
        where += [Assignment.start_date <= month_end(m0),
                  or_(Assignment.end_date.is_(None), Assignment.end_date >= m0)]
    if on_date is not None:
        where += [Assignment.start_date <= on_date,
                  or_(Assignment.end_date.is_(None), Assignment.end_date >= on_date)]
    if village_id is not None:
        where.append(Post.village_id == village_id)
    if status:
        where.append(Assignment.status == status)
    if member_id is not None:
        where.append(Assignment.member_id == member_id)
    if household_id is not None:
        where.append(Member.household_id == household_id)
    if post_id is not None:
        where.append(Assignment.post_id == post_id)
    with db.read() as s:
        return assignment_views_in(s, where=where)


@dataclass
class CandidateRow:
    member_id: int
    worker_name: str
    id_masked: str
    household_code: str
    village_name: str
    age: int | None
    labour_skill: str | None
    eligible: bool
    reasons: str  # failed rules, Chinese


def candidate_members(db, on_date: dt.date, *, village_id: int | None = None,
                      search: str | None = None, limit: int = 200) -> list[CandidateRow]:
    """Members for the “安排上岗” picker with their eligibility on ``on_date``."""
    with db.read() as s:
        q = (select(Member.id, Member.name, Member.id_number, Household.code, Village.name,
                    Member.birth_date, Member.labour_skill)
             .join(Household, Household.id == Member.household_id)
             .join(Village, Village.id == Household.village_id)
             .where(Member.deleted_at.is_(None), Household.deleted_at.is_(None))
             .order_by(Village.sort_order, Household.code, Member.id).limit(limit))
        if village_id is not None:
            q = q.where(Household.village_id == village_id)
        if search:
            like = f"%{search.strip()}%"
            q = q.where(or_(Member.name.like(like), Member.id_number.like(like),
                            Household.code.like(like)))
        rows = s.execute(q).all()
        results = check_many(s, [r[0] for r in rows], on_date, rules=load_rules(s))
    return [CandidateRow(mid, name, mask_id(idno), hcode, vname,
                         age_on(birth, on_date) if birth else None, skill, results[mid].ok,
                         results[mid].rule_names)
            for mid, name, idno, hcode, vname, birth, skill in rows]
