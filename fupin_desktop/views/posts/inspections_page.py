"""考核: the weekly inspections of a month — score, grade (from the rule thresholds), 红旗 / 黄旗,
problem, rectification deadline, rectified. Overdue yellow flags (past the deadline, not fixed)
are red: they cost the worker money in the month of the deadline."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSettings, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QInputDialog, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from ...models.posts import FLAGS
from ...domain.posts_calendar import month_text
from ..common.context import show_error
from ..common.list_page import ListPage
from ..common.widgets import make_table, village_combo
from .widgets import OVERDUE, ColouredListModel, MonthPicker
from ..common.list_model import Column

YELLOW = QColor("#fff4c2")
RED_FLAG = QColor("#e3f4e1")
INSPECTION_FIELDS = ("assignment_id", "date", "inspector", "score", "flag", "problem", "deadline",
                     "rectified", "rectified_date")


class InspectionsPage(ListPage):
    CHANGE_KIND = "inspections"

    def __init__(self, ctx, notify, parent: QWidget | None = None):
        super().__init__(ctx, notify, parent)
        self.month = MonthPicker()
        self.village = village_combo(self.tr("All villages"))
        self.flag = QComboBox()
        self.flag.addItem(self.tr("All inspections"), None)
        for f in FLAGS:
            self.flag.addItem(f, f)
        self.flag.addItem(self.tr("Overdue yellow flags (any month)"), "overdue")
        self.count = QLabel()
        self.rectify_button = QPushButton(self.tr("Mark Rectified…"))
        self.rectify_button.clicked.connect(self.rectify_current)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Month")))
        top.addWidget(self.month)
        top.addWidget(QLabel(self.tr("Village")))
        top.addWidget(self.village)
        top.addWidget(self.flag)
        top.addWidget(self.rectify_button)
        top.addStretch(1)
        top.addWidget(self.count)
        self.model = ColouredListModel([
            Column("date", self.tr("Date"), "date", width=90),
            Column("village_name", self.tr("Village"), width=80),
            Column("worker_name", self.tr("Full name"), width=70),
            Column("post_name", self.tr("Post"), width=170),
            Column("inspector", self.tr("Inspector"), width=70),
            Column("score", self.tr("Score"), "int", width=50),
            Column("grade", self.tr("Grade"), width=55),
            Column("flag", self.tr("Flag"), width=45),
            Column("problem", self.tr("Problem found"), width=200),
            Column("deadline", self.tr("Rectify by"), "date", width=90),
            Column("rectified", self.tr("Rectified"), "bool", width=55),
            Column("rectified_date", self.tr("Rectified on"), "date", width=90),
        ], self)
        today = dt.date.today()
        self.model.colour = lambda i: (OVERDUE if i.overdue(today) else YELLOW if i.flag == "黄旗"
                                       else RED_FLAG if i.flag == "红旗" else None)
        self.model.tip = lambda i: (self.tr("Yellow flag not rectified by the deadline")
                                    if i.overdue(today) else None)
        self.table = make_table(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.month.changed.connect(self.reload)
        self.village.currentIndexChanged.connect(lambda _i: self.reload())
        self.flag.currentIndexChanged.connect(lambda _i: self.reload())

    def focus_search(self) -> None:
        self.month.setFocus()  # no search box: the month is what the clerk changes

    def fetch(self) -> list:
        from ...services.posts.inspections import list_inspections

        flag = self.flag.currentData()
        overdue = flag == "overdue"
        self.month.setEnabled(not overdue)  # the overdue flags of every month
        return list_inspections(self.ctx.db, month=None if overdue else self.month.month(),
                                village_id=self.village.currentData(),
                                flag=None if overdue else flag,
                                overdue_on=dt.date.today() if overdue else None)

    def show_rows(self, rows, keep) -> None:
        self.model.set_rows(rows)
        reds = sum(1 for i in rows if i.flag == "红旗")
        yellows = sum(1 for i in rows if i.flag == "黄旗")
        late = sum(1 for i in rows if i.overdue(dt.date.today()))
        self.count.setText(self.tr("%1 inspections · red flags %2 · yellow flags %3 (overdue %4)")
                           .replace("%1", str(len(rows))).replace("%2", str(reds))
                           .replace("%3", str(yellows)).replace("%4", str(late)))
        self.select_kept(rows, keep)

    # -- editing -----------------------------------------------------------------------------
    def _workers(self, month: dt.date, extra=None) -> tuple:
        from ...services.posts.assignments import list_assignments

        rows = list_assignments(self.ctx.db, month=month, village_id=self.village.currentData())
        out = [(a.id, f"{a.village_name} · {a.worker_name} · {a.post_name}") for a in rows]
        if extra is not None and extra.assignment_id not in {a for a, _t in out}:
            out.append((extra.assignment_id, f"{extra.village_name} · {extra.worker_name} · "
                                             f"{extra.post_name}"))
        return tuple(out)

    def open_dialog(self, insp=None):
        from ...services.posts.inspections import (
            InspectionInput, add_inspection, update_inspection,
        )
        from ...services.posts.rules import load_rules
        from ..common.record_dialog import MedicalRecordDialog

        m = self.month.month()
        with self.ctx.db.read() as s:
            rules = load_rules(s)
        fields = [("assignment_id", self.tr("Worker"), "lookup", self._workers(m, insp)),
                  ("date", self.tr("Inspection date"), "date", ()),
                  ("inspector", self.tr("Inspector"), "text", ()),
                  ("score", self.tr("Score (0–100)"), "int", ()),
                  ("flag", self.tr("Flag"), "choice", FLAGS),
                  ("problem", self.tr("Problem found"), "memo", ()),
                  ("deadline", self.tr("Rectify by (yellow flag; empty: %1 days)")
                   .replace("%1", str(rules.rectify_days)), "date", ()),
                  ("rectified", self.tr("Rectified"), "check", ()),
                  ("rectified_date", self.tr("Rectified on"), "date", ())]
        if insp is not None:
            data = {k: getattr(insp, k) for k in INSPECTION_FIELDS}
        else:
            today = dt.date.today()
            cur = self.current()
            data = {"date": today if today.replace(day=1) == m else m,
                    "inspector": QSettings().value("posts/inspector", "") or None,
                    "assignment_id": cur.assignment_id if cur is not None else None}

        def save(values):
            values["flag"] = values.get("flag") or None
            values["rectified"] = bool(values.get("rectified"))
            if values.get("assignment_id") is None or values.get("date") is None:
                from ...errors import ValidationError

                errors = {k: msg for k, msg in (
                    ("assignment_id", self.tr("Choose the worker")),
                    ("date", self.tr("Enter the inspection date"))) if values.get(k) is None}
                raise ValidationError("；".join(errors.values()), errors=errors)
            QSettings().setValue("posts/inspector", values.get("inspector") or "")
            data = InspectionInput(**values)
            if insp is None:
                return add_inspection(self.ctx.db, data)
            reason = None
            if (data.rectified, data.rectified_date if data.rectified else None) != (
                    insp.rectified, insp.rectified_date):
                reason = self._closed_month_reason(insp, data.rectified, data.rectified_date)
                if reason is False:
                    from ...errors import ValidationError

                    raise ValidationError(self.tr("A reason is needed to correct a closed month"),
                                          field="rectified")
            return update_inspection(self.ctx.db, insp.id, data, insp.version, reason=reason or None)

        title = (self.tr("Inspection: %1 %2").replace("%1", insp.worker_name)
                 .replace("%2", insp.date.isoformat()) if insp else self.tr("New Inspection"))
        dlg = MedicalRecordDialog(title, fields, data, save, self)
        grade = QLabel()
        dlg.form.layout.insertRow(4, self.tr("Grade"), grade)

        def show_grade():
            try:
                g = rules.grade_for_score(dlg.form["score"].value())
            except ValueError:
                g = None
            grade.setText(g or "—")

        dlg.form["score"].edited.connect(show_grade)
        show_grade()
        return self.show_dialog(dlg)

    def delete_prompt(self, insp) -> tuple[str, str]:
        return self.tr("Delete Inspection"), f"{insp.worker_name} {insp.date.isoformat()}"

    def delete_record(self, insp, reason: str) -> None:
        from ...services.posts.inspections import delete_inspection

        delete_inspection(self.ctx.db, insp.id, reason)

    def _closed_month_reason(self, insp, rectified: bool, rectified_date):
        """None: no closed month is affected; False: the clerk cancelled; else the reason."""
        from ...services.posts.inspections import rectification_closed_month
        from .widgets import ask_written_reason

        m = rectification_closed_month(self.ctx.db, insp.id, rectified, rectified_date)
        if m is None:
            return None
        reason = ask_written_reason(
            self, self.tr("Correct a Closed Month"),
            self.tr("The deadline of this yellow flag falls in %1, which is closed: its payroll "
                    "was printed and signed.\nThe change is recorded as a correction and the "
                    "difference is paid or recovered with the next open month's wages.\n\n"
                    "Why is the rectification changed?").replace("%1", month_text(m)))
        return reason or False

    @Slot()
    def rectify_current(self) -> None:
        from ...domain.normalize import parse_date
        from ...services.posts.inspections import rectify

        i = self.current()
        if i is None:
            return
        text, ok = QInputDialog.getText(
            self, self.tr("Mark Rectified"),
            self.tr("%1: date the problem was fixed").replace("%1", i.worker_name),
            text=dt.date.today().isoformat())
        if not ok:
            return
        try:
            day = parse_date(text)
            if day is None:
                raise ValueError(self.tr("enter a date such as 2025-10-31"))
            reason = self._closed_month_reason(i, True, day)
            if reason is False:
                return
            rectify(self.ctx.db, i.id, day, i.version, reason=reason)
        except ValueError as exc:
            from ...errors import ValidationError

            show_error(self, ValidationError(str(exc)))
            return
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.notify("inspections", [i.id], self, i.id)
