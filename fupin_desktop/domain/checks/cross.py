"""Cross-ledger rules X01–X12: the household register against posts, wages and medical.

Like the registry rules they read the township in columns (table.Table) and yield
``(household index or None, member ID or None, detail)``; a household's members are looked up by
ID only where its ledgers hold rows."""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import attrgetter, contains, is_not, itemgetter, not_

from .data import ACTIVE, NO_LABOUR, Ledgers, age, norm
from .rules import ERROR, SUSPECT, Finding, rule, township_rule

_GONE = ("死亡", "迁出", "自然减少")
_FAR = _dt.date(9999, 12, 31)
_ZERO = Decimal(0)


_NO_LEDGERS = Ledgers()


def _members(h):
    return {m.id_number: m for m in h.members}


def _year_span(year: int):
    return _dt.date(year, 1, 1), _dt.date(year, 12, 31)


def _with(t, what):
    """(index, household, ledgers) of the households whose ledgers hold ``what`` (gathered for
    every ledger part in one pass over the township, on first use)."""
    got = t.cache.get("with")
    if got is None:
        hs = t.households
        leds = [h.ledgers for h in hs]  # (a comprehension reads a slot faster than attrgetter)
        kept = list(map(is_not, leds, repeat(None)))
        rows = list(zip(compress(range(len(hs)), kept), compress(hs, kept), compress(leds, kept)))
        leds = list(compress(leds, kept))
        got = t.cache["with"] = {
            "assignments": list(compress(rows, [led.assignments for led in leds])),
            "last_attendance": list(compress(rows, [led.last_attendance for led in leds])),
            "settlements": list(compress(rows, [led.settlements for led in leds])),
            "chronic_cards": list(compress(rows, [led.chronic_cards for led in leds])),
            "signings": list(compress(rows, [led.signings for led in leds]))}
    return got[what]


def _not_normal(t) -> dict[int, dict[str, object]]:
    """Per household index: its members whose 状态 is not 正常, by ID (X01/X03/X06 judge only
    them; a township has a few hundred among 150,000)."""
    got = t.cache.get("not_normal")
    if got is None:
        got = t.cache["not_normal"] = {}
        hs = t.households
        for i in sorted(set(compress(t.all_hi, map(not_, t.normal)))):
            got[i] = {m.id_number: m for m in hs[i].members if m.status != ACTIVE}
    return got


@rule("X01", "公益性岗位在岗人员已死亡或迁出", ERROR, "岗位聘用、成员状态、状态日期", "成员已死亡或迁出，请办理岗位解聘并停发补贴。")
def x01(t, ctx):
    gone = _not_normal(t)
    for i, h, led in _with(t, "assignments"):
        by_id = gone.get(i)
        if not by_id:
            continue
        for a in led.assignments:
            m = by_id.get(a.member_id)
            if m and m.status in _GONE and m.status_date and (a.end or _FAR) > m.status_date:
                yield i, m.id_number, f"{m.status}于{m.status_date}，{a.post}在岗至{a.end or '今'}"


def _birthday_in(born: _dt.date, years: int) -> _dt.date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return _dt.date(born.year + years, 3, 1)


@rule("X02", "公益性岗位在岗人员年龄或劳动能力不符合岗位规则", ERROR, "岗位聘用、出生日期、劳动技能、岗位规则", "在岗人员年龄或劳动能力不符合岗位规则，请核实或解聘。")
def x02(t, ctx):
    for i, h, led in _with(t, "assignments"):
        by_id = _members(h)
        for a in led.assignments:
            m = by_id.get(a.member_id)
            if m is None:
                continue
            end = min(a.end or ctx.as_of, ctx.as_of)
            if end < a.start:
                continue
            first, last = age(m, a.start), age(m, end)
            if norm(m.labour) in NO_LABOUR:
                yield i, m.id_number, f"{a.post}，劳动技能{norm(m.labour)}"
            elif first is not None and ((a.min_age is not None and first < a.min_age)
                                        or (a.max_age is not None and last >= a.max_age)):
                yield i, m.id_number, f"{a.post}，在岗期间{first}–{last}岁，岗位要求{a.min_age}–{a.max_age}岁"


@rule("X03", "考勤晚于死亡或迁出日期", ERROR, "考勤、成员状态、状态日期", "死亡或迁出后仍有考勤，请更正考勤并追回补贴。")
def x03(t, ctx):
    gone = _not_normal(t)
    for i, h, led in _with(t, "last_attendance"):
        if i not in gone:
            continue
        last = led.last_attendance
        for m in h.members:
            d = last.get(m.id_number)
            if d and m.status in ("死亡", "迁出") and m.status_date and d > m.status_date:
                yield i, m.id_number, f"{m.status}于{m.status_date}，考勤至{d}"


@rule("X04", "公益性岗位帮扶登记与实际在岗不符", SUSPECT, "帮扶措施、岗位聘用", "公益性岗位帮扶登记应与实际在岗一致，请更正帮扶措施。")
def x04(t, ctx):
    y0, y1 = _year_span(ctx.year)
    held = {i for i, _h, led in _with(t, "assignments")
            if any(a.start <= y1 and (a.end or _FAR) >= y0 for a in led.assignments)}
    recorded = list(map(contains, t.meas, repeat("公益性岗位帮扶")))
    hs = t.households
    for i in sorted(held.union(compress(range(t.n), recorded))):
        led = hs[i].ledgers
        if led is None or not led.posts_kept:
            continue
        if recorded[i] and i not in held:
            yield i, None, f"登记公益性岗位帮扶，{ctx.year}年无成员在岗"
        elif i in held and not recorded[i]:
            yield i, None, f"{ctx.year}年有成员在岗，未登记公益性岗位帮扶"


@rule("X05", "公益性岗位补贴超过工资性收入", ERROR, "工资发放、工资性收入", "已发岗位补贴超过申报的工资性收入，请更正收入。")
def x05(t, ctx):
    for i, (h, inc) in enumerate(zip(t.households, t.inc)):
        led = h.ledgers
        if led and inc and inc.wage is not None and led.wages_paid > inc.wage:
            yield i, None, f"补贴{led.wages_paid}元，工资性收入{inc.wage}元"


@rule("X06", "医疗结算日期晚于死亡日期", ERROR, "医疗结算、成员状态", "死亡后仍有医疗结算，请核实结算或成员状态。")
def x06(t, ctx):
    gone = _not_normal(t)
    for i, h, led in _with(t, "settlements"):
        if i not in gone:
            continue
        dead = {k: m for k, m in _members(h).items() if m.status == "死亡" and m.status_date}
        if not dead:
            continue
        for s in led.settlements:
            m = dead.get(s.member_id)
            if m:
                late = [d for d in (s.admitted, s.settled) if d and d > m.status_date]
                if late:
                    yield i, m.id_number, f"死亡于{m.status_date}，结算日期{max(late)}"


class _InYear(dict):
    """settlement date -> whether it falls in the year (asked once per distinct date)."""

    def __init__(self, year: int):
        super().__init__()
        self.y0, self.y1 = _year_span(year)

    def __missing__(self, d):
        got = self[d] = d is not None and self.y0 <= d <= self.y1
        return got


_SETTLED = attrgetter("settled")


def _year_settlements(t, ctx) -> dict[int, tuple]:
    """Per household index: its settlements of the check year (X07, X09, X10; gathered once)."""
    got = t.cache.get("year_settlements")
    if got is None:
        in_year = _InYear(ctx.year).__getitem__
        rows = _with(t, "settlements")
        settlements = [led.settlements for _i, _h, led in rows]
        dates = {s.settled for s in chain.from_iterable(settlements)}
        if all(map(in_year, dates)):  # the usual case: every settlement read is of the year
            got = t.cache["year_settlements"] = dict(zip(map(itemgetter(0), rows), settlements))
            return got
        got = t.cache["year_settlements"] = {}
        for i, _h, led in rows:
            rows = led.settlements
            flags = list(map(in_year, map(_SETTLED, rows)))
            if all(flags):  # the usual case: the loader reads the year (and the dead's)
                got[i] = rows
            elif any(flags):
                got[i] = tuple(compress(rows, flags))
    return got


def _year_self_pay(t, ctx) -> dict[int, Decimal]:
    """Per household index: the self-paid total of its settlements of the check year (X07, X10)."""
    got = t.cache.get("year_self_pay")
    if got is None:
        got = t.cache["year_self_pay"] = {}
        for i, rows in _year_settlements(t, ctx).items():
            total = _ZERO  # a plain loop: a sum() call per household costs more than its few adds
            for s in rows:
                total += s.self_pay
            got[i] = total
    return got


@rule("X07", "因病风险与医疗支出不符", SUSPECT, "风险类型、医疗结算、合规自付支出", "因病风险应与医疗结算的自付支出一致，请核实合规自付支出。")
def x07(t, ctx):
    year, paid = _year_settlements(t, ctx), _year_self_pay(t, ctx)
    hs = t.households
    for i, (risks, inc) in enumerate(zip(t.risks, t.inc)):
        if "因病" not in risks or inc is None:
            continue
        led = hs[i].ledgers
        if led is None or not led.medical_kept:
            continue
        rows = year.get(i, ())
        declared = inc.self_pay or Decimal(0)
        total = paid.get(i, _ZERO)
        if not rows and declared == 0:
            yield i, None, "无医疗结算且合规自付支出为0"
        elif rows and abs(total - declared) > max(Decimal(1000), total * Decimal("0.2")):
            yield i, None, f"结算自付{total}元，申报{declared}元"


def _valid(p, on):
    return (p.start is None or p.start <= on) and (p.end is None or p.end >= on)


@rule("X08", "慢性病卡有效但未签约家庭医生", SUSPECT, "慢性病卡、家庭医生签约", "持有效慢性病卡的成员应签约家庭医生。")
def x08(t, ctx):
    on = ctx.as_of
    for i, h, led in _with(t, "chronic_cards"):
        unsigned = ({p.member_id for p in led.chronic_cards if _valid(p, on)}
                    - {p.member_id for p in led.signings if _valid(p, on)})
        if not unsigned:
            continue
        alive = {m.id_number for m in h.members if m.status == ACTIVE}
        for mid in sorted(unsigned):
            if mid in alive:
                yield i, mid, "慢性病卡有效，无有效签约"


@rule("X09", "未参加基本医保但有基本医保报销", ERROR, "基本医疗保险、医疗结算", "有基本医保报销的成员应为参加基本医保，请更正参保情况。")
def x09(t, ctx):
    # the members recorded without basic insurance (few), by household: the normal ones from
    # their profiles (C-level), the few others from their records; then whether they were reimbursed
    uninsured: dict[int, set[str]] = {}
    flag = t.per_member(lambda p: p.res == "否" and p.emp in ("否", ""))
    for j in compress(range(len(flag)), flag):
        uninsured.setdefault(t.hi[j], set()).add(t.id[j])
    for i, by_id in _not_normal(t).items():
        for k, m in by_id.items():
            if norm(m.resident_insurance) == "否" and norm(m.employee_insurance) in ("否", ""):
                uninsured.setdefault(i, set()).add(k)
    for i, rows in _year_settlements(t, ctx).items():
        ids = uninsured.get(i)
        if not ids:
            continue
        paid = {s.member_id for s in rows if s.member_id in ids and s.basic_paid > 0}
        for mid in sorted(paid):
            yield i, mid, "基本医保为否，有基本医保报销"


@rule("X10", "自付费用超过预警线但未纳入监测", SUSPECT, "医疗结算、监测对象类别、风险是否已消除", "自付费用达到因病返贫预警线，请核实是否纳入监测。")
def x10(t, ctx):
    line = ctx.alert_line
    if line is None:
        return
    paid = _year_self_pay(t, ctx)
    for i, (h, mon, cl) in enumerate(zip(t.households, t.mon, t.cleared)):
        if mon and cl != "是":
            continue
        if h.ledgers is None:
            continue
        total = paid.get(i, _ZERO)
        if total >= line:
            yield i, None, f"年自付{total}元，预警线{line}元"


@rule("X11", "同一人在多个岗位同时在岗", ERROR, "岗位聘用", "同一人不应同时在两个岗位在岗，请解聘其中一个岗位。")
def x11(t, ctx):
    for i, h, led in _with(t, "assignments"):
        if len(led.assignments) < 2:
            continue
        seen = set()
        rows = sorted(led.assignments, key=lambda a: (a.member_id, a.start))
        for k, a in enumerate(rows):
            for b in rows[k + 1:]:
                if b.member_id != a.member_id:
                    break
                if b.start <= (a.end or _FAR) and a.member_id not in seen:
                    seen.add(a.member_id)
                    yield i, a.member_id, f"{a.post}与{b.post}在岗期间重叠"


@township_rule("X12", "补贴发放对象不在户信息中", ERROR, "工资表、银行代发文件、成员证件号码", "补贴发放对象的证件号码在户信息中不存在，请核实发放对象。")
def x12(t, ctx):
    for pid, where in ctx.payment_ids:
        if pid not in ctx.all_ids:
            yield None, pid, f"{where}中的证件号码不在户信息中"


__all__ = ["Finding"]
