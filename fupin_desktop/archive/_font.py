"""The CJK font for archive drawings: the project's one registration (formats.fonts), so an
archive PDF embeds the same font as every other document."""

from __future__ import annotations


def cjk_font() -> str:
    """Register the bundled CJK TrueType font with ReportLab (idempotent); return its name."""
    from fupin_desktop.formats.fonts import register_fonts

    return register_fonts()
