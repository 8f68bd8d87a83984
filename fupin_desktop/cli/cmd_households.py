"""Household commands: ``fupin import households``, ``fupin ledger households|members|
monitoring|measures|visits`` and ``fupin household-file 户编号 --out F.pdf`` (一户一档)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

MAX_LISTED = 20  # rejects listed in the human summary; --report / --json carry all of them


def _check_out(path: str, *, directory_ok: bool = False) -> Path:
    p = Path(path)
    if directory_ok and p.suffix.lower() != ".pdf":
        return p  # a folder for one file per household: created when missing
    if not p.parent.exists():
        raise InputError(f"输出文件夹“{p.parent}”不存在，请先建立该文件夹或换一个位置")
    if p.is_dir():
        raise InputError(f"“{p}”是一个文件夹，请给出文件名（如 台账.pdf）")
    return p


# ---- import -----------------------------------------------------------------------------------

def _import_args(p) -> None:
    p.add_argument("--year", type=int, metavar="Y",
                   help="收入数据所属年度（默认取表头上方标题中的年份，如“导出时间:2025-…”，否则为今年）")
    p.add_argument("--restore-deleted", action="store_true",
                   help="表中有已删除的户时恢复该户并导入（默认：该户的行不导入，注明“该户已删除”）")


def _import(db, args):
    from ..services.households.importing import import_households

    if args.report:
        _check_out(args.report)
    result = import_households(db, args.file, year=args.year,
                               restore_deleted=getattr(args, "restore_deleted", False))
    data = result.to_json()
    name = Path(args.file).name
    if args.report:
        from ..exporters.import_report import write_import_report

        write_import_report(result, args.report, title=f"户信息导入结果：{name}")
        data["report"] = str(args.report)
    c = result.counts
    lines = [
        f"已导入“{name}”（收入年度 {c.get('income_year')}）：",
        f"  农户 新增 {c.get('households_created', 0)} 户，更新 {c.get('households_updated', 0)} 户；"
        f"家庭成员 新增 {c.get('members_created', 0)} 人，更新 {c.get('members_updated', 0)} 人"
        + (f"；恢复已删除的户 {c['households_restored']} 户" if c.get("households_restored") else ""),
        f"  导入 {result.rows_imported} 行，未导入 {result.rows_rejected} 行，"
        f"跳过空行及合计行 {result.rows_skipped} 行，警告 {len(result.warning_rows)} 条",
    ]
    rejects = data["rejects"]
    if rejects:
        lines.append("未导入的行：")
        lines += [f"  第{r['row']}行 [{r['code']}] {r['message']}" for r in rejects[:MAX_LISTED]]
        if len(rejects) > MAX_LISTED:
            lines.append(f"  …… 另有 {len(rejects) - MAX_LISTED} 行，请用 --report 保存完整清单")
    if args.report:
        lines.append(f"未导入的行和警告已写入 {args.report}")
    return data, "\n".join(lines)


IMPORTERS = {
    "households": (_import, "导入全国防返贫监测信息系统导出的农户及家庭成员表", _import_args),
}


# ---- ledgers ----------------------------------------------------------------------------------

def _ledger(kind: str):
    def handler(db, args):
        from ..reports.household_ledgers import KINDS
        from ..services.households.ledger_data import write_household_ledger

        out = _check_out(args.out)
        n = write_household_ledger(db, kind, out, village=args.village, year=args.year)
        excel = out.suffix.lower() == ".xlsx"
        data = {"kind": kind, "out": str(out), ("rows" if excel else "pages"): n}
        what = f"{n} 行" if excel else f"{n} 页"
        return data, f"已生成{KINDS[kind]}（{what}）：{out}"

    return handler


LEDGERS = {
    "households": (_ledger("households"), "户信息台账（--year 收入年度）", None),
    "members": (_ledger("members"), "家庭成员信息台账", None),
    "monitoring": (_ledger("monitoring"), "防止返贫监测对象台账（--year 收入年度）", None),
    "measures": (_ledger("measures"), "帮扶措施台账（--year 年度）", None),
    "visits": (_ledger("visits"), "走访记录台账（--year 年度）", None),
}


# ---- 一户一档 ------------------------------------------------------------------------------------

def _household_file(db, args):
    from ..services.households.files import write_household_file, write_household_files

    codes = args.codes
    suffix = Path(args.out).suffix.lower()
    if suffix and suffix != ".pdf":  # a folder has no extension; x.xlsx is a mistake, not a folder
        raise InputError(f"一户一档只能输出 PDF：请把 --out 写成 .pdf 文件或一个文件夹（而不是“{args.out}”）。")
    if len(codes) == 1 and args.out.lower().endswith(".pdf"):
        out = _check_out(args.out)
        pages = write_household_file(db, codes[0], out, year=args.year)
        return ({"household": codes[0], "out": str(out), "pages": pages},
                f"已生成户编号 {codes[0]} 的一户一档（{pages} 页）：{out}")
    out = _check_out(args.out, directory_ok=True)
    res = write_household_files(db, codes, out, year=args.year)
    data = {"households": res.households, "pages": res.pages, "files": [str(f) for f in res.files]}
    where = res.files[0] if out.suffix.lower() == ".pdf" else out
    return data, f"已生成 {res.households} 户的一户一档（共 {res.pages} 页）：{where}"


def register(sub, common) -> None:
    p = sub.add_parser("household-file", parents=[common],
                       help="生成一户一档 PDF（多个户编号时：--out 为 .pdf 合并成一个文件，否则为文件夹）")
    p.add_argument("codes", nargs="+", metavar="户编号")
    p.add_argument("--out", required=True, metavar="OUT.pdf", help="输出的 PDF 文件（或文件夹）")
    p.add_argument("--year", type=int, metavar="Y",
                   help="按该年12月31日的状况生成（成员状态、收入、帮扶、走访截至当日）")
    p.set_defaults(handler=_household_file)
