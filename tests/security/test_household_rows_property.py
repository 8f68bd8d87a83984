"""10,000 generated rows (valid, invalid, unicode, extreme) through the household importer's
record-level API: nothing escapes, every row is imported or rejected with a reason, and what is
imported is within the field specs and equal to what was given."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin_desktop.domain import field_specs as fs
from fupin_desktop.importers.national_export import parse_rows
from fupin_desktop.domain.idcard import check_char
from fupin_desktop.domain.normalize import clean_text

TODAY = dt.date(2025, 6, 1)


@st.composite
def ids(draw):
    kind = draw(st.integers(0, 9))
    if kind < 6:  # valid
        birth = draw(st.dates(dt.date(1930, 1, 1), dt.date(2024, 12, 31)))
        body = f"522729{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
        return body + check_char(body)
    if kind == 6:
        return draw(st.integers(-2 ** 70, 2 ** 70))
    if kind == 7:
        return draw(st.floats(allow_nan=True, allow_infinity=True))
    return draw(st.text(max_size=30))


texts = st.one_of(st.none(), st.text(max_size=60),
                  st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
                  st.sampled_from(["张三", "\x00", "a\x07b", "\ufffe", "  ", "王" * 41]))
numbers = st.one_of(st.none(), st.integers(-2 ** 70, 2 ** 70), st.floats(),
                    st.decimals(allow_nan=False).map(str), st.text(max_size=12),
                    st.sampled_from(["1e20", "-5", "12,000.50", "１２３", "9" * 30]))
dates = st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
                  st.integers(-10, 3_000_000), st.text(max_size=12))


@st.composite
def rows(draw):
    n = draw(st.integers(1, 4))  # members of one household
    code = draw(st.one_of(st.from_regex(r"\A52272910[0-9]{8}\Z"), texts, st.integers(0, 2 ** 64)))
    hh = {"household_code": code, "village": draw(texts), "wage_income": draw(numbers),
          "per_capita_income": draw(numbers), "family_size": draw(numbers),
          "monitoring_date": draw(dates), "bank_account": draw(st.one_of(texts, numbers))}
    out = []
    for k in range(n):
        out.append({**hh, "name": draw(texts), "id_number": draw(ids()),
                    "relation": "户主" if k == 0 else draw(texts), "work_months": draw(numbers),
                    "health": draw(texts)})
    return out


@settings(max_examples=10, database=None, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(rows(), min_size=5, max_size=12), st.integers(0, 2 ** 32))
def test_rows_are_imported_or_rejected(groups, seed):
    """Each example: 1,000 rows mixed from the generated ones (generating every row with
    hypothesis would take minutes), 10 examples: 10,000 rows."""
    rnd = random.Random(seed)
    pool = [r for g in groups for r in g]
    fields = list(pool[0])
    data = []
    while len(data) < 1000:
        g = rnd.choice(groups)
        mixed = {f: rnd.choice(pool)[f] for f in fields}
        data.extend({**r, **{f: mixed[f] for f in rnd.sample(fields, 3)}} for r in g)
    numbered = [(i + 2, r) for i, r in enumerate(data)]
    parsed = parse_rows(numbered, today=TODAY)  # must not raise
    res = parsed.result
    assert res.rows_imported + res.rows_rejected == len(data)
    rejected = {i.row for i in res.rejects}
    assert len(rejected) == res.rows_rejected  # one reason per rejected row
    for issue in res.rejects + res.warning_rows:
        assert issue.message.startswith(f"第{issue.row}行") or "户编号" in issue.message
        assert not any(ch in issue.message for ch in "\x00\x07\ufffe")
    raw = dict(numbered)
    for m in parsed.members:
        assert m.row not in rejected
        given_name = clean_text(raw[m.row]["name"])
        spaced = " " in given_name and not given_name.isascii()  # "张 三" → "张三"; "Li Na" stays
        assert m.name == ("".join(given_name.split()) if spaced else given_name)
        assert len(m.name) <= fs.MEMBER["name"].max_len
        assert not fs._CONTROL.search(m.name)
        assert m.work_months is None or 0 <= m.work_months <= 12
    for hh in parsed.households.values():
        for f in ("wage_income", "per_capita_income"):
            v = getattr(hh, f)
            assert v is None or (Decimal(0) <= v <= fs.MAX_AMOUNT and v == v.quantize(Decimal("0.01")))
        assert hh.family_size is None or 1 <= hh.family_size <= 99
        assert hh.monitoring_date is None or fs.MIN_DATE <= hh.monitoring_date <= dt.date(2026, 6, 1)
        for f in ("household_code", "village", "bank_account"):
            v = getattr(hh, f)
            assert v is None or (len(v) <= fs.HOUSEHOLD[f].max_len and not fs._CONTROL.search(v))
