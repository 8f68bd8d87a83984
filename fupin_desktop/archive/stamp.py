"""归档章 (archival stamp) on the first page of an item (DA/T 22-2015 §5.4 and 附录 A).

45×16 mm, 2 rows × 3 cells of 15×8 mm, red:
    全宗号 | 年度     | 件号
    机构(问题) | 保管期限 | 页数
The cells carry the values (as a clerk fills a rubber stamp), not the field names. This program's
机构(问题) is the 类别 name (识别类 …); 保管期限 uses the 简称 永久 / 30年 / 10年.

How: ReportLab draws the stamp on a transparent page of the target page's displayed size; that
page becomes a Form XObject painted over page 1 (so the item's own content is untouched, and a
/Rotate'd page still gets the stamp at its *displayed* top right).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from fupin_desktop.domain.archive_terms import (  # noqa: F401  (the stamp's geometry lives there)
    RETENTION_LABELS, RIGHT_MM, STAMP_H_MM, STAMP_W_MM, TOP_MM)

MM = 72 / 25.4
RED = (0.86, 0.0, 0.0)
LINE_W = 0.7  # pt
FONT_SIZE = 9.0  # shrinks to fit long values (e.g. 贫困户类)


@dataclass(frozen=True)
class StampFields:
    fonds_no: str  # 全宗号
    year: int  # 年度
    item_no: int  # 件号
    org: str  # 机构(问题): the 类别 name here
    retention: str  # 保管期限 code (Y / D30 / D10)
    pages: int = 0  # 页数: always replaced by the real page count when stamping

    def cells(self) -> list[list[str]]:
        return [[self.fonds_no, str(self.year), f"{self.item_no:04d}"],
                [self.org, RETENTION_LABELS.get(self.retention, self.retention), str(self.pages)]]


def stamp_rect(page_w: float, page_h: float, top_mm: float = TOP_MM, right_mm: float = RIGHT_MM
               ) -> tuple[float, float, float, float]:
    """(x, y, w, h) in points of the stamp on a displayed page of ``page_w``×``page_h`` pt."""
    w, h = STAMP_W_MM * MM, STAMP_H_MM * MM
    return page_w - right_mm * MM - w, page_h - top_mm * MM - h, w, h


def render_overlay(page_w: float, page_h: float, fields: StampFields, *, top_mm: float = TOP_MM,
                   right_mm: float = RIGHT_MM) -> bytes:
    """A one-page PDF the size of the displayed target page with only the stamp on it."""
    from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
    from reportlab.pdfgen.canvas import Canvas

    from fupin_desktop.archive._font import cjk_font

    font = cjk_font()
    buf = io.BytesIO()
    # invariant: no timestamps or random /ID, so the same stamp gives the same bytes
    c = Canvas(buf, pagesize=(page_w, page_h), invariant=1, initialFontName=font,
               initialFontSize=FONT_SIZE)
    # ReportLab puts all of ASCII into every font subset unless told otherwise for this
    # document; the stamp uses ~15 glyphs, so this cuts the subset embedded in every item from
    # ~17 KB to ~5 KB and the rendering time by a quarter. (Per document: the shared font
    # object and everyone else's PDFs are untouched.)
    assign = getattr(getFont(font), "_assignState", None)
    if assign is not None:
        assign(c._doc, asciiReadable=False)
    x, y, w, h = stamp_rect(page_w, page_h, top_mm, right_mm)
    cw, ch = w / 3, h / 2
    c.setStrokeColorRGB(*RED)
    c.setFillColorRGB(*RED)
    c.setLineWidth(LINE_W)
    c.rect(x, y, w, h, stroke=1, fill=0)
    c.line(x, y + ch, x + w, y + ch)
    c.line(x + cw, y, x + cw, y + h)
    c.line(x + 2 * cw, y, x + 2 * cw, y + h)
    for row, values in enumerate(fields.cells()):
        cy = y + h - (row + 1) * ch
        for col, text in enumerate(values):
            size = FONT_SIZE
            width = stringWidth(text, font, size)
            if width > cw - 2:  # shrink to fit the 15 mm cell with 1 pt padding each side
                size = size * (cw - 2) / width
                width = stringWidth(text, font, size)
            c.setFont(font, size)
            # baseline: centre the CJK em box (≈ 0.8 above / 0.2 below the baseline) in the cell
            c.drawString(x + col * cw + (cw - width) / 2, cy + (ch - size) / 2 + 0.2 * size, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _displayed_box(page) -> tuple[float, float, float, float, int]:
    """(x0, y0, x1, y1, rotate) of the visible area (CropBox, else MediaBox)."""
    import pikepdf

    r = pikepdf.Rectangle(page.cropbox)
    rot = int(page.obj.get("/Rotate", 0)) % 360
    if rot not in (0, 90, 180, 270):
        rot = 0
    return r.llx, r.lly, r.urx, r.ury, rot


def _placement_matrix(x0: float, y0: float, x1: float, y1: float, rot: int) -> tuple:
    """cm mapping displayed-page coordinates (origin bottom left as seen) to user space."""
    return {
        0: (1, 0, 0, 1, x0, y0),
        90: (0, 1, -1, 0, x1, y0),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, -1, 1, 0, x0, y1),
    }[rot]


def apply_stamp(pdf, fields: StampFields, *, top_mm: float = TOP_MM, right_mm: float = RIGHT_MM,
                keep_alive: list | None = None) -> StampFields:
    """Stamp page 1 of the open pikepdf ``pdf`` in place; return the fields actually stamped
    (``pages`` = the PDF's real page count).

    qpdf copies stream data from the overlay lazily, so the overlay document must outlive the
    save of ``pdf``: pass a list as ``keep_alive`` to hold it (or keep the return of this call
    and save before the list is dropped).
    """
    import pikepdf

    if len(pdf.pages) == 0:
        raise ValueError("PDF has no pages")
    fields = replace(fields, pages=len(pdf.pages))
    page = pdf.pages[0]
    x0, y0, x1, y1, rot = _displayed_box(page)
    dw, dh = (x1 - x0, y1 - y0) if rot in (0, 180) else (y1 - y0, x1 - x0)
    overlay = pikepdf.open(io.BytesIO(render_overlay(dw, dh, fields, top_mm=top_mm,
                                                     right_mm=right_mm)))
    if keep_alive is not None:
        keep_alive.append(overlay)
    form = pdf.copy_foreign(overlay.pages[0].as_form_xobject())
    name = _add_xobject(pdf, page, form)
    m = " ".join(_num(v) for v in _placement_matrix(x0, y0, x1, y1, rot))
    # Wrap the existing content in q/Q so a CTM or colour it leaves behind cannot move the stamp.
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, f"Q\nq {m} cm {name} Do Q\n".encode()))
    return fields


def _add_xobject(pdf, page, form) -> str:
    """Add ``form`` to page 1's own resources under a deterministic unused name.

    (pikepdf's add_resource picks a random name, which would break byte-identical rebuilds;
    and resources shared with other pages are copied first so only page 1 gains the stamp.)
    """
    import pikepdf

    res = page.obj.get("/Resources")
    res = pikepdf.Dictionary() if res is None else pikepdf.Dictionary(
        {k: v for k, v in res.items()})
    xobj = res.get("/XObject")
    xobj = pikepdf.Dictionary() if xobj is None else pikepdf.Dictionary(
        {k: v for k, v in xobj.items()})
    used = {str(k) for sub in res.values() if isinstance(sub, pikepdf.Dictionary) for k in sub.keys()}
    n = 0
    while f"/FxArch{n}" in used:
        n += 1
    name = f"/FxArch{n}"
    xobj[name] = form
    res["/XObject"] = xobj
    page.obj["/Resources"] = res
    return name


def _num(v: float) -> str:
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def stamp_pdf(data: bytes, fields: StampFields, **placement) -> tuple[bytes, StampFields]:
    """Convenience: stamp PDF bytes, return (new bytes, fields with the real 页数)."""
    import pikepdf

    keep: list = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fields = apply_stamp(pdf, fields, keep_alive=keep, **placement)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue(), fields
