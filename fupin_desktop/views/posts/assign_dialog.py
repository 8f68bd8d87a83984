"""上岗: put a member on a post (or edit an assignment), with the worker picker showing each
candidate's eligibility; 离岗 / 撤销 with a date and a reason.

Eligibility is decided by the service. When the chosen member fails a rule, the dialog lists the
rules (in Chinese, from the service) and asks for a written reason; only with one is the
assignment saved, the reason stored on it and in the audit log.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QMessageBox, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget,
)

from ...errors import ConflictError, UserError, ValidationError
from ..common.context import show_error
from ..common.fields import FieldForm
from ..common.widgets import current_record, make_table
from .widgets import NOTICE, ColouredListModel, ask_written_reason
from ..common.list_model import Column

SEARCH_DELAY_MS = 200


def ask_override_reason(parent: QWidget, worker: str, result) -> str | None:
    """The written reason for putting a member on a post although rules fail (None: cancelled)."""
    rules = "\n".join(f"• {f.message}" for f in result.failures)
    head = QCoreApplication.translate("PostsAssign", "%1 does not meet these conditions for a post:")
    tail = QCoreApplication.translate(
        "PostsAssign", "To assign the post all the same, write the reason for the exception. "
        "It is stored with the assignment and in the audit log.")
    return ask_written_reason(
        parent, QCoreApplication.translate("PostsAssign", "Eligibility Exception"),
        f"{head.replace('%1', worker)}\n{rules}\n\n{tail}",
        ok_text=QCoreApplication.translate("PostsAssign", "Assign with Exception"))


def _align_labels(*layouts: QFormLayout) -> None:
    """Give the labels of several form layouts one width, so the fields line up."""
    labels = [lay.itemAt(i, QFormLayout.ItemRole.LabelRole).widget() for lay in layouts
              for i in range(lay.rowCount()) if lay.itemAt(i, QFormLayout.ItemRole.LabelRole)]
    width = max((w.sizeHint().width() for w in labels if w is not None), default=0)
    for w in labels:
        if w is not None:
            w.setMinimumWidth(width)


class AssignDialog(QDialog):
    saved = Signal(object)  # the AssignmentView

    def __init__(self, ctx, posts, assignment=None, parent: QWidget | None = None, *,
                 post_id: int | None = None):
        super().__init__(parent)
        self.ctx, self.a = ctx, assignment
        self.posts = {p.id: p for p in posts}
        self.setWindowTitle(self.tr("Assign Post") if assignment is None else
                            self.tr("Assignment: %1").replace("%1", assignment.worker_name))
        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        top_layout, form_layout = QFormLayout(), QFormLayout()
        self.form = FieldForm(form_layout)
        choices = tuple((p.id, f"{p.village_name} · {p.name}（{p.post_type}，{p.wage_standard:,.2f}）")
                        for p in posts)
        # tab order follows the work: post and date first, then the worker, then the details
        self.form.add("post_id", self.tr("Post"), "lookup", choices, layout=top_layout)
        self.form.add("start_date", self.tr("Start date"), "date", layout=top_layout)
        self.form.add("end_date", self.tr("End date (empty: still in post)"), "date")
        self.form.add("agreement_no", self.tr("Agreement number"), "code")
        self.form.add("bank_name", self.tr("Bank"), "text")
        self.form.add("bank_account", self.tr("Bank account"), "code")
        if assignment is not None:
            self.form.load(assignment)
        else:
            self.form["post_id"].set_value(post_id)
            self.form["start_date"].set_value(dt.date.today())
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        self.chosen = None
        if assignment is not None:  # the worker of an assignment is fixed: shown on top
            who = QLabel(self.tr("Worker: %1　%2　household %3")
                         .replace("%1", assignment.worker_name).replace("%2", assignment.id_masked)
                         .replace("%3", assignment.household_code))
            layout.addWidget(who)
            if assignment.override_reason:
                note = QLabel(self.tr("Exception: %1 — %2").replace("%1", assignment.override_rules or "")
                              .replace("%2", assignment.override_reason))
                note.setWordWrap(True)
                note.setProperty("role", "hint")
                layout.addWidget(note)
        layout.addLayout(top_layout)
        if assignment is None:
            layout.addWidget(self._picker(), 1)
        layout.addLayout(form_layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        layout.addWidget(buttons)
        self.form.dirty = False
        _align_labels(top_layout, form_layout)
        if assignment is None:
            self.resize(900, 680)
        else:
            self.setMinimumWidth(700)

    # -- worker picker -------------------------------------------------------------------------
    def _picker(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Worker: type a name, ID number or household code"))
        self.search.setClearButtonEnabled(True)
        self.same_village = QCheckBox(self.tr("Only the post's village"))
        self.same_village.setChecked(True)
        self.only_eligible = QCheckBox(self.tr("Only eligible members"))
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.same_village)
        row.addWidget(self.only_eligible)
        self.cand_model = ColouredListModel([
            Column("worker_name", self.tr("Full name"), width=70),
            Column("id_masked", self.tr("ID number"), "code", width=160),
            Column("household_code", self.tr("Household code"), "code", width=160),
            Column("village_name", self.tr("Village"), width=80),
            Column("age", self.tr("Age"), "int", width=40),
            Column("labour_skill", self.tr("Labour ability"), width=100),
            Column("eligible", self.tr("Eligible"), "bool", width=66),
            Column("reasons", self.tr("Conditions not met"), width=240),
        ], self)
        self.cand_model.colour = lambda c: None if c.eligible else NOTICE
        self.cand_table = make_table(self.cand_model)
        self.cand_table.selectionModel().currentRowChanged.connect(lambda *_: self._pick())
        self.cand_table.activated.connect(lambda _i: self.form["end_date"].setFocus())
        self.picked = QLabel(self.tr("No worker chosen yet"))
        self.picked.setWordWrap(True)
        v.addLayout(row)
        v.addWidget(self.cand_table, 1)
        v.addWidget(self.picked)
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.load_candidates)
        self.search.textEdited.connect(lambda _t: self.timer.start())
        self.search.returnPressed.connect(self._search_enter)
        for w in (self.same_village, self.only_eligible):
            w.toggled.connect(lambda _c: self.timer.start())
        self.form["post_id"].edited.connect(self.timer.start)
        self.form["start_date"].edited.connect(self.timer.start)
        self.load_candidates()
        return box

    def _search_enter(self) -> None:
        self.load_candidates()
        if self.cand_model.rowCount():
            self.cand_table.setFocus()
            self.cand_table.selectRow(0)

    def _on_date(self) -> dt.date:
        try:
            return self.form["start_date"].value() or dt.date.today()
        except ValueError:
            return dt.date.today()

    @Slot()
    def load_candidates(self) -> None:
        from ...services.posts.assignments import candidate_members

        self.timer.stop()
        post = self.posts.get(self.form["post_id"].widget.currentData())
        village = post.village_id if post is not None and self.same_village.isChecked() else None
        keep = self.chosen.member_id if self.chosen is not None else None
        try:
            rows = candidate_members(self.ctx.db, self._on_date(), village_id=village,
                                     search=self.search.text().strip() or None)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        if self.only_eligible.isChecked():
            rows = [r for r in rows if r.eligible]
        self.cand_model.set_rows(rows)
        row = next((i for i, r in enumerate(rows) if r.member_id == keep), -1)
        if row >= 0:
            self.cand_table.selectRow(row)
        else:
            self.chosen = None
            self._show_pick()

    def _pick(self) -> None:
        self.chosen = current_record(self.cand_table)
        self._show_pick()

    def _show_pick(self) -> None:
        c = self.chosen
        if c is None:
            self.picked.setText(self.tr("No worker chosen yet"))
            self.picked.setProperty("role", "")
        elif c.eligible:
            self.picked.setText(self.tr("Chosen: %1 (%2), meets every condition")
                                .replace("%1", c.worker_name).replace("%2", c.village_name))
            self.picked.setProperty("role", "")
        else:
            self.picked.setText(self.tr("Chosen: %1 (%2) — not met: %3")
                                .replace("%1", c.worker_name).replace("%2", c.village_name)
                                .replace("%3", c.reasons))
            self.picked.setProperty("role", "error")
        self.picked.style().unpolish(self.picked)
        self.picked.style().polish(self.picked)

    # -- saving --------------------------------------------------------------------------------
    def accept(self) -> None:
        from ...services.posts.assignments import AssignmentInput

        self.banner.hide()
        values, errors = self.form.values()
        if not errors:
            if values["post_id"] is None:
                errors["post_id"] = self.tr("Choose the post")
            if values["start_date"] is None:
                errors["start_date"] = self.tr("Enter the start date")
            self.form.show_errors(errors)
        member_id = self.a.member_id if self.a is not None else (
            self.chosen.member_id if self.chosen is not None else None)
        if member_id is None:
            self._banner(self.tr("Choose the worker from the list first."))
            return
        if errors:
            return
        data = AssignmentInput(member_id=member_id, **values)
        worker = self.a.worker_name if self.a is not None else self.chosen.worker_name
        reason = None
        while True:
            try:
                view = self._save(data, reason)
                break
            except Exception as exc:  # noqa: BLE001 - sorted below
                from ...services.posts.assignments import EligibilityError

                if isinstance(exc, EligibilityError) and reason is None:
                    reason = ask_override_reason(self, worker, exc.result)
                    if reason is None:
                        self._banner(str(exc))
                        return
                    continue
                self._failed(exc)
                return
        self.form.dirty = False
        self.saved.emit(view)
        super().accept()

    def _save(self, data, reason):
        from ...services.posts.assignments import create_assignment, update_assignment

        if self.a is None:
            return create_assignment(self.ctx.db, data, override_reason=reason)
        return update_assignment(self.ctx.db, self.a.id, data, self.a.version, override_reason=reason)

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            errors = {k: v for k, v in exc.errors.items() if k in self.form.fields}
            first = self.form.show_errors(errors)
            rest = [v for k, v in exc.errors.items() if k not in self.form.fields] or (
                [] if errors else [str(exc)])
            self._banner("\n".join(rest))
            if first is not None:
                first.setFocus()
        elif isinstance(exc, (ConflictError, UserError)):
            self._banner(str(exc))
        else:
            show_error(self, exc)

    def _banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def reject(self) -> None:
        if self.form.dirty and QMessageBox.question(
                self, self.windowTitle(), self.tr("Discard your changes and close?")
        ) != QMessageBox.StandardButton.Yes:
            return
        super().reject()


class EndDialog(QDialog):
    """离岗 (leaves the post) or 撤销 (post revoked) from a date, with the reason."""

    saved = Signal(object)

    def __init__(self, ctx, assignment, status: str = "离岗", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.a = ctx, assignment
        self.setWindowTitle(self.tr("End Assignment: %1").replace("%1", assignment.worker_name))
        self.leave = QRadioButton(self.tr("Leaves the post"))
        self.revoke = QRadioButton(self.tr("Post revoked"))
        (self.revoke if status == "撤销" else self.leave).setChecked(True)
        form_layout = QFormLayout()
        self.form = FieldForm(form_layout)
        form_layout.addRow(self.tr("Worker"), QLabel(f"{assignment.worker_name}　{assignment.post_name}"))
        form_layout.addRow(self.tr("Kind"), self.leave)
        form_layout.addRow("", self.revoke)
        self.form.add("end_date", self.tr("Last day in post"), "date")
        self.form["end_date"].set_value(assignment.end_date or dt.date.today())
        self.reason = QPlainTextEdit(assignment.end_reason or "")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(70)
        self.reason.setPlaceholderText(self.tr("Reason (required)"))
        form_layout.addRow(self.tr("Reason"), self.reason)
        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form_layout)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def accept(self) -> None:
        from ...services.posts.assignments import end_assignment

        values, errors = self.form.values()
        if errors:
            return
        if values["end_date"] is None:
            self.form.show_errors({"end_date": self.tr("Enter the last day in post")})
            return
        status = "撤销" if self.revoke.isChecked() else "离岗"
        try:
            view = end_assignment(self.ctx.db, self.a.id, values["end_date"], status,
                                  self.reason.toPlainText().strip(), self.a.version)
        except (ConflictError, UserError) as exc:
            self.banner.setText(str(exc))
            self.banner.show()
            return
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.saved.emit(view)
        super().accept()
