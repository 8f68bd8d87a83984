"""问题整改 tab: the 问题清单 with filters (status, village, responsible, overdue in red), one
problem's history and evidence, status actions, bulk deadlines and the 问题整改台账."""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit,
    QPushButton, QSplitter, QTableView, QTextBrowser, QVBoxLayout, QWidget,
)

from ...domain import problems as rules
from ...services.problems import tracking as ps
from ..common.base_tab import BaseTab
from ..common.context import AppContext, show_error

RED = QColor("#c62828")


class ProblemsModel(QAbstractTableModel):
    COL_ID, COL_VILLAGE, COL_HOUSEHOLD, COL_HEAD, COL_SOURCE, COL_CATEGORY, COL_TEXT, \
        COL_RESPONSIBLE, COL_DUE, COL_STATUS = range(10)
    KEYS = ("id", "village", "household", "head", "source", "category", "text", "responsible",
            "due", "status")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[ps.ProblemRow] = []
        self.titles = (self.tr("No."), self.tr("Village"), self.tr("Household Code"),
                       self.tr("Head"), self.tr("Source"), self.tr("Problem Category"),
                       self.tr("Problem"), self.tr("Responsible"), self.tr("Deadline"),
                       self.tr("Status"))

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.titles)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.titles[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            v = getattr(r, self.KEYS[col])
            if col == self.COL_HOUSEHOLD and v is None:
                return self.tr("(village)")
            if col == self.COL_TEXT and r.member:
                return f"{v}（{r.member}）"
            if col == self.COL_STATUS and r.overdue:
                return v + self.tr(" (overdue)")
            return "" if v is None else str(v)
        if role == Qt.ItemDataRole.ForegroundRole and r.overdue:
            return QBrush(RED)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.COL_ID, self.COL_DUE):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == self.COL_TEXT:
            return r.text
        return None

    def row_at(self, i: int) -> ps.ProblemRow | None:
        return self.rows[i] if 0 <= i < len(self.rows) else None


class ActionDialog(QDialog):
    """Note, evidence files and (for 销号) the confirmer of one status step."""

    def __init__(self, action: str, count: int, parent=None):
        super().__init__(parent)
        self.action = action
        names = {"start": self.tr("Start Rectification"), "resolve": self.tr("Mark as Rectified"),
                 "close": self.tr("Verify and Close"), "reopen": self.tr("Send Back")}
        self.setWindowTitle(names[action])
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Selected problems: %1").replace("%1", str(count))))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("What was done / the verification result"))
        self.note.setFixedHeight(80)
        form.addRow(self.tr("Step Note"), self.note)
        self.files: list[str] = []
        self.file_list = QListWidget()
        self.file_list.setFixedHeight(60)
        self.confirmer = QLineEdit()
        if action == "resolve":
            add = QPushButton(self.tr("Add Evidence…"))
            add.clicked.connect(self._add_files)
            form.addRow(self.tr("Evidence"), self.file_list)
            form.addRow("", add)
        if action == "close":
            self.confirmer.setPlaceholderText(self.tr("Name of the person who verified it"))
            form.addRow(self.tr("Confirmer"), self.confirmer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @Slot()
    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add Evidence"), "",
                                                self.tr("Scans and photos (*.pdf *.jpg *.jpeg *.png)"))
        for f in files:
            self.files.append(f)
            self.file_list.addItem(os.path.basename(f))


class DeadlineDialog(QDialog):
    def __init__(self, count: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Set Deadline"))
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Selected problems: %1").replace("%1", str(count))))
        self.due = QDateEdit(QDate.currentDate().addMonths(1))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("Deadline"), self.due)
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText(self.tr("Leave empty to keep"))
        form.addRow(self.tr("Responsible"), self.responsible)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ProblemsTab(BaseTab):
    @classmethod
    def tab_title(cls) -> str:
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate("ProblemsTab", "Problems")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.today = dt.date.today()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.status_box = QComboBox()
        self.status_box.addItem(self.tr("All statuses"), None)
        for s in rules.STATUSES:
            self.status_box.addItem(s, s)
        self.village_box = QComboBox()
        self.village_box.addItem(self.tr("All villages"), None)
        self.responsible_box = QComboBox()
        self.responsible_box.addItem(self.tr("Everyone responsible"), None)
        self.overdue_box = QCheckBox(self.tr("Overdue only"))
        for w in (self.status_box, self.village_box, self.responsible_box):
            w.currentIndexChanged.connect(self.refresh)
            bar.addWidget(w)
        self.overdue_box.toggled.connect(self.refresh)
        bar.addWidget(self.overdue_box)
        bar.addStretch(1)
        self.buttons = {}
        for key, text in (("add", self.tr("New Problem…")), ("start", self.tr("Start")),
                          ("resolve", self.tr("Rectified…")), ("close", self.tr("Close…")),
                          ("reopen", self.tr("Send Back…")), ("deadline", self.tr("Set Deadline…")),
                          ("ledger", self.tr("Print Ledger…"))):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, k=key: self._button(k))
            bar.addWidget(b)
            self.buttons[key] = b
        layout.addLayout(bar)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        layout.addWidget(self.progress_label)

        split = QSplitter(Qt.Orientation.Vertical)
        self.model = ProblemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setColumnWidth(ProblemsModel.COL_TEXT, 380)
        self.table.setColumnWidth(ProblemsModel.COL_STATUS, 150)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(ProblemsModel.COL_HOUSEHOLD, 150)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        split.addWidget(self.table)
        detail = QWidget()
        dl = QHBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        self.history = QTextBrowser()
        dl.addWidget(self.history, 3)
        ev = QVBoxLayout()
        ev.addWidget(QLabel(self.tr("Evidence")))
        self.evidence = QListWidget()
        self.evidence.itemActivated.connect(self._open_evidence)
        ev.addWidget(self.evidence)
        self.add_evidence_button = QPushButton(self.tr("Add Evidence…"))
        self.add_evidence_button.clicked.connect(self._add_evidence)
        ev.addWidget(self.add_evidence_button)
        dl.addLayout(ev, 1)
        split.addWidget(detail)
        split.setSizes([400, 200])
        layout.addWidget(split, 1)
        ctx.changed.connect(self._on_changed)
        self.refresh()

    # -- data ---------------------------------------------------------------------------------
    def _on_changed(self, kind: str, _ids: list) -> None:
        if kind in ("problems", "households", "surveys"):
            self.refresh()

    def _fill(self, box: QComboBox, names: list[str]) -> None:
        keep = box.currentData()
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for n in names:
            box.addItem(n, n)
        box.setCurrentIndex(max(0, box.findData(keep)))
        box.blockSignals(False)

    @Slot()
    def refresh(self) -> None:
        db = self.ctx.db
        if db is None:
            return
        keep = self.current_id()
        try:
            self._fill(self.village_box, ps.village_names(db))
            self._fill(self.responsible_box, ps.responsibles(db))
            rows = ps.list_problems(db, ps.ProblemFilter(
                status=self.status_box.currentData(), village=self.village_box.currentData(),
                responsible=self.responsible_box.currentData(),
                overdue=self.overdue_box.isChecked()), today=self.today)
            progress = ps.progress_by_village(db)
        except Exception as exc:  # noqa: BLE001 - shown to the clerk
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        parts = []
        for village, counts in progress:
            open_ = counts[rules.TODO] + counts[rules.DOING] + counts[rules.RESOLVED]
            parts.append(self.tr("%1: %2 open, %3 closed").replace("%1", village)
                         .replace("%2", str(open_)).replace("%3", str(counts[rules.CLOSED])))
        self.progress_label.setText(self.tr("Progress: ") + ("；".join(parts) or self.tr("no problems")))
        self.select_id(keep)
        self._show_detail()

    def current_id(self) -> int | None:
        r = self.model.row_at(self.table.currentIndex().row())
        return r.id if r else None

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [self.model.rows[i].id for i in rows]
        return ids or ([self.current_id()] if self.current_id() else [])

    def select_id(self, pid: int | None) -> None:
        for i, r in enumerate(self.model.rows):
            if r.id == pid:
                self.table.selectRow(i)
                return

    def _show_detail(self) -> None:
        pid = self.current_id()
        self.history.clear()
        self.evidence.clear()
        if pid is None:
            return
        try:
            d = ps.get_problem(self.ctx.db, pid, today=self.today)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        p = d.problem
        problem_word = self.tr("Problem")
        confirmer_word = self.tr("Confirmer")
        lines = [f"<b>{problem_word} {p.id}</b>　{p.village} {p.household or ''} {p.head or ''}",
                 f"{p.source} / {p.category}：{p.text}"]
        for e in d.events:
            step = (f"{e.old_status or ''} → {e.new_status}" if e.old_status != e.new_status
                    and e.old_status else (e.new_status or ""))
            extra = f"　{confirmer_word}：{e.confirmer}" if e.confirmer else ""
            lines.append(f"{e.ts:%Y-%m-%d %H:%M}　{e.user}　{e.action_name}　{step}{extra}"
                         f"{'：' + e.note if e.note else ''}")
        self.history.setHtml("<br>".join(lines))
        for f in d.evidence:
            item = QListWidgetItem(f"{f.file_name}（{f.added_at:%Y-%m-%d}）")
            item.setData(Qt.ItemDataRole.UserRole, f.sha256)
            item.setData(Qt.ItemDataRole.UserRole + 1, f.file_name)
            self.evidence.addItem(item)

    # -- actions ------------------------------------------------------------------------------
    def _button(self, key: str) -> None:
        if key == "add":
            self.new_problem()
        elif key == "deadline":
            self.set_deadline()
        elif key == "ledger":
            self.print_ledger()
        else:
            self.run_action(key)

    def run_action(self, action: str, dialog: ActionDialog | None = None) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if action != "start" and dialog is None:
            dialog = ActionDialog(action, len(ids), self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        try:
            for pid in ids:
                ps.apply_action(self.ctx.db, pid, action,
                                note=dialog.note.toPlainText() if dialog else "",
                                evidence=dialog.files if dialog else (),
                                confirmer=dialog.confirmer.text() if dialog else None)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.ctx.changed.emit("problems", ids)

    def set_deadline(self, dialog: DeadlineDialog | None = None) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if dialog is None:
            dialog = DeadlineDialog(len(ids), self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        try:
            ps.assign(self.ctx.db, ids, due=dialog.due.date().toPython(),
                      responsible=dialog.responsible.text() or None)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.ctx.changed.emit("problems", ids)

    def new_problem(self, dialog: NewProblemDialog | None = None) -> None:
        if dialog is None:
            dialog = NewProblemDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        try:
            pid = ps.add_problem(self.ctx.db, household_code=dialog.household.text().strip(),
                                 category=dialog.category.currentText(),
                                 text=dialog.text.toPlainText(),
                                 due=dialog.due.date().toPython() if dialog.has_due.isChecked() else None,
                                 responsible=dialog.responsible.text() or None,
                                 source=dialog.source.currentText())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.ctx.changed.emit("problems", [pid])
        self.select_id(pid)

    def _add_evidence(self) -> None:
        pid = self.current_id()
        if pid is None:
            return
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add Evidence"), "",
                                                self.tr("Scans and photos (*.pdf *.jpg *.jpeg *.png)"))
        if files:
            try:
                ps.add_evidence(self.ctx.db, pid, files)
            except Exception as exc:  # noqa: BLE001
                show_error(self, exc)
            self._show_detail()

    def _open_evidence(self, item: QListWidgetItem) -> None:
        # the stored copy has no extension (named by its sha256): open a copy under its own name
        import shutil
        import tempfile

        src = ps.evidence_path(self.ctx.db, item.data(Qt.ItemDataRole.UserRole))
        folder = tempfile.mkdtemp(prefix="fupin-evidence-")
        dst = os.path.join(folder, os.path.basename(item.data(Qt.ItemDataRole.UserRole + 1)))
        try:
            shutil.copyfile(src, dst)
        except OSError as exc:
            from ...errors import UserError

            show_error(self, UserError(f"佐证材料文件缺失或无法读取：{exc.strerror or exc}。"
                                       "请从备份恢复 attachments 文件夹。"))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(dst))

    def print_ledger(self, out: str | None = None) -> None:
        if out is None:
            out, _ = QFileDialog.getSaveFileName(self, self.tr("Print Ledger"), "问题整改台账.pdf",
                                                 self.tr("PDF (*.pdf);;Excel (*.xlsx)"))
            if not out:
                return
        from ...reports.problems_ledger import render_problems_ledger
        from ...services.problems.ledger_data import problems_ledger_data

        try:
            data = problems_ledger_data(self.ctx.db, status=self.status_box.currentData(),
                                        village=self.village_box.currentData())
            render_problems_ledger(data, out)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        QMessageBox.information(self, self.tr("Print Ledger"), self.tr("Saved to %1").replace("%1", out))

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("problems/columns", self.table.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value("problems/columns")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)


class NewProblemDialog(QDialog):
    def __init__(self, parent=None, household_code: str = ""):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New Problem"))
        form = QFormLayout(self)
        self.household = QLineEdit(household_code)
        form.addRow(self.tr("Household Code"), self.household)
        self.source = QComboBox()
        self.source.addItems(["手工", "上级反馈"])
        form.addRow(self.tr("Source"), self.source)
        self.category = QComboBox()
        self.category.setEditable(True)
        from ...domain.survey import SECTIONS

        self.category.addItems(SECTIONS)
        form.addRow(self.tr("Problem Category"), self.category)
        self.text = QPlainTextEdit()
        self.text.setFixedHeight(70)
        form.addRow(self.tr("Problem"), self.text)
        self.responsible = QLineEdit()
        self.responsible.setPlaceholderText(self.tr("Default: the household's helper"))
        form.addRow(self.tr("Responsible"), self.responsible)
        self.has_due = QCheckBox(self.tr("Deadline"))
        self.due = QDateEdit(QDate.currentDate().addMonths(1))
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.has_due, self.due)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
