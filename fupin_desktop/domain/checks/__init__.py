"""疑点 pre-check rules (shared/CHECK_RULES.md)."""
from .data import Assignment, Context, Household, Income, Ledgers, Member, Period, Settlement, age
from .registry import ERROR, RULES, SUSPECT, Finding, Rule, all_rules, gc_paused, run
from . import cross  # noqa: F401  (registers X01–X12)

__all__ = ["Assignment", "Ledgers", "Period", "Settlement", "Context", "Household", "Income", "Member", "age", "ERROR", "SUSPECT", "RULES", "Finding", "Rule", "all_rules", "gc_paused", "run"]
