"""Medical relief on the command line:

    fupin import medical FILE.xlsx [--report REJECTS.xlsx]
    fupin export medical OUT.xlsx [--masked] [--year Y | --month YYYY-MM | --quarter N] [--village V]
    fupin ledger medical --out F.pdf|.xlsx [--year Y] [--month YYYY-MM] [--quarter N]
                         [--village V] [--by settlement|person|village] [--below-target]
    fupin ledger chronic --out F [--village V] [--unsigned]
    fupin ledger signing --out F [--village V] [--year Y] [--overdue] [--months N]
    fupin alerts medical [--year Y] [--village V]
"""

from __future__ import annotations

import datetime as dt

from ..domain import medical_calc as calc


def _period(args, default_all: bool = False):
    from ..services.medical.period import period_from_args

    year, month, quarter = (getattr(args, k, None) for k in ("year", "month", "quarter"))
    if default_all and not (year or month or quarter):
        return None
    return period_from_args(year, month, quarter)


def _village_id(db, name):
    from ..services.villages import village_id_by_name

    with db.read() as s:
        return village_id_by_name(s, name)


# ------------------------------------------------------------------------------ import

def _import(db, args):
    from ..services.medical.importing import import_medical, write_issue_report

    res = import_medical(db, args.file)
    data = res.to_json()
    lines = [f"医疗结算明细导入完成：导入 {res.rows_imported} 行（新增 "
             f"{res.counts.get('settlements_created', 0)}、更新 {res.counts.get('settlements_updated', 0)}、"
             f"未变 {res.counts.get('settlements_unchanged', 0)}），未导入 {res.rows_rejected} 行，"
             f"跳过空行/合计行 {res.rows_skipped} 行，警告 {len(res.warning_rows)} 条。"]
    for kind, items in (("未导入", res.rejects), ("警告", res.warning_rows)):
        for i in sorted(items, key=lambda x: x.row):
            lines.append(f"  [{kind}] 第{i.row}行 {i.code}：{i.message}")
    if getattr(args, "report", None):
        write_issue_report(args.report, res)
        data["report"] = args.report
        lines.append(f"问题清单已写入 {args.report}")
    return data, "\n".join(lines)


# ------------------------------------------------------------------------------ export

def _period_args(p, with_village: bool = True) -> None:
    p.add_argument("--quarter", metavar="N", help="季度（1–4，与 --year 一起用；或写 2025Q2）")
    if with_village:
        p.add_argument("--year", type=int, help="年度（按结算日期）")
        p.add_argument("--month", metavar="YYYY-MM", help="月份（按结算日期）")
        p.add_argument("--village", metavar="NAME", help="只含此行政村")


def _export(db, args):
    from ..services.medical.export import export_medical
    from ..services.medical.settlements import SettlementFilter

    period = _period(args, default_all=True)
    vid = _village_id(db, args.village)
    flt = SettlementFilter(period=period, village_id=vid, order="ledger")
    info = "　".join(x for x in (f"结算期间：{period.label}" if period else "",
                                 f"行政村：{args.village}" if args.village else "",
                                 "证件号码已打码（公示用）" if args.masked else "") if x)
    n = export_medical(db, args.out, flt, masked=args.masked, info=info)
    return ({"out": args.out, "rows": n, "masked": bool(args.masked)},
            f"已导出 {n} 条结算记录到 {args.out}")


# ------------------------------------------------------------------------------ ledgers

def _ledger(kind):
    def handler(db, args):
        from ..reports.medical_ledgers import KINDS, render_medical_ledger
        from ..services.medical.ledger_data import medical_ledger_data

        months = getattr(args, "months", None)
        if months is not None and not 1 <= months <= 24:
            from ..errors import InputError

            raise InputError(f"--months {months} 应在 1 到 24 之间（个月）")
        period = _period(args, default_all=kind != "medical")
        data = medical_ledger_data(
            db, kind, period=period, village=args.village, by=getattr(args, "by", "settlement"),
            below_target_only=getattr(args, "below_target", False),
            gaps_only=getattr(args, "unsigned", False) or getattr(args, "overdue", False),
            months=months)
        n = render_medical_ledger(data, args.out)
        unit = "行" if str(args.out).lower().endswith(".xlsx") else "页"
        return ({"out": args.out, "kind": kind, ("rows" if unit == "行" else "pages"): n},
                f"已生成{KINDS[kind]}：{args.out}（{n} {unit}）")
    return handler


def _medical_args(p) -> None:
    _period_args(p, with_village=False)
    p.add_argument("--by", choices=("settlement", "person", "village"), default="settlement",
                   help="settlement=结算明细（默认），person=个人年度汇总，village=分村汇总")
    p.add_argument("--below-target", action="store_true",
                   help="只列政策范围内报销比例低于当年目标的结算")


def _chronic_args(p) -> None:
    p.add_argument("--unsigned", action="store_true", help="只列有慢性病但未签约家庭医生的人员")


def _signing_args(p) -> None:
    p.add_argument("--overdue", action="store_true", help="只列超过随访间隔未随访的签约")
    p.add_argument("--months", type=int, metavar="N",
                   help="与 --overdue 一起用：N 个月内无随访即列出（默认用设置中的随访间隔）")


# ------------------------------------------------------------------------------ alerts

def _alerts(db, args):
    from ..services.medical.alerts import compute_alerts

    year = args.year or dt.date.today().year
    res = compute_alerts(db, year, village_id=_village_id(db, args.village))
    th = res.thresholds
    data = {
        "year": year,
        "thresholds": {"self_paid_amount": th.self_paid_amount, "income_share": th.income_share},
        "count": len(res.alerts),
        "alerts": [{
            "household_code": a.household_code, "village": a.village_name, "head": a.head_name,
            "household_type": a.household_type, "monitoring_category": a.monitoring_category,
            "settlements": a.settlement_count, "inpatient": a.inpatient_count,
            "self_paid_total": a.self_paid_total, "net_income": a.net_income,
            "income_share": a.income_share, "triggers": a.triggers, "reasons": a.reasons,
            "health_measures": a.health_measures, "monitored_for_illness": a.monitored_for_illness,
        } for a in res.alerts],
    }
    lines = [f"{year}年因病返贫预警：{len(res.alerts)} 户（预警标准：个人自付合计 ≥ "
             f"{calc.money_text(th.self_paid_amount)} 元，或占家庭纯收入 ≥ "
             f"{calc.ratio_text(th.income_share)}）"]
    for i, a in enumerate(res.alerts, 1):
        status = "已纳入监测（因病）" if a.monitored_for_illness else (
            f"监测对象：{a.monitoring_category}" if a.monitoring_category else "未纳入监测")
        lines.append(f"{i:>4}. {a.village_name} 户编号{a.household_code} 户主{a.head_name or '（无）'}"
                     f"　{status}　健康帮扶措施 {a.health_measures} 条")
        for reason in a.reasons:
            lines.append(f"        {reason}")
    return data, "\n".join(lines)


def register(sub, common) -> None:
    # `alerts` may be shared with other tabs' modules: reuse the parser if one exists already
    existing = sub.choices.get("alerts")
    if existing is None:
        p = sub.add_parser("alerts", help="预警名单", parents=[common])
        kinds = p.add_subparsers(dest="alert_kind", metavar="KIND", required=True)
    else:
        kinds = next(a for a in existing._subparsers._group_actions
                     if a.__class__.__name__ == "_SubParsersAction")
    kp = kinds.add_parser("medical", help="因病返贫风险预警（按户、按年度）", parents=[common])
    kp.add_argument("--year", type=int, help="年度（默认今年）")
    kp.add_argument("--village", metavar="NAME", help="只含此行政村")
    kp.set_defaults(handler=_alerts)


IMPORTERS = {"medical": (_import, "医疗结算明细（一站式结算明细表）", None)}
EXPORTERS = {"medical": (_export, "医疗结算明细（每张结算单一行）", _period_args)}
LEDGERS = {
    "medical": (_ledger("medical"), "医疗救助台账（按月/季/年、按村）", _medical_args),
    "chronic": (_ledger("chronic"), "慢性病卡台账", _chronic_args),
    "signing": (_ledger("signing"), "家庭医生签约台账", _signing_args),
}
