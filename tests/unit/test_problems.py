"""问题清单 / 整改销号 (issue 15): statuses, audit, evidence, accounts, check-finding sync, ledger."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest
from sqlalchemy import select

from fupin_desktop import cli
from fupin_desktop.errors import AccessError, UserError
from fupin_desktop.models import AuditLog, EvidenceFile, Problem, ProblemEvent, Setting
from fupin_desktop.services.problems import tracking as ps
from fupin_desktop.services.users import accounts as users

from ._problems_data import CODES, make_register


@pytest.fixture
def reg(any_db):
    make_register(any_db)
    return any_db


def run(capsys, db, *argv):
    code = cli.main(["--db", db.url, "--json", *argv])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def _png(path):
    from PIL import Image

    Image.new("RGB", (30, 20), "white").save(path)
    return str(path)


def test_problem_goes_through_every_status_visible_in_list_and_audit(capsys, reg, tmp_path, monkeypatch):
    monkeypatch.setattr("fupin_desktop.database._current_user", lambda: "clerk-os")
    code, out = run(capsys, reg, "problems", "add", "--household", CODES[0], "--category", "住房安全",
                    "--text", "厨房屋顶漏雨", "--due", "2026-06-30")
    assert code == 0
    pid = out["id"]
    steps = [(("start", str(pid)), "整改中"),
             (("resolve", str(pid), "--note", "已修缮屋顶", "--evidence", _png(tmp_path / "a.png")),
              "已整改待核验"),
             (("close", str(pid), "--note", "实地核验属实", "--confirmer", "王核验"), "已销号")]
    code, listed = run(capsys, reg, "problems", "list")
    assert listed["problems"] == [{
        "id": pid, "household": CODES[0], "village": "龙潭村", "source": "手工",
        "category": "住房安全", "text": "厨房屋顶漏雨", "responsible": "付帅",  # the 帮扶责任人
        "due": "2026-06-30", "status": "待整改", "code": None, "overdue": listed["problems"][0]["overdue"]}]
    for argv, status in steps:
        code, out = run(capsys, reg, "problems", *argv)
        assert code == 0, out
        code, listed = run(capsys, reg, "problems", "list", "--status", status)
        assert [p["id"] for p in listed["problems"]] == [pid]
    with reg.read() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.table_name == "problems")
                          .order_by(AuditLog.id)).all()
        events = s.scalars(select(ProblemEvent).order_by(ProblemEvent.id)).all()
        ev_file = s.scalar(select(EvidenceFile))
    statuses = [a.changes["status"][1] for a in audit if "status" in (a.changes or {})]
    assert statuses == ["待整改", "整改中", "已整改待核验", "已销号"]
    assert {a.user for a in audit} == {"clerk-os"} and all(a.ts for a in audit)
    assert [(e.action, e.old_status, e.new_status) for e in events] == [
        ("add", None, "待整改"), ("start", "待整改", "整改中"),
        ("resolve", "整改中", "已整改待核验"), ("close", "已整改待核验", "已销号")]
    assert events[-1].confirmer == "王核验" and events[-1].note == "实地核验属实"
    # the evidence is stored content-addressed beside the database, linked to the resolve step
    assert ev_file.event_id == events[2].id and ps.evidence_path(reg, ev_file.sha256).is_file()
    code, shown = run(capsys, reg, "problems", "show", str(pid))
    assert [h["action"] for h in shown["history"]] == ["add", "start", "resolve", "close"]
    assert shown["evidence"][0]["file_name"] == "a.png"


def test_wrong_steps_are_refused_and_change_nothing(capsys, reg, tmp_path):
    pid = ps.add_problem(reg, household_code=CODES[1], category="饮水安全", text="水量不足")
    code, out = run(capsys, reg, "problems", "close", str(pid), "--note", "x")
    assert code == 2 and "待整改" in out["error"]
    bad = tmp_path / "x.txt"
    bad.write_text("not a scan")
    code, out = run(capsys, reg, "problems", "resolve", str(pid), "--note", "ok", "--evidence", str(bad))
    assert code == 2 and "PDF、JPG 或 PNG" in out["error"]
    with pytest.raises(UserError, match="说明"):
        ps.apply_action(reg, pid, "resolve", note="  ")
    with reg.read() as s:
        assert s.get(Problem, pid).status == "待整改"
        assert s.scalar(select(EvidenceFile)) is None
    code, out = run(capsys, reg, "problems", "list", "--status", "完成")
    assert code == 2 and "--status" in out["error"]


def test_closing_needs_someone_other_than_the_resolver_once_accounts_exist(reg):
    users.add_user(reg, "boss", "admin", "boss-pass-1", "张站长")
    users.add_user(reg, "li", "clerk", "li-pass-1", "李录入")
    users.login(reg, "li", "li-pass-1")
    pid = ps.add_problem(reg, household_code=CODES[0], category="基本医疗", text="未参保")
    ps.apply_action(reg, pid, "resolve", note="已参保")
    with pytest.raises(AccessError, match="其他人核验"):
        ps.apply_action(reg, pid, "close", note="核验")
    users.login(reg, "boss", "boss-pass-1")
    ps.apply_action(reg, pid, "close", note="核验属实")
    with reg.read() as s:
        p = s.get(Problem, pid)
        assert (p.status, p.resolved_by, p.closed_by) == ("已销号", "li", "boss")


def test_overdue_and_filters(reg):
    late = ps.add_problem(reg, household_code=CODES[0], category="住房安全", text="a",
                          due=dt.date(2026, 3, 1))
    ps.add_problem(reg, household_code=CODES[2], category="饮水安全", text="b", due=dt.date(2026, 9, 1))
    done = ps.add_problem(reg, household_code=CODES[1], category="住房安全", text="c",
                          due=dt.date(2026, 3, 1), source="上级反馈")
    ps.apply_action(reg, done, "resolve", note="ok")
    today = dt.date(2026, 5, 1)
    over = ps.list_problems(reg, ps.ProblemFilter(overdue=True), today=today)
    assert [r.id for r in over] == [late]  # the resolved one is no longer overdue
    assert [r.household for r in ps.list_problems(reg, ps.ProblemFilter(village="新寨村"))] == [CODES[2]]
    assert [r.id for r in ps.list_problems(reg, ps.ProblemFilter(source="上级反馈"))] == [done]
    assert ps.assign(reg, [late, done], due=dt.date(2026, 12, 31), responsible="周强") == 2
    assert [r.id for r in ps.list_problems(reg, ps.ProblemFilter(overdue=True), today=today)] == []
    assert {r.responsible for r in ps.list_problems(reg, ps.ProblemFilter(responsible="周强"))} == {"周强"}


def test_sync_findings_adds_updates_and_resolves_without_duplicates(reg):
    F = ps.FindingRecord
    run1 = dt.datetime(2026, 4, 1, 9, 0)
    findings = [F("R17", CODES[0], "监测对象风险类型为空", "监测对象风险类型为空"),
                F("R07", CODES[1], "16岁以下劳动技能应为无劳动力", "16岁以下劳动技能不是无劳动力",
                  member_id=None),
                F("R16", "9999", "unknown household")]
    r1 = ps.sync_findings(reg, findings, run1)
    assert len(r1.created) == 2 and r1.skipped == ["9999"]
    r2 = ps.sync_findings(reg, findings, dt.datetime(2026, 4, 2))
    assert r2.created == [] and sorted(r2.unchanged) == sorted(r1.created)
    rows = ps.list_problems(reg, ps.ProblemFilter(source="疑点检查"))
    assert sorted(r.code for r in rows) == ["R07", "R17"]
    # the data behind R17 was fixed: the next run does not show it
    run3 = dt.datetime(2026, 4, 3, 10, 30)
    r3 = ps.sync_findings(reg, findings[1:], run3)
    assert len(r3.resolved) == 1
    d = ps.get_problem(reg, r3.resolved[0])
    assert d.problem.status == "已整改待核验" and d.problem.code == "R17"
    assert d.events[-1].action == "auto" and d.events[-1].check_run == run3
    # a run of other rules only leaves R07 alone; the finding coming back reopens R17
    assert ps.sync_findings(reg, [], run3, codes=["R17"]).resolved == []
    r4 = ps.sync_findings(reg, findings, dt.datetime(2026, 4, 4))
    assert r4.reopened == r3.resolved
    assert ps.get_problem(reg, r3.resolved[0]).problem.status == "整改中"
    with reg.read() as s:
        assert len(s.scalars(select(Problem)).all()) == 2


def test_problem_ledger_pdf_and_excel(capsys, reg, tmp_path):
    for code in CODES:
        ps.add_problem(reg, household_code=code, category="住房安全", text=f"问题{code[-1]}")
    pdf, xlsx = tmp_path / "p.pdf", tmp_path / "p.xlsx"
    code, out = run(capsys, reg, "ledger", "problems", "--out", str(pdf), "--village", "龙潭村")
    assert code == 0 and out["pages"] == 1
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "问题整改台账" in text and CODES[0] in text and CODES[2] not in text
    assert "共2个问题" in text
    code, out = run(capsys, reg, "ledger", "problems", "--out", str(xlsx))
    assert out["rows"] == 3
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    codes = [r[2] for r in ws.iter_rows(min_row=4, values_only=True) if r[2] in CODES]
    assert codes == list(CODES)


def test_the_years_problems_are_an_archive_item_of_their_own_category(reg, tmp_path, time_machine):
    from fupin_desktop.services.archive import settings as cfg_mod
    from fupin_desktop.services.archive.build import preview_item
    from fupin_desktop.services.archive.plan import plan_year

    time_machine.move_to(dt.datetime(2026, 11, 20, 9, 0))
    with reg.write() as s:
        cfg_mod.save_fonds(s, "Z012", "清河镇人民政府")
    ps.add_problem(reg, household_code=CODES[0], category="住房安全", text="屋顶漏雨")
    items = [p for p in plan_year(reg, 2026).items if p.kind == "ledger:problems"]
    assert [(p.item.category, p.item.retention, p.item.item_no) for p in items] == [("ZG", "D30", 1)]
    assert "问题整改台账" in items[0].item.title
    assert [p for p in plan_year(reg, 2025).items if p.kind == "ledger:problems"] == []
    pdf = preview_item(reg, 2026, items[0].item.key, tmp_path / "item.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "屋顶漏雨" in text
    # settings saved before this kind existed still give it its category
    with reg.write() as s:
        cfg = cfg_mod.load_config(s)
        cfg.categories = [c for c in cfg.categories if c.code != "ZG"]
        cfg.kinds.pop("ledger:problems")
        s.merge(Setting(key=cfg_mod.CONFIG_KEY, value=cfg.to_json()))
    assert "ZG" in {c.code for c in cfg_mod.load_config(reg).categories}


def test_a_village_level_problem_and_an_unknown_household(capsys, reg):
    code, out = run(capsys, reg, "problems", "add", "--village", "新寨村", "--category", "饮水安全",
                    "--text", "集中供水管网老化", "--to", "村委会", "--source", "上级反馈")
    assert code == 0 and out["problem"]["household"] is None and out["problem"]["village"] == "新寨村"
    assert out["problem"]["responsible"] == "村委会" and out["problem"]["source"] == "上级反馈"
    code, out = run(capsys, reg, "problems", "add", "--household", "0000", "--category", "x", "--text", "y")
    assert code == 2 and "0000" in out["error"]
    code, out = run(capsys, reg, "problems", "add", "--household", CODES[0], "--category", "x",
                    "--text", "y", "--due", "2026-13-01")
    assert code == 2 and "YYYY-MM-DD" in out["error"]


def test_a_years_ledger_shows_each_status_as_it_stood_on_31_december(reg, time_machine):
    time_machine.move_to(dt.datetime(2025, 11, 3, 9, 0), tick=False)
    pid = ps.add_problem(reg, household_code=CODES[0], category="住房安全", text="屋顶漏雨",
                         due=dt.date(2025, 12, 1))
    ps.apply_action(reg, pid, "start")
    time_machine.move_to(dt.datetime(2026, 2, 3, 9, 0), tick=False)
    ps.apply_action(reg, pid, "resolve", note="已修缮")
    ps.add_problem(reg, household_code=CODES[1], category="饮水安全", text="2026年发现")
    (row,) = ps.list_problems(reg, ps.ProblemFilter(year=2025, as_of=dt.date(2025, 12, 31)))
    assert (row.id, row.status, row.overdue) == (pid, "整改中", True)
    assert ps.list_problems(reg, ps.ProblemFilter(year=2025, as_of=dt.date(2025, 12, 31),
                                                  status="已整改待核验")) == []
    assert ps.list_problems(reg, ps.ProblemFilter(year=2025))[0].status == "已整改待核验"


def test_a_control_character_in_a_problem_is_refused_not_stored(reg):
    # NUL or ESC in a stored text would break every later Excel export of the ledger
    with pytest.raises(UserError, match="问题描述.*U\\+0000"):
        ps.add_problem(reg, household_code=CODES[1], category="饮水安全", text="水量\x00不足")
    with pytest.raises(UserError, match="整改责任人.*U\\+001B"):
        ps.add_problem(reg, household_code=CODES[1], category="饮水安全", text="水量不足", responsible="张\x1b三")
    with reg.read() as s:
        assert s.scalar(select(Problem)) is None
    pid = ps.add_problem(reg, household_code=CODES[1], category="饮水安全", text="水量不足")
    with pytest.raises(UserError, match="说明.*U\\+0008"):
        ps.apply_action(reg, pid, "start", note="已\x08开始")
