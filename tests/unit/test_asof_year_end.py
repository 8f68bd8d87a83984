"""Everything made for a year shows the records as they stood on its 31 December.

A small demo made on 2026-06-15 holds records of 2025 and of 2026; on top of it a member dies in
2026, another died in 2025, a household is taken into monitoring in 2026, a worker leaves a post
in 2026, a chronic card runs out in 2025. The 2025 package must show none of 2026: no item PDF
prints a 2026 date (only the packaging sheets carry their own date), the 2026 death reads 正常,
each catalogue 题名 is the title printed on its document; the members ledger counts only 正常
members with the others shown apart, and the chronic-card ledger derives validity from the dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from fupin_desktop.models import Household, Member
from fupin_desktop.models.medical import ChronicCard, DiseaseType
from fupin_desktop.models.posts import Assignment

pytestmark = pytest.mark.date_sensitive  # CI runs it again on 1 Jan and 31 Dec

YEAR = 2025
TODAY = dt.date(2026, 6, 15)  # the package is built half-way through the next year
LATER = re.compile(r"2026\s*[-年./]\s*\d{1,2}|2026\s*年")


def pdf_text(path_or_bytes) -> str:
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return "\n".join(p.extract_text() or "" for p in PdfReader(src).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    from tests.conftest import make_sqlite_db
    from fupin_desktop.services.demo import generate_demo
    from fupin_desktop.services.households.edit import mark_member_status

    base = tmp_path_factory.mktemp("asof")
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        db = make_sqlite_db(base / "town.db")
        generate_demo(db, households=30, seed=11, today=TODAY)
        with db.read() as s:
            hid = s.scalar(select(Household.id).where(Household.deleted_at.is_(None),
                                                      Household.household_type == "脱贫户")
                           .order_by(Household.id))
            ms = s.scalars(select(Member).where(Member.household_id == hid,
                                                Member.status == "正常")
                           .order_by(Member.id)).all()
            late, early = ms[-1], ms[-2]
            ids = {"household": hid, "late": late.id, "early": early.id, "late_name": late.name,
                   "code": s.get(Household, hid).code}
        # one member died in 2026 (after the year), one in 2025
        mark_member_status(db, ids["late"], "死亡", dt.date(2026, 3, 10), "因病去世")
        mark_member_status(db, ids["early"], "迁出", dt.date(2025, 5, 1), "婚迁")
        with db.write(reason="测试：次年纳入监测、离岗、过期的慢性病卡") as s:
            h2 = s.scalars(select(Household).where(Household.deleted_at.is_(None),
                                                   Household.monitoring_category.is_(None))
                           .order_by(Household.id.desc())).first()
            h2.monitoring_category, h2.monitoring_date = "边缘易致贫户", dt.date(2026, 2, 1)
            ids["monitored_late"] = h2.code
            a = s.scalars(select(Assignment).where(Assignment.deleted_at.is_(None),
                                                   Assignment.end_date.is_(None),
                                                   Assignment.start_date < dt.date(2025, 12, 1))
                          .order_by(Assignment.id)).first()
            a.end_date, a.status, a.end_reason = dt.date(2026, 2, 28), "离岗", "辞职"
            disease = s.scalars(select(DiseaseType).order_by(DiseaseType.id)).first()
            if disease is None:
                disease = DiseaseType(name="高血压", sort_order=1, active=True)
                s.add(disease)
                s.flush()
            s.add(ChronicCard(member_id=ids["early"] + 0, disease_id=disease.id,
                              card_no="MT-EXPIRED-1", approved_date=dt.date(2023, 3, 1),
                              review_date=dt.date(2025, 3, 1), status="有效"))
            s.add(ChronicCard(member_id=ids["late"], disease_id=disease.id,
                              card_no="MT-LATER-1", approved_date=dt.date(2026, 1, 5),
                              review_date=dt.date(2028, 1, 5), status="有效"))
    yield db, ids, base
    db.dispose()


@pytest.fixture(scope="module")
def package(town):
    from fupin_desktop.services.archive.build import build_year

    db, ids, base = town
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        build_year(db, YEAR, base / "bag", workers=1)
    return base / "bag"


def test_no_item_of_the_2025_package_prints_a_2026_date(package):
    items = sorted((package / "data").glob("*.pdf"))
    assert len(items) > 10
    leaks = {}
    for p in items:
        found = LATER.findall(pdf_text(p))
        if found:
            leaks[p.name] = found[:5]
    assert leaks == {}
    # the packaging sheets carry only their own date (the archive date)
    for p in sorted((package / "data" / "纸质文件").glob("*.pdf")):
        for m in re.findall(r"2026\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|2026-\d\d-\d\d",
                            pdf_text(p)):
            assert squeeze(m) in ("2026年6月15日", "2026-06-15"), (p.name, m)


def test_catalogue_title_is_the_title_printed_on_each_document(package):
    rows = list(csv.DictReader((package / "data" / "文件目录.csv").open(encoding="utf-8-sig")))
    assert rows
    for r in rows:
        first = squeeze(PdfReader(str(package / "data" / r["文件名"])).pages[0].extract_text())
        assert squeeze(r["题名"]) in first, (r["文件名"], r["题名"])
        assert r["日期"] <= "20251231"
    titles = {r["题名"] for r in rows}
    assert any("公益性岗位人员台账" in t for t in titles)


def test_a_member_who_died_the_next_year_is_normal_in_the_year_archive(town):
    from fupin_desktop.services.households.files import write_household_file
    from fupin_desktop.services.households.ledger_data import ledger_data

    db, ids, base = town
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        with db.read() as s:
            y2025 = ledger_data(s, "members", year=YEAR)
            now = ledger_data(s, "members")
        out = base / "hh2025.pdf"
        write_household_file(db, ids["code"], out, year=YEAR, today=dt.date(2025, 12, 31))
        cur = base / "hh-now.pdf"
        write_household_file(db, ids["code"], cur)
    def status_of(data, name):
        return next(r[13] for r in data.rows if r[3] == name)
    assert status_of(y2025, ids["late_name"]) == "正常"
    assert status_of(now, ids["late_name"]) == "死亡（2026-03-10）"
    text = squeeze(pdf_text(out))
    assert not LATER.search(text), LATER.findall(text)
    assert "迁出（2025-05-01）" in text
    assert "死亡（2026-03-10）" in squeeze(pdf_text(cur))


def test_members_total_counts_only_normal_members_and_shows_the_others_apart(town):
    from fupin_desktop.services.households.ledger_data import ledger_data

    db, ids, _ = town
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        with db.read() as s:
            y2025 = ledger_data(s, "members", year=YEAR)
            now = ledger_data(s, "members")
    counted = []
    for data in (y2025, now):
        statuses = [r[13].split("（")[0] for r in data.rows]
        normal = statuses.count("正常")
        dead, gone = statuses.count("死亡"), statuses.count("迁出")
        assert len(data.rows) == normal + dead + gone
        assert data.totals[3] == f"正常{normal}人"
        apart = "、".join(x for x in (f"死亡{dead}人" if dead else "", f"迁出{gone}人") if x)
        assert data.totals[13] == f"另{apart}"
        assert f"正常{normal}人" in data.subtitle
        counted.append((normal, dead, gone))
    # the 2026 death: 正常 at the end of 2025, counted among the dead now
    (_n25, d25, g25), (_n26, d26, g26) = counted
    assert (d26, g26) == (d25 + 1, g25)
    # nobody born after the ledger's date is listed
    assert all(r[6] is None or r[6] <= dt.date(2025, 12, 31) for r in y2025.rows)


def test_year_ledgers_show_monitoring_and_posts_as_they_stood(town):
    from fupin_desktop.services.households.ledger_data import ledger_data
    from fupin_desktop.reports.posts_ledgers import posts_table
    from fupin_desktop.services.posts.ledger_data import posts_data

    db, ids, _ = town
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        with db.read() as s:
            mon2025 = ledger_data(s, "monitoring", year=YEAR)
            mon_now = ledger_data(s, "monitoring")
        posts = posts_table(posts_data(db, as_of=dt.date(2025, 12, 31)))
    assert ids["monitored_late"] not in {r[2] for r in mon2025.rows}
    assert ids["monitored_late"] in {r[2] for r in mon_now.rows}
    assert posts.subtitle.startswith("2025年12月")
    assert all(r[9] is None or r[9] <= dt.date(2025, 12, 31) for r in posts.rows)
    assert "离岗" not in {r[10] for r in posts.rows if r[9] is None}


def test_chronic_card_validity_comes_from_its_dates_with_totals_per_status(town):
    from fupin_desktop.reports.medical_ledgers import chronic_ledger
    from fupin_desktop.services.medical.ledger_data import chronic_data

    db, _, _ = town
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        with db.read() as s:
            y2025 = chronic_ledger(chronic_data(s, today=dt.date(2025, 12, 31), historical=True))
            now = chronic_ledger(chronic_data(s))
    by_no = {r[6]: r for r in y2025.rows}
    assert by_no["MT-EXPIRED-1"][9] == "已过期"  # 复审日期 2025-03-01 passed: not 有效
    assert "MT-LATER-1" not in by_no  # issued in 2026
    assert {r[6]: r[9] for r in now.rows}["MT-LATER-1"] == "有效"
    for data in (y2025, now):
        counts: dict[str, int] = {}
        for r in data.rows:
            counts[r[9]] = counts.get(r[9], 0) + 1
        shown = dict(re.findall(r"([^\s、]+) (\d+)张", data.totals[9]))
        assert {k: int(v) for k, v in shown.items()} == counts
        assert sum(counts.values()) == len(data.rows)
        assert data.totals[6] == f"{len(data.rows)}张"
    assert all(r[8] is None or r[8] <= dt.date(2025, 12, 31) for r in y2025.rows)


def test_cli_year_outputs_show_the_year_end(town, capsys):
    import json

    from fupin_desktop import cli

    db, ids, base = town
    out = base / "cli-hh.pdf"
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        code = cli.main(["--db", db.url, "--json", "household-file", ids["code"], "--year", "2025",
                         "--out", str(out)])
        assert code == 0 and json.loads(capsys.readouterr().out)["pages"] >= 1
        text = squeeze(pdf_text(out))
        # only the print date is of 2026; every record is as it stood at the end of 2025
        assert set(LATER.findall(text)) <= {"2026年6", "2026-06"}
        assert "（2025年度）" in text and "死亡（2026-03-10）" not in text
        members = base / "cli-members.pdf"
        assert cli.main(["--db", db.url, "ledger", "members", "--year", "2025",
                         "--out", str(members)]) == 0
        first = squeeze(PdfReader(str(members)).pages[0].extract_text())
        assert "截至2025年12月31日" in first and "正常" in first
