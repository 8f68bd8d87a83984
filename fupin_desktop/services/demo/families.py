"""Demo families: who lives in a household, with ages that fit their relation to the head.

A household is a head (户主), usually a spouse, children born when the mother was 20–38, an
older head's married son with his wife and children, or a younger head's parents. Each member
gets education, school status, health and labour skill values the national system uses,
consistent with age (a child is 无劳动力, a 70-year-old is rarely 技能劳动力).
"""

from __future__ import annotations

import datetime as dt
import random

from . import data as dd

ILLNESS = (("长期慢性病", 55), ("患有大病", 20), ("残疾", 25))
GRADES = "一二三四五六"


def _person(rng, today, *, relation, sex, age, surname, region=None, ethnicity, taken) -> dict:
    birth = dd.birth_date_for_age(rng, today, age)
    region = region or (dd.COUNTY_CODE if rng.random() < 0.9 else rng.choice(dd.NEIGHBOUR_CODES))
    p = {
        "relation": relation, "sex": sex, "birth_date": birth, "age": age,
        "name": surname + dd.given_name(rng, sex, birth.year),
        "id_number": dd.make_id(rng, region, birth, sex, taken),
        "ethnicity": ethnicity, "id_type": "居民身份证", "status": "正常",
        "status_date": None, "status_note": None, "phone": None,
    }
    _schooling(rng, p)
    _health_and_labour(rng, p)
    return p


def _schooling(rng, p) -> None:
    age = p["age"]
    edu, school = None, "非在校生"
    if age < 6:
        edu = "学龄前儿童"
        school = "学前教育" if age >= 3 and rng.random() < 0.75 else "非在校生"
    elif age <= 11:
        edu, school = "小学", f"小学{GRADES[age - 6]}年级"
    elif age <= 14:
        edu, school = "初中", "七八九"[age - 12] + "年级"
    elif age <= 17:
        if rng.random() < 0.85:
            kind = "普通高中" if rng.random() < 0.6 else "中职"
            edu, school = "高中", f"{kind}{'一二三'[age - 15]}年级"
        else:
            edu = "初中"
    elif age <= 21 and rng.random() < 0.35:
        kind = "本科" if age == 21 or rng.random() < 0.4 else "高职"  # 高职 takes three years
        edu, school = "高中", f"{kind}{'一二三四'[age - 18]}年级"
    if edu is None:
        edu = dd.weighted(rng, _ADULT_EDUCATION[_band(age)])
    p["education"], p["school_status"] = edu, school
    p["student"] = school not in ("非在校生", "学前教育")


_ADULT_EDUCATION = {
    "old": (("文盲或半文盲", 45), ("小学", 45), ("初中", 10)),
    "senior": (("文盲或半文盲", 15), ("小学", 45), ("初中", 35), ("高中", 5)),
    "adult": (("文盲或半文盲", 2), ("小学", 20), ("初中", 55), ("高中", 15), ("大专及以上", 8)),
    "young": (("初中", 40), ("高中", 35), ("大专及以上", 25)),
}


def _band(age: int) -> str:
    return "old" if age >= 65 else "senior" if age >= 45 else "adult" if age >= 30 else "young"


def _health_and_labour(rng, p) -> None:
    age = p["age"]
    ill_rate = 0.03 if age < 18 else 0.08 if age < 40 else 0.2 if age < 60 else 0.4
    health = dd.weighted(rng, ILLNESS) if rng.random() < ill_rate else "健康"
    if age < 16 or p["student"]:
        skill = "无劳动力"
    elif health in ("残疾", "患有大病"):
        skill = "丧失劳动力" if rng.random() < 0.6 else "弱劳动力或半劳动力"
    elif health == "长期慢性病":
        skill = "弱劳动力或半劳动力" if rng.random() < 0.6 else "普通劳动力"
    elif age < 60:
        skill = dd.weighted(rng, (("普通劳动力", 60), ("技能劳动力", 30), ("弱劳动力或半劳动力", 10)))
    elif age < 70:
        skill = dd.weighted(rng, (("普通劳动力", 35), ("弱劳动力或半劳动力", 55), ("无劳动力", 10)))
    else:
        skill = "弱劳动力或半劳动力" if rng.random() < 0.3 else "无劳动力"
    if skill in ("普通劳动力", "技能劳动力"):
        months = rng.choice((0, 3, 6, 8, 10, 12, 12, 12))
    elif skill == "弱劳动力或半劳动力":
        months = rng.choice((0, 0, 0, 2, 3, 6))
    else:
        months = 0
    p.update(health=health, labour_skill=skill, work_months=months,
             basic_medical_insurance=rng.random() < 0.985,
             pension_insurance=age >= 16 and not p["student"] and rng.random() < 0.92)
    p["critical_illness_insurance"] = p["basic_medical_insurance"]


def plan_family(rng: random.Random, today: dt.date, taken: set[str]) -> list[dict]:
    """The members of one household, 户主 first."""
    ethnicity = rng.choice(dd.ETHNICITIES)
    head_age = max(24, min(92, round(rng.triangular(26, 90, 58))))
    head_sex = "男" if rng.random() < 0.86 else "女"
    surname = rng.choice(dd.SURNAMES)

    def person(**kw):
        return _person(rng, today, ethnicity=kw.pop("ethnicity", ethnicity), taken=taken, **kw)

    head = person(relation="户主", sex=head_sex, age=head_age, surname=surname,
                  region=dd.COUNTY_CODE)
    members = [head]
    married = rng.random() < (0.9 if head_age < 70 else 0.6 if head_age < 80 else 0.35)
    if head_sex == "女":
        married = married and rng.random() < 0.3  # most women heading a household are widowed
    father_surname = surname if head_sex == "男" else rng.choice(dd.SURNAMES)
    if married:
        gap = rng.randint(0, 5)
        sp_age = head_age - gap if head_sex == "男" else head_age + gap
        members.append(person(relation="配偶", sex="女" if head_sex == "男" else "男",
                              age=max(20, sp_age), surname=rng.choice(dd.SURNAMES),
                              ethnicity=ethnicity if rng.random() < 0.8 else "汉族"))
    mother_age = head_age if head_sex == "女" else (members[1]["age"] if married else head_age - 3)

    if head_age <= 58 and rng.random() < 0.35:  # younger head living with parents
        for rel, sex in (("之父", "男"), ("之母", "女")):
            if rng.random() < 0.7:
                age = min(95, head_age + rng.randint(22, 34))
                members.append(person(relation=rel, sex=sex, age=age,
                                      surname=surname if rel == "之父" else rng.choice(dd.SURNAMES)))

    children = []
    n_children = dd.weighted(rng, ((0, 8), (1, 27), (2, 42), (3, 23)))
    for _ in range(n_children):
        age = mother_age - rng.randint(20, 38)
        if age < 0:
            continue
        if age >= 26 and rng.random() < 0.45:
            continue  # grown up and living in a household of their own
        sex = "男" if rng.random() < 0.52 else "女"
        children.append(person(relation="之子" if sex == "男" else "之女", sex=sex, age=age,
                               surname=father_surname))
    members += children

    son = next((c for c in children if c["relation"] == "之子" and c["age"] >= 24), None)
    if son is not None and rng.random() < 0.75:  # three generations under one roof
        dil = person(relation="之儿媳", sex="女", age=max(20, son["age"] + rng.randint(-4, 2)),
                     surname=rng.choice(dd.SURNAMES))
        members.append(dil)
        for _ in range(dd.weighted(rng, ((0, 20), (1, 45), (2, 35)))):
            age = dil["age"] - rng.randint(20, 34)
            if age >= 0:
                sex = "男" if rng.random() < 0.52 else "女"
                members.append(person(relation="之孙子" if sex == "男" else "之孙女", sex=sex,
                                      age=age, surname=son["name"][0]))

    for m in members:
        if m["relation"] == "户主":
            m["phone"] = dd.mobile(rng) if rng.random() < 0.92 else None
        elif 18 <= m["age"] <= 60 and rng.random() < 0.5:
            m["phone"] = dd.mobile(rng)
    return members


def mark_status_changes(rng: random.Random, members: list[dict], start: dt.date,
                        today: dt.date) -> None:
    """A few members died or moved out during the two demo years (the head stays 正常)."""
    span = (today - start).days
    for m in members[1:]:
        r = rng.random()
        if m["age"] >= 60 and r < 0.03:
            status, note = "死亡", "因病去世"
        elif 18 <= m["age"] <= 40 and m["relation"] in ("之子", "之女") and r < 0.04:
            status, note = "迁出", "婚迁" if m["sex"] == "女" else "户口迁出（外出务工落户）"
        else:
            continue
        m["status"], m["status_note"] = status, note
        m["status_date"] = start + dt.timedelta(days=rng.randint(0, max(0, span)))
