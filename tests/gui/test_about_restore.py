"""帮助 ▸ 关于 (version, data and backup folders that open, licences) and 文件 ▸ 恢复… (the
automatic backups listed with date, size and reason; the chosen one restored)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fupin_desktop import __version__
from fupin_desktop.models import Village
from fupin_desktop.services import autobackup
from fupin_desktop.views import about_dialog, restore_dialog


def _village(db, name):
    with db.write() as s:
        s.add(Village(name=name))


def test_about_shows_version_folders_and_licences(qtbot, qapp, db, tmp_path, monkeypatch):
    from fupin_desktop.views.app import create_app

    create_app()
    opened = []
    monkeypatch.setattr(about_dialog.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dlg = about_dialog.AboutDialog(db)
    qtbot.addWidget(dlg)
    texts = " ".join(w.text() for w in dlg.findChildren(about_dialog.QLabel))
    assert __version__ in texts and str(tmp_path / "test.db") in texts
    size = about_dialog.database_size(db)
    assert size > 0 and restore_dialog.human_size(size) in texts
    assert dlg.windowTitle() == "关于"
    lic = dlg.licences.toPlainText()
    assert "LGPL" in lic and "PySide6" in lic and "WenQuanYi Micro Hei" in lic and "Apache" in lic
    dlg.open_buttons["备份文件夹："].click()
    dlg.open_buttons["数据文件夹："].click()
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "backups"), str(tmp_path)]


def test_restore_lists_the_automatic_backups_and_restores_the_chosen(
        window_for, db, qtbot, monkeypatch, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0), tick=False)
    _village(db, "早村")
    autobackup.make_backup(db, "start")
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 30), tick=False)
    _village(db, "晚村")
    autobackup.make_backup(db, "import")
    _village(db, "导入后")
    w = window_for(db)

    def pick_oldest(self):
        table = self.table
        assert table.rowCount() == 2
        cells = [[table.item(r, c).text() for c in range(3)] for r in range(2)]
        assert cells[0][0] == "2026-03-02 09:30:00" and cells[0][2] == "导入前"
        assert cells[1][2] == "每日启动" and cells[1][1].endswith("KB")
        table.selectRow(1)
        self._restore_selected()
        return self.result()

    monkeypatch.setattr(restore_dialog.RestoreDialog, "exec", pick_oldest)
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    infos = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: infos.append(a))
    w.restore()
    qtbot.waitUntil(lambda: bool(infos), timeout=20000)
    with db.read() as s:
        assert list(s.scalars(select(Village.name))) == ["早村"]


def test_restore_on_a_server_names_the_pg_dump_command(qtbot, any_db):
    if any_db.is_sqlite:
        return
    dlg = restore_dialog.RestoreDialog(any_db)
    qtbot.addWidget(dlg)
    text = dlg.server_text.text()
    assert "pg_dump -Fc" in text and "未知" in text
    assert not hasattr(dlg, "restore_button")
