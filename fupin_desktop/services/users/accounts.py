"""Accounts, passwords and login (issue 13).

Passwords are hashed with argon2id (argon2-cffi: a maintained, audited implementation with a
per-password random salt) and never logged or returned. Five wrong passwords in a row lock an
account for 15 minutes. Logins and failed logins are audited with the name that was tried.
The user table is not audited by the ORM hook (it would copy hashes into the log); these
services write their own audit rows with a Chinese summary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from ...errors import AccessError, ValidationError
from ...models.base import utcnow
from ...models.user import ROLE_LABELS, ROLES, User
from .access import require_admin

MIN_PASSWORD = 8
MAX_FAILURES = 5
LOCK_MINUTES = 15
WRONG = "用户名或密码错误。"


@dataclass(frozen=True)
class UserRow:
    name: str
    role: str
    full_name: str
    active: bool
    last_login: dt.datetime | None
    locked_until: dt.datetime | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    def to_json(self) -> dict:
        return {"name": self.name, "role": self.role, "full_name": self.full_name,
                "active": self.active,
                "last_login": self.last_login.isoformat(timespec="seconds") if self.last_login else None}


def _row(u: User) -> UserRow:
    return UserRow(u.name, u.role, u.full_name or "", bool(u.active), u.last_login, u.locked_until)


def _hasher():
    from argon2 import PasswordHasher  # argon2id by default

    return PasswordHasher()


def hash_password(password: str) -> str:
    check_password(password)
    return _hasher().hash(password)


def check_password(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少需要 {MIN_PASSWORD} 个字符，请重新输入。", field="password")


def _verify(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64 or any(c.isspace() or ord(c) < 32 for c in name):
        raise ValidationError("用户名不能为空、不能含空格，最多 64 个字符。", field="name")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"角色只能是 {' / '.join(f'{r}（{ROLE_LABELS[r]}）' for r in ROLES)}。",
                              field="role")
    return role


def audit(session, action: str, name: str, summary: str, *, user: str | None = None) -> None:
    """One audit row about an account (添加用户, 登录, 登录失败, 查看完整信息 …)."""
    from ...audit_events import insert_entries

    insert_entries(session, [{
        "ts": utcnow(), "user": (user or session.info.get("user") or "unknown")[:64],
        "table_name": "users", "record_id": name[:64], "record_key": name[:120],
        "action": action[:16], "changes": {"summary": summary}, "reason": session.info.get("reason"),
    }])


def accounts_exist(db) -> bool:
    with db.sessions() as s:
        return bool(s.scalar(select(func.count()).select_from(User)))


def list_users(db) -> list[UserRow]:
    with db.read() as s:
        return [_row(u) for u in s.scalars(select(User).order_by(User.name))]


def _get(s, name: str) -> User:
    u = s.scalar(select(User).where(User.name == name))
    if u is None:
        raise ValidationError(f"没有名为“{name}”的用户。", field="name")
    return u


def add_user(db, name: str, role: str, password: str, full_name: str = "") -> UserRow:
    """Create an account. The first one must be an admin; after that only an admin adds users."""
    name, role = _check_name(name), _check_role(role)
    full_name = (full_name or "").strip()[:64]
    pw_hash = hash_password(password)
    first = not accounts_exist(db)
    if first and role != "admin":
        raise ValidationError("第一个账户必须是管理员（--role admin），以后再由管理员添加其他用户。",
                              field="role")
    with db.write() as s:
        if not first:
            require_admin(s)
        if s.scalar(select(User.id).where(User.name == name)) is not None:
            raise ValidationError(f"用户名“{name}”已存在，请换一个。", field="name")
        u = User(name=name, role=role, full_name=full_name, password_hash=pw_hash, active=True,
                 failed_logins=0)
        s.add(u)
        s.flush()
        audit(s, "添加用户", name, f"添加用户 {name}（{ROLE_LABELS[role]}）")
        return _row(u)


def _active_admins(s, *, besides: str) -> int:
    return s.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.name != besides)) or 0


def set_password(db, name: str, password: str) -> None:
    """An admin resets anybody's password; every account may change its own."""
    pw_hash = hash_password(password)
    with db.write() as s:
        if name != db.user:
            require_admin(s)
        u = _get(s, name)
        u.password_hash, u.failed_logins, u.locked_until = pw_hash, 0, None
        audit(s, "修改密码", name, f"修改用户 {name} 的密码")


def set_active(db, name: str, active: bool) -> None:
    with db.write() as s:
        require_admin(s)
        u = _get(s, name)
        if not active and u.role == "admin" and not _active_admins(s, besides=name):
            raise ValidationError("不能停用最后一个管理员账户。", field="name")
        u.active = active
        if active:
            u.failed_logins, u.locked_until = 0, None
        audit(s, "启用用户" if active else "停用用户", name, f"{'启用' if active else '停用'}用户 {name}")


def set_role(db, name: str, role: str) -> None:
    role = _check_role(role)
    with db.write() as s:
        require_admin(s)
        u = _get(s, name)
        if u.role == "admin" and role != "admin" and not _active_admins(s, besides=name):
            raise ValidationError("不能取消最后一个管理员的管理员角色。", field="role")
        old, u.role = u.role, role
        audit(s, "修改角色", name, f"用户 {name} 的角色：{ROLE_LABELS[old]} → {ROLE_LABELS[role]}")


def _local(ts: dt.datetime) -> str:
    return ts.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def login(db, name: str | None, password: str | None) -> UserRow:
    """Check the credentials; on success the database acts as that account from now on.

    Raises AccessError (CLI exit 3) with one reason for an unknown name and a wrong password,
    so the message does not tell which names exist. Failures are audited and committed even
    though the login fails; the bookkeeping bypasses the write guard (it is not the clerk's
    change).
    """
    name = (name or "").strip()
    now = utcnow()
    with db.sessions() as s:
        s.info["user"] = name[:64] or "unknown"
        u = s.scalar(select(User).where(User.name == name)) if name else None
        error = None
        if u is None or not password:
            error = WRONG if name else "需要登录：请提供用户名（--user 或环境变量 FUPIN_USER）和密码。"
        elif not u.active:
            error = "该账户已停用，请联系管理员。"
        elif u.locked_until is not None and u.locked_until > now:
            error = f"该账户因连续 {MAX_FAILURES} 次密码错误已锁定，请于 {_local(u.locked_until)} 后再试。"
        elif not _verify(u.password_hash, password):
            u.failed_logins = (u.failed_logins or 0) + 1
            error = WRONG
            if u.failed_logins >= MAX_FAILURES:
                u.locked_until, u.failed_logins = now + dt.timedelta(minutes=LOCK_MINUTES), 0
                error = (f"密码已连续 {MAX_FAILURES} 次错误，账户已锁定，"
                         f"请于 {_local(u.locked_until)} 后再试。")
        if error is not None:
            if name:
                audit(s, "登录失败", name, error, user=name)
            db.commit(s)
            raise AccessError(error)
        u.failed_logins, u.locked_until, u.last_login = 0, None, now
        if _hasher().check_needs_rehash(u.password_hash):
            u.password_hash = _hasher().hash(password)
        audit(s, "登录", name, f"用户 {name} 登录", user=name)
        row = _row(u)
        db.commit(s)
    db.user, db.role = row.name, row.role
    return row


def record_reveal(db, what: str, key: str) -> None:
    """Audit that the current account looked at one record's full numbers (查看完整信息)."""
    from .access import can_reveal

    if not can_reveal(db):
        raise AccessError("权限不足：审计员不能查看完整的证件号码、银行账号和电话。")
    with db.write() as s:
        audit(s, "查看完整信息", key, f"查看{what}的完整证件号码/银行账号/电话")
