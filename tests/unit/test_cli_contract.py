"""CLI contract (DESIGN.md §6): --json prints exactly one JSON object; exit 0 / 2 / 1."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from fupin_desktop import cli


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_one_object(capsys, tmp_path):
    db = str(tmp_path / "c.db")
    code, out, _ = run(capsys, "--db", db, "--json", "db", "info")
    assert code == 0
    data = json.loads(out)  # exactly one object: json.loads fails on anything extra
    assert data["ok"] is True and data["counts"]["households"] == 0
    # options also work after the subcommand
    code, out, _ = run(capsys, "db", "info", "--db", db, "--json")
    assert json.loads(out)["location"].endswith("c.db")


def test_unusable_input_exits_2_with_one_line(capsys, tmp_path):
    db = str(tmp_path / "c.db")
    bad = tmp_path / "x.db"
    bad.write_text("garbage", encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "restore", str(bad))
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("错误：")
    code, out, _ = run(capsys, "--db", db, "--json", "restore", str(bad))
    assert code == 2
    data = json.loads(out)
    assert data["ok"] is False and data["exit_code"] == 2 and "无法恢复" in data["error"]


def test_bug_exits_1(capsys, tmp_path, monkeypatch):
    from fupin_desktop.services import overview

    def boom(db):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(overview, "counts", boom)
    code, out, _ = run(capsys, "--db", str(tmp_path / "c.db"), "--json", "db", "info")
    assert code == 1
    assert json.loads(out)["ok"] is False


def test_backup_and_restore_commands(capsys, tmp_path):
    db = str(tmp_path / "c.db")
    out_file = tmp_path / "b.db"
    code, out, _ = run(capsys, "--db", db, "--json", "backup", str(out_file))
    assert code == 0 and out_file.is_file()
    code, out, _ = run(capsys, "--db", db, "--json", "restore", str(out_file))
    assert code == 0 and json.loads(out)["safety_backup"]


def test_entry_point_runs_as_a_program(tmp_path):
    res = subprocess.run([sys.executable, "-m", "fupin_desktop.cli", "--db", str(tmp_path / "e.db"),
                          "--json", "db", "upgrade"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["revision"]


@pytest.mark.parametrize("argv", [["--help"], ["backup", "--help"]])
def test_help_is_chinese(capsys, argv):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "用法" in out and "显示帮助" in out


def test_outputs_with_an_extension_the_command_cannot_write_are_refused(capsys, tmp_path):
    db = str(tmp_path / "c.db")
    code, _, err = run(capsys, "--db", db, "ledger", "members", "--out", str(tmp_path / "x.doc"))
    assert code == 2 and ".pdf 或 .xlsx" in err
    code, _, err = run(capsys, "--db", db, "household-file", "5227291003000006", "--out", str(tmp_path / "x.xlsx"))
    assert code == 2 and "只能输出 PDF" in err
    assert not (tmp_path / "x.doc").exists() and not (tmp_path / "x.xlsx").exists()


def test_a_closed_pipe_ends_quietly(tmp_path):
    db = str(tmp_path / "c.db")
    subprocess.run([sys.executable, "-m", "fupin_desktop.cli", "--db", db, "demo", "--households", "3"],
                   check=True, capture_output=True)
    # the reader closes the pipe at once (as `| head -1` does after its line)
    p = subprocess.Popen([sys.executable, "-m", "fupin_desktop.cli", "--db", db, "db", "info"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait() == 0, err
    assert "程序内部错误" not in err and "Traceback" not in err and "BrokenPipe" not in err


def test_a_database_from_a_newer_program_exits_2_naming_both_versions(capsys, tmp_path):
    import sqlite3

    from fupin_desktop import __version__, migrate

    db = str(tmp_path / "new.db")
    assert run(capsys, "--db", db, "db", "info")[0] == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    code, out, err = run(capsys, "--db", db, "db", "info")
    assert code == 2 and out == ""
    assert "0099" in err and __version__ in err and migrate.head_revision() in err
    assert len(err.strip().splitlines()) == 1
