"""Small builders shared by the posts tests (not collected: no test_ prefix)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from fupin_desktop.models import Household, Member, Village
from fupin_desktop.domain.idcard import check_char

_seq = itertools.count(1)


def make_id(birth: dt.date, female: bool = False) -> str:
    n = next(_seq) % 500
    seq = f"{n * 2 + (0 if female else 1):03d}"
    body = f"522729{birth:%Y%m%d}{seq}"
    return body + check_char(body)


def village(s, name="东风村") -> int:
    v = Village(name=name)
    s.add(v)
    s.flush()
    return v.id


def household(s, village_id: int, *, code=None, htype="脱贫户", monitoring=None) -> int:
    h = Household(code=code or f"H{next(_seq):06d}", village_id=village_id, household_type=htype,
                  monitoring_category=monitoring)
    s.add(h)
    s.flush()
    return h.id


def member(s, household_id: int, *, name="张三", birth=dt.date(1980, 5, 6), labour="普通劳动力",
           status="正常", id_number=None) -> int:
    m = Member(household_id=household_id, id_number=id_number or make_id(birth), name=name,
               birth_date=birth, labour_skill=labour, status=status, relation="户主")
    s.add(m)
    s.flush()
    return m.id


def worker(db, *, name="张三", standard="500.00", start=dt.date(2025, 1, 1), end=None,
           required_days=None, village_name="东风村", post_type="保洁员"):
    """A village, a 脱贫户 household, a member and an assignment; returns (member_id, assignment_id)."""
    from fupin_desktop.services.posts.assignments import (AssignmentInput, PostInput,
                                                          create_assignment, save_post)
    from sqlalchemy import select

    with db.write() as s:
        vid = s.scalar(select(Village.id).where(Village.name == village_name)) or village(s, village_name)
        hid = household(s, vid)
        mid = member(s, hid, name=name)
    post = save_post(db, PostInput(name=f"{village_name}{post_type}{name}", post_type=post_type,
                                   wage_standard=Decimal(standard), village_id=vid,
                                   required_days=required_days))
    a = create_assignment(db, AssignmentInput(member_id=mid, post_id=post.id, start_date=start,
                                              end_date=end))
    return mid, a.id


def marks(spec: str, days: int = 31) -> str:
    """Marks from a compact spec: 'P20 A2 L3' → 'PPPP…AALLL' padded with '.' to ``days``."""
    out = ""
    for part in spec.split():
        out += part[0] * int(part[1:])
    return out.ljust(days, ".")
