"""The data of the medical ledgers (医疗救助台账, 慢性病卡台账, 家庭医生签约台账): the same services
the tab uses, gathered here as plain values for reports/medical_ledgers (which renders and
never queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ...errors import InputError
from ...reports.medical_ledgers import GROUPINGS, KINDS
from .. import settings
from .chronic import list_chronic_cards
from .period import Period
from .settings import followup_months
from .settlements import SettlementFilter, list_settlements
from .signing import chronic_without_signing, list_signings, signings_without_followup
from ..villages import village_id_by_name


@dataclass(frozen=True)
class MedicalLedgerData:
    """One ledger's rows and header. ``items`` by kind: medical → settlement rows (ledger
    order); chronic → cards, or with ``gaps_only`` the members without a signing; signing →
    signings, or with ``gaps_only`` those overdue for a follow-up (``months`` without one)."""
    kind: str
    township: str
    unit: str
    where: str  # the village printed in the title ("" for the whole township)
    mask_id: Callable[[str], str]  # an auditor's copy is masked (issue 13)
    items: list
    today: dt.date | None = None  # chronic, signing: the day the records are as of
    period: Period | None = None
    by: str = "settlement"
    below_target_only: bool = False
    gaps_only: bool = False
    months: int | None = None
    year: int | None = None


def _header(session, village: str | None) -> dict:
    info = settings.township_info(session)
    return {"township": info.township, "unit": info.unit, "where": (village or "").strip(),
            "mask_id": settings.output_maskers(session)[0]}


def medical_data(session, period: Period, *, village: str | None = None, by: str = "settlement",
                 below_target_only: bool = False) -> MedicalLedgerData:
    """The settlements of ``period`` (by 结算日期), optionally one village."""
    if by not in GROUPINGS:
        raise InputError(f"未知的汇总方式“{by}”，可选：{'、'.join(GROUPINGS)}")
    vid = village_id_by_name(session, village)
    rows = list_settlements(session, SettlementFilter(period=period, village_id=vid,
                                                      below_target_only=below_target_only,
                                                      order="ledger"))
    return MedicalLedgerData("medical", **_header(session, village), items=rows, period=period,
                             by=by, below_target_only=below_target_only)


def chronic_data(session, *, village: str | None = None, unsigned_only: bool = False,
                 today: dt.date | None = None, historical: bool = False) -> MedicalLedgerData:
    """Cards and their state on ``today`` (validity from the dates); ``historical``: a past
    year's ledger, the records as they stood that day (services/medical_chronic)."""
    vid = village_id_by_name(session, village)
    today = today or dt.date.today()
    if unsigned_only:
        items = chronic_without_signing(session, village_id=vid, today=today)
    else:
        items = list_chronic_cards(session, village_id=vid, as_of=today, historical=historical)
    return MedicalLedgerData("chronic", **_header(session, village), items=items, today=today,
                             gaps_only=unsigned_only)


def signing_data(session, *, village: str | None = None, year: int | None = None,
                 overdue_only: bool = False, months: int | None = None,
                 today: dt.date | None = None) -> MedicalLedgerData:
    vid = village_id_by_name(session, village)
    today = today or dt.date.today()
    if overdue_only:
        months = months or followup_months(session)
        items = signings_without_followup(session, months=months, today=today, village_id=vid)
    else:
        items = (list_signings(session, village_id=vid, as_of=today) if year
                 else list_signings(session, village_id=vid, today=today))
        if year:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            items = [g for g in items if g.signed_date <= end
                     and (g.end_date is None or g.end_date >= start)]
    return MedicalLedgerData("signing", **_header(session, village), items=items, today=today,
                             gaps_only=overdue_only, months=months, year=year)


def medical_ledger_data(db, kind: str, *, period: Period | None = None,
                        village: str | None = None, by: str = "settlement",
                        below_target_only: bool = False, gaps_only: bool = False,
                        months: int | None = None, today: dt.date | None = None,
                        progress: Callable[[int, int, str], None] | None = None
                        ) -> MedicalLedgerData:
    """The data of ledger ``kind`` (medical | chronic | signing). ``gaps_only``: chronic →
    members without a signing; signing → overdue for a follow-up (``months`` without one;
    default: the setting). ``progress(done, total, text)`` may raise ``Cancelled``."""
    if kind not in KINDS:
        raise InputError(f"未知的台账类型“{kind}”，可选：{'、'.join(KINDS)}")
    if progress:
        progress(0, 0, "正在读取数据…")
    today = today or dt.date.today()
    # a period that has ended (the archive passes its last day as ``today``): the cards and
    # signings as they stood on its last day
    last = period.end - dt.timedelta(days=1) if period is not None else None
    as_of = min(last, today) if last is not None else today
    with db.read() as s:
        if kind == "medical":
            return medical_data(s, period or Period(today.year), village=village, by=by,
                                below_target_only=below_target_only)
        if kind == "chronic":
            return chronic_data(s, village=village, unsigned_only=gaps_only, today=as_of,
                                historical=as_of < dt.date.today())
        return signing_data(s, village=village, year=period.year if period else None,
                            overdue_only=gaps_only, months=months, today=as_of)
