"""疑点 registry rules R01–R30 (shared/CHECK_RULES.md): one pure function each, one table.

A rule reads the township in columns (table.Table: normal members' fields normalised, ages on the
check date, per-household aggregates) and yields ``(household index or None, member ID or None,
detail)`` for each finding, in household order — one loop over plain lists per rule, so 40,000
households are checked in well under a second."""
from __future__ import annotations

import datetime as _dt
from itertools import compress, repeat
from operator import and_, contains, eq, gt, or_
from typing import Iterable

from ..gc_pause import gc_paused
from .data import LABOUR, NO_LABOUR, Context, Household
# the rule table itself: cross.py registers X01–X12 into it too, without importing this module
from .rules import ERROR, RULES, SUSPECT, TOWNSHIP_RULES, Finding, Rule, member_rule, rule
from .table import Table


def all_rules() -> list[Rule]:
    from . import cross  # noqa: F401  (registers X01–X12)
    return RULES + TOWNSHIP_RULES


def _months_between(a: _dt.date, b: _dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month - (1 if b.day < a.day else 0)


@rule("R01", "证件号码重复", ERROR, "证件号码（全部成员）", "同一证件号码出现在多条成员记录中，请核实并删除或更正重复的记录。")
def r01(t, ctx):
    ids = ctx.all_ids
    if len(ids) <= 2 * len(t.all_id):
        # the whole township: the IDs counted more than once (few, often none), then their records
        dup = set(compress(ids, map(gt, ids.values(), repeat(1))))
        if not dup:
            return
        twice = list(map(dup.__contains__, t.all_id))
    else:  # a village's records against the township's counts: asked of its own IDs
        twice = list(map(gt, map(ids.get, t.all_id, repeat(0)), repeat(1)))
    for i, x in zip(compress(t.all_hi, twice), compress(t.all_id, twice)):
        if x:
            yield i, x, f"证件号码在{ids[x]}条成员记录中出现"


@rule("R02", "身份证号码校验位错误", ERROR, "证件号码", "身份证号码校验位错误，请对照身份证更正号码。")
def r02(t, ctx):
    # the weights 7,9,10,5,… are 2^(17-i) mod 11, and 13 ≡ 2 (mod 11): reading the body in base 13
    # gives the weighted sum (halved) in one C call
    check = "10X98765432"
    for i, x in zip(t.all_hi, t.all_id):
        if x and len(x) == 18:
            body = x[:17]
            if body.isdecimal():  # exactly what int() reads as digits
                want = check[2 * int(body, 13) % 11]
                if want != x[17] and want != x[17].upper():
                    yield i, x, "校验位错误"


@rule("R03", "证件号码位数异常或无身份证号", ERROR, "证件号码", "证件号码位数应为18、20或22位且不以999999开头，请补录正确的证件号码。")
def r03(t, ctx):
    for i, x in zip(t.all_hi, t.all_id):
        s = (x or "").strip()
        if len(s) not in (18, 20, 22) or s.startswith("999999"):
            yield i, x or None, f"证件号码{len(s)}位"


@rule("R04", "户主人数异常", ERROR, "与户主关系、状态", "每户正常成员中应有且只有一名户主，请更正与户主关系。")
def r04(t, ctx):
    for i, n in enumerate(t.heads):
        if n != 1:
            yield i, None, f"户主{n}人"


_MALE = {"儿子", "父亲", "祖父", "孙子", "兄弟", "女婿"}
_FEMALE = {"女儿", "母亲", "祖母", "孙女", "姐妹", "儿媳"}

# R05–R15 read one member at a time (rules.member_rule): ``check`` is the whole rule; ``when`` and
# ``ages`` say which profiles and ages it can fire on, so the engine runs it on those members only


def _r05_can(p) -> bool:
    return bool(p.sex) and (p.rel == "配偶" or (p.rel in _MALE and p.sex != "男")
                            or (p.rel in _FEMALE and p.sex != "女"))


@member_rule("R05", "与户主关系与性别不符", ERROR, "与户主关系、性别", "与户主关系和性别矛盾，请更正与户主关系或性别。",
             when=_r05_can)
def r05(p, a, head_sex):
    rel, sex = p.rel, p.sex
    if sex and ((rel == "配偶" and head_sex and sex == head_sex) or (rel in _MALE and sex != "男")
                or (rel in _FEMALE and sex != "女")):
        return f"与户主关系{rel}，性别{sex}"


@member_rule("R06", "民族、健康状况或劳动技能为空", ERROR, "民族、健康状况、劳动技能", "请补录成员的民族、健康状况和劳动技能。",
             when=lambda p: not (p.eth and p.health and p.labour))
def r06(p, a, head_sex):
    empty = [n for n, v in (("民族", p.eth), ("健康状况", p.health), ("劳动技能", p.labour)) if not v]
    if empty:
        return "、".join(empty) + "为空"


@member_rule("R07", "16岁以下劳动技能不是无劳动力", ERROR, "出生日期、劳动技能", "16岁以下成员的劳动技能应为无劳动力，请更正。",
             when=lambda p: p.labour != "无劳动力", ages=lambda a: a is not None and a < 16)
def r07(p, a, head_sex):
    if a is not None and a < 16 and p.labour != "无劳动力":
        return f"{a}岁，劳动技能{p.labour or '空'}"


_WEAK = frozenset({"无劳动力", "丧失劳动力", "弱劳动力或半劳动力"})


def _r08_can(p) -> bool:
    return p.labour in _WEAK and p.health == "健康" and not p.school


@member_rule("R08", "16–60岁健康非在校生劳动能力为无或弱", SUSPECT, "出生日期、健康状况、在校生状况、劳动技能", "16至60岁健康且不在校的成员一般有劳动能力，请核实劳动技能。",
             when=_r08_can, ages=lambda a: a is not None and 16 <= a < 60)
def r08(p, a, head_sex):
    if _r08_can(p) and a is not None and 16 <= a < 60:
        return f"{a}岁，健康，劳动技能{p.labour}"


@member_rule("R09", "60岁及以上为普通或技能劳动力", SUSPECT, "出生日期、劳动技能", "60岁及以上成员一般不是普通或技能劳动力，请核实劳动技能。",
             when=lambda p: p.labour in LABOUR, ages=lambda a: a is not None and a >= 60)
def r09(p, a, head_sex):
    if p.labour in LABOUR and a is not None and a >= 60:
        return f"{a}岁，劳动技能{p.labour}"


@member_rule("R10", "在校生劳动技能不是无劳动力", ERROR, "在校生状况、劳动技能", "在校生的劳动技能应为无劳动力，请更正。",
             when=lambda p: bool(p.school) and p.labour != "无劳动力")
def r10(p, a, head_sex):
    if p.school and p.labour != "无劳动力":
        return f"{p.school}，劳动技能{p.labour or '空'}"


# R11: an in-school status's stage (tried in order), and the ages each stage fits (inclusive)
_STAGE_AGES = (None, (None, 6), (6, 14), (12, 17), (15, 20), (20, None))


def _school_stage(school: str) -> int:
    if school in ("学前教育", "学龄前儿童"):
        return 1
    if school.startswith("小学"):
        return 2
    if school.startswith(("七年级", "八年级", "九年级", "初中")):
        return 3
    if school.startswith(("高中", "中职")):
        return 4
    if school.startswith("硕士"):
        return 5
    return 0  # any other status fits every age


def _stage_fits(stage: int, a: int) -> bool:
    lo, hi = _STAGE_AGES[stage]
    return (lo is None or a >= lo) and (hi is None or a <= hi)


def _school_age_bad(school: str, a: int) -> bool:
    stage = _school_stage(school)
    return bool(stage) and not _stage_fits(stage, a)


# the engine's cases for R11 (rules.MemberCheck): stage k is bit k-1, so a member is looked at
# only where the profile's stage is one the age does not fit
def _r11_stage_bit(p) -> int:
    stage = _school_stage(p.school)
    return 1 << (stage - 1) if stage else 0


def _r11_unfit_bits(a) -> int:
    if a is None:
        return 0
    return sum(1 << (stage - 1) for stage in range(1, 6) if not _stage_fits(stage, a))


@member_rule("R11", "在校生状况与年龄不符", SUSPECT, "出生日期、在校生状况", "在校生状况与年龄不符，请核实出生日期或在校生状况。",
             when=_r11_stage_bit, ages=_r11_unfit_bits, cases=5)
def r11(p, a, head_sex):
    if p.school and a is not None and _school_age_bad(p.school, a):
        return f"{a}岁，{p.school}"


_HIGH_EDU = ("技师", "高职", "大专", "本科", "硕士", "博士", "研究生")


def _r12_bad(e: str, a: int) -> bool:
    return (a < 18 and e.startswith(_HIGH_EDU)) or (16 <= a <= 22 and e in ("小学", "文盲或半文盲"))


# R12's cases: 0, a higher degree (wrong under 18); 1, primary school or less (wrong at 16–22)
def _r12_kind_bits(p) -> int:
    return p.edu.startswith(_HIGH_EDU) | (p.edu in ("小学", "文盲或半文盲")) << 1


def _r12_age_bits(a) -> int:
    return 0 if a is None else (a < 18) | (16 <= a <= 22) << 1


@member_rule("R12", "文化程度与年龄不符", SUSPECT, "出生日期、文化程度", "文化程度与年龄不符，请核实文化程度或出生日期。",
             when=_r12_kind_bits, ages=_r12_age_bits, cases=2)
def r12(p, a, head_sex):
    if a is not None and p.edu and _r12_bad(p.edu, a):
        return f"{a}岁，文化程度{p.edu}"


@member_rule("R13", "义务教育适龄儿童不在校", ERROR, "出生日期、在校生状况、义务教育阶段未上学原因", "义务教育适龄儿童应在校，或填写义务教育阶段未上学原因。",
             when=lambda p: not p.school and not p.oos, ages=lambda a: a is not None and 6 <= a <= 16)
def r13(p, a, head_sex):
    if not p.school and not p.oos and a is not None and 6 <= a <= 16:
        return f"{a}岁，未在校且无未上学原因"


@member_rule("R14", "文化程度与在校生状况填报矛盾", ERROR, "文化程度、在校生状况、义务教育阶段未上学原因", "文化程度与在校生状况应只填一项，请更正。",
             when=lambda p: bool(p.edu and p.school) or not (p.edu or p.school or p.oos))
def r14(p, a, head_sex):
    e, s = p.edu, p.school
    if e and s:
        return f"文化程度{e}，在校生状况{s}均已填写"
    if not e and not s and not p.oos:
        return "文化程度、在校生状况、未上学原因均为空"


def _r15_problems(p) -> list[str]:
    r, e = p.res == "是", p.emp == "是"
    problems = []
    if r == e:
        problems.append("两种基本医保都参加" if r else "未参加基本医保")
    if not p.crit:
        problems.append("大病保险为空")
    if not p.pen:
        problems.append("养老保险为空")
    return problems


@member_rule("R15", "医疗保险参保异常", ERROR, "城乡居民/职工基本医疗保险、大病保险、养老保险", "城乡居民与职工基本医保应参加且只参加一种，并补录大病保险和养老保险。",
             when=lambda p: bool(_r15_problems(p)))
def r15(p, a, head_sex):
    problems = _r15_problems(p)
    if problems:
        return "，".join(problems)


@rule("R16", "脱贫户存在风险但未纳入监测", SUSPECT, "户类型、监测对象类别、危房、安全饮水、人均纯收入", "脱贫户有住房、饮水或收入风险，请核实是否纳入监测。")
def r16(t, ctx):
    # only a house, water or income risk can be flagged (few households have one)
    risky = map(or_, map(or_, map(eq, t.danger, repeat("是")), map(eq, t.water, repeat("否"))), t.below)
    for i in compress(range(t.n), risky):
        ht, mon = t.htype[i], t.mon[i]
        if ht == "脱贫户" and not mon:
            why = [w for w, c in (("危房", t.danger[i] == "是"), ("饮水不安全", t.water[i] == "否"),
                                  ("人均纯收入低于监测标准", t.below[i])) if c]
            if why:
                yield i, None, "、".join(why)


@rule("R17", "监测对象风险类型为空", ERROR, "监测对象类别、致贫返贫风险1", "监测对象应填写致贫返贫风险1。")
def r17(t, ctx):
    for i, (mon, r1) in enumerate(zip(t.mon, t.risk1)):
        if mon and not r1:
            yield i, None, "风险1为空"


@rule("R18", "因残风险但家中无残疾人", ERROR, "风险类型、健康状况、证件类型", "有因残风险但家中无残疾成员，请核实风险类型或成员健康状况。")
def r18(t, ctx):
    for i, risks in enumerate(t.risks):
        if "因残" in risks and not t.disabled(i):
            yield i, None, "风险含因残，家中无残疾人"


@rule("R19", "缺劳动力风险但劳动力占比超过四分之一", SUSPECT, "风险类型、劳动技能", "劳动力占比超过四分之一，请核实缺劳动力风险。")
def r19(t, ctx):
    for i, (mon, cl, risks, total) in enumerate(zip(t.mon, t.cleared, t.risks, t.nact)):
        if mon and cl == "否" and total and "缺劳动力" in risks:
            n = t.labour_count(i)
            if 4 * n > total:
                yield i, None, f"劳动力{n}人/共{total}人"


@rule("R20", "务工就业不稳风险但家中无劳动力", SUSPECT, "风险类型、劳动技能", "家中无劳动力，请核实务工就业不稳风险。")
def r20(t, ctx):
    for i, risks in enumerate(t.risks):
        if "因务工就业不稳" in risks and not t.labour_count(i):
            yield i, None, "风险含因务工就业不稳，家中无劳动力"


@rule("R21", "因病风险但合规自付支出为零", SUSPECT, "风险类型、合规自付支出", "有因病风险，请补录合规自付支出。")
def r21(t, ctx):
    for i, (mon, cl, risks, inc) in enumerate(zip(t.mon, t.cleared, t.risks, t.inc)):
        if mon and cl == "否" and "因病" in risks and inc is not None and not (inc.self_pay or 0):
            yield i, None, "合规自付支出为0或空"


_R22 = (("因病", ("健康帮扶", "社会帮扶")), ("因学", ("教育帮扶", "社会帮扶")), ("因残", ("综合保障", "社会帮扶")),
        ("因安全住房", ("住房安全保障", "易地搬迁")), ("因安全饮水", ("饮水安全保障",)))


@rule("R22", "风险类型与帮扶措施不对应", SUSPECT, "风险类型、帮扶措施", "请为该风险类型落实对应的帮扶措施。")
def r22(t, ctx):
    for i, (risks, meas) in enumerate(zip(t.risks, t.meas)):
        if risks:
            for risk, kinds in _R22:
                if risk in risks and not any(k in meas for k in kinds):
                    yield i, None, f"{risk}无{'或'.join(kinds)}"


@rule("R23", "已消除风险但仍有住房、饮水或失学问题", ERROR, "风险是否已消除、危房、安全饮水、在校生状况", "风险已消除但仍有住房、饮水或失学问题，请核实风险消除情况。")
def r23(t, ctx):
    for i, cl in enumerate(t.cleared):
        if cl == "是":
            why = [w for w, c in (("危房", t.danger[i] == "是"), ("饮水不安全", t.water[i] == "否"),
                                  ("适龄儿童失学", t.child_out(i))) if c]
            if why:
                yield i, None, "、".join(why)


@rule("R24", "帮扶消除风险但无帮扶措施或消除过快", SUSPECT, "风险消除方式、风险消除时间、识别监测时间、帮扶措施", "帮扶消除风险应有帮扶措施且识别两个月以上，请核实。")
def r24(t, ctx):
    for i, (method, meas) in enumerate(zip(t.method, t.meas)):
        if method == "帮扶消除":
            h = t.households[i]
            if not meas:
                yield i, None, "无帮扶措施"
            elif h.clear_date and h.identified and _months_between(h.identified, h.clear_date) <= 2:
                yield i, None, f"识别{h.identified:%Y-%m}，消除{h.clear_date:%Y-%m}"


@rule("R25", "识别一个月以上未落实帮扶措施", ERROR, "识别监测时间、帮扶措施", "识别一个月以上仍未落实帮扶措施，请落实并录入。")
def r25(t, ctx):
    for i, (mon, cl, meas) in enumerate(zip(t.mon, t.cleared, t.meas)):
        if mon and cl == "否" and not meas:
            ident = t.households[i].identified
            if ident and ctx.as_of > _add_month(ident):
                yield i, None, f"识别于{ident:%Y-%m-%d}，无帮扶措施"


def _add_month(d: _dt.date) -> _dt.date:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    for day in (d.day, 30, 29, 28):
        try:
            return _dt.date(y, m, day)
        except ValueError:
            continue
    raise AssertionError


@rule("R26", "收入与风险消除不符", SUSPECT, "风险消除方式、识别监测时间、人均纯收入、工资性收入", "收入与风险消除情况不符，请核实收入。")
def r26(t, ctx):
    thr, year = ctx.threshold, ctx.year
    for i, (method, inc, below) in enumerate(zip(t.method, t.inc, t.below)):
        if inc is None and method != "帮扶消除":
            continue
        h = t.households[i]
        if method == "帮扶消除" and h.cleared_per_capita is not None and thr is not None:
            # the export's 风险消除后人均纯收入 is what the elimination was judged on
            if h.cleared_per_capita < thr:
                yield i, None, f"帮扶消除，风险消除后人均纯收入{h.cleared_per_capita}低于监测标准"
        elif method == "帮扶消除" and below:
            yield i, None, f"帮扶消除，人均纯收入{inc.per_capita}低于监测标准"
        if inc is None:
            continue
        if h.identified and h.identified.year >= year - 1 and inc.per_capita is not None \
                and inc.per_capita > 20000:
            yield i, None, f"新识别，人均纯收入{inc.per_capita}超过20000"
        if t.cleared[i] == "否" and inc.wage is not None and 0 < inc.wage < 100:
            yield i, None, f"工资性收入{inc.wage}"


_DEV = ("产业帮扶", "就业帮扶", "公益性岗位帮扶", "金融帮扶")


@rule("R27", "有劳动力未落实开发式帮扶", SUSPECT, "劳动技能、帮扶措施", "有劳动力的监测户应落实产业、就业、公益性岗位或金融帮扶。")
def r27(t, ctx):
    for i, (mon, cl, meas) in enumerate(zip(t.mon, t.cleared, t.meas)):
        if not (mon and cl == "否"):
            continue
        dev = any(k in meas for k in _DEV)
        if not dev and t.labour_count(i):
            yield i, None, "有劳动力，无开发式帮扶"
        elif len(meas) == 1 and "综合保障" in meas:
            yield i, None, "仅有综合保障"


@rule("R28", "低保特困享受情况与帮扶措施不一致", ERROR, "享受低保、享受特困供养、综合保障", "成员享受低保或特困供养应与综合保障措施一致，请更正。")
def r28(t, ctx):
    # only where a member enjoys 低保/特困 or a 综合保障 measure is recorded can they disagree
    recorded = compress(range(t.n), map(contains, t.meas, repeat("综合保障")))
    dibao_yes = t.households_with("dibao", lambda p: p.dibao == "是")
    tekun_yes = t.households_with("tekun", lambda p: p.tekun == "是")
    filled = t.profile_flag("dibao/tekun filled", lambda p: bool(p.dibao or p.tekun))
    for i in sorted(dibao_yes.union(tekun_yes, recorded)):
        dibao, tekun = i in dibao_yes, i in tekun_yes
        if not (dibao or tekun or t.has_member(i, filled)):
            continue
        meas = t.meas[i]
        support = meas.get("综合保障", "")
        if support == "综合保障":
            # recorded as a bare 是 (the export's measure column): what it holds is unknown, so only
            # "enjoys 低保/特困 but no 综合保障 at all" can be judged — never the reverse
            continue
        if not support:
            kinds = [k for k, yes in (("低保", dibao), ("特困", tekun)) if yes]
            if kinds:
                yield i, None, f"成员享受{'、'.join(kinds)}，无综合保障"
            continue
        for kind, enjoys in (("低保", dibao), ("特困", tekun)):
            if enjoys != (kind in support):
                yield i, None, (f"成员享受{kind}，综合保障未含{kind}" if enjoys else f"综合保障含{kind}，无成员享受")


@rule("R29", "公益性岗位或就业帮扶对象无劳动能力或年龄不符", ERROR, "帮扶措施、劳动技能、出生日期", "公益性岗位或就业帮扶对象应有劳动能力且年满16岁不满70岁。")
def r29(t, ctx):
    texts = {}
    for i, meas in enumerate(t.meas):
        if "公益性岗位帮扶" in meas or "就业帮扶" in meas:
            texts[i] = meas.get("公益性岗位帮扶", "") + " " + meas.get("就业帮扶", "")
    if not texts:
        return
    # those households' members (a quarter of the township) that lack labour or the age, each
    # asked once per profile / age, then whether the measure names them
    no_labour = t.profile_flag("no labour", lambda p: p.labour in NO_LABOUR)
    unfit_age = {a: a is not None and (a < 16 or a >= 70) for a in set(t.age)}
    pid, age, names, start = t.pid, t.age, t.name, t.start
    for i, text in texts.items():
        for j in range(start[i], start[i + 1]):
            if no_labour[pid[j]] or unfit_age[age[j]]:
                name = names[j]
                if text and name and name in text:
                    yield i, t.id[j], f"{age[j]}岁，劳动技能{t.profiles[pid[j]].labour}"


@rule("R30", "雨露计划或产业帮扶与实际不符", SUSPECT, "教育帮扶、在校生状况、产业帮扶、生产经营性收入", "雨露计划应针对中职或高职高专学生；有产业帮扶应有生产经营性收入。")
def r30(t, ctx):
    for i, meas in enumerate(t.meas):
        if not meas:
            continue
        if "雨露计划" in meas.get("教育帮扶", "") and not t.voc(i):
            yield i, None, "雨露计划，无中职或高职高专在校生"
        inc = t.inc[i]
        if t.cleared[i] == "是" and "产业帮扶" in meas and inc is not None and (inc.business or 0) == 0:
            yield i, None, "有产业帮扶，生产经营性收入为0"


def run(households: Iterable[Household], ctx: Context, codes: set[str] | None = None) -> list[Finding]:
    """Run the selected rules over every household (the township in columns, built once)."""
    all_rules()
    with gc_paused():
        t = Table(households, ctx)
        number = dict(enumerate(t.numbers))
        number[None] = ""  # a township rule's finding has no household
        out: list[Finding] = []
        for r in TOWNSHIP_RULES + RULES:
            if codes is None or r.code in codes:
                found = list(r.func(t, ctx))
                if found:
                    out.extend(_findings(r.code, found, number))
    return out


_new_tuple = tuple.__new__


def _findings(code: str, found: list, number: dict) -> Iterable[Finding]:
    """A rule's (household index, member, detail) as Findings, built in C (tuple.__new__ is what
    Finding() calls, without its Python-level __new__ per finding: 67,701 of them in a county)."""
    at, member, detail = zip(*found)
    return map(_new_tuple, repeat(Finding), zip(repeat(code), map(number.__getitem__, at), member, detail))
