"""The 各年度收入 sheet of our own backup (`fupin export households`): every year's income of
every household, so that a restore brings back the years other than the one on the member
sheet. Pure parsing (python-calamine); a national export has no such sheet and gets ``[]``.

Layout: header row 1 — 户编号, 收入年度, then the income columns (names as on the member
sheet, plus 申报人均纯收入(元)); one row per household and year.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from decimal import Decimal

from fupin_desktop.domain import field_specs as fs
from fupin_desktop.importers.result import ImportIssue
from fupin_desktop.importers.sheet import header_key
from fupin_desktop.domain.backup_layout import COLUMNS, SHEET_NAME  # noqa: F401
from fupin_desktop.domain.normalize import clean_text, parse_amount, parse_int


@dataclass(slots=True)
class IncomeRecord:
    row: int
    household_code: str
    year: int
    values: dict[str, int | Decimal | None]


def parse_backup_incomes(path: str | os.PathLike) -> tuple[list[IncomeRecord], list[ImportIssue]]:
    """The records of the 各年度收入 sheet, and warnings for cells that cannot be read (such a
    cell is left empty: the stored value stays). A value the field specs refuse (an amount
    outside 0 … 10^9, 人数 outside 0–99) is left out the same way; a 收入年度 outside
    1900–2100 skips the row. No such sheet: ``([], [])``."""
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(os.fspath(path))
    except (python_calamine.CalamineError, OSError, ValueError):
        return [], []  # the member sheet was read from it already: nothing more to say
    if SHEET_NAME not in wb.sheet_names:
        return [], []
    rows = wb.get_sheet_by_name(SHEET_NAME).to_python(skip_empty_area=False)
    if not rows:
        return [], []
    keys = [header_key(h) for h in rows[0]]
    at = {k: i for i, k in enumerate(keys) if k}

    def col(title: str) -> int | None:
        return at.get(header_key(title))

    i_code, i_year = col("户编号"), col("收入年度")
    if i_code is None or i_year is None:
        return [], []
    fields = [(title, c, col(title)) for title, c in COLUMNS.items()]
    out: list[IncomeRecord] = []
    issues: list[ImportIssue] = []
    for r, vals in enumerate(rows[1:], 2):
        code = clean_text(vals[i_code]) if i_code < len(vals) else None
        if not code:
            continue
        try:
            year = parse_int(vals[i_year])
        except ValueError:
            year = None
        if year is not None and not fs.YEAR_LO <= year <= fs.YEAR_HI:
            year = None
        if year is None:
            issues.append(ImportIssue(r, "bad-number", f"“{SHEET_NAME}”表第{r}行“收入年度”无法识别，"
                                      "该行收入未导入", "year", code))
            continue
        values: dict[str, int | Decimal | None] = {}
        for title, column, j in fields:
            if j is None or j >= len(vals):
                continue
            try:
                value = (parse_int if column == "persons" else parse_amount)(vals[j])
            except ValueError as exc:
                issues.append(ImportIssue(r, "bad-amount", f"“{SHEET_NAME}”表第{r}行“{title}”：{exc}；"
                                          "该项未导入", column, code))
                continue
            sp = fs.spec(column)  # amounts 0 … 10^9, 人数 0–99: what the column holds
            if sp is not None:  # named as the sheet's header names it
                sp = dataclasses.replace(sp, label=title.removesuffix("(元)"))
            _v, err, _note = fs.check(sp, value) if sp is not None else (value, None, None)
            if err:
                issues.append(ImportIssue(r, "bad-amount", f"“{SHEET_NAME}”表第{r}行{err}；该项未导入",
                                          column, code))
                continue
            values[column] = value
        out.append(IncomeRecord(r, code, year, values))
    return out, issues
