"""Medical ledgers: 医疗救助台账 (per settlement, per person, per village), 慢性病卡台账 and
家庭医生签约台账 — PDF or Excel (a path ending in .xlsx).

Rows come from services/medical_ledger_data (the same services the tab uses), as plain values;
this module lays them out and renders. Totals rows are the sums of the rows printed above
them (Decimal, exact to the fen), and the aggregate ratio follows the settlement rule
(medical_calc: 报销合计 ÷ 政策范围内费用, half-up to 0.0001).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..domain import medical_calc as calc
from ..domain.asof import CARD_ORDER, count_by, counts_text
from ..domain.medical_totals import DELETED_MARK, SUM_FIELDS, summarize
from .medical_render import MCol, MedicalLedger, render

KINDS = {"medical": "医疗救助台账", "chronic": "慢性病卡台账", "signing": "家庭医生签约台账"}
GROUPINGS = {"settlement": "结算明细", "person": "个人年度汇总", "village": "分村汇总"}

_PAYER_COLS = [
    MCol("total_cost", "总费用", 1.1, "money"),
    MCol("policy_cost", "政策范围内费用", 1.1, "money"),
    MCol("basic_insurance", "基本医保统筹", 1.1, "money"),
    MCol("critical_insurance", "大病保险", 1.0, "money"),
    MCol("medical_assistance", "医疗救助", 1.0, "money"),
    MCol("other_support", "其他保障", 1.0, "money"),
    MCol("self_paid", "个人自付", 1.1, "money"),
    MCol("policy_ratio", "政策范围内报销比例", 0.9, "ratio"),
]


def who(name: str, deleted: bool) -> str:
    """The name a ledger prints: a member (or household) deleted since is still listed — the
    money was paid — but marked 已删除."""
    return f"{name}{DELETED_MARK}" if deleted else name


def _money_totals(t) -> list:
    return [getattr(t, f) for f in SUM_FIELDS] + [t.policy_ratio]


def _settlement_ledger(rows) -> tuple[list[MCol], list[tuple], tuple]:
    cols = [MCol("no", "序号", 0.5, "int"), MCol("village", "行政村", 0.9),
            MCol("name", "姓名", 0.7), MCol("id_number", "证件号码", 1.6, "code"),
            MCol("hospital", "医疗机构", 1.5), MCol("care_type", "类别", 0.7, "tag"),
            MCol("admission", "入院日期", 0.9, "date"), MCol("discharge", "出院日期", 0.9, "date"),
            MCol("settled", "结算日期", 0.9, "date"), MCol("settlement_no", "结算单据号", 1.2, "code"),
            MCol("diagnosis", "诊断", 1.1)] + _PAYER_COLS
    out = [(i, r.village_name, who(r.member_name, r.person_deleted), r.id_number,
            r.hospital_name, r.care_type,
            r.admission_date, r.discharge_date, r.settlement_date, r.settlement_no, r.diagnosis,
            *[getattr(r, f) for f in SUM_FIELDS], r.policy_ratio)
           for i, r in enumerate(rows, 1)]
    t = summarize(rows)
    totals = ("合计", "", "", f"共{t.count}人次", "", "", "", "", "", "", "", *_money_totals(t))
    return cols, out, totals


class _Acc:
    __slots__ = ("key", "count", "inpatient", "people", *SUM_FIELDS)

    def __init__(self, key):
        self.key = key
        self.count = self.inpatient = 0
        self.people: set[int] = set()
        for f in SUM_FIELDS:
            setattr(self, f, calc.ZERO)

    def add(self, r) -> None:
        self.count += 1
        self.inpatient += r.care_type == "住院"
        self.people.add(r.member_id)
        for f in SUM_FIELDS:
            setattr(self, f, getattr(self, f) + getattr(r, f))

    def amounts(self) -> list:
        payers = sum((getattr(self, f) for f in calc.PAYER_FIELDS), calc.ZERO)
        return [getattr(self, f) for f in SUM_FIELDS] + [calc.policy_ratio(payers, self.policy_cost)]


def _grouped(rows, key) -> list[_Acc]:
    groups: dict = {}
    for r in rows:
        k = key(r)
        acc = groups.get(k)
        if acc is None:
            acc = groups[k] = _Acc(k)
        acc.add(r)
    return list(groups.values())


def _person_ledger(rows):
    cols = [MCol("no", "序号", 0.5, "int"), MCol("village", "行政村", 0.9),
            MCol("household_code", "户编号", 1.4, "code"), MCol("name", "姓名", 0.7),
            MCol("id_number", "证件号码", 1.6, "code"), MCol("count", "就医人次", 0.6, "int"),
            MCol("inpatient", "住院次数", 0.6, "int")] + _PAYER_COLS
    people = _grouped(rows, lambda r: (r.village_name, r.household_code, r.member_id,
                                       who(r.member_name, r.person_deleted), r.id_number))
    rank = {}  # villages in ledger order (rows arrive sorted by the villages' sort order)
    for r in rows:
        rank.setdefault(r.village_name, len(rank))
    people.sort(key=lambda a: (rank[a.key[0]], a.key[1], a.key[2]))
    out = [(i, a.key[0], a.key[1], a.key[3], a.key[4], a.count, a.inpatient, *a.amounts())
           for i, a in enumerate(people, 1)]
    t = summarize(rows)
    totals = ("合计", "", "", "", f"共{len(people)}人", t.count, t.inpatient_count,
              *_money_totals(t))
    return cols, out, totals


def _village_ledger(rows):
    cols = [MCol("no", "序号", 0.5, "int"), MCol("village", "行政村", 1.0),
            MCol("people", "就医人数", 0.7, "int"), MCol("count", "就医人次", 0.7, "int"),
            MCol("inpatient", "住院人次", 0.7, "int")] + _PAYER_COLS
    villages = _grouped(rows, lambda r: r.village_name)  # rows arrive in village order
    out = [(i, a.key, len(a.people), a.count, a.inpatient, *a.amounts())
           for i, a in enumerate(villages, 1)]
    t = summarize(rows)
    people = len({r.member_id for r in rows})
    totals = ("合计", "", people, t.count, t.inpatient_count, *_money_totals(t))
    return cols, out, totals


def medical_ledger(data) -> MedicalLedger:
    """The 医疗救助台账 of ``data.period`` (services/medical_ledger_data.medical_data), grouped
    ``data.by``, as raw values."""
    by, period = data.by, data.period
    cols, out, totals = {"settlement": _settlement_ledger, "person": _person_ledger,
                         "village": _village_ledger}[by](data.items)
    suffix = "" if by == "settlement" else f"（{GROUPINGS[by]}）"
    sub = f"结算期间：{period.label}"
    if data.below_target_only:
        sub += "　仅列政策范围内报销比例低于目标的结算"
    return MedicalLedger(f"{data.township}{data.where}医疗救助台账{suffix}", sub, cols, out, totals,
                         sheet_name=f"医疗救助台账{period.key}")


def chronic_ledger(data) -> MedicalLedger:
    """Cards and their state on ``data.today`` (services/medical_ledger_data.chronic_data); with
    ``gaps_only`` the members with a chronic disease but no family-doctor signing."""
    township, where, today = data.township, data.where, data.today
    if data.gaps_only:
        cols = [MCol("no", "序号", 0.5, "int"), MCol("village", "行政村", 1.0),
                MCol("household_code", "户编号", 1.4, "code"), MCol("name", "姓名", 0.8),
                MCol("id_number", "证件号码", 1.6, "code"), MCol("health", "健康状况", 1.2),
                MCol("diseases", "慢性病种", 1.4), MCol("basis", "认定依据", 0.8, "center")]
        rows = [(i, u.village_name, u.household_code, u.member_name, u.id_number, u.health,
                 u.diseases, u.basis) for i, u in enumerate(data.items, 1)]
        return MedicalLedger(f"{township}{where}慢性病患者未签约家庭医生名单",
                             f"截至 {today.isoformat()}　共 {len(rows)} 人", cols, rows,
                             sheet_name="未签约慢性病患者")
    cards = data.items
    cols = [MCol("no", "序号", 0.5, "int"), MCol("village", "行政村", 1.0),
            MCol("household_code", "户编号", 1.4, "code"), MCol("name", "姓名", 0.8),
            MCol("id_number", "证件号码", 1.6, "code"), MCol("disease", "病种", 1.0),
            MCol("card_no", "卡号", 1.2, "code"), MCol("approved", "认定日期", 0.9, "date"),
            MCol("review", "复审日期", 0.9, "date"), MCol("status", "状态", 0.6, "tag"),
            MCol("signed", "家庭医生签约", 0.7, "tag")]
    rows = [(i, c.village_name, c.household_code, who(c.member_name, c.person_deleted),
             c.id_number, c.disease_name,
             c.card_no, c.approved_date, c.review_date, c.status, "已签约" if c.signed else "未签约")
            for i, c in enumerate(cards, 1)]
    people = len({c.member_id for c in cards})
    per_status = counts_text(count_by((c.status for c in cards), CARD_ORDER), "张")
    totals = ("合计", "", "", f"{people}人", "", "", f"{len(rows)}张", "", "", per_status, "")
    return MedicalLedger(f"{township}{where}慢性病卡台账",
                         f"截至 {today.isoformat()}　共 {len(rows)} 张卡、{people} 人"
                         + (f"（{per_status}）" if per_status else ""), cols, rows,
                         totals if rows else None, sheet_name="慢性病卡台账")


def signing_ledger(data) -> MedicalLedger:
    """Signings (services/medical_ledger_data.signing_data): those in force on ``data.today``
    or during ``data.year``; with ``gaps_only`` those without a follow-up for ``data.months``."""
    items, today, year = data.items, data.today, data.year
    if data.gaps_only:
        title = f"{data.township}{data.where}家庭医生签约超期未随访名单"
        sub = f"截至 {today.isoformat()}　{data.months}个月内无随访记录"
    else:
        title = f"{data.township}{data.where}家庭医生签约台账"
        sub = f"{year}年度在约" if year else f"截至 {today.isoformat()}"
    cols = [MCol("no", "序号", 0.5, "int"), MCol("village", "行政村", 1.0),
            MCol("household_code", "户编号", 1.4, "code"), MCol("name", "姓名", 0.8),
            MCol("id_number", "证件号码", 1.6, "code"), MCol("doctor", "签约医生", 0.8),
            MCol("team", "签约团队", 1.2), MCol("institution", "签约机构", 1.2),
            MCol("signed", "签约日期", 0.9, "date"), MCol("end", "到期日期", 0.9, "date"),
            MCol("follow_ups", "随访次数", 0.6, "int"), MCol("last", "最近随访", 0.9, "date"),
            MCol("state", "状态", 0.6, "tag")]
    rows = [(i, g.village_name, g.household_code, who(g.member_name, g.person_deleted),
             g.id_number, g.doctor_name,
             g.team, g.institution, g.signed_date, g.end_date, g.follow_up_count,
             g.last_follow_up, "在约" if g.active else "已到期")
            for i, g in enumerate(items, 1)]
    total_fu = sum(g.follow_up_count for g in items)
    totals = ("合计", "", "", "", f"共{len(rows)}人", "", "", "", "", "", total_fu, "", "")
    return MedicalLedger(title, sub + f"　共 {len(rows)} 人", cols, rows, totals if rows else None,
                         sheet_name="家庭医生签约台账")


LEDGERS = {"medical": medical_ledger, "chronic": chronic_ledger, "signing": signing_ledger}


def render_medical_ledger(data, out, *,
                          progress: Callable[[int, int, str], None] | None = None,
                          today: dt.date | None = None, title: str | None = None) -> int:
    """Write the ledger of ``data`` (services/medical_ledger_data) to ``out`` (.pdf or .xlsx).
    ``title``: printed instead of the default (the archive prints its catalogue 题名).

    Returns the page count (Excel: the number of data rows). ``progress(done, total, text)``
    may raise ``Cancelled``; the output file is then not created.
    """
    ledger = LEDGERS[data.kind](data)
    mask_id = data.mask_id
    at = [i for i, c in enumerate(ledger.columns) if c.key == "id_number"]
    if at and mask_id("123456789012345678") != "123456789012345678":
        ledger.rows = [tuple(mask_id(v) if i in at and v else v for i, v in enumerate(r)) for r in ledger.rows]
    if title:
        ledger.title = title
    return render(ledger, out, unit=data.unit, progress=progress, today=today or dt.date.today())
