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
        # normal members (状态 正常), normalised
        act = [(i, m) for i, h in enumerate(hs) for m in h.members if m.status == ACTIVE]
        am = [m for _, m in act]
        self.hi = [i for i, _ in act]
        self.id = [m.id_number for m in am]
        self.name = [m.name for m in am]
        for attr, col in (("rel", "relation"), ("sex", "sex"), ("eth", "ethnicity"), ("health", "health"),
                          ("labour", "labour"), ("school", "school"), ("edu", "education"),
                          ("oos", "out_of_school_reason"), ("res", "resident_insurance"),
                          ("emp", "employee_insurance"), ("crit", "critical_insurance"), ("pen", "pension"),
                          ("dibao", "dibao"), ("tekun", "tekun"), ("doc", "document_type"),
                          ("card", "disability_card")):
            setattr(self, attr, _col(col, am))
        on = ctx.as_of
        oy, omd = on.year, (on.month, on.day)
        borns = [m.birth_date or birth_from_id(m.id_number) for m in am]
        self.age = [None if b is None else oy - b.year - (omd < (b.month, b.day)) for b in borns]
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
