"""Fast ledger (台账) PDF engine: a titled grid with a header row repeated on every page.

Why not platypus LongTable: it builds an object per cell and re-measures on every page split
(~23 pages/s). Ledgers reach 40,000 rows, so this module does its own two-pass layout:

1. ``layout_ledger`` measures every cell once (per-character width cache), picks A4 or A3
   landscape, fixes column widths, wraps over-wide cells and paginates. The page count is known
   before anything is drawn, so "第 X 页 共 Y 页" needs no second rendering pass.
2. ``render_ledger`` writes each page's content stream as one string of raw PDF operators
   (text via the font's own subset encoder, grid as one stroked path) into a ReportLab canvas,
   which still handles fonts (subset embedding, ToUnicode), compression and the file.

Layout follows DESIGN.md §5: title, 编制单位 and date on every page (like Excel's repeated top
rows), header row on every page, 第 X 页 共 Y 页, totals row and 制表人/审核人/日期 on the last page.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from fupin_desktop.formats.fonts import (FAKE_BOLD_STROKE, FONT, FONT_MONO, Metrics, metrics,
                                         new_canvas, wrap_text)
from fupin_desktop.formats.pdf_pages import compress_last_page

MM = 72.0 / 25.4
A4_LANDSCAPE = (841.8897637795277, 595.2755905511812)
A3_LANDSCAPE = (1190.551181102362, 841.8897637795277)
_SIZES = {"A4": A4_LANDSCAPE, "A3": A3_LANDSCAPE}
#: A wide ledger's type may shrink to this before its numbers and dates are wrapped.
SHRINK_MIN_PT = 7.0
_ALIGN = {"left": 0, "center": 1, "right": 2}


class RenderCancelled(Exception):
    """The caller's ``cancel()`` returned True; nothing was written to the output path."""


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width_weight: float = 1.0
    align: str = "left"  # 'left' | 'right' | 'center'
    wrap: bool = True  # False: the column is made wide enough for its longest value
    mono: bool = False  # monospaced face, for ID / bank / phone numbers
    min_width_mm: float | None = None


@dataclass
class LedgerSpec:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[str]]  # already formatted text; None prints as empty
    unit: str = ""  # 编制单位
    date_text: str = ""
    subtitle: str = ""  # filters / period, centred under the title
    totals: Sequence[str] | None = None
    signoff: Sequence[str] = ("制表人", "审核人", "日期")
    page_size: str = "auto"  # 'auto' | 'A4' | 'A3' (always landscape)
    font_size: float = 9.0
    unit_label: str = "编制单位"
    date_label: str = "日期"
    empty_text: str = "（无记录）"


@dataclass
class LedgerLayout:
    """Everything ``render_ledger`` needs; also what tests inspect."""

    spec: LedgerSpec
    rows: list  # list of tuples of str
    page_size_name: str
    pagesize: tuple[float, float]
    font_size: float
    col_x: list[float]  # left edge of each column
    col_w: list[float]
    cell_pad: float
    header_lines: list[list[str]]
    totals_lines: list[list[str]] | None
    nlines: list[int]  # lines per data row
    widths: array  # each cell's width at 1 pt, row after row: cell (i, j) at i * ncols + j
    wrapped: dict  # row index -> per-cell list of lines (None: single line)
    pages: list = field(default_factory=list)  # per page: list of row index | (row, lo, hi)
    geometry: dict = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def cell_lines(self, i: int, j: int) -> list[str]:
        w = self.wrapped.get(i)
        if w is not None and w[j] is not None:
            return w[j]
        return [self.rows[i][j]]

    def cell_font(self, j: int) -> str:
        return FONT_MONO if self.spec.columns[j].mono else FONT

    def inner_width(self, j: int) -> float:
        return self.col_w[j] - 2 * self.cell_pad


def _norm_row(row, ncols: int, index: int) -> tuple:
    if type(row) is tuple and len(row) == ncols and all(type(v) is str for v in row):
        return row  # already text: the layout shares the spec's rows instead of copying them
    row = tuple("" if v is None else (v if type(v) is str else str(v)) for v in row)
    if len(row) != ncols:
        raise ValueError(f"ledger row {index} has {len(row)} cells, expected {ncols}")
    return row


def fit_columns(weights, mins, maxs, avail):
    """Column widths: proportional to weights, clamped to [min, max], summing to ``avail``.

    ``max`` is what a column needs to show its widest value unwrapped: space a short column
    cannot use goes to the columns that would otherwise wrap (fewer lines, fewer pages).
    Returns None when even the minimums do not fit.
    """
    if sum(mins) > avail + 0.01:
        return None
    maxs = [max(a, b) for a, b in zip(mins, maxs)]
    if sum(maxs) <= avail:  # everything fits unwrapped: share the slack by weight
        extra = (avail - sum(maxs)) / sum(weights)
        return [m + w * extra for m, w in zip(maxs, weights)]

    def total(s):
        return sum(min(max(s * w, lo), hi) for w, lo, hi in zip(weights, mins, maxs))

    lo_s, hi_s = 0.0, max(hi / w for w, hi in zip(weights, maxs))
    for _ in range(60):  # total(s) is monotone in s: bisect
        mid = (lo_s + hi_s) / 2
        if total(mid) > avail:
            hi_s = mid
        else:
            lo_s = mid
    widths = [min(max(lo_s * w, lo), hi) for w, lo, hi in zip(weights, mins, maxs)]
    # Put the rounding remainder on the widest column so the table spans the page exactly.
    k = widths.index(max(widths))
    widths[k] += avail - sum(widths)
    return widths


def layout_ledger(spec: LedgerSpec, cancel: Callable[[], bool] | None = None) -> LedgerLayout:
    cols = list(spec.columns)
    if not cols:
        raise ValueError("ledger needs at least one column")
    ncols = len(cols)
    reg, mono = metrics(FONT), metrics(FONT_MONO)
    ms = [mono if c.mono else reg for c in cols]
    rows = [_norm_row(r, ncols, i) for i, r in enumerate(spec.rows)]
    totals = _norm_row(spec.totals, ncols, -1) if spec.totals is not None else None

    # Pass 1: every cell's width (1-pt units), and each column's widest value.
    natural = [0.0] * ncols
    widths = array("d")  # one flat array: a list of floats per row took 80 MB for 150,000 rows
    has_nl = set()
    fns = [m.cw.__getitem__ for m in ms]
    for i, row in enumerate(rows):
        if cancel is not None and not i & 4095 and cancel():
            raise RenderCancelled()
        ws = [sum(map(f, s)) for f, s in zip(fns, row)]
        if "\n" in "".join(row):  # one check per row, not per cell
            has_nl.add(i)
            ws = [max(m.width(p) for p in s.split("\n")) for m, s in zip(ms, row)]
        widths.extend(ws)
        for j, w in enumerate(ws):
            if w > natural[j]:
                natural[j] = w
    if totals is not None:
        for j, s in enumerate(totals):
            natural[j] = max(natural[j], max(ms[j].width(p) for p in s.split("\n")))

    def plan(fs, forced_wrap):
        pad = max(2.0, fs * 0.45)
        mins = []
        for j, c in enumerate(cols):
            title_char = max((reg.cw[ch] for ch in c.title), default=1.0)
            floor = max(1.0, title_char) * fs + 2 * pad
            if c.min_width_mm:
                floor = max(floor, c.min_width_mm * MM)
            if c.wrap or forced_wrap:
                need = min(natural[j], 3.0) * fs + 2 * pad
            else:
                need = natural[j] * fs + 2 * pad + 0.5
            mins.append(max(floor, need))
        maxs = [max(natural[j], reg.width(c.title)) * fs + 2 * pad + 0.5
                for j, c in enumerate(cols)]
        return pad, mins, maxs

    margin = 10 * MM
    weights = [max(0.01, float(c.width_weight)) for c in cols]
    # A4 landscape always (DA/T 22-2015 paper; a clerk's printer has no A3). A wide ledger first
    # shrinks its type a little (down to SHRINK_MIN_PT) so numbers, dates and IDs stay on one
    # line; only then do no-wrap columns wrap, and at last the type shrinks further. An explicit
    # page_size is honoured.
    name = "A4" if spec.page_size == "auto" else spec.page_size.upper()
    avail = _SIZES[name][0] - 2 * margin
    chosen = None
    sizes = [spec.font_size]
    while sizes[-1] * 0.92 >= min(SHRINK_MIN_PT, spec.font_size):
        sizes.append(round(sizes[-1] * 0.92, 2))
    for forced in (False, True):
        for fs in sizes if not forced else sizes[:1]:
            pad, mins, maxs = plan(fs, forced)
            ws_ = fit_columns(weights, mins, maxs, avail)
            if ws_ is not None:
                chosen = (name, fs, pad, ws_, forced)
                break
        if chosen is not None:
            break
    if chosen is None:  # far too many columns: wrap everything and shrink the type
        fs = spec.font_size
        while chosen is None:
            fs = max(4.0, fs * 0.9)
            pad, mins, maxs = plan(fs, True)
            ws_ = fit_columns(weights, mins, maxs, avail)
            if ws_ is not None or fs <= 4.0:
                ws_ = ws_ or [avail * w / sum(weights) for w in weights]
                chosen = (name, fs, pad, ws_, True)
    name, fs, pad, col_w, _forced = chosen
    pagesize = _SIZES[name]
    col_x = [margin]
    for w in col_w[:-1]:
        col_x.append(col_x[-1] + w)
    avails = [(w - 2 * pad) / fs for w in col_w]

    # Pass 2: wrap the cells that do not fit (or hold newlines); count lines per row.
    nlines = [1] * len(rows)
    wrapped: dict[int, list] = {}
    for i in range(len(rows)):
        if cancel is not None and not i & 4095 and cancel():
            raise RenderCancelled()
        ws = widths[i * ncols:(i + 1) * ncols]
        if i not in has_nl:
            for w, a in zip(ws, avails):
                if w > a:
                    break
            else:
                continue
        row = rows[i]
        cells = [
            wrap_text(s, a, m) if (w > a or "\n" in s) else None
            for s, w, a, m in zip(row, ws, avails, ms)
        ]
        wrapped[i] = cells
        nlines[i] = max(len(c) if c is not None else 1 for c in cells)
    header_lines = [wrap_text(c.title, a, reg) for c, a in zip(cols, avails)]
    totals_lines = None
    if totals is not None:
        totals_lines = [wrap_text(s, a, m) for s, a, m in zip(totals, avails, ms)]

    lay = LedgerLayout(spec, rows, name, pagesize, fs, col_x, col_w, pad,
                       header_lines, totals_lines, nlines, widths, wrapped)
    _paginate(lay, margin, reg)
    return lay


def stamp_zone() -> tuple[float, float]:
    """(width from the right edge, height from the top) in pt kept free for the 归档章, with 2 mm
    of air around it."""
    from fupin_desktop.domain.archive_terms import RIGHT_MM, STAMP_H_MM, STAMP_W_MM, TOP_MM

    return (RIGHT_MM + STAMP_W_MM + 2) * MM, (TOP_MM + STAMP_H_MM + 2) * MM


def _paginate(lay: LedgerLayout, margin: float, reg: Metrics) -> None:
    spec, fs = lay.spec, lay.font_size
    W, H = lay.pagesize
    lead = fs * 1.3
    vpad = fs * 0.3
    tsize = fs * 1.8
    tlead = tsize * 1.3
    text_w = W - 2 * margin
    # The 归档章 goes into the blank top right corner of page 1 (DA/T 22-2015): the centred
    # title and subtitle stay narrower than the space between two stamps, and the unit/date
    # line and the table start below it. The header is the same on every page.
    zone_x, zone_y = stamp_zone()
    head_w = min(text_w, W - 2 * zone_x)
    title_lines = wrap_text(spec.title, head_w / tsize, reg) if spec.title else []
    sub_lines = wrap_text(spec.subtitle, head_w / fs, reg) if spec.subtitle else []
    left = f"{spec.unit_label}：{spec.unit}" if spec.unit else ""
    right = f"{spec.date_label}：{spec.date_text}" if spec.date_text else ""
    y = H - margin
    y -= len(title_lines) * tlead + len(sub_lines) * lead
    y = min(y, H - zone_y)
    info_y = y
    info_rows = 0
    if left or right:
        together = (reg.width(left) + reg.width(right)) * fs + 4 * fs <= text_w
        info_rows = 1 if together else 2
        y -= 2 + info_rows * lead
    table_top = y - 3
    header_h = max(map(len, lay.header_lines)) * lead + 2 * vpad
    body_top = table_top - header_h
    footer_h = lead + 4
    body_bottom = margin + footer_h
    body_h = body_top - body_bottom
    totals_h = (max(map(len, lay.totals_lines)) * lead + 2 * vpad) if lay.totals_lines else 0.0
    signoff_h = (2.2 * lead + 6) if spec.signoff else 0.0
    lay.geometry = dict(margin=margin, lead=lead, vpad=vpad, tsize=tsize, tlead=tlead,
                        title_lines=title_lines, sub_lines=sub_lines, left=left, right=right, info_y=info_y,
                        info_rows=info_rows, table_top=table_top, header_h=header_h,
                        body_top=body_top, body_bottom=body_bottom, totals_h=totals_h,
                        signoff_h=signoff_h)
    max_lines = max(1, int((body_h - 2 * vpad) // lead))
    pages: list[list] = []
    cur: list = []
    used = 0.0
    for i, nl in enumerate(lay.nlines):
        h = nl * lead + 2 * vpad
        if nl > max_lines:  # taller than a whole page: the only case where a row is split
            if cur:
                pages.append(cur)
            starts = list(range(0, nl, max_lines))
            pages.extend([(i, lo, lo + max_lines)] for lo in starts[:-1])
            cur = [(i, starts[-1], nl)]  # the tail piece shares its page with what follows
            used = (nl - starts[-1]) * lead + 2 * vpad
            continue
        if used + h > body_h and cur:
            pages.append(cur)
            cur, used = [], 0.0
        cur.append(i)
        used += h
    # The last page also carries the totals row and the sign-off; if they do not fit, they
    # move to a new page taking the last row along, so they never stand alone.
    tail = totals_h + signoff_h
    if cur and used + tail > body_h:
        pages.append(cur)
        cur, used = [], 0.0
        prev = pages[-1]
        if len(prev) > 1 and isinstance(prev[-1], int):
            cur = [prev.pop()]
    pages.append(cur)
    lay.pages = pages


# ---------------------------------------------------------------------------------- drawing

_ESC = [chr(b) if 32 <= b < 127 and chr(b) not in "()\\" else "\\%03o" % b for b in range(256)]


def text_encoder(font_name: str, size: float, doc):
    """text -> PDF operators selecting the right subset(s) and showing the text (cached)."""
    from reportlab.pdfbase.pdfmetrics import getFont

    font = getFont(font_name)
    split, subset_name = font.splitString, font.getSubsetInternalName
    names: dict[int, str] = {}
    cache: dict[str, str] = {}
    esc = _ESC.__getitem__

    def enc(text: str) -> str:
        r = cache.get(text)
        if r is None:
            parts = []
            for sub, b in split(text, doc):
                n = names.get(sub)
                if n is None:
                    n = names[sub] = f"{subset_name(sub, doc)} {size:.2f} Tf"
                parts.append(f"{n} ({''.join(map(esc, b))}) Tj")
            r = " ".join(parts)
            if len(cache) > 50000:  # names are mostly unique: keep memory bounded
                cache.clear()
            cache[text] = r
        return r

    return enc


def render_ledger(spec: LedgerSpec, out, progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None,
                  layout: LedgerLayout | None = None) -> int:
    """Render ``spec`` to ``out`` (path or binary file object). Returns the page count.

    ``progress(done_pages, total_pages)`` is called now and then; ``cancel()`` returning True
    raises ``RenderCancelled`` (a path target is left untouched: we write a temp file and
    rename it only on success).
    """
    lay = layout or layout_ledger(spec, cancel)
    total = lay.page_count
    write_output(out, lambda target: _draw(lay, target, progress, cancel))
    if progress:
        progress(total, total)
    return total


def write_output(out, write: Callable[[object], object]):
    """Call ``write(target)``; a path target gets a temp file renamed into place on success,
    so a cancelled or failed render never leaves a half-written PDF behind."""
    if not isinstance(out, (str, os.PathLike)):
        return write(out)
    target = os.fspath(out)
    fd, tmp = tempfile.mkstemp(suffix=".pdf.part", dir=os.path.dirname(target) or ".")
    os.close(fd)
    try:
        result = write(tmp)
        os.replace(tmp, target)
        return result
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _draw(lay: LedgerLayout, out, progress, cancel) -> None:
    spec, fs, g = lay.spec, lay.font_size, lay.geometry
    W, H = lay.pagesize
    c = new_canvas(out, lay.pagesize, title=spec.title, author=spec.unit,
                   subject=spec.subtitle)
    doc = c._doc
    reg = metrics(FONT)
    enc_r, enc_m = text_encoder(FONT, fs, doc), text_encoder(FONT_MONO, fs, doc)
    ncols = len(lay.col_w)
    encs = [enc_m if col.mono else enc_r for col in spec.columns]
    pad, lead, vpad = lay.cell_pad, g["lead"], g["vpad"]
    asc, desc = reg.ascent * fs, reg.descent * fs
    base_off = (lead - asc - desc) / 2 + asc  # line top -> baseline
    aligns = [_ALIGN.get(col.align, 0) for col in spec.columns]
    lx = [x + pad for x in lay.col_x]
    rx = [x + w - pad for x, w in zip(lay.col_x, lay.col_w)]
    cx = [x + w / 2 for x, w in zip(lay.col_x, lay.col_w)]
    x0, x1 = lay.col_x[0], lay.col_x[-1] + lay.col_w[-1]
    bold = f"2 Tr {fs * FAKE_BOLD_STROKE:.3f} w"
    ms = [metrics(FONT_MONO) if col.mono else reg for col in spec.columns]

    def text_at(x, y, text, size=None):
        e = enc_r(text) if size is None else text_encoder(FONT, size, doc)(text)
        return f"1 0 0 1 {x:.2f} {y:.2f} Tm {e}"

    def cell_block(j, lines, top, rh, widths_1pt=None, valign_mid=True, align=None):
        """Operators for one cell's lines; ``top`` is the row's top edge."""
        out_ = []
        block = len(lines) * lead
        y = top - ((rh - block) / 2 if valign_mid else vpad) - base_off
        a, e = (aligns[j] if align is None else align), encs[j]
        for k, s in enumerate(lines):
            if s:
                if a == 0:
                    x = lx[j]
                else:
                    w = (widths_1pt if widths_1pt is not None else ms[j].width(s)) * fs
                    x = rx[j] - w if a == 2 else cx[j] - w / 2
                out_.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {e(s)}")
            y -= lead
        return out_

    # Everything above the body is identical on every page: build it once.
    fixed_t: list[str] = []
    y = H - g["margin"]
    tsize, tlead = g["tsize"], g["tlead"]
    if g["title_lines"]:
        fixed_t.append(f"2 Tr {tsize * FAKE_BOLD_STROKE * 0.8:.3f} w")
    t_off = (tlead - tsize * (reg.ascent + reg.descent)) / 2 + tsize * reg.ascent
    for line in g["title_lines"]:
        fixed_t.append(text_at(W / 2 - reg.width(line) * tsize / 2, y - t_off, line, tsize))
        y -= tlead
    if g["title_lines"]:
        fixed_t.append("0 Tr")
    for line in g["sub_lines"]:
        fixed_t.append(text_at(W / 2 - reg.width(line) * fs / 2, y - base_off, line))
        y -= lead
    y = g["info_y"]
    if g["info_rows"]:
        y -= 2
        if g["left"]:
            fixed_t.append(text_at(x0, y - base_off, g["left"]))
        if g["info_rows"] == 2:
            y -= lead
        if g["right"]:
            fixed_t.append(text_at(x1 - reg.width(g["right"]) * fs, y - base_off, g["right"]))
    top, hh = g["table_top"], g["header_h"]
    head_txt = [bold]
    for j, lines in enumerate(lay.header_lines):  # header titles are always centred
        head_txt += cell_block(j, lines, top, hh, align=1)
    head_txt.append("0 Tr")
    fixed_txt = " ".join(fixed_t + head_txt)
    fixed_fill = f"0.88 g {x0:.2f} {top - hh:.2f} {x1 - x0:.2f} {hh:.2f} re f 0 g"
    vlines_x = [f"{x:.2f}" for x in lay.col_x[1:]]

    rows, nlines, widths, wrapped = lay.rows, lay.nlines, lay.widths, lay.wrapped
    body_top = g["body_top"]
    pad2 = 2 * vpad
    total = len(lay.pages)
    for p, pieces in enumerate(lay.pages):
        if cancel is not None and cancel():
            raise RenderCancelled()
        T = [fixed_txt]
        G = [f"{x0:.2f} {body_top:.2f} m {x1:.2f} {body_top:.2f} l"]
        y = body_top
        for piece in pieces:
            if type(piece) is int:
                i = piece
                rh = nlines[i] * lead + pad2
                wr = wrapped.get(i)
                row = rows[i]
                if wr is None:  # hot path: one line per cell
                    by = y - (rh - lead) / 2 - base_off
                    base = i * ncols
                    for j in range(ncols):
                        s = row[j]
                        if s:
                            a = aligns[j]
                            if a == 0:
                                x = lx[j]
                            elif a == 2:
                                x = rx[j] - widths[base + j] * fs
                            else:
                                x = cx[j] - widths[base + j] * fs / 2
                            T.append(f"1 0 0 1 {x:.2f} {by:.2f} Tm {encs[j](s)}")
                else:
                    for j in range(ncols):
                        lines = wr[j]
                        if lines is None:
                            T += cell_block(j, [row[j]], y, rh, widths[i * ncols + j])
                        else:
                            T += cell_block(j, lines, y, rh)
            else:  # a slice of a row taller than a page
                i, lo, hi = piece
                rh = (hi - lo) * lead + pad2
                for j in range(ncols):
                    lines = lay.cell_lines(i, j)[lo:hi]
                    T += cell_block(j, lines, y, rh, valign_mid=False)
            y -= rh
            G.append(f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l")
        last = p == total - 1
        vspans = [(top, y)]  # column rules run through the header, rows and totals only
        if last and not lay.rows:
            rh = lead + pad2
            line = spec.empty_text
            T.append(text_at((x0 + x1) / 2 - reg.width(line) * fs / 2,
                             y - (rh - lead) / 2 - base_off, line))
            y -= rh
            G.append(f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l")
        if last and lay.totals_lines:
            rh = g["totals_h"]
            vspans.append((y, y - rh))
            T.append(bold)
            for j, lines in enumerate(lay.totals_lines):
                T += cell_block(j, lines, y, rh)
            T.append("0 Tr")
            y -= rh
            G.append(f"{x0:.2f} {y:.2f} m {x1:.2f} {y:.2f} l")
        table_bottom = y
        for y_a, y_b in vspans:
            for xs in vlines_x:
                G.append(f"{xs} {y_a:.2f} m {xs} {y_b:.2f} l")
        signoff_ops = []
        if last and spec.signoff:
            sy = table_bottom - 1.6 * lead - base_off
            seg = (x1 - x0) / len(spec.signoff)
            for k, label in enumerate(spec.signoff):
                lab = f"{label}："
                sx = x0 + k * seg + (lead if k else 0)
                T.append(text_at(sx, sy, lab))
                ux = sx + reg.width(lab) * fs + 2
                ulen = min(seg - (ux - (x0 + k * seg)) - 2 * lead, 45 * MM)
                signoff_ops.append(f"{ux:.2f} {sy - 2:.2f} m {ux + ulen:.2f} {sy - 2:.2f} l")
        foot = f"第 {p + 1} 页 共 {total} 页"
        T.append(text_at(W / 2 - reg.width(foot) * fs / 2, g["margin"] + 2, foot))
        c.addLiteral(
            "q " + fixed_fill + "\nBT\n" + "\n".join(T) + "\nET\n0.4 w\n" + "\n".join(G)
            + f"\nS\n0.9 w {x0:.2f} {table_bottom:.2f} {x1 - x0:.2f} {top - table_bottom:.2f} re S"
            + ("\n0.5 w " + " ".join(signoff_ops) + " S" if signoff_ops else "") + "\nQ"
        )
        c.showPage()
        compress_last_page(c)  # a long ledger's pages held as text cost 170 MB
        if progress is not None and (p & 15) == 15:
            progress(p + 1, total)
    if cancel is not None and cancel():
        raise RenderCancelled()
    c.save()
