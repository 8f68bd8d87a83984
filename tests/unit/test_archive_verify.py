"""A built package passes verify; each corruption is caught. Also build: resume, reproducible
bytes, cancel, closed-year append, the parallel path."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

import pytest

from fupin_desktop.archive import catalogue as cat_mod
from fupin_desktop.archive.bagit import make_bag
from fupin_desktop.archive.demo import demo_items, render_demo_pdf
from fupin_desktop.archive.model import ArchiveSettings
from fupin_desktop.archive.package import BuildCancelled, ExtraDocument, PackageItem, build_package
from fupin_desktop.archive.verify import verify_package
from fupin_desktop.errors import InputError

SETTINGS = ArchiveSettings("Z012", "示例镇人民政府", box_thickness_mm=20,
                           box_capacities={20: 7, 30: 300, 40: 400, 50: 500},
                           bagging_date=dt.date(2026, 1, 10),
                           fixed_datetime=dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
BUILT_ON = dt.date(2026, 1, 10)


def package_items(n=12, **kw):
    return [PackageItem(it, src, fingerprint="v1") for it, src in demo_items(n, **kw)]


def build(out, items=None, settings=SETTINGS, **kw):
    return build_package(items or package_items(), settings, out, built_on=BUILT_ON,
                         state_path=out.parent / f"{out.name}.state.json", **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pkg") / "bag"
    extra = [ExtraDocument("纸质文件/归档文件目录.pdf", "归档文件目录", render_demo_pdf("归档文件目录", 1))]
    result = build(out, extra_documents=extra)
    return out, result


@pytest.fixture
def pkg(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built[0], copy)
    return copy


def codes(path):
    return {p.code for p in verify_package(path).problems}


def rebag(path):
    make_bag(path, source_organization="示例镇人民政府", external_identifier="Z012-WS·2025",
             bagging_date=dt.date(2026, 1, 10))


def first_item(path):
    return sorted((path / "data").glob("Z012-*.pdf"))[0]


def test_built_package_passes_verify(built):
    out, result = built
    report = verify_package(out)
    assert report.ok, report.text()
    assert report.items == 12 and report.pdfs_checked == 13
    assert len(result.items) == 12 and all(it.pages == 3 for it in result.items)
    # 2 categories × 2 retentions × 3 items of 3 pages; 7 pages a box → 2 boxes per group
    assert [(b.box_no, b.retention, b.category, b.first_item_no, b.last_item_no) for b in result.boxes][:3] \
        == [(1, "Y", "SB", 1, 2), (2, "Y", "SB", 3, 3), (3, "Y", "TP", 1, 2)]
    names = sorted(p.name for p in (out / "data").iterdir())
    assert "Z012-WS·2025-Y-SB-0001.pdf" in names and "说明文件.TXT" in names
    readme = (out / "data" / "说明文件.TXT").read_text("utf-8-sig")
    assert "DA/T 22-2015" in readme and "共 12 件，36 页，8 盒" in readme
    cat = cat_mod.read_catalogue(out / "data" / cat_mod.XML_NAME)
    assert cat.entries[0].archival_code == "Z012-WS·2025-Y-SB-0001" and cat.entries[0].box_no == 1
    assert (out / "data" / cat_mod.CSV_NAME).read_bytes().startswith(b"\xef\xbb\xbf")


def test_changed_byte(pkg):
    f = first_item(pkg)
    raw = bytearray(f.read_bytes())
    raw[len(raw) // 2] ^= 0x20
    f.write_bytes(bytes(raw))
    report = verify_package(pkg)
    assert {"bag.checksum", "catalogue.sha256"} <= {p.code for p in report.problems}
    assert any(f.name in p.message_cn for p in report.problems)


def test_missing_file(pkg):
    first_item(pkg).unlink()
    assert {"bag.missing", "package.missing_file"} <= codes(pkg)


def test_extra_file(pkg):
    (pkg / "data" / "多余文件.pdf").write_bytes(b"%PDF-1.4\n")
    (pkg / "readme.txt").write_text("x")
    assert {"bag.unlisted", "bag.unexpected", "package.unexpected_file"} <= codes(pkg)


def test_gap_in_item_numbers_after_catalogue_edit_and_rebag(pkg):
    xml = pkg / "data" / cat_mod.XML_NAME
    cat = cat_mod.read_catalogue(xml)
    gone = cat.entries[1]  # Z012-WS·2025-Y-SB-0002
    cat.entries.remove(gone)
    (pkg / "data" / gone.file_name).unlink()
    xml.write_bytes(cat_mod.catalogue_xml(cat))
    (pkg / "data" / cat_mod.CSV_NAME).write_bytes(cat_mod.catalogue_csv(cat))
    rebag(pkg)
    report = verify_package(pkg)
    gaps = [p for p in report.problems if p.code == "numbering.gap"]
    assert gaps and "0002" in gaps[0].message_cn
    assert "box.list" in {p.code for p in report.problems}  # box 1 now holds 1 item, 3 pages
    assert not {p.code for p in report.problems if p.code.startswith("bag.")}


def test_non_embedded_font(pkg):
    from reportlab.pdfgen.canvas import Canvas

    from fupin_desktop.archive.pdfa import PdfaMeta, convert_to_pdfa

    xml = pkg / "data" / cat_mod.XML_NAME
    cat = cat_mod.read_catalogue(xml)
    entry = cat.entries[0]
    target = pkg / "data" / entry.file_name
    c = Canvas(str(target.with_suffix(".tmp")))  # Helvetica: not embedded
    for _ in range(entry.pages):
        c.drawString(72, 720, "Helvetica")
        c.showPage()
    c.save()
    meta = PdfaMeta(entry.title, dt.datetime(2025, 12, 31, tzinfo=dt.timezone(dt.timedelta(hours=8))),
                    identifier=entry.archival_code)
    target.write_bytes(convert_to_pdfa(target.with_suffix(".tmp").read_bytes(), meta))
    target.with_suffix(".tmp").unlink()
    import hashlib

    cat.entries[0] = replace(entry, sha256=hashlib.sha256(target.read_bytes()).hexdigest())
    xml.write_bytes(cat_mod.catalogue_xml(cat))
    (pkg / "data" / cat_mod.CSV_NAME).write_bytes(cat_mod.catalogue_csv(cat))
    rebag(pkg)
    report = verify_package(pkg)
    assert [p.code for p in report.problems] == ["pdf.pdfa"]
    assert "Helvetica" in report.problems[0].message_cn and entry.archival_code in report.problems[0].message_cn


def test_page_count_mismatch_and_csv_mismatch(pkg):
    xml = pkg / "data" / cat_mod.XML_NAME
    cat = cat_mod.read_catalogue(xml)
    cat.entries[0] = replace(cat.entries[0], pages=4)
    xml.write_bytes(cat_mod.catalogue_xml(cat))
    rebag(pkg)
    assert {"pdf.pages", "catalogue.csv", "box.list"} <= codes(pkg)


def test_rebuild_skips_everything_and_is_byte_identical(built, tmp_path):
    out, _ = built
    again = tmp_path / "again"
    result = build(again)
    assert result.rendered == 12 and result.skipped == 0
    # every item PDF byte-identical to the first build's
    for p in (again / "data").glob("Z012-*.pdf"):
        assert p.read_bytes() == (out / "data" / p.name).read_bytes()
    resumed = build(again)
    assert resumed.rendered == 0 and resumed.skipped == 12
    assert verify_package(again).ok


def test_cancel_then_resume(tmp_path):
    out = tmp_path / "c"
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 4  # cancel after a few items

    with pytest.raises(BuildCancelled):
        build(out, package_items(6), cancel=cancel)
    assert not (out / "bagit.txt").exists()  # a cancelled build is not a bag
    result = build(out, package_items(6))
    assert 0 < result.skipped < 6 and result.rendered + result.skipped == 6
    assert verify_package(out).ok


def test_closed_year_append_keeps_numbers_and_removes_nothing(tmp_path):
    out = tmp_path / "closed"
    first = build(out, package_items(4))
    closed = replace(SETTINGS, closed=True)
    numbered = [PackageItem(it, src, "v1") for it, (_, src) in zip(first.items, demo_items(4))]
    # items come back from the database with their 件号; add a new one dated early in the year
    new_item, new_src = demo_items(5)[4]
    new_item = replace(new_item, date=dt.date(2025, 1, 1), category="SB", retention="Y")
    result = build(out, numbered + [PackageItem(new_item, new_src, "v1")], settings=closed)
    assert {it.key: it.item_no for it in result.items}[new_item.key] == 2  # after SB-Y's max (1)
    assert result.skipped == 4
    assert verify_package(out).ok


def test_refuses_foreign_non_empty_folder(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "照片.jpg").write_bytes(b"x")
    with pytest.raises(InputError):
        build(tmp_path / "mine", package_items(2))


def test_parallel_path_with_worker_processes(tmp_path, monkeypatch):
    import fupin_desktop.archive.package as package

    monkeypatch.setattr(package, "PARALLEL_MIN", 1)
    out = tmp_path / "par"
    result = build(out, package_items(6))
    assert result.rendered == 6
    assert verify_package(out).ok


def test_numbering_problem_refuses_build_and_keeps_old_bag(tmp_path):
    from fupin_desktop.errors import ValidationError

    out = tmp_path / "gap"
    first = build(out, package_items(4))
    kept = [PackageItem(it, src, "v1") for it, (_, src) in zip(first.items, demo_items(4))]
    # closed year: Y-SB-0001 removed while a Y-SB-0002 exists → a gap the build must refuse
    y_sb_1 = next(pi for pi in kept if (pi.item.retention, pi.item.category) == ("Y", "SB"))
    again = [pi for pi in kept if pi is not y_sb_1]
    again.append(PackageItem(replace(y_sb_1.item, key="other", item_no=2), y_sb_1.source, "v1"))
    with pytest.raises(ValidationError, match="缺少件号 0001"):
        build(out, again, settings=replace(SETTINGS, closed=True))
    assert verify_package(out).ok  # the refused build touched nothing
