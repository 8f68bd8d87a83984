"""import_households: the samples, id-duplicate against the database, updates with audit,
idempotent re-import, all-or-nothing on failure and cancel, the income year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update

from fupin_desktop.errors import ConflictError, InputError
from fupin_desktop.models import AuditLog, Household, HouseholdIncome, Member, Village
from fupin_desktop.services.households import importing as hi
from fupin_desktop.services.households.importing import import_households, income_year_from_text
from fupin_desktop.domain.idcard import check_char
from fupin_desktop.services.progress import Cancelled

HEADER = ["序号", "行政村", "户编号", "户类型", "家庭人口数", "人均纯收入(元)", "工资性收入(元)",
          "转移性收入(元)", "生产经营性支出(元)", "户联系电话", "产业帮扶", "姓名", "证件号码",
          "与户主关系", "民族"]


def idno(body17: str) -> str:
    return body17 + check_char(body17)


A1, A2 = idno("52272919800101001"), idno("52272919820202002")
B1 = idno("52272919700303003")


def household_rows(code="H001", village="青石村", phone="13800000001", wage=12000, name1="张三"):
    return [
        [1, village, code, "脱贫户", 2, None, wage, 2400, 400, phone, "是", name1, A1, "户主", "汉族"],
        [2, village, code, "脱贫户", 2, None, wage, 2400, 400, phone, "是", "李四", A2, "配偶", "汉族"],
    ]


def make_xlsx(path, rows, title="（自定义）监测对象信息", note="导出时间:2024-12-01 09:00:00",
              header=HEADER):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "监测对象信息"
    ws.append([title])
    ws.append([note])
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def table_counts(db) -> dict:
    with db.read() as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (Village, Household, Member, HouseholdIncome, AuditLog)}


def by_code(issues) -> dict:
    out = defaultdict(list)
    for i in issues:
        out[i["code"]].append(i["row"])
    return dict(out)


# ---- the samples -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, households, members, rejects", [
    ("national_export_clean.xlsx", 40, 151, {}),
    ("national_export_messy.xlsx", 60, 195, {
        "id-not-text": [22, 24, 60, 78, 93, 147, 201, 212],
        "id-checksum": [66, 118, 124, 131, 186, 187], "id-birthdate": [106, 138],
        "id-duplicate": [92, 112]}),
    ("national_export_merged.xlsx", 29, 91, {
        "id-checksum": [16, 20, 34, 72, 77, 102], "id-not-text": [32, 59],
        "id-birthdate": [33, 37, 43], "id-duplicate": [60, 63, 92, 93]}),
])
def test_samples_into_fresh_database(any_db, samples, name, households, members, rejects):
    res = import_households(any_db, samples / name).to_json()
    assert (res["households_created"], res["members_created"]) == (households, members)
    assert res["rows_imported"] == members
    assert res["rows_rejected"] == sum(map(len, rejects.values()))
    assert by_code(res["rejects"]) == rejects
    assert all(set(r) >= {"row", "code", "message"} for r in res["rejects"] + res["warning_rows"])
    with any_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Household)) == households
        assert s.scalar(select(func.count()).select_from(Member)) == members
        # a rejected ID is never stored, not even "fixed"
        stored = set(s.scalars(select(Member.id_number)))
    assert all(len(i) == 18 for i in stored)

    # the same file again: nothing new, nothing changed, no audit rows
    before = table_counts(any_db)
    again = import_households(any_db, samples / name).to_json()
    assert [again[k] for k in ("households_created", "households_updated", "members_created",
                               "members_updated", "incomes_created", "incomes_updated")] == [0] * 6
    assert table_counts(any_db) == before


def test_sample_values_round_trip(db, samples):
    import_households(db, samples / "national_export_clean.xlsx")
    with db.read() as s:
        h = s.scalar(select(Household).where(Household.code == "5227291010000001"))
        head = s.scalar(select(Member).where(Member.id_number == "522729196208023116"))
        inc = s.scalar(select(HouseholdIncome).where(HouseholdIncome.household_id == h.id))
        assert h.village.name == "幸福村" and h.household_type == "脱贫户"
        assert h.phone == "15799367514" and h.bank_account == "6228486073815055042"
        assert (h.measure_industry, h.measure_employment, h.measure_health) == (True, True, False)
        assert h.dangerous_house is True and h.version == 1
        assert head.name == "唐玉" and head.sex == "男" and head.birth_date == dt.date(1962, 8, 2)
        assert head.relation == "户主" and head.status == "正常"
        assert s.scalar(select(Member.id_number).where(Member.name == "邓志")) == "52272919650324216X"
        # the export is dated 2025-11-20: its income is for 2025
        assert inc.year == 2025 and inc.persons == 6
        assert inc.wage_income == Decimal("24000.00")
        # 24000 + 3000 + 800 + 4800 - 500 = 32100; / 6 = 5350.00
        assert inc.net_income == Decimal("32100.00")
        assert inc.per_capita_income == Decimal("5350.00") == inc.declared_per_capita


# ---- id-duplicate against the database ---------------------------------------------------------

def test_id_in_another_household_is_rejected_naming_it(any_db, tmp_path):
    import_households(any_db, make_xlsx(tmp_path / "a.xlsx", household_rows("H001")))
    rows = [[1, "青石村", "H002", "脱贫户", 2, None, 1000, 0, 0, None, None, "王五", B1, "户主", "汉族"],
            [2, "青石村", "H002", "脱贫户", 2, None, 1000, 0, 0, None, None, "张三", A1, "配偶", "汉族"],
            [3, "青石村", "H003", "脱贫户", 1, None, 1000, 0, 0, None, None, "李四", A2, "户主", "汉族"]]
    res = import_households(any_db, make_xlsx(tmp_path / "b.xlsx", rows)).to_json()
    assert by_code(res["rejects"]) == {"id-duplicate": [5, 6]}
    assert all("H001" in r["message"] for r in res["rejects"])
    assert res["households_created"] == 1 and res["members_created"] == 1  # H003 had nobody left
    with any_db.read() as s:
        assert set(s.scalars(select(Household.code))) == {"H001", "H002"}
        owner = s.scalar(select(Household.code).join(Member).where(Member.id_number == A1))
    assert owner == "H001"  # never moved


# ---- updates --------------------------------------------------------------------------------

def test_later_export_updates_changed_fields_with_audit(any_db, tmp_path):
    import_households(any_db, make_xlsx(tmp_path / "a.xlsx", household_rows()))
    rows = household_rows(phone="13900000009", wage=15000, name1="张叁")
    rows[1][9] = None  # phone missing on the second row: the first row's value holds
    for r in rows:
        r[10] = None  # 产业帮扶 now empty: the measure ended
    res = import_households(any_db, make_xlsx(tmp_path / "b.xlsx", rows)).to_json()
    assert (res["households_updated"], res["members_updated"], res["incomes_updated"]) == (1, 1, 1)
    assert res["households_created"] == res["members_created"] == 0
    with any_db.read() as s:
        h = s.scalar(select(Household))
        assert h.phone == "13900000009" and h.measure_industry is False and h.version == 2
        assert s.scalar(select(Member.name).where(Member.id_number == A1)) == "张叁"
        inc = s.scalar(select(HouseholdIncome))
        assert inc.wage_income == Decimal("15000.00")
        assert inc.net_income == Decimal("17000.00") and inc.per_capita_income == Decimal("8500.00")
        audits = {a.table_name: a for a in s.scalars(select(AuditLog).where(AuditLog.action == "update"))}
    assert audits["households"].changes["phone"] == ["13800000001", "13900000009"]
    assert audits["households"].changes["measure_industry"] == [True, False]
    assert audits["households"].record_key == "H001"
    assert audits["members"].changes == {"name": ["张三", "张叁"]}
    assert A1 not in audits["members"].record_key  # the audit never holds a whole ID number
    assert audits["household_incomes"].changes["wage_income"] == ["12000.00", "15000.00"]


def test_empty_cell_does_not_clear_and_absent_column_is_untouched(db, tmp_path):
    import_households(db, make_xlsx(tmp_path / "a.xlsx", household_rows()))
    rows = household_rows(phone=None)
    header = [h for h in HEADER if h != "产业帮扶"]
    rows = [r[:10] + r[11:] for r in rows]
    res = import_households(db, make_xlsx(tmp_path / "b.xlsx", rows, header=header)).to_json()
    assert res["households_updated"] == 0
    with db.read() as s:
        h = s.scalar(select(Household))
    assert h.phone == "13800000001" and h.measure_industry is True


def test_concurrent_edit_fails_the_import_and_changes_nothing(db, tmp_path, monkeypatch):
    import_households(db, make_xlsx(tmp_path / "a.xlsx", household_rows()))
    real = hi._Writer._reject_other_households

    def clerk_saves_meanwhile(self):
        real(self)
        with db.engine.begin() as c:  # another connection: a clerk saving the household
            c.execute(update(Household).values(note="改过", version=Household.version + 1))

    monkeypatch.setattr(hi._Writer, "_reject_other_households", clerk_saves_meanwhile)
    with pytest.raises(ConflictError):
        import_households(db, make_xlsx(tmp_path / "b.xlsx", household_rows(phone="13911111111")))
    with db.read() as s:
        h = s.scalar(select(Household))
    assert (h.phone, h.note, h.version) == ("13800000001", "改过", 2)


# ---- all or nothing -------------------------------------------------------------------------

def _snapshot(db):
    with db.read() as s:
        return (table_counts(db),
                [tuple(r) for r in s.execute(text("SELECT id, code, phone, version FROM households ORDER BY id"))],
                [tuple(r) for r in s.execute(text("SELECT id, name, version FROM members ORDER BY id"))])


def test_failure_midway_leaves_database_unchanged(any_db, samples, tmp_path, monkeypatch):
    import_households(any_db, make_xlsx(tmp_path / "a.xlsx", household_rows()))
    before = _snapshot(any_db)

    def boom(self, hh_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(hi._Writer, "_members", boom)  # after villages, households, incomes
    with pytest.raises(RuntimeError):
        import_households(any_db, samples / "national_export_clean.xlsx")
    with pytest.raises(RuntimeError):  # updates of the known household roll back too
        import_households(any_db, make_xlsx(tmp_path / "b.xlsx", household_rows(phone="1")))
    assert _snapshot(any_db) == before


def test_cancel_leaves_database_unchanged(any_db, samples):
    seen = []

    def progress(done, total, text):
        seen.append(text)
        if text.startswith("正在写入家庭成员"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_households(any_db, samples / "national_export_clean.xlsx", progress=progress)
    assert any(t.startswith("正在核对") for t in seen)  # it was past the parse
    counts = table_counts(any_db)
    assert counts == dict.fromkeys(counts, 0)


def test_cancel_while_reading(db, tmp_path):
    rows = [[i, "青石村", f"H{i:04d}", "脱贫户", 1, None, 1000, 0, 0, None, None, "某人",
             idno(f"5227291980{i // 1000 + 1:02d}{i % 28 + 1:02d}{i % 1000:03d}"), "户主", "汉族"] for i in range(1, 2500)]
    path = make_xlsx(tmp_path / "big.xlsx", rows)

    def progress(done, total, text):
        if text.startswith("正在读取"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        import_households(db, path, progress=progress)
    assert table_counts(db)["households"] == 0


# ---- income year, villages, input errors --------------------------------------------------

def test_income_year_from_text():
    assert income_year_from_text(["2024年度监测对象信息", "导出时间:2025-01-05"]) == 2024
    assert income_year_from_text(["（自定义）监测对象信息", "导出时间:2025-11-20 10:31:07"]) == 2025
    assert income_year_from_text(["监测对象信息", ""]) is None


def test_income_year_from_title_argument_or_today(db, tmp_path):
    r = import_households(db, make_xlsx(tmp_path / "a.xlsx", household_rows("H1"),
                                        title="青石镇2023年度监测对象", note=""))
    assert r.counts["income_year"] == 2023
    r = import_households(db, make_xlsx(tmp_path / "b.xlsx", household_rows("H1")), year=2022)
    assert r.counts["income_year"] == 2022 and r.counts["incomes_created"] == 1
    r = import_households(db, make_xlsx(tmp_path / "c.xlsx", household_rows("H1"), note=""),
                          today=dt.date(2031, 3, 1))
    assert r.counts["income_year"] == 2031  # no year anywhere: the current year
    with db.read() as s:
        years = sorted(s.scalars(select(HouseholdIncome.year)))
    assert years == [2022, 2023, 2031]


def test_missing_village_goes_to_a_placeholder_with_warning(db, tmp_path):
    res = import_households(db, make_xlsx(tmp_path / "a.xlsx", household_rows(village=None))).to_json()
    assert by_code(res["warning_rows"]) == {"missing-village": [4]}
    with db.read() as s:
        assert s.scalar(select(Village.name)) == hi.MISSING_VILLAGE


def test_empty_or_absent_village_keeps_a_known_households_village(db, tmp_path):
    import_households(db, make_xlsx(tmp_path / "a.xlsx", household_rows()))
    res = import_households(db, make_xlsx(tmp_path / "b.xlsx", household_rows(village=None)))
    res = res.to_json()
    assert res["households_updated"] == 0 and "missing-village" not in by_code(res["warning_rows"])
    header = [h for h in HEADER if h != "行政村"]
    rows = [r[:1] + r[2:] for r in household_rows()]
    assert import_households(db, make_xlsx(tmp_path / "c.xlsx", rows, header=header)
                             ).to_json()["households_updated"] == 0
    with db.read() as s:
        assert s.scalar(select(Household)).village.name == "青石村"
        assert list(s.scalars(select(Village.name))) == ["青石村"]


def test_sheet_without_header_is_input_error(db, tmp_path):
    path = make_xlsx(tmp_path / "x.xlsx", [["a", "b"]], header=["序号", "名称"])
    with pytest.raises(InputError) as err:
        import_households(db, path)
    assert "表头" in str(err.value) and "\n" not in str(err.value)
    assert table_counts(db)["households"] == 0


@pytest.mark.parametrize("write_only", [False, True])  # shared strings / inline strings
def test_title_lines_are_read_without_loading_the_sheet(tmp_path, write_only):
    from openpyxl import Workbook

    from fupin_desktop.importers.xlsx_head import head_lines

    wb = Workbook(write_only=write_only)
    for name, first in (("说明", "本表仅供核查"), ("监测对象信息", "青石镇2024年度监测对象 & 台账")):
        ws = wb.create_sheet(name) if write_only else (
            wb.active if name == "说明" else wb.create_sheet(name))
        if not write_only and name == "说明":
            ws.title = name
        ws.append([first])
        ws.append(["导出时间:", "2025-01-02"])
        ws.append(["户编号", "姓名"])
    wb.save(tmp_path / "t.xlsx")
    assert head_lines(tmp_path / "t.xlsx", "监测对象信息", 2) == [
        "青石镇2024年度监测对象 & 台账", "导出时间: 2025-01-02"]
    assert head_lines(tmp_path / "t.xlsx", "说明", 1) == ["本表仅供核查"]
    (tmp_path / "x.xls").write_bytes(b"not a zip")
    assert head_lines(tmp_path / "x.xls", None, 2) == []
