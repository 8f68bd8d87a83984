"""The 疑点 rule table: every rule (registry.py R01–R30, cross.py X01–X12) registers itself here
with ``@rule`` / ``@township_rule``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple

from .data import Context
from .table import Profile, Table

ERROR = "错误"
SUSPECT = "疑点"


class Finding(NamedTuple):
    code: str
    household: str
    member: str | None  # raw ID; the service masks it before it leaves
    detail: str


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    reads: str
    fix: str
    func: Callable[[Table, Context], Iterable[tuple[int | None, str | None, str]]]
    member: MemberCheck | None = None  # a member rule's parts (member_rule)


def _always(_value) -> bool:
    return True


@dataclass(frozen=True)
class MemberCheck:
    """A rule over one normal member: ``check(profile, age, head_sex)`` gives the detail of a
    finding or None. ``when(profile)`` and ``ages(age)`` are conditions the finding needs (False
    only where ``check`` could not find anything): they let the engine skip most members. A rule
    with several ``cases`` gives them as bits (case k: 1 << k) and needs a case both allow, so a
    condition that couples the profile with the age (R11: each school stage its ages) is exact."""
    check: Callable[[Profile, int | None, str], str | None]
    when: Callable[[Profile], bool | int] = _always
    ages: Callable[[int | None], bool | int] = _always
    cases: int = 1


RULES: list[Rule] = []
MEMBER_RULES: list[Rule] = []  # the member rules among RULES (evaluated together, table.member_findings)
TOWNSHIP_RULES: list[Rule] = []  # rules over the whole township (no household)


def rule(code, name, severity, reads, fix):
    def wrap(func):
        RULES.append(Rule(code, name, severity, reads, fix, func))
        return func
    return wrap


def township_rule(code, name, severity, reads, fix):
    def wrap(func):
        TOWNSHIP_RULES.append(Rule(code, name, severity, reads, fix, func))
        return func
    return wrap


def member_rule(code, name, severity, reads, fix, when=_always, ages=_always, cases=1):
    """A rule written for one member: ``check(profile, age, head_sex) -> detail | None``, where
    head_sex is the sex of the household's only head ("" unless it has exactly one)."""
    def wrap(check):
        def func(t, ctx):
            return t.member_findings(MEMBER_RULES)[code]
        r = Rule(code, name, severity, reads, fix, func, MemberCheck(check, when, ages, cases))
        RULES.append(r)
        MEMBER_RULES.append(r)
        return check
    return wrap
