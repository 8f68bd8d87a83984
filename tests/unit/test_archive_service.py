"""Archive services over a real database: which items a year holds, their 件号 (open and closed
years), registered files, closing a year, boxes kept after closing."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from sqlalchemy import select

from fupin_desktop.errors import InputError, UserError, ValidationError
from fupin_desktop.models import ArchiveBox, ArchiveItemRecord, Household, Member, Village
from fupin_desktop.services.archive import settings as cfg_mod
from fupin_desktop.services.archive.build import build_year
from fupin_desktop.services.archive.files import ItemMeta, add_registered, remove_registered
from fupin_desktop.services.attachments import attachment_path
from fupin_desktop.services.archive.plan import group_rows, plan_year
from fupin_desktop.services.archive.close import close_year
from fupin_desktop.services.archive.years import boxes_for
from fupin_desktop.services.demo import generate_demo

YEAR = 2025
TODAY = dt.date(2025, 11, 20)


@pytest.fixture
def town(any_db, monkeypatch):
    from fupin_desktop.services import demo

    # these tests count the registered files they add themselves: no demo scans
    monkeypatch.setattr(demo, "DEMO_EXTENSION_MODULES", tuple(
        m for m in demo.DEMO_EXTENSION_MODULES if not m.endswith("archive.demo")))
    generate_demo(any_db, households=12, seed=3, today=TODAY)
    return any_db


def png_bytes(w=300, h=200) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def pdf_with_helvetica() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)  # ReportLab's default font: Helvetica, not embedded
    c.drawString(100, 700, "Notice")
    c.showPage()
    c.save()
    return buf.getvalue()


def groups_of(plan):
    out = defaultdict(list)
    for p in plan.items:
        out[(p.item.retention, p.item.category)].append(p)
    return out


def test_open_year_numbers_every_group_from_0001_in_archive_order(town):
    plan = plan_year(town, YEAR)
    assert not plan.problems and not plan.closed
    keys = [p.item.key for p in plan.items]
    assert len(keys) == len(set(keys))
    for (ret, cat), items in groups_of(plan).items():
        assert [p.item.item_no for p in items] == list(range(1, len(items) + 1)), (ret, cat)
    files = [p for p in plan.items if p.kind == "household-file"]
    with town.read() as s:
        rows = s.execute(select(Household.id, Village.sort_order, Household.code)
                         .join(Village).where(Household.household_type.in_(("脱贫户", "未脱贫户"))
                                              | Household.monitoring_category.is_not(None))).all()
    expected = [hid for hid, _, _ in sorted(rows, key=lambda r: (r[1], r[2]))]
    assert [p.ref_id for p in files] == expected  # village order, then 户编号
    assert {(p.item.retention, p.item.category) for p in files} == {("Y", "PK")}
    assert all(p.item.title.endswith("户一户一档") for p in files)
    ledgers = {p.kind for p in plan.items if p.kind.startswith("ledger:")}
    assert {"ledger:households", "ledger:members", "ledger:monitoring", "ledger:measures",
            "ledger:visits", "ledger:attendance", "ledger:payroll", "ledger:medical"} <= ledgers
    months = sorted(p.period for p in plan.items if p.kind == "ledger:payroll")
    assert months and all(m.startswith(f"{YEAR}-") for m in months)
    codes = [plan.code(p) for p in plan.items]
    assert codes[0] == "Z012-WS·2025-Y-SB-0001"


def test_settings_move_a_kind_to_another_category_and_retention(town):
    with town.write() as s:
        cfg = cfg_mod.load_config(s)
        cfg.kinds["household-file"] = ("ZH", "D30")
        cfg_mod.save_config(s, cfg)
    plan = plan_year(town, YEAR)
    files = [p for p in plan.items if p.kind == "household-file"]
    assert {(p.item.retention, p.item.category) for p in files} == {("D30", "ZH")}
    zh = [p for p in plan.items if (p.item.retention, p.item.category) == ("D30", "ZH")]
    # the visits ledger (rank 21) comes before the household files (rank 30) in the group
    assert zh[0].kind == "ledger:visits" and zh[0].item.item_no == 1
    with town.write() as s, pytest.raises(ValidationError, match="类别“ZH”不在类别列表中"):
        cfg.categories = [c for c in cfg.categories if c.code != "ZH"]
        cfg_mod.save_config(s, cfg)


def test_registered_files_are_stored_by_sha256_and_numbered_by_date(town, tmp_path):
    img = tmp_path / "scan.png"
    img.write_bytes(png_bytes())
    pdf = tmp_path / "notice.pdf"
    from fupin_desktop.archive.demo import render_demo_pdf

    pdf.write_bytes(render_demo_pdf("关于开展2025年度动态调整工作的通知", pages=2))
    late = add_registered(town, YEAR, img, ItemMeta("村级公示照片", date=dt.date(2025, 9, 1)))
    early = add_registered(town, YEAR, pdf, ItemMeta("动态调整通知", "清河镇人民政府", "清政〔2025〕3号",
                                                     dt.date(2025, 3, 1)))
    with town.read() as s:
        recs = {r.id: r for r in s.scalars(select(ArchiveItemRecord))}
    assert recs[late].pages == 1 and recs[late].mime == "image/png"
    assert recs[early].pages == 2 and recs[early].doc_no == "清政〔2025〕3号"
    stored = attachment_path(town, recs[late].sha256)
    assert stored.read_bytes() == img.read_bytes()
    assert stored.parent.parent.name == "attachments"
    plan = plan_year(town, YEAR)
    zh = groups_of(plan)[("D30", "ZH")]
    regs = [p for p in zh if p.origin == "registered"]
    assert [p.record_id for p in regs] == [early, late]  # by date, after the visits ledger
    assert regs[-1].item.item_no == len(zh)
    # the image renders as an A4 PDF page
    from fupin_desktop.archive.itemfile import read_source

    data = read_source(regs[-1].source)
    assert data.startswith(b"%PDF") and b"/Image" in data


def test_files_that_cannot_be_archived_are_refused_with_a_reason(town, tmp_path):
    txt = tmp_path / "a.txt"
    txt.write_text("hello", "utf-8")
    with pytest.raises(InputError, match="不是 PDF、JPG 或 PNG"):
        add_registered(town, YEAR, txt, ItemMeta("x"))
    bad = tmp_path / "helv.pdf"
    bad.write_bytes(pdf_with_helvetica())
    with pytest.raises(InputError, match="未嵌入的字体"):
        add_registered(town, YEAR, bad, ItemMeta("x"))
    img = tmp_path / "ok.png"
    img.write_bytes(png_bytes())
    with pytest.raises(ValidationError) as e:
        add_registered(town, YEAR, img, ItemMeta("  ", category="NOPE"))
    assert set(e.value.errors) == {"title", "category"}


def test_closing_fixes_numbers_and_later_additions_append(town, tmp_path):
    with pytest.raises(UserError, match="请先生成归档数据包"):
        close_year(town, YEAR)
    build_year(town, YEAR, tmp_path / "bag", workers=1)
    before = {p.item.key: (p.item.retention, p.item.category, p.item.item_no)
              for p in plan_year(town, YEAR).items}
    res = close_year(town, YEAR)
    assert res.items == len(before) and res.boxes >= 1
    with pytest.raises(UserError, match="已于"):
        close_year(town, YEAR)
    with town.read() as s:
        recs = {r.key: (r.retention, r.category, r.item_no) for r in s.scalars(select(ArchiveItemRecord))}
    assert recs == before

    # a scan added after closing takes the next number of its group; nothing else moves
    img = tmp_path / "late.png"
    img.write_bytes(png_bytes())
    rid = add_registered(town, YEAR, img, ItemMeta("补充材料", date=dt.date(2025, 1, 2)))
    zh_top = max(no for (ret, cat, no) in before.values() if (ret, cat) == ("D30", "ZH"))
    with town.read() as s:
        assert s.get(ArchiveItemRecord, rid).item_no == zh_top + 1  # early date, still appended
    plan = plan_year(town, YEAR)
    assert {k: v for k, v in ((p.item.key, (p.item.retention, p.item.category, p.item.item_no))
                              for p in plan.items) if k in before} == before
    with pytest.raises(UserError, match="不能移除"):
        remove_registered(town, rid)

    # a household monitored after closing: its file is appended at the end of 贫困户类
    with town.write() as s:
        hh = s.scalars(select(Household).where(Household.household_type == "一般农户",
                                               Household.monitoring_category.is_(None))).first()
        hh.monitoring_category, hh.monitoring_date = "突发严重困难户", dt.date(2025, 10, 1)
    pk_top = max(no for (ret, cat, no) in before.values() if (ret, cat) == ("Y", "PK"))
    plan = plan_year(town, YEAR, persist=True)
    new = next(p for p in plan.items if p.ref_id == hh.id)
    assert new.item.item_no == pk_top + 1
    with town.read() as s:
        assert s.scalar(select(ArchiveItemRecord.item_no).where(
            ArchiveItemRecord.key == f"household:{hh.id}")) == pk_top + 1


def test_open_year_items_can_be_removed_and_numbers_close_up(town, tmp_path):
    ids = []
    for n, day in enumerate((5, 6, 7)):
        f = tmp_path / f"s{n}.png"
        f.write_bytes(png_bytes(100 + n))  # different bytes, different files
        ids.append(add_registered(town, YEAR, f, ItemMeta(f"材料{n}", date=dt.date(2025, 5, day))))
    remove_registered(town, ids[1], "重复")
    zh = groups_of(plan_year(town, YEAR))[("D30", "ZH")]
    assert [p.item.item_no for p in zh] == list(range(1, len(zh) + 1))  # open year: no gap
    assert ids[1] not in {p.record_id for p in zh}


def _capacity(db, pages: int) -> None:
    with db.write() as s:
        cfg = cfg_mod.load_config(s)
        cfg.box_thickness_mm = 20
        cfg.box_capacities[20] = pages
        cfg_mod.save_config(s, cfg)


def test_closed_year_keeps_its_boxes_and_puts_additions_in_a_new_box(town, tmp_path):
    # the demo's household files have 4 pages each: with 3-page boxes each one is bigger than
    # a box, gets a box of its own and is flagged
    _capacity(town, 3)
    result = build_year(town, YEAR, tmp_path / "bag", workers=1)
    plan = plan_year(town, YEAR)
    big = {p.item.key for p in plan.items if p.pages > 3}
    assert big and {w.path for w in result.warnings if w.code == "box.oversize"} == big
    # 12-page boxes: three 4-page files fill a box exactly and close it
    _capacity(town, 12)
    build_year(town, YEAR, tmp_path / "bag", workers=1)  # re-packs; every item is skipped
    close_year(town, YEAR)
    with town.read() as s:
        stored = [(b.box_no, b.retention, b.category, b.first_item_no, b.last_item_no, b.pages)
                  for b in s.scalars(select(ArchiveBox).order_by(ArchiveBox.box_no))]
    assert [b[0] for b in stored] == list(range(1, len(stored) + 1))
    pk = [b for b in stored if b[1:3] == ("Y", "PK")]
    assert all(b[5] == 12 and b[4] - b[3] == 2 for b in pk[:-1])  # exactly full
    # boxes never mix 保管期限 or 类别, and each group's boxes continue its 件号
    by_group = defaultdict(list)
    for b in stored:
        by_group[(b[1], b[2])].append(b)
    for boxes in by_group.values():
        assert boxes[0][3] == 1
        assert all(a[4] + 1 == b[3] for a, b in zip(boxes, boxes[1:]))
    assert all(b[5] <= 12 for b in stored)
    plan = plan_year(town, YEAR)
    items = [p.item.__class__(**{**p.item.__dict__, "pages": p.pages}) for p in plan.items]
    assert [(b.box_no, b.first_item_no, b.last_item_no) for b in boxes_for(town, plan, items)] == \
        [(b[0], b[3], b[4]) for b in stored]

    img = tmp_path / "late.png"
    img.write_bytes(png_bytes())
    add_registered(town, YEAR, img, ItemMeta("补充材料", category="SB", retention="Y"))
    plan = plan_year(town, YEAR)
    p = next(p for p in plan.items if p.origin == "registered")
    items = [x.item.__class__(**{**x.item.__dict__, "pages": x.pages}) for x in plan.items]
    boxes = boxes_for(town, plan, items)
    # the printed boxes are untouched; the new item is in a new box after the highest 盒号
    assert [(b.box_no, b.first_item_no, b.last_item_no) for b in boxes[:len(stored)]] == \
        [(b[0], b[3], b[4]) for b in stored]
    last = boxes[-1]
    assert last.box_no == len(stored) + 1 and last.items[0].key == p.item.key
    assert (last.retention, last.category) == ("Y", "SB")


def test_group_rows_count_items_pages_and_boxes(town, tmp_path):
    plan = plan_year(town, YEAR)
    rows = group_rows(plan)
    assert all(g.boxes is None and g.unknown == g.items for g in rows)  # never built: pages unknown
    build_year(town, YEAR, tmp_path / "bag", workers=1)
    plan = plan_year(town, YEAR)
    rows = group_rows(plan)
    assert sum(g.items for g in rows) == len(plan.items)
    assert sum(g.pages for g in rows) == sum(p.pages for p in plan.items)
    assert all(g.unknown == 0 and g.boxes >= 1 for g in rows)
    # an edit makes that household's page count "unknown" again (the file will change)
    with town.write() as s:
        m = s.scalars(select(Member).where(Member.relation == "户主")).first()
        m.phone = "13800000000"
        hid = m.household_id
    plan = plan_year(town, YEAR)
    stale = [p for p in plan.items if p.stale]
    assert {p.ref_id for p in stale if p.kind == "household-file"} == {hid}
    assert all(p.kind.startswith("ledger:") for p in stale if p.kind != "household-file")


def test_a_new_installation_is_told_to_set_the_fonds_first(db, tmp_path):
    with pytest.raises(ValidationError, match="全宗号") as e:
        plan_year(db, YEAR)
    assert e.value.field == "fonds_no"
    with db.write() as s, pytest.raises(ValidationError) as e:
        cfg_mod.save_fonds(s, "Z-01", "")
    assert set(e.value.errors) == {"fonds_no", "fonds_name"}
    with db.write() as s:
        cfg_mod.save_fonds(s, "z013", "某县某镇人民政府")
    plan = plan_year(db, YEAR)
    assert plan.items == [] and plan.settings.fonds_no == "Z013"
    with pytest.raises(InputError, match="没有可归档的文件"):
        build_year(db, YEAR, tmp_path / "bag", workers=1)


def test_demo_extension_registers_scans_deterministically(tmp_path, monkeypatch):
    import hashlib

    from fupin_desktop.services import demo
    from tests.conftest import make_sqlite_db

    assert "fupin_desktop.services.archive.demo" in demo.DEMO_EXTENSION_MODULES
    shas = []
    for n in (1, 2):
        db = make_sqlite_db(tmp_path / f"d{n}" / "demo.db")
        summary = demo.generate_demo(db, households=8, seed=4, today=TODAY)
        assert "archive_demo" in summary.extensions
        with db.read() as s:
            recs = list(s.scalars(select(ArchiveItemRecord).where(ArchiveItemRecord.source == "registered")))
        assert {r.mime for r in recs} == {"application/pdf", "image/jpeg"} and len(recs) == 3
        for r in recs:
            data = attachment_path(db, r.sha256).read_bytes()
            assert hashlib.sha256(data).hexdigest() == r.sha256 and r.date <= TODAY
        shas.append(sorted(r.sha256 for r in recs))
        plan = plan_year(db, TODAY.year)
        assert sum(p.origin == "registered" for p in plan.items) == 3
        db.dispose()
    assert shas[0] == shas[1]  # same seed, same files


def test_a_closed_year_reports_items_whose_pages_changed_after_closing(town, tmp_path):
    from fupin_desktop.models import Visit

    build_year(town, YEAR, tmp_path / "bag", workers=1)
    close_year(town, YEAR)
    plan = plan_year(town, YEAR)
    target = next(p for p in plan.items if p.kind == "household-file")
    from fupin_desktop.services.closures import allow_correction

    with town.write() as s:  # many visits after closing: the household file grows
        allow_correction(s, "补录走访记录")  # a closed year is changed only as a 更正
        for n in range(90):
            s.add(Visit(household_id=target.ref_id, date=dt.date(2025, 10, 1) + dt.timedelta(days=n % 30),
                        visitor="王干部", findings="入户核实收入情况，家庭生活稳定。" * 3))
    result = build_year(town, YEAR, tmp_path / "bag", workers=1)
    changed = [w for w in result.warnings if w.code == "item.pages_changed"]
    # that household's file and the visits ledger (it lists the new visits too)
    assert sorted(w.path for w in changed) == sorted([target.item.key, f"ledger:visits:{YEAR}"])
    assert any(plan.code(target) in w.message_cn for w in changed)
    with town.read() as s:  # the record keeps the page count printed at closing
        rec = s.scalar(select(ArchiveItemRecord).where(ArchiveItemRecord.key == target.item.key))
    assert rec.pages == target.recorded_pages


def test_ensure_year_survives_a_concurrent_first_use(any_db, monkeypatch):
    """Two background tasks (the 档案 tab's list and 添加文件) may both start a new year at once:
    the one that loses the race finds the row the other made instead of failing."""
    from fupin_desktop.models import ArchiveYear
    from fupin_desktop.services.archive import years as archive_years

    real = archive_years.new_year_row

    def other_task_wins(session, year, **kw):
        with any_db.write() as other:  # commits between our existence check and our insert
            real(other, year, **kw)
        return real(session, year, **kw)

    monkeypatch.setattr(archive_years, "new_year_row", other_task_wins)
    archive_years.ensure_year(any_db, 2031)
    with any_db.read() as s:
        assert s.scalars(select(ArchiveYear.year).where(ArchiveYear.year == 2031)).all() == [2031]
