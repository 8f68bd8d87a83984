"""The 疑点 engine gives exactly the recorded per-rule results (count and the findings themselves,
hashed) on a random township where every rule fires: a guard that speeding the engine up changes
no finding. tests/data/check_golden.json was recorded with the per-household engine before the
columnar rewrite; re-record it only when CHECK_RULES.md itself changes a rule."""
import json
from pathlib import Path

from fupin_desktop.domain.checks import all_rules, run

from .check_golden_data import digest, township

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "check_golden.json"


def test_every_rule_gives_its_recorded_findings():
    households, ctx = township()
    got = digest(run(households, ctx))
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert set(want) == {r.code for r in all_rules()}  # the dataset makes every rule fire
    assert got == want


def test_one_household_at_a_time_gives_the_same_findings():
    households, ctx = township(300, seed=3)
    whole = [(f.code, f.household, f.member, f.detail) for f in run(households, ctx) if f.household]
    single = [(f.code, f.household, f.member, f.detail) for h in households for f in run([h], ctx) if f.household]
    assert sorted(whole) == sorted(single)
