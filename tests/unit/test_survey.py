"""入户排查 (issue 15): the shipped template, prefill, saving a visit, print, entry sheet round trip."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fupin_desktop import cli
from fupin_desktop.domain import survey as qs
from fupin_desktop.errors import InputError, ValidationError
from fupin_desktop.models import Problem, Survey, SurveyAnswer
from fupin_desktop.services.problems import survey as svc

from ._problems_data import CODES, make_register


@pytest.fixture
def reg(any_db):
    make_register(any_db)
    return any_db


def run(capsys, db, *argv):
    code = cli.main(["--db", db.url, "--json", *argv])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_shipped_template_covers_every_section_and_flags_problems():
    tpl = svc.shipped_templates()[1]
    assert [title for title, _ in tpl.sections] == list(qs.SECTIONS)
    assert {q.type for q in tpl.questions} == set(qs.TYPES)
    h2 = tpl.question("H2")
    assert qs.is_problem(h2, "D级") and not qs.is_problem(h2, "A级")
    i1 = tpl.question("I1")
    assert qs.is_problem(i1, qs.normalise_answer(i1, "7,000")) and not qs.is_problem(i1, "7300")
    assert qs.normalise_answer(tpl.question("F1"), "√") == "是"
    with pytest.raises(ValueError, match="是.*否"):
        qs.normalise_answer(tpl.question("F1"), "还行")


def test_a_bad_template_is_refused_with_the_question_named():
    raw = {"version": 2, "sections": [{"title": "不愁吃", "questions": [
        {"id": "X1", "text": "t", "type": "yesno", "problem": "也许", "category": "不愁吃"}]}]}
    with pytest.raises(qs.TemplateError, match="X1"):
        qs.parse_template(raw)


def test_prefill_comes_from_the_register(reg):
    a, b = svc.household_facts(reg, [CODES[0], CODES[1]], as_of=dt.date(2026, 5, 1))
    assert a.head == "户主0" and a.helper == "付帅" and a.members == 1
    assert a.prefill["F1"] == "是" and a.prefill["H1"] == "是" and a.prefill["M1"] == "是"
    assert a.prefill["E2"] == "否"  # 义务教育有保障 → no child out of school
    assert b.prefill["H1"] == "否"  # 危房户


def _png(path):
    from PIL import Image

    Image.new("RGB", (30, 20), "white").save(path)
    return str(path)


def test_saving_a_visit_creates_one_problem_per_problem_answer(reg, time_machine, tmp_path):
    time_machine.move_to(dt.datetime(2026, 5, 2, 9, 0))
    saved = svc.save_survey(reg, svc.SurveyInput(
        CODES[1], dt.date(2026, 5, 1), "王芳 李军",
        {"F1": "是", "H1": "否", "H2": "C级", "W1": "是", "I1": "8000", "R3": "屋后有滑坡隐患"},
        notes="户主在家", files=[_png(tmp_path / "scan.png")]))
    assert len(saved.problems) == 2
    with reg.read() as s:
        probs = s.scalars(select(Problem).order_by(Problem.id)).all()
        answers = {a.question_id: a for a in s.scalars(select(SurveyAnswer))}
    assert [(p.source, p.category, p.code, p.responsible, p.found_on) for p in probs] == [
        ("入户排查", "住房安全", "H1", "陈敏", dt.date(2026, 5, 1)),
        ("入户排查", "住房安全", "H2", "陈敏", dt.date(2026, 5, 1))]
    assert probs[0].survey_answer_id == answers["H1"].id and answers["H1"].is_problem
    (row,) = svc.list_surveys(reg, CODES[1])
    assert row.template_version == 1 and row.problem_answers == ["H1", "H2"]
    assert row.files == ["scan.png"] and row.notes == "户主在家"
    with pytest.raises(ValidationError, match="W2"):
        svc.save_survey(reg, svc.SurveyInput(CODES[0], dt.date(2026, 5, 1), "王芳", {"W2": "井水"}))


def test_answers_keep_their_version_when_an_admin_adds_one(reg, tmp_path):
    svc.save_survey(reg, svc.SurveyInput(CODES[0], dt.date(2025, 5, 1), "王芳", {"F1": "是"}))
    raw = json.loads(json.dumps({"version": 2, "name": "2026版", "sections": [
        {"title": "饮水安全", "questions": [
            {"id": "W9", "text": "冬季是否断水", "type": "yesno", "problem": "是", "category": "饮水安全"}]}]}))
    f = tmp_path / "v2.json"
    f.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert svc.add_template(reg, f) == 2
    with pytest.raises(InputError, match="大于"):
        svc.add_template(reg, f)
    assert svc.current_template(reg).version == 2
    svc.save_survey(reg, svc.SurveyInput(CODES[0], dt.date(2025, 6, 1), "王芳", {"W9": "是"}))
    rows = svc.list_surveys(reg, CODES[0])
    assert [(r.template_version, r.answers) for r in rows] == [(2, {"W9": "是"}), (1, {"F1": "是"})]


def test_print_gives_one_prefilled_a4_form_per_household(capsys, reg, tmp_path):
    out = tmp_path / "forms.pdf"
    code, data = run(capsys, reg, "survey", "print", CODES[0], CODES[2], "--out", str(out))
    assert code == 0 and data["households"] == 2 and data["pages"] == 2
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89" in info  # A4 portrait
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert CODES[2] in text and "户主2" in text and "住房安全" in text and "排查人员签字" in text
    code, data = run(capsys, reg, "survey", "print", "0000", "--out", str(out))
    assert code == 2 and "0000" in data["error"]
    code, data = run(capsys, reg, "survey", "print", "--village", "龙潭村", "--out", str(out))
    assert code == 0 and data["households"] == 2


def _fill(path, rows):
    """Type answers into the entry sheet like a clerk: {户编号: {header prefix: value}}."""
    wb = load_workbook(path)
    ws = wb["入户排查录入"]
    headers = [c.value for c in ws[2]]
    col = {h.split(" ")[0]: i + 1 for i, h in enumerate(headers)}
    by_code = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value}
    extra = ws.max_row + 1
    for code, values in rows:
        r = by_code.pop(code, None)
        if r is None:  # a second visit goes on a new row
            r = extra
            extra += 1
            ws.cell(r, 1, code)
        for k, v in values.items():
            ws.cell(r, col[k], v)
    wb.save(path)


def _count(db, model):
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_entry_sheet_import_creates_visits_and_one_problem_per_problem_answer(capsys, reg, tmp_path,
                                                                            time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, 0))
    sheet = tmp_path / "entry.xlsx"
    code, data = run(capsys, reg, "survey", "template", str(sheet))
    assert code == 0 and data["households"] == 3
    _fill(sheet, [
        (CODES[0], {"排查日期": dt.datetime(2026, 4, 10), "排查人员": "王芳", "F1": "是", "M1": "否",
                    "I1": 6500, "备注": "户主外出"}),
        (CODES[0], {"排查日期": "2026-05-10", "排查人员": "王芳", "M1": "是"}),
        (CODES[1], {"排查日期": "2026年4月11日", "排查人员": "李军 周强", "H2": "D级", "P3": "满意"}),
    ])  # CODES[2] was not visited: its row stays empty
    code, data = run(capsys, reg, "survey", "import", str(sheet))
    assert code == 0, data
    assert (data["surveys_created"], data["problems_created"], data["rows_imported"]) == (3, 3, 3)
    with reg.read() as s:
        probs = s.execute(select(Problem.code, Problem.category).order_by(Problem.id)).all()
    assert probs == [("M1", "基本医疗"), ("I1", "收入与就业"), ("H2", "住房安全")]
    assert [r.date for r in svc.list_surveys(reg, CODES[0])] == [dt.date(2026, 5, 10),
                                                                 dt.date(2026, 4, 10)]


def test_a_bad_row_is_named_and_nothing_is_imported(capsys, reg, tmp_path, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, 0))
    sheet = tmp_path / "entry.xlsx"
    run(capsys, reg, "survey", "template", str(sheet))
    _fill(sheet, [
        (CODES[0], {"排查日期": "2026-04-10", "排查人员": "王芳", "H1": "否"}),
        (CODES[1], {"排查日期": "2026-04-10", "排查人员": "王芳", "W2": "井水"}),
        (CODES[2], {"排查日期": "2026-04-10", "M1": "是"}),
    ])
    code, data = run(capsys, reg, "survey", "import", str(sheet))
    assert code == 2 and data["rows_imported"] == 0
    msgs = {r["row"]: r for r in data["rejects"]}
    assert set(msgs) == {4, 5}
    assert "第4行" in msgs[4]["message"] and "W2" in msgs[4]["message"] and "井水" in msgs[4]["message"]
    assert msgs[5]["field"] == "visitors" and "排查人员" in msgs[5]["message"]
    assert _count(reg, Survey) == 0 and _count(reg, Problem) == 0
