"""verify's own PDF/A-2b checks (pikepdf + fontTools): deliberately broken PDFs are each rejected
with the rule named in Chinese, and every PDF the program writes passes them (glyph widths above
all: the Mono face of the bundled font used to declare 600/1000 em where its program says 293)."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest

from fupin_desktop.archive.pdfa import PdfaMeta, check_pdfa, convert_to_pdfa
from fupin_desktop.formats.fonts import FONT, FONT_MONO, new_canvas

CST = dt.timezone(dt.timedelta(hours=8))
META = PdfaMeta("测试文件", dt.datetime(2026, 1, 10, 9, 30, tzinfo=CST), identifier="Z012-WS·2025-Y-SB-0001")


def _cjk_pdf(font: str = FONT) -> bytes:
    buf = io.BytesIO()
    c = new_canvas(buf, (595, 842), title="测试文件")
    c.setFont(font, 12)
    c.drawString(72, 720, "身份证号 52272219800101123X 银行卡 6217 0000 1111")
    c.drawString(72, 700, "扶贫对象识别台账 ABC xyz 0123456789")
    c.showPage()
    c.save()
    return buf.getvalue()


def _edit(data: bytes, fn) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fn(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _problems(tmp_path, data: bytes) -> list[str]:
    p = tmp_path / "x.pdf"
    p.write_bytes(data)
    return check_pdfa(p)


@pytest.fixture(scope="module")
def good() -> bytes:
    return convert_to_pdfa(_cjk_pdf(), META)


def test_program_pdf_passes_every_check_including_mono_columns(tmp_path, good):
    assert FONT_MONO == FONT  # ID/bank columns draw with the proportional face (tabular digits)
    assert _problems(tmp_path, good) == []
    assert _problems(tmp_path, convert_to_pdfa(_cjk_pdf(FONT_MONO), META)) == []


def _font(pdf):
    return next(iter(pdf.pages[0].Resources.Font.values()))


def test_wrong_widths_are_rejected(tmp_path, good):
    def break_widths(pdf):
        f = _font(pdf)
        f.Widths = pikepdf.Array([600] * len(f.Widths))

    probs = _problems(tmp_path, _edit(good, break_widths))
    assert any("6.2.11.5" in m and "字宽" in m for m in probs), probs


def test_the_mono_subfont_as_reportlab_embeds_it_is_rejected(tmp_path):
    """The real defect measured on 185 of 190 archive PDFs: declared 600, program 293."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from fupin_desktop.paths import font_path

    if "TestMono" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("TestMono", str(font_path()), subfontIndex=1))
    probs = _problems(tmp_path, convert_to_pdfa(_cjk_pdf("TestMono"), META))
    assert [m for m in probs if "6.2.11.5" in m and "WenQuanYiMicroHeiMono" in m], probs


def test_unembedded_font_is_rejected(tmp_path, good):
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)
    c.drawString(72, 720, "Helvetica")
    c.save()
    probs = _problems(tmp_path, convert_to_pdfa(buf.getvalue(), META))
    assert any("Helvetica" in m and "未嵌入" in m for m in probs), probs


def test_missing_xmp_is_rejected(tmp_path, good):
    probs = _problems(tmp_path, _edit(good, lambda pdf: pdf.Root.__delattr__("Metadata")))
    assert any("缺少 XMP" in m for m in probs), probs


def test_xmp_without_pdfa_marker_is_rejected(tmp_path, good):
    def unmark(pdf):
        xmp = pdf.Root.Metadata.read_bytes().replace(b"<pdfaid:part>2</pdfaid:part>", b"")
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)

    assert any("pdfaid" in m for m in _problems(tmp_path, _edit(good, unmark)))


def test_xmp_date_not_matching_info_is_rejected(tmp_path, good):
    def redate(pdf):
        pdf.trailer.Info.CreationDate = pikepdf.String("D:20251231000000+08'00'")

    probs = _problems(tmp_path, _edit(good, redate))
    assert any("CreateDate" in m and "6.6.3" in m for m in probs), probs


def test_missing_output_intent_and_forbidden_blend_mode_are_rejected(tmp_path, good):
    def strip(pdf):
        del pdf.Root["/OutputIntents"]
        res = pdf.pages[0].Resources
        res.ExtGState = pikepdf.Dictionary(GS9=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState,
                                                                  BM=pikepdf.Name("/Dodgy")))

    probs = _problems(tmp_path, _edit(good, strip))
    assert any("输出意图" in m for m in probs) and any("混合模式" in m for m in probs), probs


def test_encrypted_file_is_rejected(tmp_path, good):
    with pikepdf.open(io.BytesIO(good)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=4))
    assert any("加密" in m for m in _problems(tmp_path, out.getvalue()))


def test_every_pdf_kind_the_program_writes_uses_only_the_proportional_face(tmp_path):
    """Ledgers (with mono ID columns), the household file and archive paper share one face."""
    from fupin_desktop.reports.ledger import Column, LedgerSpec, render_ledger

    spec = LedgerSpec(title="测试台账", columns=[Column("name", "姓名", 4), Column("id", "证件号码", 10, mono=True)],
                      rows=[["张三", "52272219800101123X"]] * 3)
    out = tmp_path / "l.pdf"
    render_ledger(spec, out)
    with pikepdf.open(out) as pdf:
        names = {str(f.BaseFont) for p in pdf.pages for f in p.Resources.Font.values()}
    assert names and all("Mono" not in n for n in names), names
    assert not [m for m in check_pdfa(out) if "6.2.11" in m]
