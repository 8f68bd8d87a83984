"""Benchmark: parsing a national monitoring export of 150,000 members (≈40,000 households).

Prints the floor (a bare python-calamine read of every row), the time of
``parse_national_export`` on the same file, their ratio, and the peak RSS of the process.
Target: parse ≤ 2 × floor (the database insert comes on top; the whole import must stay within
3 × floor, 30 s and 1 GB).

    python bench/bench_import_parse.py [--members 150000] [--regenerate] [--style excel] [--merged]

The generated workbook is cached under /tmp (generating it with openpyxl takes about a minute).
``--style excel`` writes shared strings as Excel/WPS do: calamine reads that faster, so the floor
is lower and the ratio stricter. ``--merged`` merges the household columns of each household.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fupin_desktop.domain.idcard import check_char  # noqa: E402

HEADER = [
    "序号", "县", "乡(镇)", "行政村", "户编号", "户类型", "监测对象类别", "识别监测时间",
    "致贫返贫风险1", "致贫返贫风险2", "风险是否已消除", "风险消除方式", "家庭人口数",
    "人均纯收入(元)", "工资性收入(元)", "生产经营性收入(元)", "财产性收入(元)", "转移性收入(元)",
    "生产经营性支出(元)", "合规自付支出(元)", "户联系电话", "开户银行", "银行账号", "是否危房户",
    "是否解决安全饮用水", "帮扶责任人", "帮扶责任人联系电话", "产业帮扶", "就业帮扶",
    "公益性岗位帮扶", "健康帮扶", "教育帮扶", "住房安全保障", "饮水安全保障", "综合保障", "金融帮扶",
    "社会帮扶", "姓名", "证件类型", "证件号码", "性别", "民族", "出生日期", "与户主关系", "文化程度",
    "在校生状况", "健康状况", "劳动技能", "务工时间(月)", "是否参加城乡居民基本医疗保险",
    "是否参加大病保险", "是否参加城乡居民基本养老保险", "家庭成员联系电话", "备注", "数据来源",
]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
            "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
            "顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华梅鑫玉兰萍红娥玲芬燕彬宇浩凯健俊帆帅旭宁龙林欢阳建国志文辉力明永健世广海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰"
VILLAGES = ["幸福村", "团结村", "红旗村", "光明村", "胜利村", "前进村", "和平村", "东风村", "新民村", "永丰村"]
RISKS = ["因病", "因残", "因学", "因意外事故", "因务工就业不稳", "缺劳动力", "因自然灾害", "因产业项目失败"]


def _luhn_complete(prefix: str) -> str:
    digits = [int(c) for c in prefix + "0"]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


def export_rows(members: int, seed: int = 20251120):
    """Yield (household_rows) lists: one list of member rows per household."""
    rng = random.Random(seed)
    used_ids: set[str] = set()
    seq = 0
    hh = 0
    while seq < members:
        hh += 1
        size = min(rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 6)), members - seq)
        village_no = rng.randrange(1, 11)
        code = f"52272910{village_no:02d}{hh:06d}"
        monitored = rng.random() < 0.2
        wage = rng.choice((0, 6000, 12000, 18000, 24000, 36000))
        business = rng.choice((0, 1500, 3000, 8000))
        prop = rng.choice((0, 300, 800))
        transfer = rng.choice((0, 1200, 2400, 4800))
        expense = rng.choice((0, 500, 1000))
        per_capita = round((wage + business + prop + transfer - expense) / size, 2)
        house = [
            None, "长顺县", "广顺镇", VILLAGES[village_no - 1], code,
            rng.choice(("脱贫户", "一般农户")),
            rng.choice(("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")) if monitored else "",
            f"2024{rng.randrange(1, 13):02d}" if monitored else "",
            rng.choice(RISKS) if monitored else "", "", "否" if monitored else "", "",
            size, per_capita, wage, business, prop, transfer, expense, 0,
            f"1{rng.randrange(3, 10)}{rng.randrange(10**9):09d}", "农村信用社",
            _luhn_complete(f"622848{rng.randrange(10**12):012d}"),
            rng.choice(("是", "否")), "是", rng.choice(SURNAMES) + rng.choice(GIVEN),
            f"139{rng.randrange(10**8):08d}",
        ] + [rng.choice(("是", "")) for _ in range(10)]
        surname = rng.choice(SURNAMES)
        rows = []
        for m in range(size):
            seq += 1
            while True:
                birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 80))
                body = f"522729{birth:%Y%m%d}{rng.randrange(1000):03d}"
                idno = body + check_char(body)
                if idno not in used_ids:
                    used_ids.add(idno)
                    break
            male = int(idno[16]) % 2 == 1
            row = list(house)
            row[0] = seq
            row += [
                (surname if m != 1 else rng.choice(SURNAMES)) + rng.choice(GIVEN),
                "居民身份证", idno, "男" if male else "女", rng.choice(("汉族", "苗族", "布依族")),
                f"{birth:%Y%m%d}", ("户主", "配偶", "之子", "之女", "之子", "之女")[m],
                rng.choice(("小学", "初中", "高中", "大专及以上")), "非在校生",
                rng.choice(("健康", "长期慢性病", "残疾")), "普通劳动力", rng.choice((0, 6, 12)),
                "是", "是", rng.choice(("是", "否")), "", "", "",
            ]
            rows.append(row)
        yield rows


TITLE = ["（自定义）监测对象信息"]
NOTE = ["导出时间:2025-11-20 10:31:07    导出范围:贵州省黔南州长顺县广顺镇"]


def generate(path: Path, members: int, seed: int = 20251120) -> None:
    """openpyxl write_only: inline strings, as Java exporters (POI SXSSF) write them."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("监测对象信息")
    ws.append(TITLE)
    ws.append(NOTE)
    ws.append(HEADER)
    for rows in export_rows(members, seed):
        for row in rows:
            ws.append(row)
    wb.save(path)


def _col(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def generate_excel_style(path: Path, members: int, merged: bool, seed: int = 20251120) -> None:
    """Shared strings, as Excel/WPS save a file (a faster floor than inline strings), and
    optionally the household columns merged across each household's rows."""
    import zipfile
    from xml.sax.saxutils import escape

    sst: dict[str, int] = {}
    cols = [_col(i) for i in range(len(HEADER))]
    household_cols = range(1, 37)  # 县 … 社会帮扶 (序号 and member columns stay per row)
    merges: list[str] = []

    def cell(ref: str, v) -> str:
        if v is None or v == "":
            return ""
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v!r}</v></c>'
        i = sst.setdefault(v, len(sst))
        return f'<c r="{ref}" t="s"><v>{i}</v></c>'

    def row_xml(r: int, values) -> str:
        return f'<row r="{r}">' + "".join(cell(f"{cols[c]}{r}", v)
                                          for c, v in enumerate(values)) + "</row>"

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData>')
            for r, vals in ((1, TITLE), (2, NOTE), (3, HEADER)):
                f.write(row_xml(r, vals).encode())
            r = 3
            for rows in export_rows(members, seed):
                first = r + 1
                for k, row in enumerate(rows):
                    r += 1
                    if merged and k:
                        row = [v if c not in household_cols else None for c, v in enumerate(row)]
                    f.write(row_xml(r, row).encode())
                if merged and len(rows) > 1:
                    merges += [f"{cols[c]}{first}:{cols[c]}{r}" for c in household_cols]
            f.write(b"</sheetData>")
            if merges:
                f.write(f'<mergeCells count="{len(merges)}">'.encode())
                f.write("".join(f'<mergeCell ref="{m}"/>' for m in merges).encode())
                f.write(b"</mergeCells>")
            f.write(b"</worksheet>")
        z.writestr("xl/sharedStrings.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
                   f'schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(sst)}" '
                   f'uniqueCount="{len(sst)}">'
                   + "".join(f"<si><t>{escape(s)}</t></si>" for s in sst) + "</sst>")
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
                   'schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" '
                   'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                   'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/'
                   'sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<workbook xmlns="http://'
                   'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   '<sheet name="监测对象信息" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                   'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                   '</Relationships>')


def _current_rss_mb() -> float:
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def floor_read(path: Path) -> int:
    """Bare python-calamine: open, load the sheet, turn every row into Python objects."""
    import python_calamine

    wb = python_calamine.load_workbook(str(path))
    sheet = wb.get_sheet_by_index(0)
    sheet.merged_cell_ranges  # reading the merges is part of reading the file
    n = 0
    for _row in sheet.iter_rows():
        n += 1
    wb.close()
    return n


def timed(fn, *args):
    """(wall seconds, CPU seconds, result). CPU time is printed too because benchmarks often
    share the machine: wall time then measures the neighbours as much as the code."""
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args)
    return time.perf_counter() - w0, time.process_time() - c0, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=150_000)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--style", choices=("openpyxl", "excel"), default="openpyxl",
                    help="openpyxl write_only (inline strings, the default) or an Excel-style "
                         "file with shared strings (faster to read, so a lower floor)")
    ap.add_argument("--merged", action="store_true",
                    help="household columns merged across each household's rows (excel style)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs for each timing")
    args = ap.parse_args(argv)

    cache = Path(tempfile.gettempdir()) / "fupin_bench"
    cache.mkdir(exist_ok=True)
    if args.merged:
        args.style = "excel"
    suffix = {"openpyxl": "", "excel": "_excel"}[args.style] + ("_merged" if args.merged else "")
    path = cache / f"national_export_{args.members}{suffix}.xlsx"
    if args.regenerate or not path.exists():
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp.xlsx")
        if args.style == "openpyxl":
            generate(tmp, args.members)
        else:
            generate_excel_style(tmp, args.members, args.merged)
        tmp.replace(path)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s")
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB)")

    from fupin_desktop.importers.national_export import parse_national_export

    # interleaved runs, best of each: load from neighbours hits both sides alike
    floors, parses = [], []
    parsed = None
    for _ in range(args.repeat):
        wall, cpu, nrows = timed(floor_read, path)
        floors.append((wall, cpu))
        parsed = None
        wall, cpu, parsed = timed(parse_national_export, path)
        parses.append((wall, cpu))
    floor_w, floor_c = min(f[0] for f in floors), min(f[1] for f in floors)
    parse_w, parse_c = min(p[0] for p in parses), min(p[1] for p in parses)
    res = parsed.result
    print(f"floor  (calamine read of {nrows} rows): wall {floor_w:6.2f} s   cpu {floor_c:6.2f} s")
    print(f"parse  (parse_national_export):        wall {parse_w:6.2f} s   cpu {parse_c:6.2f} s")
    print(f"       households {len(parsed.households)}, members {len(parsed.members)}, "
          f"rejected {res.rows_rejected}, warnings {len(res.warning_rows)}, "
          f"skipped {res.rows_skipped}")
    ratio_w, ratio_c = parse_w / floor_w, parse_c / floor_c
    verdict = "OK" if min(ratio_w, ratio_c) <= 2.0 else "SLOW"
    print(f"ratio parse/floor: wall {ratio_w:.2f}, cpu {ratio_c:.2f}  (target ≤ 2.0)  {verdict}")
    print(f"peak RSS: {_peak_rss_mb():.0f} MB  (limit 1024 MB); after the parse, with the "
          f"workbook released and the records kept: {_current_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
