"""The medical, roster, attendance and survey imports check every value against the field specs:
a bad value rejects its row with the row number and the field's Chinese name — never an
exception, never a database error (over-long text used to raise StringDataRightTruncation on
PostgreSQL and abort the whole file)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from fupin_desktop.models import Settlement
from fupin_desktop.services.medical.importing import import_medical
from tests.security._hostile import row, simple_xlsx
from tests.unit._medical_data import family

TODAY = dt.date(2026, 6, 15)
ENGLISH = re.compile(r"[a-z]+_[a-z]+|income\.")


def _assert_rejects(res, cases, first):
    by_row = {i.row: i for i in res.rejects}
    assert sorted(by_row) == list(range(first, first + len(cases))), \
        [(i.row, i.message) for i in res.rejects]
    for n, (_vals, label, words) in enumerate(cases, start=first):
        msg = by_row[n].message
        assert msg.startswith(f"第{n}行“{label}”"), msg
        assert "该行未导入" in msg and all(w in msg for w in words), msg
        assert not ENGLISH.search(msg), msg
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", msg), msg


# ---- medical settlements ---------------------------------------------------------------------
MED_HEADER = ("姓名", "证件号码", "医疗机构名称", "医疗类别", "入院日期", "出院日期", "结算日期",
              "结算单据号", "诊断名称", "医疗费总额", "统筹基金支出")


def _med(idno, no, **over):
    v = {"姓名": "陈燕", "证件号码": idno, "医疗机构名称": "长顺县人民医院", "医疗类别": "住院",
         "入院日期": "2025-03-01", "出院日期": "2025-03-08", "结算日期": "2025-03-09",
         "结算单据号": no, "诊断名称": "肺炎", "医疗费总额": 1000, "统筹基金支出": 600}
    v.update(over)
    return tuple(v[h] for h in MED_HEADER)


def test_medical_bad_values_reject_their_row(tmp_path, any_db):
    _, _, (idno,) = family(any_db, names=("陈燕",))
    cases = [
        (_med(idno, "JS1", 医疗机构名称="医" * 101), "医疗机构名称", ("101 个字", "100 个字的上限")),
        (_med(idno, "JS2", 诊断名称="炎" * 201), "诊断名称", ("201 个字",)),
        (_med(idno, "J" * 61), "结算单据号", ("61 个字", "60 个字的上限")),
        (_med(idno, "JS\x004"), "结算单据号", ("控制字符", "U+0000")),
        (_med(idno, "JS5", 入院日期="1899-12-31"), "入院日期", ("1900-01-01", "请核对年份")),
    ]
    rows = [row(1, MED_HEADER)] + [row(i + 2, v) for i, (v, _, _) in enumerate(cases)]
    rows.append(row(len(cases) + 2, _med(idno, "JS99", 诊断名称="肺\x07炎")))
    p = simple_xlsx(tmp_path / "m.xlsx", rows)
    res = import_medical(any_db, p, today=TODAY)
    _assert_rejects(res, cases, 2)
    assert res.rows_imported == 1
    (w,) = [i for i in res.warning_rows if i.code == "control-chars"]
    assert "“诊断名称”" in w.message
    with any_db.read() as s:
        assert s.scalars(select(Settlement.diagnosis)).all() == ["肺炎"]
        assert s.scalar(select(func.count()).select_from(Settlement)) == 1


# ---- posts roster ----------------------------------------------------------------------------
ROSTER_HEADER = ("行政村", "姓名", "身份证号", "岗位名称", "岗位类型", "责任区域", "上岗日期",
                 "补贴标准", "银行账号", "开户银行", "协议编号")


def _workers(db, n):
    from fupin_desktop.models import Member
    from tests.unit import _posts_data as pd

    with db.write() as s:
        vid = pd.village(s, "东风村")
        mids = [pd.member(s, pd.household(s, vid), name=f"工{i}") for i in range(n)]
        s.flush()
        return [(f"工{i}", s.get(Member, m).id_number) for i, m in enumerate(mids)]


def _roster_row(who, **over):
    name, idno = who
    v = {"行政村": "东风村", "姓名": name, "身份证号": idno, "岗位名称": f"东风村保洁员{name}",
         "岗位类型": "保洁员", "责任区域": "一组", "上岗日期": "2025-01-01", "补贴标准": 500,
         "银行账号": "6228480402564890018", "开户银行": "农业银行", "协议编号": "XY-1"}
    v.update(over)
    return tuple(v[h] for h in ROSTER_HEADER)


def test_roster_bad_values_reject_their_row(tmp_path, any_db):
    from fupin_desktop.models.posts import Assignment
    from fupin_desktop.services.posts.importing import import_roster

    w = _workers(any_db, 9)
    cases = [  # the bank and agreement fields used to reach the database unchecked
        (_roster_row(w[0], 协议编号="协" * 61), "协议编号", ("61 个字", "60 个字的上限")),
        (_roster_row(w[1], 开户银行="农\x00行"), "开户银行", ("控制字符", "U+0000")),
        (_roster_row(w[2], 银行账号="6" * 41), "银行账号", ("41 个字",)),
        (_roster_row(w[3], 岗位名称="岗" * 61), "岗位名称", ("61 个字",)),
        (_roster_row(w[4], 补贴标准=2e9), "补贴标准", ("超出允许范围",)),
        (_roster_row(w[5], 上岗日期="1899-01-01"), "上岗日期", ("1900-01-01",)),
        (_roster_row(w[6], 补贴标准="五百"), "补贴标准", ("无法识别的金额",)),
    ]
    rows = [row(1, ROSTER_HEADER)] + [row(i + 2, v) for i, (v, _, _) in enumerate(cases)]
    rows.append(row(len(cases) + 2, _roster_row(w[7], 责任区域="一\x1f组")))
    p = simple_xlsx(tmp_path / "r.xlsx", rows)
    res = import_roster(any_db, p, today=TODAY)
    _assert_rejects(res, cases, 2)
    assert "6666666666" not in res.rejects[2].message  # the account is masked
    assert res.rows_imported == 1
    (warn,) = [i for i in res.warning_rows if i.code == "control-chars"]
    assert "“责任区域”" in warn.message
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)) == 1


# ---- attendance ------------------------------------------------------------------------------
def _attendance_workers(db, n):
    from fupin_desktop.models import Member
    from tests.unit import _posts_data as pd

    out = []
    for i in range(n):
        mid, _aid = pd.worker(db, name=f"考{i}", start=dt.date(2025, 1, 1))
        with db.read() as s:
            out.append((f"考{i}", s.get(Member, mid).id_number))
    return out


def test_signin_bad_values_reject_their_row(tmp_path, any_db):
    from fupin_desktop.services.posts.attendance_import import import_attendance

    w = _attendance_workers(any_db, 3)
    header = ("姓名", "身份证号", "日期", "考勤")
    cases = [
        (("考0", w[0][1], "1899-12-30", "√"), "签到日期", ("1900-01-01", "请核对年份")),
        (("考1", w[1][1], "2030-01-05", "√"), "签到日期", ("2027-06-15",)),
    ]
    rows = [row(1, header)] + [row(i + 2, v) for i, (v, _, _) in enumerate(cases)]
    rows.append(row(4, ("考2", w[2][1], "2025-10-09", "√\x00")))
    rows.append(row(5, ("考2", w[2][1], "2025-10-10", "√")))
    res = import_attendance(any_db, simple_xlsx(tmp_path / "a.xlsx", rows), today=TODAY)
    by_row = {i.row: i for i in res.rejects}
    assert sorted(by_row) == [2, 3, 4], [(i.row, i.message) for i in res.rejects]
    _assert_rejects(type(res)(rejects=[by_row[2], by_row[3]]), cases, 2)
    assert "\\u0000" in by_row[4].message and "考勤标记" in by_row[4].message
    assert res.rows_imported == 1


def test_grid_declared_days_out_of_range_rejects_the_row(tmp_path, any_db):
    from fupin_desktop.services.posts.attendance_import import import_attendance

    (who, idno), (who2, idno2) = _attendance_workers(any_db, 2)
    header = ("姓名", "身份证号", "1日", "2日", "出勤天数")
    rows = [row(1, header), row(2, (who, idno, "√", "√", 2 ** 63)), row(3, (who2, idno2, "√", "×", 1))]
    res = import_attendance(any_db, simple_xlsx(tmp_path / "g.xlsx", rows), month="2025-10",
                            today=TODAY)
    (rej,) = res.rejects
    assert rej.row == 2 and rej.code == "bad-value" and rej.field == "declared_days"
    assert rej.message.startswith("第2行“出勤天数”") and "0～31" in rej.message
    assert res.rows_imported == 1


# ---- survey entry sheet ----------------------------------------------------------------------
class _Reader:
    """A stand-in for an opened sheet (the survey check reads plain values)."""

    def __init__(self, tpl, rows):
        from fupin_desktop.domain.survey import question_header

        self.heads = {"household_code": "户编号", "date": "排查日期", "visitors": "排查人员",
                      "notes": "备注", "version": "调查表版本",
                      **{f"q:{q.id}": question_header(q) for q in tpl.questions}}
        self.columns = list(self.heads)
        self.rows = rows
        self.rows_skipped = 0

    def header_of(self, f):
        return self.heads[f]

    def iter_values(self, fields):
        for n, r in enumerate(self.rows, start=3):
            yield n, tuple(r.get(f) for f in fields)


def test_survey_bad_values_reject_their_row():
    from fupin_desktop.importers.survey import read_surveys
    from fupin_desktop.services.problems.survey import shipped_templates

    tpl = shipped_templates()[1]
    ok = {"household_code": "H1", "date": dt.date(2026, 4, 10), "visitors": "王芳"}
    rows = [
        {**ok, "visitors": "王" * 201},
        {**ok, "household_code": "H\x001"},
        {**ok, "date": dt.date(1899, 5, 1)},
        {**ok, "version": 2 ** 63},
        {**ok, "visitors": "王\x07芳", "notes": "第一行\n第二行\x00", "q:R3": "孩子\x1b上学"},
    ]
    res, good = read_surveys(_Reader(tpl, rows), {1: tpl}, {"H1": None}, TODAY)
    cases = [(None, "排查人员", ("201 个字", "200 个字的上限")),
             (None, "户编号", ("控制字符", "U+0000")),
             (None, "排查日期", ("1900-01-01",)),
             (None, "调查表版本", ("超出允许范围",))]
    by_row = {i.row: i for i in res.rejects}
    assert sorted(by_row) == [3, 4, 5, 6], [(i.row, i.message) for i in res.rejects]
    for n, (_v, lab, words) in enumerate(cases, start=3):
        msg = by_row[n].message
        assert msg.startswith(f"第{n}行“{lab}”") and all(w in msg for w in words), msg
        assert not ENGLISH.search(msg) and "\x00" not in msg, msg
    (g,) = good
    assert g[2] == "王芳" and g[3]["R3"] == "孩子上学" and g[4] == "第一行\n第二行"
    warned = {i.field for i in res.warning_rows if i.code == "control-chars"}
    assert warned == {"visitors", "notes", "q:R3"}
    assert all(not ENGLISH.search(i.message) for i in res.warning_rows)


def test_survey_over_long_visitors_never_reach_the_database(any_db, tmp_path, time_machine):
    """201 characters of 排查人员 used to raise StringDataRightTruncation on PostgreSQL."""
    from openpyxl import Workbook

    from fupin_desktop.domain.survey import question_header
    from fupin_desktop.services.problems.survey import shipped_templates
    from fupin_desktop.services.problems.survey_import import import_surveys
    from fupin_desktop.models import Survey
    from tests.unit._problems_data import CODES, make_register

    time_machine.move_to(dt.datetime(2026, 6, 1, 9, 0))
    make_register(any_db)
    tpl = shipped_templates()[1]
    wb = Workbook()
    ws = wb.active
    ws.title = "入户排查录入"
    ws.append(["入户排查录入表"])
    ws.append(["户编号", "行政村", "户主", "排查日期", "排查人员", question_header(tpl.questions[0])])
    ws.append([CODES[0], None, None, "2026-04-10", "王" * 201, "是"])
    ws.append([CODES[1], None, None, "2026-04-10", "李军", "是"])
    p = tmp_path / "entry.xlsx"
    wb.save(p)
    res = import_surveys(any_db, p, today=dt.date(2026, 6, 1))
    (rej,) = res.rejects
    assert rej.row == 3 and rej.message.startswith("第3行“排查人员”有 201 个字")
    assert res.rows_imported == 0  # all rows or nothing
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Survey)) == 0


# ---- the forms (GUI and CLI) validate through the same specs ---------------------------------
def test_settlement_form_checks_the_specs(any_db):
    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services.medical.settlement_edit import save_settlement, validate_settlement
    from tests.unit._medical_data import form

    _, (mid,), _ = family(any_db, names=("陈燕",))
    bad = {"hospital_name": "医" * 101, "diagnosis": "肺\x00炎", "settlement_no": "J" * 61,
           "admission_date": "1899-12-01"}
    errors = validate_settlement(any_db, form(mid, **bad), today=TODAY)
    assert set(bad) <= set(errors), errors
    assert "“医疗机构名称”有 101 个字" in errors["hospital_name"]
    assert "U+0000" in errors["diagnosis"] and "1900-01-01" in errors["admission_date"]
    with pytest.raises(ValidationError) as e:  # never a StringDataRightTruncation
        save_settlement(any_db, form(mid, hospital_name="医" * 101), today=TODAY)
    assert "医疗机构名称" in str(e.value)
    save_settlement(any_db, form(mid, note="第一行\n第二行"), today=TODAY)


def test_household_and_member_forms_check_the_specs():
    from fupin_desktop.services.households import edit as hs
    from fupin_desktop.services.households.form_rules import validate_household, validate_member

    today = dt.date(2026, 6, 15)
    e = validate_household(hs.HouseholdForm(code="5227271001000001", village_id=1,
                                            household_type="脱贫户", helper_name="付\x07帅",
                                            monitoring_category="脱贫不稳定户", risk1="因病",
                                            monitoring_date=dt.date(1899, 1, 1)), today)
    assert "U+0007" in e["helper_name"] and "帮扶责任人" in e["helper_name"]
    assert "1900-01-01" in e["monitoring_date"]
    m = hs.MemberForm(name="张\x00三", id_number=None, relation="户主", status="正常",
                      health="健\x1b康")
    e = validate_member(m, today)
    assert "“健康状况”含有不可见的控制字符" in e["health"]
    assert not any(re.search(r"[a-z]+_[a-z]+", msg) for msg in e.values()), e


def test_post_form_checks_the_specs(any_db):
    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services.posts.assignments import PostInput, save_post

    with pytest.raises(ValidationError) as e:
        save_post(any_db, PostInput(name="保洁\x00员", post_type="保洁员", wage_standard="500",
                                    village_id=None, duty_area="区" * 101))
    assert "U+0000" in e.value.errors["name"] and "101 个字" in e.value.errors["duty_area"]


def test_survey_form_and_assignment_dates_check_the_specs(any_db):
    from fupin_desktop.errors import ValidationError
    from fupin_desktop.services.posts import assignments as pa
    from fupin_desktop.services.problems import survey as svc

    with pytest.raises(ValidationError) as e:
        svc._check_head(svc.SurveyInput("H1", dt.date(2026, 4, 10), "王\x07芳", {}), TODAY)
    assert "“排查人员”" in e.value.errors["visitors"] and "U+0007" in e.value.errors["visitors"]
    base = dict(member_id=1, post_id=1, start_date=dt.date(1899, 1, 1), end_date=None,
                agreement_no=None, bank_name=None, bank_account=None)
    with pytest.raises(ValidationError) as e:
        pa._check_fields(pa.AssignmentInput(**base), TODAY)
    assert "“上岗日期”" in e.value.errors["start_date"] and "1900-01-01" in str(e.value)
