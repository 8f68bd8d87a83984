"""Accounts and the audit log (issue 13).

    fupin users add NAME --role admin|clerk|auditor [--full-name 姓名] [--password-stdin]
    fupin users list [--json]
    fupin users passwd NAME [--password-stdin]
    fupin users disable NAME | enable NAME
    fupin audit [--user NAME] [--since YYYY-MM-DD] [--limit N] [--json]

Passwords never come from a command-line argument: --password-stdin or a terminal prompt.
"""

from __future__ import annotations

import datetime as dt

from ..errors import InputError
from ..models.user import ROLE_LABELS, ROLES
from .common import new_password


def _add(db, args):
    from ..services.users import accounts as users

    row = users.add_user(db, args.name, args.role, new_password(args), args.full_name or "")
    return {"user": row.to_json()}, f"已添加用户 {row.name}（{row.role_label}）"


def _list(db, args):
    from ..services.users import accounts as users

    rows = users.list_users(db)
    lines = [f"{'用户名':<12}{'角色':<8}{'姓名':<10}{'状态':<6}最近登录"]
    for r in rows:
        last = r.last_login.strftime("%Y-%m-%d %H:%M") if r.last_login else "从未"
        lines.append(f"{r.name:<14}{r.role_label:<6}{r.full_name:<10}{'启用' if r.active else '停用':<6}{last}")
    if not rows:
        lines = ["尚未创建任何账户（单用户模式，未启用登录）。用 fupin users add NAME --role admin 创建管理员。"]
    return {"users": [r.to_json() for r in rows]}, "\n".join(lines)


def _passwd(db, args):
    from ..services.users import accounts as users

    users.set_password(db, args.name, new_password(args))
    return {"user": args.name}, f"已修改用户 {args.name} 的密码"


def _enable(db, args):
    from ..services.users import accounts as users

    active = args.users_command == "enable"
    users.set_active(db, args.name, active)
    return {"user": args.name, "active": active}, f"已{'启用' if active else '停用'}用户 {args.name}"


def _since(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--since 的日期“{text}”无法识别，请写成 YYYY-MM-DD。") from None


def _audit(db, args):
    from ..services.users.audit_log import list_entries

    if args.limit is not None and args.limit < 1:
        raise InputError("--limit 必须是正整数。")
    entries = list_entries(db, user=args.audit_user, since=_since(args.since) if args.since else None,
                           limit=args.limit)
    lines = [f"{e.at:%Y-%m-%d %H:%M:%S}  {e.user:<10} {e.action:<6} {e.entity_label} {e.entity_id}  {e.summary}"
             for e in entries] or ["没有符合条件的审计记录。"]
    return {"entries": [e.to_json() for e in entries]}, "\n".join(lines)


def register(sub, common) -> None:
    p = sub.add_parser("users", help="用户账户（管理员）", parents=[common])
    us = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    a = us.add_parser("add", help="添加用户（第一个账户必须是管理员）", parents=[common])
    a.add_argument("name", metavar="NAME", help="用户名")
    a.add_argument("--role", required=True, choices=ROLES,
                   help="角色：" + "，".join(f"{r}={ROLE_LABELS[r]}" for r in ROLES))
    a.add_argument("--full-name", metavar="姓名", help="真实姓名")
    a.add_argument("--password-stdin", action="store_true", help="从标准输入读取新密码（一行）")
    a.set_defaults(handler=_add)
    ls = us.add_parser("list", help="列出用户", parents=[common])
    ls.set_defaults(handler=_list)
    pw = us.add_parser("passwd", help="修改密码", parents=[common])
    pw.add_argument("name", metavar="NAME", help="用户名")
    pw.add_argument("--password-stdin", action="store_true", help="从标准输入读取新密码（一行）")
    pw.set_defaults(handler=_passwd)
    for verb, text in (("disable", "停用用户"), ("enable", "启用用户")):
        e = us.add_parser(verb, help=text, parents=[common])
        e.add_argument("name", metavar="NAME", help="用户名")
        e.set_defaults(handler=_enable)
    import argparse

    from .common import add_common

    no_login = argparse.ArgumentParser(add_help=False)
    add_common(no_login, login=False)
    au = sub.add_parser("audit", help="查看审计日志（登录用户用 fupin --user NAME audit 或 FUPIN_USER）",
                        parents=[no_login])
    au.add_argument("--user", dest="audit_user", metavar="NAME", help="只看此用户的操作")
    au.add_argument("--login", dest="user", metavar="NAME", default=argparse.SUPPRESS,
                    help="登录用户名（也可用环境变量 FUPIN_USER）")
    au.add_argument("--since", metavar="YYYY-MM-DD", help="从此日期起")
    au.add_argument("--limit", type=int, default=200, metavar="N", help="最多显示条数（默认 200）")
    au.set_defaults(handler=_audit)
