"""``fupin archive``: build, verify, close a year, register files, list items, print documents."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from .common import needs_no_db


def _progress_printer(json_mode: bool):
    """A progress line on stderr for a terminal (nothing for scripts / --json)."""
    if json_mode or not sys.stderr.isatty():
        return None
    last = [0.0]

    def report(done, total, text):
        import time

        now = time.monotonic()
        if now - last[0] < 0.5 and done != total:
            return
        last[0] = now
        pct = f"{100 * done // total:3d}%" if total else "    "
        print(f"\r{pct} {text}\033[K", end="", file=sys.stderr, flush=True)

    return report


def _build(db, args):
    from ..services.archive.build import build_year

    report = _progress_printer(getattr(args, "json", False))
    result = build_year(db, args.year, Path(args.out), report, iso=args.iso, workers=args.workers)
    if report:
        print(file=sys.stderr)
    return result.to_json(), result.text()


@needs_no_db
def _verify(db, args):
    from ..services.archive.build import verify_dir

    db = None if args.no_db else _verify_db(args)
    try:
        rep = verify_dir(Path(args.dir), _progress_printer(getattr(args, "json", False)), db=db,
                         digest=args.digest)
    finally:
        if db is not None:
            db.dispose()
    if not getattr(args, "json", False) and sys.stderr.isatty():
        print(file=sys.stderr)
    data = {"ok": rep.ok, "passed": rep.ok, "items": rep.items, "pdfs_checked": rep.pdfs_checked,
            "seconds": round(rep.seconds, 2), "digest": rep.digest,
            "checked_against": rep.checked_against, "internal_only": not rep.checked_against,
            "scope": rep.scope_note,
            "problems": [{"code": p.code, "message": p.message_cn, "path": p.path} for p in rep.problems]}
    if not rep.ok:
        data["exit_code"] = 2  # the package is not usable as it is (DESIGN.md §6: unusable input)
    return data, rep.text()


def _verify_db(args):
    """The database to compare with: --db / FUPIN_DB_URL, else the default one if it exists
    (verify must also run on an archive office's PC that has no database at all)."""
    from ..errors import AccessError
    from ..paths import default_db_path
    from .common import db_url_from, open_db_for

    if db_url_from(args) is not None:
        return open_db_for(args)  # asked for explicitly: a refused login is an error (exit 3)
    if not default_db_path().is_file():
        return None
    try:
        return open_db_for(args)
    except AccessError:  # not logged in to the default database: check the package alone
        return None


def _receipt(db, args):
    from ..services.archive.record import print_receipt

    path = print_receipt(db, Path(args.dir), Path(args.out) if args.out else None)
    return {"out": str(path)}, f"移交清单已生成：{path}"


def _close(db, args):
    from ..services.archive.close import close_year

    r = close_year(db, args.year)
    return ({"year": r.year, "items": r.items, "pages": r.pages, "boxes": r.boxes},
            f"{r.year}年度已关闭：{r.items} 件 {r.pages} 页，{r.boxes} 盒，件号和盒号从此固定；"
            "以后加入的文件在各类别末尾续编。")


def _add(db, args):
    from ..services.archive.files import ItemMeta, add_registered
    from ..domain.normalize import parse_date

    date = None
    if args.date:
        date = parse_date(args.date)
        if date is None:
            from ..errors import InputError

            raise InputError(f"日期“{args.date}”无法识别，请写成 2025-03-18 的形式。")
    meta = ItemMeta(args.title, args.responsible or "", args.doc_no or "", date, args.secret or "",
                    args.retention or "", args.category or "", args.remark or "")
    rid = add_registered(db, args.year, Path(args.file), meta)
    return {"id": rid, "year": args.year, "title": meta.title}, f"已登记：{meta.title}（{args.year}年度）"


def _list(db, args):
    from ..services.archive.plan import group_rows, item_rows, plan_year

    plan = plan_year(db, args.year)
    rows, groups = item_rows(plan), group_rows(plan)
    data = {"year": args.year, "closed": plan.closed, "archive_date": plan.archive_date,
            "groups": [g.__dict__ for g in groups],
            "items": [{"code": r.code, "title": r.title, "pages": r.pages, "origin": r.origin,
                       "date": r.date} for r in rows],
            "problems": [p.message_cn for p in plan.problems]}
    lines = [f"{args.year}年度{'（已关闭）' if plan.closed else ''}：{len(rows)} 件"]
    for g in groups:
        pages = f"{g.pages} 页" + (f"（{g.unknown} 件页数未知）" if g.unknown else "")
        boxes = f"，{g.boxes} 盒" if g.boxes is not None else ""
        lines.append(f"  {g.retention_name} {g.category_name}：{g.items} 件，{pages}{boxes}")
    if args.items:
        lines += [f"  {r.code}  {r.title}  {r.pages if r.pages is not None else '?'} 页" for r in rows]
    lines += [f"问题：{p.message_cn}" for p in plan.problems]
    return data, "\n".join(lines)


def _print(db, args):
    from ..services.archive.paper import PAPER_TITLES, print_documents

    keys = args.doc or list(PAPER_TITLES)
    paths = print_documents(db, args.year, keys, Path(args.out))
    return {"files": [str(p) for p in paths]}, "\n".join(f"已生成：{p}" for p in paths)


def register(sub, common) -> None:
    from ..services.archive.paper import PAPER_TITLES

    p = sub.add_parser("archive", help="年度档案：生成归档数据包、检测、关闭年度、登记文件", parents=[common])
    a = p.add_subparsers(dest="archive_command", metavar="ACTION", required=True)

    b = a.add_parser("build", help="生成年度归档数据包（BagIt，PDF/A-2b）", parents=[common])
    b.add_argument("--year", type=int, required=True, help="年度")
    b.add_argument("--out", required=True, metavar="DIR", help="输出目录（空目录，或上次生成的数据包以续做）")
    b.add_argument("--iso", action="store_true", help="同时生成用于刻录光盘的 ISO 镜像（与目录同名 .iso）")
    b.add_argument("--workers", type=int, default=None, help="并行进程数（默认：CPU 核数）")
    b.set_defaults(handler=_build)

    v = a.add_parser("verify", help="检测归档数据包（四性检测），有问题时以非 0 退出并逐条列出", parents=[common])
    v.add_argument("dir", metavar="DIR", help="归档数据包目录")
    v.add_argument("--digest", metavar="HEX", help="移交清单上的数据包摘要（64 位十六进制，可带空格）："
                                                   "数据包必须与之相符")
    v.add_argument("--no-db", dest="no_db", action="store_true",
                   help="不与数据库中生成时的记录核对（只检查数据包本身）")
    v.set_defaults(handler=_verify)

    r = a.add_parser("receipt", help="打印数据包的移交清单（数据包摘要、件数页数、双方签字栏；放在数据包外）",
                     parents=[common])
    r.add_argument("dir", metavar="DIR", help="归档数据包目录")
    r.add_argument("--out", help="移交清单 PDF 的位置（默认在数据包旁边：目录名-移交清单.pdf）")
    r.set_defaults(handler=_receipt)

    c = a.add_parser("close", help="关闭年度：固定件号和盒号（以后加入的文件续编）", parents=[common])
    c.add_argument("--year", type=int, required=True, help="年度")
    c.set_defaults(handler=_close)

    d = a.add_parser("add", help="登记一份文件（PDF、JPG、PNG）到年度档案", parents=[common])
    d.add_argument("file", metavar="FILE", help="要登记的文件")
    d.add_argument("--year", type=int, required=True, help="年度")
    d.add_argument("--title", required=True, help="题名")
    d.add_argument("--category", help="类别代码（默认按设置）")
    d.add_argument("--retention", choices=["Y", "D30", "D10"], help="保管期限（默认按设置）")
    d.add_argument("--responsible", help="责任者")
    d.add_argument("--doc-no", dest="doc_no", help="文号")
    d.add_argument("--date", help=f"文件日期（例如 {dt.date.today().isoformat()}）")
    d.add_argument("--secret", help="密级")
    d.add_argument("--remark", help="备注")
    d.set_defaults(handler=_add)

    li = a.add_parser("list", help="列出年度的归档文件（按类别统计件数、页数、盒数）", parents=[common])
    li.add_argument("--year", type=int, required=True, help="年度")
    li.add_argument("--items", action="store_true", help="逐件列出")
    li.set_defaults(handler=_list)

    pr = a.add_parser("print", help="生成纸质文件（归档文件目录、盒脊、封面、备考表、统计表）的 PDF",
                      parents=[common])
    pr.add_argument("--year", type=int, required=True, help="年度")
    pr.add_argument("--out", required=True, metavar="DIR", help="输出目录")
    pr.add_argument("--doc", action="append", choices=list(PAPER_TITLES),
                    help="只生成其中一种（可重复）：" + "、".join(f"{k}={v}" for k, v in PAPER_TITLES.items()))
    pr.set_defaults(handler=_print)
