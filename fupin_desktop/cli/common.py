"""Shared CLI plumbing: common options, opening the database, printing results."""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal
import datetime as dt


def add_common(p: argparse.ArgumentParser, *, login: bool = True) -> None:
    # SUPPRESS so an option given before the subcommand is not reset by the subparser default
    p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                   help="数据库地址（SQLite 文件路径或 postgresql://…）；默认用户数据目录中的 fupin.db，"
                        "也可用环境变量 FUPIN_DB_URL 指定")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help="只输出一个 JSON 对象（供脚本使用）")
    if not login:  # `fupin audit --user NAME` filters by user; log in with FUPIN_USER there
        return
    p.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                   help="登录用户名（也可用环境变量 FUPIN_USER）；密码取自环境变量 FUPIN_PASSWORD，"
                        "在终端上也可按提示输入（启用账户后必须登录）")


def db_url_from(args) -> str | None:
    return getattr(args, "db", None) or os.environ.get("FUPIN_DB_URL") or None


def open_db_for(args):
    """Open the database and, once accounts exist, log in (AccessError → exit 3)."""
    from ..services.opening import open_database

    db = open_database(db_url_from(args))
    try:
        login_for(db, args)
    except BaseException:
        db.dispose()
        raise
    return db


def login_for(db, args) -> None:
    from ..services.users import accounts as users

    if not users.accounts_exist(db):
        return  # single-user mode: nobody has created an account yet
    name = getattr(args, "user", None) or os.environ.get("FUPIN_USER")
    password = os.environ.get("FUPIN_PASSWORD")
    if name and password is None and _interactive():
        import getpass

        password = getpass.getpass(f"用户 {name} 的密码：")
    users.login(db, name, password)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def new_password(args) -> str:
    """A new password: the first line of stdin with --password-stdin, else typed twice."""
    from ..errors import InputError

    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if not _interactive():
        raise InputError("请用 --password-stdin 从标准输入提供新密码（密码不能写在命令行参数里）。")
    import getpass

    first = getpass.getpass("新密码（至少 8 个字符）：")
    if getpass.getpass("再输入一次：") != first:
        raise InputError("两次输入的密码不一致，未作修改。")
    return first


def _json_default(o):
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if hasattr(o, "to_json"):
        return o.to_json()
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


class Output:
    def __init__(self, json_mode: bool):
        self.json_mode = json_mode

    def success(self, data: dict, human: str) -> None:
        if self.json_mode:
            payload = {"ok": True, **{k: v for k, v in data.items() if k != "exit_code"}}
            print(json.dumps(payload, ensure_ascii=False, default=_json_default))
        elif human:
            print(human)

    def failure(self, message: str, code: int) -> None:
        from ..logsetup import redact

        message = redact(message)  # an error quoting a row must not print its ID / phone number
        if self.json_mode:
            print(json.dumps({"ok": False, "error": message, "exit_code": code}, ensure_ascii=False))
        else:
            print(f"错误：{message}", file=sys.stderr)


def needs_no_db(fn):
    fn.needs_db = False
    return fn


# argparse's own words (usage, errors, -h) go through its module-level gettext alias `_`;
# a small table turns them into Chinese for clerks who run the command line.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示程序版本并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个参数值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
}


def localize_argparse() -> None:
    import argparse as _argparse

    original = _argparse._

    def zh(text: str) -> str:
        return _ARGPARSE_ZH.get(text, original(text))

    _argparse._ = zh
