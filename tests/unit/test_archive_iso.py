"""ISO 9660 + Joliet image: Chinese names survive via Joliet, ISO names are level-1 safe."""

from __future__ import annotations

import re

import pytest

pycdlib = pytest.importorskip("pycdlib")

from fupin_desktop.archive.iso import build_iso, list_joliet  # noqa: E402


def test_image_of_small_tree_lists_joliet_names(tmp_path):
    src = tmp_path / "bag"
    (src / "data" / "纸质文件").mkdir(parents=True)
    (src / "bagit.txt").write_text("BagIt-Version: 1.0\n")
    (src / "bag-info.txt").write_text("x\n")
    (src / "data" / "Z012-WS·2025-Y-SB-0001.pdf").write_bytes(b"%PDF-1")
    (src / "data" / "Z012-WS·2025-Y-SB-0002.pdf").write_bytes(b"%PDF-2")
    (src / "data" / "说明文件.TXT").write_text("说明", "utf-8")
    (src / "data" / "纸质文件" / "归档文件目录.pdf").write_bytes(b"%PDF-3")
    long_name = "很长的文件名" * 5 + ".pdf"  # 94 UTF-8 bytes: over Joliet's limit
    (src / "data" / long_name).write_bytes(b"%PDF-4")

    result = build_iso(src, tmp_path / "out.iso", volume_id="Z012-2025")
    assert result.files == 7
    names = list_joliet(tmp_path / "out.iso")
    short = result.renamed.pop(f"data/{long_name}")
    assert result.renamed == {} and short.endswith("~1.pdf") and len(short.encode()) <= 64
    assert names == sorted(["/bag-info.txt", "/bagit.txt", "/data/Z012-WS·2025-Y-SB-0001.pdf",
                            "/data/Z012-WS·2025-Y-SB-0002.pdf", "/data/纸质文件/归档文件目录.pdf",
                            "/data/说明文件.TXT", f"/data/{short}"])

    iso = pycdlib.PyCdlib()
    iso.open(str(tmp_path / "out.iso"))
    try:
        plain = [f"{root}/{n}" for root, _d, files in iso.walk(iso_path="/") for n in files]
        # level 1: 8.3 names of A–Z 0–9 _ only
        assert all(re.fullmatch(r"[A-Z0-9_]{1,8}(\.[A-Z0-9_]{0,3})?;1", p.rsplit("/", 1)[1]) for p in plain)
        with iso.open_file_from_iso(joliet_path="/data/Z012-WS·2025-Y-SB-0002.pdf") as f:
            assert f.read() == b"%PDF-2"
    finally:
        iso.close()
