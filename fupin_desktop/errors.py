"""Errors split by audience (as qutebrowser does): ``UserError`` carries a Chinese message a clerk
can act on and is shown as it is; anything else is a bug and goes to the log with its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the clerk can fix. ``str(err)`` is a complete Chinese sentence."""

    exit_code = 2

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.row = row

    def __str__(self) -> str:  # the message only, never a repr of internals
        return self.message


class InputError(UserError):
    """Unusable input: unreadable file, no recognisable header, wrong sheet (CLI exit 2)."""


class ValidationError(UserError):
    """A value the clerk typed or imported breaks a rule; ``field`` names it."""

    def __init__(self, message: str, *, field: str | None = None, row: int | None = None,
                 errors: dict[str, str] | None = None):
        super().__init__(message, field=field, row=row)
        # field name -> Chinese message, for forms that show each message next to its field
        self.errors = errors or ({field: message} if field else {})


class ConflictError(UserError):
    """Optimistic-lock failure: somebody else saved the record first."""

    def __init__(self, message: str = "该记录已被他人修改，请刷新后重试"):
        super().__init__(message)


class AccessError(UserError):
    """A refused login or a missing permission (CLI exit 3); nothing was changed."""

    exit_code = 3


class DatabaseError(UserError):
    """The database cannot be used: damaged, newer schema, unreachable."""


class DamagedDatabaseError(DatabaseError):
    pass


class SchemaTooNewError(DatabaseError):
    pass
