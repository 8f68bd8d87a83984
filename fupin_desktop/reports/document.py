"""Builder for short multi-section documents (一户一档 household file, notices, summaries).

A4 portrait, platypus for flow, the bundled CJK font everywhere (DESIGN.md §5), "第 X 页 共 Y 页"
on every page (the cover too: archive 页数 counts every page that has writing).

Usage::

    doc = DocumentBuilder("一户一档", unit="青石镇乡村振兴办公室")
    doc.cover("脱贫户家庭档案", [("户编号", "5227..."), ("户主", "张三")], date_text="2024年12月")
    doc.section("一、家庭基本情况").kv([("户主", "张三"), ("人口数", "4")], cols=2)
    doc.section("二、家庭成员").table([Column("name", "姓名", 1)], [["张三"]])
    pages = doc.build("out.pdf")

Tables reuse the ledger's measuring, wrapping and column fitting (a small custom flowable, not
platypus Table): the same look as the ledgers, header repeated after page breaks, and cheap
enough to render thousands of household files in one archive build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from xml.sax.saxutils import escape

from fupin_desktop.formats.fonts import (FAKE_BOLD_STROKE, FONT, FONT_MONO, metrics,
                                         register_fonts, wrap_text)
from fupin_desktop.reports.ledger import MM, Column, fit_columns, text_encoder, write_output

A4 = (595.2755905511812, 841.8897637795277)
BODY_SIZE = 10.5  # 五号
MARGINS = (20 * MM, 18 * MM, 20 * MM, 18 * MM)  # top, right, bottom, left


@lru_cache(maxsize=1)
def _styles():
    """ParagraphStyles, created once per process (thousands of documents reuse them)."""
    register_fonts()
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("fp_body", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.6,
                          wordWrap="CJK", firstLineIndent=2 * BODY_SIZE, spaceAfter=4,
                          bulletFontName=FONT)  # the default bullet font is Helvetica
    plain = ParagraphStyle("fp_plain", parent=body, firstLineIndent=0, spaceAfter=0,
                           leading=BODY_SIZE * 1.35)
    return {"body": body, "plain": plain}


def _para_text(text: str) -> str:
    return escape(text or "").replace("\n", "<br/>")


def _encoders(canvas, font: str, size: float):
    """The ledger's text encoder for ``font`` at ``size`` in this canvas's document (its
    subsets are the document's), made once per document."""
    cache = canvas.__dict__.setdefault("_fupin_encoders", {})
    enc = cache.get((font, size))
    if enc is None:
        enc = cache[(font, size)] = text_encoder(font, size, canvas._doc)
    return enc


def _flowables():
    """Flowable classes, defined lazily so importing this module does not import ReportLab."""
    from reportlab.platypus import Flowable

    class Grid(Flowable):
        """A ruled grid of text cells drawn like the ledger (wrapping, thin lines).

        ``rows`` are lists of cell strings; ``header`` (optional) repeats after a page break;
        ``shade`` marks cells drawn on a light grey background (kv labels).
        """

        def __init__(self, columns, rows, header=True, shade=None, spans=None, bold_rows=()):
            super().__init__()
            self.columns = list(columns)
            self.rows = [list(r) for r in rows]
            self.header = header
            self.shade = shade or (lambda i, j: False)
            self.spans = spans or {}  # row index -> (first col, last col) merged cell
            self.bold_rows = set(bold_rows)
            self.fs = BODY_SIZE - 1.5
            self.fixed_widths = None
            self._laid = None

        # -- layout
        def _layout(self, aw):
            if self._laid and self._laid[0] == aw:
                return self._laid
            fs, cols = self.fs, self.columns
            pad = fs * 0.45
            reg = metrics(FONT)
            ms = [metrics(FONT_MONO) if c.mono else reg for c in cols]
            if self.fixed_widths is None:  # a continuation keeps its parent's columns
                self.fixed_widths = self._fit_widths(aw, ms, fs, pad)
            widths = self.fixed_widths
            xs = [0.0]
            for w in widths:
                xs.append(xs[-1] + w)
            return self._wrap_all(aw, xs, widths, pad, ms, fs)

        def _fit_widths(self, aw, ms, fs, pad):
            cols = self.columns
            natural = [metrics(FONT).width(c.title) if self.header else 0.0 for c in cols]
            for i, r in enumerate(self.rows):
                if i not in self.spans:  # a merged cell says nothing about its column
                    for j, s in enumerate(r):
                        natural[j] = max(natural[j], max(ms[j].width(p) for p in s.split("\n")))
            weights = [c.width_weight for c in cols]
            mins = [max((c.min_width_mm or 0) * MM,
                        (min(natural[j], 3.0) if c.wrap else natural[j]) * fs + 2 * pad + 0.5)
                    for j, c in enumerate(cols)]
            maxs = [n * fs + 2 * pad + 0.5 for n in natural]
            widths = fit_columns(weights, mins, maxs, aw)
            if widths is None:  # too narrow even for the minimums: wrap everything
                widths = fit_columns(weights, [fs + 2 * pad] * len(cols), maxs, aw)
            return widths or [aw / len(cols)] * len(cols)

        def _wrap_all(self, aw, xs, widths, pad, ms, fs):
            cols = self.columns

            def wrap_row(cells, i=None):
                span = self.spans.get(i)
                out = []
                for j, s in enumerate(cells):
                    if span and span[0] < j <= span[1]:
                        out.append([])
                        continue
                    w = (xs[span[1] + 1] - xs[j]) if span and j == span[0] else widths[j]
                    out.append(wrap_text(s, (w - 2 * pad) / fs, ms[j]))
                return out

            head = wrap_row([c.title for c in cols]) if self.header else None
            body = [wrap_row(r, i) for i, r in enumerate(self.rows)]
            lead = fs * 1.35
            vpad = fs * 0.35

            def height(lines):
                return max(len(x) for x in lines) * lead + 2 * vpad

            self._laid = (aw, xs, pad, lead, vpad, head, body,
                          height(head) if head else 0.0, [height(b) for b in body])
            return self._laid

        def wrap(self, aw, ah):
            laid = self._layout(aw)
            self.width = aw
            self.height = laid[7] + sum(laid[8])
            return aw, self.height

        def split(self, aw, ah):
            _, xs, pad, lead, vpad, head, body, hh, heights = self._layout(aw)
            used, k = hh, 0
            while k < len(body) and used + heights[k] <= ah:
                used += heights[k]
                k += 1
            if k == len(self.rows):
                return [self]
            if k == 0:
                frame_h = A4[1] - MARGINS[0] - MARGINS[2]
                n = int((ah - hh - 2 * vpad) // lead)
                if hh + heights[0] <= frame_h or n < 1:
                    return []  # the row fits on a fresh page: move the grid there
                # A row taller than a whole page: split its lines (the only split row).
                first = ["\n".join(c[:n]) for c in body[0]]
                rest = ["\n".join(c[n:]) for c in body[0]]
                return [self._clone([first], 0), self._clone([rest] + self.rows[1:], 0)]
            return [self._clone(self.rows[:k], 0), self._clone(self.rows[k:], k)]

        def _clone(self, rows, base):
            """A grid of ``rows`` whose first row was row ``base`` of this one."""
            last = base + len(rows)
            g = Grid(self.columns, rows, self.header,
                     (lambda i, j, f=self.shade: f(i + base, j)),
                     {i - base: v for i, v in self.spans.items() if base <= i < last},
                     {i - base for i in self.bold_rows if base <= i < last})
            g.fs = self.fs
            g.fixed_widths = self.fixed_widths
            return g

        # -- drawing
        def draw(self):
            c = self.canv
            _, xs, pad, lead, vpad, head, body, hh, heights = self._laid
            fs = self.fs
            reg = metrics(FONT)
            base_off = (lead - (reg.ascent + reg.descent) * fs) / 2 + reg.ascent * fs
            aligns = [c_.align for c_ in self.columns]
            fonts = [FONT_MONO if c_.mono else FONT for c_ in self.columns]
            top, w_total = self.height, xs[-1]
            # (lines, y_top, rh, shaded(j), bold, align override) per row, header first
            rows = [(head, top, hh, lambda j: True, True, "center")] if head else []
            y = top - hh
            for i, (lines, rh) in enumerate(zip(body, heights)):
                rows.append((lines, y, rh, lambda j, i=i: self.shade(i, j),
                             i in self.bold_rows, None))
                y -= rh
            grid = []  # every rule, stroked last so no background covers it
            encs = [_encoders(c, f, fs) for f in fonts]
            ms = [metrics(f) for f in fonts]
            text, tr = [f"{fs * FAKE_BOLD_STROKE:.3f} w", "0 Tr", f"{fs * 1.2:.2f} TL"], 0
            c.saveState()
            for pass_ in ("fill", "text"):
                for lines_row, y_top, rh, shaded, bold, align in rows:
                    n = len(lines_row)
                    for j, lines in enumerate(lines_row):
                        if not lines:  # covered by a merged cell to its left
                            continue
                        k = j + 1
                        while k < n and not lines_row[k]:
                            k += 1
                        left, right = xs[j], xs[k]
                        if pass_ == "fill":
                            if shaded(j):
                                c.setFillGray(0.88 if align else 0.92)
                                c.rect(left, y_top - rh, right - left, rh, stroke=0, fill=1)
                            if k < n:
                                grid.append((right, y_top, right, y_top - rh))
                            continue
                        a = align or aligns[j]
                        mode = 2 if bold or shaded(j) else 0
                        if mode != tr:
                            text.append(f"{mode} Tr")
                            tr = mode
                        enc, m = encs[j], ms[j]
                        ty = y_top - (rh - len(lines) * lead) / 2 - base_off
                        for s in lines:
                            if s:
                                if a == "right":
                                    x = right - pad - m.width(s) * fs
                                elif a == "center":
                                    x = (left + right - m.width(s) * fs) / 2
                                else:
                                    x = left + pad
                                # a text object per line ending with T*, as drawString
                                # wrote it: text extraction keeps wrapped lines apart
                                text.append(f"BT 1 0 0 1 {x:.2f} {ty:.2f} Tm {enc(s)} T* ET")
                            ty -= lead
                    if pass_ == "fill" and y_top - rh > 0.01:
                        grid.append((0, y_top - rh, w_total, y_top - rh))
                c.setFillGray(0)
            # the text as raw operators: drawString per line cost a third of a household
            # file's rendering (a text object, a font lookup and a width each time)
            c.addLiteral("\n".join(text))
            c.setLineWidth(0.4)
            c.lines(grid)
            c.setLineWidth(0.8)
            c.rect(0, 0, w_total, top, stroke=1, fill=0)
            c.restoreState()

    class Heading(Flowable):
        """Fake-bold heading: a section title with a rule under it, or the centred cover title."""

        def __init__(self, text, size=BODY_SIZE + 3, center=False, rule=True):
            super().__init__()
            self.text, self.size, self.center, self.rule = text, size, center, rule
            self.spaceBefore, self.spaceAfter = size * 0.8, size * 0.4

        def wrap(self, aw, ah):
            self.lines = wrap_text(self.text, aw / self.size, metrics(FONT))
            self.width, self.height = aw, len(self.lines) * self.size * 1.4 + 4
            return self.width, self.height

        def draw(self):
            c = self.canv
            c.saveState()
            c.setFont(FONT, self.size)
            c.setLineWidth(self.size * FAKE_BOLD_STROKE)
            y = self.height - self.size * 1.1
            for line in self.lines:
                if self.center:
                    c.drawCentredString(self.width / 2, y, line, mode=2)
                else:
                    c.drawString(0, y, line, mode=2)
                y -= self.size * 1.4
            if self.rule:
                c.setLineWidth(0.6)
                c.line(0, 1, self.width, 1)
            c.restoreState()

    return Grid, Heading


_FLOWABLES = None


def _fl():
    global _FLOWABLES
    if _FLOWABLES is None:
        _FLOWABLES = _flowables()
    return _FLOWABLES


class DocumentBuilder:
    """Collects content, then ``build(out)`` writes an A4 portrait PDF and returns its pages."""

    def __init__(self, title: str, *, unit: str = "", header_text: str | None = None,
                 author: str = ""):
        register_fonts()
        self.title = title
        self.unit = unit
        self.header_text = title if header_text is None else header_text
        self.author = author or unit
        self._story: list = []
        self._has_cover = False

    # -- content
    def cover(self, title: str | None = None, lines: Sequence[tuple[str, str]] = (),
              date_text: str = "", subtitle: str = "", unit: str | None = None):
        """Cover page: big title, key lines (label, value) on rules, unit and date at foot."""
        from reportlab.platypus import PageBreak, Spacer, Table, TableStyle

        self._has_cover = True
        big = _cover_styles()
        s = self._story
        s.append(Spacer(1, 55 * MM))
        s.append(_fl()[1](title or self.title, size=26, center=True, rule=False))
        if subtitle:
            s.append(_P(subtitle, big["subtitle"]))
        s.append(Spacer(1, 30 * MM))
        if lines:
            data = [[_P(f"{k}：", big["label"]), _P(v, big["value"])] for k, v in lines]
            t = Table(data, colWidths=[38 * MM, 80 * MM], hAlign="CENTER")
            t.setStyle(TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # Table's default is Helvetica
                ("LINEBELOW", (1, 0), (1, -1), 0.6, (0, 0, 0)),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]))
            s.append(t)
        s.append(Spacer(1, 40 * MM))
        unit = self.unit if unit is None else unit
        if unit:
            s.append(_P(unit, big["foot"]))
        if date_text:
            s.append(_P(date_text, big["foot"]))
        s.append(PageBreak())
        return self

    def section(self, title: str):
        from reportlab.platypus import CondPageBreak

        # A heading must not end a page: start a new page when less than ~4 lines remain.
        # (keepWithNext would drag a whole long table to the next page and leave a gap.)
        self._story.append(CondPageBreak(BODY_SIZE * 9))
        self._story.append(_fl()[1](title))
        return self

    def paragraph(self, text: str, indent: bool = True):
        st = _styles()
        self._story.append(_P(text, st["body"] if indent else st["plain"]))
        return self

    def kv(self, pairs: Sequence[tuple], cols: int = 2):
        """Label/value grid, ``cols`` pairs per row. A pair may be ``(label, value, True)`` to
        take a whole row (addresses, reasons: long text)."""
        Grid, _ = _fl()
        from reportlab.platypus import Spacer

        columns = []
        for _ in range(cols):
            columns += [Column("k", "", 0.9, "center", min_width_mm=18),
                        Column("v", "", 2.0, "left")]
        rows, spans, cur = [], {}, []
        for item in pairs:
            label, value = item[0], "" if item[1] is None else str(item[1])
            if len(item) > 2 and item[2]:
                if cur:
                    rows.append(cur + [""] * (2 * cols - len(cur)))
                    if len(cur) < 2 * cols:
                        spans[len(rows) - 1] = (len(cur) - 1, 2 * cols - 1)
                    cur = []
                rows.append([label, value] + [""] * (2 * cols - 2))
                if cols > 1:
                    spans[len(rows) - 1] = (1, 2 * cols - 1)
                continue
            cur += [label, value]
            if len(cur) == 2 * cols:
                rows.append(cur)
                cur = []
        if cur:
            rows.append(cur + [""] * (2 * cols - len(cur)))
            if len(cur) < 2 * cols:
                spans[len(rows) - 1] = (len(cur) - 1, 2 * cols - 1)
        self._story.append(Grid(columns, rows, header=False, shade=lambda i, j: j % 2 == 0,
                                spans=spans))
        self._story.append(Spacer(1, 4))
        return self

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[str]],
              totals: Sequence[str] | None = None):
        """Ruled table with a header row (repeated when it continues on the next page)."""
        Grid, _ = _fl()
        from reportlab.platypus import Spacer

        body = [["" if v is None else str(v) for v in r] for r in rows]
        bold = ()
        if totals is not None:
            body.append(["" if v is None else str(v) for v in totals])
            bold = (len(body) - 1,)
        self._story.append(Grid(columns, body, header=True, bold_rows=bold))
        self._story.append(Spacer(1, 4))
        return self

    def spacer(self, height_mm: float = 5):
        from reportlab.platypus import Spacer

        self._story.append(Spacer(1, height_mm * MM))
        return self

    def page_break(self):
        from reportlab.platypus import PageBreak

        self._story.append(PageBreak())
        return self

    # -- output
    def build(self, out, on_page: Callable[[object, int, int], None] | None = None) -> int:
        """Write the PDF to ``out`` (path or binary file). Returns the page count.

        ``on_page(canvas, page_no, total)`` may draw on each finished page (e.g. an 归档章
        stamp on page 1); it runs with the total page count known.
        """
        return write_output(out, lambda target: self._build(target, on_page))

    def _build(self, out, on_page) -> int:
        from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

        top, right, bottom, left = MARGINS
        W, H = A4
        frame = Frame(left, bottom, W - left - right, H - top - bottom, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        header = self.header_text
        cover = self._has_cover

        def decorate(canv, doc):
            if header and not (cover and canv.getPageNumber() == 1):
                canv.saveState()
                canv.setFont(FONT, 8)
                canv.setFillGray(0.35)
                canv.drawRightString(W - right, H - top + 10, header)
                canv.setLineWidth(0.4)
                canv.setStrokeGray(0.5)
                canv.line(left, H - top + 6, W - right, H - top + 6)
                canv.restoreState()

        doc = BaseDocTemplate(out, pagesize=A4, title=self.title, author=self.author,
                              creator="fupin_desktop", subject=self.title, initialFontName=FONT,
                              pageCompression=1, invariant=0,
                              leftMargin=left, rightMargin=right, topMargin=top,
                              bottomMargin=bottom)
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decorate)])
        counter = {"pages": 0}
        doc.build(list(self._story), canvasmaker=_numbered_canvas(bottom, on_page, counter))
        return counter["pages"]


def _P(text, style):
    from reportlab.platypus import Paragraph

    return Paragraph(_para_text(text), style)


@lru_cache(maxsize=1)
def _cover_styles():
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    base = _styles()["plain"]
    return {
        "subtitle": ParagraphStyle("fp_cs", parent=base, fontSize=14, leading=22,
                                   alignment=TA_CENTER, spaceBefore=6),
        "label": ParagraphStyle("fp_cl", parent=base, fontSize=14, leading=20, alignment=2),
        "value": ParagraphStyle("fp_cv", parent=base, fontSize=14, leading=20),
        "foot": ParagraphStyle("fp_cf", parent=base, fontSize=14, leading=24,
                               alignment=TA_CENTER),
    }


def _numbered_canvas(bottom: float, on_page, counter):
    """Canvas class that holds pages back until save(), then stamps 第 X 页 共 Y 页.

    The standard ReportLab recipe: showPage() stores the page state instead of emitting it, so
    the total is known when the footers are drawn.
    """
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            counter["pages"] = total
            for n, state in enumerate(self._held, 1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 9)
                self.setFillGray(0)
                self.drawCentredString(self._pagesize[0] / 2, bottom - 8 * MM,
                                       f"第 {n} 页 共 {total} 页")
                self.restoreState()
                if on_page is not None:
                    on_page(self, n, total)
                super().showPage()
            super().save()

    return NumberedCanvas
