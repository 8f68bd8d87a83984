"""`fupin survey import`, the database side: importers/survey.py checks the filled 入户排查录入表
against the questionnaires and the known households; with no bad row this module writes every
survey (and the problems its answers raise) in one transaction — all rows or nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import select

from ...importers.result import ImportResult
from ...importers.sheet import open_sheet
from ...importers.survey import read_surveys, survey_spec
from ...models import Household
from . import survey as svc
from ..autobackup import before
from ..oplock import exclusive_op


@exclusive_op("survey import")
def import_surveys(db, path: str | os.PathLike, *, today: dt.date | None = None) -> ImportResult:
    """Import the sheet; InputError for an unusable file. With any rejected row nothing is
    written (``rows_imported`` 0) and the result lists the bad rows."""
    today = today or dt.date.today()
    templates = svc.templates(db)
    reader = open_sheet(path, survey_spec(templates))
    with db.read() as s:
        known = dict(s.execute(select(Household.code, Household.deleted_at)).all())
    res, rows = read_surveys(reader, templates, known, today)
    if res.rejects or not rows:
        return res
    before(db, "import")
    with db.write(reason=f"导入入户排查录入表：{Path(path).name}") as s:
        hhs = dict(s.execute(select(Household.code, Household)
                             .where(Household.code.in_({r[0] for r in rows}))).all())
        for code, date, visitors, clean, notes, version, tpl in rows:
            inp = svc.SurveyInput(code, date, visitors, clean, notes, version)
            saved = svc.add_survey_in(s, tpl, hhs[code], inp, clean, inp.visitors, inp.notes)
            res.count("surveys_created")
            res.count("problems_created", len(saved.problems))
            res.rows_imported += 1
    return res
