"""``fupin check``: the 疑点 pre-check over the household register (shared/CHECK_RULES.md)."""
from __future__ import annotations

import datetime as _dt

from ..errors import UserError


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--as-of 日期“{text}”无效，请写成 YYYY-MM-DD。") from None


def _check(db, args):
    from ..domain.checks import all_rules
    from ..services.checks import run_check

    codes = None
    if args.rules:
        codes = {c.strip().upper() for c in args.rules.split(",") if c.strip()}
        known = {r.code for r in all_rules()}
        unknown = sorted(codes - known)
        if unknown:
            raise UserError(f"--rules 中的规则代码 {'、'.join(unknown)} 不存在，可用代码：R01–R30、X01–X12。")
    if args.out and not args.out.lower().endswith((".xlsx", ".pdf")):
        raise UserError("--out 只支持 .xlsx（Excel）或 .pdf（打印）报告文件，请改用这两种扩展名。")
    result = run_check(db, _date(args.as_of) if args.as_of else None, args.year, codes, args.village)
    if args.out and args.out.lower().endswith(".pdf"):
        _write_pdf(db, result, args.out)
    elif args.out:
        _write_xlsx(result, args.out)
    data = result.to_json()
    saved = _save(db, result) if getattr(args, "save", False) else None
    if saved is not None:
        data["saved"] = saved.to_json()
    counts = result.counts()
    lines = [f"检查日期：{data['as_of']}  收入年度：{data['year']}  户数：{data['households']}  "
             f"人数：{data['members']}  疑点：{data['total']}条"]
    lines += [f"{r.code} {r.name}（{r.severity}）：{counts[r.code]}" for r in result.rules if counts[r.code]]
    if saved is not None:
        lines.append(f"问题清单：新增 {len(saved.created)} 条，更新 {len(saved.updated)} 条，"
                     f"复查已消失转待核验 {len(saved.resolved)} 条，重新出现 {len(saved.reopened)} 条")
    return data, "\n".join(lines)


def _save(db, result):
    """--save: every finding that is not exempted becomes (or keeps) a 疑点检查 problem, one per
    rule and household; a problem whose finding is gone moves to 已整改待核验 (issue 15)."""
    import datetime as dt

    from ..services.problems.tracking import FindingRecord, sync_findings

    names = {r.code: r.name for r in result.rules}
    grouped: dict[tuple[str, str], list[str]] = {}
    for f in result.findings:
        if not f.exempted:
            detail = f"{f.member}：{f.detail}" if f.member else f.detail
            grouped.setdefault((f.code, f.household), []).append(detail)
    records = [FindingRecord(code=code, household_code=hh, name=names.get(code, code),
                             message=(f"{names.get(code, code)}：" + "；".join(details))[:500])
               for (code, hh), details in sorted(grouped.items())]
    return sync_findings(db, records, dt.datetime.now().replace(microsecond=0),
                         codes=[r.code for r in result.rules])


def _write_pdf(db, result, path: str) -> None:
    from ..reports.check_report import render_check_report
    from ..services import settings

    with db.read() as s:
        unit = settings.township_info(s).unit
    render_check_report(result, path, unit=unit)


def _write_xlsx(result, path: str) -> None:
    from openpyxl import Workbook

    from ..formats.table_xlsx import neutralise_sheet, print_setup

    counts = result.counts()
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ex = result.counts(exempted=True)
    ws.append(["规则代码", "规则名称", "性质", "疑点数", "已豁免", "整改要求"])
    for r in result.rules:
        ws.append([r.code, r.name, r.severity, counts[r.code], ex[r.code], r.fix])
    for r in result.rules:
        rows = sorted((f for f in result.findings if f.code == r.code), key=lambda f: (f.village, f.household))
        if not rows:
            continue
        sh = wb.create_sheet(r.code)
        sh.append(["村", "户编号", "户主", "成员证件号码", "疑点说明", "已豁免（核实无误）"])
        for f in rows:
            sh.append([f.village, f.household, f.head, f.member or "", f.detail, "是" if f.exempted else ""])
    for sh in wb.worksheets:  # 疑点说明 / 整改要求 are long: landscape
        print_setup(sh, sh.max_column, (1, 1), landscape=True)
        neutralise_sheet(sh)
    wb.save(path)


def _exempt_add(db, args):
    from ..services.checks import add_exemption

    new_id = add_exemption(db, args.code, args.household, args.reason, args.member, args.permanent)
    return {"id": new_id}, f"已添加豁免，编号 {new_id}。"


def _exempt_list(db, args):
    from ..services.checks import list_exemptions

    rows = list_exemptions(db)
    data = {"exemptions": [{"id": r.id, "code": r.code, "household": r.household, "member": r.member,
                            "reason": r.reason, "user": r.user, "date": r.date.isoformat(),
                            "permanent": r.permanent, "expires": r.expires.isoformat() if r.expires else None}
                           for r in rows]}
    human = "\n".join(f"{r.id}  {r.code}  {r.household}  {r.member or ''}  {r.reason}  {r.user}  {r.date}  "
                      f"{'长期' if r.permanent else f'至{r.expires}'}" for r in rows) or "没有豁免记录。"
    return data, human


def _exempt_remove(db, args):
    from ..services.checks import remove_exemption

    remove_exemption(db, args.id)
    return {"id": args.id}, f"已删除豁免 {args.id}。"


def register(sub, common) -> None:
    p = sub.add_parser("check", help="数据疑点检查（上报前自查）", parents=[common])
    p.add_argument("--as-of", help="检查日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--year", type=int, help="收入年度（默认检查日期前最近有收入记录的年度）")
    p.add_argument("--rules", help="只运行这些规则，逗号分隔，如 R07,X03")
    p.add_argument("--village", help="只检查这个村")
    p.add_argument("--out", metavar="REPORT.xlsx|REPORT.pdf", help="把检查报告保存为 Excel（.xlsx）或打印用 PDF（.pdf）文件")
    p.add_argument("--save", action="store_true",
                   help="把未豁免的疑点写入问题清单（每条规则每户一条，不重复；已消失的转为已整改待核验）")
    p.set_defaults(handler=_check)
    p = sub.add_parser("exempt", help="疑点豁免（核实无误）", parents=[common])
    es = p.add_subparsers(dest="exempt_command", metavar="ACTION", required=True)
    a = es.add_parser("add", help="添加豁免（到年底失效，除非 --permanent）", parents=[common])
    a.add_argument("--code", required=True, help="规则代码，如 R07")
    a.add_argument("--household", required=True, help="户编号")
    a.add_argument("--member", help="成员证件号码（不填则豁免整户）")
    a.add_argument("--reason", required=True, help="核实说明")
    a.add_argument("--permanent", action="store_true", help="长期有效（不在年底失效）")
    a.set_defaults(handler=_exempt_add)
    s = es.add_parser("list", help="列出豁免记录", parents=[common])
    s.set_defaults(handler=_exempt_list)
    r = es.add_parser("remove", help="删除豁免记录", parents=[common])
    r.add_argument("id", type=int, metavar="ID", help="豁免编号")
    r.set_defaults(handler=_exempt_remove)
