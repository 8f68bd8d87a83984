"""First start: a short setup wizard (乡镇, 全宗号 and 行政区划代码, data folder, then an import or the
demo township). It can be skipped, and reopened from 设置 ▸ 设置向导….

Before any database exists the wizard runs first and its data folder decides where the database
is created; over an opened database the folder is shown but fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QRadioButton, QVBoxLayout, QWidget, QWizard, QWizardPage,
)

LOAD_DEMO, IMPORT, LATER = 1, 2, 0
DATA_DIR_KEY = "paths/data_dir"  # QSettings: the data folder chosen in the wizard


@dataclass(frozen=True)
class SetupAnswers:
    township: str
    county: str
    fonds_no: str
    region: str
    data_dir: str
    start: int  # LOAD_DEMO / IMPORT / LATER


def _error_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


class _TownshipPage(QWizardPage):
    def __init__(self, values: dict):
        super().__init__()
        self.setTitle(self.tr("Township"))
        self.setSubTitle(self.tr("The township this installation keeps the ledgers of. "
                                 "Ledgers and archive documents print these names."))
        form = QFormLayout(self)
        self.township = QLineEdit(values.get("township", ""))
        self.township.setPlaceholderText(self.tr("e.g. Qinghe Town"))
        self.county = QLineEdit(values.get("county", ""))
        self.county.setPlaceholderText(self.tr("e.g. Pingtang County"))
        form.addRow(self.tr("Township name:"), self.township)
        form.addRow(self.tr("County:"), self.county)
        self.error = _error_label()
        form.addRow(self.error)
        self.township.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.township.text().strip())


class _CodesPage(QWizardPage):
    def __init__(self, values: dict):
        super().__init__()
        self.setTitle(self.tr("Codes"))
        self.setSubTitle(self.tr("The fonds number is given by the county archive; the division "
                                 "code is the township's statistical code. Both can be filled in later."))
        form = QFormLayout(self)
        self.fonds = QLineEdit(values.get("fonds_no", ""))
        self.fonds.setPlaceholderText(self.tr("letters and digits, e.g. Z012"))
        self.region = QLineEdit(values.get("region", ""))
        self.region.setPlaceholderText(self.tr("12 digits, e.g. 522727104000 (or 9 or 6 digits)"))
        self.region.setMaxLength(12)
        form.addRow(self.tr("Fonds number:"), self.fonds)
        form.addRow(self.tr("Administrative division code:"), self.region)
        self.error = _error_label()
        form.addRow(self.error)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        from ..archive.model import CODE_RE
        from ..errors import ValidationError
        from ..services.settings import region_code

        problems = []
        fonds = self.fonds.text().strip()
        bad_fonds = bool(fonds) and not CODE_RE.match(fonds)
        if bad_fonds:
            problems.append(self.tr("The fonds number may only hold 1–16 letters or digits (e.g. Z012)."))
        try:
            region_code(self.region.text())
            bad_region = False
        except ValidationError as exc:
            problems.append(str(exc))
            bad_region = True
        for edit, bad in ((self.fonds, bad_fonds), (self.region, bad_region)):
            edit.setProperty("invalid", bad)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        self.error.setText("\n".join(problems))
        self.error.setVisible(bool(problems))
        return not problems


class _FolderPage(QWizardPage):
    def __init__(self, data_dir: str, fixed: bool):
        super().__init__()
        self.setTitle(self.tr("Data Folder"))
        self.setSubTitle(self.tr("The database, the scanned documents and the automatic backups "
                                 "are kept in this folder.") if not fixed else
                         self.tr("The database is already open; to use another folder, open or "
                                 "create a database there (File ▸ Open Database…)."))
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.folder = QLineEdit(data_dir)
        self.folder.setReadOnly(fixed)
        self.browse = QPushButton(self.tr("Browse…"))
        self.browse.setEnabled(not fixed)
        self.browse.clicked.connect(self._browse)
        row.addWidget(self.folder, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        hint = QLabel(self.tr("Backups go to the “backups” folder inside it."))
        hint.setProperty("role", "hint")
        layout.addWidget(hint)
        self.error = _error_label()
        layout.addWidget(self.error)
        layout.addStretch(1)

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose Data Folder"), self.folder.text())
        if path:
            self.folder.setText(path)

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if self.folder.isReadOnly():
            return True
        path = Path(self.folder.text().strip()).expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
            probe = path / ".fupin-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError:
            self.error.setText(self.tr("Cannot write to this folder; choose another one."))
            self.error.show()
            return False
        return True


class _StartPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle(self.tr("Get Started"))
        self.setSubTitle(self.tr("Bring in the households now, or try the program first."))
        layout = QVBoxLayout(self)
        self.import_radio = QRadioButton(self.tr("Import the national monitoring system's export (Excel)"))
        self.demo_radio = QRadioButton(self.tr("Load a demo township (its own names and codes) to try the program"))
        self.later_radio = QRadioButton(self.tr("Later"))
        self.group = QButtonGroup(self)
        for choice, radio in ((IMPORT, self.import_radio), (LOAD_DEMO, self.demo_radio),
                              (LATER, self.later_radio)):
            self.group.addButton(radio, choice)
            layout.addWidget(radio)
        self.import_radio.setChecked(True)
        layout.addStretch(1)


class SetupWizard(QWizard):
    def __init__(self, parent: QWidget | None = None, *, values: dict | None = None,
                 data_dir: str = "", folder_fixed: bool = False):
        super().__init__(parent)
        values = values or {}
        self.setWindowTitle(self.tr("Setup Wizard"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, self.tr("Skip"))
        self.customButtonClicked.connect(lambda _which: self.reject())
        for which, text in ((QWizard.WizardButton.BackButton, self.tr("< Back")),
                            (QWizard.WizardButton.NextButton, self.tr("Next >")),
                            (QWizard.WizardButton.FinishButton, self.tr("Finish")),
                            (QWizard.WizardButton.CancelButton, self.tr("Cancel"))):
            self.setButtonText(which, text)
        self.setButtonLayout([QWizard.WizardButton.CustomButton1, QWizard.WizardButton.Stretch,
                              QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                              QWizard.WizardButton.FinishButton])
        self.township_page = _TownshipPage(values)
        self.codes_page = _CodesPage(values)
        self.folder_page = _FolderPage(data_dir, folder_fixed)
        self.start_page = _StartPage()
        for page in (self.township_page, self.codes_page, self.folder_page, self.start_page):
            self.addPage(page)
        self.resize(620, 420)

    def answers(self) -> SetupAnswers:
        return SetupAnswers(
            township=self.township_page.township.text().strip(),
            county=self.township_page.county.text().strip(),
            fonds_no=self.codes_page.fonds.text().strip().upper(),
            region=self.codes_page.region.text().strip(),
            data_dir=self.folder_page.folder.text().strip(),
            start=self.start_page.group.checkedId(),
        )


def run_wizard(parent: QWidget | None, db, *, data_dir: str = "") -> SetupAnswers | None:
    """Show the wizard (over ``db``, or before any database with an editable folder);
    the answers, or None when the clerk skipped it."""
    if db is not None:
        from ..services.attachments import attachments_dir

        data_dir = str(attachments_dir(db).parent)
    wizard = SetupWizard(parent, values=current_values(db) if db is not None else {},
                         data_dir=data_dir, folder_fixed=db is not None)
    if wizard.exec() != QDialog.DialogCode.Accepted:
        return None
    return wizard.answers()


def save_answers(db, answers: SetupAnswers) -> None:
    """Store the township settings (not for the demo township, which brings its own)."""
    from ..services import settings

    if answers.start == LOAD_DEMO:
        return
    with db.write(reason="设置向导") as s:
        settings.save_township_setup(s, township=answers.township, county=answers.county,
                                     fonds_no=answers.fonds_no, region=answers.region)


def current_values(db) -> dict:
    from ..services import settings

    v = settings.get_all(db)
    return {"township": v[settings.TOWNSHIP], "county": v[settings.COUNTY],
            "fonds_no": v[settings.FONDS_NO], "region": v[settings.REGION_CODE]}


def needs_setup(db) -> bool:
    """First run over this database: no township name yet and no households."""
    from ..services import settings
    from ..services.overview import counts

    return not settings.get(db, settings.TOWNSHIP) and not counts(db)["households"]


def apply_answers(window, ctx, answers: SetupAnswers) -> None:
    """Store the wizard's settings, then start the import or load the demo township."""
    from .common.context import show_error

    try:
        save_answers(ctx.db, answers)
    except Exception as exc:  # noqa: BLE001 - shown to the clerk; the wizard can be reopened
        show_error(window, exc)
        return
    ctx.changed.emit("settings", [])
    if answers.start == LOAD_DEMO:
        from .demo_action import load_demo

        load_demo(window, ctx)
    elif answers.start == IMPORT:
        tab = window.show_tab("HouseholdsTab")  # the register comes first
        if tab is not None:
            tab.start_import()
