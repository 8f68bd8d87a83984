"""`fupin import attendance`: a month's sign-in sheet (公益性岗位签到考勤表).

Two layouts, both found by column names:

- grid: 姓名, 身份证号, 岗位, one column per day 1日…31日 (√ present, 事/病 leave, × absent,
  empty = no duty), optionally 出勤天数; the month comes from ``month``, else the title row
  (“…2025年10月签到考勤表”), else the file name;
- one row per sign-in: 姓名, 身份证号, 日期 (and optionally 考勤/状态; a sign-in row without
  one means present).

Reject codes: id-not-text, id-length, id-checksum, id-birthdate, unknown-member, no-assignment
(nobody holds a post that month), bad-mark (an unknown mark, a day the month does not have, or a
day outside the worker's assignment), duplicate-row (a worker twice in a grid, or the same
worker's sign-in twice on one day: 重复的签到记录 — never last-wins). Warnings: name-mismatch,
post-mismatch, days-mismatch (the sheet's 出勤天数 differs from its √ count). A sign-in date
outside 1900-01-01 … today + 1 year is a bad-mark; an 出勤天数 outside 0–31 a bad-value
(domain/field_specs.ATTENDANCE, named in Chinese).

A file changes only the days it holds: a sign-in file the (worker, day) pairs it lists; a grid
the span of days from its first to its last marked day (an empty cell inside it clears that
day, days outside it are left as they are), so importing a first-half sheet and then a
second-half sheet keeps both. Changes are audited as updates; a closed month is refused as a
whole. One transaction for the whole file. ``dry_run`` computes everything (rejects and the
per-worker change summary: marks added / changed) and writes nothing, for a preview.

This module reads the sheet into marks per (assignment, month), asking an AttendanceLookup for
the stored members, assignments and closed months; services/posts/attendance_import.py answers it
and writes the marks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from typing import Protocol

from ..errors import InputError
from ..domain.field_specs import ATTENDANCE, check_value, shown
from ..domain.idcard import normalize_id
from ..domain.normalize import clean_text, parse_date, parse_int
from ..domain.posts_calendar import (MARK_NONE, MARK_PRESENT, days_in_month, month_text, overlap,
                                     parse_mark)
from .posts_roster import ID_SYNONYMS, check_id_cell
from .result import ImportIssue, ImportResult
from .sheet import SheetSpec
from .xlsx_head import head_lines

DAY_FIELDS = tuple(f"d{i}" for i in range(1, 32))
COLUMNS: dict[str, tuple[str, ...]] = {
    "village": ("行政村", "村"),
    "name": ("姓名", "人员姓名"),
    "id_number": ID_SYNONYMS,
    "post": ("岗位", "岗位名称", "岗位类型"),
    "declared_days": ("出勤天数", "实际出勤天数", "出勤合计"),
    "date": ("日期", "签到日期", "签到时间", "考勤日期"),
    "mark": ("考勤", "考勤情况", "出勤情况", "签到情况", "状态", "考勤状态"),
    **{f"d{i}": (f"{i}日", f"{i}号") for i in range(1, 32)},
}
SPEC = SheetSpec(COLUMNS, required=("id_number",), what="签到考勤表")
_YM = re.compile(r"(\d{4})\s*[年\-_.]\s*(\d{1,2})\s*月?")


def month_from_text(*texts: str) -> dt.date | None:
    for t in texts:
        for m in _YM.finditer(t or ""):
            if 1 <= int(m[2]) <= 12 and 2000 <= int(m[1]) <= 2100:
                return dt.date(int(m[1]), int(m[2]), 1)
    return None


@dataclass(slots=True)
class MarkChange:
    """What an import does to one worker's month: marks added (day was empty) and changed."""

    assignment_id: int
    worker_name: str
    month: dt.date
    added: int
    changed: int

    def to_json(self) -> dict:
        return {"assignment_id": self.assignment_id, "worker": self.worker_name,
                "month": f"{self.month:%Y-%m}", "added": self.added, "changed": self.changed}


@dataclass(slots=True)
class AttendanceImportResult(ImportResult):
    changes: list[MarkChange] = field(default_factory=list)  # workers whose marks change
    dry_run: bool = False  # a preview: nothing was written

    def to_json(self) -> dict:
        out = ImportResult.to_json(self)  # (zero-argument super() fails in a slots dataclass)
        out["changes"] = [c.to_json() for c in self.changes]
        out["dry_run"] = self.dry_run
        return out

    def change_lines(self) -> list[str]:
        """“张三 2025-10：新增 12 天，修改 2 天” per worker whose marks change."""
        return [f"{c.worker_name} {c.month:%Y-%m}：新增 {c.added} 天，修改 {c.changed} 天"
                for c in self.changes]


class AttendanceLookup(Protocol):
    """What the sheet is checked against (services/posts/attendance_import.py answers from the DB)."""

    def members(self, ids: set[str]) -> dict[str, tuple]:
        """ID -> (member id, name, household code, village id) for the IDs in the file."""

    def is_month_closed(self, month: dt.date) -> bool: ...

    def assignments(self, member_id: int, month: dt.date) -> list[tuple]:
        """(assignment id, start, end, post name, post type) held in the month, by start."""


class _AttendanceImport:
    def __init__(self, lookup: AttendanceLookup, reader, month: dt.date | None, file_name: str,
                 today: dt.date | None = None):
        self.lookup, self.r, self.h = lookup, reader, reader.header_of
        self.today = today or dt.date.today()
        self.res = AttendanceImportResult()
        self.month = month
        self.file = file_name
        self.seen: dict[tuple[int, dt.date], int] = {}  # (assignment, month) -> first row
        self.seen_days: dict[tuple[int, dt.date], int] = {}  # (assignment, day) -> first row
        # (assignment, month) -> {day: code}: only the days the file holds
        self.new_marks: dict[tuple[int, dt.date], dict[int, str]] = {}
        self.names: dict[int, str] = {}
        self.span: tuple[int, int] | None = None  # grid: first..last marked day of the file

    def reject(self, row, code, msg, fname=None, hh=None, name=None):
        self.res.reject(ImportIssue(row, code, msg, fname, hh, name))

    def warn(self, row, code, msg, fname=None, hh=None, name=None):
        self.res.warn(ImportIssue(row, code, msg, fname, hh, name))

    def run(self) -> ImportResult:
        grid = "d1" in self.r.columns
        if not grid and "date" not in self.r.columns:
            raise InputError(f"文件“{self.file}”的考勤表既没有“1日…31日”列，也没有“日期”列，无法读取考勤")
        fields = list(COLUMNS)
        rows = list(self.r.iter_values(fields))
        self.res.rows_skipped = self.r.rows_skipped
        ids = {v[2] for _, v in rows if v[2].__class__ is str}
        self.members = self.lookup.members({normalize_id(i) for i in ids})
        if grid and self.month is None:
            title = head_lines(self.r.path, self.r.sheet_name, max(0, self.r.header_row - 1))
            self.month = month_from_text(*title, self.r.sheet_name, Path(self.file).stem)
            if self.month is None:
                raise InputError(f"无法从文件“{self.file}”的标题确定考勤月份，请在标题中写明“××××年××月”"
                                 "或指定月份（--month 2025-10）")
        months = {self.month} if grid else set()
        parsed = []
        for r, v in rows:
            item = self.identify(r, dict(zip(fields, v)))
            if item is not None:
                parsed.append(item)
                if not grid and item[3] is not None:
                    months.add(item[3].replace(day=1))
        for m in sorted(months):
            if self.lookup.is_month_closed(m):
                raise InputError(f"{month_text(m)}已关账（工资表已打印签字），考勤不能再导入。"
                                 "如需更正，请在考勤表中逐项修改并填写原因，差额计入下月")
        for r, vals, member, day_date in parsed:
            if grid:
                self.grid_row(r, vals, member)
            else:
                self.signin_row(r, vals, member, day_date)
        return self.res

    def identify(self, r, v):
        name = clean_text(v["name"])
        idno, issue = check_id_cell(v["id_number"], r, self.h("id_number"), name)
        if issue:
            self.res.reject(issue)
            return None
        m = self.members.get(idno)
        if m is None:
            self.reject(r, "unknown-member", f"第{r}行证件号码有效，但系统中没有此人（{name or '未填姓名'}），"
                        "该行未导入。请核对证件号码，或先登记其家庭信息", "id_number", None, name)
            return None
        if name and "".join(name.split()) != m[1]:
            self.warn(r, "name-mismatch", f"第{r}行姓名“{shown(name)}”与系统中该证件号码的姓名“{m[1]}”不一致，"
                      "已按证件号码导入，请核对", "name", m[2], m[1])
        day_date = None
        if "d1" not in self.r.columns:
            try:
                day_date = parse_date(v["date"])
            except ValueError as exc:
                self.reject(r, "bad-mark", f"第{r}行：{exc}，该行未导入", "date", m[2], m[1])
                return None
            if day_date is None:
                self.reject(r, "bad-mark", f"第{r}行缺少签到日期，该行未导入", "date", m[2], m[1])
                return None
            _v, err, _n = check_value(ATTENDANCE["date"], day_date, self.today)
            if err:
                self.reject(r, "bad-mark", f"第{r}行{err}，该行未导入", "date", m[2], m[1])
                return None
        return r, v, m, day_date

    def assignments(self, member_id: int, m0: dt.date) -> list[tuple]:
        return self.lookup.assignments(member_id, m0)

    def _pick(self, r, member, m0, post_text):
        mid, mname, hcode, _ = member
        held = self.assignments(mid, m0)
        if not held:
            self.reject(r, "no-assignment", f"第{r}行{mname}在{month_text(m0)}没有在岗记录，该行未导入。"
                        "请先在花名册中登记其上岗信息", "id_number", hcode, mname)
            return None
        post_text = clean_text(post_text)
        if post_text:
            match = [a for a in held if post_text in (a[3], a[4]) or a[4] in post_text]
            if match:
                held = match + [a for a in held if a not in match]
            else:
                self.warn(r, "post-mismatch", f"第{r}行岗位“{shown(post_text)}”与{mname}的在岗记录"
                          f"（{'、'.join(a[3] for a in held)}）不一致，已按在岗记录导入，请核对",
                          "post", hcode, mname)
        return held

    def grid_row(self, r, v, member) -> None:
        mid, mname, hcode, _ = member
        m0 = self.month
        dim = days_in_month(m0)
        codes = {}
        for d in range(1, 32):
            raw = v[f"d{d}"]
            try:
                c = parse_mark(raw)
            except ValueError as exc:
                self.reject(r, "bad-mark", f"第{r}行{d}日：{exc}，该行未导入", f"d{d}", hcode, mname)
                return
            if c != MARK_NONE:
                if d > dim:
                    self.reject(r, "bad-mark", f"第{r}行{month_text(m0)}没有{d}日，却有考勤标记，该行未导入",
                                f"d{d}", hcode, mname)
                    return
                codes[d] = c
        try:
            declared = parse_int(v["declared_days"])
        except ValueError:
            declared = None  # only compared with the marks: an unreadable count is ignored
        _v, err, _n = check_value(ATTENDANCE["declared_days"], declared, self.today)
        if err:
            self.reject(r, "bad-value", f"第{r}行{err}，该行未导入", "declared_days", hcode, mname)
            return
        held = self._pick(r, member, m0, v["post"])
        if held is None:
            return
        per: dict[int, dict[int, str]] = {}
        outside = []
        for d, c in codes.items():
            for a in held:
                p = overlap(m0, a[1], a[2])
                if p and p[0] <= d <= p[1]:
                    per.setdefault(a[0], {})[d] = c
                    break
            else:
                outside.append(d)
        if outside:
            self.reject(r, "bad-mark", f"第{r}行{mname}{'、'.join(f'{d}日' for d in outside)}不在上岗期间"
                        f"（{held[0][1]:%Y-%m-%d}起），不能记考勤，该行未导入", None, hcode, mname)
            return
        targets = [a[0] for a in held] if len(held) > 1 else [held[0][0]]
        for aid in targets:
            first = self.seen.get((aid, m0))
            if first is not None:
                self.reject(r, "duplicate-row", f"第{r}行与第{first}行是同一人同一岗位，该行未导入",
                            "id_number", hcode, mname)
                return
        for aid in targets:
            self.seen[(aid, m0)] = r
            self.names[aid] = mname
            self.new_marks[(aid, m0)] = dict(per.get(aid, {}))
        if codes:
            lo, hi = min(codes), max(codes)
            self.span = (min(lo, self.span[0]), max(hi, self.span[1])) if self.span else (lo, hi)
        present = sum(1 for c in codes.values() if c == MARK_PRESENT)
        if declared is not None and declared != present:
            self.warn(r, "days-mismatch", f"第{r}行出勤天数填写为{declared}天，按√统计为{present}天，"
                      "已按每日标记导入，请核对", "declared_days", hcode, mname)
        self.res.rows_imported += 1

    def signin_row(self, r, v, member, day: dt.date) -> None:
        mid, mname, hcode, _ = member
        m0 = day.replace(day=1)
        try:
            c = parse_mark(v["mark"]) if v["mark"] is not None else MARK_PRESENT
        except ValueError as exc:
            self.reject(r, "bad-mark", f"第{r}行：{exc}，该行未导入", "mark", hcode, mname)
            return
        held = self._pick(r, member, m0, v["post"])
        if held is None:
            return
        for a in held:
            p = overlap(m0, a[1], a[2])
            if p and p[0] <= day.day <= p[1]:
                first = self.seen_days.get((a[0], day))
                if first is not None:
                    self.reject(r, "duplicate-row", f"第{r}行与第{first}行是{mname}{day:%Y-%m-%d}"
                                "重复的签到记录，该行未导入；请删除重复行，或核对日期",
                                "date", hcode, mname)
                    return
                self.seen_days[(a[0], day)] = r
                self.names[a[0]] = mname
                self.new_marks.setdefault((a[0], m0), {})[day.day] = c
                self.res.rows_imported += 1
                return
        self.reject(r, "bad-mark", f"第{r}行{mname}{day:%Y-%m-%d}不在上岗期间，不能记考勤，该行未导入",
                    "date", hcode, mname)


def parse_attendance(lookup: AttendanceLookup, reader, month: dt.date | None,
                     file_name: str, today: dt.date | None = None) -> _AttendanceImport:
    """Read an opened sheet (``open_sheet(path, SPEC)``): the parser's ``res`` holds rejects and
    warnings, ``new_marks`` {(assignment id, month): {day: code}}, ``span`` (grid: the first and
    last marked day), ``names`` {assignment id: worker}. InputError for an unusable sheet or a
    closed month."""
    parser = _AttendanceImport(lookup, reader, month, file_name, today)
    parser.run()
    return parser
