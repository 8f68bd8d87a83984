"""A year built from a demo database: the package passes ``fupin archive verify``, rebuilding
skips unchanged items with identical bytes, an edit re-renders only what it touches, each
corruption is reported by the command, and the 归档章 sits in the household file's free corner."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import sys
from pathlib import Path

import pikepdf
import pytest
import time_machine
from sqlalchemy import select

from fupin_desktop import cli
from fupin_desktop.archive import catalogue as cat_mod
from fupin_desktop.archive.bagit import make_bag
from fupin_desktop.archive.package import default_state_path
from fupin_desktop.archive.stamp import MM
from fupin_desktop.models import Member
from fupin_desktop.services.archive.build import build_year, preview_item
from fupin_desktop.services.archive.plan import plan_year
from fupin_desktop.services.demo import generate_demo

sys.path.insert(0, str(Path(__file__).parent))
from test_archive_stamp import stamp_rect_of  # noqa: E402 - the stamp test's geometry helper

YEAR = 2025
TODAY = dt.date(2025, 11, 20)
# The PDFs carry the real time of the build: builds are compared at one frozen instant.
BUILT_AT = dt.datetime(2026, 1, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A 30-household demo year built once, with two worker processes (the real path)."""
    from tests.conftest import make_sqlite_db

    base = tmp_path_factory.mktemp("archive")
    db = make_sqlite_db(base / "town.db")
    generate_demo(db, households=30, seed=5, today=TODAY)
    result = build_year(db, YEAR, base / "bag", workers=2)
    yield db, result, base / "bag"
    db.dispose()


@pytest.fixture
def pkg(built, tmp_path):
    copy = tmp_path / "pkg"
    shutil.copytree(built[2], copy)
    # the resume state lives beside the bag (a file inside would be unexpected): copy it along
    shutil.copy(default_state_path(built[2]), default_state_path(copy))
    return copy


def digests(bag: Path) -> dict[str, str]:
    return {p.relative_to(bag).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((bag / "data").rglob("*.pdf"))}


def verify(capsys, path):
    code = cli.main(["--json", "archive", "verify", str(path)])
    return code, json.loads(capsys.readouterr().out)


def test_demo_year_passes_verify_with_paper_documents(built, capsys):
    db, result, bag = built
    assert result.items == len(plan_year(db, YEAR).items) > 40
    assert result.rendered == result.items and result.skipped == 0
    code, rep = verify(capsys, bag)
    assert code == 0 and rep["ok"] and rep["problems"] == []
    assert rep["items"] == result.items
    paper = sorted(p.name for p in (bag / "data" / "纸质文件").iterdir())
    assert paper == sorted(["归档文件目录.pdf", "盒脊.pdf", "档案盒封面.pdf", "备考表.pdf", "归档范围统计表.pdf"])
    cat = cat_mod.read_catalogue(bag / "data" / cat_mod.XML_NAME)
    assert len(cat.others) == 5 and len(cat.boxes) == result.boxes
    assert sum(e.pages for e in cat.entries) == result.pages
    # the catalogue PDF lists every 档号
    from fupin_desktop.reports.pdfcheck import extract_text

    text = extract_text(bag / "data" / "纸质文件" / "归档文件目录.pdf").replace("\n", "")
    assert all(e.archival_code in text for e in cat.entries)


def test_rebuild_skips_everything_and_gives_identical_bytes(built, pkg, tmp_path):
    db, result, _ = built
    before = digests(pkg)
    again = build_year(db, YEAR, pkg, workers=1)
    assert again.rendered == 0 and again.skipped == result.items
    assert digests(pkg) == before  # skipped files keep the date of the build that wrote them
    # from scratch, in other folders, at the same instant: the same bytes (reproducible); the
    # PDFs carry that instant as their creation date, in the XMP and the Info dictionary alike
    with time_machine.travel(BUILT_AT, tick=False):
        one = build_year(db, YEAR, tmp_path / "one", workers=1)
        two = build_year(db, YEAR, tmp_path / "two", workers=1)
    assert one.rendered == two.rendered == result.items
    assert digests(tmp_path / "one") == digests(tmp_path / "two")
    assert digests(tmp_path / "one") != before
    import re

    from fupin_desktop.archive.pdfa import parse_pdf_date, parse_xmp_date

    for sample in [*(tmp_path / "one" / "data").glob("*.pdf"), *(tmp_path / "one" / "data").glob("*/*.pdf")]:
        with pikepdf.open(sample) as pdf:
            xmp = pdf.Root.Metadata.read_bytes().decode()
            assert parse_pdf_date(str(pdf.docinfo["/CreationDate"])) == BUILT_AT
            assert parse_pdf_date(str(pdf.docinfo["/ModDate"])) == BUILT_AT
        for key in ("CreateDate", "ModifyDate"):
            assert parse_xmp_date(re.search(f"<xmp:{key}>([^<]+)<", xmp).group(1)) == BUILT_AT


def test_an_edit_re_renders_only_that_household_and_the_ledgers_printing_it(built, pkg, tmp_path):
    db, result, _ = built
    before = digests(pkg)
    with db.write() as s:
        m = s.scalars(select(Member).where(Member.relation == "户主").order_by(Member.id)).first()
        old_phone, m.phone, hid = m.phone, "13912345678", m.household_id
    try:
        again = build_year(db, YEAR, pkg, workers=1)
        plan = plan_year(db, YEAR)
        changed = {k for k, v in digests(pkg).items() if before.get(k) != v}
        code_of = {f"data/{plan.code(p)}.pdf": p for p in plan.items}
        kinds = {code_of[k].kind for k in changed if k in code_of}
        files = [code_of[k].ref_id for k in changed if k in code_of and code_of[k].kind == "household-file"]
        assert files == [hid]
        # rendered again: that household's file and the one ledger that prints a member's phone
        # (services/archive/reads.py); everything else was skipped
        assert kinds == {"household-file", "ledger:members"}
        assert again.rendered == 2 and again.skipped == result.items - 2
    finally:
        with db.write() as s:
            s.get(Member, m.id).phone = old_phone


def _rebag(path: Path) -> None:
    make_bag(path, source_organization="平塘县清河镇人民政府", external_identifier=f"Z012-WS·{YEAR}",
             bagging_date=dt.date(2026, 1, 10))


def _first_household_file(path: Path, db) -> Path:
    plan = plan_year(db, YEAR)
    p = next(p for p in plan.items if p.kind == "household-file")
    return path / "data" / f"{plan.code(p)}.pdf"


def _helvetica_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(72, 700, "not embedded")
    c.showPage()
    c.save()
    return buf.getvalue()


def _drop_item(path: Path, db) -> None:
    """Take the 2nd 贫困户类 item out of file, catalogue and bag: a gap in 件号."""
    xml = path / "data" / cat_mod.XML_NAME
    cat = cat_mod.read_catalogue(xml)
    victim = next(e for e in cat.entries if e.category == "PK" and e.item_no == 2)
    cat.entries.remove(victim)
    (path / "data" / victim.file_name).unlink()
    xml.write_bytes(cat_mod.catalogue_xml(cat))
    (path / "data" / cat_mod.CSV_NAME).write_bytes(cat_mod.catalogue_csv(cat))
    _rebag(path)


def _font(path: Path, db) -> None:
    """A non-embedded font in an item, with the catalogue and bag updated to match it."""
    from fupin_desktop.archive.itemfile import make_item_pdf
    from fupin_desktop.archive.pdfa import PdfaMeta, inspect_pdf

    target = _first_household_file(path, db)
    facts = inspect_pdf(target)
    data, _ = make_item_pdf(_helvetica_pdf(), None, PdfaMeta(facts.title, dt.datetime(
        YEAR, 12, 31, tzinfo=dt.timezone(dt.timedelta(hours=8))), identifier=facts.identifier))
    target.write_bytes(data)
    xml = path / "data" / cat_mod.XML_NAME
    cat = cat_mod.read_catalogue(xml)
    cat.entries = [e.__class__(**{**e.__dict__, "pages": 1,
                                  "sha256": hashlib.sha256(data).hexdigest()})
                   if e.file_name == target.name else e for e in cat.entries]
    cat.boxes = [b.__class__(**{**b.__dict__, "pages": sum(e.pages for e in cat.entries
                                                           if e.box_no == b.box_no)})
                 for b in cat.boxes]
    xml.write_bytes(cat_mod.catalogue_xml(cat))
    (path / "data" / cat_mod.CSV_NAME).write_bytes(cat_mod.catalogue_csv(cat))
    _rebag(path)


def _byte(path: Path, db) -> None:
    target = _first_household_file(path, db)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))


CORRUPTIONS = {
    "changed byte": (_byte, {"bag.checksum", "catalogue.sha256"}),
    "missing file": (lambda p, db: _first_household_file(p, db).unlink(), {"package.missing_file"}),
    "extra file": (lambda p, db: (p / "data" / "说明.docx").write_bytes(b"x"), {"package.unexpected_file"}),
    "gap in item numbers": (_drop_item, {"numbering.gap"}),
    "non-embedded font": (_font, {"pdf.pdfa"}),
}


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_verify_command_reports_each_corruption(name, built, pkg, capsys):
    corrupt, expected = CORRUPTIONS[name]
    corrupt(pkg, built[0])
    code, rep = verify(capsys, pkg)
    assert code == 2 and rep["ok"] is False
    codes = {p["code"] for p in rep["problems"]}
    assert expected <= codes, codes
    if name == "non-embedded font":
        assert any("Helvetica" in p["message"] and "未嵌入" in p["message"] for p in rep["problems"])
        assert codes == {"pdf.pdfa"}  # catalogue and bag were made to agree: only the font fails
    # the human output lists every problem, one per line, then says what it compared with
    assert cli.main(["archive", "verify", str(pkg)]) == 2
    out = capsys.readouterr().out
    assert "检测未通过" in out and len(out.strip().splitlines()) == len(rep["problems"]) + 2
    assert rep["internal_only"] and "只检查了数据包内部的一致性" in out.strip().splitlines()[-1]


def test_stamp_sits_45x16mm_in_the_free_top_right_corner_of_a_household_file(built, tmp_path):
    db, _, bag = built
    item = _first_household_file(bag, db)
    (x0, y0, x1, y1, colour), box, pdf = stamp_rect_of(item.read_bytes())
    assert abs((x1 - x0) - 45 * MM) < 0.5 and abs((y1 - y0) - 16 * MM) < 0.5
    assert abs(box.urx - x1 - 10 * MM) < 0.5 and abs(box.ury - y1 - 10 * MM) < 0.5
    assert colour[0] > 0.8 and colour[1] < 0.1  # red
    # nothing of the household file itself is drawn under the stamp: its page-1 text keeps clear
    from pypdf import PdfReader

    from fupin_desktop.services.archive.render import render_household_item

    plan = plan_year(db, YEAR)
    p = next(p for p in plan.items if p.kind == "household-file")
    original = PdfReader(io.BytesIO(render_household_item(db.url, p.ref_id, "2025-12-31")))
    hits = []

    def visit(text, cm, tm, font, size):
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        if text.strip() and x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2:
            hits.append(text)

    original.pages[0].extract_text(visitor_text=visit)
    assert hits == []
    # the stamp's 页数 cell is the real page count and its 件号 the catalogue's
    from fupin_desktop.reports.pdfcheck import extract_text

    stamp_text = extract_text(item)
    assert f"{p.item.item_no:04d}" in stamp_text and "贫困户类" in stamp_text
    assert len(pikepdf.open(item).pages) == p.pages


def test_preview_renders_an_item_as_archived(built, tmp_path):
    db = built[0]
    plan = plan_year(db, YEAR)
    p = plan.items[0]
    out = preview_item(db, YEAR, p.item.key, tmp_path / "preview.pdf")
    from fupin_desktop.archive.pdfa import inspect_pdf

    facts = inspect_pdf(out)
    assert facts.problems == [] and facts.identifier == plan.code(p) and facts.pages == p.pages


def test_cli_list_add_close_and_print(built, tmp_path, capsys):
    db = built[0]
    from fupin_desktop.backup import backup

    url = str(backup(db, tmp_path / "town.db"))  # a consistent copy, with its scanned documents
    bag = tmp_path / "bag"
    assert cli.main(["--db", url, "--json", "archive", "build", "--year", str(YEAR), "--out", str(bag),
                     "--workers", "1", "--iso"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] and data["items"] > 40 and Path(data["iso"]).is_file()
    from PIL import Image

    img = tmp_path / "照片.jpg"
    Image.new("RGB", (400, 300), (200, 30, 30)).save(img, "JPEG")
    assert cli.main(["--db", url, "--json", "archive", "add", str(img), "--year", str(YEAR),
                     "--title", "入户核查照片", "--date", "2025-06-01", "--doc-no", "清乡振〔2025〕8号"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "入户核查照片"
    # a registered file's page count is known when it is added: the year can close at once
    assert cli.main(["--db", url, "--json", "archive", "close", "--year", str(YEAR)]) == 0
    closed = json.loads(capsys.readouterr().out)
    assert closed["items"] == data["items"] + 1
    assert cli.main(["--db", url, "--json", "archive", "list", "--year", str(YEAR)]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["closed"] and sum(g["items"] for g in listing["groups"]) == closed["items"]
    assert cli.main(["--db", url, "--json", "archive", "print", "--year", str(YEAR), "--out",
                     str(tmp_path / "print"), "--doc", "spines", "--doc", "stats"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    assert [Path(f).name for f in files] == [f"{YEAR}年度盒脊.pdf", f"{YEAR}年度归档范围统计表.pdf"]


# ------------------------------------------------------------------ tamper evidence (§3)

def _rehashed_edit(path: Path, db) -> Path:
    """Edit one item (a valid PDF still) and recompute every hash inside the package."""
    target = _first_household_file(path, db)
    with pikepdf.open(target) as pdf:
        pdf.pages[0].contents_add(pdf.make_stream(b"q 1 0 0 RG 10 10 m 100 100 l S Q"), prepend=False)
        buf = io.BytesIO()
        pdf.save(buf)
    data = buf.getvalue()
    target.write_bytes(data)
    xml = path / "data" / cat_mod.XML_NAME
    cat = cat_mod.read_catalogue(xml)
    cat.entries = [e.__class__(**{**e.__dict__, "sha256": hashlib.sha256(data).hexdigest()})
                   if e.file_name == target.name else e for e in cat.entries]
    xml.write_bytes(cat_mod.catalogue_xml(cat))
    (path / "data" / cat_mod.CSV_NAME).write_bytes(cat_mod.catalogue_csv(cat))
    _rebag(path)
    return target


def _db_arg(built) -> list[str]:
    return ["--db", str(built[0].url).removeprefix("sqlite:///")]


def test_build_records_digest_and_files_in_the_database(built):
    from fupin_desktop.archive.tamper import package_digest
    from fupin_desktop.models import ArchivePackage
    from fupin_desktop.services.archive.record import _plain

    db, result, bag = built
    with db.read() as s:
        rec = _plain(s.scalar(select(ArchivePackage).where(ArchivePackage.digest == package_digest(bag))))
    assert rec.digest == result.digest and rec.year == YEAR and rec.event == "build"
    assert rec.files == result.files == len(list((bag / "data").rglob("*.*")))
    assert rec.items == result.items and rec.pages == result.pages


def test_a_rehashed_package_passes_alone_but_not_against_the_database_or_the_digest(built, pkg, capsys):
    _, result, _ = built
    target = _rehashed_edit(pkg, built[0])
    # internally consistent: only the package itself is checked, and the report says so
    code, rep = verify(capsys, pkg)
    assert code == 0 and rep["internal_only"] and "只检查了数据包内部的一致性" in rep["scope"]
    # with the database: the file edited and the manifests re-hashed are both named
    assert cli.main([*_db_arg(built), "--json", "archive", "verify", str(pkg)]) == 2
    rep = json.loads(capsys.readouterr().out)
    assert rep["checked_against"] == ["database"] and not rep["internal_only"]
    changed = [p for p in rep["problems"] if p["code"] == "tamper.changed"]
    # the edited item, and the catalogue whose hash column was rewritten to match it
    assert sorted(p["path"] for p in changed) == sorted([f"data/{target.name}", f"data/{cat_mod.XML_NAME}",
                                                         f"data/{cat_mod.CSV_NAME}"])
    assert all("文件内容与生成时记录不符" in p["message"] for p in changed)
    assert any(p["code"] == "tamper.digest" and "清单文件被修改" in p["message"] for p in rep["problems"])
    # with only the 移交清单's digest (typed grouped, as read aloud), and no database at all
    from fupin_desktop.archive.tamper import group_digest

    assert cli.main(["--json", "archive", "verify", str(pkg), "--no-db",
                     "--digest", group_digest(result.digest).upper()]) == 2
    rep = json.loads(capsys.readouterr().out)
    assert rep["checked_against"] == ["digest"]
    assert [p["code"] for p in rep["problems"]] == ["tamper.digest"]


def test_the_untouched_package_matches_its_record_and_digest(built, pkg, capsys):
    _, result, _ = built
    assert cli.main([*_db_arg(built), "--json", "archive", "verify", str(pkg), "--digest", result.digest]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["problems"] == [] and sorted(rep["checked_against"]) == ["database", "digest"]
    assert rep["digest"] == result.digest


def test_messages_name_what_happened(built, pkg, capsys):
    db = built[0]
    victim = _first_household_file(pkg, db)
    victim.write_bytes(victim.read_bytes()[:5000])  # cut off
    gone = sorted((pkg / "data").glob("*.pdf"))[-1]
    gone.unlink()
    (pkg / "data" / "多余.pdf").write_bytes(b"%PDF-1.4\n")
    m = pkg / "manifest-sha256.txt"
    m.write_text(m.read_text("utf-8") + "", "utf-8")
    assert cli.main([*_db_arg(built), "--json", "archive", "verify", str(pkg)]) == 2
    msgs = [p["message"] for p in json.loads(capsys.readouterr().out)["problems"]]
    assert any(s.startswith("文件不完整（被截断）") and victim.name in s for s in msgs), msgs
    assert any(s.startswith("缺少文件") and gone.name in s for s in msgs)
    assert any(s.startswith("多出文件") and "多余.pdf" in s for s in msgs)
    # a payload manifest edited by hand (no re-hash of the tag manifest)
    shutil.rmtree(pkg)
    shutil.copytree(built[2], pkg)
    m.write_text(m.read_text("utf-8").replace("0", "1", 1), "utf-8")
    assert cli.main(["--json", "archive", "verify", str(pkg), "--no-db"]) == 2
    msgs = [p["message"] for p in json.loads(capsys.readouterr().out)["problems"]]
    assert any(s.startswith("清单文件被修改") and "manifest-sha256.txt" in s for s in msgs), msgs


def test_closing_the_year_records_the_package_of_record(built, tmp_path):
    from sqlalchemy import func

    from fupin_desktop.backup import backup
    from fupin_desktop.services.opening import open_database
    from fupin_desktop.models import ArchivePackage, ArchivePackageFile
    from fupin_desktop.services.archive.close import close_year

    copy = open_database("sqlite:///" + str(backup(built[0], tmp_path / "c.db")))
    try:
        built_now = build_year(copy, YEAR, tmp_path / "bag", workers=1)
        close_year(copy, YEAR)
        with copy.read() as s:
            rows = s.scalars(select(ArchivePackage).where(ArchivePackage.year == YEAR)
                             .order_by(ArchivePackage.id)).all()
            assert [r.event for r in rows][-2:] == ["build", "close"]
            assert rows[-1].digest == built_now.digest
            n = s.scalar(select(func.count()).select_from(ArchivePackageFile)
                         .where(ArchivePackageFile.package_id == rows[-1].id))
            assert n == built_now.files
    finally:
        copy.dispose()


# ------------------------------------------------------------------ paper (§4, DA/T 22-2015)

def _ink_in_stamp_area(pdf_path: Path, tmp_path: Path, dpi: int = 50, pad_mm: float = 1.0) -> tuple[int, int]:
    """(other ink, red ink) pixels inside the 归档章's rectangle (+pad) on page 1, rendered."""
    import subprocess

    from PIL import Image

    from fupin_desktop.archive.stamp import RIGHT_MM, STAMP_H_MM, STAMP_W_MM, TOP_MM

    with pikepdf.open(pdf_path) as pdf:
        box = pdf.pages[0].mediabox
        w_pt = float(box[2]) - float(box[0])
    stem = tmp_path / "p"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(stem)], check=True)
    im = Image.open(f"{stem}.png").convert("RGB")
    s = im.width / w_pt
    x0, x1 = (w_pt - (RIGHT_MM + STAMP_W_MM + pad_mm) * MM) * s, (w_pt - (RIGHT_MM - pad_mm) * MM) * s
    y0, y1 = (TOP_MM - pad_mm) * MM * s, (TOP_MM + STAMP_H_MM + pad_mm) * MM * s
    px = im.load()
    other = red = 0
    for x in range(int(x0), int(x1) + 1):
        for y in range(int(y0), int(y1) + 1):
            r, g, b = px[x, y]
            if r < 180:  # black/grey/colour ink (the stamp's red and its anti-aliasing stay > 200)
                other += 1
            elif g < 120:
                red += 1
    return other, red


def test_the_stamp_rectangle_holds_no_other_ink_on_any_item(built, tmp_path):
    """Rendered pages: every item's 归档章 sits in blank paper ≥ 10 mm from top and right."""
    _, _, bag = built
    cat = cat_mod.read_catalogue(bag / "data" / cat_mod.XML_NAME)
    crowded = {}
    for e in cat.entries:
        other, red = _ink_in_stamp_area(bag / "data" / e.file_name, tmp_path)
        assert red > 50, e.file_name  # the stamp is there
        if other:
            crowded[e.file_name] = other
    assert crowded == {}


def test_every_generated_pdf_is_a4(built):
    _, _, bag = built
    a4 = sorted((595.28, 841.89))
    for p in (bag / "data").rglob("*.pdf"):
        with pikepdf.open(p) as pdf:
            for page in pdf.pages:
                b = page.mediabox
                size = sorted((float(b[2]) - float(b[0]), float(b[3]) - float(b[1])))
                assert size == pytest.approx(a4, abs=0.5), p.name


def test_the_receipt_is_printed_beside_the_package_and_names_its_digest(built, capsys):
    from fupin_desktop.archive.tamper import group_digest
    from fupin_desktop.reports.pdfcheck import extract_text

    _, result, bag = built
    receipt = result.receipt_path
    assert receipt.is_file() and receipt.parent == bag.parent  # outside the package
    text = extract_text(receipt)
    flat = text.replace("\n", "").replace(" ", "")
    assert result.digest in flat
    groups = group_digest(result.digest).split()
    assert " ".join(groups[:8]) in text and " ".join(groups[8:]) in text  # read-aloud groups
    assert f"{result.items} 件" in text and f"{result.pages} 页" in text and f"{result.files} 个" in text
    assert "移交单位" in text and "接收单位" in text and text.count("签字") >= 4
    assert "--digest" in text
    assert not [m for m in __import__("fupin_desktop.archive.pdfa", fromlist=["x"]).check_pdfa(receipt)
                if "字体" in m]
    # reprinted on its own from the database record; never into the package
    out = bag.parent / "again.pdf"
    assert cli.main([*_db_arg(built), "--json", "archive", "receipt", str(bag), "--out", str(out)]) == 0
    assert json.loads(capsys.readouterr().out)["out"] == str(out) and out.is_file()
    assert cli.main([*_db_arg(built), "--json", "archive", "receipt", str(bag), "--out",
                     str(bag / "data" / "x.pdf")]) != 0
    capsys.readouterr()


def test_every_spine_of_the_year_reads_differently(built):
    """盒脊: 全宗号, 年度, 保管期限, 类别 and 起止件号 (and 盒号) on each; no two alike."""
    from pypdf import PdfReader

    _, _, bag = built
    cat = cat_mod.read_catalogue(bag / "data" / cat_mod.XML_NAME)
    names = {e.category: e.category_name for e in cat.entries}
    reader = PdfReader(bag / "data" / "纸质文件" / "盒脊.pdf")
    labels: list[list[tuple[float, float, str]]] = []
    for page in reader.pages:
        found: list[tuple[float, float, str]] = []
        page.extract_text(visitor_text=lambda t, cm, tm, f, s: t.strip() and found.append(
            (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], t.strip())))
        labels.append(found)
    # one reading per label: the texts of one column (a label is narrower than 60 mm and the
    # labels stand side by side), top to bottom
    readings = []
    for found in labels:
        cols: dict[int, list[tuple[float, str]]] = {}
        for x, y, t in found:
            if y < 15 * MM:  # the page's footnote
                continue
            key = next((k for k in cols if abs(k - x) < 12 * MM), None)
            cols.setdefault(int(x) if key is None else key, []).append((y, t))
        for k in sorted(cols):
            readings.append(tuple(t for _, t in sorted(cols[k], key=lambda v: -v[0])))
    boxes = sorted(cat.boxes, key=lambda b: b.box_no)
    assert len(readings) == len(boxes)
    for r, b in zip(readings, boxes):
        text = "".join(r)
        assert cat.fonds_no in text and str(b.year) in text and names[b.category] in text, r
        assert f"{b.first_item_no:04d}" in text and f"{b.last_item_no:04d}" in text
    assert len(set(readings)) == len(readings)
    assert len({b.category for b in boxes}) > 1  # the demo year has several 类别
