"""Tamper evidence: a package compared with what the program recorded when it built it.

BagIt manifests only prove a package is *internally* consistent: whoever edits a file can
re-hash the manifests (and the catalogue's hash column) and the bag validates again. The
package digest (SHA-256 of ``tagmanifest-sha256.txt``, which covers the payload manifest, which
covers every payload file) is recorded in the database at build time and printed on the
移交清单, so a re-hashed package no longer matches either. Per-file SHA-256 and sizes recorded
at build time let verify name *which* files differ and how.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fupin_desktop.archive.bagit import (PAYLOAD_MANIFEST, TAG_MANIFEST, decode_path, file_sha256,
                                         looks_truncated, payload_files)
from fupin_desktop.archive.model import Problem


@dataclass(frozen=True)
class RecordedFile:
    sha256: str
    size: int


def package_digest(bag_dir: Path | str) -> str | None:
    """SHA-256 of the bag's tag manifest (None when there is none)."""
    p = Path(bag_dir) / TAG_MANIFEST
    return file_sha256(p) if p.is_file() else None


def group_digest(hex_digest: str, size: int = 4) -> str:
    """``3f2a 9c01 …``: the digest in groups of four, for reading aloud and comparing by eye."""
    return " ".join(hex_digest[i:i + size] for i in range(0, len(hex_digest), size))


def normalise_digest(text: str) -> str:
    """What a clerk types (spaces, dashes, upper case) → 64 lower-case hex digits (or '')."""
    s = "".join(c for c in text.lower() if c not in " -:\t\n")
    return s if len(s) == 64 and all(c in "0123456789abcdef" for c in s) else ""


def read_payload_manifest(bag_dir: Path | str) -> dict[str, str]:
    """data/… → sha256 as listed in manifest-sha256.txt (what a freshly built bag states)."""
    out: dict[str, str] = {}
    p = Path(bag_dir) / PAYLOAD_MANIFEST
    for line in p.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2:
            out[decode_path(parts[1])] = parts[0].lower()
    return out


def recorded_files(bag_dir: Path | str) -> dict[str, RecordedFile]:
    """What to record right after a build: every payload file's sha256 and size."""
    bag_dir = Path(bag_dir)
    listed = read_payload_manifest(bag_dir)
    return {rel: RecordedFile(listed.get(rel) or file_sha256(bag_dir / rel), (bag_dir / rel).stat().st_size)
            for rel in payload_files(bag_dir)}


def check_digest(bag_dir: Path | str, expected: str, source: str) -> list[Problem]:
    """``source``: where the expected digest comes from (e.g. 移交清单, 生成记录)."""
    actual = package_digest(bag_dir)
    if actual is None:
        return [Problem("tamper.no_tagmanifest", f"缺少文件：{TAG_MANIFEST}，无法核对{source}上的数据包摘要。",
                        TAG_MANIFEST)]
    if actual != expected:
        return [Problem("tamper.digest", f"清单文件被修改：数据包摘要为 {group_digest(actual)}，"
                                         f"与{source}上的 {group_digest(expected)} 不符"
                                         "（数据包在生成后被改动，或其校验值被重新计算）。", TAG_MANIFEST)]
    return []


def compare_with_record(bag_dir: Path | str, recorded: Mapping[str, RecordedFile],
                        current: Mapping[str, str] | None = None) -> list[Problem]:
    """Every payload file that differs from the build record, named by what happened.

    ``current``: sha256 of present payload files if already computed (by the bag check)."""
    bag_dir = Path(bag_dir)
    present = set(payload_files(bag_dir)) if (bag_dir / "data").is_dir() else set()
    out: list[Problem] = []
    for rel in sorted(recorded.keys() - present):
        out.append(Problem("tamper.missing", f"缺少文件：{rel[5:]}（生成时有此文件，现在不见了）。", rel))
    for rel in sorted(present - recorded.keys()):
        out.append(Problem("tamper.extra", f"多出文件：{rel[5:]}（生成时没有此文件）。", rel))
    for rel in sorted(present & recorded.keys()):
        rec = recorded[rel]
        path = bag_dir / rel
        sha = (current or {}).get(rel) or file_sha256(path)
        if sha == rec.sha256:
            continue
        size = path.stat().st_size
        # shorter and cut off (a PDF without its %%EOF, or an empty file): truncated; shorter
        # but complete is an edit like any other
        if size < rec.size and (size == 0 or looks_truncated(path)):
            out.append(Problem("tamper.truncated", f"文件不完整（被截断）：{rel[5:]} 现为 {size} 字节，"
                                                   f"生成时为 {rec.size} 字节。", rel))
        else:
            out.append(Problem("tamper.changed", f"文件内容与生成时记录不符：{rel[5:]}。", rel))
    return out
