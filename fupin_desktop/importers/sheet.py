"""Generic reader for the tables township offices import (households, posts, attendance, medical).

Real files are found, not assumed: the data sheet is the first one whose first rows contain a
recognisable header (a note sheet often comes first); the header row is found by its column names
(title and note rows come before it); columns may come in any order, carry units or spaces
(``人均纯收入（元）``, `` 姓 名 ``), and unknown columns are ignored. A value merged across rows
applies to every row of the merged range. Blank rows and total rows (合计/小计/总计) are skipped
and counted.

Speed matters (a national export has 150,000 rows): everything that can be decided once —
header keys, column indexes, which merges matter — is decided before the row loop, and the loop
itself only slices each row with a precomputed ``itemgetter``.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Collection, Iterator, Mapping, Sequence
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
import zipfile

from fupin_desktop.errors import InputError

TOTAL_MARKERS = ("合计", "小计", "总计")
_UNIT_BRACKETS = (("(", ")"), ("[", "]"), ("【", "】"), ("〔", "〕"))


def header_key(text: object) -> str:
    """Canonical form of a header cell for matching: NFKC, no spaces, no trailing unit.

    ``' 人均纯收入（元）'`` -> ``'人均纯收入'``; ``'务工时间(月)'`` -> ``'务工时间'``;
    a leading/trailing ``*`` (required-field marker) and a trailing colon are dropped too.
    """
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = unicodedata.normalize("NFKC", str(text))
    s = "".join(s.split()).strip("*:")
    while s:
        for open_, close in _UNIT_BRACKETS:
            if s.endswith(close) and open_ in s and s.rindex(open_) > 0:
                s = s[: s.rindex(open_)]
                break
        else:
            break
    return s


@dataclass(frozen=True)
class SheetSpec:
    """Which columns a table has.

    ``columns`` maps a canonical field name to the header texts that mean it (any spelling is
    reduced by :func:`header_key`, so units and spaces need not be listed). ``required`` fields
    must all be present for a row to count as the header. ``what`` names the table in messages.
    """

    columns: Mapping[str, Sequence[str]]
    required: Collection[str]
    what: str = "表格"
    header_scan_rows: int = 30  # the header must be within the first rows of a sheet
    total_scan_columns: int = 3  # 合计 is looked for in this many leftmost columns
    keys: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys: dict[str, str] = {}
        for fname, synonyms in self.columns.items():
            for syn in (fname, *synonyms):
                k = header_key(syn)
                if not k:
                    continue
                other = keys.setdefault(k, fname)
                if other != fname:
                    raise ValueError(f"header {syn!r} maps to both {other!r} and {fname!r}")
        missing = set(self.required) - set(self.columns)
        if missing:
            raise ValueError(f"required fields not in columns: {sorted(missing)}")
        object.__setattr__(self, "keys", keys)


@dataclass(slots=True)
class SheetRow:
    """One data row: ``row`` is the Excel row number (1-based, as Excel shows it); ``values``
    maps each field found in the sheet to the raw cell value (str, int, float, bool, date,
    datetime, time, timedelta) or ``None`` for an empty cell."""

    row: int
    values: dict[str, object]


def _open_workbook(path: Path, measured: list | None = None):
    import python_calamine  # inside: keeps GUI start-up fast

    name = path.name
    if not path.is_file():
        raise InputError(f"找不到文件“{name}”，请确认文件位置后重新选择")
    if path.suffix.lower() == ".csv":
        raise InputError(f"不支持 CSV 文件“{name}”，请在 Excel 中另存为 .xlsx 后再导入")
    from fupin_desktop.importers.guard import check_workbook

    report = check_workbook(path)  # size, zip-bomb and grid limits, before calamine allocates
    if measured is not None:
        measured.append(report)
    try:
        return python_calamine.CalamineWorkbook.from_path(os.fspath(path))
    except python_calamine.PasswordError:
        raise InputError(f"文件“{name}”设置了打开密码，请在 Excel 中取消密码后再导入") from None
    except (python_calamine.CalamineError, OSError, ValueError) as exc:
        raise InputError(f"无法读取文件“{name}”：文件已损坏或不是 Excel 表格"
                         f"（支持 .xlsx、.xls、.ods）") from exc


_HEAD_WIDTH = 2048  # columns of the first rows streamed to find the header (Excel has 16,384)

# A vertical merge packed in one int: first row (20 bits) | column (14 bits) | last row (20 bits).
# Sorted, these say which merges start at each row. Why packed: a merged national export has over
# a million merged ranges, and calamine hands them over as a list of nested tuples (≈250 bytes
# each); an array of packed ints holds them in 8 bytes each while the rows are read.
_ROW_BITS, _COL_BITS = 20, 14
_ROW_MASK, _COL_MASK = (1 << _ROW_BITS) - 1, (1 << _COL_BITS) - 1


def _pack_merges(ranges) -> array:
    """Vertical merges (spanning more than one row) from calamine's list, sorted by first row."""
    # a merge across columns only (r1 == r0) fills nothing down
    return array("q", sorted([(((r0 << _COL_BITS) | c0) << _ROW_BITS) | r1
                              for (r0, c0), (r1, _c1) in ranges if r1 > r0]))


def _unpack(code: int) -> tuple[int, int, int]:
    r1 = code & _ROW_MASK
    code >>= _ROW_BITS
    return code >> _COL_BITS, code & _COL_MASK, r1


def _fill_down(rows: list[list], merges: array) -> None:
    """Apply vertical merges to the first ``len(rows)`` absolute rows (absolute columns)."""
    n = len(rows)
    for code in merges:
        r0, c, r1 = _unpack(code)
        if r0 >= n:
            break  # sorted by first row
        if c < len(rows[r0]):
            value = rows[r0][c]
            for r in range(r0 + 1, min(r1, n - 1) + 1):
                rows[r][c] = value


@dataclass(slots=True)
class _Candidate:
    score: int
    row: int  # 0-based absolute
    columns: dict[str, int]  # field -> 0-based absolute column
    headers: dict[str, str]  # field -> header text as written
    unknown: list[str]
    missing_required: list[str]


def _find_header(rows: list[list], spec: SheetSpec) -> _Candidate | None:
    """Best header row in ``rows`` (absolute rows from 0, absolute columns from 0)."""
    keys = spec.keys
    required = set(spec.required)
    best: _Candidate | None = None
    for r, row in enumerate(rows):
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        unknown: list[str] = []
        for c, cell in enumerate(row):
            if cell == "" or cell is None:
                continue
            fname = keys.get(header_key(cell))
            if fname is None:
                unknown.append(str(cell).strip())
            elif fname not in columns:  # first of two same-named columns wins
                columns[fname] = c
                headers[fname] = " ".join(str(cell).split())
        if not columns:
            continue
        cand = _Candidate(len(columns), r, columns, headers, unknown,
                          [f for f in spec.columns if f in required and f not in columns])
        # a complete header beats an incomplete one; then more known columns win
        if best is None or (not cand.missing_required, cand.score) > (
                not best.missing_required, best.score):
            best = cand
    return best


class SheetReader:
    """An opened table: where its header is, which fields it has, and its data rows.

    Iterate it for :class:`SheetRow` objects, or use :meth:`iter_values` for plain tuples.
    ``rows_skipped``/``skipped_rows`` are filled in while iterating.
    """

    def __init__(self, path: str | os.PathLike, spec: SheetSpec):
        self.path = Path(path)
        self.spec = spec
        self.skipped_rows: list[int] = []
        self._stream = None  # the StreamedWorkbook when the rows are streamed
        measured: list = []
        wb = _open_workbook(self.path, measured)
        try:
            if not self._locate_streamed(wb, measured[0]):
                self._locate(wb)
        finally:
            wb.close()

    # -- header ---------------------------------------------------------------------------
    def _locate(self, wb) -> None:
        import python_calamine

        name = self.path.name
        metas = list(wb.sheets_metadata)

        def read(i):
            try:
                sheet = wb.get_sheet_by_index(i)
            except python_calamine.CalamineError as exc:
                raise InputError(f"无法读取文件“{name}”的工作表“{metas[i].name}”："
                                 "文件已损坏或格式不受支持") from exc
            if sheet.start is None:  # empty sheet (and iter_rows() would panic on it)
                return None
            head = sheet.to_python(skip_empty_area=False, nrows=self.spec.header_scan_rows)
            # a fresh Python list on every access: read once, pack, let it go
            return head, _pack_merges(sheet.merged_cell_ranges or ()), sheet

        best, index, merges, sheet = self._pick(metas, read)
        self._found(best, sheet and sheet.name, index, merges)
        self._sheet = sheet
        end = sheet.end
        self.last_row: int = end[0] + 1 if end else self.header_row  # for progress bars

    def _locate_streamed(self, wb, report) -> bool:
        """As _locate, with each candidate sheet's first rows streamed (xlsx_rows) instead of
        the whole sheet loaded; False where that cannot be done exactly (then _locate)."""
        from . import xlsx_rows

        if not xlsx_rows.available or self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            return False
        metas = list(wb.sheets_metadata)
        try:
            book = xlsx_rows.StreamedWorkbook(self.path, [m.name for m in metas])
        except (xlsx_rows.Unsupported, KeyError, ValueError, SyntaxError, OSError,
                zipfile.BadZipFile):  # calamine reads it, or says what is wrong with it
            return False
        n = self.spec.header_scan_rows
        figures = {fig.member: fig for fig in report.sheets}  # the guard read each to its end

        def read(i):
            name = metas[i].name
            head = [[""] * _HEAD_WIDTH for _ in range(n)]
            for r, values in book.rows(name, _HEAD_WIDTH, stop=n):
                head[r - 1] = values
            fig = figures.get(book.members[name])
            ranges, last = (fig.merges, fig.last_row) if fig is not None else book.tail(name)
            return head, _pack_merges(ranges), (name, last)

        try:
            best, index, merges, extra = self._pick(metas, read)
        except xlsx_rows.Unsupported:
            return False
        name, last = extra or (None, None)
        self._found(best, name, index, merges)
        self._stream = book
        self.last_row = max(last or 0, self.header_row)
        return True

    def _pick(self, metas, read) -> tuple:
        """(header, sheet index, packed merges, what ``read`` said of the sheet) of the best
        header among the worksheets, visible ones first, workbook order within; ``read(i)`` gives
        a sheet's first rows, its merges and anything else, or None for an empty sheet."""
        import python_calamine

        visible = python_calamine.SheetVisibleEnum.Visible
        order = sorted(range(len(metas)), key=lambda i: (metas[i].visible != visible, i))
        best, chosen = None, (None, None, None)
        for i in order:
            if metas[i].typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # chart and macro sheets hold no table
            got = read(i)
            if got is None:
                continue
            head, merges, extra = got
            _fill_down(head, merges)
            cand = _find_header(head, self.spec)
            if cand is None:
                continue
            if best is None or (not cand.missing_required, cand.score) > (
                    not best.missing_required, best.score):
                best, chosen = cand, (i, merges, extra)
            if not cand.missing_required:
                break  # first sheet with a complete header is the data sheet
        return (best, *chosen)

    def _found(self, best, sheet_name, index, merges) -> None:
        """The located table (or the Chinese message why there is none)."""
        name = self.path.name
        if best is None or best.missing_required:
            wanted = "、".join(f"“{self._display(f)}”" for f in self.spec.columns
                              if f in set(self.spec.required))
            detail = ""
            if best is not None:
                lacking = "、".join(f"“{self._display(f)}”" for f in best.missing_required)
                detail = (f"（最接近的是工作表“{sheet_name}”第{best.row + 1}行，"
                          f"缺少{lacking}列）")
            raise InputError(f"文件“{name}”中找不到{self.spec.what}的表头，表头应包含{wanted}等列"
                             f"{detail}。请确认选择了正确的文件")
        self.sheet_name: str = sheet_name
        self.sheet_index: int = index
        self.header_row: int = best.row + 1  # Excel numbering
        self.columns: dict[str, int] = best.columns  # field -> 0-based absolute column
        self.headers: dict[str, str] = best.headers  # field -> header text as in the file
        self.unknown_headers: list[str] = best.unknown
        self.missing: list[str] = [f for f in self.spec.columns if f not in best.columns]
        self._merges: array = merges

    def _display(self, fname: str) -> str:
        syn = self.spec.columns.get(fname) or ()
        if syn:
            return syn[0]
        from ..domain.field_specs import label  # never the code name in a message

        return label(fname)

    def header_of(self, fname: str) -> str:
        """The column title as the clerk sees it (for messages)."""
        return self.headers.get(fname) or self._display(fname)

    # -- rows -----------------------------------------------------------------------------
    def iter_values(self, fields: Sequence[str], *, empty: object = None
                    ) -> Iterator[tuple[int, tuple]]:
        """Yield ``(excel_row, values)`` with one value per name in ``fields``. An absent column
        gives ``None``; an empty cell gives ``empty`` — pass ``empty=""`` to keep calamine's
        empty string and save a pass over every row when the consumer treats both alike.
        Skips and counts blank and total rows."""
        if not fields:
            raise ValueError("fields must not be empty")
        if self._stream is not None:  # absolute columns from A, as wide as the columns read
            col0 = 0
            width = max([*self.columns.values(), self.spec.total_scan_columns - 1]) + 1
        else:
            col0 = self._sheet.start[1]  # iter_rows() rows start at the sheet's first used column
            width = self._sheet.width
        nf = len(fields)
        absent = width  # index of the None appended to every row, for absent columns
        idx = [self.columns[f] - col0 if f in self.columns else absent for f in fields]
        pick = itemgetter(*idx) if nf > 1 else (lambda row, _i=idx[0]: (row[_i],))
        total_cols = [c for c in range(self.spec.total_scan_columns) if c < width]
        first = self.header_row  # 0-based index of the first data row
        wanted = set(idx) | set(total_cols)

        # vertical merges inside the data that fill a column we read, walked in order of first
        # row straight from the packed array (no million-tuple list)
        packed = self._merges
        n_merges = len(packed)
        shift = _COL_BITS + _ROW_BITS
        never = 1 << _ROW_BITS
        m_next = bisect_left(packed, first << shift)  # first merge starting in the data
        m_row = packed[m_next] >> shift if m_next < n_merges else never
        active: list[tuple[int, int, object]] = []  # (col, last row, value) being filled down
        fill_cols: tuple = ()
        fill_vals: tuple = ()
        next_end = never

        pending_blank: list[int] = []  # blank rows count as skipped only if data follows
        skipped = self.skipped_rows
        check_numbering = True
        none_if_empty = {"": empty}.get
        convert = empty != ""
        r = -1
        for row in self._row_lists(width):  # row r of the iterator is absolute row r
            r += 1
            if r < first:
                continue
            if r > next_end or r == m_row:  # the set of merges covering this row changes
                active = [a for a in active if a[1] >= r]
                while m_row == r:
                    code = packed[m_next]
                    c = ((code >> _ROW_BITS) & _COL_MASK) - col0
                    if c in wanted:
                        active.append((c, code & _ROW_MASK, row[c]))
                    m_next += 1
                    m_row = packed[m_next] >> shift if m_next < n_merges else never
                next_end = min((a[1] for a in active), default=never)
                fill_cols = tuple(a[0] for a in active)
                fill_vals = tuple(a[2] for a in active)
            if fill_cols:
                any(map(row.__setitem__, fill_cols, fill_vals))  # C-level loop, returns None
            row.append(None)
            vals = pick(row)
            if _is_blank(vals):  # returns at the first real value: cheap for data rows
                pending_blank.append(r + 1)
                continue
            if _is_total(row, total_cols) or (check_numbering and _is_numbering(vals)):
                skipped.extend(pending_blank)
                pending_blank.clear()
                skipped.append(r + 1)
                continue
            check_numbering = False
            if pending_blank:
                skipped.extend(pending_blank)
                pending_blank.clear()
            if convert and "" in vals:
                # '' -> None in C: dict.get(v, v) is None for '' and v otherwise (cells are
                # hashable: str, int, float, bool, date, datetime, time, timedelta)
                vals = tuple(map(none_if_empty, vals, vals))
            yield r + 1, vals
        # blank rows after the last data row are formatting, not skipped data: not counted

    def _row_lists(self, width: int) -> Iterator[list]:
        """Every row from the sheet's first (absolute row 0 first), each a fresh list: calamine's
        rows, or the streamed ones with the rows the sheet does not write filled in as empty.
        Where the streamed read meets what it cannot read exactly, calamine reads the rest."""
        if self._stream is None:
            yield from self._sheet.iter_rows()
            return
        from .xlsx_rows import Unsupported

        done = 0  # Excel rows given so far
        try:
            for number, values in self._stream.rows(self.sheet_name, width):
                while done < number - 1:
                    done += 1
                    yield [""] * width
                done = number
                yield values
        except Unsupported:
            yield from self._calamine_rows_after(done, width)

    def _calamine_rows_after(self, done: int, width: int) -> Iterator[list]:
        """The rows after Excel row ``done``, read by calamine, as absolute ``width``-wide lists."""
        import python_calamine

        wb = python_calamine.CalamineWorkbook.from_path(os.fspath(self.path))
        try:
            sheet = wb.get_sheet_by_index(self.sheet_index)
            if sheet.start is None:
                return
            pad = [""] * sheet.start[1]
            for r, row in enumerate(sheet.iter_rows(), 1):
                if r > done:
                    full = pad + row
                    yield full[:width] if len(full) >= width else full + [""] * (width - len(full))
        finally:
            wb.close()

    @property
    def rows_skipped(self) -> int:
        """Blank and total rows skipped so far (final once iteration has finished)."""
        return len(self.skipped_rows)

    def __iter__(self) -> Iterator[SheetRow]:
        fields = list(self.columns)
        for excel_row, vals in self.iter_values(fields):
            yield SheetRow(excel_row, dict(zip(fields, vals)))


def _is_blank(vals: tuple) -> bool:
    for v in vals:
        if v is None or v == "":
            continue
        if v.__class__ is str and not v.strip():
            continue
        return False
    return True


def _is_total(row: list, cols: list[int]) -> bool:
    for c in cols:
        v = row[c]
        # cheap test first: every marker contains 计
        if v.__class__ is str and "计" in v and "".join(v.split()).startswith(TOTAL_MARKERS):
            return True
    return False


def _is_numbering(vals: tuple) -> bool:
    """The "栏次" row some forms put under the header: 1, 2, 3, … in every column."""
    nums = []
    for v in vals:
        if v is None or v == "":
            continue
        if v.__class__ is str:
            v = v.strip()
            if not (v.isascii() and v.isdigit()):
                return False
            v = int(v)
        elif v.__class__ is float and v.is_integer():
            v = int(v)
        elif v.__class__ is not int:
            return False
        nums.append(v)
    return len(nums) >= 3 and len(set(nums)) == len(nums) and max(nums) <= len(vals) + 5


def open_sheet(path: str | os.PathLike, spec: SheetSpec) -> SheetReader:
    """Open ``path`` and locate the table described by ``spec``; raises ``InputError``."""
    return SheetReader(path, spec)
