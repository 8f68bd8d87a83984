"""Read a filled 入户排查录入表 back (``fupin survey import``): all rows or nothing.

Every row is checked first — 户编号 known, date and visitors present, every answer allowed by
the row's questionnaire version — and a single bad row means nothing is written: the result
names each bad row and field. A row without 排查日期 and 排查人员 and without answers is a
household not visited yet and is skipped. Every value is checked against
domain/field_specs.SURVEY (户编号 and 排查人员 sizes, dates 1900-01-01 … today, control characters:
refused in 户编号, removed with a ``control-chars`` warning from 排查人员, 备注 and text answers). This module checks the rows; services/problems/survey_import.py
loads the templates and households and writes the surveys.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..domain.field_specs import SURVEY, check_value
from ..domain.normalize import clean_text, parse_date, parse_int
from ..domain.survey import NOTES_TITLE, VERSION_TITLE, check_answers, question_header
from .result import ImportIssue, ImportResult
from .sheet import SheetSpec


def survey_spec(templates) -> SheetSpec:
    columns: dict[str, list[str]] = {
        "household_code": ["户编号"], "village": ["行政村"], "head": ["户主"],
        "date": ["排查日期", "走访日期"], "visitors": ["排查人员", "走访人员"],
        "version": [VERSION_TITLE], "notes": [NOTES_TITLE],
    }
    for tpl in templates.values():
        for q in tpl.questions:
            headers = columns.setdefault(f"q:{q.id}", [])
            for h in (question_header(q), q.id):
                if h not in headers:
                    headers.append(h)
    return SheetSpec(columns, required=("household_code", "date", "visitors"), what="入户排查录入表")


def read_surveys(reader, templates: dict, known: dict[str, object], today: dt.date
                 ) -> tuple[ImportResult, list[tuple]]:
    """Check every row of an opened sheet (``open_sheet(path, survey_spec(templates))``) against
    the questionnaire ``templates`` (version -> Template) and ``known`` (户编号 -> deleted_at).
    Returns the result and the good rows as (户编号, date, visitors, clean answers, notes,
    version, template)."""
    fields = list(reader.columns)
    qcols = [f for f in fields if f.startswith("q:")]
    res = ImportResult()
    rows = []
    for excel_row, vals in reader.iter_values(fields):
        v = dict(zip(fields, vals))
        code = clean_text(v.get("household_code"))
        answers = {f[2:]: v[f] for f in qcols if v.get(f) not in (None, "")}

        def bad(field, message, _row=excel_row, _code=code):
            res.reject(ImportIssue(_row, "bad-value", f"第{_row}行“{reader.header_of(field)}”：{message}",
                                   field, _code))

        def spec_bad(field, err, _row=excel_row, _code=code):
            res.reject(ImportIssue(_row, "bad-value", f"第{_row}行{err}", field, _code))

        notes: list[tuple[str, str]] = []

        def spec(field, value, sp=None):
            """(value, ok) after the field spec; a refused value rejects the row."""
            value, err, note = check_value(sp or SURVEY[field], value, today)
            if err:
                spec_bad(field, err)
                return None, False
            if note:
                notes.append((field, note))
            return value, True

        try:
            date = parse_date(v.get("date"))
        except ValueError as e:
            bad("date", str(e))
            continue
        code, ok = spec("household_code", code)
        if not ok:
            continue
        date, ok = spec("date", date)
        if not ok:
            continue
        visitors, ok = spec("visitors", clean_text(v.get("visitors")))
        if not ok:
            continue
        if date is None and not visitors and not answers:
            res.rows_skipped += 1  # not visited yet
            continue
        if not code:
            bad("household_code", "户编号为空，请填写该户的户编号")
            continue
        if code not in known or known[code] is not None:
            bad("household_code", f"户编号“{code}”不在农户信息中（或已删除），请核对")
            continue
        if date is None:
            bad("date", "请填写排查日期")
            continue
        if date > today:
            bad("date", f"排查日期 {date} 晚于今天，请核对")
            continue
        if not visitors:
            bad("visitors", "请填写排查人员")
            continue
        try:
            version = parse_int(v.get("version"))
        except ValueError as e:
            bad("version", str(e))
            continue
        version, ok = spec("version", version)
        if not ok:
            continue
        version = version or max(templates)
        tpl = templates.get(version)
        if tpl is None:
            bad("version", f"没有第 {version} 版调查表（现有：{'、'.join(map(str, sorted(templates)))}）")
            continue
        clean, errors = check_answers(tpl, answers)
        if errors:
            qid = next(iter(errors))
            bad(f"q:{qid}", errors[qid])
            continue
        for qid, answer in list(clean.items()):
            q_spec = dataclasses.replace(SURVEY["answer"], label=reader.header_of(f"q:{qid}"))
            clean[qid], ok = spec(f"q:{qid}", answer, q_spec)
            if not ok:
                break
        else:
            note_text, ok = spec("notes", clean_text(v.get("notes")))
            if ok:
                for field, note in notes:
                    res.warn(ImportIssue(excel_row, "control-chars", f"第{excel_row}行{note}",
                                         field, code))
                rows.append((code, date, visitors, {k: a for k, a in clean.items() if a},
                             note_text or "", version, tpl))
    res.rows_skipped += reader.rows_skipped
    res.counts.update({"surveys_created": 0, "problems_created": 0})
    return res, rows
