"""`fupin export households` is a lossless backup: export → import into an empty database gives
the same households and members, field by field (issue 10 §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fupin_desktop.services.households.export import export_households
from fupin_desktop.models import Household, HouseholdIncome, Member, Village
from tests.conftest import load_demo
from fupin_desktop.services.households.importing import import_households

TODAY = dt.date(2026, 6, 15)
SKIP = {"id", "village_id", "household_id", "created_at", "updated_at", "version",
        "deleted_at", "deleted_reason"}
# the national layout has 是 or nothing for a measure: a measure never given reads back 否
MEASURES = {c.name for c in Household.__table__.columns if c.name.startswith("measure_")}


def _columns(model) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name not in SKIP]


def _state(db, year: int):
    """{户编号: household fields}, {证件号码: member fields}, {(户编号, 年度): income fields}."""
    hcols, mcols, icols = _columns(Household), _columns(Member), _columns(HouseholdIncome)
    with db.read() as s:
        villages = dict(s.execute(select(Village.id, Village.name)).all())
        houses, code_of = {}, {}
        for h in s.scalars(select(Household).where(Household.deleted_at.is_(None))):
            row = {c: getattr(h, c) for c in hcols}
            for c in MEASURES:
                row[c] = bool(row[c])
            row["village"] = villages[h.village_id]
            houses[h.code] = row
            code_of[h.id] = h.code
        members = {m.id_number: {**{c: getattr(m, c) for c in mcols},
                                 "household": code_of[m.household_id]}
                   for m in s.scalars(select(Member).where(Member.deleted_at.is_(None)))}
        # one 享受低保/特困 column serves household and member: a member without a value of its
        # own has the household's (what the 疑点 rules read), and that is what must come back
        flags = {h.code: (h.low_income_support, h.extreme_poverty_support)
                 for h in s.scalars(select(Household).where(Household.deleted_at.is_(None)))}
        for m in members.values():
            for k, c in enumerate(("low_income_support", "extreme_poverty_support")):
                if m.get(c) is None:
                    m[c] = bool(flags[m["household"]][k])
        incomes = {(code_of[i.household_id], i.year): {c: getattr(i, c) for c in icols}
                   for i in s.scalars(select(HouseholdIncome))
                   if i.household_id in code_of}
    return houses, members, incomes


def _diff(a: dict, b: dict) -> list:
    out = []
    for key in sorted(set(a) | set(b)):
        if key not in a or key not in b:
            out.append((key, "missing on one side"))
            continue
        for f in a[key]:
            if a[key][f] != b[key][f]:
                out.append((key, f, a[key][f], b[key][f]))
    return out


@pytest.fixture
def empty_db(any_db, tmp_path):
    """A second, empty database on the same backend as ``any_db``."""
    from tests.conftest import make_pg_db, make_sqlite_db

    if any_db.engine.dialect.name == "postgresql":
        d, cleanup = make_pg_db()
        yield d
        cleanup()
    else:
        d = make_sqlite_db(tmp_path / "empty.db")
        yield d
        d.dispose()


@pytest.fixture
def demo_db(any_db):
    db = any_db
    load_demo(db, households=60, seed=7, today=TODAY)  # generated once, copied per test
    with db.write(reason="test: fill the fields the demo leaves empty") as s:
        hs = s.scalars(select(Household).order_by(Household.id)).all()
        hs[0].note = "户主长期外出务工（已联系）\n第二行"
        hs[1].address = "清河镇龙潭村４组，１２号"  # full-width: not normalised away
        hs[2].measure_relocation = True
        hs[3].food_secure = False
        ms = s.scalars(select(Member).order_by(Member.id)).all()
        ms[5].status, ms[5].status_date, ms[5].status_note = "死亡", dt.date(2025, 3, 1), "病故"
        # a household without members (all moved to another household, say) is restored too
        s.add(Household(code="HEMPTY01", village_id=hs[0].village_id, household_type="一般农户",
                        family_size=0, group_name="1组", note="成员已并入他户"))
    return db


def test_backup_round_trip_restores_every_field(demo_db, tmp_path, empty_db):
    out = tmp_path / "backup.xlsx"
    info = export_households(demo_db, out)
    before = _state(demo_db, info["income_year"])
    houses, members, _ = before
    assert info["rows"] == len(houses) == 61 and info["members"] == len(members)
    assert "HEMPTY01" in houses
    assert {m["status"] for m in members.values()} >= {"正常", "死亡"}
    assert len({y for _, y in before[2]}) >= 2  # the demo has incomes of two years

    empty = empty_db
    res = import_households(empty, out, today=TODAY)
    assert res.rows_rejected == 0, res.to_json()["rejects"][:3]
    assert res.counts["members_created"] == len(members)
    assert res.counts["incomes_created"] == len(before[2])
    after = _state(empty, info["income_year"])
    for a, b in zip(before, after):
        assert _diff(a, b) == []


def test_typed_persons_survive_an_import_without_family_size(demo_db, tmp_path):
    """An existing income row's 人口数 is kept when the file's 家庭人口数 is empty."""
    from openpyxl import Workbook

    with demo_db.read() as s:
        h = s.scalars(select(Household).order_by(Household.id)).first()
        m = s.scalars(select(Member).where(Member.household_id == h.id)).first()
        code, idno, name = h.code, m.id_number, m.name
    with demo_db.write(reason="test") as s:
        inc = s.scalars(select(HouseholdIncome).where(HouseholdIncome.household_id == h.id,
                                                      HouseholdIncome.year == 2026)).one()
        inc.persons = 7
    wb = Workbook()
    ws = wb.active
    ws.append(["户编号", "姓名", "证件号码", "工资性收入(元)"])
    ws.append([code, name, idno, 12345])
    path = tmp_path / "one.xlsx"
    wb.save(path)
    import_households(demo_db, path, today=TODAY, year=2026)
    with demo_db.read() as s:
        inc = s.scalars(select(HouseholdIncome).where(HouseholdIncome.household_id == h.id,
                                                      HouseholdIncome.year == 2026)).one()
        assert inc.persons == 7 and inc.wage_income == 12345


def _one_household_file(path, code, name, idno, **extra):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["户编号", "姓名", "证件号码", "与户主关系", *extra])
    ws.append([code, name, idno, "户主", *extra.values()])
    wb.save(path)
    return path


@pytest.fixture
def deleted_household(demo_db):
    from fupin_desktop.services.households.edit import remove_household

    with demo_db.read() as s:
        h = s.scalars(select(Household).order_by(Household.id)).first()
        m = s.scalars(select(Member).where(Member.household_id == h.id,
                                           Member.relation == "户主")).first()
        hid, code, idno, name = h.id, h.code, m.id_number, m.name
    remove_household(demo_db, hid, "重复登记")
    return hid, code, idno, name


def test_rows_of_a_deleted_household_are_refused(demo_db, deleted_household, tmp_path):
    hid, code, idno, name = deleted_household
    path = _one_household_file(tmp_path / "d.xlsx", code, name + "改", idno, 户类型="脱贫户")
    res = import_households(demo_db, path, today=TODAY)
    assert res.rows_imported == 0 and res.rows_rejected == 1
    issue = res.rejects[0]
    assert issue.code == "household-deleted" and "该户已删除" in issue.message
    assert "第2行" in issue.message and code in issue.message
    with demo_db.read() as s:
        h = s.get(Household, hid)
        assert h.deleted_at is not None
        assert s.scalar(select(Member.name).where(Member.id_number == idno)) == name


def test_restore_deleted_restores_and_imports(demo_db, deleted_household, tmp_path):
    hid, code, idno, name = deleted_household
    path = _one_household_file(tmp_path / "d.xlsx", code, name + "改", idno)
    res = import_households(demo_db, path, today=TODAY, restore_deleted=True)
    assert res.rows_rejected == 0 and res.counts["households_restored"] == 1
    with demo_db.read() as s:
        h = s.get(Household, hid)
        assert h.deleted_at is None and h.deleted_reason is None
        assert s.scalar(select(Member.name).where(Member.id_number == idno)) == name + "改"


def test_cli_restore_deleted_flag(demo_db, deleted_household, tmp_path, capsys):
    import json

    from fupin_desktop import cli

    hid, code, idno, name = deleted_household
    path = _one_household_file(tmp_path / "d.xlsx", code, name, idno)
    assert cli.main(["import", "households", str(path), "--db", demo_db.url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in data["rejects"]] == ["household-deleted"]
    assert cli.main(["import", "households", str(path), "--db", demo_db.url, "--json",
                     "--restore-deleted"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rejects"] == [] and data["households_restored"] == 1
