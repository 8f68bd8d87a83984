"""Document builder (一户一档 etc.): fonts, Chinese text, page numbers, tables across pages."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from fupin_desktop.reports import pdfcheck
from fupin_desktop.reports.document import DocumentBuilder
from fupin_desktop.reports.ledger import Column

PAGE_RE = re.compile(r"第\s*(\d+)\s*页\s*共\s*(\d+)\s*页")
MEMBER_COLS = [
    Column("no", "序号", 0.5, "center"),
    Column("name", "姓名", 1.0),
    Column("id", "证件号码", 2.0, wrap=False, mono=True),
    Column("rel", "与户主关系", 1.0),
    Column("note", "备注", 3.0),
]
ADDRESS = "贵州省黔东南州某某县青石镇白沙河村第二村民小组18号（靠近村委会，沿河公路旁）" * 2


def _household(members=4):
    d = DocumentBuilder("一户一档", unit="青石镇乡村振兴办公室",
                        header_text="一户一档 · 户主：张三丰")
    d.cover("脱贫户家庭档案", [("户编号", "522722000000000123"), ("户主", "张三丰"),
                              ("行政村", "白沙河村"), ("乡镇", "青石镇")],
            date_text="2024年12月31日", subtitle="（2024年度）")
    d.section("一、家庭基本情况")
    d.kv([("户主", "张三丰"), ("证件号码", "522722198001010012"), ("家庭人口", f"{members}人"),
          ("联系电话", "13800001234"), ("家庭住址", ADDRESS, True), ("户类型", "脱贫户")], cols=2)
    d.kv([("人均纯收入", "12,345.67元"), ("工资性收入", "30,000.00元"),
          ("经营性收入", "5,000.00元"), ("转移性收入", "3,200.00元")], cols=3)
    d.section("二、家庭成员")
    rows = [[str(k + 1), "张三丰" if k == 0 else f"张小{'一二三四五六七八九'[k % 9]}",
             f"52272219800101{k:04d}", "户主" if k == 0 else "之子",
             "在浙江宁波务工，月收入约4000元，每年春节返乡。" * (k % 3)] for k in range(members)]
    d.table(MEMBER_COLS, rows, totals=["合计", f"{members}人", "", "", ""])
    d.section("三、帮扶措施")
    d.paragraph("2024年享受产业奖补2000元，参加技能培训1次，落实公益性岗位1个（护林员）。")
    d.paragraph("特殊字符 <b> & 不应被当作标记。", indent=False)
    return d


def test_household_file_renders_with_embedded_font(tmp_path):
    path = tmp_path / "一户一档.pdf"
    pages = _household().build(path)
    assert pages == pdfcheck.page_count(path) == 2  # cover + one content page
    fonts = pdfcheck.pdf_fonts(path)
    assert fonts and pdfcheck.all_fonts_embedded(path)
    assert all("WenQuanYi" in name for name, _, _ in fonts), fonts
    texts = pdfcheck.extract_text(path, pages=True)
    assert "脱贫户家庭档案" in texts[0] and "522722000000000123" in texts[0]
    assert "白沙河村" in texts[0] and "青石镇乡村振兴办公室" in texts[0]
    body = texts[1]
    for s in ("一、家庭基本情况", "二、家庭成员", "三、帮扶措施", "张三丰", "证件号码",
              "12,345.67元", "<b> & 不应被当作标记", "护林员", "合计"):
        assert s in body, s
    # the long address wraps inside its merged cell but every character is there
    assert ADDRESS in body.replace("\n", "")


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_agrees(tmp_path):
    path = tmp_path / "d.pdf"
    _household().build(path)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), out.stdout


def test_page_numbers_and_header_repeat_for_long_table(tmp_path):
    path = tmp_path / "big.pdf"
    pages = _household(members=60).build(path)
    assert pages >= 4 and pages == pdfcheck.page_count(path)
    texts = pdfcheck.extract_text(path, pages=True)
    for n, text in enumerate(texts, 1):
        assert PAGE_RE.findall(text) == [(str(n), str(pages))], (n, text[-80:])
    member_pages = [t for t in texts if "522722198001010" in t]
    assert len(member_pages) >= 3
    for t in member_pages:  # the table header is repeated wherever the table continues
        assert "证件号码" in t and "与户主关系" in t
    whole = "".join(texts)
    for k in range(60):
        assert f"52272219800101{k:04d}" in whole  # no member row lost at a page break


def test_on_page_hook_sees_total_and_build_to_file_object():
    seen = []
    buf = io.BytesIO()
    pages = _household().build(buf, on_page=lambda canv, n, total: seen.append((n, total)))
    assert buf.getvalue().startswith(b"%PDF")
    assert seen == [(n, pages) for n in range(1, pages + 1)]


def test_builder_without_cover(tmp_path):
    path = tmp_path / "plain.pdf"
    d = DocumentBuilder("监测对象信息表")
    d.section("基本信息").kv([("姓名", "李秀英"), ("性别", "女"), ("年龄", "67")], cols=3)
    d.table(MEMBER_COLS[:3], [])
    assert d.build(path) == 1
    text = pdfcheck.extract_text(path)
    assert "李秀英" in text and "第 1 页 共 1 页" in text and "姓名" in text


def test_row_taller_than_a_page_is_split_not_lost(tmp_path):
    path = tmp_path / "long.pdf"
    note = "帮扶措施记录内容" * 1200
    d = DocumentBuilder("帮扶记录")
    d.section("帮扶措施").table([Column("no", "序号", 0.5), Column("t", "内容", 5)],
                                [["1", note], ["2", "结束"]])
    pages = d.build(path)
    assert pages >= 3
    text = pdfcheck.extract_text(path).replace("\n", "")
    # page breaks interrupt the phrase (footer, repeated header): count a glyph instead
    assert text.count("施") == 1200 + 1 and "结束" in text  # + the section heading
