"""The township in columns for the 疑点 rules: every spelling normalised and every age computed once,
per-household aggregates of the normal members gathered in one pass (rules then loop over plain
lists, never calling norm()/age() per rule)."""
from __future__ import annotations

from collections import Counter
from itertools import chain, compress, repeat
from operator import and_, attrgetter, eq, not_, or_, truth

from .data import ACTIVE, LABOUR, Context, Household, _norm_text, birth_from_id

_SCHOOL_VOC = ("中职", "高职", "大专")


class _Normed(dict):
    """value -> normalised spelling; a miss normalises and remembers (a few dozen values a township)."""

    def __missing__(self, value):
        out = _norm_text(value if isinstance(value, str) else str(value))
        if len(self) < 100_000:
            self[value] = out
        return out


NORMED = _Normed({None: ""})


class _Profiles(dict):
    """A member's raw field tuple -> the tuple normalised (one dict hit per member)."""

    def __missing__(self, raw):
        out = tuple(map(NORMED.__getitem__, raw))
        if len(self) < 200_000:
            self[raw] = out
        return out


PROFILES = _Profiles()
_MEMBER_ATTRS = ("rel", "sex", "eth", "health", "labour", "school", "edu", "oos", "res", "emp", "crit", "pen",
                 "dibao", "tekun", "doc", "card")
_MEMBER_FIELDS = attrgetter("relation", "sex", "ethnicity", "health", "labour", "school", "education",
                            "out_of_school_reason", "resident_insurance", "employee_insurance",
                            "critical_insurance", "pension", "dibao", "tekun", "document_type", "disability_card")
_BIRTH = attrgetter("birth_date")
_NUMBER, _MEMBERS, _ID, _NAME, _STATUS = (attrgetter(a) for a in ("number", "members", "id_number", "name", "status"))


def _col(name: str, rows, getter=NORMED.__getitem__):
    return list(map(getter, map(attrgetter(name), rows)))


class Table:
    def __init__(self, households, ctx: Context):
        hs: list[Household] = households if isinstance(households, list) else list(households)
        self.households = hs
        self.cache: dict[str, object] = {}  # what several rules derive once (cross.py)
        self.n = n = len(hs)
        self.numbers = list(map(_NUMBER, hs))
        # every member record (R01–R03, X rules find members by ID among all of them); built with
        # C-level map/compress over the records, no Python loop per member
        per_h = list(map(_MEMBERS, hs))
        allm = list(chain.from_iterable(per_h))
        self.all_hi = list(chain.from_iterable(map(repeat, range(n), map(len, per_h))))
        self.all_id = list(map(_ID, allm))
        self.all_status = list(map(_STATUS, allm))
        # normal members (状态 正常), normalised: each member's fields read in one C call as a
        # tuple, normalised once per distinct tuple (a county has a few thousand), then columns
        normal = list(map(eq, self.all_status, repeat(ACTIVE)))
        am = list(compress(allm, normal))
        self.hi = hi = list(compress(self.all_hi, normal))
        self.id = list(compress(self.all_id, normal))
        self.name = list(map(_NAME, am))
        normed = list(map(PROFILES.__getitem__, map(_MEMBER_FIELDS, am)))
        cols = list(zip(*normed)) if normed else [()] * len(_MEMBER_ATTRS)
        for attr, col in zip(_MEMBER_ATTRS, cols):
            setattr(self, attr, col)
        # ages on the check date, computed once per distinct birth date
        on = ctx.as_of
        oy, omd = on.year, (on.month, on.day)
        borns = [b or birth_from_id(x) for b, x in zip(map(_BIRTH, am), self.id)]
        ages = {b: None if b is None else oy - b.year - (omd < (b.month, b.day)) for b in set(borns)}
        self.age = list(map(ages.__getitem__, borns))
        # households, normalised
        g = NORMED.__getitem__
        self.htype = _col("household_type", hs)
        self.mon = _col("monitor_type", hs)
        self.cleared = _col("risk_cleared", hs)
        self.method = _col("clear_method", hs)
        self.danger = _col("dangerous_house", hs)
        self.water = _col("safe_water", hs)
        self.risks = [{x for x in map(g, h.risks) if x} for h in hs]
        self.risk1 = [g(h.risks[0]) if h.risks else "" for h in hs]
        self.meas = [{k: x for k, v in h.measures.items() if (x := g(v))} if h.measures else {} for h in hs]
        self.inc = [h.income for h in hs]
        thr = ctx.threshold
        self.below = [thr is not None and inc is not None and inc.per_capita is not None and inc.per_capita < thr
                      for inc in self.inc]
        # per household, over its normal members: counts and flags gathered with C-level
        # compress/Counter over the columns
        rng = range(n)

        def count(mask) -> list[int]:
            c = Counter(compress(hi, mask))
            return list(map(c.get, rng, repeat(0)))

        def any_of(indices) -> list[bool]:
            out = [False] * n
            for i in indices:
                out[i] = True
            return out

        c = Counter(hi)
        self.nact = list(map(c.get, rng, repeat(0)))
        is_head = list(map(eq, self.rel, repeat("户主")))
        self.heads = count(is_head)
        head_sex = [""] * n
        for i, sex in zip(compress(hi, is_head), compress(self.sex, is_head)):
            head_sex[i] = sex  # the last head's (R05 reads it only where there is one)
        self.head_sex = head_sex
        self.labour_n = count(map(LABOUR.__contains__, self.labour))
        ill = list(map(eq, self.health, repeat("残疾")))
        self.disabled = any_of(i for i, doc, card in zip(compress(hi, ill), compress(self.doc, ill),
                                                         compress(self.card, ill))
                               if not doc or "残疾" in doc or card)
        school_age = {a: a is not None and 6 <= a <= 16 for a in ages.values()}
        self.child_out = any_of(compress(hi, map(and_, map(school_age.__getitem__, self.age),
                                                 map(not_, self.school))))
        self.dt_any = any_of(compress(hi, map(or_, map(truth, self.dibao), map(truth, self.tekun))))
        self.dibao_yes = any_of(compress(hi, map(eq, self.dibao, repeat("是"))))
        self.tekun_yes = any_of(compress(hi, map(eq, self.tekun, repeat("是"))))
        self.voc = any_of(compress(hi, map(str.startswith, self.school, repeat(_SCHOOL_VOC))))
