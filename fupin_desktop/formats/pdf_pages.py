"""Page streams compressed as each page is finished.

ReportLab keeps every page's content stream as text until ``save()`` and compresses them all
then: a 6,000-page members ledger held ~170 MB of operators. ``compress_last_page`` deflates
the page just shown, with the same zlib call and the same stream dictionary ReportLab would
write, so the file is byte for byte what it was; only the peak memory changes.
"""

from __future__ import annotations

import zlib


class _Deflated:
    """A stream filter whose content was deflated already: names FlateDecode, changes nothing."""

    pdfname = "FlateDecode"

    @staticmethod
    def encode(content):
        return content


_DEFLATED = _Deflated()


def compress_last_page(canvas) -> None:
    """Deflate the content stream of the page ``canvas.showPage()`` just finished (a no-op
    without page compression, or when ReportLab would add its ASCII85 layer)."""
    from reportlab import rl_config
    from reportlab.pdfbase.pdfdoc import PDFStream

    pages = canvas._doc.Pages.pages
    if not pages:
        return
    page = pages[-1]
    stream = getattr(page, "stream", None)
    if not stream or page.Contents or not page.compression or rl_config.useA85:
        return
    s = PDFStream(content=zlib.compress(stream.encode("utf8") if isinstance(stream, str)
                                        else stream), filters=[_DEFLATED])
    s.__Comment__ = "page stream"
    page.Contents, page.stream = s, None
