"""Issue 12: restore refuses anything that is not this program's database for this township;
the current data is untouched on refusal (exit 2, Chinese message)."""

from __future__ import annotations

import sqlite3

from fupin_desktop import cli, migrate
from fupin_desktop.backup import backup
from fupin_desktop.services import settings


def set_township(db, name, fonds="Z012"):
    with db.write() as s:
        settings.set(s, settings.TOWNSHIP, name)
        settings.set(s, settings.FONDS_NO, fonds)


def restore(db, path, capsys, *extra):
    code = cli.main(["--db", db.url, "restore", str(path), *extra])
    return code, capsys.readouterr().err


def test_refuses_a_foreign_sqlite_file_at_the_current_revision(any_db, tmp_path, capsys):
    set_township(any_db, "示例镇")
    fake = tmp_path / "fake.db"
    con = sqlite3.connect(fake)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    con.execute("INSERT INTO alembic_version VALUES (?)", (migrate.head_revision(),))
    con.commit()
    con.close()
    code, err = restore(any_db, fake, capsys)
    assert code == 2 and "不是本程序的数据库" in err and "Traceback" not in err
    assert settings.township_info(any_db).township == "示例镇"  # untouched
    assert cli.main(["--db", any_db.url, "db", "info"]) == 0


def test_refuses_a_missing_column(any_db, tmp_path, capsys):
    set_township(any_db, "示例镇")
    out = tmp_path / "b.db"
    backup(any_db, out)
    con = sqlite3.connect(out)
    con.execute("ALTER TABLE visits DROP COLUMN follow_up")
    con.commit()
    con.close()
    code, err = restore(any_db, out, capsys)
    assert code == 2 and "follow_up" in err


def test_refuses_another_townships_backup_unless_asked(any_db, tmp_path, capsys):
    set_township(any_db, "西山乡", fonds="Z099")
    other = tmp_path / "other.db"
    backup(any_db, other)
    set_township(any_db, "示例镇")
    code, err = restore(any_db, other, capsys)
    assert code == 2 and "另一个乡镇" in err and "--other-township" in err
    assert settings.township_info(any_db).township == "示例镇"
    code, err = restore(any_db, other, capsys, "--other-township")
    assert code == 0, err
    assert settings.township_info(any_db).township == "西山乡"
