"""The demo township (`fupin demo`, 帮助 → 加载示例数据): a realistic 清河镇 to try every tab on.

8–12 villages, N households of 3–4 members on average with valid IDs, ~20 % monitored, income
for the previous and the current calendar year, measures, visits, and whatever the other tabs
add through their ``demo_extend(session, rng, ctx)`` hooks (``DEMO_EXTENSION_MODULES``).

Deterministic for a seed: the only input besides the seed is ``today`` (the base year). Fast: rows
go in with bulk ``insert(...)`` statements inside one ``db.write()``, each table audited by one
summary row (action "bulk").
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, insert, inspect, select, text

from ...audit_events import record_bulk
from ...errors import InputError, UserError
from ...models import Base, Household, HouseholdIncome, Measure, Member, Village, Visit
from ...models.base import utcnow
from ...models.household import MEASURE_CATEGORIES
from . import data as dd
from .. import settings
from .families import mark_status_changes, plan_family
from .records import household_status, incomes, measures, visits

DEMO_EXTENSION_MODULES = ("fupin_desktop.services.posts.demo",
                          "fupin_desktop.services.medical.demo",
                          "fupin_desktop.services.archive.demo",
                          "fupin_desktop.services.problems.demo")
MAX_HOUSEHOLDS = 200_000
_MEASURE_ATTR = {cn: f"measure_{attr}" for attr, cn in MEASURE_CATEGORIES}
_MEMBER_KEYS = ("id_type", "id_number", "name", "sex", "ethnicity", "birth_date", "relation",
                "education", "school_status", "health", "labour_skill", "work_months",
                "basic_medical_insurance", "critical_illness_insurance", "pension_insurance",
                "phone", "status", "status_date", "status_note")


@dataclass
class DemoContext:
    """What a tab's ``demo_extend(session, rng, ctx)`` gets once households and members exist."""

    year: int
    prev_year: int
    today: dt.date
    villages: list[tuple[int, str]]  # (id, name)
    # dicts: id, code, village_id, household_type, monitoring_category
    households: list[dict]
    # dicts: id, household_id, id_number, name, sex, birth_date, relation, health,
    #        labour_skill, status
    members: list[dict]
    seed: int = 1
    township: str = dd.TOWNSHIP


@dataclass
class DemoSummary:
    township: str
    seed: int
    households: int
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows after the run
    extensions: list[str] = field(default_factory=list)  # demo_extend hooks that ran
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    def to_json(self) -> dict:
        return asdict(self)


def _tick(progress, done: int, total: int, text: str) -> None:
    if progress is not None:
        progress(done, total, text)  # raises Cancelled when the clerk cancels


def generate_demo(db, *, households: int = 300, seed: int = 1, progress=None,
                  today: dt.date | None = None) -> DemoSummary:
    """Fill an empty database with the demo township; refuses a database that holds data."""
    if not 1 <= households <= MAX_HOUSEHOLDS:
        raise InputError(f"示例户数应在1到{MAX_HOUSEHOLDS}之间，实为{households}")
    started = time.perf_counter()
    today = today or dt.date.today()
    rng = random.Random(seed)
    total = households + 6
    timings: dict[str, float] = {}
    with db.write(reason="加载示例数据") as s:
        _refuse_if_not_empty(s)
        _tick(progress, 0, total, "写入乡镇设置…")
        _write_settings(s, rng)
        villages = _insert_villages(s, rng)
        plans = _plan_households(rng, villages, households, today, s, progress, total)
        timings["plan"] = time.perf_counter() - started
        _tick(progress, households + 1, total, "写入农户…")
        ctx = _insert_all(s, plans, villages, today, seed)
        timings["insert"] = time.perf_counter() - started - timings["plan"]
        _tick(progress, households + 4, total, "生成其他台账的示例数据…")
        ran = _run_extensions(s, ctx, seed, timings)
        _tick(progress, households + 5, total, "统计…")
        counts = _counts(s)
        mark = time.perf_counter()
    timings["commit"] = time.perf_counter() - mark
    _tick(progress, total, total, "完成")
    return DemoSummary(township=dd.TOWNSHIP, seed=seed, households=households,
                       counts={k: v for k, v in counts.items() if v},
                       extensions=ran, seconds=round(time.perf_counter() - started, 2),
                       timings={k: round(v, 2) for k, v in timings.items()})


def _bulk(s, model, rows: list[dict], returning: bool = False) -> list[int]:
    """Core executemany on the table; returns the ids given to ``rows`` in order.

    The ids are assigned here (the tables are known to be empty or only appended to inside this
    transaction): RETURNING with ordered ids falls back to one statement per row on SQLite, and
    the ORM bulk path splits rows by which values are None — both many times slower."""
    if not rows:
        return []
    now = utcnow()
    table = model.__table__
    start = (s.scalar(select(func.max(table.c.id))) or 0) + 1 if returning else None
    for i, row in enumerate(rows):
        row.update(version=1, created_at=now, updated_at=now)
        if returning:
            row["id"] = start + i
    s.execute(insert(table), rows)
    if not returning:
        return []
    if s.get_bind().dialect.name == "postgresql":  # explicit ids do not advance the sequence
        s.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                  {"t": table.name, "v": start + len(rows) - 1})
    return list(range(start, start + len(rows)))


def _counts(s) -> dict[str, int]:
    # only tables this database has: a model added since its last migration is not there yet
    present = set(inspect(s.connection()).get_table_names())
    return {t.name: s.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables if t.name in present}


def _refuse_if_not_empty(s) -> None:
    n_house = s.scalar(select(func.count()).select_from(Household)) or 0
    n_village = s.scalar(select(func.count()).select_from(Village)) or 0
    if n_house or n_village:
        raise UserError(
            f"数据库中已有数据（{n_village}个行政村、{n_house}户），示例数据只能加载到空数据库。"
            "请新建一个数据库文件（例如 fupin demo --db 示例.db）后再加载。")


def _write_settings(s, rng) -> None:
    pick = lambda sex: rng.choice(dd.SURNAMES) + dd.given_name(rng, sex, 1980)  # noqa: E731
    values = {
        settings.TOWNSHIP: dd.TOWNSHIP, settings.COUNTY: dd.COUNTY, settings.FONDS_NO: dd.FONDS_NO,
        settings.FONDS_NAME: f"{dd.COUNTY}{dd.TOWNSHIP}人民政府",
        settings.LEDGER_UNIT: f"{dd.TOWNSHIP}乡村振兴工作站",
        settings.PREPARER: pick("女"), settings.REVIEWER: pick("男"),
    }
    for key, value in values.items():
        settings.set(s, key, value)


def _insert_villages(s, rng) -> list[dict]:
    names = rng.sample(dd.VILLAGE_NAMES, rng.randint(8, 12))
    rows = [{"name": name, "code": f"{dd.COUNTY_CODE}{dd.TOWNSHIP_CODE}{201 + i:03d}",
             "township": dd.TOWNSHIP, "county": dd.COUNTY, "sort_order": i + 1}
            for i, name in enumerate(names)]
    ids = _bulk(s, Village, rows, returning=True)
    record_bulk(s, "villages", "bulk", [("*", "示例数据", {"count": len(rows), "source": "demo"})])
    for row, vid in zip(rows, ids):
        row.update(id=vid, weight=rng.uniform(0.6, 1.4), seq=0, groups=rng.randint(4, 9))
    return rows


def _helpers(rng, n_households: int) -> list[dict]:
    out = []
    for _ in range(max(12, n_households // 15)):
        sex = "男" if rng.random() < 0.6 else "女"
        out.append({"name": rng.choice(dd.SURNAMES) + dd.given_name(rng, sex, rng.randint(1968, 1998)),
                    "unit": rng.choice(dd.HELPER_UNITS), "phone": dd.mobile(rng)})
    return out


def _plan_households(rng, villages, n, today, s, progress, total) -> list[dict]:
    year, prev = today.year, today.year - 1
    start = dt.date(prev, 1, 1)
    table = settings.monitoring_thresholds(s)
    thresholds = {y: settings.threshold_for(table, y) for y in (prev, year)}
    helpers = _helpers(rng, n)
    weights = [v["weight"] for v in villages]
    taken: set[str] = set()
    plans = []
    for i in range(n):
        if i % 500 == 0:
            _tick(progress, i + 1, total, f"生成农户 {i}/{n}…")
        village = rng.choices(villages, weights)[0]
        village["seq"] += 1
        members = plan_family(rng, today, taken)
        mark_status_changes(rng, members, start, today)
        h = household_status(rng, members, today)
        helper = rng.choice(helpers) if (h["household_type"] == "脱贫户"
                                          or h["monitoring_category"]) else None
        head = members[0]
        bank, account = dd.bank_account(rng)
        group = f"{rng.randint(1, village['groups'])}组"
        h.update(code=f"{dd.COUNTY_CODE}10{village['sort_order']:02d}{village['seq']:06d}",
                 village_id=village["id"], county=dd.COUNTY, township=dd.TOWNSHIP,
                 group_name=group, address=f"{dd.TOWNSHIP}{village['name']}{group}",
                 family_size=sum(m["status"] == "正常" for m in members),
                 phone=head["phone"] or next((m["phone"] for m in members if m["phone"]), None),
                 bank_name=bank, bank_account=account,
                 helper_name=helper and helper["name"], helper_unit=helper and helper["unit"],
                 helper_phone=helper and helper["phone"], note=None)
        plan = {"household": h, "members": members,
                "incomes": incomes(rng, members, h, (prev, year), thresholds),
                "measures": measures(rng, members, h, start, today, helper and helper["name"]),
                "visits": visits(rng, h, (prev, year), today,
                                 helper["name"] if helper else f"{village['name']}村干部")}
        for attr in _MEASURE_ATTR.values():
            h[attr] = None
        for m in plan["measures"]:
            h[_MEASURE_ATTR[m["category"]]] = True
        plans.append(plan)
    return plans


_HOUSEHOLD_DROP = ("needs",)


def _insert_all(s, plans, villages, today, seed) -> DemoContext:
    h_rows = [{k: v for k, v in p["household"].items() if k not in _HOUSEHOLD_DROP} for p in plans]
    h_ids = _bulk(s, Household, h_rows, returning=True)
    m_rows, m_plans = [], []
    for p, hid in zip(plans, h_ids):
        p["household"]["id"] = hid
        for m in p["members"]:
            row = {k: m[k] for k in _MEMBER_KEYS}
            row["household_id"] = hid
            m_rows.append(row)
            m_plans.append(m)
    m_ids = _bulk(s, Member, m_rows, returning=True)
    for m, mid in zip(m_plans, m_ids):
        m["id"] = mid
    i_rows, ms_rows, v_rows = [], [], []
    for p in plans:
        hid = p["household"]["id"]
        i_rows += [{**r, "household_id": hid} for r in p["incomes"]]
        ms_rows += [{"household_id": hid, "member_id": m["member"]["id"] if m["member"] else None,
                     **{k: m[k] for k in ("category", "date", "content", "amount", "responsible")}}
                    for m in p["measures"]]
        v_rows += [{**v, "household_id": hid} for v in p["visits"]]
    for model, rows in ((HouseholdIncome, i_rows), (Measure, ms_rows), (Visit, v_rows)):
        _bulk(s, model, rows)
    for table, n in (("households", len(h_rows)), ("members", len(m_rows)),
                     ("household_incomes", len(i_rows)), ("measures", len(ms_rows)),
                     ("visits", len(v_rows))):
        record_bulk(s, table, "bulk", [("*", "示例数据", {"count": n, "source": "demo"})])
    return DemoContext(
        year=today.year, prev_year=today.year - 1, today=today, seed=seed,
        villages=[(v["id"], v["name"]) for v in villages],
        households=[{k: p["household"][k] for k in ("id", "code", "village_id", "household_type",
                                                     "monitoring_category")} for p in plans],
        members=[{"id": m["id"], "household_id": r["household_id"],
                  **{k: m[k] for k in ("id_number", "name", "sex", "birth_date", "relation",
                                       "health", "labour_skill", "status")}}
                 for m, r in zip(m_plans, m_rows)],
    )


def _run_extensions(s, ctx: DemoContext, seed: int, timings: dict) -> list[str]:
    """Call each tab's demo_extend."""
    ran = []
    for name in DEMO_EXTENSION_MODULES:
        module = importlib.import_module(name)
        # services.posts.demo -> "posts_demo": the extension's name, as before the services were
        # split by domain; its generator is seeded with the module name it had then, so the demo
        # township stays the same data (one generator per extension: adding a tab does not change
        # the others' data)
        short = "_".join(name.split(".")[2:])
        started = time.perf_counter()
        module.demo_extend(s, random.Random(f"{seed}:fupin_desktop.services.{short}"), ctx)
        s.flush()
        timings[short] = time.perf_counter() - started
        ran.append(short)
    return ran
