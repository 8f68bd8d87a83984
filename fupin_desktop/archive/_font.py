"""The CJK font for archive drawings, via the project's one registration (reports.fonts)."""

from __future__ import annotations


def cjk_font() -> str:
    """Register the bundled CJK TrueType font with ReportLab (idempotent); return its name."""
    try:
        from fupin_desktop.reports.fonts import register_fonts
    except ImportError:  # reports.fonts not present (it lands separately): register ourselves
        return _register_own()
    return register_fonts()


_OWN = "FupinArchiveCJK"


def _register_own() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from fupin_desktop.paths import FONT_SUBFONT_INDEX, font_path

    if _OWN not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_OWN, str(font_path()), subfontIndex=FONT_SUBFONT_INDEX))
    return _OWN

