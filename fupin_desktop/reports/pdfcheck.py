"""Read-only checks on finished PDFs, for tests and the archive verifier (pypdf, no poppler).

The rule being checked (DESIGN.md §5): every font a page can use is embedded. A font counts
as embedded when its descriptor (for Type0: the descendant CIDFont's descriptor) carries
FontFile, FontFile2 or FontFile3. Type3 fonts are drawn from PDF procedures and count as
embedded. Fonts inside form XObjects and annotation appearances are walked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _reader(path):
    from pypdf import PdfReader

    return PdfReader(str(path) if isinstance(path, Path) else path)


def _resolve(obj):
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _iter_resource_dicts(reader) -> Iterator:
    """Every /Resources dict reachable from the pages (page, form XObjects, annotations)."""
    seen: set[int] = set()
    stack = []
    for page in reader.pages:
        res = page.get("/Resources")
        if res is not None:
            stack.append(res)
        for annot in _resolve(page.get("/Annots")) or []:
            ap = _resolve(_resolve(annot).get("/AP"))
            if ap:
                for key in ("/N", "/R", "/D"):
                    v = _resolve(ap.get(key))
                    if v is not None and hasattr(v, "get"):
                        stack.append(v.get("/Resources") if "/Resources" in v else None)
    while stack:
        res = _resolve(stack.pop())
        if res is None or id(res) in seen:
            continue
        seen.add(id(res))
        yield res
        xobjects = _resolve(res.get("/XObject")) or {}
        for xo in xobjects.values():
            xo = _resolve(xo)
            if xo.get("/Subtype") == "/Form" and "/Resources" in xo:
                stack.append(xo["/Resources"])


def _embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True
    if subtype == "/Type0":
        return all(_embedded(_resolve(d)) for d in _resolve(font.get("/DescendantFonts")) or [])
    desc = _resolve(font.get("/FontDescriptor"))
    return bool(desc) and any(k in desc for k in _FONT_FILES)


def pdf_fonts(path) -> list[tuple[str, str, bool]]:
    """Distinct fonts referenced by any page: [(BaseFont, Subtype, embedded)], sorted."""
    reader = _reader(path)
    found: dict[tuple[str, str], bool] = {}
    seen_fonts: set[int] = set()
    for res in _iter_resource_dicts(reader):
        fonts = _resolve(res.get("/Font")) or {}
        for ref in fonts.values():
            key_id = getattr(ref, "idnum", None)
            font = _resolve(ref)
            if key_id is not None:
                if key_id in seen_fonts:
                    continue
                seen_fonts.add(key_id)
            name = str(font.get("/BaseFont", font.get("/Name", "?"))).lstrip("/")
            subtype = str(font.get("/Subtype", "?")).lstrip("/")
            emb = _embedded(font)
            key = (name, subtype)
            found[key] = found.get(key, True) and emb
    return sorted((n, s, e) for (n, s), e in found.items())


def all_fonts_embedded(path) -> bool:
    """True when no page can use a non-embedded font (a scan with no fonts at all passes)."""
    return all(e for _, _, e in pdf_fonts(path))


def page_count(path) -> int:
    return len(_reader(path).pages)


def extract_text(path, pages: bool = False):
    """Text of the whole document (str), or a list with one str per page if ``pages``."""
    texts = [p.extract_text() or "" for p in _reader(path).pages]
    return texts if pages else "\n".join(texts)
