"""BagIt 1.0 (RFC 8493) writer and validator, sha256 only, written here on purpose.

Why not the ``bagit`` PyPI package: it builds a bag by *moving* a directory's files into data/,
always stamps today's date and its own Bag-Software-Agent, hashes with several algorithms by
default and raises on the first problem; the verifier needs every problem listed, in Chinese,
and deterministic output. The format is small enough to implement exactly:

* ``bagit.txt``: ``BagIt-Version: 1.0`` / ``Tag-File-Character-Encoding: UTF-8``
* ``bag-info.txt``: ``Label: value`` lines (Source-Organization, Bagging-Date, Payload-Oxum,
  External-Identifier, …) in the caller's order
* ``manifest-sha256.txt``: ``<hex> <path>`` for every file under data/, sorted by path
* ``tagmanifest-sha256.txt``: the same for the tag files above
Paths use ``/``, UTF-8, and percent-encode only CR, LF and ``%`` (RFC 8493 §2.1.3).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from fupin_desktop.archive.model import Problem

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
PAYLOAD_MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
ALGORITHMS = ("sha256", "sha512", "sha1", "md5")  # readable in others' bags; we write sha256


def file_sha256(path: Path | str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def encode_path(rel: str) -> str:
    return rel.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(text: str) -> str:
    # Only the three escapes RFC 8493 defines; a literal "%41" in a name must stay "%41".
    out, i = [], 0
    while i < len(text):
        code = text[i:i + 3].upper()
        if code in ("%25", "%0D", "%0A"):
            out.append({"%25": "%", "%0D": "\r", "%0A": "\n"}[code])
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def payload_files(bag_dir: Path) -> list[str]:
    """Relative posix paths of every file under data/, sorted (symlinks are not followed)."""
    base = bag_dir / "data"
    out = []
    for root, dirs, files in os.walk(base):
        dirs.sort()
        for name in files:
            out.append((Path(root) / name).relative_to(bag_dir).as_posix())
    return sorted(out)


def _manifest_text(digests: Mapping[str, str]) -> bytes:
    return "".join(f"{digests[p]} {encode_path(p)}\n" for p in sorted(digests)).encode("utf-8")


def _info_text(info: Iterable[tuple[str, str]]) -> bytes:
    lines = []
    for label, value in info:
        value = " ".join(str(value).split())  # no line breaks inside a value
        lines.append(f"{label}: {value}\n")
    return "".join(lines).encode("utf-8")


def make_bag(bag_dir: Path | str, *, source_organization: str, external_identifier: str,
             bagging_date: dt.date | None = None, extra_info: Iterable[tuple[str, str]] = (),
             digests: Mapping[str, str] | None = None) -> dict[str, str]:
    """Write the tag files for the payload already in ``bag_dir/data``; returns its digests.

    ``digests`` (relative path → sha256) may carry hashes the caller computed while writing
    the files; paths missing from it are hashed here.
    """
    bag_dir = Path(bag_dir)
    files = payload_files(bag_dir)
    known = dict(digests or {})
    out = {p: known.get(p) or file_sha256(bag_dir / p) for p in files}
    octets = sum((bag_dir / p).stat().st_size for p in files)
    info = [("Source-Organization", source_organization),
            ("Bagging-Date", (bagging_date or dt.date.today()).isoformat()),
            ("Payload-Oxum", f"{octets}.{len(files)}"),
            ("External-Identifier", external_identifier), *extra_info]
    tags = {"bagit.txt": BAGIT_TXT, "bag-info.txt": _info_text(info),
            PAYLOAD_MANIFEST: _manifest_text(out)}
    for name, data in tags.items():
        (bag_dir / name).write_bytes(data)
    tag_digests = {name: hashlib.sha256(data).hexdigest() for name, data in tags.items()}
    (bag_dir / TAG_MANIFEST).write_bytes(_manifest_text(tag_digests))
    return out


def read_bag_info(bag_dir: Path | str) -> list[tuple[str, str]]:
    """(label, value) pairs of bag-info.txt, continuation lines folded back in."""
    pairs: list[tuple[str, str]] = []
    text = (Path(bag_dir) / "bag-info.txt").read_text("utf-8")
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and pairs:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + " " + line.strip())
        elif ":" in line:
            label, value = line.split(":", 1)
            pairs.append((label.strip(), value.strip()))
    return pairs


def _read_manifest(path: Path, problems: list[Problem]) -> dict[str, str]:
    entries: dict[str, str] = {}
    name = path.name
    # split on LF only: str.splitlines() would also split names holding U+2028 and friends
    for n, line in enumerate(path.read_bytes().decode("utf-8", "replace").split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        parts = line.lstrip().split(None, 1)
        rel = decode_path(parts[1].lstrip(" \t")) if len(parts) == 2 else ""
        if not rel:
            problems.append(Problem("bag.manifest_syntax", f"{name} 第 {n} 行格式错误。", name))
            continue
        if rel.startswith("/") or "\\" in rel or ".." in rel.split("/") or ":" in rel.split("/")[0]:
            problems.append(Problem("bag.manifest_path", f"{name} 第 {n} 行的路径越出了数据包：{rel}",
                                    name))
            continue
        if rel in entries:
            problems.append(Problem("bag.manifest_duplicate", f"{name} 中重复列出了 {rel}。", rel))
        entries[rel] = parts[0].lower()
    return entries


def check_bag(bag_dir: Path | str) -> tuple[list[Problem], dict[str, str]]:
    """Validate a bag: returns (problems, sha256 of each payload file that exists).

    The digests let the package verifier compare the catalogue's sha256 without hashing again.
    """
    bag_dir = Path(bag_dir)
    problems: list[Problem] = []
    if not (bag_dir / "bagit.txt").is_file():
        return [Problem("bag.not_a_bag", "不是 BagIt 数据包：缺少 bagit.txt。", "bagit.txt")], {}
    decl = (bag_dir / "bagit.txt").read_bytes().replace(b"\r\n", b"\n")
    if b"BagIt-Version: 1.0" not in decl or b"Tag-File-Character-Encoding: UTF-8" not in decl:
        problems.append(Problem("bag.declaration", "bagit.txt 内容不符合 BagIt 1.0（UTF-8）。", "bagit.txt"))
    manifests = sorted(p for p in bag_dir.glob("manifest-*.txt") if p.is_file())
    tagmanifests = sorted(p for p in bag_dir.glob("tagmanifest-*.txt") if p.is_file())
    if not manifests:
        problems.append(Problem("bag.no_manifest", "缺少清单文件 manifest-sha256.txt。", PAYLOAD_MANIFEST))
    files = set(payload_files(bag_dir)) if (bag_dir / "data").is_dir() else set()
    if not (bag_dir / "data").is_dir():
        problems.append(Problem("bag.no_payload", "缺少 data 目录。", "data"))
    sha256: dict[str, str] = {}
    for mf in manifests:
        alg = mf.name[len("manifest-"):-len(".txt")]
        if alg not in ALGORITHMS:
            problems.append(Problem("bag.algorithm", f"不支持的校验算法清单 {mf.name}。", mf.name))
            continue
        entries = _read_manifest(mf, problems)
        for rel in sorted(files - entries.keys()):
            problems.append(Problem("bag.unlisted", f"多出文件：{rel} 不在清单 {mf.name} 中。", rel))
        for rel, expected in sorted(entries.items()):
            if rel not in files:
                problems.append(Problem("bag.missing", f"缺少文件：清单列出的 {rel} 不存在。", rel))
                continue
            actual = _digest(bag_dir / rel, alg)
            if alg == "sha256":
                sha256[rel] = actual
            if actual != expected:
                if looks_truncated(bag_dir / rel):
                    problems.append(Problem("bag.truncated", f"文件不完整（被截断）：{rel}。", rel))
                else:
                    problems.append(Problem("bag.checksum", f"文件 {rel} 的校验值与清单不符，文件已被改动或损坏。",
                                            rel))
    problems += _check_oxum(bag_dir, files)
    listed_tags: set[str] = set()
    for tm in tagmanifests:
        alg = tm.name[len("tagmanifest-"):-len(".txt")]
        if alg not in ALGORITHMS:
            problems.append(Problem("bag.algorithm", f"不支持的校验算法清单 {tm.name}。", tm.name))
            continue
        entries = _read_manifest(tm, problems)
        listed_tags |= entries.keys()
        for rel, expected in sorted(entries.items()):
            p = bag_dir / rel
            if not p.is_file():
                problems.append(Problem("bag.missing", f"缺少文件：标签清单列出的 {rel} 不存在。", rel))
            elif _digest(p, alg) != expected:
                problems.append(Problem("bag.tag_checksum", f"清单文件被修改：{rel} 的校验值与 {tm.name} 不符。", rel))
    problems += _unexpected(bag_dir, manifests, tagmanifests, listed_tags)
    return problems, sha256


def _digest(path: Path, alg: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, alg).hexdigest()


def _check_oxum(bag_dir: Path, files: set[str]) -> list[Problem]:
    if not (bag_dir / "bag-info.txt").is_file():
        return [Problem("bag.no_info", "缺少 bag-info.txt。", "bag-info.txt")]
    oxum = dict(read_bag_info(bag_dir)).get("Payload-Oxum")
    if not oxum:
        return [Problem("bag.oxum", "bag-info.txt 中缺少 Payload-Oxum。", "bag-info.txt")]
    octets = sum((bag_dir / p).stat().st_size for p in files)
    if oxum != f"{octets}.{len(files)}":
        return [Problem("bag.oxum", f"Payload-Oxum 为 {oxum}，实际为 {octets}.{len(files)}"
                        "（文件数或总字节数不符）。", "bag-info.txt")]
    return []


def _unexpected(bag_dir: Path, manifests, tagmanifests, listed: set[str]) -> list[Problem]:
    """Anything outside data/ that is neither a standard tag file nor listed in a tag manifest."""
    known = {"bagit.txt", "bag-info.txt", *(p.name for p in manifests), *(p.name for p in tagmanifests)}
    out = []
    for root, dirs, names in os.walk(bag_dir):
        if Path(root) == bag_dir:
            dirs[:] = [d for d in dirs if d != "data"]
        for name in sorted(names):
            rel = (Path(root) / name).relative_to(bag_dir).as_posix()
            if rel not in known and rel not in listed:
                out.append(Problem("bag.unexpected", f"多出文件：数据包中有多余的文件 {rel}。", rel))
    return out


def verify_bag(bag_dir: Path | str) -> list[str]:
    """Every problem of the bag, as Chinese sentences (empty list = valid)."""
    return [p.message_cn for p in check_bag(bag_dir)[0]]


def looks_truncated(path: Path) -> bool:
    """A PDF whose last 1 KiB holds no %%EOF was cut off (other files: never judged so)."""
    if path.suffix.lower() != ".pdf":
        return False
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            n = f.tell()
            f.seek(max(0, n - 1024))
            return b"%%EOF" not in f.read()
    except OSError:
        return False
