"""The one way views run long work (import, printing, archiving, checks) off the GUI thread.

``run_task`` executes ``fn(progress)`` on the thread pool; ``progress(done, total, text)``
reports and raises ``Cancelled`` once the clerk pressed 取消. A progress dialog appears only if the
work takes longer than ~0.5 s. Result and error callbacks run on the GUI thread. Without an
``on_error`` the error is shown to the clerk (``show_error``), so no failure passes silently; a
bug's traceback always reaches the log.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable

from PySide6 import QtCore
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget
import shiboken6

from ...errors import UserError
from ...services.progress import Cancelled, Progress

log = logging.getLogger(__name__)

SHOW_AFTER_MS = 500


class _Signals(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object, str)


class _Runnable(QRunnable):
    def __init__(self, fn, progress: Progress, signals: _Signals):
        super().__init__()
        self.fn, self.progress, self.signals = fn, progress, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled as exc:
            self.signals.failed.emit(exc, "")
        except Exception as exc:  # noqa: BLE001 - every error must reach the GUI thread
            self.signals.failed.emit(exc, traceback.format_exc())
        else:
            self.signals.finished.emit(result)


class Task(QObject):
    """A running task; keeps its signals and dialog alive until it ends."""

    done = Signal(object)

    def __init__(self, parent: QWidget | None, title: str, fn: Callable[[Progress], object],
                 on_result: Callable[[object], None] | None,
                 on_error: Callable[[BaseException], None] | None,
                 cancellable: bool, quiet: bool = False, read_only: bool = False):
        super().__init__(parent)
        self._cancel = threading.Event()
        self.signals = _Signals()
        self.progress = Progress(report=self.signals.progressed.emit, cancel_event=self._cancel)
        self.on_result, self.on_error = on_result, on_error
        self.title, self.quiet = title, quiet
        # read_only: a read (counts, a list) the window may drop on close without asking;
        # imports, prints and builds are asked about, since closing would lose their work
        self.read_only = read_only or quiet
        # quiet: a load the clerk did not ask for (a page filling itself) shows no progress dialog
        self.dialog = QProgressDialog(title, self.tr("Cancel") if cancellable else "", 0, 0, parent)
        if quiet:
            self.dialog.setMinimumDuration(2**31 - 1)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        if not quiet:
            self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.canceled.connect(self.cancel)
        self.signals.progressed.connect(self._on_progress, QtCore.Qt.ConnectionType.QueuedConnection)
        self.signals.finished.connect(self._on_finished, QtCore.Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._on_failed, QtCore.Qt.ConnectionType.QueuedConnection)
        self.result = None
        self.error: BaseException | None = None
        self.running = True
        QThreadPool.globalInstance().start(_Runnable(fn, self.progress, self.signals))

    @Slot()
    def cancel(self) -> None:
        self._cancel.set()
        self.dialog.setLabelText(self.tr("Cancelling…"))

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if text and not self._cancel.is_set():
            self.dialog.setLabelText(text)

    def _close(self) -> None:
        self.running = False
        self.dialog.hide()
        self.dialog.deleteLater()

    @Slot(object)
    def _on_finished(self, result) -> None:
        self._close()
        self.result = result
        if self.on_result:
            self.on_result(result)
        self.done.emit(self)

    @Slot(object, str)
    def _on_failed(self, exc: BaseException, tb: str) -> None:
        self._close()
        self.error = exc
        if tb and not isinstance(exc, UserError):
            log.error("background task failed:\n%s", tb)
        if self.on_error:
            self.on_error(exc)
        elif not (isinstance(exc, Cancelled) and self.cancelled):
            # the clerk's own 取消 needs no message; anything else must be seen
            from .context import show_error

            show_error(self.parent() if isinstance(self.parent(), QWidget) else None, exc)
        self.done.emit(self)


_running: set[Task] = set()


def run_task(parent: QWidget | None, title: str, fn: Callable[[Progress], object], *,
             on_result: Callable[[object], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             cancellable: bool = True, quiet: bool = False, read_only: bool = False) -> Task:
    task = Task(parent, title, fn, on_result, on_error, cancellable, quiet, read_only)
    _running.add(task)
    task.done.connect(lambda t: QTimer.singleShot(0, lambda: _running.discard(t)))
    return task


def running_tasks() -> list[Task]:
    """Tasks still working (a finished one may wait a moment to leave ``_running``).

    A task whose page was closed under it is deleted with the page and never reports back:
    it is dropped here (asked to stop first), or closing the window would ask about it forever."""
    for t in [t for t in _running if not shiboken6.isValid(t)]:
        t._cancel.set()
        _running.discard(t)
    return [t for t in _running if t.running]


def cancel_and_wait(timeout_ms: int = 30_000) -> bool:
    """Ask every running task to stop and wait for the workers; False if one is still busy.

    The work stops at its next progress report; its own transaction rolls back, so nothing
    half-done stays in the database."""
    for task in list(_running):
        if shiboken6.isValid(task):
            task.cancel()
        else:
            task._cancel.set()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
