"""The household export of the national monitoring system (全国防止返贫监测信息系统): the pure part.

One row per member, household columns repeated (or merged) on each member row. This module
reads the file through :mod:`sheet`, normalises every field, validates ID numbers and returns
plain records; it knows nothing about the database. The database writer builds on
:class:`ParsedExport`: it checks the IDs against members already stored (another household →
``id-duplicate``, via :meth:`ParsedExport.drop_members`) and bulk-inserts
``HouseholdRecord.as_dict()`` / ``MemberRecord.as_dict()`` rows.

Rules (DESIGN.md §3): an ID cell that is a number is refused, never converted; a bad ID refuses
its row; the same ID twice in the file refuses the later rows; a household whose rows were all
refused is not created. Bad household values (a date or amount that cannot be read) only warn
and leave the field empty.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
from collections.abc import Callable

from fupin_desktop.domain import field_specs as fs
from fupin_desktop.domain.gc_pause import gc_paused
from fupin_desktop.importers.result import ImportIssue, ImportResult
from fupin_desktop.importers.sheet import SheetReader, open_sheet
from fupin_desktop.domain.bankcard import luhn_ok
from fupin_desktop.domain.idcard import check_fields
from fupin_desktop.domain.normalize import clean_text, digits_text, parse_bool_cn, parse_date
from fupin_desktop.importers.national_cells import (
    COMBO, COMBO_FIELDS, MEMBER_READERS, READERS, TEXT_READER, Bad, CellCache, free_text,
    member_values, phone_text,
)

from fupin_desktop.importers.national_records import (  # noqa: F401 - re-exported
    HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, SPEC, HEAD_RELATIONS,
    HouseholdRecord, MemberRecord, ParsedExport, HOUSEHOLD_RECORD_FIELDS, MEMBER_RECORD_FIELDS,
)

# --- parsing ---------------------------------------------------------------------------------
HH_FIELDS: tuple[str, ...] = tuple(HOUSEHOLD_COLUMNS)
M_FIELDS: tuple[str, ...] = tuple(MEMBER_COLUMNS)
_NH = len(HH_FIELDS)
_I_CODE = HH_FIELDS.index("household_code")
_I_NAME = _NH + M_FIELDS.index("name")
_I_RELATION = M_FIELDS.index("relation")


_PER_MEMBER_FLAGS = frozenset({"dibao", "tekun"})  # per member row (see _Parser.flags_of)


_spec_of = functools.lru_cache(maxsize=None)(fs.spec)  # field name -> its spec, looked up once


class _Parser:
    """State of one parse. The per-row path (:meth:`member`, the loop in
    :func:`parse_national_export`) stays flat: no per-cell dispatch on kinds."""

    def __init__(self, reader: SheetReader, today: _dt.date):
        self.reader = reader
        self.today = today
        self.h = reader.header_of
        self.result = ImportResult()
        self.households: dict[str, HouseholdRecord] = {}
        self.first_raw: dict[str, tuple] = {}  # household code -> raw household cells seen first
        self.conflicts: set[tuple[str, str]] = set()
        self.members: list[MemberRecord] = []
        self.seen_ids: dict[str, tuple[int, str]] = {}  # ID -> (row, household code)
        self.heads: dict[str, int] = {}
        self.rejected_in: dict[str, int] = {}  # household code -> refused rows
        self.rejected_heads: dict[str, int] = {}  # household code -> refused row of its 户主
        # (field, value) pairs that passed their spec unchanged: the same 汉族, 小学, 村名 and
        # amounts come back on most rows, so each is checked once (names are too varied to keep)
        self.passed: set[tuple[str, type, object]] = set()
        caches: dict[Callable, CellCache] = {}

        def cached(fn: Callable[[object], object]) -> CellCache:
            if fn not in caches:
                caches[fn] = CellCache(fn)
            return caches[fn]

        present = reader.columns
        # household fields in this file: (tuple index, field, cached reader, warning code);
        # absent columns keep the dataclass default and cost nothing per household
        self.hh_plan = []
        for i, f in enumerate(HH_FIELDS):
            if f in present and i != _I_CODE:
                fn, warn_code = READERS.get(f, TEXT_READER)
                cache = cached(fn)
                self.hh_plan.append((i, f, cache.data, cache, warn_code, _spec_of(f) is not None))
        self.combos: dict[tuple, tuple] = {}
        self.phone = cached(phone_text)
        self.flag = cached(parse_bool_cn)
        self.text = cached(clean_text)
        # 享受低保/特困 sit among the household columns but are the member's own on its row
        self.member_flags = [(i, f) for i, f in enumerate(HH_FIELDS) if f in ("dibao", "tekun") and f in present]

    # -- messages -------------------------------------------------------------------------
    def warn(self, row: int, code: str, message: str, fname: str | None = None,
             household: str | None = None, name: str | None = None) -> None:
        self.result.warn(ImportIssue(row, code, message, fname, household, name))

    def reject(self, row: int, code: str, message: str, fname: str | None = None,
               household: str | None = None, name: str | None = None) -> None:
        self.result.reject(ImportIssue(row, code, message, fname, household, name))
        if household:
            self.rejected_in[household] = self.rejected_in.get(household, 0) + 1

    def bad_value(self, row: int, code: str, fname: str, bad: Bad, household: str,
                  name: str | None = None) -> None:
        self.warn(row, code, f"第{row}行“{self.h(fname)}”：{bad.message}；该项已留空，请核对后补录",
                  fname, household, name)

    # -- households -----------------------------------------------------------------------
    def spec_error(self, row: int, fname: str, error: str, household: str | None,
                   name: str | None = None) -> None:
        self.reject(row, "bad-value", f"第{row}行{error}，该行未导入", fname, household, name)

    def checked(self, row: int, fname: str, value: object, household: str | None,
                name: str | None = None) -> tuple[object, bool]:
        """(value, ok) after the field spec: a value it refuses rejects the row."""
        key = (fname, value.__class__, value)  # the class too: Decimal(3) == 3 == 3.0
        if key in self.passed:
            return value, True
        sp = _spec_of(fname)
        if sp is None:
            return value, True
        if sp.kind == "date":
            err = fs.check_date(sp, value, self.today)
            note = None
        else:
            cleaned, err, note = fs.check(sp, value)
        if err:
            self.spec_error(row, fname, err, household, name)
            return None, False
        if note:
            self.warn(row, "control-chars", f"第{row}行{note}", fname, household, name)
            return cleaned, True
        if fname != "name" and len(self.passed) < 50_000:
            self.passed.add(key)
        return value, True

    def new_household(self, code: str, raw: tuple, row: int) -> HouseholdRecord | None:
        hh = HouseholdRecord(code, row)
        passed = self.passed
        for i, fname, known, cache, warn_code, has_spec in self.hh_plan:
            v = raw[i]
            if v is None or v == "":
                continue
            # the cache, inlined: this runs for every field of 40,000 households
            value = known.get(v, Bad) if v.__class__ is not bool else Bad
            if value is Bad:
                value = cache(v)
            if value.__class__ is Bad:
                self.bad_value(row, warn_code, fname, value, code)
                continue
            # checked()'s first test, inlined: 1.4 M calls at county scale, nearly all passed
            if has_spec and value.__class__ is not bool and (
                    fname, value.__class__, value) not in passed:
                value, ok = self.checked(row, fname, value, code)
                if not ok:
                    return None
            setattr(hh, fname, value)
        if hh.bank_account and not luhn_ok(hh.bank_account):
            self.warn(row, "bank-luhn", f"第{row}行“{self.h('bank_account')}”{hh.bank_account[:6]}…"
                      "未通过银行卡号校验（部分存折账号本就如此），请核对账号是否录错",
                      "bank_account", code)
        self.households[code] = hh
        self.first_raw[code] = raw
        return hh

    def merge_household(self, hh: HouseholdRecord, raw: tuple, row: int) -> None:
        """A later row of a known household differs from its first row: fill gaps, flag
        disagreements (once per household and field)."""
        first = self.first_raw[hh.household_code]
        for i, fname, _known, read, _warn_code, _has_spec in self.hh_plan:
            v = raw[i]
            if v is None or v == "" or v == first[i] or fname in _PER_MEMBER_FLAGS:
                continue
            new = read(v)
            if new.__class__ is Bad or new is None:
                continue  # a bad value on a repeated row is not worth a second warning
            if new.__class__ is not bool:
                sp = fs.spec(fname)
                if sp is not None:
                    if sp.kind == "date":
                        if fs.check_date(sp, new, self.today):
                            continue  # never fills a gap with a value the spec refuses
                    else:
                        new, err, _note = fs.check(sp, new)
                        if err or new is None:
                            continue
            old = getattr(hh, fname)
            if old is None or old is False:
                setattr(hh, fname, new)
            elif new != old and (hh.household_code, fname) not in self.conflicts:
                self.conflicts.add((hh.household_code, fname))
                self.warn(row, "household-conflict",
                          f"第{row}行“{self.h(fname)}”为“{_show(new)}”，与本户第{hh.first_row}行的"
                          f"“{_show(old)}”不一致，已按第{hh.first_row}行导入，请核对",
                          fname, hh.household_code)

    # -- members --------------------------------------------------------------------------
    def member(self, row: int, code: str, m: tuple) -> bool:
        if not self._member(row, code, m):
            rel = m[_I_RELATION]
            if rel is not None and clean_text(rel) in HEAD_RELATIONS:
                self.rejected_heads.setdefault(code, row)
            return False
        return True

    def flags_of(self, hraw: tuple, row: int) -> None:
        """The member just accepted keeps its own row's 享受低保 / 特困 cells (the household's
        flags say whether anyone in it does: a later 是 row fills a first row's 否)."""
        rec = self.members[-1]
        hh = self.households[rec.household_code]
        for i, fname in self.member_flags:
            v = hraw[i]
            if v is None or v == "":
                continue
            value = self.flag(v)
            if value.__class__ is Bad:
                continue  # the household field warned about it already (first row) or skips it
            setattr(rec, fname, value)
            if value and not getattr(hh, fname):
                setattr(hh, fname, True)

    def _member(self, row: int, code: str, m: tuple) -> bool:
        """Check and record one member row; False when the row is refused."""
        (name, id_type, raw_id, sex, ethnicity, birth, relation, education, school, health,
         skill, months, medical, critical, pension, phone, employee, reason) = m[:18]
        name = clean_text(name)
        h = self.h
        if name is None:
            self.reject(row, "missing-name", f"第{row}行缺少“{h('name')}”，该行未导入。"
                        "请补填姓名后再导入", "name", code)
            return False
        name, ok = self.checked(row, "name", name, code)
        if not ok:
            return False
        if " " in name and not name.isascii():
            name = "".join(name.split())  # "张 三" typed to line names up
        if raw_id is not None and raw_id.__class__ is not str:
            self.reject(row, "id-not-text",
                        f"第{row}行“{h('id_number')}”是数字格式（Excel 只保留15位有效数字，"
                        "后几位已丢失），该行未导入。请把该列设为文本格式，照身份证重新填写后再导入",
                        "id_number", code, name)
            return False
        ok, err, message, idno, birth_date, id_sex, region_known = check_fields(raw_id, self.today)
        if not ok:
            self.reject(row, err, f"第{row}行“{h('id_number')}”：{message}", "id_number", code, name)
            return False
        prev = self.seen_ids.get(idno)
        if prev is not None:
            prow, pcode = prev
            where = "本户" if pcode == code else f"户编号{pcode}"
            self.reject(row, "id-duplicate",
                        f"第{row}行“{h('id_number')}”与第{prow}行（{where}）重复，同一人只能"
                        "登记一次，该行未导入。请核实此人属于哪一户、证件号码是否录错",
                        "id_number", code, name)
            return False
        self.seen_ids[idno] = (row, code)

        key = COMBO(m)
        # a boolean cell would hit the entry of 1/0 (True == 1): those rows skip the cache
        values = self.combos.get(key) if bool not in map(type, key) else None
        if values is None:
            values = member_values(*key)
            if len(self.combos) < 100_000 and bool not in map(type, key):
                self.combos[key] = values
        tel = self.phone(phone) if phone else None
        rec = MemberRecord(row, code, name, idno, id_sex, birth_date, *values, tel)
        if employee is not None and employee != "":
            rec.employee_medical_insurance = self.flag(employee)
        if reason is not None and reason != "":
            rec.out_of_school_reason = self.text(reason)
        if m[18] or m[19] or m[20]:  # 人员状态 etc.: only our own backups carry them
            self._status(rec, *m[18:21])
        if (tel.__class__ is Bad or Bad in map(type, values)
                or rec.employee_medical_insurance.__class__ is Bad):
            self._bad_member_values(rec)
        passed = self.passed
        for fname in _SPEC_MEMBER_FIELDS:
            v = getattr(rec, fname)
            if v is not None and v.__class__ is not bool and (fname, v.__class__, v) not in passed:
                v, ok = self.checked(row, fname, v, code, name)
                if not ok:
                    del self.seen_ids[idno]
                    return False
                setattr(rec, fname, v)
        self.members.append(rec)
        self.households[code].member_count += 1
        if rec.relation in HEAD_RELATIONS:
            self.heads[code] = self.heads.get(code, 0) + 1
        if not region_known:
            self.warn(row, "id-region", f"第{row}行“{h('id_number')}”前两位“{idno[:2]}”不是已知的"
                      "省级行政区划代码，已导入，请核对", "id_number", code, name)
        if sex is not None and sex != rec.sex:
            self._check_sex(rec, sex)
        if birth is not None and birth != idno[6:14]:
            self._check_birth(rec, birth)
        return True

    def _status(self, rec: MemberRecord, status, status_date, status_note) -> None:
        from ..domain.household_vocab import MEMBER_STATUSES

        s = clean_text(status)
        if s is not None and s not in MEMBER_STATUSES:
            self.warn(rec.row, "bad-value", f"第{rec.row}行“{self.h('status')}”为“{s}”，不是"
                      f"{'、'.join(MEMBER_STATUSES)}之一；该项未导入，请核对",
                      "status", rec.household_code, rec.name)
            s = None
        rec.status = s
        try:
            rec.status_date = parse_date(status_date) if status_date else None
        except ValueError as exc:
            self.bad_value(rec.row, "bad-date", "status_date", Bad(str(exc)),
                           rec.household_code, rec.name)
        rec.status_note = free_text(status_note) if status_note else None

    def _bad_member_values(self, rec: MemberRecord) -> None:
        """Warn about (and empty) member cells that could not be read."""
        for fname in (*COMBO_FIELDS, "member_phone", "employee_medical_insurance"):
            value = getattr(rec, fname)
            if value.__class__ is Bad:
                setattr(rec, fname, None)
                code = MEMBER_READERS.get(fname, TEXT_READER)[1]
                self.bad_value(rec.row, code, fname, value, rec.household_code, rec.name)

    def _check_sex(self, rec: MemberRecord, raw: object) -> None:
        s = clean_text(raw)
        if s is not None and s not in (rec.sex, rec.sex + "性"):
            self.warn(rec.row, "id-mismatch", f"第{rec.row}行“{self.h('sex')}”为“{s}”，但证件号码"
                      f"显示为{rec.sex}；已按证件号码登记为{rec.sex}，请核对", "sex",
                      rec.household_code, rec.name)

    def _check_birth(self, rec: MemberRecord, raw: object) -> None:
        try:
            d = parse_date(raw)
        except ValueError:
            return  # the ID decides the birth date; an unreadable copy is not worth a warning
        b = rec.birth_date
        # a month-only value (1980-03) can only be compared by month
        if d is not None and d != b and not (d.day == 1 and (d.year, d.month) == (b.year, b.month)):
            self.warn(rec.row, "id-mismatch", f"第{rec.row}行“{self.h('birth_date')}”为{d:%Y-%m-%d}，"
                      f"但证件号码显示为{b:%Y-%m-%d}；已按证件号码登记，请核对", "birth_date",
                      rec.household_code, rec.name)

    # -- end of file ----------------------------------------------------------------------
    def finish(self) -> ParsedExport:
        res = self.result
        h = self.h
        for code in [c for c, hh in self.households.items()
                     if hh.member_count == 0 and not hh.keep_empty]:
            del self.households[code]
        dropped = set(self.first_raw) - set(self.households)
        if dropped:  # nothing of these households is imported: their warnings are moot
            res.warning_rows = [w for w in res.warning_rows if w.household_code not in dropped]
        gone: dict[str, int] = {}
        for m in self.members:
            if m.status not in (None, "正常"):
                gone[m.household_code] = gone.get(m.household_code, 0) + 1
        for code, hh in self.households.items():
            refused = self.rejected_in.get(code, 0)
            heads = self.heads.get(code, 0)
            where = f"户编号{code}（第{hh.first_row}行起）"
            if hh.member_count == 0:
                continue  # a household without members (our backup): nothing to check
            if heads == 0:
                head_row = self.rejected_heads.get(code)
                head_name = None
                if head_row is not None:
                    msg = (f"{where}的户主在第{head_row}行，该行未导入，本户暂无户主；"
                           "改正该行后重新导入即可")
                    # the summary's 姓名 column names the head whose row was refused
                    head_name = next((i.name for i in res.rejects if i.row == head_row), None)
                else:
                    msg = f"{where}没有“{h('relation')}”为“户主”的成员，请核对并指定户主"
                self.warn(hh.first_row, "no-head", msg, "relation", code, head_name)
            elif heads > 1:
                self.warn(hh.first_row, "many-heads",
                          f"{where}有{heads}名户主，请核对“{h('relation')}”", "relation", code)
            # compare with the rows in the file: rows refused for their ID are reported already;
            # members our backup lists as 死亡/迁出… do not count
            rows = hh.member_count + refused - gone.get(code, 0)
            if hh.family_size is not None and hh.family_size != rows:
                note = f"（其中{refused}行未导入）" if refused else ""
                self.warn(hh.first_row, "family-size",
                          f"{where}“{h('family_size')}”为{hh.family_size}，表中本户成员有{rows}行"
                          f"{note}，请核对家庭人口数或是否漏填成员", "family_size", code)
        res.rows_imported = len(self.members)
        res.rows_skipped = self.reader.rows_skipped
        res.counts["households"] = len(self.households)
        res.counts["members"] = len(self.members)
        r = self.reader
        return ParsedExport(self.households, self.members, res, r.sheet_name, r.header_row,
                            [r.header_of(f) for f in r.missing])


_SPEC_MEMBER_FIELDS = ("id_type", "ethnicity", "relation", "education", "school_status",
                       "health", "labour_skill", "work_months", "member_phone",
                       "out_of_school_reason", "status_date", "status_note")
_PARSED_MEMBER_FIELDS = ("work_months", "basic_medical_insurance", "critical_illness_insurance",
                         "pension_insurance", "member_phone")
_EXTRA_MEMBER_FIELDS = ("employee_medical_insurance", "out_of_school_reason")
# _member() unpacks the member cells positionally and builds MemberRecord positionally
assert M_FIELDS == ("name", "id_type", "id_number", "sex", "ethnicity", "birth_date", "relation",
                    "education", "school_status", "health", "labour_skill",
                    *_PARSED_MEMBER_FIELDS, *_EXTRA_MEMBER_FIELDS, "status", "status_date",
                    "status_note")
assert MEMBER_RECORD_FIELDS[6:] == ("id_type", "ethnicity", "relation", "education",
                                    "school_status", "health", "labour_skill",
                                    *_PARSED_MEMBER_FIELDS, *_EXTRA_MEMBER_FIELDS, "dibao", "tekun",
                                    "status", "status_date", "status_note")
assert tuple(MEMBER_READERS) == _PARSED_MEMBER_FIELDS + _EXTRA_MEMBER_FIELDS


def _is_blank_member(m: tuple) -> bool:
    return all(v is None or v == "" for v in m)


def _show(v: object) -> str:
    if v is True:
        return "是"
    if v is False:
        return "否"
    return str(v)


def _household_code(raw: object) -> str | None:
    if raw is None:
        return None
    if raw.__class__ is str:
        s = raw.strip() if raw.isascii() else clean_text(raw)
        if s and " " in s:
            s = "".join(s.split())
        return s or None
    return digits_text(raw, "户编号")  # a numeric code is kept only if no digit was lost


def parse_national_export(path: str | os.PathLike, today: _dt.date | None = None,
                          progress: Callable[[int, int], None] | None = None) -> ParsedExport:
    """Read and check a national monitoring export; raises ``InputError`` if it is unusable.

    ``today`` bounds birth dates (default: the real today). ``progress(row, last_row)`` is
    called every 2,000 data rows, for a progress dialog; raise from it to cancel.
    """
    reader = open_sheet(path, SPEC)
    with gc_paused():  # ~1M records and row tuples, all kept, no cycles (see gc_pause)
        return _parse(reader, today, progress)


def _parse(reader: SheetReader, today: _dt.date | None,
           progress: Callable[[int, int], None] | None) -> ParsedExport:
    p = _Parser(reader, today or _dt.date.today())
    households = p.households
    first_raw = p.first_raw
    member = p.member
    last = reader.last_row
    countdown = 2000
    # only our own backup has 人员状态: there a row with no member at all is a household
    # without members (in a national export such a row is refused for its missing 姓名)
    backup = "status" in reader.columns
    # '' (calamine's empty cell) is left as is: every reader here treats it as empty
    for row, vals in reader.iter_values(HH_FIELDS + M_FIELDS, empty=""):
        hraw = vals[:_NH]
        try:
            code = _household_code(hraw[_I_CODE])
        except ValueError as exc:
            p.reject(row, "missing-household-code",
                     f"第{row}行“{p.h('household_code')}”：{exc}，该行未导入", "household_code")
            continue
        if code is None:
            p.reject(row, "missing-household-code",
                     f"第{row}行缺少“{p.h('household_code')}”，该行未导入。请补填户编号后再导入",
                     "household_code", None, clean_text(vals[_I_NAME]))
            continue
        hh = households.get(code)
        if hh is None:
            code, ok = p.checked(row, "household_code", code, None, clean_text(vals[_I_NAME]))
            if not ok:
                continue
            hh = p.new_household(code, hraw, row)
            if hh is None:
                continue
        elif hraw != first_raw[code]:
            p.merge_household(hh, hraw, row)
        if backup and _is_blank_member(vals[_NH:]):
            hh.keep_empty = True  # our backup's row for a household without members
            continue
        if member(row, code, vals[_NH:]) and p.member_flags:
            p.flags_of(hraw, row)
        if progress is not None:
            countdown -= 1
            if not countdown:
                countdown = 2000
                progress(row, last)
    return p.finish()


class _RowsReader:
    """A reader over rows already in memory (the record-level API: tests, other front ends)."""

    def __init__(self, rows, fields):
        self._rows = rows
        self.columns = {f: i for i, f in enumerate(fields)}
        self.missing = [f for f in (*HH_FIELDS, *M_FIELDS) if f not in self.columns]
        self.sheet_name, self.header_row, self.last_row, self.rows_skipped = "", 1, 0, 0

    def header_of(self, fname: str) -> str:
        return SPEC.columns[fname][0] if SPEC.columns.get(fname) else fname

    def iter_values(self, fields, *, empty=None):
        for row, values in self._rows:
            yield row, tuple(values.get(f, empty) for f in fields)


def parse_rows(rows, today: _dt.date | None = None) -> ParsedExport:
    """Check rows given as ``(excel_row, {field: raw cell value})`` exactly as a file's rows
    are checked (same rules, same messages); the fields present are those of the first row."""
    rows = list(rows)
    fields = list(rows[0][1]) if rows else ["household_code", "name", "id_number"]
    return _parse(_RowsReader(rows, fields), today, None)
