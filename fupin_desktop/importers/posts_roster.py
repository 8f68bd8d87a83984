"""`fupin import posts`: a roster of post holders (公益性岗位人员花名册).

Columns are found by name (synonyms below). Each accepted row names a post (created when no post
with the same village, name, type, duty area and standard exists) and an assignment, idempotent
by (member, post, 上岗日期): importing the same roster twice changes nothing.

Reject codes (one per row, the first rule broken): id-not-text, id-length, id-checksum,
id-birthdate, unknown-member (a valid ID nobody in the database has), not-eligible (the message
names the rule, services.posts.eligibility), missing-value, bad-value (also any value that
domain/field_specs.POST / POST_ASSIGNMENT refuses: over-long text, control characters in the
bank and agreement fields, an amount or date out of range — the message names the field in
Chinese).
Warnings (row imported): name-mismatch, village-mismatch, post-type, bank-luhn, control-chars.
One transaction for the whole file: all accepted rows or nothing.

This module reads and checks each row into a RosterRow, asking a RosterStore for the stored
members and villages; services/posts/importing.py answers it, matches or creates the post and the
assignment (and refuses a row that breaks an eligibility rule).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from ..domain.bankcard import luhn_ok, normalize_account
from ..domain.field_specs import POST, POST_ASSIGNMENT, shown
from ..domain.idcard import validate_id
from ..domain.normalize import clean_text, digits_text, parse_amount, parse_date, parse_int
from ..domain.posts_vocab import POST_TYPES
from .result import ImportIssue, ImportResult
from .sheet import SheetSpec
from .spec_check import checked

ID_SYNONYMS = ("身份证号", "证件号码", "身份证号码", "公民身份号码", "身份证", "证件号")
COLUMNS: dict[str, tuple[str, ...]] = {
    "village": ("行政村", "村", "所在村", "村名"),
    "name": ("姓名", "人员姓名", "岗位人员姓名"),
    "id_number": ID_SYNONYMS,
    "post_name": ("岗位名称", "岗位", "公益性岗位名称"),
    "post_type": ("岗位类型", "岗位类别", "岗位种类"),
    "duty_area": ("责任区域", "管护区域", "责任区", "服务区域"),
    "start_date": ("上岗日期", "上岗时间", "聘用日期", "开始日期", "上岗年月"),
    "end_date": ("离岗日期", "结束日期", "聘用截止日期", "离岗时间"),
    "wage_standard": ("补贴标准", "岗位补贴标准", "月补贴标准", "工资标准", "月补贴"),
    "bank_account": ("银行账号", "银行卡号", "社保卡号", "一卡通账号", "收款账号"),
    "bank_name": ("开户银行", "开户行", "收款银行"),
    "agreement_no": ("协议编号", "合同编号", "聘用协议编号"),
    "funding_source": ("资金来源",),
    "required_days": ("应出勤天数", "每月应出勤天数"),
}
SPEC = SheetSpec(COLUMNS, required=("name", "id_number", "post_name", "start_date"),
                 what="公益性岗位人员花名册")


def check_id_cell(raw, row: int, header: str, name: str | None) -> tuple[str | None, ImportIssue | None]:
    """(normalized ID, None) or (None, the reject) — the household import's ID codes."""
    if raw is not None and raw.__class__ is not str:
        return None, ImportIssue(row, "id-not-text",
                                 f"第{row}行“{header}”是数字格式（Excel 只保留15位有效数字，后几位已丢失），"
                                 "该行未导入。请把该列设为文本格式，照身份证重新填写后再导入",
                                 "id_number", None, name)
    chk = validate_id(raw)
    if not chk.ok:
        return None, ImportIssue(row, chk.code, f"第{row}行“{header}”：{chk.message}",
                                 "id_number", None, name)
    return chk.normalized, None


def _post_type(raw_type: str | None, post_name: str) -> tuple[str, bool]:
    """(type, guessed): the type column, else a type named in the post name, else 其他."""
    t = clean_text(raw_type)
    if t in POST_TYPES:
        return t, False
    for pt in POST_TYPES:
        stem = pt.rstrip("员")
        if t and (t.startswith(stem) or stem in t):
            return pt, False
    for pt in POST_TYPES:
        if pt.rstrip("员") in post_name:
            return pt, t is not None
    return "其他", True


@dataclass(slots=True)
class RosterRow:
    """One checked roster row: who holds which post from when (the values as read)."""

    row: int
    member_id: int
    name: str
    household_code: str
    village_id: int
    post_name: str
    post_type: str
    duty_area: str
    wage_standard: Decimal | None  # None: the row names an existing post without a standard
    start: dt.date
    end: dt.date | None
    required_days: int | None
    bank_account: str | None
    bank_name: str | None
    agreement_no: str | None
    funding_source: str | None


class RosterStore(Protocol):
    """The stored data a roster is checked against and written to (services/posts/importing.py)."""

    def members(self, ids: set[str]) -> dict[str, tuple]:
        """ID -> (member id, name, household code, village id) for the IDs in the file."""

    def villages(self) -> dict[str, int]:
        """village name -> id"""

    def accept(self, rec: RosterRow, res: ImportResult, header_of) -> None:
        """Match or create the post and the assignment; count or reject the row in ``res``."""


class _RosterImport:
    def __init__(self, store: RosterStore, reader, file_name: str, today: dt.date):
        self.store = store
        self.today = today
        self.r = reader
        self.h = reader.header_of
        self.res = ImportResult()
        self.file = file_name
        self.villages = store.villages()

    def reject(self, row, code, msg, fname=None, hh=None, name=None):
        self.res.reject(ImportIssue(row, code, msg, fname, hh, name))

    def warn(self, row, code, msg, fname=None, hh=None, name=None):
        self.res.warn(ImportIssue(row, code, msg, fname, hh, name))

    def run(self):
        fields = list(COLUMNS)
        rows = list(self.r.iter_values(fields))
        self.res.rows_skipped = self.r.rows_skipped
        ids = set()
        for _, v in rows:
            if v[2].__class__ is str:
                chk = validate_id(v[2])
                if chk.ok:
                    ids.add(chk.normalized)
        self.members = self.store.members(ids)
        for r, v in rows:
            self.row(r, dict(zip(fields, v)))
        return self.res

    def row(self, r: int, v: dict) -> None:
        h = self.h
        name = clean_text(v["name"])
        idno, issue = check_id_cell(v["id_number"], r, h("id_number"), name)
        if issue:
            self.res.reject(issue)
            return
        m = self.members.get(idno)
        if m is None:
            self.reject(r, "unknown-member", f"第{r}行证件号码有效，但系统中没有此人（{name or '未填姓名'}），"
                        "该行未导入。请先导入或登记其家庭信息", "id_number", None, name)
            return
        mid, mname, hcode, hvillage = m
        if name and "".join(name.split()) != mname:
            self.warn(r, "name-mismatch", f"第{r}行姓名“{shown(name)}”与系统中该证件号码的姓名“{mname}”不一致，"
                      "已按证件号码导入，请核对", "name", hcode, mname)
        post_name = clean_text(v["post_name"])
        parsed = {}
        for key, read, sp in (("start_date", parse_date, POST_ASSIGNMENT),
                              ("end_date", parse_date, POST_ASSIGNMENT),
                              ("wage_standard", parse_amount, POST), ("required_days", parse_int, POST),
                              ("bank_account", lambda x: digits_text(x, "银行账号"), POST_ASSIGNMENT)):
            try:
                parsed[key] = read(v[key])
            except ValueError as exc:
                self.reject(r, "bad-value", f"第{r}行“{sp[key].label}”：{exc}，该行未导入", key,
                            hcode, mname)
                return
        start, end, std, req, account = parsed.values()
        missing = [h(f) for f, val in (("post_name", post_name), ("start_date", start)) if val is None]
        if missing:
            self.reject(r, "missing-value", f"第{r}行缺少“{'”“'.join(missing)}”，该行未导入",
                        None, hcode, mname)
            return
        if end is not None and end < start:
            self.reject(r, "bad-value", f"第{r}行离岗日期早于上岗日期，该行未导入", "end_date", hcode, mname)
            return
        account = normalize_account(account) or None
        post = {"name": post_name, "duty_area": clean_text(v["duty_area"]),
                "funding_source": clean_text(v["funding_source"]), "wage_standard": std,
                "required_days": req}
        held = {"start_date": start, "end_date": end, "bank_account": account,
                "bank_name": clean_text(v["bank_name"]), "agreement_no": clean_text(v["agreement_no"])}
        if not (checked(self.res, POST_ASSIGNMENT, r, held, self.today, None, hcode, mname)
                and checked(self.res, POST, r, post, self.today, None, hcode, mname)):
            return
        post_name, std, start, end = post["name"], post["wage_standard"], held["start_date"], held["end_date"]
        if account and not luhn_ok(account):
            self.warn(r, "bank-luhn", f"第{r}行银行账号未通过校验（可能是存折号），已导入，请核对",
                      "bank_account", hcode, mname)
        village_name = clean_text(v["village"])
        vid = self.villages.get(village_name) if village_name else hvillage
        if vid is None:
            vid = hvillage
            self.warn(r, "village-mismatch", f"第{r}行行政村“{shown(village_name)}”不存在，岗位已记在其家庭所在村",
                      "village", hcode, mname)
        elif vid != hvillage:
            self.warn(r, "village-mismatch", f"第{r}行行政村“{shown(village_name)}”与其家庭所在村不同，请核对",
                      "village", hcode, mname)
        ptype, guessed = _post_type(v["post_type"], post_name)
        if guessed:
            self.warn(r, "post-type", f"第{r}行岗位类型“{clean_text(v['post_type']) or '空'}”无法识别，"
                      f"已记为“{ptype}”", "post_type", hcode, mname)
        duty = post["duty_area"] or ""
        self.store.accept(RosterRow(
            r, mid, mname, hcode, vid, post_name, ptype, duty, std, start, end, req, account,
            held["bank_name"], held["agreement_no"], post["funding_source"]), self.res, h)


def parse_roster(store: RosterStore, reader, file_name: str,
                 today: dt.date | None = None) -> ImportResult:
    """Check every row of an opened roster (``open_sheet(path, SPEC)``), handing each good row
    to ``store.accept`` in file order; returns the result (rejects, warnings, counters).
    ``today`` bounds the dates (1900-01-01 … today + 1 year)."""
    return _RosterImport(store, reader, file_name, today or dt.date.today()).run()
