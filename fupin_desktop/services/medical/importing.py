"""`fupin import medical`, the database side: importers/medical.py parses and checks the sheet
into plain records; this module matches them to stored settlements (by 结算单据号) and writes
them in one transaction (all or nothing), through the ORM for updates so the audit log shows
old → new, in bulk for new ones. Counters: settlements_created / _updated / _unchanged."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from sqlalchemy import insert, select

from ...audit_events import record_bulk
from ...domain import medical_calc as calc
from ...domain.field_specs import label
from ...formats.table_xlsx import XlsxColumn, write_table_xlsx
from ...importers.medical import COLUMNS, COMPARE_FIELDS, SPEC, parse_settlements
from ...importers.result import ImportIssue, ImportResult
from ...importers.sheet import open_sheet
from ...models import Household, Member, Settlement
from ..autobackup import before
from ..oplock import exclusive_op


def _members_by_id(session) -> dict[str, tuple]:
    """证件号码 -> (id, name, 户编号, status, status date, member deleted, household deleted);
    deleted members and households are included so that their rows are refused naming why."""
    q = (select(Member.id_number, Member.id, Member.name, Household.code, Member.status,
                Member.status_date, Member.deleted_at.is_not(None),
                Household.deleted_at.is_not(None))
         .join(Household, Household.id == Member.household_id))
    return {r[0]: (*r[1:6], bool(r[6]), bool(r[7])) for r in session.execute(q)}


@exclusive_op("import medical")
def import_medical(db, path: str | os.PathLike, *, today: dt.date | None = None,
                   progress: Callable[[int, int, str], None] | None = None) -> ImportResult:
    """Import a settlement sheet in one transaction; returns the summary (rejects, warnings).

    ``progress(done, total, text)`` may raise ``Cancelled``: nothing is then written.
    Counters in ``counts``: settlements_created, settlements_updated, settlements_unchanged.
    """
    today = today or dt.date.today()
    reader = open_sheet(path, SPEC)
    name = os.path.basename(os.fspath(path))
    before(db, "import")
    with db.write(reason=f"导入医疗结算明细：{name}") as s:
        res, good = parse_settlements(reader, _members_by_id(s), today, progress)
        if progress is not None:
            progress(reader.last_row, reader.last_row, "正在写入数据库…")
        refused = _write(s, good, res)
        res.rows_imported = len(good) - refused
    return res


def _closed_year(res: ImportResult, closed: set[int], row: int, day, hcode, mname) -> bool:
    """A settlement dated in a closed archive year is neither added nor changed by an import
    (the bulk insert does not pass the flush guard): the row is refused (issue 12)."""
    if day is None or day.year not in closed:
        return False
    res.reject(ImportIssue(row, "year-closed", f"第{row}行：结算日期在{day.year}年，{day.year}年度档案已关闭"
                           "（已归档），该行未导入；如确需补录或修改，请在医疗结算中以更正（填写原因）录入",
                           "settlement_date", hcode, mname))
    return True


def _write(s, recs: list[dict], res: ImportResult) -> int:
    """Write the good rows; returns how many were refused here (dated in a closed year)."""
    from ..closures import closed_years

    closed = closed_years(s)
    refused = 0
    existing: dict[str, Settlement] = {}
    nos = [r["settlement_no"] for r in recs]
    for i in range(0, len(nos), 900):
        for obj in s.scalars(select(Settlement).where(Settlement.settlement_no.in_(nos[i:i + 900]))):
            existing[obj.settlement_no] = obj
    new_rows = []
    created = updated = unchanged = 0
    for rec in recs:
        row, hcode, mname = rec.pop("_row"), rec.pop("_hh"), rec.pop("_name")
        obj = existing.get(rec["settlement_no"])
        if closed and (obj is None or obj.deleted_at is not None
                       or any(getattr(obj, k) != rec[k] for k in COMPARE_FIELDS)):
            if (_closed_year(res, closed, row, rec.get("settlement_date"), hcode, mname)
                    or (obj is not None
                        and _closed_year(res, closed, row, obj.settlement_date, hcode, mname))):
                refused += 1
                continue
        if obj is None:
            calc.recompute(rec)
            new_rows.append({**rec, "source": "导入", "version": 1})
            continue
        if obj.member_id != rec["member_id"]:
            res.warn(ImportIssue(row, "member-changed", f"第{row}行：结算单据号 {rec['settlement_no']} "
                                 f"已登记在另一人名下，已按本表改为{mname}，请核对", "id_number",
                                 hcode, mname))
        changed = False
        for k in COMPARE_FIELDS:
            if getattr(obj, k) != rec[k]:
                setattr(obj, k, rec[k])
                changed = True
        if obj.deleted_at is not None:  # the official sheet says it exists: bring it back
            obj.deleted_at, obj.deleted_reason = None, None
            changed = True
        if changed:
            calc.recompute(obj)
            updated += 1
        else:
            unchanged += 1
    if new_rows:
        ids = s.scalars(insert(Settlement).returning(Settlement.id, sort_by_parameter_order=True),
                        new_rows).all()
        record_bulk(s, Settlement.__tablename__, "insert", [
            (str(i), r["settlement_no"], {"member_id": [None, r["member_id"]],
                                          "total_cost": [None, str(r["total_cost"])],
                                          "self_paid": [None, str(r["self_paid"])],
                                          "source": [None, "导入"]})
            for i, r in zip(ids, new_rows)])
        created = len(new_rows)
    s.flush()
    res.count("settlements_created", created)
    res.count("settlements_updated", updated)
    res.count("settlements_unchanged", unchanged)
    return refused


def write_issue_report(path: str | os.PathLike, res: ImportResult) -> int:
    """The rejects and warnings as an Excel sheet the clerk can work through (--report)."""
    cols = (XlsxColumn("行号", "int", 7), XlsxColumn("类别", "text", 8),
            XlsxColumn("代码", "text", 20), XlsxColumn("户编号", "code", 20),
            XlsxColumn("姓名", "text", 10), XlsxColumn("字段", "text", 16),
            XlsxColumn("原因", "text", 90))
    labels = {f: (syn[0] if syn else f) for f, syn in COLUMNS.items()}
    items = sorted([("未导入", i) for i in res.rejects] + [("已导入，警告", i) for i in res.warning_rows],
                   key=lambda x: (x[1].row, x[0] != "未导入"))
    rows = [(i.row, kind, i.code, i.household_code, i.name, labels.get(i.field or "") or label(i.field or ""),
             i.message) for kind, i in items]
    return write_table_xlsx(path, cols, rows, title="医疗结算明细导入问题清单",
                            info=f"未导入 {res.rows_rejected} 行，警告 {len(res.warning_rows)} 条",
                            sheet_name="导入问题")
