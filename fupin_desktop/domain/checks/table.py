"""The township in columns for the 疑点 rules: every spelling normalised and every age computed once,
per-household aggregates of the normal members gathered in one pass (rules then loop over plain
lists, never calling norm()/age() per rule)."""
from __future__ import annotations

from collections import Counter, namedtuple
from itertools import accumulate, chain, compress, repeat
from operator import and_, attrgetter, eq, is_, itemgetter

from .data import _SYNONYMS, ACTIVE, LABOUR, Context, Household, _norm_text, birth_from_id

_SCHOOL_VOC = ("中职", "高职", "大专")


class _Normed(dict):
    """value -> normalised spelling; a miss normalises and remembers (a few dozen values a township)."""

    def __missing__(self, value):
        out = _norm_text(value if isinstance(value, str) else str(value))
        if len(self) < 100_000:
            self[value] = out
        return out


NORMED = _Normed({None: ""})


_MEMBER_ATTRS = ("rel", "sex", "eth", "health", "labour", "school", "edu", "oos", "res", "emp", "crit", "pen",
                 "dibao", "tekun", "doc", "card")
# a normal member's fields, normalised: what the member rules (rules.member_rule) read
Profile = namedtuple("Profile", _MEMBER_ATTRS)


class _Profiles(dict):
    """A member's raw field tuple -> its Profile (a county has a few thousand distinct ones)."""

    def __missing__(self, raw):
        out = Profile._make(map(NORMED.__getitem__, raw))
        if len(self) < 200_000:
            self[raw] = out
        return out


class _Numbering(dict):
    """Distinct keys numbered 0, 1, … in the order first seen."""

    def __missing__(self, key):
        n = self[key] = len(self)
        return n


PROFILES = _Profiles()


class _RiskSets(dict):
    """致贫返贫风险1–5 as given -> (the set of risks named, normalised; risk 1); a township has a
    few hundred distinct tuples."""

    def __missing__(self, risks):
        g = NORMED.__getitem__
        out = (frozenset(x for x in map(g, risks) if x), g(risks[0]) if risks else "")
        if len(self) < 100_000:
            self[risks] = out
        return out


RISK_SETS = _RiskSets()


def _measures(given: dict[str, str]) -> dict[str, str]:
    """帮扶措施 kind -> text, with the texts stripped and the empty ones left out (texts are free
    text: stripped here rather than looked up among the spellings). A clean dict (what the loader
    gives) is returned as it is."""
    for v in given.values():
        if not v or v.__class__ is not str or v != v.strip() or v in _SYNONYMS:
            break
    else:
        return given
    out = {}
    for k, v in given.items():
        if v:
            v = (v if v.__class__ is str else str(v)).strip()
            v = _SYNONYMS.get(v, v)
            if v:
                out[k] = v
    return out


_NO_MEASURES: dict[str, str] = {}


def _clean_text(v) -> bool:
    return bool(v) and v.__class__ is str and v == v.strip() and v not in _SYNONYMS


def _measures_of(given: list) -> list[dict[str, str]]:
    """_measures() of every household's measures. The loader's are clean: when every distinct
    text is (one look at each), the dicts are taken as they are, with no call per household."""
    kept = list(filter(None, given))
    try:
        texts = set(chain.from_iterable(map(dict.values, kept)))
    except TypeError:  # not all dicts, or a text that is not hashable
        texts = None
    if texts is not None and all(map(_clean_text, texts)):
        return [m or _NO_MEASURES for m in given]
    return [_measures(m) if m else {} for m in given]


class Table:
    """The township in columns. Members are numbered by their distinct Profile (``pid``): what a
    rule asks of a member's fields is asked once per profile and spread to the members by a
    C-level map (``per_member``), never in a Python loop over 150,000 members."""

    def __init__(self, households, ctx: Context):
        hs: list[Household] = households if isinstance(households, list) else list(households)
        self.households = hs
        self.cache: dict[str, object] = {}  # what several rules derive once (cross.py)
        self.n = n = len(hs)
        # a field of every record is read with a list comprehension, not map(attrgetter): Python 3.11
        # specialises the slot read in the loop (half the cost of attrgetter's generic lookup)
        self.numbers = [h.number for h in hs]
        # every member record (R01–R03, X rules find members by ID among all of them); otherwise
        # C-level map/compress over the records
        per_h = [h.members for h in hs]
        allm = list(chain.from_iterable(per_h))
        self.all_hi = list(chain.from_iterable(map(repeat, range(n), map(len, per_h))))
        self.all_id = [m.id_number for m in allm]
        self.all_status = [m.status for m in allm]
        # normal members (状态 正常): each one's fields read as a tuple, numbered by distinct
        # tuple, normalised once per number
        self.normal = normal = list(map(eq, self.all_status, repeat(ACTIVE)))
        am = list(compress(allm, normal))
        self.hi = hi = list(compress(self.all_hi, normal))
        self.id = list(compress(self.all_id, normal))
        self.name = [m.name for m in am]
        numbering = _Numbering()
        number = numbering.__getitem__
        self.pid = [number((m.relation, m.sex, m.ethnicity, m.health, m.labour, m.school, m.education,  # Profile's order
                            m.out_of_school_reason, m.resident_insurance, m.employee_insurance,
                            m.critical_insurance, m.pension, m.dibao, m.tekun, m.document_type, m.disability_card))
                    for m in am]
        self.profiles: list[Profile] = list(map(PROFILES.__getitem__, numbering))
        # ages on the check date, computed once per distinct birth date (from the ID where the
        # birth date is missing: a few members)
        on = ctx.as_of
        oy, omd = on.year, (on.month, on.day)
        borns = [m.birth_date for m in am]
        for j in compress(range(len(borns)), map(is_, borns, repeat(None))):
            borns[j] = birth_from_id(self.id[j])
        ages = {b: None if b is None else oy - b.year - (omd < (b.month, b.day)) for b in set(borns)}
        self.age = list(map(ages.__getitem__, borns))
        # households, normalised
        g = NORMED.__getitem__
        self.htype = [g(h.household_type) for h in hs]
        self.mon = [g(h.monitor_type) for h in hs]
        self.cleared = [g(h.risk_cleared) for h in hs]
        self.method = [g(h.clear_method) for h in hs]
        self.danger = [g(h.dangerous_house) for h in hs]
        self.water = [g(h.safe_water) for h in hs]
        g = RISK_SETS.__getitem__
        risk_sets = [g(h.risks) for h in hs]
        self.risks = list(map(itemgetter(0), risk_sets))
        self.risk1 = list(map(itemgetter(1), risk_sets))
        self.meas = _measures_of([h.measures for h in hs])  # read only, may be shared
        self.inc = [h.income for h in hs]
        thr = ctx.threshold
        self.below = [thr is not None and inc is not None and inc.per_capita is not None and inc.per_capita < thr
                      for inc in self.inc]
        # per household, over its normal members: the head count and sex for every household
        # (R04, R05); the other aggregates are asked only of the few households a rule can flag
        # (has_member/count_members below), over their members' slice of the columns
        c = Counter(hi)
        rng = range(n)
        self.nact = list(map(c.get, rng, repeat(0)))
        self.start = list(accumulate(self.nact, initial=0))  # hi is sorted: household i's members
        is_head = self.per_member(lambda p: p.rel == "户主")
        head_hi = list(compress(hi, is_head))
        c = Counter(head_hi)
        self.heads = list(map(c.get, rng, repeat(0)))
        # the last head's sex (R05 reads it only where there is one)
        head_sex = dict(zip(head_hi, map(attrgetter("sex"), map(self.profiles.__getitem__, compress(self.pid, is_head)))))
        self.head_sex = list(map(head_sex.get, rng, repeat("")))
        self.school_age = {a: a is not None and 6 <= a <= 16 for a in ages.values()}

    def per_member(self, of_profile) -> list:
        """``of_profile(profile)`` for every normal member, computed once per distinct profile."""
        return self.per_member_of(list(map(of_profile, self.profiles)))

    def profile_flag(self, name: str, of_profile) -> list:
        """``of_profile(profile)`` for every distinct profile, by pid (computed once, by name)."""
        key = "flag " + name
        got = self.cache.get(key)
        if got is None:
            got = self.cache[key] = list(map(of_profile, self.profiles))
        return got

    def count_members(self, i: int, flag: list) -> int:
        """How many normal members of household i have a per-profile ``flag`` (profile_flag)."""
        return sum(map(flag.__getitem__, self.pid[self.start[i]:self.start[i + 1]]))

    def has_member(self, i: int, flag: list) -> bool:
        return any(map(flag.__getitem__, self.pid[self.start[i]:self.start[i + 1]]))

    def households_with(self, name: str, of_profile) -> set[int]:
        """The households with a normal member whose profile has the flag (one C-level pass)."""
        return set(compress(self.hi, self.per_member_of(self.profile_flag(name, of_profile))))

    def per_member_of(self, flag: list) -> list:
        return list(map(flag.__getitem__, self.pid))

    def labour_count(self, i: int) -> int:
        return self.count_members(i, self.profile_flag("labour", lambda p: p.labour in LABOUR))

    def disabled(self, i: int) -> bool:
        return self.has_member(i, self.profile_flag(
            "disabled", lambda p: p.health == "残疾" and (not p.doc or "残疾" in p.doc or bool(p.card))))

    def voc(self, i: int) -> bool:
        return self.has_member(i, self.profile_flag("voc", lambda p: p.school.startswith(_SCHOOL_VOC)))

    def child_out(self, i: int) -> bool:
        """A member of school age (6–16) out of school."""
        not_school = self.profile_flag("not_school", lambda p: not p.school)
        a, b = self.start[i], self.start[i + 1]
        return any(map(and_, map(self.school_age.__getitem__, self.age[a:b]),
                       map(not_school.__getitem__, self.pid[a:b])))

    def __getattr__(self, name):
        # a member column by field name (t.labour, t.school, …), built on first use
        if name in _MEMBER_ATTRS:
            col = self.per_member(attrgetter(name))
            setattr(self, name, col)
            return col
        raise AttributeError(name)

    def member_findings(self, rules) -> dict[str, list]:
        """What the member rules (rules.member_rule) find, by code, for all of them at once: a
        rule's ``check`` runs only on the members whose profile passes its ``when`` and whose age
        passes its ``ages`` (both asked once per distinct profile / age, as bits)."""
        got = self.cache.get("members")
        if got is None:
            got = self.cache["members"] = _member_pass(self, rules)
        return got


def _member_pass(t: Table, rules) -> dict[str, list]:
    checks = [r.member for r in rules]
    # each rule's cases get bits of their own: a member's bits are its profile's AND its age's
    shift = list(accumulate((c.cases for c in checks), initial=0))
    full = [(1 << c.cases) - 1 for c in checks]
    pbits = [sum((int(c.when(p)) & f) << s for c, f, s in zip(checks, full, shift)) for p in t.profiles]
    abits = {a: sum((int(c.ages(a)) & f) << s for c, f, s in zip(checks, full, shift)) for a in set(t.age)}
    bits = list(map(and_, map(pbits.__getitem__, t.pid), map(abits.__getitem__, t.age)))
    out: dict[str, list] = {r.code: [] for r in rules}
    # per distinct bit pattern, the (findings list, check) pairs to run
    plan = {b: [(out[r.code], c.check) for r, c, f, s in zip(rules, checks, full, shift) if b >> s & f]
            for b in set(bits)}
    hs1 = [sex if n == 1 else "" for sex, n in zip(t.head_sex, t.heads)]
    profiles, pid, age, hi, ids = t.profiles, t.pid, t.age, t.hi, t.id
    for j in compress(range(len(bits)), bits):
        p, a, i = profiles[pid[j]], age[j], hi[j]
        for found, check in plan[bits[j]]:
            detail = check(p, a, hs1[i])
            if detail:
                found.append((i, ids[j], detail))
    return out
