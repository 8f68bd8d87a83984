"""文件 → 导入 through the tab: file dialog → background import → summary listing the rejects,
which can be saved; an unusable file ends in a clear message and changes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from fupin_desktop.services.households import registry
from fupin_desktop.domain.idcard import check_char

HEADER = ["序号", "行政村", "户编号", "户类型", "家庭人口数", "工资性收入(元)", "户联系电话",
          "姓名", "证件号码", "与户主关系", "民族"]


def idno(body17: str) -> str:
    return body17 + check_char(body17)


def bad_check(body17: str) -> str:
    return body17 + ("0" if check_char(body17) != "0" else "1")


def make_export(path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "监测对象信息"
    ws.append(["监测对象信息（测试）"])
    ws.append(["导出时间:2024-12-01"])
    ws.append(HEADER)  # the header is on row 3, as the national export has it
    ws.append([1, "青石村", "H001", "脱贫户", 2, 12000, "13800000001", "张三",
               idno("52272919800101001"), "户主", "汉族"])
    ws.append([2, "青石村", "H001", "脱贫户", 2, 12000, "13800000001", "李四",
               idno("52272919820202002"), "配偶", "汉族"])
    ws.append([3, "青石村", "H002", "一般农户", 2, 8000, "13800000002", "王五",
               idno("52272919700303003"), "户主", "汉族"])
    ws.append([4, "青石村", "H002", "一般农户", 2, 8000, "13800000002", "赵六",
               522729197203040041, "配偶", "汉族"])  # a number: Excel has lost digits
    ws.append([5, "青石村", "H002", "一般农户", 2, 8000, "13800000002", "钱七",
               bad_check("52272920100505005"), "之子", "汉族"])
    wb.save(path)
    return path


@pytest.fixture
def tab(qtbot, db):
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.common.context import AppContext
    from fupin_desktop.views.households.tab import HouseholdsTab

    create_app()
    t = HouseholdsTab(AppContext(db))
    qtbot.addWidget(t)
    t.show()
    qtbot.waitExposed(t)
    return t


def test_import_through_the_dialog_lists_rejects_and_saves_them(qtbot, tab, db, tmp_path,
                                                                monkeypatch):
    src = make_export(tmp_path / "导出.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    assert tab.model.rowCount() == 0
    tab.start_import()
    qtbot.waitUntil(lambda: getattr(tab, "import_summary", None) is not None
                    and tab.import_summary.isVisible(), timeout=15000)
    dlg = tab.import_summary
    text = dlg.summary.text()
    assert "导入行数：3" in text and "未导入行数：2" in text
    assert "新增户数：2" in text
    rejects = [i for i in dlg.issues if i.kind == "未导入"]
    assert [(i.row, i.household_code) for i in rejects] == [(7, "H002"), (8, "H002")]
    codes = {i.row: i.message for i in rejects}
    assert "数字" in codes[7] or "文本" in codes[7]  # the ID cell was a number
    assert dlg.model.rowCount() == len(dlg.issues) >= 2
    # the registry behind the tab shows the new households at once
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10_000)
    assert registry.count(db) == 2

    out = tmp_path / "问题清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a))
    dlg.save_button.click()
    assert out.exists() and shown
    from openpyxl import load_workbook

    cells = [c.value for ws in load_workbook(out).worksheets for row in ws.iter_rows()
             for c in row if c.value is not None]
    assert "H002" in cells and any(isinstance(v, str) and "赵六" in v for v in cells)


def test_unusable_file_shows_the_reason_and_changes_nothing(qtbot, tab, db, tmp_path,
                                                            monkeypatch):
    from openpyxl import Workbook

    src = tmp_path / "随便.xlsx"
    wb = Workbook()
    wb.active.append(["这不是导出表"])
    wb.active.append(["甲", "乙", "丙"])
    wb.save(src)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a))
    tab.start_import()
    qtbot.waitUntil(lambda: bool(warned), timeout=15000)
    message = warned[0][2]
    assert "\n" not in message.strip() and any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert registry.count(db) == 0
    assert getattr(tab, "import_summary", None) is None


def test_cancelled_file_dialog_does_nothing(tab, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    assert tab.start_import() is None


@pytest.mark.parametrize("answer", ["Yes", "No"])
def test_deleted_household_asks_before_restoring(qtbot, tab, db, tmp_path, monkeypatch, answer):
    from sqlalchemy import select

    from fupin_desktop.models import Household
    from fupin_desktop.services.households.importing import import_households
    from fupin_desktop.services.households.edit import remove_household

    src = make_export(tmp_path / "导出.xlsx")
    import_households(db, src)
    with db.read() as s:
        hid = s.scalar(select(Household.id).where(Household.code == "H001"))
    remove_household(db, hid, "测试删除")
    asked = []

    def question(parent, title, text, *a, **k):
        asked.append(text)
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(src), ""))
    tab.start_import()
    qtbot.waitUntil(lambda: getattr(tab, "import_summary", None) is not None
                    and tab.import_summary.isVisible(), timeout=15000)
    assert len(asked) == 1 and "H001" in asked[0]
    rejected = {i.household_code for i in tab.import_summary.issues if i.kind == "未导入"}
    with db.read() as s:
        deleted_at = s.get(Household, hid).deleted_at
    if answer == "Yes":
        assert deleted_at is None and "H001" not in rejected
    else:
        assert deleted_at is not None and "H001" in rejected


def test_the_summary_names_the_person_of_every_line(qtbot, db, samples):
    """A refused head row also warns its household 暂无户主: both lines show the head's name."""
    from fupin_desktop.services.households.importing import import_households
    from fupin_desktop.views.app import create_app
    from fupin_desktop.views.households.importing import household_import_summary

    create_app()
    result = import_households(db, str(samples / "national_export_messy.xlsx"))
    dlg = household_import_summary(result, "national_export_messy.xlsx")
    qtbot.addWidget(dlg)
    name_col = next(i for i, c in enumerate(dlg.model.columns) if c.key == "name")
    assert dlg.model.headerData(name_col, Qt.Orientation.Horizontal) == "姓名"
    rows = [[dlg.model.index(r, c).data() for c in range(dlg.model.columnCount())]
            for r in range(dlg.model.rowCount())]
    no_head = [r for r in rows if r[0] == "警告" and "暂无户主" in r[-1]]
    assert no_head and all(r[name_col] for r in no_head)
    assert all(r[name_col] for r in rows), [r for r in rows if not r[name_col]]
    # the CLI --json contract carries the name too
    assert all(w.name for w in result.warning_rows if w.code == "no-head")
