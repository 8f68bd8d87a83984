"""Who may hold a public-welfare post (上岗资格), each rule named in Chinese.

Rules (issue 4 §1): member of a registered household (脱贫户 or 监测对象), alive and not moved
out, age within the configured range on the start date, able to work, at most one post per
person at a time and — configurable — one per household. A clerk may override a failed rule
with a written reason (services.posts.assignments); the import never overrides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ...models import Household, Member
from ...models.posts import Assignment, Post
from ...domain.idcard import validate_id
from .rules import PostRules, load_rules

RULE_REGISTERED = "registered"
RULE_ALIVE = "alive"
RULE_AGE = "age"
RULE_LABOUR = "labour"
RULE_ONE_PER_PERSON = "one_per_person"
RULE_ONE_PER_HOUSEHOLD = "one_per_household"

RULE_NAMES = {
    RULE_REGISTERED: "脱贫户或监测对象家庭成员",
    RULE_ALIVE: "健在且未迁出",
    RULE_AGE: "年龄符合规定",
    RULE_LABOUR: "具有劳动能力",
    RULE_ONE_PER_PERSON: "一人一岗",
    RULE_ONE_PER_HOUSEHOLD: "一户一岗",
}
REGISTERED_TYPES = ("脱贫户", "未脱贫户")
NO_LABOUR = ("丧失劳动力", "无劳动力")


@dataclass(frozen=True, slots=True)
class RuleFailure:
    code: str
    rule: str  # Chinese rule name
    message: str  # complete Chinese sentence naming the rule


@dataclass(frozen=True)
class EligibilityResult:
    member_id: int
    failures: tuple[RuleFailure, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def rule_names(self) -> str:
        return "、".join(f.rule for f in self.failures)

    @property
    def message(self) -> str:
        return "；".join(f.message for f in self.failures)


@dataclass(frozen=True, slots=True)
class MemberFacts:
    member_id: int
    household_id: int
    name: str
    id_number: str
    birth_date: dt.date | None
    status: str | None
    member_deleted: bool
    labour_skill: str | None
    household_type: str | None
    monitoring_category: str | None
    household_deleted: bool


@dataclass
class Holdings:
    """Overlapping assignments found for a member: descriptions for the messages."""

    own: list[str] = field(default_factory=list)
    household: list[str] = field(default_factory=list)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _fail(code: str, detail: str) -> RuleFailure:
    return RuleFailure(code, RULE_NAMES[code], f"不符合“{RULE_NAMES[code]}”条件：{detail}")


def evaluate(facts: MemberFacts, start: dt.date, rules: PostRules,
             holdings: Holdings | None = None) -> EligibilityResult:
    """Apply every rule to one member (pure: no database)."""
    out: list[RuleFailure] = []
    if facts.household_deleted or facts.member_deleted:
        out.append(_fail(RULE_REGISTERED, "该成员或其家庭已从登记中删除"))
    elif facts.household_type not in REGISTERED_TYPES and not facts.monitoring_category:
        kind = facts.household_type or "户类型未填写"
        out.append(_fail(RULE_REGISTERED, f"该户为{kind}，且不是监测对象"))
    if facts.status in ("死亡", "迁出"):
        out.append(_fail(RULE_ALIVE, f"该成员状态为“{facts.status}”"))
    birth = facts.birth_date
    if birth is None:
        chk = validate_id(facts.id_number)
        birth = chk.birth_date if chk.ok else None
    if birth is None:
        out.append(_fail(RULE_AGE, "无法确定出生日期，请先核对证件号码"))
    else:
        age = age_on(birth, start)
        if not rules.age_min <= age <= rules.age_max:
            out.append(_fail(RULE_AGE, f"上岗日期{start:%Y-%m-%d}时年龄{age}周岁，"
                                       f"应在{rules.age_min}至{rules.age_max}周岁之间"))
    skill = (facts.labour_skill or "").strip()
    if skill in NO_LABOUR or skill.startswith("丧失") or skill.startswith("无劳动"):
        out.append(_fail(RULE_LABOUR, f"劳动技能为“{skill}”"))
    if holdings is not None:
        if holdings.own:
            out.append(_fail(RULE_ONE_PER_PERSON, f"该成员已在岗：{'、'.join(holdings.own)}"))
        if rules.one_per_household and holdings.household:
            out.append(_fail(RULE_ONE_PER_HOUSEHOLD,
                             f"同户已有人在岗：{'、'.join(holdings.household)}"))
    return EligibilityResult(facts.member_id, tuple(out))


def load_facts(session: Session, member_ids: Iterable[int]) -> dict[int, MemberFacts]:
    ids = list(set(member_ids))
    out: dict[int, MemberFacts] = {}
    for chunk in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        rows = session.execute(
            select(Member.id, Member.household_id, Member.name, Member.id_number, Member.birth_date,
                   Member.status, Member.deleted_at, Member.labour_skill, Household.household_type,
                   Household.monitoring_category, Household.deleted_at)
            .join(Household, Household.id == Member.household_id)
            .where(Member.id.in_(ids[chunk:chunk + 900]))
        ).all()
        for r in rows:
            out[r[0]] = MemberFacts(r[0], r[1], r[2], r[3], r[4], r[5], r[6] is not None, r[7],
                                    r[8], r[9], r[10] is not None)
    return out


def _overlaps(start: dt.date, end: dt.date | None):
    cond = [Assignment.deleted_at.is_(None),
            or_(Assignment.end_date.is_(None), Assignment.end_date >= start)]
    if end is not None:
        cond.append(Assignment.start_date <= end)
    return and_(*cond)


def load_holdings(session: Session, facts: dict[int, MemberFacts], start: dt.date,
                  end: dt.date | None, exclude_assignment_id: int | None = None) -> dict[int, Holdings]:
    """Assignments overlapping [start, end] held by each member or by someone of their household."""
    by_household: dict[int, list[MemberFacts]] = {}
    for f in facts.values():
        by_household.setdefault(f.household_id, []).append(f)
    out = {mid: Holdings() for mid in facts}
    hh = list(by_household)
    for chunk in range(0, len(hh), 900):
        q = (select(Assignment.id, Assignment.member_id, Member.household_id, Member.name, Post.name,
                    Assignment.start_date)
             .join(Member, Member.id == Assignment.member_id)
             .join(Post, Post.id == Assignment.post_id)
             .where(Member.household_id.in_(hh[chunk:chunk + 900]), _overlaps(start, end)))
        if exclude_assignment_id is not None:
            q = q.where(Assignment.id != exclude_assignment_id)
        for _aid, mid, hid, mname, pname, astart in session.execute(q):
            for f in by_household[hid]:
                if f.member_id == mid:
                    out[f.member_id].own.append(f"{pname}（{astart:%Y-%m-%d}起）")
                elif f.household_id == hid:
                    out[f.member_id].household.append(f"{mname}·{pname}")
    return out


def check_eligibility(session: Session, member_id: int, start: dt.date, end: dt.date | None = None,
                      *, rules: PostRules | None = None,
                      exclude_assignment_id: int | None = None) -> EligibilityResult:
    """Every rule for one member and period; ``exclude_assignment_id`` when re-checking an edit."""
    return check_many(session, [member_id], start, end, rules=rules,
                      exclude_assignment_id=exclude_assignment_id)[member_id]


def check_many(session: Session, member_ids: Iterable[int], start: dt.date,
               end: dt.date | None = None, *, rules: PostRules | None = None,
               exclude_assignment_id: int | None = None) -> dict[int, EligibilityResult]:
    """Batch form for the “choose a worker” list; unknown member ids are left out."""
    rules = rules or load_rules(session)
    facts = load_facts(session, member_ids)
    holdings = load_holdings(session, facts, start, end, exclude_assignment_id)
    return {mid: evaluate(f, start, rules, holdings[mid]) for mid, f in facts.items()}
