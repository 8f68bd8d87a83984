"""归档章: 45×16 mm, top right of page 1, red, 页数 from the real page count."""

from __future__ import annotations

import io
import shutil
import subprocess

import pikepdf
import pytest

from fupin_desktop.archive.demo import render_demo_pdf
from fupin_desktop.archive.stamp import MM, RED, StampFields, stamp_pdf

W_PT, H_PT = 45 * MM, 16 * MM  # 127.56 × 45.35
FIELDS = StampFields("Z012", 2025, 7, "识别类", "Y", pages=99)


def _mul(a, b):
    """Compose PDF matrices: a then b (row-vector convention, as cm works)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m, x, y):
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def drawn_rects(page_or_form, resources, ctm=(1, 0, 0, 1, 0, 0), colour=None, out=None):
    """Every ``re`` in page coordinates, following q/Q, cm and Form XObjects (Do)."""
    out = [] if out is None else out
    stack = []
    stroke = colour
    for operands, op in pikepdf.parse_content_stream(page_or_form):
        op = str(op)
        if op == "q":
            stack.append((ctm, stroke))
        elif op == "Q":
            ctm, stroke = stack.pop()
        elif op == "cm":
            ctm = _mul(tuple(float(v) for v in operands), ctm)
        elif op == "RG":
            stroke = tuple(float(v) for v in operands)
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            xs, ys = zip(*(_apply(ctm, px, py) for px, py in ((x, y), (x + w, y + h))))
            out.append((min(xs), min(ys), max(xs), max(ys), stroke))
        elif op == "Do":
            xobj = resources.XObject[operands[0]]
            if xobj.get("/Subtype") == pikepdf.Name.Form:
                m = tuple(float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                drawn_rects(xobj, xobj.get("/Resources", resources), _mul(m, ctm), stroke, out)
    return out


def stamp_rect_of(data):
    pdf = pikepdf.open(io.BytesIO(data))
    page = pdf.pages[0]
    size = sorted((W_PT, H_PT))  # either orientation: a /Rotate'd page has it turned
    rects = [r for r in drawn_rects(page, page.Resources)
             if all(abs(a - b) < 0.5 for a, b in zip(sorted((r[2] - r[0], r[3] - r[1])), size))]
    assert len(rects) == 1, rects
    return rects[0], pikepdf.Rectangle(page.mediabox), pdf


def test_stamp_is_45x16mm_at_top_right_in_red_with_real_page_count():
    out, fields = stamp_pdf(render_demo_pdf("测试文件", pages=3), FIELDS)
    assert fields.pages == 3  # 99 was ignored: the real count wins
    (x0, y0, x1, y1, colour), box, pdf = stamp_rect_of(out)
    assert abs((x1 - x0) - 127.56) < 0.5 and abs((y1 - y0) - 45.35) < 0.5
    assert abs(box.urx - x1 - 10 * MM) < 0.5  # 10 mm from the right edge
    assert abs(box.ury - y1 - 10 * MM) < 0.5  # 10 mm from the top edge (DA/T 22-2015)
    assert colour == pytest.approx(RED)
    assert len(pdf.pages) == 3
    # only page 1 is stamped
    assert not [r for r in drawn_rects(pdf.pages[1], pdf.pages[1].Resources)
                if abs((r[2] - r[0]) - W_PT) < 0.5]


def test_landscape_page_gets_stamp_in_its_top_right():
    out, _ = stamp_pdf(render_demo_pdf("台账", pages=1, landscape=True), FIELDS)
    (x0, y0, x1, y1, _), box, _ = stamp_rect_of(out)
    assert box.urx > box.ury  # landscape
    assert abs(box.urx - x1 - 10 * MM) < 0.5 and abs(box.ury - y1 - 10 * MM) < 0.5


def test_rotated_page_gets_stamp_at_displayed_top_right():
    src = pikepdf.open(io.BytesIO(render_demo_pdf("旋转", pages=1)))
    src.pages[0].Rotate = 90  # portrait media shown as landscape
    buf = io.BytesIO()
    src.save(buf)
    out, _ = stamp_pdf(buf.getvalue(), FIELDS)
    (x0, y0, x1, y1, _), box, _ = stamp_rect_of(out)
    # /Rotate 90 shows the page turned clockwise: the media box's left edge becomes the
    # displayed top and its top edge the displayed right, so in user space the stamp is
    # 16 wide × 45 tall near the top-left corner.
    assert abs((x1 - x0) - H_PT) < 0.5 and abs((y1 - y0) - W_PT) < 0.5
    assert abs(x0 - box.llx - 10 * MM) < 0.5  # 10 mm from the displayed top
    assert abs(box.ury - y1 - 10 * MM) < 0.5  # 10 mm from the displayed right


def test_stamp_is_deterministic_and_keeps_existing_content():
    src = render_demo_pdf("确定性", pages=2)
    a, _ = stamp_pdf(src, FIELDS)
    b, _ = stamp_pdf(src, FIELDS)
    assert a == b
    pdf = pikepdf.open(io.BytesIO(a))
    page = pdf.pages[0]
    names = list(page.Resources.XObject.keys())
    assert names == ["/FxArch0"]
    assert "/Font" in page.Resources  # the page's own resources are still there


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_stamp_text_is_extractable_chinese(tmp_path):
    out, _ = stamp_pdf(render_demo_pdf("文本", pages=2), StampFields("Z012", 2025, 12, "贫困户类", "D30"))
    p = tmp_path / "s.pdf"
    p.write_bytes(out)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(p), "-"],
                          capture_output=True, text=True, check=True).stdout
    for value in ("Z012", "2025", "0012", "贫困户类", "30年"):
        assert value in text
