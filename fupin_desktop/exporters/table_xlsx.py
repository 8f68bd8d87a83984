"""Write one titled table to an .xlsx file (ledgers saved as Excel, import reports).

openpyxl write-only mode: 40,000 rows stream to disk without building a cell object per cell.
Code columns (ID, bank, phone, 户编号) are text cells with the ``@`` format so Excel never turns
them into numbers; money cells are real numbers with two decimals and thousands separators.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class XlsxColumn:
    title: str
    kind: str = "text"  # text | code | money | int | date
    width: float = 12.0  # in Excel character units


_FORMATS = {"code": "@", "text": "@", "money": "#,##0.00", "int": "0", "date": "yyyy-mm-dd"}


def write_table_xlsx(path, columns: Sequence[XlsxColumn], rows: Iterable[Sequence],
                     *, title: str = "", info: str = "", sheet_name: str = "Sheet1",
                     totals: Sequence | None = None) -> int:
    """Write ``rows`` (raw values: str, int, Decimal, date, None) under a header row.

    Layout: optional title (row 1) and info line (row 2), then the header; panes are frozen
    below the header, which is also the print title. Returns the number of data rows. The file
    appears only when complete (written to a temporary name, then renamed).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_name[:31])
    ncols = len(columns)
    for j, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(j)].width = col.width
    header_row = 1 + bool(title) + bool(info)
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    def styled(value, **style):
        c = WriteOnlyCell(ws, value=value)
        for k, v in style.items():
            setattr(c, k, v)
        return c

    if title:
        ws.append([styled(title, font=Font(size=14, bold=True))])
    if info:
        ws.append([styled(info)])
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E0E0E0")
    ws.append([styled(c.title, font=Font(bold=True), fill=head_fill, border=border,
                      alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
               for c in columns])
    kinds = [c.kind for c in columns]
    fmts = [_FORMATS.get(k, "General") for k in kinds]
    n = 0
    for row in rows:
        if len(row) != ncols:
            raise ValueError(f"row {n} has {len(row)} cells, expected {ncols}")
        ws.append([_cell(ws, v, k, f, WriteOnlyCell) for v, k, f in zip(row, kinds, fmts)])
        n += 1
    if totals is not None:
        bold = Font(bold=True)
        ws.append([styled(_value(v, k), font=bold, number_format=f)
                   for v, k, f in zip(totals, kinds, fmts)])

    target = os.fspath(path)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx.part", dir=os.path.dirname(target) or ".")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return n


def _value(v, kind: str):
    if v is None or v == "":
        return None
    if kind in ("code", "text"):
        return v if isinstance(v, str) else str(v)
    if kind == "money" and not isinstance(v, Decimal) and not isinstance(v, str):
        return Decimal(str(v))
    if kind == "date" and isinstance(v, dt.datetime):
        return v.date()
    return v


def _cell(ws, v, kind: str, fmt: str, cell_cls):
    v = _value(v, kind)
    if v is None or kind not in ("code", "money", "date"):
        return v  # plain values need no cell object (faster)
    c = cell_cls(ws, value=v)
    c.number_format = fmt
    return c
