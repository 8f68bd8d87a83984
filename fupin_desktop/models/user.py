"""Accounts for the login (issue 13). Password hashes are argon2id strings, never plain text.

Not audited by the ORM hook: the hook would copy the hash into the audit log. The user services
write their own audit rows (新增用户, 修改角色, 登录, 登录失败 …) with a summary instead.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, IdMixin, TimestampMixin, VersionedMixin

ROLES = ("admin", "clerk", "auditor")
ROLE_LABELS = {"admin": "管理员", "clerk": "录入员", "auditor": "审计员"}


class User(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "users"
    __audited__ = False

    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    last_login: Mapped[dt.datetime | None] = mapped_column()

    def audit_key(self) -> str:
        return self.name
