"""`fupin demo [--households N] [--seed S]`: load the demo township into an empty database."""

from __future__ import annotations

import sys

DEFAULT_HOUSEHOLDS = 300
DEFAULT_SEED = 1

_TABLE_CN = {"villages": "行政村", "households": "户", "members": "家庭成员",
             "household_incomes": "收入记录", "measures": "帮扶措施", "visits": "走访记录"}
# the other tabs' tables, named for the clerk (an unknown table shows its own name)
_OTHER_CN = {"posts": "公益性岗位", "post_assignments": "上岗记录", "post_attendance": "考勤记录",
             "post_attendance_corrections": "考勤更正", "post_inspections": "考核检查",
             "post_wage_runs": "工资核算", "post_wage_slips": "工资发放", "post_wage_lines": "工资明细",
             "post_month_closures": "月度结账", "medical_disease_types": "病种",
             "medical_chronic_cards": "慢性病卡", "medical_doctor_signings": "家庭医生签约",
             "medical_settlements": "就医结算", "medical_follow_ups": "随访记录",
             "archive_years": "档案年度", "archive_items": "档案条目", "archive_boxes": "档案盒",
             "archive_packages": "归档数据包", "archive_package_files": "数据包文件",
             "archive_page_cache": "档案页数缓存", "surveys": "入户排查", "survey_answers": "排查答案",
             "survey_templates": "排查模板", "problems": "问题整改", "problem_events": "整改记录",
             "evidence_files": "佐证材料", "check_exemptions": "检查豁免", "users": "用户",
             "operation_locks": "操作锁", "period_corrections": "更正标记"}


def table_label(table: str) -> str:
    """The clerk's name of a table in the human output (JSON keeps the table names)."""
    return _TABLE_CN.get(table) or _OTHER_CN.get(table) or f"其他记录（{table}）"


def _progress(json_mode: bool):
    if json_mode or not sys.stderr.isatty():
        return None
    last = [-1]

    def report(done: int, total: int, text: str) -> None:
        pct = done * 100 // total if total else 0
        if pct != last[0]:
            last[0] = pct
            print(f"\r{pct:3d}% {text}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)

    return report


def _demo(db, args):
    from ..services.demo import generate_demo

    summary = generate_demo(db, households=args.households, seed=args.seed,
                            progress=_progress(getattr(args, "json", False)))
    counts = summary.counts
    lines = [f"已加载示例乡镇“{summary.township}”（随机种子 {summary.seed}，用时 {summary.seconds} 秒）："]
    lines += [f"  {cn}：{counts.get(t, 0):,}" for t, cn in _TABLE_CN.items()]
    others = {t: n for t, n in counts.items() if t not in _TABLE_CN and t not in
              ("audit_log", "settings")}
    lines += [f"  {table_label(t)}：{n:,}" for t, n in others.items()]
    lines.append(f"数据库：{db.location}")
    return summary.to_json(), "\n".join(lines)


def _positive(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if n < 1:
        raise argparse.ArgumentTypeError("户数至少为1")
    return n


def register(sub, common) -> None:
    p = sub.add_parser("demo", help="生成示例乡镇数据（只能加载到空数据库）", parents=[common])
    p.add_argument("--households", type=_positive, default=DEFAULT_HOUSEHOLDS, metavar="N",
                   help=f"户数（默认 {DEFAULT_HOUSEHOLDS}）")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                   help=f"随机种子，相同种子生成相同数据（默认 {DEFAULT_SEED}）")
    p.set_defaults(handler=_demo)
