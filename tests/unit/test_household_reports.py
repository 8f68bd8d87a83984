"""Household ledgers (PDF and Excel) and the household file (一户一档)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fupin_desktop import cli
from fupin_desktop.errors import InputError
from fupin_desktop.models import Household, HouseholdIncome, Measure, Member, Visit
from fupin_desktop.reports import household_file as hf
from fupin_desktop.reports.household_ledgers import KINDS
from fupin_desktop.services.households import file_data as hfd
from fupin_desktop.services.households.files import (
    write_household_file, write_household_files)
from fupin_desktop.services.households.ledger_data import (
    ledger_data, write_household_ledger)
from fupin_desktop.reports.pdfcheck import all_fonts_embedded, extract_text, page_count
from fupin_desktop.services import settings
from fupin_desktop.services.households.importing import import_households
from fupin_desktop.services.progress import Cancelled

HH = "5227291010000001"  # 唐玉's household in the clean sample (6 members, 幸福村)


@pytest.fixture
def town(db, samples):
    import_households(db, samples / "national_export_clean.xlsx")
    with db.write() as s:
        settings.set(s, settings.TOWNSHIP, "广顺镇")
        hs = s.scalars(select(Household).order_by(Household.code != HH, Household.code)).all()
        for i, h in enumerate(hs[:12]):  # HH first
            year = 2024 if i % 3 == 0 else 2025
            s.add(Measure(household_id=h.id, category="产业帮扶", date=dt.date(year, 3, i + 1),
                          content="发放鸡苗200羽并指导养殖" * (1 + i % 3),
                          amount=Decimal("1000.25") + i, responsible="王刚"))
            s.add(Visit(household_id=h.id, date=dt.date(year, 4, i + 1), visitor="张华",
                        findings="老人慢性病按时服药，子女务工收入稳定。" * (1 + i % 2),
                        follow_up="下月回访"))
        h = s.scalar(select(Household).where(Household.code == HH))
        h.monitoring_category, h.risk1, h.monitoring_date = "边缘易致贫户", "因病", dt.date(2024, 6, 1)
        dead = s.scalar(select(Member).where(Member.household_id == h.id, Member.relation != "户主"))
        dead.status, dead.status_date = "死亡", dt.date(2025, 1, 9)
    return db


# ---- ledgers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(KINDS))
def test_every_ledger_pdf_embeds_fonts_and_extracts_chinese(town, tmp_path, kind):
    out = tmp_path / f"{kind}.pdf"
    pages = write_household_ledger(town, kind, out)
    assert pages == page_count(out) >= 1
    assert all_fonts_embedded(out)
    text = extract_text(out)
    assert f"广顺镇" in text and "制表人" in text and f"共 {pages} 页" in text
    assert "唐玉" in text  # a head of household / member name extracts as text


def test_households_ledger_totals_equal_the_rows(town):
    with town.read() as s:
        data = ledger_data(s, "households")
        db_net = s.scalar(select(func.sum(HouseholdIncome.net_income)).where(HouseholdIncome.year == 2025))
        active = s.scalar(select(func.count()).select_from(Member).where(Member.status == "正常"))
    assert data.title == "广顺镇脱贫户和监测对象信息台账" and "2025" in data.subtitle
    assert len(data.rows) == 40 and data.totals[1] == "40户"
    assert data.totals[5] == sum(r[5] for r in data.rows) == active == 150  # one member died
    assert data.totals[10] == sum(r[10] for r in data.rows) == Decimal(db_net)
    row = next(r for r in data.rows if r[2] == HH)
    assert (row[3], row[4], row[11]) == ("唐玉", "522729196208023116", Decimal("5350.00"))


def test_members_ledger_head_first_status_and_village_filter(town):
    with town.read() as s:
        data = ledger_data(s, "members", village="幸福村")
        n = s.scalar(select(func.count()).select_from(Member).join(Household)
                     .where(Household.village.has(name="幸福村")))
    assert len(data.rows) == n and {r[1] for r in data.rows} == {"幸福村"}
    normal = sum(r[13] == "正常" for r in data.rows)
    assert normal < n  # 合计 counts only 正常 members, the others are shown apart
    assert data.title == "广顺镇幸福村家庭成员信息台账" and data.totals[3] == f"正常{normal}人"
    assert data.totals[13].startswith("另") and "死亡" in data.totals[13]
    mine = [r for r in data.rows if r[2] == HH]
    assert mine[0][3] == "唐玉" and mine[0][7] == "户主"
    assert "死亡（2025-01-09）" in {r[13] for r in mine}
    with pytest.raises(InputError, match="找不到行政村“月亮村”"):
        with town.read() as s:
            ledger_data(s, "members", village="月亮村")


def test_monitoring_ledger_lists_monitored_and_compares_with_threshold(town):
    with town.write() as s:
        settings.set_monitoring_threshold(s, 2025, "6000")
    with town.read() as s:
        data = ledger_data(s, "monitoring")
        monitored = s.scalar(select(func.count()).select_from(Household)
                             .where(Household.monitoring_category.is_not(None)))
    assert len(data.rows) == monitored >= 1
    row = next(r for r in data.rows if r[2] == HH)
    assert row[6] == "边缘易致贫户" and row[8] == "因病"
    assert row[11] == Decimal("5350.00") and row[12] == "是"  # 5,350 < 6,000
    assert all(r[12] == ("是" if r[11] < Decimal("6000") else "否") for r in data.rows if r[11])
    assert "6,000.00" in data.subtitle


def test_measures_and_visits_filter_by_year_with_amount_totals(town):
    with town.read() as s:
        all_ = ledger_data(s, "measures")
        y24 = ledger_data(s, "measures", year=2024)
        v25 = ledger_data(s, "visits", year=2025)
        db_sum = s.scalar(select(func.sum(Measure.amount)))
    assert len(all_.rows) == 12 and all_.totals[8] == Decimal(db_sum).quantize(Decimal("0.01"))
    assert len(y24.rows) == 4 and all(r[6].year == 2024 for r in y24.rows)
    assert y24.totals[8] == sum(r[8] for r in y24.rows)
    assert len(v25.rows) == 8 and v25.totals[1] == "8次"


def test_ledger_as_excel_has_text_id_cells_and_numeric_money(town, tmp_path):
    out = tmp_path / "members.xlsx"
    assert write_household_ledger(town, "members", out) == 151
    ws = load_workbook(out)["家庭成员信息台账"]
    assert ws["A1"].value == "广顺镇家庭成员信息台账"
    header = [c.value for c in ws[3]]
    assert header[:6] == ["序号", "行政村", "户编号", "姓名", "性别", "证件号码"]
    assert ws.freeze_panes == "A4"
    ids = [ws.cell(row=r, column=6) for r in range(4, 155)]
    assert all(c.data_type == "s" and c.number_format == "@" and len(c.value) == 18 for c in ids)
    assert "52272919650324216X" in {c.value for c in ids}
    out = tmp_path / "households.xlsx"
    write_household_ledger(town, "households", out)
    ws = load_workbook(out).active
    money = ws.cell(row=4, column=11)
    assert isinstance(money.value, (int, float)) and money.number_format == "#,##0.00"
    assert ws.cell(row=4, column=3).data_type == "s"  # 户编号 stays text


def test_ledger_cancel_writes_nothing(town, tmp_path):
    def progress(done, total, text):
        if total:
            raise Cancelled()

    out = tmp_path / "out" / "m.pdf"
    out.parent.mkdir()
    with pytest.raises(Cancelled):
        write_household_ledger(town, "members", out, progress=progress)
    assert list(out.parent.iterdir()) == []  # no half-written file either


# ---- 一户一档 -------------------------------------------------------------------------------------

def test_household_file_has_every_section_full_ids_and_embedded_fonts(town, tmp_path):
    out = tmp_path / "hf.pdf"
    pages = write_household_file(town, HH, out)
    assert pages == page_count(out) >= 2 and all_fonts_embedded(out)
    text = extract_text(out)
    for title in ("一户一档", "一、基本情况", "二、家庭成员", "三、收入测算", "四、风险与监测",
                  "五、帮扶措施", "六、走访记录"):
        assert title in text
    assert "唐玉" in text and "522729196208023116" in text  # internal file: full ID number
    assert "32,100.00" in text and "5,350.00" in text  # 纯收入 and 人均纯收入 of 2025
    assert "边缘易致贫户" in text and "因病" in text and "发放鸡苗" in text
    with town.read() as s:
        hid = s.scalar(select(Household.id).where(Household.code == HH))
    assert write_household_file(town, hid, tmp_path / "by_id.pdf") == pages
    with pytest.raises(InputError, match="找不到户编号"):
        write_household_file(town, "0000", tmp_path / "none.pdf")


def extra_section(session, household_id):
    from fupin_desktop.reports.ledger import Column

    code = session.get(Household, household_id).code
    return [("测试附加章节", [Column("a", "甲", 1), Column("b", "乙", 1)], [[code, "附加内容"]])]


def test_household_file_extension_sections(town, tmp_path, monkeypatch):
    monkeypatch.setattr(hfd, "HOUSEHOLD_FILE_SECTIONS", ("tests.unit.test_household_reports:extra_section",))
    write_household_file(town, HH, tmp_path / "hf.pdf")
    text = extract_text(tmp_path / "hf.pdf")
    assert "七、测试附加章节" in text and "附加内容" in text


def test_real_extension_modules_are_found():
    names = [fn.__name__ for fn in hfd.extra_sections()]
    assert names == ["household_posts_section", "household_medical_section"]


def test_batch_into_one_pdf_or_one_file_each(town, tmp_path):
    with town.read() as s:
        codes = s.scalars(select(Household.code).order_by(Household.code).limit(3)).all()
    single = [write_household_file(town, c, tmp_path / f"{c}.pdf") for c in codes]
    res = write_household_files(town, codes, tmp_path / "all.pdf")
    assert res.households == 3 and res.pages == sum(single) == page_count(tmp_path / "all.pdf")
    assert all_fonts_embedded(tmp_path / "all.pdf")
    res = write_household_files(town, codes, tmp_path / "each")
    assert [p.name.split("_")[0] for p in res.files] == list(codes)
    assert all(page_count(p) == n for p, n in zip(res.files, single))


def test_batch_cancel_writes_no_single_pdf(town, tmp_path):
    def progress(done, total, text):
        if done == 2:
            raise Cancelled()

    with town.read() as s:
        codes = s.scalars(select(Household.code).limit(4)).all()
    (tmp_path / "out").mkdir()
    with pytest.raises(Cancelled):
        write_household_files(town, codes, tmp_path / "out" / "all.pdf", progress=progress)
    assert list((tmp_path / "out").iterdir()) == []


# ---- CLI ----------------------------------------------------------------------------------

def test_cli_ledger_and_household_file(town, tmp_path, capsys):
    url = town.url
    code = cli.main(["--db", url, "--json", "ledger", "visits", "--out", str(tmp_path / "v.pdf"),
                     "--year", "2024"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["pages"] == page_count(tmp_path / "v.pdf") and data["kind"] == "visits"
    code = cli.main(["--db", url, "household-file", HH, "--out", str(tmp_path / "h.pdf")])
    assert code == 0 and "一户一档" in capsys.readouterr().out
    code = cli.main(["--db", url, "household-file", "0000", "--out", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("错误：") and len(err.strip().splitlines()) == 1
    code = cli.main(["--db", url, "ledger", "members", "--out", str(tmp_path / "no" / "m.pdf")])
    assert code == 2 and "不存在" in capsys.readouterr().err


def test_current_head_shown_after_the_old_one_died(town):
    """After the 户主 died and another member became 户主, every list names the new one."""
    from fupin_desktop.services.households import registry

    with town.write() as s:
        h = s.scalar(select(Household).where(Household.code == HH))
        old = s.scalar(select(Member).where(Member.household_id == h.id, Member.relation == "户主"))
        new = s.scalar(select(Member).where(Member.household_id == h.id, Member.status == "正常",
                                            Member.id > old.id).order_by(Member.id))
        old.status, old.status_date = "死亡", dt.date(2025, 2, 1)
        new.relation = "户主"
        hid, new_name, new_id = h.id, new.name, new.id_number
    assert old.id < new.id
    with town.read() as s:
        row = next(r for r in ledger_data(s, "households").rows if r[2] == HH)
        assert (row[3], row[4]) == (new_name, new_id)
        assert registry.rows(s, [hid])[0].head_name == new_name

        class Doc:
            def __init__(self):
                self.calls = []

            def __getattr__(self, name):
                return lambda *a, **kw: self.calls.append((name, a))

        doc = Doc()
        hf.build_household_file(hfd.household_file_data(s, hid, today=dt.date(2025, 3, 1)), doc)
    cover = next(a for name, a in doc.calls if name == "cover")
    assert ("户主", new_name) in cover[1]
    with town.read() as s:
        assert registry.ids(s, registry.RegistryFilter(), "head")  # the sort runs


def test_household_files_load_in_bulk_not_per_household(town, monkeypatch):
    """Many households cost the same queries as one (the other modules' sections aside)."""
    from sqlalchemy import event

    monkeypatch.setattr(hfd, "HOUSEHOLD_FILE_SECTIONS", ())
    with town.read() as s:
        ids = s.scalars(select(Household.id).order_by(Household.code)).all()
    counts = []
    for chosen, year in ((ids[:1], None), (ids, None), (ids[:1], 2025), (ids, 2025)):
        seen = []
        listener = lambda *a, **kw: seen.append(1)  # noqa: E731
        event.listen(town.engine, "before_cursor_execute", listener)
        try:
            with town.read() as s:
                files = hfd.household_files_data(s, chosen, year=year)
        finally:
            event.remove(town.engine, "before_cursor_execute", listener)
        assert [f.id for f in files] == list(chosen)
        counts.append(len(seen))
    assert counts[0] == counts[1] and counts[2] == counts[3]
