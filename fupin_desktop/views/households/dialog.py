"""The household dialog (Enter / double-click opens it, Ctrl+N for a new household).

Pages: 基本情况 (every field of the household, each message next to its field), 家庭成员, 收入,
帮扶措施, 走访记录. Ctrl+S saves the household and its incomes in one transaction and keeps the
dialog open. A save that fails — a rule, or another clerk who saved first — changes nothing and
keeps everything typed; the message says what to do.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QTime, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QGridLayout, QHBoxLayout, QLabel,
    QMessageBox, QPushButton, QScrollArea, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
    QWidget,
)

from ...errors import ConflictError, UserError, ValidationError
from ...models import HOUSEHOLD_TYPES, MONITORING_CATEGORIES, RISK_TYPES
from ...models.household import ELIMINATION_METHODS, MEASURE_CATEGORIES
from ..common.correction import save_or_correct
from ..common.context import AppContext, show_error
from ..common.fields import FieldForm
from .income import IncomePage
from .lists import MeasuresPage, VisitsPage
from .members import MembersPage

PAGES = ("basic", "members", "income", "measures", "visits", "findings")


class HouseholdDialog(QDialog):
    saved = Signal(int)  # household id, after every successful save

    def __init__(self, ctx: AppContext, household_id: int | None = None,
                 parent: QWidget | None = None, village_id: int | None = None, check_as_of=None):
        from ...services.households import edit as households, registry

        super().__init__(parent)
        self.check_as_of = check_as_of  # the 疑点 shown are as of this date (None: today)
        self.ctx = ctx
        db = ctx.db
        form = (households.load_household(db, household_id) if household_id is not None
                else households.new_household(db, village_id))
        self.villages = registry.village_choices(db)
        self.resize(1060, 740)

        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.clicked.connect(self.reload)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.reload_button)
        self.banner_box = QWidget()
        self.banner_box.setLayout(banner_row)
        self.banner_box.hide()
        self.hints = QLabel()
        self.hints.setProperty("role", "hint")
        self.hints.setWordWrap(True)

        self.tabs = QTabWidget()
        self.basic = FieldForm()
        self.tabs.addTab(self._basic_page(), self.tr("Basic Information"))
        self.members = MembersPage(db)
        self.income = IncomePage(db)
        self.measures = MeasuresPage(db)
        self.visits = VisitsPage(db)
        self.tabs.addTab(self.members, self.tr("Members"))
        self.tabs.addTab(self.income, self.tr("Income"))
        self.tabs.addTab(self.measures, self.tr("Measures"))
        self.tabs.addTab(self.visits, self.tr("Visits"))
        self.findings = QTableWidget(0, 5)
        self.findings.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Rule"), self.tr("Severity"),
                                                 self.tr("Member"), self.tr("Detail")])
        self.findings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.findings.horizontalHeader().setStretchLastSection(True)
        self.tabs.addTab(self.findings, self.tr("Findings"))
        for page in (self.members, self.measures, self.visits):
            page.changed.connect(self.reload_lists)
        self.finding_rows = []

        self.status = QLabel()
        self.status.setProperty("role", "hint")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(self.tr("Save (Ctrl+S)"))
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self._save_shortcut)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner_box)
        layout.addWidget(self.hints)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._load(form)

    # -- 基本情况 ------------------------------------------------------------------------------
    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        return box, QFormLayout(box)

    def _basic_page(self) -> QWidget:
        add = self.basic.add
        g1, f1 = self._group(self.tr("Household details"))
        add("code", self.tr("Household code"), "code", layout=f1)
        add("village_id", self.tr("Village"), "lookup", self.villages, layout=f1)
        add("group_name", self.tr("Village group"), layout=f1)
        add("address", self.tr("Address"), layout=f1)
        add("county", self.tr("County"), layout=f1)
        add("township", self.tr("Township"), layout=f1)
        add("household_type", self.tr("Household type"), "choice", HOUSEHOLD_TYPES, layout=f1)
        add("poverty_exit_year", self.tr("Year lifted out of poverty"), "int", layout=f1)
        add("family_size", self.tr("Family size (declared)"), "int", layout=f1)
        add("phone", self.tr("Phone"), "code", layout=f1)
        add("bank_name", self.tr("Bank"), layout=f1)
        add("bank_account", self.tr("Bank account"), "code", layout=f1)

        g2, f2 = self._group(self.tr("Monitoring and risk"))
        add("monitoring_category", self.tr("Monitoring category"), "choice", MONITORING_CATEGORIES,
            layout=f2)
        add("monitoring_date", self.tr("Date identified for monitoring"), "date", layout=f2)
        for i in range(1, 6):
            add(f"risk{i}", self.tr("Risk %1").replace("%1", str(i)), "choice", RISK_TYPES, layout=f2)
        add("risk_eliminated", self.tr("Risk eliminated"), "tristate", layout=f2)
        add("elimination_method", self.tr("How eliminated"), "choice", ELIMINATION_METHODS, layout=f2)
        add("elimination_date", self.tr("Date eliminated"), "date", layout=f2)
        add("elimination_per_capita", self.tr("Per-capita income after elimination"), "money", layout=f2)

        g3, f3 = self._group(self.tr("Basic needs and guarantees"))
        for name, label in (("food_secure", self.tr("Enough to eat")),
                            ("clothing_secure", self.tr("Enough to wear")),
                            ("education_secure", self.tr("Compulsory education guaranteed")),
                            ("medical_secure", self.tr("Basic medical care guaranteed")),
                            ("housing_secure", self.tr("Safe housing guaranteed")),
                            ("safe_water", self.tr("Safe drinking water")),
                            ("dangerous_house", self.tr("Dilapidated house")),
                            ("low_income_support", self.tr("Receives minimum living allowance")),
                            ("extreme_poverty_support", self.tr("Receives extreme-poverty support"))):
            add(name, label, "tristate", layout=f3)

        g4 = QGroupBox(self.tr("Assistance received (categories)"))
        grid = QGridLayout(g4)
        for i, (attr, cn) in enumerate(MEASURE_CATEGORIES):
            grid.addWidget(self.basic.create(f"measure_{attr}", cn, "check"), i // 3, i % 3)

        g5, f5 = self._group(self.tr("Helper"))
        add("helper_name", self.tr("Helper name"), layout=f5)
        add("helper_unit", self.tr("Helper unit"), layout=f5)
        add("helper_phone", self.tr("Helper phone"), "code", layout=f5)
        add("note", self.tr("Note"), "memo", layout=f5)

        page = QWidget()
        cols = QHBoxLayout(page)
        left, right = QVBoxLayout(), QVBoxLayout()
        for g in (g1, g5):
            left.addWidget(g)
        left.addStretch(1)
        for g in (g2, g3, g4):
            right.addWidget(g)
        right.addStretch(1)
        cols.addLayout(left, 1)
        cols.addLayout(right, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    # -- loading -----------------------------------------------------------------------------
    def _load(self, form) -> None:
        self.form = form
        self.basic.load(form)
        hid = form.id
        for page in (self.members, self.measures, self.visits):
            page.set_household(hid)
        self._set_lists(form)
        active = sum(1 for m in form.members if m.status == "正常" and not m.deleted)
        self.income.load(form.incomes, active)
        title = (self.tr("Household %1").replace("%1", form.code) if hid is not None
                 else self.tr("New Household"))
        self.setWindowTitle(title)
        self._show_banner("")
        self._show_hints(form)
        self.refresh_findings()

    def refresh_findings(self) -> None:
        """This household's 疑点 (CHECK_RULES.md) on today's date, re-checked on every load and
        save: one household is checked in a few milliseconds, so it runs right here."""
        import datetime as dt

        from ...domain.checks import all_rules
        from ...services.checks import run_check

        self.finding_rows = []
        if self.form.id is not None and self.form.code:
            try:
                self.finding_rows = run_check(self.ctx.db, self.check_as_of or dt.date.today(),
                                              household_code=self.form.code).findings
            except Exception:  # noqa: BLE001 - the check must never stop the clerk editing
                import logging

                logging.getLogger(__name__).exception("household check failed")
        rules = {r.code: r for r in all_rules()}
        self.findings.setRowCount(len(self.finding_rows))
        for row, f in enumerate(self.finding_rows):
            r = rules.get(f.code)
            name = r.name if r else ""
            detail = f.detail + (self.tr(" (exempted)") if f.exempted else "")
            for col, text in enumerate((f.code, name, r.severity if r else "", f.member or "", detail)):
                item = QTableWidgetItem(text)
                if r is not None:
                    item.setToolTip(r.fix)
                self.findings.setItem(row, col, item)
        self.findings.resizeColumnsToContents()
        open_ = sum(1 for f in self.finding_rows if not f.exempted)
        self.tabs.setTabText(5, self.tr("Findings") + (f" ({open_})" if open_ else ""))

    def _set_lists(self, form) -> None:
        self.members.set_rows(form.members)
        self.measures.set_rows(form.measures)
        self.visits.set_rows(form.visits)
        for i, page in ((1, self.members), (3, self.measures), (4, self.visits)):
            base = self.tabs.tabText(i).split(" (")[0]
            self.tabs.setTabText(i, f"{base} ({page.model.rowCount()})")

    def _show_hints(self, form) -> None:
        from ...services.households.form_rules import household_warnings

        warnings = household_warnings(form)
        self.hints.setText("\n".join(warnings.values()))
        self.hints.setVisible(bool(warnings))

    @Slot()
    def reload_lists(self) -> None:
        """After a member, measure or visit was saved: refresh the lists, keep the typing."""
        from ...services.households.edit import load_household

        fresh = load_household(self.ctx.db, self.form.id)
        self.form = dataclasses.replace(self.form, members=fresh.members,
                                        measures=fresh.measures, visits=fresh.visits)
        self._set_lists(self.form)
        self._show_hints(self.form)
        self.refresh_findings()
        self.ctx.changed.emit("members", [self.form.id])

    @Slot()
    def reload(self) -> None:
        """Discard what was typed and load the record as it is now (after a conflict)."""
        from ...services.households.edit import load_household

        if self.has_changes and QMessageBox.question(
                self, self.tr("Reload"),
                self.tr("Discard your changes and load the record as saved by others?")
        ) != QMessageBox.StandardButton.Yes:
            return
        self._load(load_household(self.ctx.db, self.form.id))

    # -- saving ------------------------------------------------------------------------------
    @property
    def has_changes(self) -> bool:
        return self.basic.dirty or self.income.has_changes

    def edited_form(self):
        """The form with everything typed, or None when a value cannot be read (shown)."""
        values, errors = self.basic.values()
        incomes, income_errors = self.income.incomes()
        if errors or income_errors:
            self._show_errors({**errors, **income_errors})
            return None
        return dataclasses.replace(self.form, **values, incomes=incomes)

    @Slot()
    def _save_shortcut(self) -> None:
        """Ctrl+S: save, or say there is nothing to save (a saved record, nothing typed)."""
        if self.form.id is not None and not self.has_changes:
            self.status.setText(self.tr("Nothing to save"))
            return
        self.save()

    @Slot()
    def save(self) -> bool:
        from ...services.households import edit as households

        form = self.edited_form()
        if form is None:
            return False
        try:
            save_or_correct(self, lambda correction: households.save_household(
                self.ctx.db, form, correction=correction))
        except ValidationError as exc:
            self._show_errors(exc.errors or {exc.field or "": str(exc)})
            return False
        except ConflictError as exc:
            self._show_banner(str(exc), conflict=True)
            return False
        except UserError as exc:
            self._show_banner(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a bug: logged; the typing stays
            show_error(self, exc)
            return False
        hid = form.id if form.id is not None else self._id_of(form.code)
        self._load(households.load_household(self.ctx.db, hid))
        self.status.setText(self.tr("Saved at %1").replace("%1", QTime.currentTime().toString("HH:mm:ss")))
        self.saved.emit(hid)
        return True

    def _id_of(self, code: str) -> int:
        from ...services.households import registry
        from ...services.households.forms import clean

        # save_household returns the version only; find the new record through the registry:
        # its search finds a numeric 户编号 directly, any other code by scanning pages of rows.
        code = clean(code)
        db, everyone = self.ctx.db, registry.RegistryFilter(include_deleted=True)
        candidates = registry.ids(db, registry.RegistryFilter(search=code, include_deleted=True))
        for ids in (candidates, registry.ids(db, everyone, "code", True)):
            for start in range(0, len(ids), 500):
                for row in registry.rows(db, ids[start:start + 500]):
                    if row.code == code:
                        return row.id
        raise UserError(f"找不到刚保存的户{code}，请刷新后查看")  # pragma: no cover - defensive

    def _show_errors(self, errors: dict[str, str]) -> None:
        basic = {k: v for k, v in errors.items() if k in self.basic.fields}
        first = self.basic.show_errors(basic)
        on_income = self.income.show_errors(errors)
        others = [v for k, v in errors.items() if k not in self.basic.fields
                  and not k.startswith("income.")]
        count = len(errors)
        text = self.tr("%1 item(s) to correct, marked in red.").replace("%1", str(count))
        if others:
            text += "\n" + "\n".join(others)
        self._show_banner(text)
        if first is not None:
            self.tabs.setCurrentIndex(0)
            first.setFocus()
        elif on_income:
            self.tabs.setCurrentWidget(self.income)

    def _show_banner(self, text: str, conflict: bool = False) -> None:
        self.banner.setText(text)
        self.reload_button.setVisible(conflict)
        self.banner_box.setVisible(bool(text))
        if text:
            self.status.setText("")

    def show_page(self, name: str) -> None:
        self.tabs.setCurrentIndex(PAGES.index(name))

    def reject(self) -> None:
        if self.has_changes:
            answer = QMessageBox.question(
                self, self.windowTitle(), self.tr("Close without saving your changes?"),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer == QMessageBox.StandardButton.Cancel:
                return
            if answer == QMessageBox.StandardButton.Save and not self.save():
                return
        super().reject()

