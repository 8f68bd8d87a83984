"""Database commands: backup, restore, db upgrade, db info."""

from __future__ import annotations

COUNT_LABELS = {"villages": "行政村", "households": "户数", "members": "人数"}



def _backup(db, args):
    from ..backup import backup

    out = backup(db, args.out)
    return {"backup": str(out)}, f"已备份到 {out}"


def _restore(db, args):
    from ..backup import restore

    safety = restore(db, args.file, other_township=args.other_township)
    return ({"restored_from": args.file, "safety_backup": str(safety)},
            f"已从 {args.file} 恢复。恢复前的数据已另存为 {safety}")


def _upgrade(db, args):
    from .. import migrate

    rev = migrate.current_revision(db.engine)
    return {"revision": rev, "location": db.location}, f"数据库结构已是最新版本（{rev}）：{db.location}"


def _info(db, args):
    from ..services.overview import counts

    c = counts(db)
    from .. import migrate

    data = {"location": db.location, "revision": migrate.current_revision(db.engine), "counts": c}
    human = "\n".join([f"数据库：{db.location}", f"结构版本：{data['revision']}"] +
                      [f"{COUNT_LABELS[k]}：{v}" for k, v in c.items()])
    return data, human


def _verify(db, args):
    from ..services.users.audit_chain import verify_chain

    res = verify_chain(db)
    data = res.to_json()
    if not res.intact:
        data["ok"], data["exit_code"] = False, 2
    return data, res.text()


def register(sub, common) -> None:
    p = sub.add_parser("backup", help="备份数据库到一个 SQLite 文件", parents=[common])
    p.add_argument("out", metavar="OUT.db", help="备份文件（SQLite）的保存路径")
    p.set_defaults(handler=_backup)
    p = sub.add_parser("restore", help="从备份文件恢复（先检查文件完整性）", parents=[common])
    p.add_argument("file", metavar="IN.db", help="要恢复的备份文件")
    p.add_argument("--other-township", action="store_true",
                   help="允许用另一个乡镇（乡镇名称或全宗号不同）的备份替换当前数据")
    p.set_defaults(handler=_restore)
    p = sub.add_parser("db", help="数据库维护", parents=[common])
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    u = dsub.add_parser("upgrade", help="升级数据库结构（打开时也会自动进行）", parents=[common])
    u.set_defaults(handler=_upgrade)
    i = dsub.add_parser("info", help="显示数据库位置和记录数", parents=[common])
    i.set_defaults(handler=_info)
    v = dsub.add_parser("verify", help="校验审计日志哈希链和月度结账封存值（发现改动时退出码为 2）",
                        parents=[common])
    v.set_defaults(handler=_verify)


