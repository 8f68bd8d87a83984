"""医疗救助: settlements with their reimbursement split, chronic-disease cards, family-doctor
signings and follow-ups, the gap lists, and the 因病返贫 alerts — one page each, under one
toolbar whose 新增 / 打开 / 删除 / Ctrl+F act on the page shown.

Pages reload only when shown: a change elsewhere marks them stale (``notify``), so saving a
settlement does not recompute the alert list until the clerk looks at it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QVBoxLayout, QWidget

from ..common.paged_tab import PagedTab
from ..common.context import AppContext, show_error
from .alerts_page import AlertsPage
from .chronic_page import ChronicPage
from .gaps_page import GapsPage
from .settlements_page import SettlementsPage
from .signing_page import SigningPage

PAGE_KEYS = ("settlements", "chronic", "signing", "gaps", "alerts")


class MedicalTab(PagedTab):
    WATCHED = frozenset({"all", "villages", "settings", "households", "members", "medical",
                         "incomes"})

    @classmethod
    def tab_title(cls) -> str:
        return QCoreApplication.translate("MedicalTab", "Medical Relief")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.settlements = SettlementsPage(ctx)
        self.chronic = ChronicPage(ctx, self.notify)
        self.signing = SigningPage(ctx, self.notify)
        self.gaps = GapsPage(ctx)
        self.alerts = AlertsPage(ctx, self.notify)
        for page, title in ((self.settlements, self.tr("Settlements")),
                            (self.chronic, self.tr("Chronic Disease Cards")),
                            (self.signing, self.tr("Family Doctors")),
                            (self.gaps, self.tr("Gap Lists")),
                            (self.alerts, self.tr("Illness Poverty Alerts"))):
            self.pages.addTab(page, title)
        self._open_on_enter()
        self.gaps.sign_requested.connect(self._sign_from_gap)
        self.gaps.follow_up_requested.connect(self._follow_up_from_gap)
        self.alerts.settlements_requested.connect(self._show_household_settlements)
        self.alerts.loaded.connect(self._update_titles)
        self.pages.currentChanged.connect(self._page_changed)
        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.pages, 1)
        ctx.changed.connect(self._on_changed)
        self.refresh()

    # -- construction ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.new_action = self._act(self.tr("New"), self.new_record, QKeySequence.StandardKey.New,
                                    self.tr("New settlement, card or signing (Ctrl+N)"))
        self.open_action = self._act(self.tr("Open"), self.open_current,
                                     tip=self.tr("Open the selected record (Enter)"))
        self.delete_action = self._act(self.tr("Delete…"), self.delete_current)
        self.import_action = self._act(self.tr("Import Medical Settlements…"), self.start_import)
        self.export_action = self._act(self.tr("Export Settlements to Excel…"), self.export_excel)
        self.ledger_action = self._act(self.tr("Print Medical Ledger…"), self.print_ledger,
                                       QKeySequence.StandardKey.Print)
        self.settings_action = self._act(self.tr("Medical Relief Settings…"), self.edit_settings)
        self.find_action = self._act(self.tr("Find"), self.focus_search, QKeySequence.StandardKey.Find)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (self.new_action, self.open_action, self.delete_action, None,
                    self.import_action, self.export_action, self.ledger_action, None,
                    self.settings_action):
            if act is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(act)

    def file_actions(self) -> list[QAction]:
        return [self.import_action, self.export_action, self.ledger_action, self.settings_action]

    # -- pages -------------------------------------------------------------------------------
    def editable_pages(self) -> tuple[QWidget, ...]:
        return (self.settlements, self.chronic, self.signing)

    def _after_notify(self, page: QWidget | None) -> None:
        if self.current_page() is not page:  # e.g. a follow-up recorded from the gap list
            self._page_changed(self.pages.currentIndex())
        self._update_titles()

    def refresh(self) -> None:
        super().refresh()
        self._update_titles()

    def _update_titles(self) -> None:
        n_alerts = self.alerts.model.rowCount()
        base = self.tr("Illness Poverty Alerts")
        self.pages.setTabText(4, f"{base} ({n_alerts})" if self.alerts not in self._stale else base)

    # -- actions on the page shown -----------------------------------------------------------
    # a settlement opens in the tab's SettlementDialog; the other pages edit their own records
    @Slot()
    def new_record(self):
        if self.current_page() is self.settlements:
            return self._open_settlement(None)
        return super().new_record()

    @Slot()
    def open_current(self):
        if self.current_page() is self.settlements:
            r = self.settlements.current()
            return self._open_settlement(r.id) if r is not None else None
        return super().open_current()

    def _open_settlement(self, settlement_id: int | None, member=None):
        from .settlement_dialog import SettlementDialog

        try:
            dlg = SettlementDialog(self.ctx, settlement_id, self, member=member)
        except Exception as exc:  # noqa: BLE001 - e.g. deleted meanwhile
            show_error(self, exc)
            return None
        dlg.saved.connect(lambda sid: self.notify("medical", [sid], self.settlements, sid))
        self.dialog = dlg  # one at a time; tests reach it here
        dlg.open()
        return dlg

    @Slot()
    def delete_current(self) -> None:
        if self.current_page() is self.settlements:
            self._delete_settlement()
        else:
            super().delete_current()

    def _delete_settlement(self) -> None:
        from ...errors import UserError
        from ...services.medical.settlement_edit import delete_settlement
        from ..common.widgets import ask_reason

        r = self.settlements.current()
        if r is None:
            return
        reason = ask_reason(self, self.tr("Delete Settlement"),
                            f"{r.member_name} {r.settlement_date.isoformat()} {r.settlement_no}")
        if reason is None:
            return
        try:
            delete_settlement(self.ctx.db, r.id, r.version, reason)
        except UserError as exc:
            show_error(self, exc)
        self.notify("medical", [r.id], self.settlements)

    @Slot(object)
    def _sign_from_gap(self, member) -> None:
        self.show_page("signing").new_record(member)

    @Slot(object)
    def _follow_up_from_gap(self, signing) -> None:
        self.signing.follow_up_dialog(signing)

    @Slot(int, str)
    def _show_household_settlements(self, household_id: int, code: str) -> None:
        from ...services.medical.period import Period

        self.show_page("settlements")
        self.settlements.show_household((household_id, code), Period(self.alerts.year_box.value()))

    # -- import / export / print / settings --------------------------------------------------
    @Slot()
    def start_import(self, path: str | None = None):
        from .io import start_import

        return start_import(self, self.ctx, on_done=lambda _r: self.notify("medical", []),
                            path=path)

    @Slot()
    def export_excel(self):
        from .io import export_excel

        return export_excel(self, self.ctx, self._villages, self.settlements.current_filter())

    @Slot()
    def print_ledger(self):
        from .io import print_ledger

        page = self.current_page()
        kind = ("chronic" if page is self.chronic else
                "signing" if page is self.signing else "medical")
        return print_ledger(self, self.ctx, self._villages, kind, self.settlements.current_filter())

    @Slot()
    def edit_settings(self) -> None:
        from .settings_dialog import MedicalSettingsDialog

        year = self.settlements.period.period()
        MedicalSettingsDialog(self.ctx, self, year.year if year else None).exec()

    # -- state -------------------------------------------------------------------------------
    def _headers(self):
        return (("settlements", self.settlements.table), ("chronic", self.chronic.table),
                ("signing", self.signing.table), ("follow_ups", self.signing.fu_table),
                ("unsigned", self.gaps.unsigned_table), ("overdue", self.gaps.overdue_table),
                ("alerts", self.alerts.table))

    def save_state(self, settings: QSettings) -> None:
        for key, table in self._headers():
            settings.setValue(f"medical/header_{key}", table.horizontalHeader().saveState())
        for key, splitter in (("signing", self.signing.splitter), ("gaps", self.gaps.splitter),
                              ("alerts", self.alerts.splitter)):
            settings.setValue(f"medical/splitter_{key}", splitter.saveState())
        settings.setValue("medical/page", self.pages.currentIndex())

    def restore_state(self, settings: QSettings) -> None:
        for key, table in self._headers():
            state = settings.value(f"medical/header_{key}")
            if state is not None:
                table.horizontalHeader().restoreState(state)
        for key, splitter in (("signing", self.signing.splitter), ("gaps", self.gaps.splitter),
                              ("alerts", self.alerts.splitter)):
            state = settings.value(f"medical/splitter_{key}")
            if state is not None:
                splitter.restoreState(state)
        page = settings.value("medical/page")
        if page is not None:
            self.pages.setCurrentIndex(int(page))
