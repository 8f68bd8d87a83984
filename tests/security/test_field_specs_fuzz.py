"""Hostile values in every column of the medical and roster imports: each row is imported or
rejected with a Chinese message — no exception, no database error, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

from fupin_desktop.importers import medical, posts_roster
from fupin_desktop.services.medical.importing import import_medical
from fupin_desktop.services.posts.importing import import_roster
from tests.security._hostile import row, simple_xlsx
from tests.security.test_field_specs_ledgers import _med, _roster_row, _workers, MED_HEADER, ROSTER_HEADER
from tests.unit._medical_data import family

TODAY = dt.date(2026, 6, 15)
HOSTILE = ("字" * 3000, "a\x00b", "\x7f\ufffe", 1e300, -1e300, 2 ** 70, "9" * 45,
           "0001-01-01", "9999-12-31", "\t\n")


def _check(res, n_rows):
    assert res.rows_imported + res.rows_rejected <= n_rows
    for i in (*res.rejects, *res.warning_rows):
        assert re.search(r"[\u4e00-\u9fff]", i.message), i
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", i.message), i
        assert not re.search(r"[a-z]+_[a-z]+", i.message), i
        assert len(i.message) < 600, i  # a 3000-character cell is quoted shortened


def test_medical_columns(tmp_path, any_db):
    _, _, (idno,) = family(any_db, names=("陈燕",))
    extra = [syn[0] for f, syn in medical.COLUMNS.items() if syn[0] not in MED_HEADER]
    header = (*MED_HEADER, *extra)
    rows, n = [row(1, header)], 0
    for c, h in enumerate(header):
        if h == "证件号码":
            continue
        for v in HOSTILE:
            n += 1
            vals = list(_med(idno, f"F{n}")) + [None] * len(extra)
            vals[c] = v
            rows.append(row(n + 1, vals))
    res = import_medical(any_db, simple_xlsx(tmp_path / "m.xlsx", rows), today=TODAY)
    _check(res, n)


def test_roster_columns(tmp_path, any_db):
    extra = [syn[0] for f, syn in posts_roster.COLUMNS.items()
             if not set(syn) & set(ROSTER_HEADER)]
    header = (*ROSTER_HEADER, *extra)
    cols = [h for h in header if h not in ("身份证号",)]
    people = _workers(any_db, len(cols) * len(HOSTILE))
    rows, n = [row(1, header)], 0
    for h in cols:
        for v in HOSTILE:
            vals = list(_roster_row(people[n])) + [None] * len(extra)
            vals[header.index(h)] = v
            n += 1
            rows.append(row(n + 1, vals))
    res = import_roster(any_db, simple_xlsx(tmp_path / "r.xlsx", rows), today=TODAY)
    _check(res, n)


def test_attendance_columns(tmp_path, any_db):
    from fupin_desktop.services.posts.attendance_import import import_attendance
    from tests.security.test_field_specs_ledgers import _attendance_workers

    people = _attendance_workers(any_db, 3 * len(HOSTILE))
    header = ("姓名", "身份证号", "岗位", "1日", "2日", "出勤天数")
    rows, n = [row(1, header)], 0
    for col in (2, 3, 5):
        for v in HOSTILE:
            who, idno = people[n]
            vals = [who, idno, "保洁员", "√", "√", 2]
            vals[col] = v
            n += 1
            rows.append(row(n + 1, vals))
    res = import_attendance(any_db, simple_xlsx(tmp_path / "g.xlsx", rows), month="2025-10",
                            today=TODAY)
    _check(res, n)
    signin = [row(1, ("姓名", "身份证号", "日期", "考勤"))]
    for k, v in enumerate(HOSTILE):
        signin.append(row(2 * k + 2, (people[k][0], people[k][1], v, "√")))
        signin.append(row(2 * k + 3, (people[k][0], people[k][1], "2025-10-02", v)))
    res = import_attendance(any_db, simple_xlsx(tmp_path / "s.xlsx", signin), today=TODAY)
    _check(res, 2 * len(HOSTILE))


def test_survey_columns():
    from fupin_desktop.importers.survey import read_surveys
    from fupin_desktop.services.problems.survey import shipped_templates
    from tests.security.test_field_specs_ledgers import _Reader

    tpl = shipped_templates()[1]
    ok = {"household_code": "H1", "date": dt.date(2026, 4, 10), "visitors": "王芳"}
    reader = _Reader(tpl, [])
    rows = [{**ok, col: v} for col in reader.columns for v in HOSTILE]
    reader.rows = rows
    res, good = read_surveys(reader, {1: tpl}, {"H1": None}, TODAY)
    _check(res, len(rows))
    for _code, _date, visitors, answers, notes, _v, _t in good:
        assert len(visitors) <= 200 and len(notes) <= 4000
        assert not any(re.search("[\x00-\x08\x0b-\x1f\x7f\ufffe]", a) for a in answers.values())
