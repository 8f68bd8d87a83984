"""The 疑点 rule table: every rule (registry.py R01–R30, cross.py X01–X12) registers itself here
with ``@rule`` / ``@township_rule``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple

from .data import Context
from .table import Table

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


RULES: list[Rule] = []
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
