"""The one CJK font every PDF of the program uses: registration, text measuring, wrapping.

Why only this font: a PDF that references a non-embedded font (even ReportLab's default
Helvetica) prints differently on every PC and fails PDF/A. So every canvas / doc template made
by ``reports`` passes ``initialFontName=FONT`` and every style names ``FONT`` explicitly.

ReportLab is imported inside the functions: the GUI imports this package at start-up and must
not pay for ReportLab until the first print.
"""

from __future__ import annotations

import threading

#: Proportional face (subfont 0 of wqy-microhei.ttc). Its digits are already tabular.
FONT = "FupinCJK"
#: Font for ID/bank/phone columns where digits must line up. Deliberately the same face as
#: ``FONT``: subfont 1 of the collection ("WenQuanYi Micro Hei Mono") comes out of ReportLab's
#: subsetter with /Widths of 600/1000 em while the embedded program's hmtx says 293, which
#: breaks PDF/A-2b rule 6.2.11.5 (and makes viewers space digits wrongly). Subfont 0's digits are
#: tabular already, so ID and bank numbers still line up.
FONT_MONO = FONT
#: The .ttc has no bold face. Bold is faked by drawing FONT with text render mode 2
#: (fill + thin stroke); Paragraph markup <b> maps back to FONT so it never reaches Helvetica-Bold.
#: Stroke width (as a fraction of the font size) used for fake bold.
FAKE_BOLD_STROKE = 0.035

_lock = threading.Lock()
_registered = False


def register_fonts() -> str:
    """Register the bundled CJK font(s) with ReportLab (idempotent, thread-safe).

    Returns the regular font name to use everywhere (``FONT``).
    """
    global _registered
    if _registered:
        return FONT
    with _lock:
        if _registered:
            return FONT
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        from fupin_desktop.paths import FONT_SUBFONT_INDEX, font_path

        # Program-wide: no ASCII85 wrapping of compressed streams. Without ReportLab's C
        # accelerator the pure-Python encoder cost ~25% of a ledger's time and inflated files by
        # 25%; binary Flate streams are plain PDF (and fine for PDF/A).
        from reportlab import rl_config

        rl_config.useA85 = 0

        path = str(font_path())
        regular = TTFont(FONT, path, subfontIndex=FONT_SUBFONT_INDEX)
        pdfmetrics.registerFont(regular)
        # Map the family so Paragraph <b>/<i> resolve inside our face (never to Helvetica).
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT, bold, italic, FONT)
        _registered = True
    return FONT


def new_canvas(out, pagesize, *, compress: bool = True, title: str = "", author: str = "",
               subject: str = ""):
    """A ReportLab canvas that can never reference a non-embedded font.

    ``initialFontName`` matters: without it every page's preamble selects Helvetica, which is
    then listed (not embedded) in the PDF even if no text uses it.
    """
    register_fonts()
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(
        out,
        pagesize=pagesize,
        pageCompression=1 if compress else 0,
        initialFontName=FONT,
        initialFontSize=10,
        invariant=0,
    )
    if title:
        c.setTitle(title)
    c.setSubject(subject or title)  # ReportLab's default subject is the word "unspecified"
    if author:
        c.setAuthor(author)
    c.setCreator("fupin_desktop")
    return c


# ------------------------------------------------------------ measuring and wrapping text

# Chinese line-breaking rules (禁则): never start a line with closing punctuation, never end one
# with an opening bracket.
_NO_START = frozenset("，。、；：？！）】》」』”’％,.;:?!)]}%…—·")
_NO_END = frozenset("（【《「『“‘([{")


class Metrics:
    """Per-character widths at 1 pt, cached for the whole process (fonts never change)."""

    def __init__(self, font: str):
        from reportlab.pdfbase.pdfmetrics import getFont, stringWidth

        self.font = font
        face = getFont(font).face
        self.ascent = face.ascent / 1000.0
        self.descent = -face.descent / 1000.0

        class _Widths(dict):
            def __missing__(self, ch):
                w = self[ch] = stringWidth(ch, font, 1.0)
                return w

        self.cw = _Widths()

    def width(self, text: str) -> float:
        return sum(map(self.cw.__getitem__, text))


_METRICS: dict[str, Metrics] = {}


def metrics(font: str) -> Metrics:
    """Shared ``Metrics`` for ``FONT`` or ``FONT_MONO`` (registers the fonts on first use)."""
    m = _METRICS.get(font)
    if m is None:
        register_fonts()
        m = _METRICS[font] = Metrics(font)
    return m


def _wordch(c: str) -> bool:
    return c.isascii() and c.isalnum()


def wrap_text(text: str, avail: float, m: Metrics) -> list[str]:
    """Greedy wrap of ``text`` into lines no wider than ``avail`` (in 1-pt units).

    CJK breaks between any two characters; a Latin/digit run is kept whole when it fits on a
    line; 禁则 punctuation is respected. A single glyph wider than ``avail`` still gets a line.
    """
    cw = m.cw
    out: list[str] = []
    for para in text.split("\n"):
        if sum(map(cw.__getitem__, para)) <= avail:
            out.append(para)
            continue
        n = len(para)
        start = i = 0
        w = 0.0
        while i < n:
            c = cw[para[i]]
            if w + c <= avail or i == start:
                w += c
                i += 1
                continue
            cut = i
            if _wordch(para[i]) and _wordch(para[i - 1]):
                j = i - 1
                while j > start and _wordch(para[j - 1]):
                    j -= 1
                if j > start:
                    cut = j  # move the whole word down
            if cut - start > 1 and (para[cut] in _NO_START or para[cut - 1] in _NO_END):
                cut -= 1
            out.append(para[start:cut].rstrip(" "))
            while cut < n - 1 and para[cut] == " ":
                cut += 1
            start = i = cut
            w = 0.0
        if start < n:
            out.append(para[start:])
    return out
