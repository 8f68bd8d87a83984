"""Write one titled table to an .xlsx file (ledgers saved as Excel, import reports).

openpyxl write-only mode: 40,000 rows stream to disk without building a cell object per cell.
Code columns (ID, bank, phone, 户编号) are text cells with the ``@`` format so Excel never turns
them into numbers; money cells are real numbers with two decimals and thousands separators,
ratios real numbers with a percent format. Every workbook the program writes goes through the
helpers here: :func:`print_setup` (A4, landscape when wide, one page wide, header rows repeated)
and :func:`neutralise` (text starting with = + - @ tab CR is never a formula).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..paths import write_atomic


@dataclass(frozen=True)
class XlsxColumn:
    title: str
    kind: str = "text"  # text | code | money | int | date | ratio (a fraction: 0.9201 = 92.01%)
    width: float = 12.0  # in Excel character units


_FORMATS = {"code": "@", "text": "@", "money": "#,##0.00", "int": "0", "date": "yyyy-mm-dd",
            "ratio": "0.00%"}


# Text that Excel/WPS would take for a formula (or DDE) when the file is opened or a cell is
# edited: = + - @, and tab / CR, which some readers strip before looking at the first char.
FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
WIDE_COLUMNS = 8  # more columns than this print landscape


def is_risky_text(v) -> bool:
    return v.__class__ is str and v.startswith(FORMULA_CHARS)


def neutralise(cell):
    """Make ``cell`` (openpyxl Cell or WriteOnlyCell) holding text a plain string cell.

    openpyxl marks any str starting with "=" as a formula; we force the string type and set the
    quotePrefix style (Excel's leading apostrophe, not part of the value), so neither opening
    nor editing the cell evaluates it and the text reads back unchanged."""
    if is_risky_text(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_value(ws, v, cell_cls=None):
    """``v`` as it may be appended to ``ws``: risky text becomes a neutralised cell."""
    if not is_risky_text(v):
        return v
    if cell_cls is None:
        from openpyxl.cell import WriteOnlyCell as cell_cls
    return neutralise(cell_cls(ws, value=v))


def neutralise_sheet(ws) -> None:
    """Neutralise every risky text cell of a (normal-mode) worksheet."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type in ("s", "f") and is_risky_text(cell.value):
                neutralise(cell)


def print_setup(ws, ncols: int, header_rows: tuple[int, int] | None = None,
                landscape: bool | None = None) -> None:
    """The one page setup of every workbook the program writes: A4, landscape when the
    sheet is wide (> WIDE_COLUMNS columns), one page wide and as many pages tall as needed, the
    header rows repeated on each printed page."""
    ws.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4)
    wide = ncols > WIDE_COLUMNS if landscape is None else landscape
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"


@dataclass
class XlsxTable:
    """One sheet of :func:`write_tables_xlsx`; arguments as :func:`write_table_xlsx`."""

    columns: Sequence[XlsxColumn]
    rows: Iterable[Sequence]
    title: str = ""
    info: str = ""
    sheet_name: str = "Sheet1"
    totals: Sequence | None = None


def write_table_xlsx(path, columns: Sequence[XlsxColumn], rows: Iterable[Sequence],
                     *, title: str = "", info: str = "", sheet_name: str = "Sheet1",
                     totals: Sequence | None = None) -> int:
    """Write ``rows`` (raw values: str, int, Decimal, date, None) under a header row.

    Layout: optional title (row 1) and info line (row 2), then the header; panes are frozen
    below the header, which is also the print title. Returns the number of data rows. The file
    appears only when complete (written to a temporary name, then renamed).
    """
    return write_tables_xlsx(path, [XlsxTable(columns, rows, title, info, sheet_name,
                                              totals)])[0]


def save_atomic(wb, path) -> None:
    """Save workbook ``wb`` to ``path`` through a temporary file beside it: a crash or a full
    disk never leaves a half-written workbook under the real name (paths.write_atomic)."""
    write_atomic(path, wb.save, suffix=".xlsx.part")


def write_tables_xlsx(path, tables: Sequence[XlsxTable]) -> list[int]:
    """Several tables, one sheet each (in order); returns the data rows of each."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    counts = [_write_sheet(wb, t) for t in tables]
    save_atomic(wb, path)
    return counts


def _write_sheet(wb, t: XlsxTable) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    columns, title, info = t.columns, t.title, t.info
    ws = wb.create_sheet(t.sheet_name[:31])
    ncols = len(columns)
    for j, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(j)].width = col.width
    header_row = 1 + bool(title) + bool(info)
    ws.freeze_panes = f"A{header_row + 1}"
    print_setup(ws, ncols, (header_row, header_row))

    def styled(value, **style):
        c = neutralise(WriteOnlyCell(ws, value=value))
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
    for row in t.rows:
        if len(row) != ncols:
            raise ValueError(f"row {n} has {len(row)} cells, expected {ncols}")
        ws.append([_cell(ws, v, k, f, WriteOnlyCell) for v, k, f in zip(row, kinds, fmts)])
        n += 1
    if t.totals is not None:
        bold = Font(bold=True)
        ws.append([styled(_value(v, k), font=bold, number_format=f)
                   for v, k, f in zip(t.totals, kinds, fmts)])
    return n


def _value(v, kind: str):
    if v is None or v == "":
        return None
    if kind in ("code", "text"):
        return v if isinstance(v, str) else str(v)
    if kind in ("money", "ratio") and not isinstance(v, (Decimal, str)):
        return Decimal(str(v))
    if kind == "date" and isinstance(v, dt.datetime):
        return v.date()
    return v


def _cell(ws, v, kind: str, fmt: str, cell_cls):
    v = _value(v, kind)
    if v is None:
        return v
    if v.__class__ is str and v.startswith(FORMULA_CHARS):
        c = neutralise(cell_cls(ws, value=v))
        c.number_format = fmt
        return c
    if kind not in ("code", "money", "date", "ratio"):
        return v  # plain values need no cell object (faster)
    c = cell_cls(ws, value=v)
    c.number_format = fmt
    return c
