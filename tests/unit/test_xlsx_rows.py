"""The streamed sheet reader (importers/_xlsx_rows.c, xlsx_rows.py) gives the rows python-calamine
gives, value for value and type for type, or declines (Unsupported) and leaves the file to
calamine; sheet.py carries on with calamine from the row where it declined."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sysconfig
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin_desktop.importers import xlsx_rows
from fupin_desktop.importers.sheet import SheetReader, SheetSpec

pytestmark = pytest.mark.skipif(not xlsx_rows.available, reason="the C decoder was not built")

SAMPLES = Path(__file__).resolve().parents[1] / "data"


def _calamine_rows(path: Path, index: int, width: int) -> dict[int, list]:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = wb.get_sheet_by_index(index)
    out = {}
    if sheet.start is not None:
        pad = [""] * sheet.start[1]
        for r, row in enumerate(sheet.iter_rows(), 1):
            full = (pad + row + [""] * width)[:width]
            if any(v != "" for v in full):
                out[r] = full
    return out


def _streamed_rows(path: Path, index: int, width: int, chunk: int | None = None):
    import python_calamine

    names = [m.name for m in python_calamine.CalamineWorkbook.from_path(str(path)).sheets_metadata]
    book = xlsx_rows.StreamedWorkbook(path, names)
    if chunk is not None:  # every tag cut at every place a small chunk puts the cut
        whole = b"".join(book._chunks(book.members[names[index]]))
        book._chunks = lambda member: (whole[i:i + chunk] for i in range(0, len(whole), chunk))
    return {r: v for r, v in book.rows(names[index], width) if any(x != "" for x in v)}, book


def _same(path: Path, index: int = 0, width: int = 30, chunk: int | None = None) -> None:
    mine, _book = _streamed_rows(path, index, width, chunk)
    ref = _calamine_rows(path, index, width)
    assert mine.keys() == ref.keys()
    for r in ref:
        assert [(type(v), v) for v in mine[r]] == [(type(v), v) for v in ref[r]], r


def test_a_module_built_where_a_compiler_is():
    """pip install compiles it (hatch_build.py) wherever gcc and Python's headers are."""
    headers = Path(sysconfig.get_paths()["include"], "Python.h").exists()
    if shutil.which("gcc") and headers:
        assert importlib.util.find_spec("fupin_desktop.importers._xlsx_rows") is not None


@pytest.mark.parametrize("path", sorted(SAMPLES.rglob("*.xlsx")), ids=lambda p: p.name)
def test_every_sample_reads_as_calamine_reads_it_or_is_declined(path):
    import python_calamine

    metas = python_calamine.CalamineWorkbook.from_path(str(path)).sheets_metadata
    for i, meta in enumerate(metas):
        if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            continue
        try:
            _same(path, i, width=120)
        except xlsx_rows.Unsupported:
            continue  # calamine reads it


def _write_values(tmp_path: Path, rows, name="t.xlsx", merges=(), inline=False) -> Path:
    """A workbook of ``rows`` by openpyxl (shared strings) or xlsxwriter (inline strings)."""
    path = tmp_path / name
    if inline:
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        ws = wb.add_worksheet("数据")
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
        wb.close()
        return path
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for r, row in enumerate(rows, 1):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(r, c, v)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("&<>\"'\n\t 是否"),
               max_size=12)
VALUE = st.one_of(st.none(), TEXT, st.integers(-10**12, 10**12), st.booleans(),
                  st.floats(allow_nan=False, allow_infinity=False, width=64))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(VALUE, max_size=8), min_size=1, max_size=12), inline=st.booleans(),
       chunk=st.sampled_from([None, 7, 64]))
def test_generated_sheets_read_as_calamine_reads_them(tmp_path_factory, rows, inline, chunk):
    path = _write_values(tmp_path_factory.mktemp("x"), rows, inline=inline)
    try:
        _same(path, width=10, chunk=chunk)
    except xlsx_rows.Unsupported:
        pass  # e.g. a carriage return: calamine reads those


def test_rich_text_phonetic_runs_entities_and_formulas(tmp_path):
    """Shared strings with rich-text runs and a phonetic run (skipped), entities, a cell
    formula's cached text and number, an error, a sheet that starts at C3."""
    path = tmp_path / "rich.xlsx"
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="3"><c r="C3" t="s"><v>0</v></c><c r="D3" t="s"><v>1</v></c>'
             '<c r="E3" t="str"><f>A1</f><v>a&amp;b &#x4E2D;&#25991;</v></c></row>'
             '<row r="5" spans="3:6"><c r="C5"><f>1+1</f><v>2</v></c><c r="D5" t="e"><v>#N/A</v></c>'
             '<c r="E5" t="b"><v>1</v></c><c r="F5"/></row><row r="6"/></sheetData></worksheet>')
    sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2">'
           '<si><r><t>张</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 三 </t></r>'
           '<rPh sb="0" eb="1"><t>ちょう</t></rPh></si><si><t>&lt;户主&gt;</t></si></sst>')
    _zip_workbook(path, sheet, sst)
    _same(path, width=8)
    _same(path, width=8, chunk=5)
    mine, _ = _streamed_rows(path, 0, 8)
    assert mine[3][2:5] == ["张 三 ", "<户主>", "a&b 中文"] and mine[5][2:5] == [2.0, "", True]


def _zip_workbook(path: Path, sheet: str, sst: str | None = None, styles: str | None = None):
    ct = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' if sst else "")
          + ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' if styles else "")
          + '</Types>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    book = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>')
    brels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
             + ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' if sst else "")
             + ('<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' if styles else "")
             + '</Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", brels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if sst:
            z.writestr("xl/sharedStrings.xml", sst)
        if styles:
            z.writestr("xl/styles.xml", styles)


@pytest.mark.parametrize("fmt, declined", [("0.00", False), ('#,##0"元"', False), ("yyyy-mm-dd", True),
                                           ('yyyy"年"m"月"d"日"', True), ("[h]:mm", True),
                                           ("[Red]0.0", False)])
def test_a_number_in_a_date_style_is_left_to_calamine(tmp_path, fmt, declined):
    import openpyxl

    path = tmp_path / "d.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "标题"
    ws["A2"] = 45000
    ws["A2"].number_format = fmt
    wb.save(path)
    if declined:
        with pytest.raises(xlsx_rows.Unsupported):
            _streamed_rows(path, 0, 4)
    else:
        _same(path, width=4)


SPEC = SheetSpec(columns={"code": ("户编号",), "when": ("日期",), "n": ("人数",)},
                 required=("code",), what="测试表")


def test_the_reader_carries_on_with_calamine_where_the_stream_declines(tmp_path):
    """Rows before a date-styled number are streamed, the rest come from calamine: the same
    rows and values as calamine alone, the blank rows counted alike."""
    import openpyxl

    path = tmp_path / "mixed.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["户编号", "日期", "人数"])
    for i in range(40):  # past the rows the header is looked for in (streamed twice)
        ws.append([f"H{i}", None, i])
    ws.append([])
    ws.append(["H99", dt.date(2024, 3, 1), 2])
    ws.append(["H100", None, 3])
    wb.save(path)
    reader = SheetReader(path, SPEC)
    assert reader._stream is not None
    got = list(reader.iter_values(["code", "when", "n"]))
    assert got[-2:] == [(43, ("H99", dt.date(2024, 3, 1), 2.0)), (44, ("H100", None, 3.0))]
    assert [r for r, _ in got] == [*range(2, 42), 43, 44]
    assert got[:2] == [(2, ("H0", None, 0.0)), (3, ("H1", None, 1.0))]
    assert reader.rows_skipped == 1  # the blank row 42


def test_merged_cells_come_from_the_guard_and_fill_down(tmp_path):
    path = _write_values(tmp_path, [["户编号", "人数"], ["H1", 1], [None, 2], [None, 3], ["H2", 4]],
                         merges=["A2:A4"])
    reader = SheetReader(path, SheetSpec(columns={"code": ("户编号",), "n": ("人数",)},
                                         required=("code",)))
    assert reader._stream is not None
    assert [v for _r, v in reader.iter_values(["code", "n"])] == [
        ("H1", 1.0), ("H1", 2.0), ("H1", 3.0), ("H2", 4.0)]
