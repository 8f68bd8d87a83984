"""未录入考勤: a worker without attendance marks is never silently paid 0 (DESIGN §3)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from fupin_desktop.reports.posts_ledgers import notice_table, payroll_table, write_ledger
from fupin_desktop.services.posts.ledger_data import MissingAttendanceError, payroll_data
from fupin_desktop.services.posts.attendance import fill_range
from fupin_desktop.services.posts.payroll import preview_wages
from tests.unit import _posts_data as d

NOV = dt.date(2025, 11, 1)


@pytest.fixture
def half(db):
    """November 2025: 甲 has attendance, 乙 (later in the payroll order) has none."""
    _, a1 = d.worker(db, name="甲")
    _, a2 = d.worker(db, name="乙", village_name="西山村")
    fill_range(db, NOV, [a1], 1, 30, "√")
    return db, a1, a2


def test_trial_wage_without_attendance_has_no_amount(half):
    db, _, a2 = half
    run = preview_wages(db, NOV)
    (x,) = run.missing_attendance
    assert x.assignment_id == a2 and x.attendance_missing
    assert [ln.code for ln in x.lines] == ["missing"]  # no base, no 22-day shortfall
    assert x.grade is None and x.amount == Decimal("0.00")
    assert run.total == Decimal("500.00")


@pytest.mark.parametrize("build", [payroll_table, notice_table])
def test_payroll_and_notice_list_missing_workers_first_without_amount(half, build):
    db, _, _ = half
    t = build(payroll_data(db, NOV))
    first, second = t.rows
    assert first[2] == "乙" and "未录入考勤" in first and second[2] == "甲"
    amount_col = [c.key for c in t.columns].index("amount")
    assert first[amount_col] is None and second[amount_col] == Decimal("500.00")
    assert t.totals[amount_col] == Decimal("500.00")
    assert "未录入考勤1人" in t.subtitle and "乙" in t.subtitle
    with pytest.raises(MissingAttendanceError) as err:
        payroll_data(db, NOV, allow_missing=False)
    assert "乙" in str(err.value) and "--allow-missing" in str(err.value)


def test_cli_ledger_refuses_missing_attendance_unless_allowed(half, tmp_path, capsys):
    from fupin_desktop.cli import main

    db, _, _ = half
    for kind in ("payroll", "payroll-notice"):
        out = tmp_path / f"{kind}.pdf"
        assert main(["--db", db.url, "ledger", kind, "--month", "2025-11", "--out", str(out),
                     "--json"]) == 2
        data = json.loads(capsys.readouterr().out)
        assert not data["ok"] and "乙" in data["error"] and not out.exists()
        assert main(["--db", db.url, "ledger", kind, "--month", "2025-11", "--out", str(out),
                     "--allow-missing", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["missing_attendance"] == ["乙"] and data["rows"] == 2
        assert Decimal(str(data["total"])) == Decimal("500.00") and out.exists()
    # a ledger without amounts is not held back
    assert main(["--db", db.url, "ledger", "attendance", "--month", "2025-11", "--out",
                 str(tmp_path / "a.pdf")]) == 0


def test_cli_wages_lists_missing_workers_first(half, capsys):
    from fupin_desktop.cli import main

    db, _, _ = half
    assert main(["--db", db.url, "wages", "--month", "2025-11", "--detail"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].strip().startswith("未录入考勤") and "乙" in lines[1]
    assert any(ln.strip() == "西山村 乙 西山村保洁员乙 未录入考勤" for ln in lines)
    assert main(["--db", db.url, "wages", "--month", "2025-11", "--detail", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["missing_attendance"] == ["乙"]
    assert data["slips"][0]["worker"] == "乙" and data["slips"][0]["attendance_missing"] is True


def test_pdf_prints_the_missing_line(half, tmp_path):
    from fupin_desktop.reports.pdfcheck import extract_text

    db, _, _ = half
    out = tmp_path / "p.pdf"
    write_ledger(payroll_data(db, NOV), out, today=dt.date(2025, 12, 1))
    assert "未录入" in extract_text(out)
