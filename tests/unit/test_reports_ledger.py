"""Ledger PDF engine: layout rules checked on the layout, output checked on the real PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from fupin_desktop.reports import pdfcheck
from fupin_desktop.formats.fonts import FONT, new_canvas, register_fonts
from fupin_desktop.reports.ledger import (
    A3_LANDSCAPE, A4_LANDSCAPE, Column, LedgerSpec, RenderCancelled, layout_ledger, metrics,
    render_ledger, wrap_text)

NAMES = ["张三丰", "欧阳娜娜", "李秀英", "王建国", "赵桂兰", "陈志强"]
LONG_NOTE = ("因病致贫，2023年享受医疗救助，住院报销比例90%。家庭主要劳动力外出务工（浙江宁波），"
             "每月收入约3500元，春节返乡。")
PAGE_RE = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")

COLUMNS = [
    Column("no", "序号", 0.6, "right", wrap=False),
    Column("village", "行政村", 1.2),
    Column("name", "姓名", 1.0),
    Column("id", "证件号码", 2.0, wrap=False, mono=True),
    Column("amount", "补助金额（元）", 1.2, "right", wrap=False),
    Column("note", "备注", 4.0),
]


def _rows(n):
    rows = []
    for i in range(n):
        rows.append([
            str(i + 1),
            "白沙河村第二村民小组" if i % 5 == 0 else "青石村",
            NAMES[i % len(NAMES)],
            f"52272219800101{i:04d}",
            f"{1234.5 * i:,.2f}",
            (LONG_NOTE * 4)[: (i * 37) % 190],  # many lengths, so line ends vary
        ])
        if i % 7 == 3:  # narrow glyphs fill a line to within half an em of the cell edge
            rows[-1][5] = "编号" + "1234567890" * (i % 30 + 5)
    return rows


def _spec(n=120, **kw):
    kw.setdefault("totals", ["合计", "", "", "", f"{sum(1234.5 * i for i in range(n)):,.2f}",
                             f"共{n}人"])
    return LedgerSpec("青石镇2024年度脱贫人口补助发放台账", COLUMNS, _rows(n),
                      unit="青石镇乡村振兴办公室", date_text="2024年12月31日",
                      subtitle="（行政村：全部）", **kw)


@pytest.fixture(scope="module")
def ledger_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger") / "台账.pdf"
    spec = _spec()
    pages = render_ledger(spec, path)
    _TEXTS[path] = pdfcheck.extract_text(path, pages=True)  # pypdf is slow: extract once
    return path, pages, layout_ledger(_spec())


_TEXTS: dict = {}


def _texts(path):
    return _TEXTS[path]


def test_fonts_all_embedded_and_only_ours(ledger_pdf):
    path, _, _ = ledger_pdf
    fonts = pdfcheck.pdf_fonts(path)
    assert fonts, "no fonts found at all"
    assert pdfcheck.all_fonts_embedded(path)
    assert all("WenQuanYi" in name for name, _, _ in fonts), fonts  # no Helvetica anywhere


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_every_font_embedded(ledger_pdf):
    path, _, _ = ledger_pdf
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()[2:]
    assert lines
    for line in lines:
        # columns: name type encoding emb sub uni object ID -> emb is 5th from the end
        assert line.split()[-5] == "yes", line


def test_pdfcheck_detects_unembedded_helvetica(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "helv.pdf"
    c = Canvas(str(path))  # deliberately the ReportLab default: Helvetica, not embedded
    c.drawString(72, 72, "hello")
    c.save()
    assert ("Helvetica", "Type1", False) in pdfcheck.pdf_fonts(path)
    assert not pdfcheck.all_fonts_embedded(path)


def test_text_extracts_and_header_on_every_page(ledger_pdf):
    path, pages, _ = ledger_pdf
    texts = _texts(path)
    assert len(texts) == pages == pdfcheck.page_count(path) > 3
    whole = "\n".join(texts)
    for name in NAMES:
        assert name in whole
    for n, text in enumerate(texts, 1):
        for col in COLUMNS:
            assert col.title in text, (n, col.title)
        assert "青石镇2024年度脱贫人口补助发放台账" in text
        assert "编制单位：青石镇乡村振兴办公室" in text


def test_page_numbers_match_real_page_count(ledger_pdf):
    path, pages, _ = ledger_pdf
    texts = _texts(path)
    for n, text in enumerate(texts, 1):
        found = PAGE_RE.findall(text)
        assert found == [(str(n), str(pages))], (n, found)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_finds_chinese(ledger_pdf):
    path, pages, _ = ledger_pdf
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "张三丰" in out and "证件号码" in out and f"共 {pages} 页" in out


def test_totals_and_signoff_on_last_page_only(ledger_pdf):
    path, _, _ = ledger_pdf
    texts = _texts(path)
    total = f"{sum(1234.5 * i for i in range(120)):,.2f}"
    assert "合计" in texts[-1] and total in texts[-1] and "共120人" in texts[-1]
    for label in ("制表人", "审核人"):
        assert label in texts[-1]
        assert all(label not in t for t in texts[:-1])
    assert all("合计" not in t for t in texts[:-1])


def test_rows_never_split_and_all_present(ledger_pdf):
    _, pages, lay = ledger_pdf
    assert lay.page_count == pages
    flat = [p for page in lay.pages for p in page]
    assert flat == list(range(120))  # every row once, in order, none cut in pieces
    g = lay.geometry
    body_h = g["body_top"] - g["body_bottom"]
    lead, vpad = g["lead"], g["vpad"]
    for k, page in enumerate(lay.pages):
        used = sum(lay.nlines[i] * lead + 2 * vpad for i in page)
        if k == len(lay.pages) - 1:
            used += g["totals_h"] + g["signoff_h"]
        assert used <= body_h + 1e-6


def test_long_text_wraps_inside_its_cell(ledger_pdf):
    _, _, lay = ledger_pdf
    fs = lay.font_size
    assert lay.wrapped, "the long notes should have wrapped"
    assert max(lay.nlines) >= 3
    checked = 0
    for i in range(len(lay.rows)):
        for j in range(len(COLUMNS)):
            lines = lay.cell_lines(i, j)
            assert "".join(lines).replace(" ", "") == lay.rows[i][j].replace(" ", "")
            for line in lines:
                w = metrics(lay.cell_font(j)).width(line) * fs
                assert w <= lay.inner_width(j) + 1e-6, (i, j, line)
                checked += 1
    assert checked > 700
    for j, lines in enumerate(lay.header_lines):
        assert all(metrics(FONT).width(s) * fs <= lay.inner_width(j) + 1e-6 for s in lines)


def test_columns_fit_page_and_nowrap_columns_fit_values(ledger_pdf):
    _, _, lay = ledger_pdf
    assert lay.page_size_name == "A4" and lay.pagesize == A4_LANDSCAPE
    margin = lay.geometry["margin"]
    assert sum(lay.col_w) == pytest.approx(A4_LANDSCAPE[0] - 2 * margin)
    id_col = 3
    assert all(len(lay.cell_lines(i, id_col)) == 1 for i in range(len(lay.rows)))


def test_wide_column_set_stays_on_a4_landscape_and_wraps():
    cols = [Column(f"c{k}", f"号码{k}", 1.0, wrap=False, mono=True) for k in range(10)]
    rows = [[f"52272219800101{i:04d}"] * 10 for i in range(5)]
    lay = layout_ledger(LedgerSpec("宽表", cols, rows))
    assert lay.page_size_name == "A4" and lay.pagesize == A4_LANDSCAPE
    # Far too wide for one line per value: still A4, and nothing overflows (values wrap, the
    # type shrinks) — never A3, which a township printer cannot print.
    cols30 = [Column(f"c{k}", f"号码{k}", 1.0, wrap=False, mono=True) for k in range(30)]
    for c_, r_ in ((cols, rows), (cols30, [[f"52272219800101{i:04d}"] * 30 for i in range(3)])):
        lay = layout_ledger(LedgerSpec("超宽表", c_, r_))
        assert lay.page_size_name == "A4"
        for j in range(len(c_)):
            for line in lay.cell_lines(0, j):
                width = metrics(lay.cell_font(j)).width(line) * lay.font_size
                assert width <= lay.inner_width(j) + 1e-6
    assert A3_LANDSCAPE[0] > A4_LANDSCAPE[0]  # (A3 remains available when asked for explicitly)


def test_wrap_text_rules():
    m = metrics(FONT)
    # CJK wraps anywhere, Latin words are kept whole, no line starts with "，"
    lines = wrap_text("甲乙丙丁，戊己庚辛壬癸", 4.0, m)
    assert all(not s.startswith("，") for s in lines)
    assert "".join(lines) == "甲乙丙丁，戊己庚辛壬癸"
    lines = wrap_text("病 hospital insurance", 6.0, m)
    assert "hospital" in lines or any(s.endswith("hospital") for s in lines)
    assert wrap_text("一\n二", 10, m) == ["一", "二"]
    assert wrap_text("", 10, m) == [""]


def test_wrap_text_never_exceeds_and_fills_lines():
    import random

    m = metrics(FONT)
    rnd = random.Random(7)
    alphabet = "乡村振兴脱贫户监测帮扶0123456789abcXYZ ，。（）、%-"
    for _ in range(300):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 80)))
        avail = rnd.uniform(2.5, 30.0)
        lines = wrap_text(text, avail, m)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert m.width(line) <= avail + 1e-9, (text, avail, line)
    # Pure CJK: greedy lines hold exactly as many 1-em glyphs as fit.
    lines = wrap_text("乡" * 50, 7.5, m)
    assert [len(s) for s in lines] == [7] * 7 + [1]


def test_oversized_row_is_split_not_cut(tmp_path):
    huge = "很长的备注内容" * 700
    spec = LedgerSpec("超长备注", COLUMNS, [["1", "青石村", "张三丰", "522722198001010000", "0.00",
                                           huge], ["2", "青石村", "李四", "", "", "短"]])
    lay = layout_ledger(spec)
    pieces = [p for page in lay.pages for p in page if isinstance(p, tuple)]
    assert len(pieces) >= 2
    covered = sorted((lo, hi) for _, lo, hi in pieces)
    assert covered[0][0] == 0 and covered[-1][1] == lay.nlines[0]
    path = tmp_path / "huge.pdf"
    pages = render_ledger(spec, path)
    text = pdfcheck.extract_text(path).replace("\n", "")
    assert text.count("很长的备注内容") >= 690 and "李四" in text and pages == lay.page_count


def test_empty_ledger_renders_one_page(tmp_path):
    path = tmp_path / "empty.pdf"
    assert render_ledger(LedgerSpec("空台账", COLUMNS, [], totals=None), path) == 1
    text = pdfcheck.extract_text(path)
    assert "无记录" in text and "第 1 页 共 1 页" in text


def test_progress_and_cancel(tmp_path):
    seen = []
    path = tmp_path / "p.pdf"
    n = render_ledger(_spec(400), path, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (n, n) and all(t == n for _, t in seen) and len(seen) > 1

    target = tmp_path / "cancelled.pdf"
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(RenderCancelled):
        render_ledger(_spec(400), target, cancel=cancel)
    assert not target.exists()
    assert list(tmp_path.glob("*.part")) == []


def test_file_object_output(tmp_path):
    import io

    buf = io.BytesIO()
    pages = render_ledger(_spec(10), buf)
    assert buf.getvalue().startswith(b"%PDF") and pages == 1


def test_new_canvas_never_references_helvetica(tmp_path):
    register_fonts()
    path = tmp_path / "c.pdf"
    c = new_canvas(str(path), A4_LANDSCAPE)
    c.setFont(FONT, 10)
    c.drawString(50, 50, "乡村振兴")
    c.showPage()
    c.showPage()  # an empty page must not pull in the initial font either
    c.save()
    assert [n for n, _, _ in pdfcheck.pdf_fonts(path) if "Helvetica" in n] == []
    assert pdfcheck.all_fonts_embedded(path)


@pytest.mark.parametrize("embedded", [True, False])
def test_pdfcheck_walks_type0_descendants_and_forms(tmp_path, embedded):
    from pypdf import PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                               NumberObject)

    w = PdfWriter()
    page = w.add_blank_page(200, 200)
    desc = DictionaryObject({NameObject("/Type"): NameObject("/FontDescriptor"),
                             NameObject("/FontName"): NameObject("/SimSun"),
                             NameObject("/Flags"): NumberObject(4)})
    if embedded:
        ff = DecodedStreamObject()
        ff.set_data(b"\0" * 16)
        desc[NameObject("/FontFile2")] = w._add_object(ff)
    cid = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                            NameObject("/Subtype"): NameObject("/CIDFontType2"),
                            NameObject("/BaseFont"): NameObject("/SimSun"),
                            NameObject("/FontDescriptor"): w._add_object(desc)})
    type0 = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                              NameObject("/Subtype"): NameObject("/Type0"),
                              NameObject("/BaseFont"): NameObject("/SimSun"),
                              NameObject("/Encoding"): NameObject("/Identity-H"),
                              NameObject("/DescendantFonts"): ArrayObject([w._add_object(cid)])})
    # the font is only reachable through a form XObject on the page
    form = DecodedStreamObject()
    form.set_data(b"BT /F1 12 Tf (a) Tj ET")
    form.update({NameObject("/Type"): NameObject("/XObject"),
                 NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([NumberObject(0)] * 2 + [NumberObject(200)] * 2),
                 NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
                     {NameObject("/F1"): w._add_object(type0)})})})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/X1"): w._add_object(form)})})
    path = tmp_path / "t0.pdf"
    with open(path, "wb") as fh:
        w.write(fh)
    assert pdfcheck.pdf_fonts(path) == [("SimSun", "Type0", embedded)]
    assert pdfcheck.all_fonts_embedded(path) is embedded
