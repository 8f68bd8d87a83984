"""Check a parsed row against a table of field specs (domain/field_specs.py), for the importers.

A value the spec refuses rejects the row (the message names the row, the field by its Chinese
label, the value — masked when sensitive — and what to do); control characters the spec removes
leave a ``control-chars`` warning. Never an exception, never a value the column cannot hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ..domain.field_specs import FieldSpec, check_value
from .result import ImportIssue, ImportResult


def check_record(specs: Mapping[str, FieldSpec], rec: dict, today: dt.date,
                 keys: Iterable[str] | None = None
                 ) -> tuple[tuple[str, str] | None, list[tuple[str, str]]]:
    """Check ``rec[key]`` for each key with a spec (all of ``rec`` by default), replacing each
    value by its clean form. Returns ``(bad, notes)``: ``bad`` is ``(field, error)`` for the
    first value refused (None when all pass), ``notes`` the ``(field, note)`` of values changed."""
    notes: list[tuple[str, str]] = []
    for key in list(rec if keys is None else keys):
        sp = specs.get(key)
        if sp is None or rec.get(key) is None:
            continue
        value, err, note = check_value(sp, rec[key], today)
        if err:
            return (key, err), notes
        if note:
            notes.append((key, note))
        rec[key] = value
    return None, notes


def report(res: ImportResult, row: int, bad: tuple[str, str] | None,
           notes: list[tuple[str, str]], household: str | None = None,
           name: str | None = None, code: str = "bad-value") -> bool:
    """Record the outcome of :func:`check_record` on ``res``; True when the row may go on."""
    if bad is not None:
        res.reject(ImportIssue(row, code, f"第{row}行{bad[1]}，该行未导入", bad[0], household, name))
        return False
    for key, note in notes:
        res.warn(ImportIssue(row, "control-chars", f"第{row}行{note}", key, household, name))
    return True


def checked(res: ImportResult, specs: Mapping[str, FieldSpec], row: int, rec: dict,
            today: dt.date, keys: Iterable[str] | None = None, household: str | None = None,
            name: str | None = None, code: str = "bad-value") -> bool:
    """:func:`check_record` then :func:`report`: True when the row passed (values cleaned)."""
    bad, notes = check_record(specs, rec, today, keys)
    return report(res, row, bad, notes, household, name, code)
