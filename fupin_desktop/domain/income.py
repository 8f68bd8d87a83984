"""Income arithmetic: 纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出;
人均纯收入 = 纯收入 ÷ 人口数. Decimal throughout, rounded half-up to the fen.

The derived figures are recomputed on every flush (database.py installs the hook) so they can never go stale, and stored only so
the registry can filter and sort by them in SQL.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
COMPONENTS = ("wage_income", "business_income", "property_income", "transfer_income")


def net_income(wage, business, prop, transfer, expense) -> Decimal | None:
    parts = (wage, business, prop, transfer)
    if all(p is None for p in parts):
        return None
    total = sum((Decimal(p) for p in parts if p is not None), Decimal(0))
    total -= Decimal(expense or 0)
    return total.quantize(FEN, ROUND_HALF_UP)


def per_capita(net: Decimal | None, persons: int | None) -> Decimal | None:
    if net is None or not persons or persons <= 0:
        return None
    return (Decimal(net) / persons).quantize(FEN, ROUND_HALF_UP)


def recompute(row) -> None:
    """Fill ``net_income`` / ``per_capita_income`` of a HouseholdIncome (or any look-alike)."""
    net = net_income(*(getattr(row, c) for c in COMPONENTS), row.business_expense)
    row.net_income = net
    computed = per_capita(net, row.persons)
    row.per_capita_income = computed if computed is not None else row.declared_per_capita
