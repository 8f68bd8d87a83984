"""`fupin export households|members OUT.xlsx [--masked] [--year Y] [--village NAME]`."""

from __future__ import annotations


def _args(p) -> None:
    p.add_argument("--year", type=int, help="收入年度（默认：数据库中最新的年度）")
    p.add_argument("--village", metavar="NAME", help="只导出此行政村")
    if p.prog.endswith("members"):
        p.add_argument("--all-members", action="store_true",
                       help="也导出已死亡、迁出等非正常状态的成员（此类文件不宜再导入）")


def _run(kind: str):
    def handler(db, args):
        from ..services.households import export as ex

        kw = {"include_inactive": args.all_members} if kind == "members" else {}
        fn = ex.export_members if kind == "members" else ex.export_households
        data = fn(db, args.out, masked=args.masked, year=args.year, village=args.village, **kw)
        what = "家庭成员" if kind == "members" else "户"
        masked = "（证件号码、银行账号、电话已打码，供公示用）" if args.masked else ""
        return data, f"已导出{data['rows']:,}条{what}记录到 {data['out']}{masked}"

    return handler


EXPORTERS = {
    "households": (_run("households"), "导出户信息备份（每人一行、含全部字段，可导入恢复；另附每户一行的户信息表）", _args),
    "members": (_run("members"), "导出家庭成员信息（每人一行，可重新导入）", _args),
}
