"""疑点 registry rules R01–R30 (shared/CHECK_RULES.md): one pure function each, one table."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal
from operator import mul
from typing import Callable, Iterable

from .data import LABOUR, NO_LABOUR, Context, Household, Member, active, age, norm

ERROR = "错误"
SUSPECT = "疑点"


@dataclass(frozen=True)
class Finding:
    code: str
    household: str
    member: str | None  # raw ID; the service masks it before it leaves
    detail: str


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    reads: str
    fix: str
    func: Callable[[Household, Context], Iterable[tuple[str | None, str]]]


RULES: list[Rule] = []
TOWNSHIP_RULES: list[Rule] = []  # rules over the whole township (no household), called once


def rule(code, name, severity, reads, fix):
    def wrap(func):
        RULES.append(Rule(code, name, severity, reads, fix, func))
        return func
    return wrap


def township_rule(code, name, severity, reads, fix):
    def wrap(func):
        TOWNSHIP_RULES.append(Rule(code, name, severity, reads, fix, func))
        return func
    return wrap


def all_rules() -> list[Rule]:
    from . import cross  # noqa: F401  (registers X01–X12)
    return RULES + TOWNSHIP_RULES


def _risks(h: Household) -> set[str]:
    return {norm(r) for r in h.risks if norm(r)}


def _yes(v) -> bool:
    return norm(v) == "是"


def _labour(m: Member) -> bool:
    return norm(m.labour) in LABOUR


def _measure(h: Household, kind: str) -> str:
    return norm(h.measures.get(kind, ""))


def _any_measure(h: Household) -> bool:
    return any(norm(v) for v in h.measures.values())


def _months_between(a: _dt.date, b: _dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month - (1 if b.day < a.day else 0)


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check_char(body: str) -> str:
    return "10X98765432"[sum(map(mul, map(int, body), _WEIGHTS)) % 11]


@rule("R01", "证件号码重复", ERROR, "证件号码（全部成员）", "同一证件号码出现在多条成员记录中，请核实并删除或更正重复的记录。")
def r01(h, ctx):
    for m in h.members:
        if m.id_number and ctx.all_ids.get(m.id_number, 0) > 1:
            yield m.id_number, f"证件号码在{ctx.all_ids[m.id_number]}条成员记录中出现"


@rule("R02", "身份证号码校验位错误", ERROR, "证件号码", "身份证号码校验位错误，请对照身份证更正号码。")
def r02(h, ctx):
    for m in h.members:
        t = (m.id_number or "").upper()
        if len(t) == 18 and t[:17].isdigit() and _check_char(t[:17]) != t[17]:
            yield m.id_number, "校验位错误"


@rule("R03", "证件号码位数异常或无身份证号", ERROR, "证件号码", "证件号码位数应为18、20或22位且不以999999开头，请补录正确的证件号码。")
def r03(h, ctx):
    for m in h.members:
        t = (m.id_number or "").strip()
        if len(t) not in (18, 20, 22) or t.startswith("999999"):
            yield m.id_number or None, f"证件号码{len(t)}位"


@rule("R04", "户主人数异常", ERROR, "与户主关系、状态", "每户正常成员中应有且只有一名户主，请更正与户主关系。")
def r04(h, ctx):
    n = sum(1 for m in active(h.members) if norm(m.relation) == "户主")
    if n != 1:
        yield None, f"户主{n}人"


_MALE = {"儿子", "父亲", "祖父", "孙子", "兄弟", "女婿"}
_FEMALE = {"女儿", "母亲", "祖母", "孙女", "姐妹", "儿媳"}


@rule("R05", "与户主关系与性别不符", ERROR, "与户主关系、性别", "与户主关系和性别矛盾，请更正与户主关系或性别。")
def r05(h, ctx):
    members = active(h.members)
    heads = [m for m in members if norm(m.relation) == "户主"]
    head_sex = norm(heads[0].sex) if len(heads) == 1 else ""
    for m in members:
        rel, sex = norm(m.relation), norm(m.sex)
        if not sex:
            continue
        if (rel == "配偶" and head_sex and sex == head_sex) or (rel in _MALE and sex != "男") \
                or (rel in _FEMALE and sex != "女"):
            yield m.id_number, f"与户主关系{rel}，性别{sex}"


@rule("R06", "民族、健康状况或劳动技能为空", ERROR, "民族、健康状况、劳动技能", "请补录成员的民族、健康状况和劳动技能。")
def r06(h, ctx):
    for m in active(h.members):
        empty = [n for n, v in (("民族", m.ethnicity), ("健康状况", m.health), ("劳动技能", m.labour)) if not norm(v)]
        if empty:
            yield m.id_number, "、".join(empty) + "为空"


@rule("R07", "16岁以下劳动技能不是无劳动力", ERROR, "出生日期、劳动技能", "16岁以下成员的劳动技能应为无劳动力，请更正。")
def r07(h, ctx):
    for m in active(h.members):
        a = age(m, ctx.as_of)
        if a is not None and a < 16 and norm(m.labour) != "无劳动力":
            yield m.id_number, f"{a}岁，劳动技能{norm(m.labour) or '空'}"


@rule("R08", "16–60岁健康非在校生劳动能力为无或弱", SUSPECT, "出生日期、健康状况、在校生状况、劳动技能", "16至60岁健康且不在校的成员一般有劳动能力，请核实劳动技能。")
def r08(h, ctx):
    for m in active(h.members):
        a = age(m, ctx.as_of)
        if a is not None and 16 <= a < 60 and norm(m.health) == "健康" and not norm(m.school) \
                and norm(m.labour) in {"无劳动力", "丧失劳动力", "弱劳动力或半劳动力"}:
            yield m.id_number, f"{a}岁，健康，劳动技能{norm(m.labour)}"


@rule("R09", "60岁及以上为普通或技能劳动力", SUSPECT, "出生日期、劳动技能", "60岁及以上成员一般不是普通或技能劳动力，请核实劳动技能。")
def r09(h, ctx):
    for m in active(h.members):
        a = age(m, ctx.as_of)
        if a is not None and a >= 60 and _labour(m):
            yield m.id_number, f"{a}岁，劳动技能{norm(m.labour)}"


@rule("R10", "在校生劳动技能不是无劳动力", ERROR, "在校生状况、劳动技能", "在校生的劳动技能应为无劳动力，请更正。")
def r10(h, ctx):
    for m in active(h.members):
        if norm(m.school) and norm(m.labour) != "无劳动力":
            yield m.id_number, f"{norm(m.school)}，劳动技能{norm(m.labour) or '空'}"


def _school_age_bad(school: str, a: int) -> bool:
    if school in ("学前教育", "学龄前儿童"):
        return a >= 7
    if school.startswith("小学"):
        return not 6 <= a <= 14
    if school.startswith(("七年级", "八年级", "九年级", "初中")):
        return not 12 <= a <= 17
    if school.startswith(("高中", "中职")):
        return not 15 <= a <= 20
    if school.startswith("硕士"):
        return a < 20
    return False


@rule("R11", "在校生状况与年龄不符", SUSPECT, "出生日期、在校生状况", "在校生状况与年龄不符，请核实出生日期或在校生状况。")
def r11(h, ctx):
    for m in active(h.members):
        a, s = age(m, ctx.as_of), norm(m.school)
        if a is not None and s and _school_age_bad(s, a):
            yield m.id_number, f"{a}岁，{s}"


_HIGH_EDU = ("技师", "高职", "大专", "本科", "硕士", "博士", "研究生")


@rule("R12", "文化程度与年龄不符", SUSPECT, "出生日期、文化程度", "文化程度与年龄不符，请核实文化程度或出生日期。")
def r12(h, ctx):
    for m in active(h.members):
        a, e = age(m, ctx.as_of), norm(m.education)
        if a is None or not e:
            continue
        if (a < 18 and e.startswith(_HIGH_EDU)) or (16 <= a <= 22 and e in ("小学", "文盲或半文盲")):
            yield m.id_number, f"{a}岁，文化程度{e}"


@rule("R13", "义务教育适龄儿童不在校", ERROR, "出生日期、在校生状况、义务教育阶段未上学原因", "义务教育适龄儿童应在校，或填写义务教育阶段未上学原因。")
def r13(h, ctx):
    for m in active(h.members):
        a = age(m, ctx.as_of)
        if a is not None and 6 <= a <= 16 and not norm(m.school) and not norm(m.out_of_school_reason):
            yield m.id_number, f"{a}岁，未在校且无未上学原因"


@rule("R14", "文化程度与在校生状况填报矛盾", ERROR, "文化程度、在校生状况、义务教育阶段未上学原因", "文化程度与在校生状况应只填一项，请更正。")
def r14(h, ctx):
    for m in active(h.members):
        e, s = norm(m.education), norm(m.school)
        if e and s:
            yield m.id_number, f"文化程度{e}，在校生状况{s}均已填写"
        elif not e and not s and not norm(m.out_of_school_reason):
            yield m.id_number, "文化程度、在校生状况、未上学原因均为空"


@rule("R15", "医疗保险参保异常", ERROR, "城乡居民/职工基本医疗保险、大病保险、养老保险", "城乡居民与职工基本医保应参加且只参加一种，并补录大病保险和养老保险。")
def r15(h, ctx):
    for m in active(h.members):
        r, e = _yes(m.resident_insurance), _yes(m.employee_insurance)
        problems = []
        if r == e:
            problems.append("两种基本医保都参加" if r else "未参加基本医保")
        if not norm(m.critical_insurance):
            problems.append("大病保险为空")
        if not norm(m.pension):
            problems.append("养老保险为空")
        if problems:
            yield m.id_number, "，".join(problems)


def _below(h, ctx) -> bool:
    pc = h.income.per_capita if h.income else None
    return pc is not None and ctx.threshold is not None and pc < ctx.threshold


@rule("R16", "脱贫户存在风险但未纳入监测", SUSPECT, "户类型、监测对象类别、危房、安全饮水、人均纯收入", "脱贫户有住房、饮水或收入风险，请核实是否纳入监测。")
def r16(h, ctx):
    if norm(h.household_type) == "脱贫户" and not norm(h.monitor_type):
        why = [w for w, c in (("危房", _yes(h.dangerous_house)), ("饮水不安全", norm(h.safe_water) == "否"),
                              ("人均纯收入低于监测标准", _below(h, ctx))) if c]
        if why:
            yield None, "、".join(why)


def _m(h) -> bool:
    return bool(norm(h.monitor_type))


def _u(h) -> bool:
    return norm(h.risk_cleared) == "否"


def _e(h) -> bool:
    return norm(h.risk_cleared) == "是"


@rule("R17", "监测对象风险类型为空", ERROR, "监测对象类别、致贫返贫风险1", "监测对象应填写致贫返贫风险1。")
def r17(h, ctx):
    if _m(h) and not (h.risks and norm(h.risks[0])):
        yield None, "风险1为空"


@rule("R18", "因残风险但家中无残疾人", ERROR, "风险类型、健康状况、证件类型", "有因残风险但家中无残疾成员，请核实风险类型或成员健康状况。")
def r18(h, ctx):
    if "因残" in _risks(h):
        ok = any(norm(m.health) == "残疾" and (not norm(m.document_type) or "残疾" in norm(m.document_type)
                                             or norm(m.disability_card))
                 for m in active(h.members))
        if not ok:
            yield None, "风险含因残，家中无残疾人"


@rule("R19", "缺劳动力风险但劳动力占比超过四分之一", SUSPECT, "风险类型、劳动技能", "劳动力占比超过四分之一，请核实缺劳动力风险。")
def r19(h, ctx):
    members = active(h.members)
    if _m(h) and _u(h) and "缺劳动力" in _risks(h) and members:
        n = sum(1 for m in members if _labour(m))
        if Decimal(n) / len(members) > Decimal("0.25"):
            yield None, f"劳动力{n}人/共{len(members)}人"


@rule("R20", "务工就业不稳风险但家中无劳动力", SUSPECT, "风险类型、劳动技能", "家中无劳动力，请核实务工就业不稳风险。")
def r20(h, ctx):
    if "因务工就业不稳" in _risks(h) and not any(_labour(m) for m in active(h.members)):
        yield None, "风险含因务工就业不稳，家中无劳动力"


@rule("R21", "因病风险但合规自付支出为零", SUSPECT, "风险类型、合规自付支出", "有因病风险，请补录合规自付支出。")
def r21(h, ctx):
    if _m(h) and _u(h) and "因病" in _risks(h) and h.income is not None \
            and not (h.income.self_pay or 0):
        yield None, "合规自付支出为0或空"


_R22 = (("因病", ("健康帮扶", "社会帮扶")), ("因学", ("教育帮扶", "社会帮扶")), ("因残", ("综合保障", "社会帮扶")),
        ("因安全住房", ("住房安全保障", "易地搬迁")), ("因安全饮水", ("饮水安全保障",)))


@rule("R22", "风险类型与帮扶措施不对应", SUSPECT, "风险类型、帮扶措施", "请为该风险类型落实对应的帮扶措施。")
def r22(h, ctx):
    risks = _risks(h)
    for risk, kinds in _R22:
        if risk in risks and not any(_measure(h, k) for k in kinds):
            yield None, f"{risk}无{'或'.join(kinds)}"


def _out_of_school(m: Member, on) -> bool:
    a = age(m, on)
    return a is not None and 6 <= a <= 16 and not norm(m.school)


@rule("R23", "已消除风险但仍有住房、饮水或失学问题", ERROR, "风险是否已消除、危房、安全饮水、在校生状况", "风险已消除但仍有住房、饮水或失学问题，请核实风险消除情况。")
def r23(h, ctx):
    if _e(h):
        why = [w for w, c in (("危房", _yes(h.dangerous_house)), ("饮水不安全", norm(h.safe_water) == "否"),
                              ("适龄儿童失学", any(_out_of_school(m, ctx.as_of) for m in active(h.members)))) if c]
        if why:
            yield None, "、".join(why)


@rule("R24", "帮扶消除风险但无帮扶措施或消除过快", SUSPECT, "风险消除方式、风险消除时间、识别监测时间、帮扶措施", "帮扶消除风险应有帮扶措施且识别两个月以上，请核实。")
def r24(h, ctx):
    if norm(h.clear_method) == "帮扶消除":
        if not _any_measure(h):
            yield None, "无帮扶措施"
        elif h.clear_date and h.identified and _months_between(h.identified, h.clear_date) <= 2:
            yield None, f"识别{h.identified:%Y-%m}，消除{h.clear_date:%Y-%m}"


@rule("R25", "识别一个月以上未落实帮扶措施", ERROR, "识别监测时间、帮扶措施", "识别一个月以上仍未落实帮扶措施，请落实并录入。")
def r25(h, ctx):
    if _m(h) and _u(h) and h.identified and ctx.as_of > _add_month(h.identified) and not _any_measure(h):
        yield None, f"识别于{h.identified:%Y-%m-%d}，无帮扶措施"


def _add_month(d: _dt.date) -> _dt.date:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    for day in (d.day, 30, 29, 28):
        try:
            return _dt.date(y, m, day)
        except ValueError:
            continue
    raise AssertionError


@rule("R26", "收入与风险消除不符", SUSPECT, "风险消除方式、识别监测时间、人均纯收入、工资性收入", "收入与风险消除情况不符，请核实收入。")
def r26(h, ctx):
    inc = h.income
    if norm(h.clear_method) == "帮扶消除" and h.cleared_per_capita is not None and ctx.threshold is not None:
        # the export's 风险消除后人均纯收入 is what the elimination was judged on
        if h.cleared_per_capita < ctx.threshold:
            yield None, f"帮扶消除，风险消除后人均纯收入{h.cleared_per_capita}低于监测标准"
    elif norm(h.clear_method) == "帮扶消除" and _below(h, ctx):
        yield None, f"帮扶消除，人均纯收入{inc.per_capita}低于监测标准"
    if inc is None:
        return
    if h.identified and h.identified.year >= ctx.year - 1 and inc.per_capita is not None \
            and inc.per_capita > 20000:
        yield None, f"新识别，人均纯收入{inc.per_capita}超过20000"
    if _u(h) and inc.wage is not None and 0 < inc.wage < 100:
        yield None, f"工资性收入{inc.wage}"


@rule("R27", "有劳动力未落实开发式帮扶", SUSPECT, "劳动技能、帮扶措施", "有劳动力的监测户应落实产业、就业、公益性岗位或金融帮扶。")
def r27(h, ctx):
    if not (_m(h) and _u(h)):
        return
    dev = any(_measure(h, k) for k in ("产业帮扶", "就业帮扶", "公益性岗位帮扶", "金融帮扶"))
    filled = [k for k, v in h.measures.items() if norm(v)]
    if any(_labour(m) for m in active(h.members)) and not dev:
        yield None, "有劳动力，无开发式帮扶"
    elif filled == ["综合保障"]:
        yield None, "仅有综合保障"


@rule("R28", "低保特困享受情况与帮扶措施不一致", ERROR, "享受低保、享受特困供养、综合保障", "成员享受低保或特困供养应与综合保障措施一致，请更正。")
def r28(h, ctx):
    members = active(h.members)
    if not any(norm(m.dibao) or norm(m.tekun) for m in members):
        return  # input absent
    support = _measure(h, "综合保障")
    if support == "综合保障":
        # recorded as a bare 是 (the export's measure column): what it holds is unknown, so only
        # "enjoys 低保/特困 but no 综合保障 at all" can be judged — never the reverse
        return
    if not support:
        kinds = [k for k, attr in (("低保", "dibao"), ("特困", "tekun"))
                 if any(_yes(getattr(m, attr)) for m in members)]
        if kinds:
            yield None, f"成员享受{'、'.join(kinds)}，无综合保障"
        return
    for kind, enjoys in (("低保", any(_yes(m.dibao) for m in members)),
                         ("特困", any(_yes(m.tekun) for m in members))):
        if enjoys != (kind in support):
            yield None, (f"成员享受{kind}，综合保障未含{kind}" if enjoys else f"综合保障含{kind}，无成员享受")


@rule("R29", "公益性岗位或就业帮扶对象无劳动能力或年龄不符", ERROR, "帮扶措施、劳动技能、出生日期", "公益性岗位或就业帮扶对象应有劳动能力且年满16岁不满70岁。")
def r29(h, ctx):
    text = _measure(h, "公益性岗位帮扶") + " " + _measure(h, "就业帮扶")
    if not text.strip():
        return
    for m in active(h.members):
        if m.name and m.name in text:
            a = age(m, ctx.as_of)
            if norm(m.labour) in NO_LABOUR or (a is not None and (a < 16 or a >= 70)):
                yield m.id_number, f"{a}岁，劳动技能{norm(m.labour)}"


@rule("R30", "雨露计划或产业帮扶与实际不符", SUSPECT, "教育帮扶、在校生状况、产业帮扶、生产经营性收入", "雨露计划应针对中职或高职高专学生；有产业帮扶应有生产经营性收入。")
def r30(h, ctx):
    edu = _measure(h, "教育帮扶")
    if "雨露计划" in edu:
        if not any(norm(m.school).startswith(("中职", "高职", "大专")) for m in active(h.members)):
            yield None, "雨露计划，无中职或高职高专在校生"
    if _e(h) and _measure(h, "产业帮扶") and h.income is not None and (h.income.business or 0) == 0:
        yield None, "有产业帮扶，生产经营性收入为0"


def run(households: Iterable[Household], ctx: Context, codes: set[str] | None = None) -> list[Finding]:
    """Run the selected rules over every household in one pass."""
    all_rules()
    rules = [r for r in RULES if codes is None or r.code in codes]
    out: list[Finding] = []
    for r in TOWNSHIP_RULES:
        if codes is None or r.code in codes:
            out.extend(Finding(r.code, "", member, detail) for member, detail in r.func(ctx))
    for h in households:
        for r in rules:
            for member, detail in r.func(h, ctx):
                out.append(Finding(r.code, h.number, member, detail))
    return out
