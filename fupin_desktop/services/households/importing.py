"""Import the national monitoring system's household export into the database.

Parsing and row checks are importers/national_export.py; this module is the database half:

* An ID already stored for a member of ANOTHER household rejects the row (``id-duplicate``,
  the message names that household's 户编号); the file itself is checked by the parser.
* Villages are created by name. Households are matched by 户编号, members by 证件号码: new ones
  are bulk-inserted, known ones get only the fields that changed, each change audited old → new.
* Values: a non-empty cell overwrites; an empty cell never clears what is stored (an import
  must not wipe what the clerk typed); a column missing from the file is not touched. The 13
  measure columns hold 是 or nothing, so there an empty cell in a present column means 否.
* Income: one row per household and year with the components, 家庭人口数 as the persons
  divided by (the accepted members when it is empty) and the declared 人均纯收入; 纯收入 and
  人均纯收入 are derived exactly as domain/income.py does for edits. The year is, in order: the
  ``year`` argument (CLI ``--year``), a year named in the title/note rows above the header
  (“2024年度…” first, else the year of “导出时间:2025-11-20”), or the current year. Our own
  backup also carries a 各年度收入 sheet: its other years are restored the same way.
* A household that was deleted (soft: ``deleted_at`` set) is not revived silently: its rows are
  refused (``household-deleted``, 该户已删除) unless the clerk asks to restore deleted
  households (``restore_deleted``; CLI ``--restore-deleted``), which clears the deletion.
* One transaction: any failure or a cancel (``progress`` raising ``Cancelled``) rolls back all.
  Bulk statements for speed (150,000 members); updates carry a version check, so a record a
  clerk saved meanwhile fails the import with ConflictError instead of being overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from operator import attrgetter, itemgetter
from pathlib import Path

from sqlalchemy import String, select

from ...audit_events import record_bulk
from ...domain.field_specs import label
from ...domain.gc_pause import gc_paused
from ...errors import ConflictError
from ...importers.national_export import (
    HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, ParsedExport, parse_national_export,
)
from ...importers.result import ImportIssue, ImportResult
from ...importers.xlsx_head import head_lines
from ...models import Household, HouseholdIncome, Member, Village
from ...models.base import utcnow
from ..bulk_sql import bulk_insert, bulk_insert_rows, bulk_update_versioned
from ..oplock import exclusive_op
from ...domain.income import net_income, per_capita

# parsed record field -> Household column
HOUSEHOLD_FIELDS = {
    "county": "county", "township": "township", "household_type": "household_type",
    "monitoring_category": "monitoring_category", "monitoring_date": "monitoring_date",
    "risk1": "risk1", "risk2": "risk2", "risk3": "risk3", "risk4": "risk4", "risk5": "risk5",
    "risk_eliminated": "risk_eliminated", "elimination_method": "elimination_method",
    "elimination_date": "elimination_date", "elimination_per_capita": "elimination_per_capita",
    "family_size": "family_size", "phone": "phone",
    "bank_name": "bank_name", "bank_account": "bank_account",
    "dangerous_house": "dangerous_house", "safe_water": "safe_water",
    "dibao": "low_income_support", "tekun": "extreme_poverty_support",
    "helper_name": "helper_name", "helper_unit": "helper_unit", "helper_phone": "helper_phone",
    "measure_industry": "measure_industry", "measure_employment": "measure_employment",
    "measure_public_post": "measure_public_post", "measure_health": "measure_health",
    "measure_education": "measure_education", "measure_housing": "measure_housing",
    "measure_water": "measure_water", "measure_social_security": "measure_comprehensive",
    "measure_finance": "measure_finance", "measure_social": "measure_social",
    "measure_relocation": "measure_relocation",
    "measure_living_conditions": "measure_living_conditions",
    "measure_infrastructure": "measure_infrastructure",
    # columns only our own backup carries (`fupin export households`)
    "group_name": "group_name", "address": "address", "poverty_exit_year": "poverty_exit_year",
    "food_secure": "food_secure", "clothing_secure": "clothing_secure",
    "education_secure": "education_secure", "medical_secure": "medical_secure",
    "housing_secure": "housing_secure", "note": "note",
}
INCOME_FIELDS = {
    "wage_income": "wage_income", "business_income": "business_income",
    "property_income": "property_income", "transfer_income": "transfer_income",
    "business_expense": "business_expense", "compliant_self_paid": "compliant_self_paid",
    "per_capita_income": "declared_per_capita",
}
MEMBER_FIELDS = {
    "id_type": "id_type", "name": "name", "sex": "sex", "ethnicity": "ethnicity",
    "birth_date": "birth_date", "relation": "relation", "education": "education",
    "school_status": "school_status", "health": "health", "labour_skill": "labour_skill",
    "work_months": "work_months", "basic_medical_insurance": "basic_medical_insurance",
    "critical_illness_insurance": "critical_illness_insurance",
    "pension_insurance": "pension_insurance", "member_phone": "phone",
    "status": "status", "status_date": "status_date", "status_note": "status_note",
    "employee_medical_insurance": "employee_medical_insurance",
    "out_of_school_reason": "out_of_school_reason",
    "dibao": "low_income_support", "tekun": "extreme_poverty_support",
}
INCOME_COLUMNS = ("persons", *INCOME_FIELDS.values(), "net_income", "per_capita_income")
MISSING_VILLAGE = "未填写行政村"
CHUNK = 10_000

ProgressFn = Callable[[int, int, str], None]


def _no_progress(done: int, total: int = 0, text: str = "") -> None:
    pass


def income_year_from_text(lines) -> int | None:
    """The year an export is for, from its title/note lines: “收入年度:2024” (our own
    exports write it) first, then “2024年度…” or “2024年…”, else the year of “导出时间:2025-11-20”."""
    text = " ".join(str(x) for x in lines if x)
    m = re.search(r"收入年度\s*[:：]?\s*(20\d\d)", text)
    if m:
        return int(m[1])
    m = re.search(r"(20\d\d)\s*年", text)
    if m:
        return int(m[1])
    m = re.search(r"导出(?:时间|日期)\s*[:：]?\s*(20\d\d)", text)
    return int(m[1]) if m else None


def _plain(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    return str(v)  # Decimal, date


def _member_key(name: str, idno: str) -> str:
    # never the whole ID number in the audit log (same form as Member.audit_key)
    return f"{name}({idno[:6]}…{idno[-4:]})"


def _lengths(model) -> dict[str, int]:
    return {c.name: c.type.length for c in model.__table__.columns
            if isinstance(c.type, String) and c.type.length}


@exclusive_op("import households")
def import_households(db, path: str | os.PathLike, *, progress: ProgressFn | None = None,
                      today: dt.date | None = None, year: int | None = None,
                      restore_deleted: bool = False) -> ImportResult:
    """Import one export file; returns the result (counters, rejects, warnings).

    ``restore_deleted``: rows of a deleted household restore it (else they are refused).

    Raises ``InputError`` for an unusable file, ``Cancelled`` when ``progress`` asks to stop,
    ``ConflictError`` when a record changed under the import; the database is then unchanged.
    """
    report = progress or _no_progress
    parsed = parse_national_export(path, today=today,
                                   progress=lambda d, t: report(d, t, "正在读取表格…"))
    title = getattr(parsed, "title_lines", None) or head_lines(
        path, parsed.sheet_name, max(0, parsed.header_row - 1))
    income_year = year or income_year_from_text(title) or (today or dt.date.today()).year
    name = Path(path).name
    from ...importers.backup_incomes import parse_backup_incomes

    other_years, issues = parse_backup_incomes(path)  # our backup's 各年度收入 sheet, if any
    for issue in issues:
        parsed.result.warn(issue)
    from ..autobackup import before

    before(db, "import")
    # the write builds a parameter row per record, kept until the driver has them all
    with gc_paused(), db.write(reason=f"导入户信息：{name}") as session:
        w = _Writer(session, parsed, income_year, report, name, restore_deleted)
        w.run()
        if other_years:
            w.other_year_incomes(other_years)
    return parsed.result


class _Writer:
    def __init__(self, session, parsed: ParsedExport, year: int, report: ProgressFn, name: str,
                 restore_deleted: bool = False):
        self.s = session
        self.restore_deleted = restore_deleted
        self.restored: set[str] = set()
        self.p = parsed
        self.res: ImportResult = parsed.result
        self.year = year
        self.report = report
        self.file = name
        self.now = utcnow()
        missing = set(parsed.missing_columns)
        # a known column absent from the file leaves its field alone
        self.present = {f for f in HOUSEHOLD_COLUMNS if HOUSEHOLD_COLUMNS[f][0] not in missing}
        for key in ("households_created", "households_updated", "members_created",
                    "members_updated", "incomes_created", "incomes_updated", "villages_created",
                    "households_restored"):
            self.res.counts[key] = 0
        self.res.counts["income_year"] = year

    def run(self) -> None:
        s = self.s
        self.report(0, 0, "正在核对数据库中已有的记录…")
        hh_cols = ["id", "code", "version", "village_id", "deleted_at", "deleted_reason",
                   "family_size",
                   *(c for c in HOUSEHOLD_FIELDS.values() if c != "family_size")]
        self.hh = {r.code: r for r in s.execute(
            select(*(getattr(Household, c) for c in hh_cols)))}
        m_cols = ["id", "id_number", "household_id", "version", *MEMBER_FIELDS.values()]
        self.mm = {r.id_number: r for r in s.execute(
            select(*(getattr(Member, c) for c in m_cols)))}
        self._reject_other_households()
        self._deleted_households()
        villages = self._villages()
        hh_ids = self._households(villages)
        self._incomes(hh_ids)
        self._members(hh_ids)

    # -- rules against the database -----------------------------------------------------
    def _reject_other_households(self) -> None:
        code_of = {r.id: code for code, r in self.hh.items()}
        issues: dict[str, ImportIssue] = {}
        for m in self.p.members:
            ex = self.mm.get(m.id_number)
            if ex is None:
                continue
            mine = self.hh.get(m.household_code)
            if mine is not None and mine.id == ex.household_id:
                continue
            other = code_of.get(ex.household_id, "?")
            issues[m.id_number] = ImportIssue(
                m.row, "id-duplicate",
                f"第{m.row}行“证件号码”已登记为户编号{other}的家庭成员，同一人只能属于一户，该行未"
                "导入。请核实此人属于哪一户、证件号码是否录错",
                "id_number", m.household_code, m.name)
        if issues:
            before = set(self.p.households)
            self.p.drop_members(issues)
            gone = before - set(self.p.households)
            if gone:  # households not imported at all: their warnings no longer apply
                self.res.warning_rows = [w for w in self.res.warning_rows
                                         if w.household_code not in gone]

    def _deleted_households(self) -> None:
        """Rows of a soft-deleted household: refused, or (``restore_deleted``) restore it."""
        deleted = {code for code in self.p.households
                   if (ex := self.hh.get(code)) is not None and ex.deleted_at is not None}
        if not deleted:
            return
        if self.restore_deleted:
            self.restored = deleted
            return
        issues: dict[str, ImportIssue] = {}
        for m in self.p.members:
            if m.household_code in deleted:
                issues[m.id_number] = ImportIssue(
                    m.row, "household-deleted",
                    f"第{m.row}行：户编号{m.household_code}该户已删除，该行未导入。如确需恢复该户，"
                    "请在导入时选择“恢复已删除的户”（命令行加 --restore-deleted）后重新导入",
                    "household_code", m.household_code, m.name)
        self.p.drop_members(issues)
        self.res.warning_rows = [w for w in self.res.warning_rows
                                 if w.household_code not in deleted]

    def _villages(self) -> dict[str, int]:
        s = self.s
        ids = dict(s.execute(select(Village.name, Village.id)).all())
        new: dict[str, tuple] = {}
        for code, hh in self.p.households.items():
            if not hh.village and code in self.hh:
                continue  # an empty 行政村 never moves a known household (its village stays)
            vname = (hh.village or MISSING_VILLAGE)[:60]
            if vname not in ids and vname not in new:
                new[vname] = (hh.township, hh.county)
            if not hh.village:
                self.res.warn(ImportIssue(
                    hh.first_row, "missing-village",
                    f"户编号{hh.household_code}（第{hh.first_row}行起）没有填写“行政村”，已归入"
                    f"“{MISSING_VILLAGE}”，请在户信息中改为正确的行政村", "village",
                    hh.household_code))
        for vname, (township, county) in new.items():
            s.add(Village(name=vname, township=township, county=county))  # audited by the ORM
        if new:
            s.flush()
            ids = dict(s.execute(select(Village.name, Village.id)).all())
            self.res.counts["villages_created"] = len(new)
        return ids

    # -- households ----------------------------------------------------------------------
    def _households(self, villages: dict[str, int]) -> dict[str, int]:
        present, lengths = self.present, _lengths(Household)
        fields = [f for f in HOUSEHOLD_FIELDS if f in present]
        cols = [HOUSEHOLD_FIELDS[f] for f in fields]
        codes, recs = list(self.p.households), list(self.p.households.values())
        rows = list(map(_values_of(fields), recs))
        for k, j in _too_long(rows, [lengths.get(c) for c in cols]):
            rec, v = recs[k], rows[k][j]
            cut = self._truncate(rec.first_row, codes[k], fields[j], v, lengths[cols[j]])
            rows[k] = (*rows[k][:j], cut, *rows[k][j + 1:])
        # a new household: every household column, the absent ones None
        rest = [c for c in HOUSEHOLD_FIELDS.values() if c not in cols]
        keys = [*cols, *rest, "village_id", "code", "version", "created_at", "updated_at"]
        nones, stamp = (None,) * len(rest), (1, self.now, self.now)
        inserts, updates = [], []
        for code, rec, values in zip(codes, recs, rows):
            ex = self.hh.get(code)
            if ex is None:
                inserts.append((*values, *nones, villages[(rec.village or MISSING_VILLAGE)[:60]],
                                code, *stamp))
                continue
            vals = ({} if not rec.village
                    else {"village_id": villages[(rec.village or MISSING_VILLAGE)[:60]]})
            vals.update(zip(cols, values))
            ch = _changes(ex, vals)
            if code in self.restored:  # an explicit None: _changes never writes one
                ch["deleted_at"] = (ex.deleted_at, None)
                ch["deleted_reason"] = (ex.deleted_reason, None)
            if ch:
                updates.append((ex, ch, code))
        if inserts:
            bulk_insert_rows(self.s, Household.__table__, keys, inserts)
            self._audit_inserts("households", len(inserts))
        self._bulk_update(Household, "households", updates)
        self.res.counts["households_created"] = len(inserts)
        self.res.counts["households_updated"] = len(updates)
        self.res.counts["households_restored"] = len(self.restored)
        wanted = set(self.p.households)
        return {c: i for c, i in self.s.execute(select(Household.code, Household.id))
                if c in wanted}

    def _truncate(self, row, code, f, v, n) -> str:
        self.res.warn(ImportIssue(row, "too-long", f"第{row}行“{HOUSEHOLD_COLUMNS[f][0]}”超过"
                                  f"{n}个字，已截取前{n}个字，请核对", f, code))
        return v[:n]

    def _incomes(self, hh_ids: dict[str, int]) -> None:
        year = self.year
        existing = {r.household_id: r for r in self.s.execute(
            select(HouseholdIncome.id, HouseholdIncome.household_id, HouseholdIncome.version,
                   *(getattr(HouseholdIncome, c) for c in INCOME_COLUMNS))
            .where(HouseholdIncome.year == year))}
        inserts, updates = [], []
        active: dict[str, int] = {}
        for m in self.p.members:
            if m.status in (None, "正常"):
                active[m.household_code] = active.get(m.household_code, 0) + 1
        for code, rec in self.p.households.items():
            vals = {col: getattr(rec, f) for f, col in INCOME_FIELDS.items()}
            if all(v is None for v in vals.values()):
                continue  # no income columns (or all empty): nothing to record for the year
            hid = hh_ids[code]
            ex = existing.get(hid)
            if ex is not None:  # an empty cell keeps the stored component
                vals = {c: (getattr(ex, c) if v is None else v) for c, v in vals.items()}
            # the persons divided by: as the file says, else what is stored (a 人口数 the
            # clerk typed is kept), else the members the file lists as living there
            known = self.hh.get(code)
            vals["persons"] = (rec.income_persons or rec.family_size
                               or (ex.persons if ex is not None else None)
                               or (known.family_size if known is not None else None)
                               or active.get(code) or rec.member_count)
            net = net_income(vals["wage_income"], vals["business_income"],
                             vals["property_income"], vals["transfer_income"],
                             vals["business_expense"])
            pc = per_capita(net, vals["persons"])
            vals["net_income"] = net
            vals["per_capita_income"] = pc if pc is not None else vals["declared_per_capita"]
            if ex is None:
                if self._year_closed(year, rec.first_row, code):
                    continue
                inserts.append({"household_id": hid, "year": year, **vals})
            else:
                ch = _changes(ex, vals)
                if ch and not self._year_closed(year, rec.first_row, code):
                    updates.append((ex, ch, f"{hid}/{year}"))
        if inserts:
            self._bulk_insert(HouseholdIncome, inserts)
            self._audit_inserts("household_incomes", len(inserts))
        self._bulk_update(HouseholdIncome, "household_incomes", updates)
        self.res.counts["incomes_created"] = len(inserts)
        self.res.counts["incomes_updated"] = len(updates)

    def _year_closed(self, year: int, row: int, code: str) -> bool:
        """A closed archive year's income is not changed by an import (the bulk writes here do
        not pass the flush guard): warn, keep the archived figures (issue 12)."""
        if not hasattr(self, "_closed_years"):
            from ..closures import closed_years

            self._closed_years = closed_years(self.s)
        if year not in self._closed_years:
            return False
        self.res.warn(ImportIssue(
            row, "income-year-closed",
            f"第{row}行：户编号{code}的{year}年收入未导入——{year}年度档案已关闭（已归档），"
            f"不能直接修改（本户其余信息已导入）；如确需修改，请在户信息中以更正（填写原因）修改",
            "wage_income", code))
        self.res.count("incomes_closed_year")
        return True

    def other_year_incomes(self, records) -> None:
        """Incomes of the backup's 各年度收入 sheet, for the years other than ``self.year``
        (that one came from the member sheet), for the households this file imported."""
        wanted = set(self.p.households)
        hh_ids = {c: i for c, i in self.s.execute(select(Household.code, Household.id))
                  if c in wanted}
        records = [r for r in records if r.year != self.year and r.household_code in hh_ids]
        if not records:
            return
        years = sorted({r.year for r in records})
        existing = {(r.household_id, r.year): r for r in self.s.execute(
            select(HouseholdIncome.id, HouseholdIncome.household_id, HouseholdIncome.year,
                   HouseholdIncome.version, *(getattr(HouseholdIncome, c) for c in INCOME_COLUMNS))
            .where(HouseholdIncome.year.in_(years)))}
        inserts, updates = [], []
        for rec in records:
            hid = hh_ids[rec.household_code]
            ex = existing.get((hid, rec.year))
            vals = {c: rec.values.get(c) for c in ("persons", *INCOME_FIELDS.values())}
            if ex is not None:  # an empty cell keeps the stored value
                vals = {c: (getattr(ex, c) if v is None else v) for c, v in vals.items()}
            if vals["persons"] is None:
                known = self.hh.get(rec.household_code)
                vals["persons"] = known.family_size if known is not None else None
            net = net_income(vals["wage_income"], vals["business_income"],
                             vals["property_income"], vals["transfer_income"],
                             vals["business_expense"])
            pc = per_capita(net, vals["persons"])
            vals["net_income"] = net
            vals["per_capita_income"] = pc if pc is not None else vals["declared_per_capita"]
            if ex is None:
                if self._year_closed(rec.year, rec.row, rec.household_code):
                    continue
                inserts.append({"household_id": hid, "year": rec.year, **vals})
            else:
                ch = _changes(ex, vals)
                if ch and not self._year_closed(rec.year, rec.row, rec.household_code):
                    updates.append((ex, ch, f"{hid}/{rec.year}"))
        if inserts:
            self._bulk_insert(HouseholdIncome, inserts)
            self._audit_inserts("household_incomes", len(inserts))
        self._bulk_update(HouseholdIncome, "household_incomes", updates)
        self.res.counts["incomes_created"] += len(inserts)
        self.res.counts["incomes_updated"] += len(updates)

    # -- members -------------------------------------------------------------------------
    def _members(self, hh_ids: dict[str, int]) -> None:
        lengths = _lengths(Member)
        # the check-input columns (职工医保, 未上学原因, 享受低保/特困) are often absent from an
        # export: an absent column leaves what the clerk typed alone
        missing = set(self.p.missing_columns)
        absent = {f for f in ("employee_medical_insurance", "out_of_school_reason")
                  if MEMBER_COLUMNS[f][0] in missing}
        absent |= {f for f in ("dibao", "tekun") if f not in self.present}
        checked = [(f, col, lengths.get(col)) for f, col in MEMBER_FIELDS.items() if f not in absent]
        fields = [f for f, _col, _n in checked]
        cols = [col for _f, col, _n in checked]
        getter = _values_of(fields)
        i_status = cols.index("status")
        keys = [*cols, "household_id", "id_number", "version", "created_at", "updated_at"]
        stamp = (1, self.now, self.now)
        members, mm, updates = self.p.members, self.mm, []
        created, total = 0, len(members)
        for start in range(0, total, CHUNK):  # streamed: 150,000 rows at once would cost ~200 MB
            self.report(start, total, "正在写入家庭成员…")
            part = members[start:start + CHUNK]
            rows = list(map(getter, part))
            self._truncate_long(part, rows, checked)
            new = []
            for m, values in zip(part, rows):
                ex = mm.get(m.id_number)
                if ex is None:
                    if not values[i_status]:
                        values = (*values[:i_status], "正常", *values[i_status + 1:])
                    new.append((*values, hh_ids[m.household_code], m.id_number, *stamp))
                else:
                    ch = _changes(ex, dict(zip(cols, values)))
                    if ch:
                        updates.append((ex, ch, _member_key(m.name, m.id_number)))
            if new:
                bulk_insert_rows(self.s, Member.__table__, keys, new)
                created += len(new)
        if created:
            self._audit_inserts("members", created)
        self.report(total, total, "正在更新家庭成员…")
        self._bulk_update(Member, "members", updates)
        self.res.counts["members_created"] = created
        self.res.counts["members_updated"] = len(updates)

    def _truncate_long(self, part, rows: list[tuple], checked) -> None:
        """Cut member texts longer than their column (each with a warning, in file order)."""
        for k, j in _too_long(rows, [n for _f, _col, n in checked]):
            f, _col, n = checked[j]
            m = part[k]
            self.res.warn(ImportIssue(m.row, "too-long", f"第{m.row}行“{label(f)}”超过{n}个字，"
                                      f"已截取前{n}个字，请核对", f, m.household_code, m.name))
            rows[k] = (*rows[k][:j], rows[k][j][:n], *rows[k][j + 1:])

    # -- bulk statements -----------------------------------------------------------------
    def _bulk_insert(self, model, rows: list[dict]) -> None:
        for r in rows:
            r["version"] = 1
            r["created_at"] = r["updated_at"] = self.now
        for i in range(0, len(rows), CHUNK):  # bounded memory for the driver's parameters
            bulk_insert(self.s, model.__table__, rows[i:i + CHUNK])

    def _audit_inserts(self, table: str, n: int) -> None:
        # one summary row per table; each record's own created_at says when it came in
        record_bulk(self.s, table, "bulk", [(
            "", self.file, {"action": "import-insert", "rows": n, "file": self.file,
                            "income_year": self.year})])

    def _bulk_update(self, model, table: str, updates: list[tuple]) -> None:
        if not updates:
            return
        ok = bulk_update_versioned(self.s, model.__table__, [(ex, ch) for ex, ch, _ in updates],
                                   self.now)
        if not ok:
            raise ConflictError("导入期间有记录被他人修改，本次导入已撤销，数据未作改动。"
                                "请稍后重新导入")
        record_bulk(self.s, table, "update", [
            (str(ex.id), key, {c: [_plain(o), _plain(n)] for c, (o, n) in ch.items()})
            for ex, ch, key in updates])


def _values_of(names: list[str]):
    """A record's values of ``names`` as a tuple (attrgetter, in C, for two or more)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda rec: (one(rec),)
    return lambda rec: ()


def _too_long(rows: list[tuple], limits: list[int | None]) -> list[tuple[int, int]]:
    """(row, column) of each text longer than its column's limit, in the order a row-by-row pass
    meets them (row, then column). The writer's last guard, as the field specs refuse such texts
    first: so looked for column by column in C (the longest value of each), not value by value
    in Python (a tenth of the write at 150,000 members); a column holding other values than
    texts is looked at one by one."""
    hits = []
    for j, n in enumerate(limits):
        if not n:
            continue
        column = list(map(itemgetter(j), rows))
        try:
            longest = max(map(len, filter(None, column)), default=0)
        except TypeError:  # a number or date among the texts
            longest = n + 1
        if longest > n:
            hits += [(k, j) for k, v in enumerate(column) if v.__class__ is str and len(v) > n]
    return sorted(hits)


def _changes(ex, vals: dict) -> dict:
    """column -> (old, new) for the values that differ; ``None`` never overwrites."""
    out = {}
    for col, new in vals.items():
        if new is None:
            continue
        old = getattr(ex, col)
        if old != new:  # Decimal('5.0') == Decimal('5.00'); dates and bools compare by value
            out[col] = (old, new)
    return out
