"""问题清单 / 整改销号 on the command line (issue 15):

    fupin problems list [--status S] [--village V] [--overdue] [--source SRC] [--json]
    fupin problems add --household 户编号 --category C --text TEXT [--due YYYY-MM-DD] [--to NAME]
    fupin problems start ID | resolve ID --note TEXT [--evidence FILE…]
                   | close ID --note TEXT [--confirmer NAME] | reopen ID --note TEXT
    fupin problems show ID          history and evidence of one problem
    fupin problems assign ID… [--due YYYY-MM-DD] [--to NAME]   bulk deadlines / responsible
    fupin ledger problems --out OUT.pdf|OUT.xlsx [--status S] [--village V]
"""

from __future__ import annotations

import datetime as dt

from ..errors import InputError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"日期“{text}”格式不对，请写成 YYYY-MM-DD，例如 2026-06-30。") from None


def _line(r) -> str:
    due = f"  时限 {r.due}" + ("（逾期）" if r.overdue else "") if r.due else ""
    who = f"  责任人 {r.responsible}" if r.responsible else ""
    return (f"{r.id:>5}  [{r.status}]  {r.village} {r.household or '（村级）'}  {r.source}/"
            f"{r.category}：{r.text}{who}{due}")


def _list(db, args):
    from ..services.problems.tracking import ProblemFilter, list_problems

    rows = list_problems(db, ProblemFilter(status=args.status, village=args.village,
                                           source=args.source, overdue=args.overdue,
                                           responsible=args.responsible))
    data = {"problems": [r.to_json() for r in rows]}
    human = "\n".join([f"共 {len(rows)} 个问题"] + [_line(r) for r in rows])
    return data, human


def _add(db, args):
    from ..services.problems.tracking import add_problem, get_problem

    due = _date(args.due) if args.due else None
    pid = add_problem(db, household_code=args.household, village=args.village,
                      category=args.category, text=args.text, due=due, responsible=args.to,
                      source=args.source or "手工")
    row = get_problem(db, pid).problem
    return {"id": pid, "problem": row.to_json()}, f"已登记问题 {pid}：{_line(row)}"


def _action(action):
    def handler(db, args):
        from ..domain.problems import ACTIONS
        from ..services.problems.tracking import apply_action, get_problem

        apply_action(db, args.id, action, note=getattr(args, "note", "") or "",
                     evidence=getattr(args, "evidence", None) or (),
                     confirmer=getattr(args, "confirmer", None))
        row = get_problem(db, args.id).problem
        return ({"id": args.id, "status": row.status, "problem": row.to_json()},
                f"问题 {args.id}：{ACTIONS[action][2]}，当前状态“{row.status}”")
    return handler


def _show(db, args):
    from ..services.problems.tracking import get_problem

    d = get_problem(db, args.id)
    data = {"problem": d.problem.to_json(),
            "history": [{"ts": e.ts, "user": e.user, "action": e.action, "old_status": e.old_status,
                         "new_status": e.new_status, "note": e.note, "confirmer": e.confirmer,
                         "check_run": e.check_run} for e in d.events],
            "evidence": [{"file_name": f.file_name, "mime": f.mime, "size": f.size,
                          "sha256": f.sha256, "added_by": f.added_by, "added_at": f.added_at}
                         for f in d.evidence]}
    lines = [_line(d.problem), "整改过程："]
    for e in d.events:
        lines.append(f"  {e.ts:%Y-%m-%d %H:%M}  {e.user}  {e.action_name}"
                     f"{'  ' + (e.old_status or '') + ' → ' + (e.new_status or '') if e.old_status != e.new_status else ''}"
                     f"{'  核验人 ' + e.confirmer if e.confirmer else ''}{'：' + e.note if e.note else ''}")
    if d.evidence:
        lines.append("佐证材料：" + "、".join(f.file_name for f in d.evidence))
    return data, "\n".join(lines)


def _assign(db, args):
    from ..services.problems.tracking import assign

    n = assign(db, args.ids, due=_date(args.due) if args.due else None, responsible=args.to)
    return {"changed": n, "ids": args.ids}, f"已调整 {n} 个问题的整改时限/责任人"


def _ledger(db, args):
    from ..reports.problems_ledger import render_problems_ledger
    from ..services.problems.ledger_data import problems_ledger_data

    data = problems_ledger_data(db, status=args.status, village=args.village, year=args.year)
    n = render_problems_ledger(data, args.out)
    unit = "行" if str(args.out).lower().endswith(".xlsx") else "页"
    return ({"out": args.out, "kind": "problems", ("rows" if unit == "行" else "pages"): n},
            f"已生成问题整改台账：{args.out}（{n} {unit}）")


def _ledger_args(p) -> None:
    p.add_argument("--status", metavar="S", help="只含此状态（待整改、整改中、已整改待核验、已销号）")


def register(sub, common) -> None:
    from ..domain.problems import SOURCES, STATUSES

    p = sub.add_parser("problems", help="问题清单与整改销号", parents=[common])
    acts = p.add_subparsers(dest="problems_action", metavar="ACTION", required=True)

    lp = acts.add_parser("list", help="列出问题", parents=[common])
    lp.add_argument("--status", metavar="S", help="状态：" + "、".join(STATUSES))
    lp.add_argument("--village", metavar="V", help="只含此行政村")
    lp.add_argument("--overdue", action="store_true", help="只列超过整改时限仍未整改完成的问题")
    lp.add_argument("--source", metavar="SRC", help="来源：" + "、".join(SOURCES))
    lp.add_argument("--responsible", metavar="NAME", help="只列此责任人的问题")
    lp.set_defaults(handler=_list)

    ap = acts.add_parser("add", help="登记问题", parents=[common])
    ap.add_argument("--household", metavar="户编号", help="问题所在农户的户编号")
    ap.add_argument("--village", metavar="V", help="村级问题（不属于某一户）：行政村名称")
    ap.add_argument("--category", required=True, metavar="C", help="问题类别，例如 住房安全")
    ap.add_argument("--text", required=True, metavar="TEXT", help="问题描述")
    ap.add_argument("--due", metavar="YYYY-MM-DD", help="整改时限")
    ap.add_argument("--to", metavar="NAME", help="整改责任人（默认该户的帮扶责任人）")
    ap.add_argument("--source", choices=("手工", "上级反馈"), help="来源（默认 手工）")
    ap.set_defaults(handler=_add)

    for action, help_text in (("start", "开始整改（待整改 → 整改中）"),
                              ("resolve", "整改完成（→ 已整改待核验），可附佐证材料"),
                              ("close", "核验销号（已整改待核验 → 已销号）"),
                              ("reopen", "退回重新整改（→ 整改中）")):
        q = acts.add_parser(action, help=help_text, parents=[common])
        q.add_argument("id", type=int, metavar="ID", help="问题编号")
        if action != "start":
            q.add_argument("--note", required=True, metavar="TEXT", help="说明（整改情况 / 核验意见）")
        if action == "resolve":
            q.add_argument("--evidence", nargs="+", metavar="FILE", help="佐证材料（PDF、JPG、PNG）")
        if action == "close":
            q.add_argument("--confirmer", metavar="NAME",
                           help="核验人姓名（单用户模式下记录；启用账户后为当前登录用户）")
        q.set_defaults(handler=_action(action))

    sp = acts.add_parser("show", help="查看一个问题的整改过程和佐证材料", parents=[common])
    sp.add_argument("id", type=int, metavar="ID", help="问题编号")
    sp.set_defaults(handler=_show)

    bp = acts.add_parser("assign", help="批量设置整改时限或责任人", parents=[common])
    bp.add_argument("ids", type=int, nargs="+", metavar="ID", help="问题编号")
    bp.add_argument("--due", metavar="YYYY-MM-DD", help="整改时限")
    bp.add_argument("--to", metavar="NAME", help="整改责任人")
    bp.set_defaults(handler=_assign)


LEDGERS = {"problems": (_ledger, "问题整改台账", _ledger_args)}
