"""Public-welfare posts on the command line:

    fupin import posts ROSTER.xlsx [--report R.xlsx]
    fupin import attendance FILE.xlsx [--month YYYY-MM] [--report R.xlsx]
    fupin export posts OUT.xlsx [--month YYYY-MM] [--village V] [--masked]
    fupin export attendance OUT.xlsx --month YYYY-MM [--village V] [--masked]
    fupin export payroll-bank OUT.xlsx --month YYYY-MM [--village V]
    fupin ledger posts|attendance|payroll|payroll-notice|wages-annual --out F.pdf|.xlsx
                 [--month YYYY-MM] [--year Y] [--village V] [--allow-missing (payroll, notice)]
    fupin wages --month YYYY-MM [--village V] [--detail] [--close [--allow-missing] [--note T]]
    fupin post-rules [--set KEY=VALUE …] [--reason TEXT]
"""

from __future__ import annotations

import json

from ..errors import InputError


def _month(args, required: bool = False):
    from ..domain.posts_calendar import parse_month

    raw = getattr(args, "month", None)
    if raw is None:
        if required:
            raise InputError("请用 --month 指定月份，如 --month 2025-10")
        return None
    try:
        return parse_month(raw)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _village_id(db, name):
    from sqlalchemy import select

    from ..models import Village

    if not name:
        return None
    with db.read() as s:
        vid = s.scalar(select(Village.id).where(Village.name == name.strip()))
        if vid is None:
            names = "、".join(s.scalars(select(Village.name).order_by(Village.sort_order)).all()[:20])
            raise InputError(f"找不到行政村“{name}”。现有的行政村：{names or '（无）'}")
    return vid


# field keys of the posts importers -> column titles, for the --report workbook
REPORT_FIELDS = {
    "post_name": "岗位名称", "post_type": "岗位类型", "duty_area": "责任区域", "start_date": "上岗日期",
    "end_date": "离岗日期", "wage_standard": "补贴标准", "post": "岗位", "declared_days": "出勤天数",
    "date": "签到日期", "mark": "考勤", **{f"d{i}": f"{i}日" for i in range(1, 32)},
}


def _import_summary(res, head: str, args, title: str) -> tuple[dict, str]:
    from ..exporters.import_report import write_import_report

    data = res.to_json()
    lines = [f"{head}：导入 {res.rows_imported} 行，未导入 {res.rows_rejected} 行，"
             f"跳过空行/合计行 {res.rows_skipped} 行，警告 {len(res.warning_rows)} 条。"]
    extra = "，".join(f"{k} {v}" for k, v in res.counts.items())
    if extra:
        lines.append(f"  明细：{extra}")
    for kind, items in (("未导入", res.rejects), ("警告", res.warning_rows)):
        for i in sorted(items, key=lambda x: x.row):
            lines.append(f"  [{kind}] 第{i.row}行 {i.code}：{i.message}")
    if getattr(args, "report", None):
        write_import_report(res, args.report, title, REPORT_FIELDS)
        data["report"] = args.report
        lines.append(f"问题清单已写入 {args.report}")
    return data, "\n".join(lines)


def _import_posts(db, args):
    from ..services.posts.importing import import_roster

    res = import_roster(db, args.file)
    return _import_summary(res, "公益性岗位花名册导入完成", args, "公益性岗位花名册导入问题清单")


def _import_attendance(db, args):
    from ..services.posts.attendance_import import import_attendance

    res = import_attendance(db, args.file, month=_month(args))
    month = res.counts.get("month", "")
    data, human = _import_summary(res, f"考勤导入完成（{month}）", args, "考勤导入问题清单")
    changes = res.change_lines()
    human += ("\n  考勤变动（" + f"{len(changes)} 人）：\n" + "\n".join(f"    {c}" for c in changes)
              if changes else "\n  考勤没有变动")
    return data, human


def _month_arg(required: bool):
    def add(p):
        p.add_argument("--month", metavar="YYYY-MM", required=required,
                       help="月份" + ("" if required else "（考勤表标题中没有写明月份时必填）"))
    return add


def _export_args(month_required: bool):
    def add(p):
        _month_arg(month_required)(p)
        p.add_argument("--village", metavar="NAME", help="只含此行政村")
    return add


def _export_posts(db, args):
    from ..services.posts.export import export_posts

    r = export_posts(db, args.out, month=_month(args), village_id=_village_id(db, args.village),
                     masked=args.masked)
    return {"out": r.out, "rows": r.rows, "masked": bool(args.masked)}, f"已导出 {r.rows} 条上岗记录到 {r.out}"


def _export_attendance(db, args):
    from ..services.posts.export import export_attendance

    r = export_attendance(db, args.out, _month(args, True), village_id=_village_id(db, args.village),
                          masked=args.masked)
    return {"out": r.out, "rows": r.rows}, f"已导出 {r.rows} 人的考勤到 {r.out}"


def _export_bank(db, args):
    from ..services.posts.export import export_bank

    if args.masked:
        raise InputError("银行代发明细必须是完整的证件号码和银行账号，不能打码")
    r = export_bank(db, args.out, _month(args, True), village_id=_village_id(db, args.village))
    human = f"已导出 {r.rows} 笔、合计 {r.total:,.2f} 元的代发明细到 {r.out}"
    if r.missing_accounts:
        human += f"；其中 {r.missing_accounts} 人缺少银行账号，请补录"
    return ({"out": r.out, "rows": r.rows, "total": r.total, "missing_accounts": r.missing_accounts},
            human)


def _ledger(kind):
    def handler(db, args):
        from ..reports.posts_ledgers import KINDS, write_ledger
        from ..services.posts.ledger_data import posts_ledger_data

        month = _month(args)
        r = write_ledger(posts_ledger_data(db, kind, month=month, year=args.year,
                                           village_id=_village_id(db, args.village),
                                           allow_missing=getattr(args, "allow_missing", True)),
                         args.out)
        what = "页" if not args.out.lower().endswith(".xlsx") else "行"
        human = f"已生成“{KINDS[kind]}”：{r.rows} 条记录，{r.pages_or_rows} {what}，保存为 {r.out}"
        if r.total is not None:
            human += f"；金额合计 {r.total:,.2f} 元"
        data = {"out": r.out, "kind": kind, "rows": r.rows, "pages": r.pages_or_rows,
                "total": r.total}
        if r.missing is not None:
            data["missing_attendance"] = r.missing
            if r.missing:
                human += f"；未录入考勤（未计发）：{'、'.join(r.missing)}"
        if r.corrections is not None:
            data["corrections"] = r.corrections
        return data, human
    return handler


def _allow_missing_arg(p):
    p.add_argument("--allow-missing", action="store_true",
                   help="有人未录入考勤也打印（这些人列在最前，不计金额）")


def _wages(db, args):
    from ..services.posts.payroll import close_month, wage_run

    month = _month(args, True)
    vid = _village_id(db, args.village)
    if args.close:
        if vid is not None:
            raise InputError("关账针对整个乡镇，不能只关一个村；请去掉 --village")
        run = close_month(db, month, note=args.note, allow_missing_attendance=args.allow_missing)
    else:
        run = wage_run(db, month, village_id=vid)
    state = "已关账" if run.closed else "试算（未关账）"
    lines = [f"{run.month_text}岗位补贴{state}：{len(run.slips)} 人，实发合计 {run.total:,.2f} 元"]
    if run.missing_attendance:  # first: these workers are not paid until attendance is entered
        lines.append(f"  未录入考勤（{len(run.missing_attendance)} 人，不计发）："
                     f"{'、'.join(s.worker_name for s in run.missing_attendance)}")
    for v, n, amount in run.village_totals():
        lines.append(f"  {v or '（未填村）'}：{n} 人，{amount:,.2f} 元")
    for s in run.revocations:
        lines.append(f"  建议撤岗：{s.worker_name}（{s.note}）")
    for c in run.corrections:
        lines.append(f"  更正：{c.worker_name} {c.text()}")
    if args.detail:
        for s in sorted(run.slips, key=lambda x: not x.attendance_missing):
            if s.attendance_missing and not s.amount:
                lines.append(f"  {s.village_name} {s.worker_name} {s.post_name} 未录入考勤")
                continue
            lines.append(f"  {s.village_name} {s.worker_name} {s.post_name} 实发 {s.amount:,.2f}")
            for ln in s.lines:
                lines.append(f"      {ln.label}：{ln.amount:+,.2f}")
    data = {"month": f"{run.month:%Y-%m}", "closed": run.closed, "workers": len(run.slips),
            "total": run.total,
            "villages": [{"village": v, "workers": n, "total": a} for v, n, a in run.village_totals()],
            "missing_attendance": [s.worker_name for s in run.missing_attendance],
            "revocation_proposed": [s.worker_name for s in run.revocations],
            "corrections": [{"worker": c.worker_name, "kind": c.kind, "changes": c.changes,
                             "reason": c.reason, "amount": c.amount, "by": c.created_by,
                             "at": c.when, "paid_in": f"{c.target_month:%Y-%m}"}
                            for c in run.corrections]}
    if args.detail:
        data["slips"] = [{"worker": s.worker_name, "village": s.village_name, "post": s.post_name,
                          "amount": s.amount, "attendance_missing": s.attendance_missing,
                          "lines": [{"code": ln.code, "label": ln.label, "amount": ln.amount}
                                    for ln in s.lines]}
                         for s in sorted(run.slips, key=lambda x: not x.attendance_missing)]
    return data, "\n".join(lines)


def _rules(db, args):
    from ..errors import ValidationError
    from ..services.posts.rules import describe_rules, load_rules, save_rules

    if args.set:
        changes = {}
        for item in args.set:
            key, sep, value = item.partition("=")
            if not sep:
                raise InputError(f"“{item}”应写成 键=值，如 posts.age_max=60")
            value = value.strip()
            if value.startswith("{"):
                try:
                    value = json.loads(value)
                except json.JSONDecodeError:
                    raise InputError(f"“{key}”的值不是有效的 JSON") from None
            changes[key.strip()] = value
        try:
            rules = save_rules(db, changes, reason=args.reason)
        except ValidationError as exc:
            raise InputError(str(exc)) from None
    else:
        with db.read() as s:
            rules = load_rules(s)
    rows = describe_rules(rules)
    human = "\n".join(f"{r.label}（{r.key}）：{r.value_text}" for r in rows)
    return {"rules": rules.to_json()}, human


IMPORTERS = {
    "posts": (_import_posts, "导入公益性岗位人员花名册", None),
    "attendance": (_import_attendance, "导入公益性岗位签到考勤表", _month_arg(False)),
}
EXPORTERS = {
    "posts": (_export_posts, "导出公益性岗位人员花名册（可修改后再导入）", _export_args(False)),
    "attendance": (_export_attendance, "导出某月签到考勤表（可修改后再导入）", _export_args(True)),
    "payroll-bank": (_export_bank, "导出某月岗位补贴银行代发明细", _export_args(True)),
}
LEDGERS = {
    "posts": (_ledger("posts"), "公益性岗位人员台账", None),
    "attendance": (_ledger("attendance"), "公益性岗位签到考勤表（须 --month）", None),
    "payroll": (_ledger("payroll"), "公益性岗位补贴发放花名册（须 --month）", _allow_missing_arg),
    "payroll-notice": (_ledger("payroll-notice"), "公益性岗位补贴发放公示（打码，须 --month）",
                       _allow_missing_arg),
    "wages-annual": (_ledger("wages-annual"), "公益性岗位补贴年度汇总（--year）", None),
}


def register(sub, common) -> None:
    p = sub.add_parser("wages", help="计算某月公益性岗位补贴（--close 关账并保存）", parents=[common])
    p.add_argument("--month", metavar="YYYY-MM", required=True, help="月份")
    p.add_argument("--village", metavar="NAME", help="只看此行政村（试算时）")
    p.add_argument("--detail", action="store_true", help="列出每人每项计算")
    p.add_argument("--close", action="store_true",
                   help="关账：保存本月计算结果，锁定考勤（打印签字花名册前执行）")
    p.add_argument("--allow-missing", action="store_true", help="有人未录入考勤也关账")
    p.add_argument("--note", metavar="TEXT", help="关账说明")
    p.set_defaults(handler=_wages)
    p = sub.add_parser("post-rules", help="查看或修改公益性岗位规则（年龄、扣款、奖励…）",
                       parents=[common])
    p.add_argument("--set", metavar="KEY=VALUE", action="append", help="修改一条规则，可重复")
    p.add_argument("--reason", metavar="TEXT", help="修改原因（记入审计日志）")
    p.set_defaults(handler=_rules)
