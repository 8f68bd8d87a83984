"""The data of the household file's 医疗 section: settlements, yearly incomes and 因病返贫
alerts, chronic-disease cards and family-doctor signings of one household, as plain values
(``as_of``: as it stood that day); rendered by reports/medical_household."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ...domain import medical_calc as calc
from ...models import HouseholdIncome
from ...reports.medical_household import household_medical_tables
from .alerts import evaluate
from .chronic import list_chronic_cards
from .settings import alert_thresholds
from .settlements import SettlementFilter, list_settlements
from .signing import list_signings


@dataclass(frozen=True)
class HouseholdMedicalData:
    settlements: list
    incomes: dict
    alerts: dict  # year -> (share, triggers, reasons) of services.medical.alerts.evaluate
    cards: list
    signings: list


def household_medical_data(session, household_id: int, as_of=None) -> HouseholdMedicalData:
    rows = list_settlements(session, SettlementFilter(household_id=household_id))
    if as_of is not None:
        rows = [r for r in rows if r.settlement_date <= as_of]
    rows.sort(key=lambda r: (r.settlement_date, r.settlement_no))
    incomes, alerts = {}, {}
    if rows:
        incomes = dict(session.execute(
            select(HouseholdIncome.year, HouseholdIncome.net_income)
            .where(HouseholdIncome.household_id == household_id)).all())
        th = alert_thresholds(session)
        for year in {r.settlement_date.year for r in rows}:
            self_paid = sum((r.self_paid for r in rows if r.settlement_date.year == year),
                            calc.ZERO)
            net = incomes.get(year)
            alerts[year] = evaluate(self_paid, None if net is None else calc.fen(net), th)
    cards = list_chronic_cards(session, household_id=household_id, as_of=as_of,
                               historical=as_of is not None)
    signings = list_signings(session, household_id=household_id, as_of=as_of)
    return HouseholdMedicalData(rows, incomes, alerts, cards, signings)


def household_medical_section(session, household_id: int, as_of=None
                              ) -> list[tuple[str, list, list[list[str]]]]:
    """The household file's extra section (HOUSEHOLD_FILE_SECTIONS): query, then render."""
    return household_medical_tables(household_medical_data(session, household_id, as_of))
