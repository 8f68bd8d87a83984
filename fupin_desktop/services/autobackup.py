"""Automatic backups of a SQLite database (no Qt).

One backup on every start of the program (at most one a day) and one before every import,
wages close, archive close and migration. Each is a consistent copy made with the SQLite backup
API into ``backups/`` beside the database (paths.backups_dir_for), named
``<stem>-YYYYMMDD-HHMMSS-<reason>.db``, and verified after writing (PRAGMA integrity_check, an
Alembic revision present). Rotation keeps the newest backup of each of the most recent 7 days,
4 ISO weeks and 12 months that have one (setting ``backup_keep``), plus everything from the last
24 hours, so today's imports can still be undone.

A PostgreSQL server is backed up by its administrator (pg_dump); :func:`server_backup_command`
says which command to schedule. Here nothing is written for it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from ..database import sqlite_path
from ..errors import DatabaseError
from ..paths import backups_dir_for

log = logging.getLogger(__name__)

REASONS = {
    "start": "每日启动",
    "import": "导入前",
    "wages-close": "工资关账前",
    "archive-close": "档案年度关闭前",
    "migration": "程序升级前",
}
STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>[a-z]+(?:-[a-z]+)*?)"
                   r"(?:-(?P<n>\d+))?\.db$")
RECENT = dt.timedelta(hours=24)


class BackupError(DatabaseError):
    """An automatic backup could not be made or failed its check; the work it guards was not done."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: dt.datetime
    reason: str
    size: int
    seq: int = 1  # 2, 3, … for further backups within the same second

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)


def backups_dir(db) -> Path | None:
    """Where ``db``'s automatic backups go; None for a server (or in-memory) database."""
    path = sqlite_path(db.url)
    return backups_dir_for(path) if path is not None else None


def _parse(path: Path, stem: str) -> BackupInfo | None:
    m = _NAME.match(path.name)
    if m is None or m["stem"] != stem:
        return None
    try:
        made = dt.datetime.strptime(m["stamp"], STAMP)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupInfo(path, made, m["reason"], size, int(m["n"] or 1))


def list_backups(db) -> list[BackupInfo]:
    """The automatic backups of ``db``, newest first ([] for a server database)."""
    folder = backups_dir(db)
    if folder is None or not folder.is_dir():
        return []
    stem = sqlite_path(db.url).stem
    found = [b for p in folder.glob(f"{stem}-*.db") if (b := _parse(p, stem)) is not None]
    return sorted(found, key=lambda b: (b.made_at, b.seq), reverse=True)


def verify(path: Path) -> str:
    """Open the backup, run PRAGMA integrity_check and read its Alembic revision (returned);
    BackupError when either fails."""
    try:
        con = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            rev = con.execute("SELECT version_num FROM alembic_version").fetchone() \
                if rows == [("ok",)] else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"自动备份 {Path(path).name} 无法读取（{exc}），请检查磁盘空间和备份文件夹权限。") from exc
    if rows != [("ok",)]:
        raise BackupError(f"自动备份 {Path(path).name} 未通过完整性检查（{rows[0][0]}），请检查磁盘。")
    if not rev or not rev[0]:
        raise BackupError(f"自动备份 {Path(path).name} 缺少数据库结构版本，备份无效。")
    return rev[0]


def _target(folder: Path, stem: str, now: dt.datetime, reason: str) -> Path:
    base = f"{stem}-{now.strftime(STAMP)}-{reason}"
    out, n = folder / f"{base}.db", 1
    while out.exists():
        n += 1
        out = folder / f"{base}-{n}.db"
    return out


def make_backup(db, reason: str, *, rotate_after: bool = True) -> BackupInfo | None:
    """Back up ``db`` now (SQLite only; None for a server database), verify it and rotate.

    Raises BackupError when the backup cannot be written or fails its check (the broken file is
    removed)."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    folder = backups_dir(db)
    if folder is None:
        return None
    from ..database import backup_sqlite_file, copy_attachments
    from .attachments import attachments_dir

    now = dt.datetime.now()
    out = _target(folder, sqlite_path(db.url).stem, now, reason)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        backup_sqlite_file(db.engine, out)
        verify(out)
        copy_attachments(attachments_dir(db), folder / "attachments")
    except BackupError:
        out.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as exc:
        out.unlink(missing_ok=True)
        raise BackupError(f"无法自动备份数据库到 {folder}：{exc}。请检查磁盘空间和文件夹权限。") from exc
    info = BackupInfo(out, now.replace(microsecond=0), reason, out.stat().st_size)
    log.info("automatic backup (%s): %s", reason, out)
    if rotate_after:
        rotate(db)
    return info


def before(db, reason: str) -> BackupInfo | None:
    """The backup taken before an import, a close or a migration (one call at each)."""
    return make_backup(db, reason)


def daily_backup(db) -> BackupInfo | None:
    """The backup on start: made unless one was already made on start today."""
    today = dt.datetime.now().date()
    if any(b.reason == "start" and b.made_at.date() == today for b in list_backups(db)):
        return None
    return make_backup(db, "start")


def keep_policy(db) -> dict[str, int]:
    from . import settings

    try:
        return settings.get(db, settings.BACKUP_KEEP)
    except Exception:  # noqa: BLE001 - an old schema (before migrating) keeps the defaults
        return dict(settings.DEFAULT_BACKUP_KEEP)


def select_kept(made: list[dt.datetime], keep: dict[str, int], now: dt.datetime) -> set[dt.datetime]:
    """Which of the backup times ``made`` rotation keeps (see the module notes)."""
    kept = {t for t in made if now - t <= RECENT}
    periods = {
        "daily": lambda t: t.date(),
        "weekly": lambda t: t.isocalendar()[:2],
        "monthly": lambda t: (t.year, t.month),
    }
    for kind, key in periods.items():
        seen: list = []
        for t in sorted(made, reverse=True):  # the newest of each period stands for it
            k = key(t)
            if k in seen:
                continue
            if len(seen) >= int(keep.get(kind, 0)):
                break
            seen.append(k)
            kept.add(t)
    return kept


def rotate(db, keep: dict[str, int] | None = None) -> list[Path]:
    """Delete the automatic backups rotation no longer keeps; returns the deleted files."""
    backups = list_backups(db)
    keep = keep or keep_policy(db)
    # times can repeat (two backups in one second): key by file
    by_time: dict[dt.datetime, list[BackupInfo]] = {}
    for b in backups:
        by_time.setdefault(b.made_at, []).append(b)
    now = dt.datetime.now()
    kept_times = select_kept(list(by_time), keep, now)
    deleted = []
    for t, group in by_time.items():
        for i, b in enumerate(group):  # the newest file of a repeated time stands for it
            if now - t <= RECENT or (t in kept_times and i == 0):
                continue
            try:
                b.path.unlink()
                deleted.append(b.path)
            except OSError as exc:
                log.warning("could not delete old backup %s: %s", b.path.name, exc)
    return deleted


def server_backup_command(db) -> str:
    """The pg_dump command the administrator should schedule for a server database."""
    u = make_url(db.url)
    parts = ["pg_dump", "-Fc"]
    if u.host:
        parts += ["-h", u.host]
    if u.port:
        parts += ["-p", str(u.port)]
    if u.username:
        parts += ["-U", u.username]
    stem = u.database or "fupin"
    parts += ["-f", f'"{stem}-$(date +%Y%m%d).dump"', stem]
    return " ".join(parts)
