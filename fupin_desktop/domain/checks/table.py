"""The township in columns for the 疑点 rules: every spelling normalised and every age computed once,
per-household aggregates of the normal members gathered in one pass (rules then loop over plain
lists, never calling norm()/age() per rule)."""
from __future__ import annotations

from operator import attrgetter

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


def _col(name: str, rows, getter=NORMED.__getitem__):
    return list(map(getter, map(attrgetter(name), rows)))


class Table:
    def __init__(self, households, ctx: Context):
        hs: list[Household] = households if isinstance(households, list) else list(households)
        self.households = hs
        self.cache: dict[str, object] = {}  # what several rules derive once (cross.py)
        self.n = n = len(hs)
        self.numbers = [h.number for h in hs]
        # every member record (R01–R03, X rules find members by ID among all of them)
        allm = [m for h in hs for m in h.members]
        self.all_hi = [i for i, h in enumerate(hs) for _ in h.members]
        self.all_id = [m.id_number for m in allm]
        # normal members (状态 正常), normalised: each member's fields read in one C call as a
        # tuple, normalised once per distinct tuple (a county has a few thousand), then columns
        act = [(i, m) for i, h in enumerate(hs) for m in h.members if m.status == ACTIVE]
        am = [m for _, m in act]
        self.hi = [i for i, _ in act]
        self.id = [m.id_number for m in am]
        self.name = [m.name for m in am]
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
        # per household, over its normal members (one pass)
        nact, heads, head_sex, labour, disabled = [0] * n, [0] * n, [""] * n, [0] * n, [False] * n
        child_out, dt_any, dibao_yes, tekun_yes, voc = [False] * n, [False] * n, [False] * n, [False] * n, [False] * n
        for i, rel, sex, a, health, lab, school, doc, card, db, tk in zip(
                self.hi, self.rel, self.sex, self.age, self.health, self.labour, self.school, self.doc, self.card,
                self.dibao, self.tekun):
            nact[i] += 1
            if rel == "户主":
                heads[i] += 1
                head_sex[i] = sex
            if lab in LABOUR:
                labour[i] += 1
            if health == "残疾" and (not doc or "残疾" in doc or card):
                disabled[i] = True
            if a is not None and 6 <= a <= 16 and not school:
                child_out[i] = True
            if db or tk:
                dt_any[i] = True
                if db == "是":
                    dibao_yes[i] = True
                if tk == "是":
                    tekun_yes[i] = True
            if school.startswith(_SCHOOL_VOC):
                voc[i] = True
        self.nact, self.heads, self.head_sex, self.labour_n = nact, heads, head_sex, labour
        self.disabled, self.child_out, self.dt_any = disabled, child_out, dt_any
        self.dibao_yes, self.tekun_yes, self.voc = dibao_yes, tekun_yes, voc
