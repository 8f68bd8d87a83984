"""PDFs, Excel files, the household-file section and the CLI of the posts tab."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fupin_desktop.services.posts.export import export_attendance, export_bank, export_posts
from fupin_desktop.services.posts.attendance_import import import_attendance
from fupin_desktop.services.posts.importing import import_roster
from fupin_desktop.models import Member
from fupin_desktop.models.posts import Assignment, WageSlip
from fupin_desktop.reports.pdfcheck import all_fonts_embedded, extract_text, page_count
from fupin_desktop.services.posts.household_data import household_posts_section
from fupin_desktop.reports.posts_ledgers import write_ledger
from fupin_desktop.services.posts.ledger_data import posts_ledger_data
from fupin_desktop.services.posts.attendance import fill_range, set_marks
from fupin_desktop.services.posts.payroll import close_month
from tests.unit import _posts_data as d

OCT = dt.date(2025, 10, 1)
TODAY = dt.date(2026, 1, 5)


@pytest.fixture
def paid(db):
    """Three workers, October attended (one with 2 旷工 days) and closed."""
    ids = []
    for name, std in (("甲", "500"), ("乙", "300"), ("丙", "800")):
        _, aid = d.worker(db, name=name, standard=std)
        ids.append(aid)
        fill_range(db, OCT, [aid], 1, 31, "√", skip_weekdays=(6,))
    set_marks(db, OCT, [(ids[0], 1, "×"), (ids[0], 2, "×")])
    close_month(db, OCT, today=TODAY)
    return db, ids


def _db_total(db) -> Decimal:
    with db.read() as s:
        return s.scalar(select(func.sum(WageSlip.amount)))


def test_payroll_pdf_embeds_fonts_masks_ids_and_total_matches_db(paid, tmp_path):
    db, _ = paid
    total = _db_total(db)
    assert total == Decimal("1509.09")  # 500 - 500×2×2÷22 + 300 + 800
    out = tmp_path / "payroll.pdf"
    r = write_ledger(posts_ledger_data(db, "payroll", month="2025-10"), out, today=TODAY)
    assert r.total == total and r.rows == 3
    assert all_fonts_embedded(out) and page_count(out) == 1
    text = extract_text(out)
    assert "工资" in text or "发放花名册" in text
    assert "1,509.09" in text and "领取人签字" in text and "制表人" in text and "审核人" in text
    with db.read() as s:
        ids = list(s.scalars(select(Member.id_number)))
    for idno in ids:
        assert idno not in text and f"{idno[:6]}********{idno[-4:]}" in text


@pytest.mark.parametrize("kind", ["payroll-notice", "attendance", "wages-annual", "posts"])
def test_other_ledgers_render_with_embedded_fonts(paid, tmp_path, kind):
    db, _ = paid
    out = tmp_path / f"{kind}.pdf"
    r = write_ledger(posts_ledger_data(db, kind, month="2025-10", year=2025, today=TODAY), out,
                     today=TODAY)
    assert all_fonts_embedded(out)
    text = extract_text(out)
    if kind in ("payroll-notice", "wages-annual"):
        assert r.total == _db_total(db) and "1,509.09" in text
    if kind == "attendance":
        assert "2025年10月签到考勤表" in text and "√" in text


def test_open_month_payroll_says_it_is_a_trial(db, tmp_path):
    _, aid = d.worker(db)
    fill_range(db, OCT, [aid], 1, 31, "√")
    out = tmp_path / "trial.pdf"
    write_ledger(posts_ledger_data(db, "payroll", month="2025-10"), out, today=TODAY)
    assert "未关账" in extract_text(out)


def test_bank_excel_has_text_id_and_account_cells(paid, tmp_path):
    from openpyxl import load_workbook

    db, ids = paid
    with db.write() as s:
        s.get(Assignment, ids[0]).bank_account = "6228480402564890018"
    out = tmp_path / "bank.xlsx"
    r = export_bank(db, out, "2025-10")
    assert r.total == _db_total(db) and r.missing_accounts == 2
    ws = load_workbook(out).active
    header = [c.value for c in ws[3]]
    assert header[:6] == ["序号", "姓名", "证件号码", "银行账号", "开户银行", "金额"]
    data = list(ws.iter_rows(min_row=4, max_row=6))
    assert all(row[2].data_type == "s" and len(row[2].value) == 18 for row in data)
    accounts = [(row[3].value, row[3].data_type) for row in data if row[3].value]
    assert accounts == [("6228480402564890018", "s")]
    assert sum(Decimal(str(row[5].value)) for row in data) == r.total
    assert ws.freeze_panes == "A4"


def test_roster_and_attendance_exports_import_back_unchanged(paid, tmp_path):
    db, _ = paid
    posts = tmp_path / "posts.xlsx"
    export_posts(db, posts)
    res = import_roster(db, posts)
    assert res.rows_rejected == 0 and res.counts["assignments_unchanged"] == 3
    att = tmp_path / "att.xlsx"
    export_attendance(db, att, "2025-11")  # an open month
    res = import_attendance(db, att)
    assert res.rows_rejected == 0 and res.counts["month"] == "2025-11"


def test_household_file_section_lists_posts_and_paid_wages(paid):
    db, ids = paid
    with db.read() as s:
        hid = s.scalar(select(Member.household_id).join(Assignment, Assignment.member_id == Member.id)
                       .where(Assignment.id == ids[0]))
        sections = household_posts_section(s, hid)
        assert household_posts_section(s, 999999) == []
    titles = [t for t, _, _ in sections]
    assert titles == ["公益性岗位", "公益性岗位补贴发放明细"]  # one year: no yearly summary
    _, cols, rows = sections[1]
    assert rows[0][0] == "2025-10" and rows[0][-1] == "409.09" and rows[-1][-1] == "409.09"
    assert len(cols) == len(rows[0])


def test_cli_wages_close_and_json(paid_cli, capsys):
    from fupin_desktop.cli import main

    url = paid_cli
    assert main(["--db", url, "wages", "--month", "2025-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["closed"] is False and data["workers"] == 1
    assert main(["--db", url, "ledger", "payroll", "--month", "2025-13", "--out", "x.pdf", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["ok"] is False


@pytest.fixture
def paid_cli(db):
    _, aid = d.worker(db)
    fill_range(db, dt.date(2025, 11, 1), [aid], 1, 30, "√")
    return db.url
