"""Issue 12: a closed archive year is closed, and provably so. Closing it seals the records it
covers (visits, measures, medical settlements dated in the year, the households' income of the
year) with a SHA-256; edits through the services are refused with a Chinese message naming the
year unless made as a 更正 (reason + user, audited, the seal recomputed); a covered row altered
by SQL makes ``fupin db verify`` name the year."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from fupin_desktop import cli
from fupin_desktop.models import (ArchiveYear, AuditLog, HouseholdIncome, PeriodCorrection,
                                  Settlement, Visit)
from fupin_desktop.models.triggers import drop_statements
from fupin_desktop.services.households import edit as hs
from fupin_desktop.services.archive.build import build_year
from fupin_desktop.services.archive.close import close_year
from fupin_desktop.services.archive.years import year_info
from fupin_desktop.services.users.audit_chain import verify_chain
from fupin_desktop.services.closures import ClosedPeriodError, year_digest
from fupin_desktop.services.households.forms import VisitForm
from fupin_desktop.services.medical.settlement_edit import delete_settlement

pytestmark = pytest.mark.date_sensitive

YEAR = 2025
TODAY = dt.date(2025, 11, 20)
CLOSED = f"{YEAR}年度档案已关闭（已归档），不能直接修改该年度的"


@pytest.fixture
def town(any_db, monkeypatch, tmp_path):
    """The demo township with its archive year 2025 built and closed."""
    from fupin_desktop.services import demo
    from fupin_desktop.services.demo import generate_demo

    monkeypatch.setattr(demo, "DEMO_EXTENSION_MODULES", tuple(
        m for m in demo.DEMO_EXTENSION_MODULES if not m.endswith("archive.demo")))
    generate_demo(any_db, households=12, seed=3, today=TODAY)
    build_year(any_db, YEAR, tmp_path / "bag", workers=1)
    close_year(any_db, YEAR)
    return any_db


def _seal(db) -> str:
    with db.read() as s:
        return s.scalar(select(ArchiveYear.content_hash).where(ArchiveYear.year == YEAR))


def _visit(db, year=YEAR) -> VisitForm:
    with db.read() as s:
        v = s.scalars(select(Visit).where(Visit.deleted_at.is_(None),
                                          Visit.date >= dt.date(year, 1, 1),
                                          Visit.date < dt.date(year + 1, 1, 1))
                      .order_by(Visit.id)).first()
        assert v is not None, f"the demo has no visit in {year}"
        return v.household_id, VisitForm(id=v.id, version=v.version, date=v.date,
                                          visitor=v.visitor, findings=v.findings,
                                          follow_up=v.follow_up)


def _last_audit(db, table):
    with db.read() as s:
        return s.execute(select(AuditLog.reason, AuditLog.user, AuditLog.action)
                         .where(AuditLog.table_name == table)
                         .order_by(AuditLog.id.desc()).limit(1)).one()


def test_closed_year_is_sealed_refuses_edits_and_takes_a_correction(town):
    db = town
    assert year_info(db, YEAR).sealed
    with db.read() as s:
        seal = _seal(db)
        assert seal == year_digest(s, YEAR)
    res = verify_chain(db)
    assert res.intact and res.years == 1 and res.unsealed_years == 0

    # ordinary edits of the year's records: refused, naming the year and the record kind
    hid, form = _visit(db)
    with pytest.raises(ClosedPeriodError, match=CLOSED + "走访记录"):
        hs.update_visit(db, dataclasses.replace(form, findings="改过"), today=TODAY)
    with pytest.raises(ClosedPeriodError, match=CLOSED + "走访记录"):
        hs.add_visit(db, hid, VisitForm(date=dt.date(YEAR, 6, 1), visitor="王", findings="补录"),
                     today=TODAY)
    with pytest.raises(ClosedPeriodError, match=CLOSED + "走访记录"):
        hs.remove_visit(db, form.id, form.version)
    with db.read() as s:
        inc = s.scalars(select(HouseholdIncome).where(HouseholdIncome.year == YEAR)).first()
        st = s.scalars(select(Settlement).where(Settlement.deleted_at.is_(None),
                                                Settlement.settlement_date >= dt.date(YEAR, 1, 1),
                                                Settlement.settlement_date < dt.date(YEAR + 1, 1, 1))
                       ).first()
        assert inc is not None and st is not None
        income_form = hs._income_form(inc)
    with pytest.raises(ClosedPeriodError, match=CLOSED + "收入"):
        hs.save_income(db, inc.household_id, dataclasses.replace(
            income_form, wage_income=(income_form.wage_income or Decimal(0)) + 100), today=TODAY)
    with pytest.raises(ClosedPeriodError, match=CLOSED + "医疗结算"):
        delete_settlement(db, st.id, st.version, "重复录入")
    assert _seal(db) == seal  # nothing changed
    with db.read() as s:
        assert s.get(Visit, form.id).findings == form.findings
    # the next year is open
    hs.add_visit(db, hid, VisitForm(date=dt.date(YEAR + 1, 1, 2), visitor="王", findings="正常"),
                 today=dt.date(YEAR + 1, 1, 3))
    assert _seal(db) == seal

    # a 更正 needs a reason; with one it goes through, is audited, and the seal follows it
    with pytest.raises(Exception, match="更正原因"):
        hs.update_visit(db, dataclasses.replace(form, findings="改过"), today=TODAY, correction=" ")
    hs.update_visit(db, dataclasses.replace(form, findings="走访发现漏记的就业信息"), today=TODAY,
                    correction="原记录漏记就业情况")
    assert _last_audit(db, "visits") == ("更正：原记录漏记就业情况", db.user, "update")
    reason, user, _ = _last_audit(db, "archive_years")  # the new seal, in the same transaction
    assert reason == "更正：原记录漏记就业情况" and user == db.user
    new_seal = _seal(db)
    assert new_seal != seal
    with db.read() as s:
        assert s.get(Visit, form.id).findings == "走访发现漏记的就业信息"
        assert new_seal == year_digest(s, YEAR)
    delete_settlement(db, st.id, st.version, "重复录入", correction="医保局通知该单据作废")
    assert _last_audit(db, "medical_settlements")[0] == "更正：医保局通知该单据作废"
    assert _seal(db) != new_seal
    assert verify_chain(db).intact


def run_verify(db, capsys):
    code = cli.main(["--db", db.url, "--json", "db", "verify"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("sql", [
    "UPDATE visits SET findings = 'x' WHERE id = :i",
    "DELETE FROM household_incomes WHERE year = 2025 AND id = (SELECT MIN(id) FROM household_incomes"
    " WHERE year = 2025)",
    "UPDATE medical_settlements SET total_cost = total_cost + 1 WHERE settlement_date >= '2025-01-01'"
    " AND settlement_date < '2026-01-01'",
])
def test_verify_names_the_year_whose_records_were_altered_by_sql(town, capsys, sql):
    db = town
    code, out = run_verify(db, capsys)
    assert code == 0 and out["intact"] and out["archive_years"] == 1
    _, form = _visit(db)
    with pytest.raises(SADatabaseError, match="closed archive year is read-only"):
        with db.engine.begin() as c:  # the triggers refuse it
            c.execute(text(sql), {"i": form.id})
    assert run_verify(db, capsys)[1]["intact"]
    with db.engine.begin() as c:  # SQL that gets past them: the seal still tells
        for stmt in drop_statements(db.engine.dialect.name):
            c.exec_driver_sql(stmt)
        c.execute(text(sql), {"i": form.id})
    code, out = run_verify(db, capsys)
    assert code == 2 and not out["intact"]
    (problem,) = out["problems"]
    assert problem["kind"] == "archive-year" and problem["ref"] == str(YEAR)
    assert problem["message"].startswith(f"{YEAR}年度档案关闭时封存的记录")
    code = cli.main(["--db", db.url, "db", "verify"])
    assert code == 2 and f"{YEAR}年度档案" in capsys.readouterr().out


def test_triggers_refuse_sql_on_a_closed_year_but_not_on_an_open_one(town):
    db = town
    hid, form = _visit(db)
    for sql in ("INSERT INTO visits (household_id, date, visitor, findings, version, created_at,"
                " updated_at) VALUES (:h, '2025-07-01', '王', '补录', 1, '2025-07-01', '2025-07-01')",
                "UPDATE visits SET date = '2026-02-01' WHERE id = :i",  # moving it out is an edit
                "UPDATE household_incomes SET wage_income = 1 WHERE year = 2025",
                "DELETE FROM measures WHERE date >= '2025-01-01' AND date < '2026-01-01'"):
        with pytest.raises(SADatabaseError, match="closed archive year is read-only"):
            with db.engine.begin() as c:
                c.execute(text(sql), {"h": hid, "i": form.id})
    with db.engine.begin() as c:  # other years are open
        c.execute(text("UPDATE visits SET findings = 'x' WHERE date >= '2026-01-01' OR date < '2025-01-01'"))
        c.execute(text("INSERT INTO visits (household_id, date, visitor, findings, version, created_at,"
                       " updated_at) VALUES (:h, '2026-01-03', '王', '正常', 1, '2026-01-03', "
                       "'2026-01-03')"), {"h": hid})
    assert verify_chain(db).intact
    with db.read() as s:  # the program's 更正 passes them, and leaves no marker behind
        assert s.scalar(select(func.count()).select_from(PeriodCorrection)) == 0
    hs.remove_visit(db, form.id, form.version, correction="重复录入")
    with db.read() as s:
        assert s.get(Visit, form.id).deleted_at is not None
        assert s.scalar(select(func.count()).select_from(PeriodCorrection)) == 0
    assert verify_chain(db).intact


def _member(db):
    from fupin_desktop.models import Member

    with db.read() as s:
        return s.execute(select(Member.name, Member.id_number)
                         .where(Member.deleted_at.is_(None), Member.status == "正常")
                         .order_by(Member.id).limit(1)).one()


def test_imports_leave_the_closed_year_alone(town, tmp_path):
    """Imports write in bulk (past the flush guard): they check the closed year themselves."""
    from openpyxl import Workbook, load_workbook

    from fupin_desktop.services.households.export import export_households
    from fupin_desktop.services.households.importing import import_households
    from fupin_desktop.services.medical.importing import import_medical

    db = town
    seal = _seal(db)
    name, idno = _member(db)
    src = tmp_path / "结算明细.xlsx"
    wb = Workbook()
    wb.active.append(("姓名", "证件号码", "定点医疗机构名称", "医疗类别", "结算日期", "结算单号",
                      "医疗费总额", "符合政策范围金额", "统筹基金支出", "居民大病保险", "医疗救助基金",
                      "个人负担总金额"))
    wb.active.append((name, idno, "平塘县人民医院", "普通门诊", "2025-06-01", "SEAL-1",
                      1000, 900, 600, 0, 100, 300))
    wb.active.append((name, idno, "平塘县人民医院", "普通门诊", "2026-01-05", "SEAL-2",
                      1000, 900, 600, 0, 100, 300))
    wb.save(src)
    res = import_medical(db, src, today=dt.date(2026, 2, 1))
    assert [(r.row, r.code) for r in res.rejects] == [(2, "year-closed")]
    assert "2025年度档案已关闭" in res.rejects[0].message and res.rows_imported == 1
    with db.read() as s:
        assert set(s.scalars(select(Settlement.settlement_no)
                             .where(Settlement.settlement_no.like("SEAL-%")))) == {"SEAL-2"}

    # the registry exported, every 2025 wage income raised, imported again
    out = tmp_path / "户信息.xlsx"
    export_households(db, out, year=YEAR)
    book = load_workbook(out)
    ws = book.worksheets[0]
    head_row, col = next((r, c) for r in range(1, 6) for c in range(1, ws.max_column + 1)
                         if ws.cell(r, c).value == "工资性收入(元)")
    raised = 0
    for r in range(head_row + 1, ws.max_row + 1):
        v = ws.cell(r, col).value
        if v not in (None, ""):
            ws.cell(r, col).value = float(v) + 1000
            raised += 1
    assert raised
    book.save(out)
    res = import_households(db, out, year=YEAR, today=dt.date(2026, 2, 1))
    warned = [w for w in res.warning_rows if w.code == "income-year-closed"]
    assert warned and all("2025年度档案已关闭" in w.message for w in warned)
    assert res.counts["incomes_updated"] == 0 and res.counts["incomes_closed_year"] == len(warned)
    assert _seal(db) == seal and verify_chain(db).intact
