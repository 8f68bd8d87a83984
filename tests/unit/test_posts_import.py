"""Roster and attendance imports: the samples, every reject code, idempotency, closed months."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fupin_desktop.errors import InputError
from fupin_desktop.services.posts.attendance_import import import_attendance
from fupin_desktop.services.posts.importing import import_roster
from fupin_desktop.models import AuditLog
from fupin_desktop.models.posts import AttendanceMonth, Assignment, Post
from fupin_desktop.services.posts.attendance import month_grid
from fupin_desktop.services.posts.payroll import close_month
from tests.unit import _posts_data as d

OCT = dt.date(2025, 10, 1)


def _samples_db(db, samples):
    try:
        from fupin_desktop.services.households.importing import import_households
    except ImportError:
        pytest.skip("户信息导入（services.households.importing）尚未提供")
    import_households(db, samples / "national_export_messy.xlsx")


def test_sample_roster_gives_12_assignments_and_rejects_row_5(any_db, samples):
    _samples_db(any_db, samples)
    res = import_roster(any_db, samples / "post_roster_2025.xlsx")
    assert (res.rows_imported, res.rows_rejected) == (12, 1)
    (rej,) = res.rejects
    assert (rej.row, rej.code) == (5, "not-eligible")
    assert "脱贫户或监测对象家庭成员" in rej.message and "一般农户" in rej.message
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)) == 12
        assert s.scalar(select(func.count()).select_from(Post)) == 12
    again = import_roster(any_db, samples / "post_roster_2025.xlsx")  # idempotent
    assert again.counts["assignments_created"] == 0 and again.counts["posts_created"] == 0
    assert again.counts["assignments_unchanged"] == 12
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Assignment)) == 12


def test_sample_attendance_gives_10_rows_and_two_rejects(any_db, samples):
    _samples_db(any_db, samples)
    import_roster(any_db, samples / "post_roster_2025.xlsx")
    res = import_attendance(any_db, samples / "attendance_2025-10.xlsx")
    assert res.rows_imported == 10
    assert [(r.row, r.code) for r in res.rejects] == [(5, "id-checksum"), (7, "unknown-member")]
    js = res.to_json()
    assert {"rows_imported", "rows_rejected", "rows_skipped", "rejects", "warning_rows"} <= set(js)
    grid = month_grid(any_db, OCT)
    by_name = {r.worker_name: r for r in grid.rows}
    # row 3 of the sheet (郭红): 25 √, 2 ×, Sundays empty
    assert (by_name["郭红"].present, by_name["郭红"].absent) == (25, 2)
    assert by_name["郭红"].marks[6] == "A" and by_name["郭红"].marks[4] == "."
    again = import_attendance(any_db, samples / "attendance_2025-10.xlsx")
    assert again.counts["months_unchanged"] == 10 and again.counts["months_replaced"] == 0


def _roster(tmp_path, rows, name="roster.xlsx"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["测试镇公益性岗位人员花名册"])
    ws.append(["序号", "行政村", "姓名", "身份证号", "岗位名称", "岗位类型", "责任区域", "上岗日期",
               "补贴标准(元/月)", "银行账号"])
    for i, r in enumerate(rows, 1):
        ws.append([i, *r])
    path = tmp_path / name
    wb.save(path)
    return path


def _people(db):
    with db.write() as s:
        vid = d.village(s, "东风村")
        ok = d.member(s, d.household(s, vid), name="甲")
        old = d.member(s, d.household(s, vid), name="乙", birth=dt.date(1950, 1, 1))
        s.flush()
        from fupin_desktop.models import Member
        return s.get(Member, ok).id_number, s.get(Member, old).id_number


def test_roster_reject_codes(db, tmp_path):
    ok_id, old_id = _people(db)
    unknown = d.make_id(dt.date(1985, 1, 1))
    bad_sum = ok_id[:-1] + ("0" if ok_id[-1] != "0" else "1")
    path = _roster(tmp_path, [
        ["东风村", "甲", ok_id, "东风村保洁员", "保洁员", "一组", "2025-01-01", 500, "6228480402564890018"],
        ["东风村", "乙", old_id, "东风村护路员", "护路员", "二组", "2025-01-01", 400, ""],
        ["东风村", "丙", unknown, "东风村护路员", "护路员", "二组", "2025-01-01", 400, ""],
        ["东风村", "丁", 522729198501010011, "东风村护路员", "护路员", "二组", "2025-01-01", 400, ""],
        ["东风村", "戊", "5227291985", "东风村护路员", "护路员", "二组", "2025-01-01", 400, ""],
        ["东风村", "己", bad_sum, "东风村护路员", "护路员", "二组", "2025-01-01", 400, ""],
        ["东风村", "甲", ok_id, "", "保洁员", "一组", "2025-01-01", 500, ""],
    ])
    res = import_roster(db, path)
    assert res.rows_imported == 1
    rejects = sorted(res.rejects, key=lambda r: r.row)
    assert [(r.row, r.code) for r in rejects] == [
        (4, "not-eligible"), (5, "unknown-member"), (6, "id-not-text"), (7, "id-length"),
        (8, "id-checksum"), (9, "missing-value")]
    assert "年龄符合规定" in rejects[0].message
    with db.read() as s:
        a = s.scalars(select(Assignment)).one()
        assert a.bank_account == "6228480402564890018"  # text end to end


def test_roster_bad_post_values_reject_the_row_not_the_file(db, tmp_path):
    from fupin_desktop.models import Member, Village

    ok_id, _ = _people(db)
    with db.write() as s:
        vid = s.scalar(select(Village.id))
        other = d.member(s, d.household(s, vid), name="丙")
        third = d.member(s, d.household(s, vid), name="丁")
        s.flush()
        other_id = s.get(Member, other).id_number
        third_id = s.get(Member, third).id_number
    path = _roster(tmp_path, [
        ["东风村", "甲", ok_id, "东风村保洁员", "保洁员", "一组", "2025-01-01", -500, ""],
        ["东风村", "丙", other_id, "东风村护路员", "护路员", "二组", "2025-01-01", 400, ""],
        ["东风村", "丁", third_id, "东风村护林员", "护林员", "三组" * 51, "2025-01-01", 400, ""],
    ])
    res = import_roster(db, path)  # used to abort the whole file with no row number
    assert res.rows_imported == 1
    assert [(r.row, r.code) for r in res.rejects] == [(3, "bad-value"), (5, "bad-value")]
    assert "第3行" in res.rejects[0].message and "负数" in res.rejects[0].message
    # PostgreSQL: a DataError; now named by the field spec
    assert res.rejects[1].message.startswith("第5行“责任区域”有 102 个字")
    assert "超过 100 个字的上限" in res.rejects[1].message
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Post)) == 1


def test_roster_import_is_all_or_nothing(db, tmp_path, monkeypatch):
    ok_id, _ = _people(db)
    path = _roster(tmp_path, [["东风村", "甲", ok_id, "东风村保洁员", "保洁员", "一组", "2025-01-01",
                               500, ""]])
    from fupin_desktop.services.posts import importing as posts_roster

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(posts_roster, "create_assignment_in", boom)
    with pytest.raises(RuntimeError):
        import_roster(db, path)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Post)) == 0


def _sheet(tmp_path, title, rows, name="att.xlsx", days=31):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(["序号", "姓名", "身份证号", "岗位", *[f"{i}日" for i in range(1, days + 1)], "出勤天数"])
    for i, r in enumerate(rows, 1):
        ws.append([i, *r])
    path = tmp_path / name
    wb.save(path)
    return path


def _row(name, idno, marks: str, post="保洁员", declared=None, days=31):
    cells = [{"P": "√", "L": "事", "S": "病", "A": "×", ".": None}.get(c, c)
             for c in marks.ljust(days, ".")]
    return [name, idno, post, *cells, declared]


def test_attendance_reject_codes_and_warnings(db, tmp_path):
    mid, aid = d.worker(db, name="甲", start=dt.date(2025, 10, 6))
    _, _ = d.worker(db, name="乙", start=dt.date(2025, 11, 1))
    with db.read() as s:
        from fupin_desktop.models import Member
        ids = {m.name: m.id_number for m in s.scalars(select(Member))}
    path = _sheet(tmp_path, "测试镇2025年10月签到考勤表", [
        _row("甲", ids["甲"], "....." + "P" * 20, declared=21),
        _row("乙", ids["乙"], "P" * 20),
        _row("甲", ids["甲"], "....." + "P?"),
        _row("甲", ids["甲"], "P" * 3),
        _row("丙", d.make_id(dt.date(1990, 1, 1)), "P"),
    ])
    res = import_attendance(db, path)
    assert res.rows_imported == 1, [(r.row, r.code, r.message) for r in res.rejects]
    rejects = sorted(res.rejects, key=lambda r: r.row)
    assert [(r.row, r.code) for r in rejects] == [
        (4, "no-assignment"), (5, "bad-mark"), (6, "bad-mark"), (7, "unknown-member")]
    assert "1日、2日、3日不在上岗期间" in rejects[2].message
    assert {w.code for w in res.warning_rows} == {"days-mismatch"}
    grid = month_grid(db, OCT)
    (row,) = [r for r in grid.rows if r.assignment_id == aid]
    assert row.marks.startswith("....." + "P" * 20) and row.present == 20


def test_attendance_reimport_changes_the_days_it_holds_and_is_audited(db, tmp_path):
    _, a1 = d.worker(db, name="甲")
    _, a2 = d.worker(db, name="乙")
    with db.read() as s:
        from fupin_desktop.models import Member
        ids = {m.name: m.id_number for m in s.scalars(select(Member))}
    first = _sheet(tmp_path, "2025年10月考勤", [_row("甲", ids["甲"], "P" * 10),
                                               _row("乙", ids["乙"], "P" * 10)], "a.xlsx")
    import_attendance(db, first)
    second = _sheet(tmp_path, "2025年10月考勤", [_row("甲", ids["甲"], "A" * 2 + "." * 3 + "P"),
                                                _row("乙", ids["乙"], "")], "b.xlsx")
    res = import_attendance(db, second)
    assert res.counts["months_replaced"] == 2
    with db.read() as s:
        marks = dict(s.execute(select(AttendanceMonth.assignment_id, AttendanceMonth.marks)).all())
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "post_attendance",
                                                 AuditLog.action == "update")).all()
    # the file holds days 1–6: those are replaced (an empty cell clears), the rest kept
    assert marks[a1] == "AA...P" + "P" * 4 + "." * 21
    assert marks[a2] == "." * 6 + "P" * 4 + "." * 21
    assert [(c.worker_name, c.added, c.changed) for c in res.changes] == [("甲", 0, 5), ("乙", 0, 6)]
    assert len(audit) == 2 and all(a.reason == "导入考勤：b.xlsx" for a in audit)


def test_attendance_import_refuses_a_closed_month(db, tmp_path):
    _, aid = d.worker(db, name="甲")
    with db.read() as s:
        from fupin_desktop.models import Member
        idno = s.scalars(select(Member.id_number)).one()
    path = _sheet(tmp_path, "2025年10月考勤", [_row("甲", idno, "P" * 26)])
    import_attendance(db, path)
    close_month(db, OCT, today=dt.date(2026, 1, 1))
    with pytest.raises(InputError) as err:
        import_attendance(db, path)
    assert "已关账" in str(err.value)


def test_attendance_month_from_option_when_title_has_none(db, tmp_path):
    _, aid = d.worker(db, name="甲")
    with db.read() as s:
        from fupin_desktop.models import Member
        idno = s.scalars(select(Member.id_number)).one()
    path = _sheet(tmp_path, "签到考勤表", [_row("甲", idno, "P" * 26, days=30)], name="sheet.xlsx",
                  days=30)
    with pytest.raises(InputError):
        import_attendance(db, path)
    res = import_attendance(db, path, month="2025-09")
    assert res.rows_imported == 1 and res.counts["month"] == "2025-09"


def test_signin_rows_layout(db, tmp_path):
    from openpyxl import Workbook

    _, aid = d.worker(db, name="甲")
    with db.read() as s:
        from fupin_desktop.models import Member
        idno = s.scalars(select(Member.id_number)).one()
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "签到日期", "考勤"])
    ws.append(["甲", idno, dt.date(2025, 10, 1), "√"])
    ws.append(["甲", idno, "2025-10-02", None])
    ws.append(["甲", idno, "2025/10/03", "病"])
    path = tmp_path / "signin.xlsx"
    wb.save(path)
    res = import_attendance(db, path)
    assert res.rows_imported == 3
    with db.read() as s:
        assert s.scalar(select(AttendanceMonth.marks)).startswith("PPS.")


def _ids(db):
    from fupin_desktop.models import Member

    with db.read() as s:
        return {m.name: m.id_number for m in s.scalars(select(Member))}


def test_two_half_month_sheets_keep_both_halves(any_db, tmp_path):
    _, aid = d.worker(any_db, name="甲")
    ids = _ids(any_db)
    first = _sheet(tmp_path, "2025年10月考勤（上半月）", [_row("甲", ids["甲"], "P" * 15)], "a.xlsx",
                   days=15)
    second = _sheet(tmp_path, "2025年10月考勤（下半月）", [_row("甲", ids["甲"], "." * 15 + "P" * 14 + "AA")],
                    "b.xlsx")
    r1 = import_attendance(any_db, first)
    r2 = import_attendance(any_db, second)
    with any_db.read() as s:
        assert s.scalar(select(AttendanceMonth.marks)) == "P" * 29 + "AA"
    assert [(c.added, c.changed) for c in r1.changes] == [(15, 0)]
    assert [(c.added, c.changed) for c in r2.changes] == [(16, 0)]
    assert (r2.counts["marks_added"], r2.counts["marks_changed"]) == (16, 0)


def _signin(tmp_path, rows, name="signin.xlsx"):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "签到日期", "考勤"])
    for r in rows:
        ws.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def test_signin_file_changes_only_its_days_and_rejects_duplicates(any_db, tmp_path):
    from fupin_desktop.services.posts.attendance import fill_range

    _, aid = d.worker(any_db, name="甲")
    fill_range(any_db, OCT, [aid], 1, 31, "√")
    idno = _ids(any_db)["甲"]
    path = _signin(tmp_path, [["甲", idno, "2025-10-05", "×"],
                              ["甲", idno, "2025-10-06", "事"],
                              ["甲", idno, "2025-10-05", "√"]])  # the same day again
    res = import_attendance(any_db, path)
    assert res.rows_imported == 2
    (rej,) = res.rejects
    assert (rej.row, rej.code) == (4, "duplicate-row")
    assert "第4行" in rej.message and "第2行" in rej.message and "重复的签到记录" in rej.message
    with any_db.read() as s:
        marks = s.scalar(select(AttendanceMonth.marks))
    assert marks == "P" * 4 + "AL" + "P" * 25  # day 5 is the first row's ×, not last-wins
    assert [(c.worker_name, c.added, c.changed) for c in res.changes] == [("甲", 0, 2)]


def test_dry_run_reports_the_changes_and_writes_nothing(any_db, tmp_path):
    _, aid = d.worker(any_db, name="甲")
    path = _sheet(tmp_path, "2025年10月考勤", [_row("甲", _ids(any_db)["甲"], "P" * 20)])
    res = import_attendance(any_db, path, dry_run=True)
    assert res.dry_run and [(c.worker_name, c.added) for c in res.changes] == [("甲", 20)]
    assert res.change_lines() == ["甲 2025-10：新增 20 天，修改 0 天"]
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(AttendanceMonth)) == 0
        assert s.scalar(select(func.count()).select_from(AuditLog)
                        .where(AuditLog.table_name == "post_attendance")) == 0
    assert import_attendance(any_db, path).counts["months_created"] == 1


def test_cli_import_prints_the_change_summary(db, tmp_path, capsys):
    import json

    from fupin_desktop.cli import main

    d.worker(db, name="甲")
    path = _sheet(tmp_path, "2025年10月考勤", [_row("甲", _ids(db)["甲"], "P" * 20 + "A")])
    assert main(["--db", db.url, "import", "attendance", str(path)]) == 0
    out = capsys.readouterr().out
    assert "甲 2025-10：新增 21 天，修改 0 天" in out
    path2 = _sheet(tmp_path, "2025年10月考勤", [_row("甲", _ids(db)["甲"], "P" * 21)], "b.xlsx")
    assert main(["--db", db.url, "import", "attendance", str(path2), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows_imported"] == 1 and data["months_replaced"] == 1  # existing keys stay
    assert data["changes"] == [{"assignment_id": 1, "worker": "甲", "month": "2025-10",
                                "added": 0, "changed": 1}]
    assert data["marks_changed"] == 1
