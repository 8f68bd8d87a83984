"""Write one titled table to an .xlsx file (ledgers saved as Excel, import reports).

Tables (:func:`write_tables_xlsx`) stream through XlsxWriter's constant_memory mode: each row
goes to disk as the next one starts, so a county's 140,000 members use no more memory than 40.
Workbooks built cell by cell (import reports, survey sheets) use openpyxl and the helpers below.
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
    """Several tables, one sheet each (in order); returns the data rows of each.

    XlsxWriter in constant_memory mode: each row goes to a temporary file as soon as the next
    one starts, so memory stays flat however many rows stream in (a county's 140,000 members
    × 69 columns). Text is written with write_string (never a formula, a URL or a number),
    risky text also with Excel's quote prefix, as :func:`neutralise` does for openpyxl."""
    return write_atomic(path, lambda tmp: _write_workbook(tmp, tables), suffix=".xlsx.part")


def _write_workbook(tmp: str, tables: Sequence[XlsxTable]) -> list[int]:
    import xlsxwriter

    wb = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    try:
        counts = [_write_sheet(wb, t) for t in tables]
    finally:
        wb.close()
    return counts


EXCEL_MAX_ROWS = 1_048_576


def _write_sheet(wb, t: XlsxTable) -> int:
    columns, title, info = t.columns, t.title, t.info
    ws = wb.add_worksheet(t.sheet_name[:31])
    ncols = len(columns)
    for j, col in enumerate(columns):
        ws.set_column(j, j, col.width)
    header_row = bool(title) + bool(info)  # 0-based index of the header row
    ws.freeze_panes(header_row + 1, 0)
    ws.set_paper(9)  # A4
    if ncols > WIDE_COLUMNS:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.repeat_rows(header_row)
    # the undecorated writers (no A1-notation parsing per cell); the public ones otherwise
    put_s = getattr(ws, "_write_string", ws.write_string)
    put_n = getattr(ws, "_write_number", ws.write_number)
    put_d = getattr(ws, "_write_datetime", ws.write_datetime)
    put_b = getattr(ws, "_write_boolean", ws.write_boolean)
    formats: dict[tuple, object] = {}

    def fmt(**props):
        key = tuple(sorted(props.items()))
        if key not in formats:
            formats[key] = wb.add_format(props)
        return formats[key]

    def styled(r: int, c: int, value, **props) -> None:
        if value is None or value == "":
            if props:
                ws.write_blank(r, c, None, fmt(**props))
            return
        if is_risky_text(value):
            props["quote_prefix"] = True
        _put(r, c, value, fmt(**props) if props else None)

    def _put(r, c, v, f) -> None:
        cls = v.__class__
        if cls is str:
            put_s(r, c, v, f)
        elif cls is bool:
            put_b(r, c, v, f)
        elif cls is dt.date or cls is dt.datetime:
            put_d(r, c, v, f if f is not None else date_time_fmt)
        else:
            put_n(r, c, float(v), f)

    date_time_fmt = fmt(num_format="yyyy-mm-dd h:mm:ss")  # openpyxl's default for a datetime
    r = 0
    if title:
        styled(r, 0, title, font_size=14, bold=True)
        r += 1
    if info:
        styled(r, 0, info)
        r += 1
    head = dict(bold=True, bg_color="#E0E0E0", pattern=1, border=1, border_color="#999999",
                align="center", valign="vcenter", text_wrap=True)
    for j, c in enumerate(columns):
        styled(r, j, c.title, **head)
    kinds = [c.kind for c in columns]
    fmts = [fmt(num_format=_FORMATS[k]) if k in ("code", "money", "date", "ratio") else None
            for k in kinds]
    risky = [fmt(num_format=_FORMATS.get(k, "General"), quote_prefix=True) for k in kinds]
    texts = [k in ("code", "text") for k in kinds]
    dates = [k == "date" for k in kinds]
    first = r + 1
    for row in t.rows:
        r += 1
        if len(row) != ncols:
            raise ValueError(f"row {r - first} has {len(row)} cells, expected {ncols}")
        if r >= EXCEL_MAX_ROWS:
            raise ValueError(f"more than {EXCEL_MAX_ROWS - first} rows do not fit in one sheet")
        c = -1
        for v in row:
            c += 1
            if v is None:
                continue
            cls = v.__class__
            if cls is not str:
                if texts[c]:
                    v = str(v)
                else:
                    if cls is dt.datetime and dates[c]:
                        v = v.date()
                    _put(r, c, v, fmts[c])
                    continue
            if not v:
                continue
            put_s(r, c, v, risky[c] if v.startswith(FORMULA_CHARS) else fmts[c])
    n = r - first + 1
    if t.totals is not None:
        r += 1
        for j, (v, k) in enumerate(zip(t.totals, kinds)):
            styled(r, j, _value(v, k), bold=True, num_format=_FORMATS.get(k, "General"))
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
