"""PDF/A-2b conversion: markers, deterministic bytes, stripping, and the cheap checker."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import xml.etree.ElementTree as ET

import pikepdf
import pytest

from fupin_desktop.archive.demo import render_demo_pdf
from fupin_desktop.archive.pdfa import PdfaMeta, check_pdfa, convert_to_pdfa, inspect_pdf, srgb_icc

CST = dt.timezone(dt.timedelta(hours=8))
META = PdfaMeta("扶贫对象识别台账 <2025> & 附表", dt.datetime(2025, 12, 31, tzinfo=CST),
                author="示例镇人民政府", identifier="Z012-WS·2025-Y-SB-0001")
NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "xmp": "http://ns.adobe.com/xap/1.0/"}


@pytest.fixture(scope="module")
def source():
    return render_demo_pdf("测试文件", pages=2)


@pytest.fixture(scope="module")
def converted(source):
    return convert_to_pdfa(source, META)


def helvetica_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)  # ReportLab's default font: Helvetica, never embedded
    c.drawString(72, 720, "Hello")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_byte_identical_for_identical_input(source, converted):
    again = convert_to_pdfa(source, META)
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(converted).hexdigest()
    other = convert_to_pdfa(source, PdfaMeta("另一个题名", META.created))
    assert other != converted
    ids = [[bytes(x) for x in pikepdf.open(io.BytesIO(b)).trailer.ID] for b in (converted, other)]
    assert ids[0][0] == ids[0][1] and ids[0][0] != ids[1][0]  # /ID follows the content


def test_xmp_and_info(tmp_path, converted):
    pdf = pikepdf.open(io.BytesIO(converted))
    md = pdf.Root.Metadata
    assert "/Filter" not in md.stream_dict  # metadata stays uncompressed
    root = ET.fromstring(md.read_bytes().split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    desc = root.find(".//rdf:Description", NS)
    assert desc.find("pdfaid:part", NS).text == "2"
    assert desc.find("pdfaid:conformance", NS).text == "B"
    assert desc.find("dc:title/rdf:Alt/rdf:li", NS).text == META.title
    assert desc.find("dc:identifier", NS).text == META.identifier
    assert desc.find("xmp:CreateDate", NS).text == "2025-12-31T00:00:00+08:00"
    assert str(pdf.docinfo.Title) == META.title
    assert str(pdf.docinfo.CreationDate) == "D:20251231000000+08'00'"
    assert str(pdf.docinfo.Author) == "示例镇人民政府"


def test_output_intent_srgb(converted):
    pdf = pikepdf.open(io.BytesIO(converted))
    (oi,) = pdf.Root.OutputIntents
    assert oi.S == pikepdf.Name.GTS_PDFA1
    profile = oi.DestOutputProfile
    assert profile.N == 3 and profile.read_bytes() == srgb_icc()
    assert srgb_icc()[36:40] == b"acsp" and srgb_icc()[24:26] == b"\x07\xe0"  # pinned date


def test_fonts_embedded_and_checker_clean(tmp_path, converted):
    p = tmp_path / "a.pdf"
    p.write_bytes(converted)
    assert check_pdfa(p) == []
    facts = inspect_pdf(p)
    assert (facts.pages, facts.title, facts.identifier) == (2, META.title, META.identifier)


def test_checker_reports_non_embedded_font_and_missing_markers(tmp_path):
    p = tmp_path / "h.pdf"
    p.write_bytes(helvetica_pdf())
    problems = check_pdfa(p)
    assert any("Helvetica" in m and "未嵌入" in m for m in problems)
    assert any("XMP" in m for m in problems) and any("输出意图" in m for m in problems)
    # converting cannot embed a font that is not there: still reported
    p.write_bytes(convert_to_pdfa(helvetica_pdf(), META))
    assert [m for m in check_pdfa(p) if "未嵌入" in m]


def test_javascript_actions_and_encryption_removed(tmp_path, source):
    pdf = pikepdf.open(io.BytesIO(source))
    js = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.Root.OpenAction = js
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("a"), pdf.make_indirect(js)])))
    pdf.pages[0].AA = pikepdf.Dictionary(O=js)
    buf = io.BytesIO()
    pdf.save(buf, encryption=pikepdf.Encryption(owner="secret", user=""))
    dirty = tmp_path / "dirty.pdf"
    dirty.write_bytes(buf.getvalue())
    problems = check_pdfa(dirty)
    assert any("JavaScript" in m for m in problems) and any("/AA" in m for m in problems)
    assert any("加密" in m for m in problems)
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(convert_to_pdfa(buf.getvalue(), META))
    assert check_pdfa(clean) == []
    assert not pikepdf.open(clean).is_encrypted


def test_unreadable_file_reported(tmp_path):
    p = tmp_path / "bad.pdf"
    p.write_bytes(b"not a pdf at all")
    assert any("无法打开" in m for m in check_pdfa(p))


def test_strict_validator_passes(tmp_path, converted):
    """pikepdf's own allow-list PDF/A validator (needs the optional pikepdf[pdfa] extras)."""
    pdfa = pytest.importorskip("pikepdf.pdfa", exc_type=ImportError)
    from fupin_desktop.archive.stamp import StampFields, stamp_pdf

    stamped, _ = stamp_pdf(render_demo_pdf("严格检测", pages=2), StampFields("Z012", 2025, 1, "识别类", "Y"))
    for name, data in (("plain.pdf", converted), ("stamped.pdf", convert_to_pdfa(stamped, META))):
        p = tmp_path / name
        p.write_bytes(data)
        report = pdfa.validate_written(p, "2b")
        assert report.passed, [str(f) for f in report.findings]
