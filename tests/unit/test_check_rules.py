"""疑点 registry rules R01–R30: each fires on a minimal case and not on its near miss."""
import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal

import pytest

from fupin_desktop.domain.checks import (Assignment, Context, Household, Income, Ledgers, Member, Period,
                                         Settlement, age, all_rules, run)

AS_OF = dt.date(2023, 12, 31)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(seq: int, born: dt.date, male: bool) -> str:
    body = f"{110101 + seq // 400:06d}{born:%Y%m%d}{seq % 100:02d}{(1 if male else 2) + 2 * ((seq // 100) % 4)}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def member(seq=1, years=40, **kw):
    born = kw.get("birth_date") or dt.date(AS_OF.year - years, 6, 1)
    male = kw.get("sex", "男") == "男"
    base = dict(id_number=make_id(seq, born, male), name=f"成员{seq}", relation="户主", sex="男",
                birth_date=born, ethnicity="汉族", health="健康", labour="普通劳动力", education="初中",
                resident_insurance="是", employee_insurance="否", critical_insurance="是", pension="是")
    base.update(kw)
    return Member(**base)


def clean_household(number="H1", members=None, **kw):
    base = dict(number=number, village="一村", head_name="成员1", household_type="脱贫户",
                dangerous_house="否", safe_water="是", members=tuple(members or (member(),)),
                income=Income(per_capita=Decimal("12000"), wage=Decimal("8000"), business=Decimal("100"),
                              self_pay=Decimal("0")))
    base.update(kw)
    return Household(**base)


def ctx_for(households, as_of=AS_OF, payments=()):
    ids = {}
    for h in households:
        for m in h.members:
            ids[m.id_number] = ids.get(m.id_number, 0) + 1
    return Context(as_of=as_of, year=as_of.year, threshold=Decimal("7300"), all_ids=ids,
                   alert_line=Decimal("10000"), payment_ids=tuple(payments))


def codes(households, as_of=AS_OF, only=None):
    return [f.code for f in run(households, ctx_for(households, as_of), only)]


def fires(code, h, as_of=AS_OF):
    return code in codes([h], as_of, {code})


MON = dict(monitor_type="边缘易致贫户", risk_cleared="否", identified=dt.date(2023, 3, 1))
CHILD = dict(labour="无劳动力", education="", school="小学", relation="儿子")

# code -> (firing household, near-miss household)
CASES = {
    "R02": (clean_household(members=[member(id_number=make_id(1, dt.date(1983, 6, 1), True)[:17] + "0")
                                     if make_id(1, dt.date(1983, 6, 1), True)[17] != "0" else
                                     member(id_number=make_id(1, dt.date(1983, 6, 1), True)[:17] + "1")]),
            clean_household()),
    "R03": (clean_household(members=[member(id_number="99999919830601001X")]), clean_household()),
    "R04": (clean_household(members=[member(1), member(2, relation="户主")]),
            clean_household(members=[member(1), member(2, relation="户主", status="死亡")])),
    "R05": (clean_household(members=[member(1), member(2, relation="配偶", sex="男")]),
            clean_household(members=[member(1), member(2, relation="配偶", sex="女")])),
    "R06": (clean_household(members=[member(ethnicity="")]), clean_household()),
    "R07": (clean_household(members=[member(1), member(2, years=15, labour="普通劳动力", relation="儿子", school="初中", education="")]),
            clean_household(members=[member(1), member(2, years=15, **CHILD)])),
    "R08": (clean_household(members=[member(labour="弱劳动力或半劳动力")]),
            clean_household(members=[member(labour="弱劳动力或半劳动力", health="长期慢性病")])),
    "R09": (clean_household(members=[member(years=65)]),
            clean_household(members=[member(years=65, labour="无劳动力")])),
    "R10": (clean_household(members=[member(1), member(2, years=20, school="本科", education="", relation="儿子")]),
            clean_household(members=[member(1), member(2, years=20, school="本科", education="", relation="儿子", labour="无劳动力")])),
    "R11": (clean_household(members=[member(1), member(2, years=16, **CHILD)]),
            clean_household(members=[member(1), member(2, years=10, **CHILD)])),
    "R12": (clean_household(members=[member(years=20, education="小学")]),
            clean_household(members=[member(years=23, education="小学")])),
    "R13": (clean_household(members=[member(1), member(2, years=10, relation="儿子", labour="无劳动力", education="小学")]),
            clean_household(members=[member(1), member(2, years=10, relation="儿子", labour="无劳动力", education="小学",
                                                out_of_school_reason="身体原因")])),
    "R14": (clean_household(members=[member(education="", school="")]), clean_household()),
    "R15": (clean_household(members=[member(employee_insurance="是")]), clean_household()),
    "R16": (clean_household(dangerous_house="是"), clean_household(dangerous_house="是", monitor_type="脱贫不稳定户",
                                                                   risks=("因安全住房",), risk_cleared="否",
                                                                   measures={"住房安全保障": "危房改造", "产业帮扶": "养殖"})),
    "R17": (clean_household(**MON, measures={"产业帮扶": "养殖"}),
            clean_household(**MON, risks=("因学",), measures={"产业帮扶": "养殖", "教育帮扶": "资助"})),
    "R18": (clean_household(risks=("因残",), measures={"综合保障": "残疾补贴"}),
            clean_household(risks=("因残",), measures={"综合保障": "残疾补贴"}, members=[member(health="残疾")])),
    "R19": (clean_household(**MON, risks=("缺劳动力",), measures={"产业帮扶": "养殖"}),
            clean_household(**MON, risks=("缺劳动力",), measures={"产业帮扶": "养殖"},
                            members=[member(1), member(2, years=65, labour="无劳动力", relation="父亲"),
                                     member(3, years=66, labour="无劳动力", relation="母亲", sex="女"),
                                     member(4, years=67, labour="丧失劳动力", relation="祖父")])),
    "R20": (clean_household(risks=("因务工就业不稳",), members=[member(labour="丧失劳动力", health="残疾")]),
            clean_household(risks=("因务工就业不稳",))),
    "R21": (clean_household(**MON, risks=("因病",), measures={"健康帮扶": "大病救助", "产业帮扶": "养殖"}),
            clean_household(**MON, risks=("因病",), measures={"健康帮扶": "大病救助", "产业帮扶": "养殖"},
                            income=Income(per_capita=Decimal(9000), wage=Decimal(5000), self_pay=Decimal(3000)))),
    "R22": (clean_household(risks=("饮水安全问题",)), clean_household(risks=("饮水安全问题",), measures={"饮水安全保障": "改水"})),
    "R23": (clean_household(risk_cleared="是", monitor_type="脱贫不稳定户", safe_water="否"),
            clean_household(risk_cleared="是", monitor_type="脱贫不稳定户")),
    "R24": (clean_household(clear_method="帮扶消除", identified=dt.date(2023, 1, 15), clear_date=dt.date(2023, 3, 10),
                            measures={"产业帮扶": "养殖"}),
            clean_household(clear_method="帮扶消除", identified=dt.date(2023, 1, 15), clear_date=dt.date(2023, 4, 20),
                            measures={"产业帮扶": "养殖"})),
    "R25": (clean_household(**{**MON, "identified": dt.date(2023, 11, 29)}, risks=("因学",)),
            clean_household(**{**MON, "identified": dt.date(2023, 12, 1)}, risks=("因学",))),
    "R26": (clean_household(clear_method="帮扶消除", measures={"产业帮扶": "养殖"},
                            income=Income(per_capita=Decimal("7299.99"), wage=Decimal(1000), business=Decimal(1))),
            clean_household(clear_method="帮扶消除", measures={"产业帮扶": "养殖"},
                            income=Income(per_capita=Decimal("7300"), wage=Decimal(1000), business=Decimal(1)))),
    "R27": (clean_household(**MON, risks=("因学",), measures={"教育帮扶": "资助"}),
            clean_household(**MON, risks=("因学",), measures={"教育帮扶": "资助", "就业帮扶": "务工"})),
    "R28": (clean_household(members=[member(dibao="是")]),
            clean_household(members=[member(dibao="是")], measures={"综合保障": "农村低保"})),
    "R29": (clean_household(measures={"公益性岗位帮扶": "成员1 护林员"}, members=[member(years=70, labour="无劳动力")]),
            clean_household(measures={"公益性岗位帮扶": "成员1 护林员"}, members=[member(years=69, labour="普通劳动力")])),
    "R30": (clean_household(measures={"教育帮扶": "雨露计划"}),
            clean_household(measures={"教育帮扶": "雨露计划"},
                            members=[member(1), member(2, years=17, relation="儿子", labour="无劳动力", education="", school="中职一年级")])),
}


D = dt.date
DEAD = dict(status="死亡", status_date=D(2023, 6, 30))


def led(**kw):
    return Ledgers(**kw)


def with_ledgers(ledgers, members=None, **kw):
    return clean_household(members=members, ledgers=ledgers, **kw)


M1 = member(1)
WORKER = member(1, years=50)
POST = Assignment(WORKER.id_number, "护林员", D(2023, 1, 1), None, 16, 65)
POSTED = {"公益性岗位帮扶": "成员1 护林员"}
CASES.update({
    "X01": (with_ledgers(led(assignments=(POST,)), [replace(WORKER, **DEAD)], measures=POSTED),
            with_ledgers(led(assignments=(replace(POST, end=D(2023, 6, 30)),)), [replace(WORKER, **DEAD)], measures=POSTED)),
    "X02": (with_ledgers(led(assignments=(replace(POST, max_age=50),)), [WORKER], measures=POSTED),
            with_ledgers(led(assignments=(replace(POST, max_age=51),)), [WORKER], measures=POSTED)),
    "X03": (with_ledgers(led(last_attendance={WORKER.id_number: D(2023, 7, 1)}), [replace(WORKER, **DEAD)]),
            with_ledgers(led(last_attendance={WORKER.id_number: D(2023, 6, 30)}), [replace(WORKER, **DEAD)])),
    "X04": (with_ledgers(led(), measures=POSTED),
            with_ledgers(led(assignments=(POST,)), [WORKER], measures=POSTED)),
    "X05": (with_ledgers(led(wages_paid=Decimal("8000.01"))), with_ledgers(led(wages_paid=Decimal("8000")))),
    "X06": (with_ledgers(led(settlements=(Settlement(M1.id_number, D(2023, 6, 1), D(2023, 7, 1)),)), [replace(M1, **DEAD)]),
            with_ledgers(led(settlements=(Settlement(M1.id_number, D(2023, 6, 1), D(2023, 6, 30)),)), [replace(M1, **DEAD)])),
    "X07": (with_ledgers(led(), risks=("因病",), measures={"健康帮扶": "救助"}),
            with_ledgers(led(settlements=(Settlement(M1.id_number, D(2023, 3, 1), D(2023, 3, 5), Decimal(500)),)),
                         risks=("因病",), measures={"健康帮扶": "救助"})),
    "X08": (with_ledgers(led(chronic_cards=(Period(M1.id_number, D(2023, 1, 1), None),))),
            with_ledgers(led(chronic_cards=(Period(M1.id_number, D(2023, 1, 1), None),),
                             signings=(Period(M1.id_number, D(2023, 1, 1), D(2023, 12, 31)),)))),
    "X09": (with_ledgers(led(settlements=(Settlement(M1.id_number, D(2023, 3, 1), D(2023, 3, 5), Decimal(1), Decimal(10)),)),
                         [replace(M1, resident_insurance="否")]),
            with_ledgers(led(settlements=(Settlement(M1.id_number, D(2023, 3, 1), D(2023, 3, 5), Decimal(1), Decimal(0)),)),
                         [replace(M1, resident_insurance="否")])),
    "X10": (with_ledgers(led(settlements=(Settlement(M1.id_number, D(2023, 3, 1), D(2023, 3, 5), Decimal(10000)),))),
            with_ledgers(led(settlements=(Settlement(M1.id_number, D(2023, 3, 1), D(2023, 3, 5), Decimal("9999.99")),)))),
    "X11": (with_ledgers(led(assignments=(POST, replace(POST, post="保洁员", start=D(2023, 5, 1)))), [WORKER], measures=POSTED),
            with_ledgers(led(assignments=(replace(POST, end=D(2023, 4, 30)), replace(POST, post="保洁员", start=D(2023, 5, 1)))),
                         [WORKER], measures=POSTED)),
})


def test_x12_payment_to_an_unknown_id():
    h = clean_household()
    found = run([h], ctx_for([h], payments=[("110101199001011234", "工资表"), (h.members[0].id_number, "工资表")]), {"X12"})
    assert [(f.code, f.member) for f in found] == [("X12", "110101199001011234")]


def test_registry_has_every_registry_rule_with_a_fix_sentence():
    rules = all_rules()
    assert [r.code for r in rules] == [f"R{n:02d}" for n in range(1, 31)] + [f"X{n:02d}" for n in range(1, 13)]
    for r in rules:
        assert r.severity in ("错误", "疑点") and r.name and r.fix.endswith("。") and r.reads


def test_clean_household_has_no_findings():
    assert codes([clean_household()]) == []


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_and_near_miss_does_not(code):
    hit, miss = CASES[code]
    assert fires(code, hit)
    assert not fires(code, miss)


def test_r01_duplicate_id_across_households_and_statuses():
    a = clean_household("H1")
    b = clean_household("H2", members=[replace(a.members[0], status="死亡", relation="户主")] + [member(5)])
    found = run([a, b], ctx_for([a, b]), {"R01"})
    assert {f.household for f in found} == {"H1", "H2"}
    assert not codes([a, clean_household("H2", members=[member(5)])], only={"R01"})


def test_age_boundaries_and_birthday_on_the_check_date():
    born = dt.date(2007, 12, 31)
    m = member(2, relation="儿子", birth_date=born, labour="普通劳动力", education="初中")
    assert age(m, AS_OF) == 16 and age(m, AS_OF - dt.timedelta(days=1)) == 15
    h = clean_household(members=[member(1), m])
    assert not fires("R07", h) and fires("R07", h, AS_OF - dt.timedelta(days=1))
    old = clean_household(members=[member(birth_date=dt.date(1963, 12, 31))])
    assert fires("R09", old) and not fires("R09", old, AS_OF - dt.timedelta(days=1))
    post = dict(measures={"公益性岗位帮扶": "成员1 保洁"})
    seventy = clean_household(members=[member(birth_date=dt.date(1953, 12, 31), labour="普通劳动力")], **post)
    assert fires("R29", seventy) and not fires("R29", seventy, AS_OF - dt.timedelta(days=1))
    # birth date empty: the age comes from the ID
    assert age(replace(m, birth_date=None), AS_OF) == 16


def test_only_normal_members_count():
    dead = member(2, years=10, relation="儿子", labour="普通劳动力", status="死亡")
    assert not codes([clean_household(members=[member(1), dead])])


def test_spellings_are_treated_as_the_same_value():
    m = member(1, years=10, relation="户主", labour="无劳动能力", school="小学", education="")
    assert not fires("R07", clean_household(members=[m]))
    assert fires("R13", clean_household(members=[member(), replace(m, id_number=make_id(9, m.birth_date, True), relation="儿子", school="非在校生", education="小学")]))


def _remap_ledgers(h, remap):
    if h.ledgers is None:
        return h
    lg, mv = h.ledgers, (lambda x: replace(x, member_id=remap.get(x.member_id, x.member_id)))
    return replace(h, ledgers=replace(
        lg, assignments=tuple(map(mv, lg.assignments)), settlements=tuple(map(mv, lg.settlements)),
        chronic_cards=tuple(map(mv, lg.chronic_cards)), signings=tuple(map(mv, lg.signings)),
        last_attendance={remap.get(k, k): v for k, v in lg.last_attendance.items()}))


def test_generated_township_every_planted_violation_is_found_and_clean_gives_none():
    rnd = random.Random(14)
    township, planted = [], set()
    for n in range(300):
        township.append(clean_household(f"C{n}", members=[member(n * 10 + 1, years=rnd.randint(23, 59))],
                                        village=rnd.choice("一二三") + "村"))
    assert codes(township) == []
    for n, (code, (hit, _miss)) in enumerate(sorted(CASES.items())):
        # renumber IDs so planted households do not collide with each other (R01)
        ms = [replace(m, id_number=m.id_number if code in ("R02", "R03") else make_id(5000 + n * 10 + i, m.birth_date, m.sex == "男"))
              for i, m in enumerate(hit.members)]
        hit = _remap_ledgers(hit, {m.id_number: k.id_number for m, k in zip(hit.members, ms)})
        township.insert(rnd.randrange(len(township)), replace(hit, number=f"P{code}", members=tuple(ms)))
        planted.add((code, f"P{code}"))
    found = {(f.code, f.household) for f in run(township, ctx_for(township))}
    assert planted - found == set()
    assert not {hh for _c, hh in found if hh.startswith("C")}
