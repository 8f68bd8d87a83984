"""Who may do what (issue 13): the one place permissions are decided.

``Database.role`` is the logged-in account's role, or None in single-user mode (no account has
been created yet: everything is allowed, as before accounts existed). Write services call
:func:`require` for what only an admin may do; every ``db.write()`` calls
:func:`check_can_write`, so an auditor can change nothing whatever button or command is used.
"""

from __future__ import annotations

from ...errors import AccessError
from ...models.user import ROLE_LABELS

ADMIN, CLERK, AUDITOR = "admin", "clerk", "auditor"


def _role(db_or_session) -> str | None:
    info = getattr(db_or_session, "info", None)
    if isinstance(info, dict):  # a Session opened by db.read()/db.write()
        return info.get("role")
    return getattr(db_or_session, "role", None)


def require(db_or_session, *roles: str) -> None:
    """Raise AccessError unless the current account has one of ``roles`` (or no login is set up)."""
    role = _role(db_or_session)
    if role is None or role in roles:
        return
    needed = "或".join(ROLE_LABELS[r] for r in roles)
    raise AccessError(f"权限不足：需要{needed}权限（当前用户角色：{ROLE_LABELS.get(role, role)}）。")


def require_admin(db_or_session) -> None:
    require(db_or_session, ADMIN)


def can_write(db_or_session) -> bool:
    return _role(db_or_session) != AUDITOR


def can_reveal(db_or_session) -> bool:
    """Full ID/bank/phone numbers may be shown on request to clerks and admins, never auditors."""
    return _role(db_or_session) != AUDITOR


def must_mask(db_or_session, masked: bool = False) -> bool:
    """Whether an export or ledger must mask personal numbers: asked for, or an auditor's."""
    return bool(masked) or _role(db_or_session) == AUDITOR
