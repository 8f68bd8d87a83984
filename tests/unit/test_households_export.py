"""Registry exports: text cells, layout, masking, and a round trip through the importer."""

from __future__ import annotations

import datetime as dt
import html
import json
import zipfile
import pytest
from sqlalchemy import select

from fupin_desktop.services.households.export import export_households, export_members
from fupin_desktop.models import Household, HouseholdIncome, Member
from tests.conftest import load_demo

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def demo_db(db):
    load_demo(db, households=40, seed=11, today=TODAY)  # generated once, copied per test
    return db


def _db_state(db, year):
    with db.read() as s:
        members = {m.id_number: m for m in s.scalars(select(Member).where(
            Member.status == "正常", Member.deleted_at.is_(None)))}
        houses = {h.id: h for h in s.scalars(select(Household))}
        incomes = {houses[i.household_id].code: i for i in s.scalars(
            select(HouseholdIncome).where(HouseholdIncome.year == year))}
        codes = {m.id_number: houses[m.household_id].code for m in members.values()}
    return members, {h.code: h for h in houses.values()}, incomes, codes


def test_members_round_trip_through_the_importer(demo_db, tmp_path):
    national = pytest.importorskip("fupin_desktop.importers.national_export")
    out = tmp_path / "members.xlsx"
    info = export_members(demo_db, out)
    assert info["income_year"] == 2026
    members, houses, incomes, codes = _db_state(demo_db, 2026)
    assert info["rows"] == len(members)

    parsed = national.parse_national_export(out, today=TODAY)
    assert parsed.result.rows_rejected == 0 and parsed.missing_columns == []
    got = {m.id_number: m for m in parsed.members}
    assert set(got) == set(members)
    for number, m in members.items():
        g = got[number]
        assert (g.name, g.relation, g.household_code) == (m.name, m.relation, codes[number])
        assert (g.sex, g.birth_date, g.ethnicity, g.health, g.labour_skill) == (
            m.sex, m.birth_date, m.ethnicity, m.health, m.labour_skill)
        assert (g.member_phone, g.work_months) == (m.phone, m.work_months)
    assert set(parsed.households) == set(houses)
    for code, rec in parsed.households.items():
        h, inc = houses[code], incomes[code]
        assert (rec.household_type, rec.monitoring_category, rec.risks) == (
            h.household_type, h.monitoring_category,
            tuple(r for r in (h.risk1, h.risk2, h.risk3, h.risk4, h.risk5) if r))
        assert (rec.monitoring_date, rec.elimination_date, rec.risk_eliminated) == (
            h.monitoring_date, h.elimination_date, h.risk_eliminated)
        assert (rec.bank_account, rec.phone, rec.helper_name) == (
            h.bank_account, h.phone, h.helper_name)
        for key in ("wage_income", "business_income", "property_income", "transfer_income",
                    "business_expense", "per_capita_income", "net_income"):
            assert getattr(rec, key) == getattr(inc, key), (code, key)
        assert rec.measure_industry == bool(h.measure_industry)


def test_layout_text_cells_and_print_titles(demo_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "members.xlsx"
    export_members(demo_db, out)
    ws = load_workbook(out).active
    headers = [c.value for c in ws[3]]
    assert headers[:5] == ["序号", "县", "乡(镇)", "行政村", "村民小组"]
    assert ws.freeze_panes == "A4" and ws.print_title_rows.replace("$", "") == "3:3"
    assert ws.column_dimensions["F"].width > 15  # 户编号
    col = {h: i for i, h in enumerate(headers)}
    row = [c for c in ws[4]]
    for name in ("证件号码", "银行账号", "户编号"):
        cell = row[col[name]]
        assert cell.data_type == "s" and cell.number_format == "@", name
    money = row[col["人均纯收入(元)"]]
    assert money.data_type == "n" and isinstance(money.value, (int, float))
    assert "清河镇" in ws["A1"].value


def test_masked_export_leaks_no_number(demo_db, tmp_path):
    out = tmp_path / "public.xlsx"
    export_members(demo_db, out, masked=True)
    members, houses, _, _ = _db_state(demo_db, 2026)
    with zipfile.ZipFile(out) as z:
        xml = html.unescape("".join(z.read(n).decode("utf-8") for n in z.namelist()
                                    if n.endswith(".xml")))
    assert "公示" in xml
    for number in members:
        assert number not in xml
        assert f"{number[:6]}********{number[-4:]}" in xml
    for h in houses.values():
        assert h.bank_account not in xml


def test_households_export_is_members_then_one_row_each_with_head(demo_db, tmp_path):
    """Sheet 1 (what the importer reads) lists every member; sheet 2 one row per household."""
    from openpyxl import load_workbook

    national = pytest.importorskip("fupin_desktop.importers.national_export")
    out = tmp_path / "households.xlsx"
    info = export_households(demo_db, out)
    assert info["rows"] == 40
    parsed = national.parse_national_export(out, today=TODAY)
    assert len(parsed.households) == 40 and parsed.result.rows_rejected == 0
    with demo_db.read() as s:
        everyone = set(s.scalars(select(Member.id_number).where(Member.deleted_at.is_(None))))
        heads = set(s.scalars(select(Member.id_number).where(Member.relation == "户主")))
    assert {m.id_number for m in parsed.members} == everyone and info["members"] == len(everyone)
    wb = load_workbook(out)
    assert wb.sheetnames == ["家庭成员信息", "户信息", "各年度收入"]
    ws = wb["户信息"]
    col = [c.value for c in ws[3]].index("证件号码(户主)")
    assert {r[col] for r in ws.iter_rows(min_row=4, values_only=True)} == heads


def test_village_and_year_options(demo_db, tmp_path):
    from fupin_desktop.errors import InputError
    from fupin_desktop.services.households.registry import village_choices

    vid, name = village_choices(demo_db)[0]
    info = export_members(demo_db, tmp_path / "v.xlsx", village=name, year=2025)
    with demo_db.read() as s:
        expected = len(s.scalars(select(Member.id).join(Household).where(
            Household.village_id == vid, Member.status == "正常")).all())
    assert info["rows"] == expected and info["income_year"] == 2025
    with pytest.raises(InputError):
        export_members(demo_db, tmp_path / "x.xlsx", village="没有这个村")


def test_cli_export(demo_db, tmp_path, capsys, monkeypatch):
    from fupin_desktop import cli

    if "households_export" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", cli.COMMAND_MODULES + ("households_export",))
    out = tmp_path / "m.xlsx"
    code = cli.main(["export", "members", str(out), "--db", demo_db.url, "--masked", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["ok"] and data["masked"] is True and out.exists()
    assert data["rows"] > 40


def test_reimport_keeps_the_exported_income_year(demo_db, tmp_path):
    """The note row says 收入年度:2025 and 导出时间 of another year: the import takes 2025."""
    from fupin_desktop.services.households.importing import import_households, income_year_from_text

    assert income_year_from_text(["导出时间:2026-11-22 10:00:00    收入年度:2025"]) == 2025
    out = tmp_path / "m2025.xlsx"
    export_members(demo_db, out, year=2025)
    res = import_households(demo_db, out, today=TODAY)
    assert res.counts["income_year"] == 2025
    assert res.counts["incomes_updated"] == res.counts["incomes_created"] == 0
