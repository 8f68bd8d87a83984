"""BagIt (RFC 8493) writer/validator: exact tag files, and every corruption is reported."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from fupin_desktop.archive.bagit import (
    check_bag,
    decode_path,
    encode_path,
    make_bag,
    read_bag_info,
    verify_bag,
)


@pytest.fixture
def bag(tmp_path):
    d = tmp_path / "bag"
    (d / "data" / "子目录").mkdir(parents=True)
    (d / "data" / "说明文件.TXT").write_bytes("说明\n".encode())
    (d / "data" / "子目录" / "Z012-WS·2025-Y-SB-0001.pdf").write_bytes(b"%PDF-1.7 x")
    (d / "data" / "100% done.txt").write_bytes(b"")
    make_bag(d, source_organization="某某镇人民政府", external_identifier="Z012-2025",
             bagging_date=dt.date(2026, 1, 15), extra_info=[("Bag-Group-Identifier", "Z012")])
    return d


def codes(d):
    return [p.code for p in check_bag(d)[0]]


def test_tag_files_are_exact(bag):
    assert (bag / "bagit.txt").read_bytes() == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    info = (bag / "bag-info.txt").read_text("utf-8")
    assert info == ("Source-Organization: 某某镇人民政府\nBagging-Date: 2026-01-15\n"
                    "Payload-Oxum: 17.3\nExternal-Identifier: Z012-2025\nBag-Group-Identifier: Z012\n")
    manifest = (bag / "manifest-sha256.txt").read_text("utf-8").splitlines()
    paths = [line.split(" ", 1)[1] for line in manifest]
    assert paths == ["data/100%25 done.txt", "data/子目录/Z012-WS·2025-Y-SB-0001.pdf", "data/说明文件.TXT"]
    assert manifest[0].split()[0] == hashlib.sha256(b"").hexdigest()
    tags = [line.split(" ", 1)[1] for line in (bag / "tagmanifest-sha256.txt").read_text().splitlines()]
    assert tags == ["bag-info.txt", "bagit.txt", "manifest-sha256.txt"]
    assert dict(read_bag_info(bag))["Payload-Oxum"] == "17.3"


def test_valid_bag_has_no_problems_and_returns_digests(bag):
    problems, digests = check_bag(bag)
    assert problems == [] and verify_bag(bag) == []
    assert digests["data/说明文件.TXT"] == hashlib.sha256("说明\n".encode()).hexdigest()


def test_deterministic(bag, tmp_path):
    first = {p.name: p.read_bytes() for p in bag.glob("*.txt")}
    make_bag(bag, source_organization="某某镇人民政府", external_identifier="Z012-2025",
             bagging_date=dt.date(2026, 1, 15), extra_info=[("Bag-Group-Identifier", "Z012")])
    assert {p.name: p.read_bytes() for p in bag.glob("*.txt")} == first


def test_changed_byte(bag):
    f = bag / "data" / "说明文件.TXT"
    raw = bytearray(f.read_bytes())
    raw[0] ^= 1
    f.write_bytes(bytes(raw))
    assert codes(bag) == ["bag.checksum"]
    assert "说明文件.TXT" in verify_bag(bag)[0]


def test_missing_file(bag):
    (bag / "data" / "说明文件.TXT").unlink()
    assert codes(bag) == ["bag.missing", "bag.oxum"]


def test_extra_payload_file(bag):
    (bag / "data" / "多余.pdf").write_bytes(b"x")
    assert codes(bag) == ["bag.unlisted", "bag.oxum"]


def test_extra_file_outside_payload(bag):
    (bag / "notes.txt").write_text("x")
    assert codes(bag) == ["bag.unexpected"]


def test_tag_file_tampered(bag):
    p = bag / "bag-info.txt"
    p.write_text(p.read_text("utf-8").replace("某某镇", "某镇"), "utf-8")
    assert codes(bag) == ["bag.tag_checksum"]
    assert verify_bag(bag)[0].startswith("清单文件被修改")


def test_manifest_line_for_absent_and_escaping_paths(bag):
    m = bag / "manifest-sha256.txt"
    m.write_text(m.read_text("utf-8") + "00 ../etc/passwd\n", "utf-8")
    assert "bag.manifest_path" in codes(bag)


def test_not_a_bag(tmp_path):
    assert codes(tmp_path) == ["bag.not_a_bag"]


def test_percent_encoding_roundtrip():
    name = "a%b\r\nc%41.txt"
    assert encode_path(name) == "a%25b%0D%0Ac%2541.txt"
    assert decode_path(encode_path(name)) == name
    assert decode_path("x%41") == "x%41"  # only CR, LF and % are escapes
