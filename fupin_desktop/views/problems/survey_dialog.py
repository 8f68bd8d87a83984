"""入户排查 form for one household visit: date, visitors, the questionnaire's answers prefilled
from the register (the visitor confirms rather than retypes), notes and attached scans; the
household's earlier surveys beside it. Saving creates one problem per "problem" answer."""

from __future__ import annotations

import os

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit,
    QPushButton, QScrollArea, QSplitter, QTextBrowser, QVBoxLayout, QWidget,
)

from ...domain import survey as qs
from ...services.problems import survey as svc
from ..common.context import show_error

PREFILLED_STYLE = "background: #fff8e1;"


class SurveyDialog(QDialog):
    def __init__(self, db, household_code: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.code = household_code
        self.saved: svc.SurveySaved | None = None
        self.tpl = svc.current_template(db)
        (self.facts,) = svc.household_facts(db, [household_code])
        self.setWindowTitle(self.tr("Household Survey") + f" — {household_code}")
        self.resize(1100, 760)
        outer = QVBoxLayout(self)
        head = QLabel(self.tr("Household %1 · %2 · head %3 · %4 members · helper %5")
                      .replace("%1", self.facts.code).replace("%2", self.facts.village)
                      .replace("%3", self.facts.head or "—").replace("%4", str(self.facts.members))
                      .replace("%5", self.facts.helper or "—"))
        outer.addWidget(head)
        split = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(split, 1)

        form_host = QWidget()
        fl = QVBoxLayout(form_host)
        top = QFormLayout()
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        top.addRow(self.tr("Visit date"), self.date)
        self.visitors = QLineEdit()
        self.visitors.setPlaceholderText(self.tr("Names of the visitors"))
        top.addRow(self.tr("Visitors"), self.visitors)
        fl.addLayout(top)
        note = QLabel(self.tr("Highlighted answers come from the register: confirm or correct them."))
        note.setWordWrap(True)
        fl.addWidget(note)
        self.inputs: dict[str, QWidget] = {}
        for title, questions in self.tpl.sections:
            box = QGroupBox(title)
            bl = QGridLayout(box)
            bl.setColumnStretch(0, 1)
            for i, q in enumerate(questions):
                w = self._input(q, self.facts.prefill.get(q.id))
                self.inputs[q.id] = w
                label = QLabel(f"{q.id}　{q.text}")
                label.setWordWrap(True)
                label.setBuddy(w)
                bl.addWidget(label, i, 0)
                bl.addWidget(w, i, 1)
            fl.addWidget(box)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        fl.addWidget(QLabel(self.tr("Notes")))
        fl.addWidget(self.notes)
        files_row = QHBoxLayout()
        self.files: list[str] = []
        self.file_list = QListWidget()
        self.file_list.setFixedHeight(50)
        add = QPushButton(self.tr("Attach Scans…"))
        add.clicked.connect(self._add_files)
        files_row.addWidget(self.file_list, 1)
        files_row.addWidget(add)
        fl.addLayout(files_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        split.addWidget(scroll)

        side = QWidget()
        sl = QVBoxLayout(side)
        sl.addWidget(QLabel(self.tr("Earlier surveys")))
        self.history = QListWidget()
        self.history.currentItemChanged.connect(self._show_old)
        sl.addWidget(self.history, 1)
        self.old_answers = QTextBrowser()
        sl.addWidget(self.old_answers, 2)
        split.addWidget(side)
        split.setSizes([700, 380])

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self._load_history()

    def _input(self, q: qs.Question, prefill: str | None) -> QWidget:
        if q.type in ("yesno", "choice"):
            w = QComboBox()
            w.addItem("", None)
            for o in q.choices:
                w.addItem(o, o)
            if prefill is not None:
                w.setCurrentIndex(max(0, w.findData(prefill)))
        else:
            w = QLineEdit(prefill or "")
        w.setFixedWidth(200)
        if prefill is not None:
            w.setStyleSheet(PREFILLED_STYLE)
            w.setToolTip(self.tr("From the register: %1").replace("%1", prefill))
        return w

    def answers(self) -> dict[str, str]:
        out = {}
        for qid, w in self.inputs.items():
            v = w.currentData() if isinstance(w, QComboBox) else w.text().strip()
            if v:
                out[qid] = v
        return out

    def set_answer(self, qid: str, value: str) -> None:
        w = self.inputs[qid]
        if isinstance(w, QComboBox):
            w.setCurrentIndex(w.findData(value))
        else:
            w.setText(value)

    def _load_history(self) -> None:
        self.history.clear()
        self.surveys = svc.list_surveys(self.db, self.code)
        for sv in self.surveys:
            text = self.tr("%1 · %2 · %3 problem answer(s)").replace("%1", sv.date.isoformat()) \
                .replace("%2", sv.visitors).replace("%3", str(len(sv.problem_answers)))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, sv.id)
            self.history.addItem(item)

    @Slot()
    def _show_old(self, item, _prev=None) -> None:
        if item is None:
            self.old_answers.clear()
            return
        sv = next(s for s in self.surveys if s.id == item.data(Qt.ItemDataRole.UserRole))
        tpl = svc.template(self.db, sv.template_version)
        version_word, notes_word, scans_word = self.tr("version"), self.tr("Notes"), self.tr("Scans")
        lines = [f"<b>{sv.date}</b>　{sv.visitors}　{version_word} {sv.template_version}"]
        for qid, v in sv.answers.items():
            q = tpl.question(qid)
            mark = "<span style='color:#c62828'>●</span> " if qid in sv.problem_answers else ""
            lines.append(f"{mark}{q.text if q else qid}：{v}")
        if sv.notes:
            lines.append(f"{notes_word}：{sv.notes}")
        if sv.files:
            lines.append(f"{scans_word}：{'、'.join(sv.files)}")
        self.old_answers.setHtml("<br>".join(lines))

    @Slot()
    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach Scans"), "",
                                                self.tr("Scans and photos (*.pdf *.jpg *.jpeg *.png)"))
        for f in files:
            self.files.append(f)
            self.file_list.addItem(os.path.basename(f))

    @Slot()
    def save(self) -> None:
        inp = svc.SurveyInput(self.code, self.date.date().toPython(), self.visitors.text(),
                              self.answers(), self.notes.toPlainText(), self.tpl.version,
                              list(self.files))
        try:
            self.saved = svc.save_survey(self.db, inp)
        except Exception as exc:  # noqa: BLE001 - shown to the clerk
            show_error(self, exc)
            return
        if self.saved.problems:
            QMessageBox.information(self, self.tr("Household Survey"),
                                    self.tr("Saved. %1 problem(s) were added to the problem list.")
                                    .replace("%1", str(len(self.saved.problems))))
        self.accept()


def open_survey(parent: QWidget, ctx, household_id: int | None) -> SurveyDialog | None:
    """Open the survey form of ``household_id`` (non-modal); the change bus hears of a save."""
    if household_id is None:
        return None
    try:
        dlg = SurveyDialog(ctx.db, svc.household_code_of(ctx.db, household_id), parent)
    except Exception as exc:  # noqa: BLE001 - e.g. the household was removed meanwhile
        show_error(parent, exc)
        return None

    def saved():
        ctx.changed.emit("surveys", [household_id])
        if dlg.saved and dlg.saved.problems:
            ctx.changed.emit("problems", dlg.saved.problems)

    dlg.accepted.connect(saved)
    dlg.open()
    return dlg
