"""Use case `fupin export medical`: the settlements of a filter and their totals, written by
exporters/medical.py."""

from __future__ import annotations

import os

from ...domain.medical_totals import summarize
from .settlements import SettlementFilter, list_settlements


def export_medical(db, out: str | os.PathLike, flt: SettlementFilter | None = None, *,
                   masked: bool = False, title: str = "医疗救助结算明细", info: str = "") -> int:
    """Write the settlements matching ``flt`` to ``out``; returns the number of rows. ID
    numbers are masked when ``masked`` or the reader is an auditor."""
    from ...exporters.medical import write_medical
    from ..settings import output_maskers

    flt = flt or SettlementFilter(order="ledger")
    rows = list_settlements(db, flt)
    mask = output_maskers(db, masked)[0]
    return write_medical(out, rows, summarize(rows), mask, title=title, info=info)
