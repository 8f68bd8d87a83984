"""Every workbook the program writes (issue 12 and issue 10 §5):

* text typed or imported as ``=HYPERLINK(...)``, ``+…``, ``-…``, ``@…``, tab/CR first is a plain
  string cell (never a formula Excel or WPS would evaluate), and reads back unchanged;
* A4, landscape when wide, one page wide, header rows repeated on each printed page;
* amounts and ratios are numbers, not text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fupin_desktop import cli
from fupin_desktop.models import Household, Member, Settlement, Village
from fupin_desktop.models.posts import Assignment, AttendanceMonth, Post
from fupin_desktop.services import demo
from fupin_desktop.services.households.importing import import_households
from fupin_desktop.domain.idcard import check_char

TODAY = dt.date(2026, 6, 15)
EVIL_NAME = '=HYPERLINK("http://x","点击")'
EVIL = [EVIL_NAME, "+1+2", "-3-4", "@SUM(1)"]
EVIL_TAB = "\t=1+1"  # the importer trims it: typed in through the ORM instead
EVIL_CR = "\r=2+2"
RISKY = ("=", "+", "-", "@", "\t", "\r")
MONEY_WORDS = ("(元)", "（元）", "金额", "费用", "医保统筹", "大病保险", "医疗救助", "其他保障",
               "个人自付", "补贴标准", "报销比例", "纯收入")


def _id(body17: str) -> str:
    return body17 + check_char(body17)


def _risky_import_file(path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["户编号", "行政村", "户类型", "姓名", "证件号码", "与户主关系", "健康状况",
               "帮扶责任人", "工资性收入(元)"])
    for i, name in enumerate(EVIL):
        ws.append(["HEVIL01", "-青石村", "脱贫户", name, _id(f"5227291980010{i + 1}01{i}"),
                   "户主" if i == 0 else "之子", "=1+1", "@帮扶人", 12000])
    ws.append(["HEVIL01", "-青石村", "脱贫户", "=2+2", "52272919800101001X", "之女"])  # bad ID
    for row in ws.iter_rows():
        for c in row:  # as a clerk's file has them: text, not formulas
            if isinstance(c.value, str) and c.value.startswith("="):
                c.data_type = "s"
    wb.save(path)
    return path


@pytest.fixture
def town(any_db, tmp_path):
    db = any_db
    demo.generate_demo(db, households=20, seed=5, today=TODAY)
    src = _risky_import_file(tmp_path / "evil.xlsx")
    res = import_households(db, src, today=TODAY, year=2026)
    assert res.rows_imported == 4 and res.rows_rejected == 1
    with db.write(reason="test: risky text where the program prints names") as s:
        # people who hold posts and have settlements get the risky names
        worker = s.scalars(select(Member).join(Assignment, Assignment.member_id == Member.id)
                           .order_by(Member.id)).first()
        worker.name = EVIL_NAME
        patient = s.scalars(select(Member).join(Settlement, Settlement.member_id == Member.id)
                            .order_by(Member.id)).first()
        patient.name = "+8613800000000"
        patient.health = EVIL_CR
        s.get(Household, patient.household_id).helper_name = EVIL_TAB
        post = s.scalars(select(Post).order_by(Post.id)).first()
        post.name = "@岗位"
        st = s.scalars(select(Settlement).where(Settlement.deleted_at.is_(None))
                       .order_by(Settlement.settlement_date.desc())).first()
        st.diagnosis = "-肺炎"
        month = s.scalar(select(func.max(AttendanceMonth.month)))
        year = s.scalar(select(func.max(Settlement.settlement_date))).year
    return db, src, month, year


def _run(*argv):
    assert cli.main([*argv, "--json"]) == 0, argv


def _outputs(db, src, month, year, d):
    """Every kind of workbook, written through the CLI; returns the paths."""
    ym = f"{month:%Y-%m}"
    url = ["--db", db.url]
    files = []

    def out(name):
        p = d / f"{name}.xlsx"
        files.append(p)
        return str(p)

    for kind in ("households", "members"):
        _run("export", kind, out(f"export-{kind}"), *url)
    _run("export", "posts", out("export-posts"), *url)
    _run("export", "attendance", out("export-attendance"), "--month", ym, *url)
    _run("export", "payroll-bank", out("export-bank"), "--month", ym, *url)
    _run("export", "medical", out("export-medical"), "--year", str(year), *url)
    for kind in ("households", "members", "monitoring", "measures", "visits", "posts",
                 "wages-annual", "chronic", "signing", "problems"):
        _run("ledger", kind, "--out", out(f"ledger-{kind}"), *url)
    for kind in ("attendance", "payroll", "payroll-notice"):
        _run("ledger", kind, "--month", ym, "--out", out(f"ledger-{kind}"), *url)
    for by in ("settlement", "person", "village"):
        _run("ledger", "medical", "--year", str(year), "--by", by,
             "--out", out(f"ledger-medical-{by}"), *url)
    _run("import", "households", str(src), "--report", out("import-report"), *url)
    _run("check", "--out", out("check-report"), *url)
    _run("survey", "template", out("survey-template"), *url)
    from fupin_desktop.exporters.audit import export_audit
    from fupin_desktop.services.users.audit_log import list_entries

    export_audit(out("audit"), list_entries(db))
    return files


def _ooxml_text(v):
    """A cell's text as Excel, WPS and python-calamine read it: OOXML writes a control
    character such as CR as ``_x000D_`` (and a literal ``_x`` as ``_x005F_x``); openpyxl
    returns the escape undecoded."""
    if not isinstance(v, str) or "_x" not in v:
        return v
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), v)


def _header_row(ws) -> int | None:
    for r in range(1, 6):
        if ws.cell(row=r, column=1).value == "序号":
            return r
    return None


def test_every_workbook_is_safe_printable_and_numeric(town, tmp_path, capsys):
    from openpyxl import load_workbook

    db, src, month, year = town
    files = _outputs(db, src, month, year, tmp_path)
    capsys.readouterr()
    seen: set[str] = set()
    for path in files:
        wb = load_workbook(path)
        for ws in wb.worksheets:
            where = f"{path.name}/{ws.title}"
            # no formula at all: the program writes none (its totals are values)
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (where, c.coordinate, c.value)
                    v = _ooxml_text(c.value)
                    if isinstance(v, str) and v.startswith(RISKY):
                        assert c.data_type == "s" and c.quotePrefix, (where, c.coordinate)
                        seen.add(v)
            ps = ws.page_setup
            assert str(ps.paperSize) == "9", where
            # fitToWidth absent means 1 (ECMA-376 §18.3.1.64 default; XlsxWriter omits it)
            assert (1 if ps.fitToWidth is None else ps.fitToWidth) == 1, where
            assert ps.fitToHeight == 0, where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            if ws.max_column > 8:
                assert ps.orientation == "landscape", where
            assert ws.print_title_rows, where
            head = _header_row(ws)
            if head is None:
                continue
            for j, title in enumerate(c.value for c in ws[head]):
                if (not isinstance(title, str) or title.startswith("是否") or title.endswith("类型")
                        or not any(w in title for w in MONEY_WORDS)):
                    continue
                for r in range(head + 1, ws.max_row + 1):
                    v = ws.cell(row=r, column=j + 1).value
                    assert v is None or isinstance(v, (int, float, Decimal)), (where, title, r, v)
    # the risky texts did reach the files (else this test proves nothing)
    for text in (*EVIL, EVIL_TAB, EVIL_CR, "=1+1", "@帮扶人", "-青石村", "@岗位", "-肺炎",
                 "+8613800000000"):
        assert text in seen, text


def test_backup_round_trips_risky_text(town, tmp_path, capsys):
    """The quote prefix is style, not content: the names come back exactly."""
    from tests.conftest import make_sqlite_db

    db, _, _, _ = town
    out = tmp_path / "backup.xlsx"
    _run("export", "households", str(out), "--db", db.url)
    capsys.readouterr()
    other = make_sqlite_db(tmp_path / "other.db")
    import_households(other, out, today=TODAY)
    with other.read() as s:
        names = set(s.scalars(select(Member.name)))
        assert set(EVIL) <= names
        assert s.scalar(select(Village.name).where(Village.name == "-青石村"))
    other.dispose()
