"""文件目录.XML / .csv round trip and the 说明文件."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin_desktop.archive import catalogue as c


def sample():
    e = c.CatalogueEntry("Z012-WS·2025-Y-SB-0001", "Z012", 2025, "Y", "SB", "识别类", 1, "示政〔2025〕1号",
                         "示例镇人民政府", "关于<识别>&认定的通知", "20250301", "", 3, "含附件", 1,
                         "Z012-WS·2025-Y-SB-0001.pdf", "ab" * 32)
    return c.Catalogue("Z012", "示例镇人民政府", 2025, [e],
                       [c.BoxEntry(1, 2025, "Y", "SB", 1, 1, 3, 20)],
                       [c.OtherFile("纸质文件/归档文件目录.pdf", "归档文件目录", "cd" * 32)])


def test_xml_round_trip(tmp_path):
    cat = sample()
    p = tmp_path / c.XML_NAME
    p.write_bytes(c.catalogue_xml(cat))
    assert p.read_text("utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<归档文件目录 全宗号="Z012"')
    assert "<件号>0001</件号>" in p.read_text("utf-8")
    back = c.read_catalogue(p)
    assert back == cat


def test_csv_has_bom_and_matches(tmp_path):
    cat = sample()
    data = c.catalogue_csv(cat)
    assert data.startswith(b"\xef\xbb\xbf\xe5\xba\x8f\xe5\x8f\xb7,")  # BOM + 序号
    p = tmp_path / c.CSV_NAME
    p.write_bytes(data)
    rows = c.read_csv_rows(p)
    assert rows[1][1] == "Z012-WS·2025-Y-SB-0001" and rows[1][7] == "0001"
    assert c.csv_matches(cat, rows)
    rows[1][10] = "改过的题名"
    assert not c.csv_matches(cat, rows)


def test_unreadable_catalogue(tmp_path):
    p = tmp_path / c.XML_NAME
    p.write_text("<其他/>", "utf-8")
    with pytest.raises(c.CatalogueError):
        c.read_catalogue(p)
    p.write_text("<归档文件目录><文件><档号>x</档号></文件></归档文件目录>", "utf-8")
    with pytest.raises(c.CatalogueError, match="缺少"):
        c.read_catalogue(p)


def test_readme_counts_and_standards():
    text = c.readme_text(sample(), software="fupin_desktop 0.1.0", built_on=dt.date(2026, 1, 10))
    assert "共 1 件，3 页，1 盒" in text and "永久  识别类（SB）：1 件，3 页，1 盒" in text
    assert "DA/T 22-2015" in text and "RFC 8493" in text and "2026-01-10" in text
    assert "\r\n" in text
