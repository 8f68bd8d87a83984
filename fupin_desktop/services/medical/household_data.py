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
    return households_medical_data(session, [household_id], as_of)[household_id]


def households_medical_data(session, household_ids, as_of=None) -> dict[int, HouseholdMedicalData]:
    """The 医疗 sections of several households in one query per table (the archive renders its
    household files a chunk at a time)."""
    ids = list(household_ids)
    settled: dict[int, list] = {hid: [] for hid in ids}
    for r in list_settlements(session, SettlementFilter(household_ids=tuple(ids))):
        if as_of is None or r.settlement_date <= as_of:
            settled[r.household_id].append(r)
    with_rows = [hid for hid in ids if settled[hid]]
    incomes: dict[int, dict] = {hid: {} for hid in ids}
    if with_rows:
        for hid, year, net in session.execute(
                select(HouseholdIncome.household_id, HouseholdIncome.year, HouseholdIncome.net_income)
                .where(HouseholdIncome.household_id.in_(with_rows))):
            incomes[hid][year] = net
    th = alert_thresholds(session) if with_rows else None
    cards: dict[int, list] = {hid: [] for hid in ids}
    for c in list_chronic_cards(session, household_ids=ids, as_of=as_of, historical=as_of is not None):
        cards[c.household_id].append(c)
    signings: dict[int, list] = {hid: [] for hid in ids}
    for g in list_signings(session, household_ids=ids, as_of=as_of):
        signings[g.household_id].append(g)
    out = {}
    for hid in ids:
        rows = settled[hid]
        rows.sort(key=lambda r: (r.settlement_date, r.settlement_no))
        alerts = {}
        for year in {r.settlement_date.year for r in rows}:
            self_paid = sum((r.self_paid for r in rows if r.settlement_date.year == year),
                            calc.ZERO)
            net = incomes[hid].get(year)
            alerts[year] = evaluate(self_paid, None if net is None else calc.fen(net), th)
        out[hid] = HouseholdMedicalData(rows, incomes[hid] if rows else {}, alerts, cards[hid],
                                        signings[hid])
    return out


def household_medical_section(session, household_id: int, as_of=None
                              ) -> list[tuple[str, list, list[list[str]]]]:
    """The household file's extra section (HOUSEHOLD_FILE_SECTIONS): query, then render."""
    return household_medical_tables(household_medical_data(session, household_id, as_of))


def household_medical_sections(session, household_ids, as_of=None) -> dict[int, list]:
    """The same for several households at once (their data in one query per table)."""
    return {hid: household_medical_tables(d)
            for hid, d in households_medical_data(session, household_ids, as_of).items()}


household_medical_section.batch = household_medical_sections
