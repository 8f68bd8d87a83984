"""The ``fupin`` command line: the same services as the GUI, headless (DESIGN.md §6).

Every command takes ``--db URL`` and ``--json``; with ``--json`` exactly one JSON object is
printed. Exit 0 on success, 2 on unusable input (one-line reason), 3 on a refused login or
permission, 1 on a bug.

Commands live in ``cli/cmd_*.py`` modules. Each may define ``register(subparsers, common)``
for its own commands and the dictionaries ``IMPORTERS``, ``EXPORTERS`` and ``LEDGERS`` mapping a
KIND of ``fupin import|export|ledger KIND`` to a handler ``fn(db, args) -> (data, human_text)``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from .. import __version__
from ..errors import InputError, UserError
from .common import Output, add_common, localize_argparse, open_db_for

# Known command modules, in help order. A module that does not exist yet is skipped.
COMMAND_MODULES = ("db", "demo", "households", "households_export", "posts", "medical", "archive",
                   "check", "users", "problems", "survey")

log = logging.getLogger("fupin_desktop.cli")


def _load_modules():
    return [importlib.import_module(f"{__name__}.cmd_{name}") for name in COMMAND_MODULES]


def _kind_command(sub, common, name: str, help_text: str, table: dict, configure) -> None:
    p = sub.add_parser(name, help=help_text, parents=[common])
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, (handler, kind_help, add_args) in table.items():
        kp = kinds.add_parser(kind, help=kind_help, parents=[common])
        configure(kp)
        if add_args:
            add_args(kp)
        kp.set_defaults(handler=handler)


def build_parser() -> argparse.ArgumentParser:
    localize_argparse()
    common = argparse.ArgumentParser(add_help=False)
    add_common(common)
    parser = argparse.ArgumentParser(
        prog="fupin", description="乡村振兴台账管理系统 命令行工具", parents=[common])
    parser.add_argument("--version", action="version", version=f"fupin {__version__}",
                        help="显示程序版本并退出")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    importers, exporters, ledgers = {}, {}, {}
    mods = _load_modules()
    for mod in mods:
        importers.update(getattr(mod, "IMPORTERS", {}))
        exporters.update(getattr(mod, "EXPORTERS", {}))
        ledgers.update(getattr(mod, "LEDGERS", {}))

    def import_args(p):
        p.add_argument("file", metavar="FILE.xlsx", help="要导入的 Excel 文件")
        p.add_argument("--report", metavar="REJECTS.xlsx", help="把被拒绝的行和警告写入此 Excel 文件")

    def export_args(p):
        p.add_argument("out", metavar="OUT.xlsx", help="输出的 Excel 文件")
        p.add_argument("--masked", action="store_true", help="证件号码、银行账号、电话打码（公示用）")

    def ledger_args(p):
        p.add_argument("--out", required=True, metavar="OUT.pdf", help="输出文件（.pdf 或 .xlsx）")
        p.add_argument("--year", type=int, help="年度")
        p.add_argument("--month", metavar="YYYY-MM", help="月份")
        p.add_argument("--village", metavar="NAME", help="只含此行政村")

    if importers:
        _kind_command(sub, common, "import", "导入 Excel 数据", importers, import_args)
    if exporters:
        _kind_command(sub, common, "export", "导出 Excel", exporters, export_args)
    if ledgers:
        _kind_command(sub, common, "ledger", "生成台账（PDF）", ledgers, ledger_args)
    for mod in mods:
        if hasattr(mod, "register"):
            mod.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # the archive renders in worker processes (frozen builds)
    if argv is None:  # the real command (not a test calling main([...]) in its own process)
        from ..paths import secure_umask

        secure_umask()  # database, backups, logs, exports: 0600 / 0700
    _setup_logging()
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # usage error: argparse printed it; scripts still get one object
        if exc.code == 2 and "--json" in argv:
            Output(json_mode=True).failure("命令行参数有误，请用 --help 查看用法。", 2)
        raise
    out = Output(json_mode=getattr(args, "json", False))
    try:
        if args.command == "ledger":
            suffix = args.out.lower().rsplit(".", 1)[-1] if "." in args.out else ""
            if suffix not in ("pdf", "xlsx"):
                raise InputError(f"台账只能输出 .pdf 或 .xlsx 文件（而不是“{args.out}”），请改用其中一种扩展名。")
        handler = args.handler
        db = open_db_for(args) if getattr(handler, "needs_db", True) else None
        try:
            if db is not None and _exclusive(args):
                from ..services.oplock import CLOSE_WHAT, exclusive

                what = (f"{CLOSE_WHAT} {args.month}" if args.command == "wages" else
                        " ".join(filter(None, (args.command, getattr(args, "kind", None)))))
                with exclusive(db, what=what):
                    data, human = handler(db, args)
            else:
                data, human = handler(db, args)
        finally:
            if db is not None:
                db.dispose()
        out.success(data, human)
        # flushed here, not at exit: a reader that closed the pipe raises here, where it is
        # handled, instead of in the interpreter's last flush (exit 120, "Exception ignored")
        sys.stdout.flush()
        return int(data.get("exit_code", 0)) if isinstance(data, dict) else 0
    except UserError as exc:
        out.failure(str(exc), exc.exit_code)
        return exc.exit_code
    except KeyboardInterrupt:
        out.failure("已取消。", 2)
        return 2
    except BrokenPipeError:  # `fupin archive list | head -1`: the reader has what it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: full traceback on stderr, one line (or object) on stdout
        log.exception("unexpected error")  # masked by logsetup.RedactingFilter
        out.failure(f"程序内部错误：{exc.__class__.__name__}: {_first_line(exc)}"
                    "（详情见日志文件）", 1)
        return 1


def _exclusive(args) -> bool:
    """Imports and closing a wage month run one at a time across processes (issue 12)."""
    return args.command == "import" or (args.command == "wages" and getattr(args, "close", False))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else ""


def _setup_logging() -> None:
    """Warnings and errors on stderr, everything from INFO up in the log file; both through the
    filter that masks ID, bank and phone numbers."""
    from ..logsetup import install_filter, setup_logging

    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.WARNING)
        root.addHandler(handler)
    for h in root.handlers:
        install_filter(h)
    try:
        setup_logging()
    except OSError:  # a read-only data folder must not stop a batch job
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
