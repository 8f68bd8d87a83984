"""Tamper helpers: digest typing and grouping, and comparing a package with its build record."""

from __future__ import annotations

import hashlib

from fupin_desktop.archive.tamper import (
    RecordedFile, compare_with_record, group_digest, normalise_digest,
)

HEX = hashlib.sha256(b"x").hexdigest()


def test_a_digest_is_typed_as_read_aloud_and_grouped_for_reading():
    grouped = group_digest(HEX)
    assert grouped.replace(" ", "") == HEX and len(grouped.split()) == 16
    assert normalise_digest(grouped.upper()) == HEX
    assert normalise_digest(HEX[:-1]) == "" and normalise_digest(HEX[:-1] + "g") == ""


def _bag(tmp_path, files: dict[str, bytes]):
    for rel, data in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return tmp_path


def _rec(files: dict[str, bytes]) -> dict[str, RecordedFile]:
    return {rel: RecordedFile(hashlib.sha256(d).hexdigest(), len(d)) for rel, d in files.items()}


def test_each_kind_of_difference_has_its_own_message(tmp_path):
    pdf = b"%PDF-1.7\n" + b"0" * 3000 + b"\n%%EOF\n"
    built = {"data/a.pdf": pdf, "data/b.pdf": pdf + b" ", "data/c.pdf": pdf, "data/d.txt": b"abc"}
    bag = _bag(tmp_path, {"data/a.pdf": pdf[:1000],  # cut off
                          "data/b.pdf": pdf,  # shorter but complete: an edit
                          "data/d.txt": b"abd",  # same size, other content
                          "data/e.pdf": pdf})  # new; c.pdf gone
    got = {p.path: (p.code, p.message_cn) for p in compare_with_record(bag, _rec(built))}
    assert got["data/a.pdf"][0] == "tamper.truncated" and got["data/a.pdf"][1].startswith("文件不完整（被截断）")
    assert got["data/b.pdf"][0] == "tamper.changed" and "文件内容与生成时记录不符" in got["data/b.pdf"][1]
    assert got["data/d.txt"][0] == "tamper.changed"
    assert got["data/c.pdf"][0] == "tamper.missing" and got["data/c.pdf"][1].startswith("缺少文件")
    assert got["data/e.pdf"][0] == "tamper.extra" and got["data/e.pdf"][1].startswith("多出文件")
    assert compare_with_record(bag, _rec({k: (bag / k).read_bytes() for k in got if k != "data/c.pdf"})) == []
