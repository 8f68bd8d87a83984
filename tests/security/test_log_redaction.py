"""Issue 12: an unexpected database error during an import must not put full ID or phone
numbers into the log file, stdout or stderr (one filter in logsetup masks every record)."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy.exc import IntegrityError

from fupin_desktop import cli
from fupin_desktop.logsetup import RedactingFilter, log_file, redact

ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
PHONE_RE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def test_redact_masks_ids_cards_and_phones():
    text = "id 11010519491231002X card 6222021234567890123 phone 13812345678 n=42 2025-10-31"
    out = redact(text)
    assert "11010519491231002X" not in out and "110105********002X" in out
    assert "6222021234567890123" not in out and out.count("622202") == 1
    assert "13812345678" not in out and "138****5678" in out
    assert "n=42 2025-10-31" in out  # ordinary numbers and dates stay


def test_filter_masks_args_and_traceback():
    rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "row %s phone %s", ("11010519491231002X",
                            "13812345678"), None)
    try:
        raise ValueError("bad 11010519491231002X")
    except ValueError:
        import sys

        rec.exc_info = sys.exc_info()
    RedactingFilter().filter(rec)
    text = logging.Formatter().format(rec)
    assert "11010519491231002X" not in text and "13812345678" not in text
    assert "Traceback" in text and "ValueError" in text  # the traceback itself is kept


def _values_in(path) -> tuple[set[str], set[str]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    ids, phones = set(), set()
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            for v in row:
                v = str(v).strip()
                if ID_RE.fullmatch(v):
                    ids.add(v)
                elif PHONE_RE.fullmatch(v):
                    phones.add(v)
    return ids, phones


def test_unexpected_db_error_during_import_leaks_no_numbers(db, samples, monkeypatch, capsys):
    src = samples / "national_export_clean.xlsx"
    ids, phones = _values_in(src)
    assert ids and phones, "the sample must hold full IDs and phone numbers"
    from fupin_desktop.services.households import importing as household_import

    seen = {}
    real = household_import.bulk_insert_rows

    def boom(session, table, keys, rows):  # rows: tuples of the keys' values
        if table.name != "members":
            return real(session, table, keys, rows)
        values = [v for r in rows[:5] for v in r if isinstance(v, str)]
        seen["values"] = values
        raise IntegrityError(f"INSERT INTO {table.name} VALUES {values}", rows[:5],
                             Exception(f"UNIQUE constraint failed: {' '.join(values)}"))

    monkeypatch.setattr(household_import, "bulk_insert_rows", boom)
    code = cli.main(["--db", db.url, "import", "households", str(src)])
    assert code == 1
    assert any(ID_RE.fullmatch(v) for v in seen["values"])  # the error did carry full IDs
    out, err = capsys.readouterr()
    for h in logging.getLogger().handlers:
        h.flush()
    log_text = log_file().read_text("utf-8")
    assert "IntegrityError" in log_text and "Traceback" in log_text  # the bug is logged
    assert "程序内部错误" in err
    for text in (out, err, log_text):
        leaked = [v for v in ids | phones if v in text]
        assert not leaked, f"full numbers leaked: {leaked[:3]}"
        assert not ID_RE.search(text) and not PHONE_RE.search(text)


@pytest.mark.parametrize("message", ["证件号码 11010519491231002X 已存在", "电话 13812345678 无效"])
def test_cli_user_error_messages_are_masked(db, monkeypatch, capsys, message):
    from fupin_desktop.errors import InputError
    from fupin_desktop.services.households import importing as household_import

    def refuse(*a, **k):
        raise InputError(message)

    monkeypatch.setattr(household_import, "import_households", refuse)
    assert cli.main(["--db", db.url, "import", "households", "x.xlsx"]) == 2
    err = capsys.readouterr().err
    assert "11010519491231002X" not in err and "13812345678" not in err
    assert "错误：" in err
