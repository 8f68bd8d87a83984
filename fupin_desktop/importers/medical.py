"""`fupin import medical`: a hospital / medical-insurance settlement sheet (一站式结算明细).

Columns are found by name (synonyms below); rows are matched to members by 证件号码. This module
parses and checks rows into plain records; services/medical/importing.py writes them. Same rules
as the household import: one transaction for the whole file (all or nothing), a refused row never
stored, re-importing is idempotent by 结算单据号 (an existing settlement is updated, through the ORM
so the audit log shows old → new).

Reject codes (one per row, the first rule broken): id-not-text, id-length, id-checksum,
id-birthdate, unknown-member, household-deleted (该户已删除), member-deleted, missing-value, duplicate-settlement, bad-value, dates,
negative-amount, payers-exceed-total, policy-exceeds-total.
Warnings (row imported): self-pay-mismatch (the sheet's 个人负担 differs from the computed
个人自付 by more than 0.01), name-mismatch, member-not-alive, member-changed, bad-value,
control-chars (removed from a free-text field).

Every value is checked against domain/field_specs.MEDICAL_SETTLEMENT (text sizes equal the
columns', dates 1900-01-01 … today + 1 year, control characters): a value it refuses rejects the
row as bad-value (dates: dates), naming the field in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from ..domain import medical_calc as calc
from ..domain.medical_calc import CARE_TYPES, HOSPITAL_LEVELS, OTHER_SUPPORT_KINDS
from ..domain.field_specs import MEDICAL_SETTLEMENT, shown
from ..domain.idcard import validate_id
from ..domain.normalize import clean_text, parse_amount, parse_bool_cn, parse_date
from .result import ImportIssue, ImportResult
from .sheet import SheetSpec, open_sheet
from .spec_check import checked

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "患者姓名", "参保人姓名", "就诊人姓名", "就医人员姓名"),
    "id_number": ("证件号码", "身份证号", "身份证号码", "公民身份号码", "参保人身份证号",
                  "证件号", "患者身份证号"),
    "hospital_name": ("医疗机构名称", "医疗机构", "定点医疗机构名称", "定点医疗机构", "就诊医院",
                      "医院名称", "就诊机构", "就诊医疗机构"),
    "hospital_level": ("医院等级", "医疗机构等级", "医疗机构级别", "医院级别", "机构级别", "就诊机构级别"),
    "care_type": ("医疗类别", "就诊类型", "就医类型", "就诊类别", "医疗类型", "结算类别", "就医类别"),
    "admission_date": ("入院日期", "入院时间"),
    "discharge_date": ("出院日期", "出院时间"),
    "settlement_date": ("结算日期", "结算时间", "费用结算日期"),
    "settlement_no": ("结算单据号", "结算单号", "结算编号", "单据号", "结算流水号", "结算ID"),
    "diagnosis": ("诊断名称", "诊断", "疾病名称", "出院诊断", "病种名称", "疾病诊断"),
    "total_cost": ("医疗费总额", "总费用", "医疗总费用", "费用总额", "医疗费用总额", "住院总费用"),
    "policy_cost": ("符合政策范围金额", "政策范围内费用", "政策范围内金额", "符合政策范围内费用",
                    "政策内费用", "合规费用"),
    "basic_insurance": ("统筹基金支出", "基本医保统筹", "基本医疗保险统筹基金支付", "基本医保支付",
                        "统筹支付", "基本医保统筹支付", "基本医疗保险"),
    "critical_insurance": ("居民大病保险", "大病保险", "大病保险支付", "大病保险支出", "大病保险基金支出"),
    "medical_assistance": ("医疗救助基金", "医疗救助", "医疗救助支付", "医疗救助基金支出", "医疗救助金额"),
    "other_support": ("其他支出", "其他保障", "其他保障支付", "其他保障金额", "其他基金支付"),
    "other_kind": ("其他保障类型", "其他支出类型", "其他保障类别"),
    "self_paid": ("个人负担总金额", "个人自付", "个人负担", "个人自付金额", "个人支付", "个人负担金额",
                  "个人自付总额"),
    "pay_after_treatment": ("先诊疗后付费", "是否先诊疗后付费"),
    "one_stop": ("一站式结算", "是否一站式结算"),
}
SPEC = SheetSpec(COLUMNS, required=("id_number", "settlement_no", "total_cost"),
                 what="医疗结算明细")

_TYPE_SYNONYMS = {
    "门诊": "门诊", "普通门诊": "门诊", "门急诊": "门诊", "急诊": "门诊",
    "住院": "住院", "普通住院": "住院",
    "门诊慢特病": "门诊慢特病", "门诊慢性病": "门诊慢特病", "门诊特殊病": "门诊慢特病",
    "门诊特慢病": "门诊慢特病", "慢特病门诊": "门诊慢特病", "门特": "门诊慢特病", "门慢": "门诊慢特病",
    "门诊慢特病种": "门诊慢特病", "特殊门诊": "门诊慢特病",
}
_LEVEL_SYNONYMS = {
    "村": "村", "村级": "村", "村卫生室": "村",
    "乡": "乡镇", "镇": "乡镇", "乡镇": "乡镇", "乡级": "乡镇", "乡镇级": "乡镇", "乡镇卫生院": "乡镇",
    "社区": "乡镇",
    "县": "县", "县级": "县", "县区级": "县", "县(区)": "县", "县区": "县",
    "市": "市", "市级": "市", "州": "市", "州级": "市", "市州级": "市", "地市级": "市",
    "省": "省及以上", "省级": "省及以上", "省及以上": "省及以上", "省外": "省及以上",
    "国家级": "省及以上", "省级及以上": "省及以上",
}
_AMOUNT_KEYS = calc.AMOUNT_FIELDS
_FIELDS = tuple(COLUMNS)
_IDX = {f: i for i, f in enumerate(_FIELDS)}
COMPARE_FIELDS = ("member_id", "hospital_name", "hospital_level", "care_type", "admission_date",
            "discharge_date", "diagnosis", "settlement_date", *_AMOUNT_KEYS, "other_kind",
            "pay_after_treatment", "one_stop")

assert set(_TYPE_SYNONYMS.values()) <= set(CARE_TYPES)
assert set(_LEVEL_SYNONYMS.values()) <= set(HOSPITAL_LEVELS)


def _norm_no(raw) -> str | None:
    """结算单据号 as text; a numeric cell keeps its digits (it is an identifier, not a number)."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = clean_text(raw)
    return "".join(s.split()) if s else None


class _Rows:
    """Parse and check each row; the database writer runs after the whole file is read."""

    def __init__(self, reader, members: dict[str, tuple], today: dt.date):
        self.h = reader.header_of
        self.members = members  # id_number -> (id, name, household code, status, status date)
        self.today = today
        self.result = ImportResult()
        self.seen: dict[str, int] = {}
        self.good: list[dict] = []

    def reject(self, row, code, msg, fname=None, hh=None, name=None) -> None:
        self.result.reject(ImportIssue(row, code, msg, fname, hh, name))

    def warn(self, row, code, msg, fname=None, hh=None, name=None) -> None:
        self.result.warn(ImportIssue(row, code, msg, fname, hh, name))

    def row(self, r: int, v: tuple) -> None:
        h = self.h
        g = v.__getitem__
        name = clean_text(g(_IDX["name"]))
        raw_id = g(_IDX["id_number"])
        if raw_id is not None and raw_id.__class__ is not str:
            self.reject(r, "id-not-text", f"第{r}行“{h('id_number')}”是数字格式（Excel 只保留15位"
                        "有效数字，后几位已丢失），该行未导入。请把该列设为文本格式，照身份证重新填写后"
                        "再导入", "id_number", None, name)
            return
        chk = validate_id(raw_id, self.today)
        if not chk.ok:
            self.reject(r, chk.code, f"第{r}行“{h('id_number')}”：{chk.message}", "id_number",
                        None, name)
            return
        m = self.members.get(chk.normalized)
        if m is None:
            self.reject(r, "unknown-member", f"第{r}行证件号码 {chk.normalized[:6]}…"
                        f"{chk.normalized[-4:]}（{name or '无姓名'}）不是本系统登记的家庭成员，该行未"
                        "导入。请先在户信息中登记此人，或核对证件号码", "id_number", None, name)
            return
        mid, mname, hcode, status, status_date, member_deleted, household_deleted = m
        if household_deleted or member_deleted:
            what = (f"户编号{hcode}该户已删除" if household_deleted
                    else f"此人（{mname}）已从户编号{hcode}中删除")
            self.reject(r, "household-deleted" if household_deleted else "member-deleted",
                        f"第{r}行证件号码 {chk.normalized[:6]}…{chk.normalized[-4:]}：{what}，"
                        "该行未导入。如该户（人）确应保留，请先在户信息中恢复后再导入",
                        "id_number", hcode, mname)
            return
        raw_no = g(_IDX["settlement_no"])
        if raw_no.__class__ in (int, float) and abs(raw_no) >= 10 ** 15:
            # a number cell keeps 15 significant digits: a longer 单据号 has lost its tail, and
            # matching on it could overwrite another settlement
            self.reject(r, "bad-value", f"第{r}行“{h('settlement_no')}”是数字格式（Excel 只保留15位"
                        "有效数字，后几位已丢失），该行未导入。请把该列设为文本格式，照结算单重新填写"
                        "后再导入", "settlement_no", hcode, mname)
            return
        no = _norm_no(raw_no)
        if not no:
            self.reject(r, "missing-value", f"第{r}行缺少“{h('settlement_no')}”，该行未导入",
                        "settlement_no", hcode, mname)
            return
        probe = {"settlement_no": no}
        if not checked(self.result, MEDICAL_SETTLEMENT, r, probe, self.today, None, hcode, mname):
            return
        first = self.seen.get(no)
        if first is not None:
            self.reject(r, "duplicate-settlement", f"第{r}行“{h('settlement_no')}”{no} 与第{first}行"
                        "重复，同一张结算单只能导入一次，该行未导入。请核对是否重复粘贴",
                        "settlement_no", hcode, mname)
            return
        self.seen[no] = r
        rec = {"member_id": mid, "settlement_no": no}
        if not self._values(r, v, rec, hcode, mname):
            return
        for issue in calc.check_amounts({k: rec[k] for k in _AMOUNT_KEYS}):
            self.reject(r, issue.code, f"第{r}行：{issue.message}，该行未导入",
                        _src_field(issue.field), hcode, mname)
            return
        if not checked(self.result, MEDICAL_SETTLEMENT, r, rec, self.today, _AMOUNT_KEYS,
                       hcode, mname):
            return  # 0 … 10^9 (negative amounts are negative-amount above)
        # warnings: the row is imported
        declared = rec.pop("declared_self_paid")
        computed = calc.derive(rec).self_paid
        if declared is not None and abs(declared - computed) > Decimal("0.01"):
            self.warn(r, "self-pay-mismatch",
                      f"第{r}行“{h('self_paid')}”为 {calc.money_text(declared)} 元，按总费用减各项报销"
                      f"计算的个人自付为 {calc.money_text(computed)} 元，相差 "
                      f"{calc.money_text(abs(declared - computed))} 元；已按计算值导入，请核对",
                      "self_paid", hcode, mname)
        if name and "".join(name.split()) != mname:
            self.warn(r, "name-mismatch", f"第{r}行姓名“{shown(name)}”与系统中该证件号码的姓名“{mname}”"
                      "不一致；已按证件号码匹配导入，请核对", "name", hcode, mname)
        msg = calc.member_alive_message(mname, status, status_date, rec["settlement_date"])
        if msg:
            self.warn(r, "member-not-alive", f"第{r}行：{msg}（已导入）", "settlement_date",
                      hcode, mname)
        rec["_row"], rec["_hh"], rec["_name"] = r, hcode, mname
        self.good.append(rec)

    def _values(self, r: int, v: tuple, rec: dict, hcode, mname) -> bool:
        h = self.h
        g = v.__getitem__
        for key in _AMOUNT_KEYS + ("self_paid",):
            raw = g(_IDX[key])
            try:
                val = parse_amount(raw)
            except ValueError as exc:
                self.reject(r, "bad-value", f"第{r}行“{h(key)}”：{exc}，该行未导入", key, hcode, mname)
                return False
            rec["declared_self_paid" if key == "self_paid" else key] = val
        if rec["total_cost"] is None:
            self.reject(r, "missing-value", f"第{r}行缺少“{h('total_cost')}”，该行未导入",
                        "total_cost", hcode, mname)
            return False
        for key in ("policy_cost",) + calc.PAYER_FIELDS:
            if rec[key] is None:
                rec[key] = calc.ZERO
        for key in ("admission_date", "discharge_date", "settlement_date"):
            try:
                rec[key] = parse_date(g(_IDX[key]))
            except ValueError as exc:
                self.reject(r, "dates", f"第{r}行“{h(key)}”：{exc}，该行未导入", key, hcode, mname)
                return False
        if not checked(self.result, MEDICAL_SETTLEMENT, r, rec, self.today,
                       ("admission_date", "discharge_date", "settlement_date"), hcode, mname,
                       "dates"):
            return False
        if rec["settlement_date"] is None:
            rec["settlement_date"] = rec["discharge_date"]  # 出院即结算 when the column is absent
        if rec["settlement_date"] is None:
            self.reject(r, "dates", f"第{r}行缺少“{h('settlement_date')}”，该行未导入",
                        "settlement_date", hcode, mname)
            return False
        raw_type = clean_text(g(_IDX["care_type"]))
        if raw_type is None:
            care = "住院" if rec["admission_date"] else "门诊"
        else:
            care = _TYPE_SYNONYMS.get("".join(raw_type.split()))
            if care is None:
                self.reject(r, "bad-value", f"第{r}行“{h('care_type')}”为“{raw_type}”，应为"
                            f"{'、'.join(CARE_TYPES)}之一，该行未导入", "care_type", hcode, mname)
                return False
        rec["care_type"] = care
        for issue in calc.check_dates(care, rec["admission_date"], rec["discharge_date"],
                                      rec["settlement_date"], self.today):
            self.reject(r, "dates", f"第{r}行：{issue.message}，该行未导入", issue.field, hcode, mname)
            return False
        rec["hospital_name"] = clean_text(g(_IDX["hospital_name"]))
        rec["diagnosis"] = clean_text(g(_IDX["diagnosis"]))
        if not checked(self.result, MEDICAL_SETTLEMENT, r, rec, self.today,
                       ("hospital_name", "diagnosis"), hcode, mname):
            return False
        rec["hospital_name"] = rec["hospital_name"] or "（未填写）"
        rec["hospital_level"] = self._choice(r, g(_IDX["hospital_level"]), "hospital_level",
                                             _LEVEL_SYNONYMS, HOSPITAL_LEVELS, hcode, mname)
        rec["other_kind"] = self._choice(r, g(_IDX["other_kind"]), "other_kind",
                                         {k: k for k in OTHER_SUPPORT_KINDS}, OTHER_SUPPORT_KINDS,
                                         hcode, mname)
        for key in ("pay_after_treatment", "one_stop"):
            try:
                rec[key] = bool(parse_bool_cn(g(_IDX[key])))
            except ValueError as exc:
                self.warn(r, "bad-value", f"第{r}行“{h(key)}”：{exc}；按“否”导入", key, hcode, mname)
                rec[key] = False
        return True

    def _choice(self, r, raw, key, synonyms, options, hcode, mname):
        text = clean_text(raw)
        if text is None:
            return None
        val = synonyms.get("".join(text.split()))
        if val is None:
            self.warn(r, "bad-value", f"第{r}行“{self.h(key)}”为“{text}”，应为{'、'.join(options)}"
                      "之一；该项已留空，请核对后补录", key, hcode, mname)
        return val


def _src_field(form_field: str) -> str:
    # payer errors are reported on 个人自付 in the form; in the sheet the payers are the culprits
    return "basic_insurance" if form_field == "self_paid" else form_field


def parse_settlements(reader, members: dict[str, tuple], today: dt.date,
                      progress: Callable[[int, int, str], None] | None = None
                      ) -> tuple[ImportResult, list[dict]]:
    """Check every row of an opened sheet (``open_sheet(path, SPEC)``) against ``members``
    (证件号码 -> (id, name, 户编号, status, status date, member deleted, household deleted)).
    Returns the result (rejects, warnings, rows skipped) and the good rows as plain dicts.
    ``progress(done, total, text)`` may raise ``Cancelled``."""
    parser = _Rows(reader, members, today)
    last = reader.last_row
    for r, vals in reader.iter_values(_FIELDS):
        if progress is not None and r % 1000 == 0:
            progress(r, last, f"正在检查第 {r} 行…")
        parser.row(r, vals)
    parser.result.rows_skipped = reader.rows_skipped
    return parser.result, parser.good
