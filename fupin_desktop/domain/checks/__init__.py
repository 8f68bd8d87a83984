"""疑点 pre-check rules (shared/CHECK_RULES.md)."""
from .data import Context, Household, Income, Member, age
from .registry import ERROR, RULES, SUSPECT, Finding, Rule, run

__all__ = ["Context", "Household", "Income", "Member", "age", "ERROR", "SUSPECT", "RULES", "Finding", "Rule", "run"]
