"""Benchmark: a 40,000-row members ledger (≈1,600 A4 landscape pages) through render_ledger.

Prints pages, seconds and pages/s for the engine next to a floor measured in the same run: a
bare ReportLab canvas drawing the same pages with one drawString per cell (no wrapping, no grid,
no layout). Target: engine ≤ 30 s.

    /work/venv/bin/python bench/bench_ledger.py [--rows 40000] [--keep out.pdf]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fupin_desktop.formats.fonts import FONT, new_canvas, register_fonts  # noqa: E402
from fupin_desktop.reports.ledger import (  # noqa: E402
    A4_LANDSCAPE, Column, LedgerSpec, layout_ledger, render_ledger)

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏"
            "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅文辉春林海燕琴云飞鹏金凤德福荣贵兵成亮玲婷雪梅"
VILLAGES = ["青石村", "白沙河村", "红岩村", "龙潭村", "杨柳湾村", "高峰村", "新民村", "观音阁村",
            "大坪村", "小河村", "石门坎村", "黄泥塘村"]
RELATIONS = ["户主", "配偶", "之子", "之女", "之孙子", "之孙女", "之父", "之母", "儿媳", "其他"]
HEALTH = ["健康", "健康", "健康", "长期慢性病", "患有大病", "残疾", "残疾,长期慢性病"]
SKILLS = ["普通劳动力", "普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"]
WORK = ["", "", "3个月", "6个月", "10个月", "12个月"]


def make_rows(n: int, seed: int = 20240101) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        birth = f"{rnd.randint(1935, 2020)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        rows.append([
            str(i + 1),
            rnd.choice(VILLAGES),
            f"52272{rnd.randrange(10**13, 10**14)}",
            rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2))),
            f"522722{birth}{rnd.randint(0, 999):03d}{rnd.choice('0123456789X')}",
            rnd.choice("男女"),
            f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
            rnd.choice(RELATIONS),
            rnd.choice(HEALTH),
            rnd.choice(SKILLS),
            rnd.choice(WORK),
            f"1{rnd.choice('3578')}{rnd.randrange(10**8, 10**9)}",
        ])
    return rows


COLUMNS = [
    Column("no", "序号", 0.6, "right", wrap=False),
    Column("village", "行政村", 1.1),
    Column("hh", "户编号", 1.7, wrap=False, mono=True),
    Column("name", "姓名", 0.9),
    Column("id", "证件号码", 2.0, wrap=False, mono=True),
    Column("sex", "性别", 0.5, "center"),
    Column("birth", "出生日期", 1.0, "center", wrap=False),
    Column("rel", "与户主关系", 0.9),
    Column("health", "健康状况", 1.2),
    Column("skill", "劳动技能", 1.3),
    Column("work", "务工时间", 0.8, "center"),
    Column("phone", "联系电话", 1.2, wrap=False, mono=True),
]


def floor(rows, rows_per_page: int, pages: int, path: str) -> float:
    """Same number of pages, one bare drawString per cell: what ReportLab itself costs."""
    register_fonts()
    t = time.perf_counter()
    c = new_canvas(path, A4_LANDSCAPE)
    n = 0
    for _ in range(pages):
        c.setFont(FONT, 9)
        y = 540.0
        for row in rows[n:n + rows_per_page]:
            x = 30.0
            for s in row:
                c.drawString(x, y, s)
                x += 65.0
            y -= 18.0
        n += rows_per_page
        c.showPage()
    c.save()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=40_000)
    ap.add_argument("--keep", help="also keep the ledger PDF here")
    args = ap.parse_args()
    rows = make_rows(args.rows)
    total = ["合计", "", "", f"{len(rows)}人"] + [""] * (len(COLUMNS) - 4)
    spec = LedgerSpec("2024年度脱贫人口家庭成员信息台账", COLUMNS, rows, unit="青石镇乡村振兴办公室",
                      date_text="2024年12月31日", subtitle="（全部行政村）", totals=total)
    tmpdir = tempfile.mkdtemp(prefix="bench_ledger_")
    out = args.keep or os.path.join(tmpdir, "ledger.pdf")
    register_fonts()  # font loading is a one-off start-up cost, not part of either figure

    t0 = time.perf_counter()
    lay = layout_ledger(spec)
    t1 = time.perf_counter()
    pages = render_ledger(spec, out, layout=lay)
    t2 = time.perf_counter()
    engine = t2 - t0
    per_page = max(len(p) for p in lay.pages)
    fl = floor(rows, per_page, pages, os.path.join(tmpdir, "floor.pdf"))
    size = os.path.getsize(out) / 1e6
    print(f"rows            {len(rows):>10,}")
    print(f"pages           {pages:>10,}  ({lay.page_size_name} landscape, {per_page} rows/page)")
    print(f"layout          {t1 - t0:>10.2f} s")
    print(f"draw + save     {t2 - t1:>10.2f} s")
    print(f"engine total    {engine:>10.2f} s   {pages / engine:7.1f} pages/s   {size:.1f} MB")
    print(f"floor           {fl:>10.2f} s   {pages / fl:7.1f} pages/s   (drawString per cell)")
    print(f"ratio           {engine / fl:>10.2f} x floor   target ≤ 30 s: "
          f"{'OK' if engine <= 30 else 'MISSED'}")


if __name__ == "__main__":
    main()
