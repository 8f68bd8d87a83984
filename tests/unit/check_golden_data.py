"""A random township for the golden-result test of the 疑点 engine (test_check_golden): every field
drawn from the values the register really holds, their synonyms, empties and age boundaries, with
posts, wages and medical ledgers — so every rule fires somewhere and near misses abound."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal

from fupin_desktop.domain.checks import Assignment, Context, Household, Income, Ledgers, Member, Period, Settlement

AS_OF = dt.date(2023, 12, 31)
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

RELATIONS = ("户主", "户主", "配偶", "儿子", "女儿", "父亲", "母亲", "孙子", "孙女", "儿媳", "女婿", "其他", "")
LABOUR = ("普通劳动力", "技能劳动力", "无劳动力", "丧失劳动力", "弱劳动力或半劳动力", "无劳动能力", "", " 普通劳动力")
SCHOOL = ("", "", "", "学前教育", "学龄前儿童", "小学一年级", "小学六年级", "七年级", "九年级", "初中二年级",
          "高中一年级", "中职二年级", "高职高专一年级", "大专三年级", "硕士研究生", "非在校生")
EDU = ("", "", "小学", "初中", "高中", "大专", "本科", "文盲或半文盲", "硕士研究生", "技师")
HEALTH = ("健康", "健康", "残疾", "长期慢性病", "患有大病", "")
YN = ("是", "否", "")
RISKS = ("因病", "因学", "因残", "缺劳动力", "因务工就业不稳", "因安全住房", "住房出现安全问题", "饮水安全问题",
         "因安全饮水", "", "", "")
KINDS = ("产业帮扶", "就业帮扶", "公益性岗位帮扶", "金融帮扶", "健康帮扶", "教育帮扶", "综合保障", "社会帮扶",
         "住房安全保障", "易地搬迁", "饮水安全保障")
POSTS = ("护林员", "保洁员", "护路员")
BOUNDARY = (6, 7, 12, 14, 15, 16, 17, 18, 20, 22, 59, 60, 61, 69, 70, 71)


def _id(seq: int, born: dt.date | None, rnd: random.Random) -> str:
    d = born or dt.date(1980, 1, 1)
    body = f"{520101 + seq % 97:06d}{d:%Y%m%d}{seq % 1000:03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, _W)) % 11]
    roll = rnd.random()
    if roll < 0.03:
        check = "0" if check != "0" else "1"
    elif roll < 0.05:
        return body[:15]
    elif roll < 0.06:
        return "999999" + body[6:] + check
    return body + check


def _date(rnd, a=2019, b=2024):
    return dt.date(rnd.randint(a, b), rnd.randint(1, 12), rnd.randint(1, 28))


def _born(rnd):
    r = rnd.random()
    if r < 0.04:
        return None
    if r < 0.25:
        k = rnd.choice(BOUNDARY)
        return AS_OF.replace(year=AS_OF.year - k) + dt.timedelta(days=rnd.choice((-1, 0, 0, 1)))
    return dt.date(rnd.randint(1930, 2022), rnd.randint(1, 12), rnd.randint(1, 28))


def _dec(rnd, *choices):
    v = rnd.choice(choices)
    return None if v is None else Decimal(v)


def township(n: int = 1500, seed: int = 14) -> tuple[list[Household], Context]:
    rnd = random.Random(seed)
    out, seq, ids = [], 0, []
    for h in range(n):
        ms = []
        for i in range(rnd.choice((1, 2, 3, 4, 5))):
            seq += 1
            born = _born(rnd)
            idno = rnd.choice(ids) if ids and rnd.random() < 0.01 else _id(seq, born, rnd)
            ids.append(idno)
            status = rnd.choice(("正常",) * 8 + ("死亡", "迁出", "自然减少"))
            ms.append(Member(
                id_number=idno, name=f"人{seq}", relation="户主" if i == 0 and rnd.random() < 0.9 else rnd.choice(RELATIONS),
                sex=rnd.choice(("男", "女", "男", "女", "")), birth_date=born if rnd.random() < 0.9 else None,
                status=status, status_date=_date(rnd, 2022, 2024) if status != "正常" and rnd.random() < 0.9 else None,
                ethnicity=rnd.choice(("汉族", "汉族", "苗族", "")), health=rnd.choice(HEALTH),
                labour=rnd.choice(LABOUR), school=rnd.choice(SCHOOL), education=rnd.choice(EDU),
                out_of_school_reason=rnd.choice(("",) * 6 + ("因病",)),
                resident_insurance=rnd.choice(("是", "是", "否", "")), employee_insurance=rnd.choice(("否", "否", "是", "")),
                critical_insurance=rnd.choice(("是", "是", "")), pension=rnd.choice(("是", "是", "否", "")),
                dibao=rnd.choice(("", "", "是", "否")), tekun=rnd.choice(("", "", "否", "是")),
                document_type=rnd.choice(("", "", "居民身份证", "残疾人证")), disability_card=rnd.choice(("", "", "", "一级"))))
        names = [m.name for m in ms]
        measures = {}
        for k in rnd.sample(KINDS, rnd.randint(0, 4)):
            measures[k] = rnd.choice((k, "", "雨露计划", "低保", "特困", "低保 特困", "综合保障",
                                      rnd.choice(names) + " 护林员", "养殖"))
        ledgers = None
        if rnd.random() < 0.7:
            asg, last, settle, cards, signs = [], {}, [], [], []
            for m in ms:
                if rnd.random() < 0.3:
                    start = _date(rnd, 2021, 2023)
                    end = rnd.choice((None, None, start + dt.timedelta(days=rnd.randint(0, 500))))
                    asg.append(Assignment(m.id_number, rnd.choice(POSTS), start, end, rnd.choice((16, 18, None)),
                                          rnd.choice((60, 65, 71, None))))
                    if rnd.random() < 0.5:
                        asg.append(Assignment(m.id_number, rnd.choice(POSTS), _date(rnd, 2022, 2023), None, 16, 65))
                if rnd.random() < 0.2:
                    last[m.id_number] = _date(rnd, 2022, 2023)
                for _ in range(rnd.choice((0, 0, 1, 2))):
                    s = _date(rnd, 2022, 2024)
                    settle.append(Settlement(m.id_number, s if rnd.random() < 0.9 else None, s + dt.timedelta(days=3),
                                             _dec(rnd, 0, 100, 3000, 9000, 12000), _dec(rnd, 0, 0, 50, 2000)))
                if rnd.random() < 0.2:
                    cards.append(Period(m.id_number, rnd.choice((None, _date(rnd, 2021, 2024))),
                                        rnd.choice((None, _date(rnd, 2022, 2025)))))
                if rnd.random() < 0.2:
                    signs.append(Period(m.id_number, rnd.choice((None, _date(rnd, 2021, 2024))),
                                        rnd.choice((None, _date(rnd, 2022, 2025)))))
            ledgers = Ledgers(assignments=tuple(asg), last_attendance=last,
                              wages_paid=_dec(rnd, 0, 0, 5000, 9000), settlements=tuple(settle),
                              chronic_cards=tuple(cards), signings=tuple(signs),
                              posts_kept=rnd.random() < 0.8, medical_kept=rnd.random() < 0.8)
        income = None
        if rnd.random() < 0.9:
            income = Income(per_capita=_dec(rnd, None, 5000, 7299, 7300, 12000, 20000, 20001, 30000),
                            wage=_dec(rnd, None, 0, 50, 99, 100, 8000), business=_dec(rnd, None, 0, 1000),
                            self_pay=_dec(rnd, None, 0, 500, 3000))
        out.append(Household(
            number=f"G{h:05d}", village=f"村{h % 7}", head_name=names[0],
            household_type=rnd.choice(("脱贫户", "脱贫户", "一般农户", "")),
            monitor_type=rnd.choice(("", "", "边缘易致贫户", "脱贫不稳定户", "突发严重困难户")),
            risks=tuple(rnd.choice(RISKS) for _ in range(rnd.randint(0, 5))),
            risk_cleared=rnd.choice(YN), clear_method=rnd.choice(("", "帮扶消除", "自然消除")),
            clear_date=rnd.choice((None, _date(rnd, 2021, 2023))), identified=rnd.choice((None, _date(rnd, 2021, 2023))),
            cleared_per_capita=_dec(rnd, None, None, 6000, 9000), dangerous_house=rnd.choice(YN),
            safe_water=rnd.choice(YN), measures=measures, members=tuple(ms), income=income, ledgers=ledgers))
    counts: dict[str, int] = {}
    for x in ids:
        counts[x] = counts.get(x, 0) + 1
    payments = tuple((rnd.choice(ids) if rnd.random() < 0.5 else f"52010119900101{k:04d}", "工资发放花名册")
                     for k in range(20))
    ctx = Context(as_of=AS_OF, year=2023, threshold=Decimal(7300), all_ids=counts,
                  alert_line=Decimal(10000), payment_ids=payments)
    return out, ctx


def digest(findings) -> dict[str, list]:
    """Per rule: [count, sha256 of its findings in order within each household]."""
    rows = sorted(((f.code, f.household, i, f"{f.household}|{f.member}|{f.detail}") for i, f in enumerate(findings)))
    out: dict[str, list] = {}
    hashes: dict[str, hashlib._Hash] = {}
    for code, _h, _i, line in rows:
        hashes.setdefault(code, hashlib.sha256()).update(line.encode() + b"\n")
        out.setdefault(code, [0, ""])[0] += 1
    for code, h in hashes.items():
        out[code][1] = h.hexdigest()[:16]
    return dict(sorted(out.items()))
