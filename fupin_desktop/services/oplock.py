"""One import at a time (issue 12): an exclusive operation lock shared by every process that
uses the database (two CLI scripts, a clerk's GUI and a script, two clerks on PostgreSQL).

The lock is a row in ``operation_locks`` naming who holds it (user, host, process id) and since
when, with a heartbeat a background thread refreshes. A second import is refused at once with
“另一个导入正在进行（开始于 …，用户 …），请稍后再试”. A lock left by a process that was killed is
stale and taken over: on the same host when its process id no longer runs, from another host when
its heartbeat stopped for ``STALE_AFTER`` seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import UserError
from ..models import OperationLock
from ..models.base import utcnow

log = logging.getLogger(__name__)

IMPORT = "import"  # imports and closing a wage month share one lock: both rewrite the ledgers
HEARTBEAT_EVERY = 15.0  # seconds
STALE_AFTER = 120.0  # seconds without a heartbeat from another host


class BusyError(UserError):
    """Another exclusive operation is running (CLI exit 2)."""


def _host() -> str:
    return socket.gethostname()[:100]


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell cheaply: the heartbeat decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (killed, not yet reaped) has exited too
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return True


def is_stale(row, now: dt.datetime | None = None) -> bool:
    now = now or utcnow()
    if row.host == _host():
        return not _pid_alive(row.pid)
    return (now - row.heartbeat_at).total_seconds() > STALE_AFTER


def _local(ts: dt.datetime) -> str:
    return ts.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M:%S")


CLOSE_WHAT = "wages close"  # the ``what`` of a running wage month close


def busy_message(row) -> str:
    when = f"开始于 {_local(row.started_at)}，用户 {row.user}"
    if (row.what or "").startswith(CLOSE_WHAT):
        return f"岗位补贴关账正在进行（{when}），请稍后再试。"
    return f"另一个导入正在进行（{when}），请稍后再试。"


def holder(db, name: str = IMPORT):
    with db.engine.connect() as c:
        return c.execute(select(OperationLock).where(OperationLock.name == name)).first()


def acquire(db, name: str = IMPORT, *, what: str = "") -> str:
    """Take the lock or raise BusyError; returns the token that releases it."""
    token = uuid.uuid4().hex
    for _attempt in range(5):
        row = holder(db, name)  # a read first: on SQLite it does not wait for a running writer
        if row is not None:
            if not is_stale(row):
                raise BusyError(busy_message(row))
            log.warning("taking over stale %s lock of pid %s on %s", name, row.pid, row.host)
            with db.engine.begin() as c:
                c.execute(delete(OperationLock).where(OperationLock.name == name,
                                                      OperationLock.token == row.token))
            continue
        now = utcnow()
        try:
            with db.engine.begin() as c:
                c.execute(insert(OperationLock).values(
                    name=name, token=token, user=(db.user or "unknown")[:64], host=_host(),
                    pid=os.getpid(), what=what[:200] or None, started_at=now, heartbeat_at=now))
            return token
        except IntegrityError:
            continue  # somebody took it a moment ago: read who
        except OperationalError as exc:
            if "locked" in str(exc).lower():
                raise BusyError("数据库正被另一个导入占用，请稍后再试。") from exc
            raise
    row = holder(db, name)
    raise BusyError(busy_message(row) if row else "另一个导入正在进行，请稍后再试。")


def release(db, name: str, token: str) -> None:
    try:
        with db.engine.begin() as c:
            c.execute(delete(OperationLock).where(OperationLock.name == name,
                                                  OperationLock.token == token))
    except Exception:  # noqa: BLE001 - a lock left behind is stale once this process ends
        log.warning("could not release the %s lock", name, exc_info=True)


class _Heartbeat(threading.Thread):
    def __init__(self, db, name: str, token: str):
        super().__init__(daemon=True, name=f"fupin-{name}-lock")
        self.db, self.lock_name, self.token = db, name, token
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(HEARTBEAT_EVERY):
            try:
                with self.db.engine.begin() as c:
                    c.execute(update(OperationLock)
                              .where(OperationLock.name == self.lock_name,
                                     OperationLock.token == self.token)
                              .values(heartbeat_at=utcnow()))
            except Exception:  # noqa: BLE001 - e.g. SQLite busy with the import itself
                pass


_held = threading.local()  # (id(db), name) -> depth, for the thread holding the lock


@contextlib.contextmanager
def exclusive(db, name: str = IMPORT, *, what: str = "") -> Iterator[None]:
    """Hold the lock for the ``with`` block (refreshing its heartbeat).

    Re-entrant within one thread: the CLI holds the lock for a whole command and the service it
    calls takes it again without refusing itself; another thread (a second GUI task) or another
    process is refused with ``BusyError``."""
    held = _held.__dict__.setdefault("depth", {})
    key = (id(db), name)
    if held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    token = acquire(db, name, what=what)
    beat = _Heartbeat(db, name, token)
    beat.start()
    held[key] = 1
    try:
        yield
    finally:
        held.pop(key, None)
        beat.stopped.set()
        release(db, name, token)


def exclusive_op(what: str, name: str = IMPORT):
    """Decorator for a service use case ``fn(db, ...)``: it runs under the lock (the GUI and the
    CLI share this one path)."""

    def wrap(fn):
        @functools.wraps(fn)
        def run(db, *args, **kwargs):
            with exclusive(db, name, what=what):
                return fn(db, *args, **kwargs)

        return run

    return wrap
