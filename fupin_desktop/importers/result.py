"""What an import hands back: counters, rejected rows and rows accepted with a warning.

``ImportResult.to_json()`` is the CLI ``--json`` contract shared by every importer:
``rows_imported``, ``rows_rejected``, ``rows_skipped``, ``rejects`` and ``warning_rows`` (lists of
``{row, code, message}``, plus ``field``/``household_code``/``name`` when known) and the
importer's own counters (e.g. ``households_created``) at top level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fupin_desktop.domain.field_specs import _CONTROL

_LONG_QUOTE = re.compile("“([^”]{41,})”")
CONTRACT_KEYS = frozenset({"rows_imported", "rows_rejected", "rows_skipped", "rejects",
                           "warning_rows"})


@dataclass(slots=True)
class ImportIssue:
    """One problem on one row. ``row`` is the Excel row number as Excel shows it (1-based)."""

    row: int
    code: str
    message: str  # Chinese, names the row/field and what to do
    field: str | None = None
    household_code: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        # a message quotes the cell: control characters from the file are shown escaped,
        # never written raw into a report workbook or a terminal
        if _CONTROL.search(self.message):
            self.message = _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04x}", self.message)
        # a quoted cell longer than 40 characters is shortened (a pasted paragraph, or 3000
        # characters in a date column, would bury the message)
        if len(self.message) > 200:
            self.message = _LONG_QUOTE.sub(lambda m: f"“{m[1][:40]}…”", self.message)

    def to_json(self) -> dict:
        out: dict = {"row": self.row, "code": self.code, "message": self.message}
        if self.field is not None:
            out["field"] = self.field
        if self.household_code is not None:
            out["household_code"] = self.household_code
        if self.name is not None:
            out["name"] = self.name
        return out


@dataclass(slots=True)
class ImportResult:
    rows_imported: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0  # blank and total (合计) rows
    # importer-specific counters, e.g. households_created; merged at top level by to_json()
    counts: dict[str, int] = field(default_factory=dict)
    rejects: list[ImportIssue] = field(default_factory=list)
    warning_rows: list[ImportIssue] = field(default_factory=list)

    def reject(self, issue: ImportIssue) -> None:
        """Record a rejected row (one issue per row: the first rule it breaks)."""
        self.rejects.append(issue)
        self.rows_rejected += 1

    def warn(self, issue: ImportIssue) -> None:
        """Record a warning; the row is still imported. A row may carry several warnings."""
        self.warning_rows.append(issue)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def to_json(self) -> dict:
        out: dict = {
            "rows_imported": self.rows_imported,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
        }
        for key, value in self.counts.items():
            if key not in CONTRACT_KEYS:  # a counter never overwrites a contract key
                out[key] = value
        out["rejects"] = [i.to_json() for i in sorted(self.rejects, key=_row_key)]
        out["warning_rows"] = [i.to_json() for i in sorted(self.warning_rows, key=_row_key)]
        return out


def _row_key(issue: ImportIssue) -> int:
    return issue.row
