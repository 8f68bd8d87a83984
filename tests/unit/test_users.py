"""Accounts, roles and login (issue 13): services and the CLI contract, on both backends."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from sqlalchemy import func, select

from fupin_desktop import cli
from fupin_desktop.errors import AccessError, ValidationError
from fupin_desktop.models import AuditLog, Household, User
from fupin_desktop.services.users import accounts as users


def run(capsys, monkeypatch, db, *argv, user=None, password=None, stdin=None):
    for k, v in (("FUPIN_USER", user), ("FUPIN_PASSWORD", password)):
        if v is None:
            monkeypatch.delenv(k, raising=False)
        else:
            monkeypatch.setenv(k, v)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin or ""))
    code = cli.main(["--db", db.url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def office(any_db):
    """admin boss, clerk li, auditor wang (passwords: <name>-pass-1)."""
    users.add_user(any_db, "boss", "admin", "boss-pass-1", "张站长")
    users.login(any_db, "boss", "boss-pass-1")
    users.add_user(any_db, "li", "clerk", "li-pass-1", "李录入")
    users.add_user(any_db, "wang", "auditor", "wang-pass-1", "王审计")
    return any_db


def _households(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Household))


def test_single_user_mode_needs_no_login_and_names_the_os_account(capsys, monkeypatch, any_db):
    monkeypatch.setattr(any_db, "user", "clerk-os")
    assert not users.accounts_exist(any_db)
    code, out, _ = run(capsys, monkeypatch, any_db, "--json", "users", "list")
    assert code == 0 and json.loads(out)["users"] == []
    from fupin_desktop.services import settings

    with any_db.write() as s:  # everything is allowed, and the audit names the OS account
        settings.set(s, settings.TOWNSHIP, "广顺镇")
    with any_db.read() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.table_name == "settings")).all()
    assert [r.user for r in rows] == ["clerk-os"]


def test_first_account_must_be_admin(any_db):
    with pytest.raises(ValidationError, match="第一个账户必须是管理员"):
        users.add_user(any_db, "li", "clerk", "li-pass-1")
    assert not users.accounts_exist(any_db)
    users.add_user(any_db, "boss", "admin", "boss-pass-1")
    assert [u.name for u in users.list_users(any_db)] == ["boss"]


def test_passwords_are_argon2id_hashes_and_never_listed(capsys, monkeypatch, office):
    with office.read() as s:
        hashes = list(s.scalars(select(User.password_hash)))
    assert len(hashes) == 3 and all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == 3  # salted
    code, out, _ = run(capsys, monkeypatch, office, "--json", "users", "list", user="boss", password="boss-pass-1")
    assert code == 0
    listed = json.loads(out)["users"]
    assert {u["name"]: u["role"] for u in listed} == {"boss": "admin", "li": "clerk", "wang": "auditor"}
    assert set(listed[0]) == {"name", "role", "full_name", "active", "last_login"}
    assert "argon2" not in out and "pass-1" not in out
    with pytest.raises(ValidationError, match="至少需要 8 个字符"):
        users.add_user(office, "short", "clerk", "1234567")


@pytest.mark.parametrize("user, password", [(None, None), ("boss", None), ("boss", "wrong-pass"),
                                            ("nobody", "boss-pass-1")])
def test_missing_or_wrong_credentials_exit_3_and_change_nothing(capsys, monkeypatch, office, user, password):
    before = _households(office)
    code, out, err = run(capsys, monkeypatch, office, "demo", "--households", "3", user=user, password=password)
    assert code == 3 and out == ""
    assert err.startswith("错误：")
    if user in ("nobody", "boss") and password:
        assert "用户名或密码错误" in err  # one message for unknown user and wrong password
    assert _households(office) == before


def test_unknown_user_and_wrong_password_give_the_same_message(office):
    with pytest.raises(AccessError) as a:
        users.login(office, "nobody", "whatever-1")
    with pytest.raises(AccessError) as b:
        users.login(office, "li", "whatever-1")
    assert str(a.value) == str(b.value) == "用户名或密码错误。"


def test_auditor_reads_but_cannot_write(capsys, monkeypatch, office, tmp_path):
    code, out, err = run(capsys, monkeypatch, office, "demo", "--households", "3",
                         user="wang", password="wang-pass-1")
    assert code == 3 and "审计员只能查看" in err
    assert _households(office) == 0
    users.login(office, "wang", "wang-pass-1")
    with pytest.raises(AccessError):
        with office.write():
            pass
    code, out, _ = run(capsys, monkeypatch, office, "--json", "db", "info", user="wang", password="wang-pass-1")
    assert code == 0


def test_auditor_export_holds_no_full_id(capsys, monkeypatch, office, tmp_path):
    import openpyxl

    code, _, err = run(capsys, monkeypatch, office, "demo", "--households", "4", user="boss", password="boss-pass-1")
    assert code == 0, err
    out_file = tmp_path / "m.xlsx"
    code, out, _ = run(capsys, monkeypatch, office, "--json", "export", "members", str(out_file),
                       user="wang", password="wang-pass-1")
    assert code == 0 and json.loads(out)["masked"] is True
    cells = [c.value for row in openpyxl.load_workbook(out_file).active.iter_rows() for c in row]
    texts = [v for v in cells if isinstance(v, str)]
    assert any("*" in v for v in texts)
    assert not [v for v in texts if re.fullmatch(r"\d{17}[\dX]", v)]
    # the same export by the clerk is in full (it is the lossless copy)
    code, _, _ = run(capsys, monkeypatch, office, "export", "members", str(out_file), user="li", password="li-pass-1")
    cells = [c.value for row in openpyxl.load_workbook(out_file).active.iter_rows() for c in row]
    assert [v for v in cells if isinstance(v, str) and re.fullmatch(r"\d{17}[\dX]", v)]


def test_clerk_cannot_add_an_admin_or_any_user(capsys, monkeypatch, office):
    code, _, err = run(capsys, monkeypatch, office, "users", "add", "evil", "--role", "admin",
                       "--password-stdin", user="li", password="li-pass-1", stdin="evil-pass-1\n")
    assert code == 3 and "权限不足：需要管理员" in err
    assert "evil" not in [u.name for u in users.list_users(office)]


def test_admin_adds_disables_and_enables_users(capsys, monkeypatch, office):
    code, out, _ = run(capsys, monkeypatch, office, "--json", "users", "add", "zhao", "--role", "clerk",
                       "--full-name", "赵六", "--password-stdin", user="boss", password="boss-pass-1",
                       stdin="zhao-pass-1\n")
    assert code == 0 and json.loads(out)["user"]["full_name"] == "赵六"
    assert run(capsys, monkeypatch, office, "users", "disable", "zhao", user="boss", password="boss-pass-1")[0] == 0
    code, _, err = run(capsys, monkeypatch, office, "db", "info", user="zhao", password="zhao-pass-1")
    assert code == 3 and "已停用" in err
    assert run(capsys, monkeypatch, office, "users", "enable", "zhao", user="boss", password="boss-pass-1")[0] == 0
    assert run(capsys, monkeypatch, office, "db", "info", user="zhao", password="zhao-pass-1")[0] == 0
    with pytest.raises(ValidationError, match="最后一个管理员"):
        users.set_active(office, "boss", False)


def test_password_change_needs_stdin_or_a_terminal(capsys, monkeypatch, office):
    code, _, err = run(capsys, monkeypatch, office, "users", "passwd", "li", user="boss", password="boss-pass-1")
    assert code == 2 and "--password-stdin" in err
    code, _, _ = run(capsys, monkeypatch, office, "users", "passwd", "li", "--password-stdin",
                     user="boss", password="boss-pass-1", stdin="li-new-pass\n")
    assert code == 0
    assert run(capsys, monkeypatch, office, "db", "info", user="li", password="li-pass-1")[0] == 3
    assert run(capsys, monkeypatch, office, "db", "info", user="li", password="li-new-pass")[0] == 0


def test_five_wrong_passwords_lock_the_account_for_15_minutes(office, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.timezone.utc), tick=False)
    for _ in range(4):
        with pytest.raises(AccessError, match="用户名或密码错误"):
            users.login(office, "li", "bad-password")
    with pytest.raises(AccessError, match="账户已锁定"):
        users.login(office, "li", "bad-password")
    with pytest.raises(AccessError, match="已锁定.*后再试"):  # the right password does not help now
        users.login(office, "li", "li-pass-1")
    time_machine.move_to(dt.datetime(2026, 5, 4, 9, 16, tzinfo=dt.timezone.utc), tick=False)
    assert users.login(office, "li", "li-pass-1").role == "clerk"


def test_audit_names_the_clerk_and_lists_failed_logins(capsys, monkeypatch, office, tmp_path):
    run(capsys, monkeypatch, office, "db", "info", user="li", password="bad-password")
    code, _, err = run(capsys, monkeypatch, office, "demo", "--households", "3", user="li", password="li-pass-1")
    assert code == 3 and "需要管理员" in err  # the demo writes the township's settings
    code, _, err = run(capsys, monkeypatch, office, "demo", "--households", "3", user="boss", password="boss-pass-1")
    assert code == 0, err
    src = tmp_path / "h.xlsx"
    assert run(capsys, monkeypatch, office, "export", "households", str(src), user="boss", password="boss-pass-1")[0] == 0
    code, _, err = run(capsys, monkeypatch, office, "import", "households", str(src), user="li", password="li-pass-1")
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, office, "--json", "audit", "--user", "li", "--limit", "500",
                       user="wang", password="wang-pass-1")
    assert code == 0
    entries = json.loads(out)["entries"]
    assert entries and {e["user"] for e in entries} == {"li"}
    assert set(entries[0]) >= {"at", "user", "action", "entity", "entity_id", "summary"}
    actions = [e["action"] for e in entries]
    assert "登录失败" in actions and "登录" in actions
    assert any(e["entity"] == "households" for e in entries)  # the import, under li's name
    # an auditor sees no full ID number in the log (a member's record key is its 证件号码)
    code, out, _ = run(capsys, monkeypatch, office, "--json", "audit", "--limit", "2000",
                       user="wang", password="wang-pass-1")
    assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", out)
    with office.read() as s:
        failed = s.scalars(select(AuditLog).where(AuditLog.action == "登录失败")).all()
    assert [f.user for f in failed] == ["li"]


def test_settings_post_rules_and_restore_are_the_admins(capsys, monkeypatch, office, tmp_path):
    code, _, err = run(capsys, monkeypatch, office, "post-rules", "--set", "absence_deduction=10",
                       "--reason", "调整", user="li", password="li-pass-1")
    assert code == 3 and "需要管理员" in err
    bak = tmp_path / "b.db"
    assert run(capsys, monkeypatch, office, "backup", str(bak), user="li", password="li-pass-1")[0] == 0
    code, _, err = run(capsys, monkeypatch, office, "restore", str(bak), user="li", password="li-pass-1")
    assert code == 3


def test_audit_rejects_a_bad_date(capsys, monkeypatch, office):
    code, _, err = run(capsys, monkeypatch, office, "audit", "--since", "2026/13/01", user="boss", password="boss-pass-1")
    assert code == 2 and "YYYY-MM-DD" in err


def test_reveal_is_audited_and_refused_for_auditors(office):
    users.login(office, "li", "li-pass-1")
    users.record_reveal(office, "户 5227291003000006", "5227291003000006")
    with office.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "查看完整信息")).one()
    assert row.user == "li" and row.record_key == "5227291003000006"
    users.login(office, "wang", "wang-pass-1")
    with pytest.raises(AccessError):
        users.record_reveal(office, "户", "5227291003000006")


def test_a_conflict_names_the_clerk_who_saved_first(office):
    import dataclasses

    from fupin_desktop.database import Database
    from fupin_desktop.errors import ConflictError
    from fupin_desktop.services.households import edit as households
    from fupin_desktop.services.demo import generate_demo

    generate_demo(office, households=3, seed=1)
    users.add_user(office, "zhao", "clerk", "zhao-pass-1")
    other = Database(url=office.url, engine=office.engine, sessions=office.sessions)  # a second PC
    users.login(other, "zhao", "zhao-pass-1")
    users.login(office, "li", "li-pass-1")
    with office.read() as s:
        hid = s.scalar(select(Household.id).limit(1))
    mine = households.load_household(office, hid)
    theirs = households.load_household(other, hid)
    households.save_household(other, dataclasses.replace(theirs, helper_name="赵先到"))
    with pytest.raises(ConflictError, match=r"已被他人修改（zhao，.*）"):
        households.save_household(office, dataclasses.replace(mine, helper_name="李后到"))


def test_an_auditor_opens_a_household_with_masked_numbers(office):
    from fupin_desktop.services.households import edit as households
    from fupin_desktop.services.demo import generate_demo

    generate_demo(office, households=3, seed=1)
    with office.read() as s:
        hid = s.scalar(select(Household.id).limit(1))
    full = households.load_household(office, hid)
    users.login(office, "wang", "wang-pass-1")
    seen = households.load_household(office, hid)
    assert full.members and all(FULL_ID_RE.match(m.id_number) for m in full.members)
    assert all("*" in m.id_number for m in seen.members)
    assert [m.name for m in seen.members] == [m.name for m in full.members]


FULL_ID_RE = re.compile(r"^\d{17}[\dX]$")


@pytest.mark.parametrize("kind", ["members", "households", "medical", "chronic"])
def test_an_auditors_ledgers_hold_no_full_id(capsys, monkeypatch, office, tmp_path, kind):
    code, _, err = run(capsys, monkeypatch, office, "demo", "--households", "6", user="boss", password="boss-pass-1")
    assert code == 0, err
    out_file = tmp_path / f"{kind}.xlsx"
    code, _, err = run(capsys, monkeypatch, office, "ledger", kind, "--out", str(out_file),
                       user="wang", password="wang-pass-1")
    assert code == 0, err
    import openpyxl

    texts = [c.value for ws in openpyxl.load_workbook(out_file).worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in texts if re.search(r"(?<!\d)\d{17}[\dX](?!\d)", v)]
    if kind in ("members", "medical"):
        assert any("********" in v for v in texts)


def test_an_auditors_household_file_masks_numbers(capsys, monkeypatch, office, tmp_path):
    from fupin_desktop.reports.pdfcheck import extract_text

    code, _, err = run(capsys, monkeypatch, office, "demo", "--households", "3", user="boss", password="boss-pass-1")
    assert code == 0, err
    with office.read() as s:
        code_ = s.scalars(select(Household.code).order_by(Household.id)).first()
    texts = {}
    for who in ("li", "wang"):
        out_file = tmp_path / f"{who}.pdf"
        code, _, err = run(capsys, monkeypatch, office, "household-file", code_, "--out", str(out_file),
                           user=who, password=f"{who}-pass-1")
        assert code == 0, err
        texts[who] = extract_text(out_file)
    full_id = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
    assert full_id.search(texts["li"])  # the clerk's internal file is in full
    assert not full_id.search(texts["wang"]) and "********" in texts["wang"]
