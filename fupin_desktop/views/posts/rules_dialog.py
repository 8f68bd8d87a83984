"""岗位规则: eligibility, grading and wage rules of the posts module, one editor per rule with
its explanation beside it. Only rules whose value changed are saved (audited, with the optional
reason); a rejected value is named next to its editor and nothing is saved."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QScrollArea,
    QSpinBox, QVBoxLayout, QWidget,
)

from ...models.posts import GRADES
from ..common.context import show_error


class _RuleEditor(QWidget):
    """The editor of one rule kind (services.posts.rules.RuleDef.kind)."""

    def __init__(self, kind: str, value, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.parts: dict[str, QWidget] = {}
        if kind == "int":
            w = QSpinBox()
            w.setRange(0, 120)
            w.setValue(int(value))
            self.parts[""] = w
        elif kind == "bool":
            w = QCheckBox(self.tr("Yes"))
            w.setChecked(bool(value))
            self.parts[""] = w
        elif kind in ("money", "money_or_null", "decimal"):
            w = QLineEdit("" if value is None else f"{value}")
            w.setMaximumWidth(120)
            if kind == "money_or_null":
                w.setPlaceholderText(self.tr("empty: daily rate"))
            self.parts[""] = w
        elif kind == "grade_money":
            for g in GRADES:
                e = QLineEdit(f"{value[g]}")
                e.setMaximumWidth(80)
                self.parts[g] = e
        elif kind == "grade_thresholds":
            for g in ("优秀", "合格"):
                s = QSpinBox()
                s.setRange(0, 100)
                s.setValue(int(value[g]))
                self.parts[g] = s
        for name, w in self.parts.items():
            if name:
                row.addWidget(QLabel(name))
            row.addWidget(w)
        row.addStretch(1)

    @staticmethod
    def _read(w):
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        return w.text().strip()

    def value(self):
        if self.kind in ("grade_money", "grade_thresholds"):
            return {g: self._read(w) for g, w in self.parts.items()}
        return self._read(self.parts[""])


class PostRulesDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        from ...services.posts.rules import RULE_DEFS, load_rules

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Post Rules"))
        with ctx.db.read() as s:
            self.rules = load_rules(s)
        self.editors: dict[str, _RuleEditor] = {}
        self.errors: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)
        r = 0
        for rule in RULE_DEFS:
            ed = _RuleEditor(rule.kind, getattr(self.rules, rule.attr))
            hint = QLabel(rule.help)
            hint.setProperty("role", "hint")
            hint.setWordWrap(True)
            err = QLabel()
            err.setProperty("role", "error")
            err.setWordWrap(True)
            err.hide()
            grid.addWidget(QLabel(rule.label), r, 0)
            grid.addWidget(ed, r, 1)
            grid.addWidget(hint, r, 2)
            grid.addWidget(err, r + 1, 1, 1, 2)
            self.editors[rule.key], self.errors[rule.key] = ed, err
            r += 2
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why are the rules changed? (recorded in the audit log)"))
        self.banner = QLabel()
        self.banner.setProperty("role", "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        note = QLabel(self.tr("Closed months keep the rules they were paid with; changes apply to "
                              "open months and new assignments."))
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        reason_row = QHBoxLayout()
        reason_row.addWidget(QLabel(self.tr("Reason for the change")))
        reason_row.addWidget(self.reason, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        layout.addLayout(reason_row)
        layout.addWidget(buttons)
        self.resize(900, 640)

    def changes(self) -> dict:
        """{setting key: typed value} of the rules whose value differs from the stored one."""
        from ...services.posts.rules import RULES_BY_KEY, parse_value

        out = {}
        for key, ed in self.editors.items():
            rule = RULES_BY_KEY[key]
            typed = ed.value()
            try:
                same = parse_value(rule, typed) == getattr(self.rules, rule.attr)
            except ValueError:
                same = False  # let the service name the problem
            if not same:
                out[key] = typed
        return out

    def accept(self) -> None:
        from ...errors import ValidationError
        from ...services.posts.rules import save_rules

        for err in self.errors.values():
            err.hide()
        self.banner.hide()
        changes = self.changes()
        if not changes:
            super().accept()
            return
        try:
            save_rules(self.ctx.db, changes, reason=self.reason.text().strip() or None)
        except ValidationError as exc:
            shown = False
            for key, msg in exc.errors.items():
                if key in self.errors:
                    self.errors[key].setText(msg)
                    self.errors[key].show()
                    shown = True
            if not shown:
                self.banner.setText(str(exc))
                self.banner.show()
            return
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        super().accept()
