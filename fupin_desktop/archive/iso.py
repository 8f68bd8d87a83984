"""ISO 9660 + Joliet disc image of a directory (for burning the package to a disc), via pycdlib.

Joliet carries the real (Chinese, mixed-case) names that Windows shows; the plain ISO 9660
tree uses generated interchange-level-1 names (8.3, A–Z 0–9 _) so any drive/OS can read it.
Joliet allows 64 UCS-2 characters per name, but pycdlib (1.14) counts the name's UTF-8 *bytes*
against 64, so a name is kept to 64 UTF-8 bytes (21 Chinese characters); longer names are
shortened with ``~n`` and reported.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

JOLIET_MAX = 64
_D_CHARS = re.compile(r"[^A-Z0-9_]")


@dataclass
class IsoResult:
    path: Path
    files: int = 0
    bytes: int = 0
    renamed: dict[str, str] = field(default_factory=dict)  # original rel path -> Joliet name


def _iso_name(name: str, used: dict[str, int], is_dir: bool) -> str:
    """A unique level-1 name: ``STEM8.EXT`` for files, ``STEM8`` for directories.

    ``used`` maps names taken in this directory (and ``stem/ext`` keys to the next counter, so
    5,000 similar names cost O(n), not O(n²))."""
    stem, ext = (name, "") if is_dir else os.path.splitext(name)
    stem = _D_CHARS.sub("_", stem.upper())[:8] or "_"
    ext = _D_CHARS.sub("_", ext[1:].upper())[:3]
    key = f"{stem}/{ext}"
    n = used.get(key, 0)
    while True:
        cand = stem if n == 0 else f"{stem[:8 - len(str(n))]}{n}"
        full = cand if is_dir or not ext else f"{cand}.{ext}"
        n += 1
        if full not in used:
            used[full] = 0
            used[key] = n
            return full


def _fits(name: str) -> bool:
    return len(name.encode("utf-8")) <= JOLIET_MAX


def _joliet_name(name: str, used: set[str]) -> str:
    if _fits(name) and name not in used:
        used.add(name)
        return name
    stem, ext = os.path.splitext(name)
    n = 1
    while True:
        suffix = f"~{n}{ext}"
        cut = len(stem)
        while cut and not _fits(stem[:cut] + suffix):
            cut -= 1
        cand = stem[:cut] + suffix
        if cand not in used:
            used.add(cand)
            return cand
        n += 1


def build_iso(src_dir: Path | str, iso_path: Path | str, *, volume_id: str = "FUPIN_ARCHIVE",
              progress: Callable[[int, int], None] | None = None) -> IsoResult:
    """Write an ISO 9660 (level 1) + Joliet image of everything under ``src_dir``."""
    import pycdlib

    src_dir, iso_path = Path(src_dir), Path(iso_path)
    result = IsoResult(iso_path)
    vol = _D_CHARS.sub("_", volume_id.upper())[:32] or "ARCHIVE"
    iso = pycdlib.PyCdlib()
    iso.new(interchange_level=1, joliet=3, vol_ident=vol)
    # (src dir, iso path, joliet path) for each directory; names chosen in sorted order so the
    # mapping is the same on every run.
    todo = [(src_dir, "", "")]
    files: list[tuple[Path, str, str]] = []
    while todo:
        here, ipath, jpath = todo.pop(0)
        used_iso: dict[str, int] = {}
        used_jol: set[str] = set()
        entries = sorted(os.scandir(here), key=lambda e: (not e.is_dir(), e.name))
        for entry in entries:
            is_dir = entry.is_dir(follow_symlinks=False)
            iname = _iso_name(entry.name, used_iso, is_dir)
            jname = _joliet_name(entry.name, used_jol)
            if jname != entry.name:
                result.renamed[Path(entry.path).relative_to(src_dir).as_posix()] = jname
            if is_dir:
                iso.add_directory(f"{ipath}/{iname}", joliet_path=f"{jpath}/{jname}")
                todo.append((Path(entry.path), f"{ipath}/{iname}", f"{jpath}/{jname}"))
            elif entry.is_file(follow_symlinks=False):
                files.append((Path(entry.path), f"{ipath}/{iname};1", f"{jpath}/{jname}"))
    for n, (local, ipath, jpath) in enumerate(files, 1):
        iso.add_file(str(local), iso_path=ipath, joliet_path=jpath)
        result.files += 1
        result.bytes += local.stat().st_size
        if progress and n % 200 == 0:
            progress(n, len(files))
    iso_path.parent.mkdir(parents=True, exist_ok=True)
    iso.write(str(iso_path))
    iso.close()
    if progress:
        progress(len(files), len(files))
    return result


def list_joliet(iso_path: Path | str) -> list[str]:
    """Every file's Joliet path in the image, sorted (for tests and a quick check)."""
    import pycdlib

    iso = pycdlib.PyCdlib()
    iso.open(str(iso_path))
    try:
        out = []
        for root, _dirs, names in iso.walk(joliet_path="/"):
            out += [f"{root.rstrip('/')}/{n}" for n in names]
        return sorted(out)
    finally:
        iso.close()
