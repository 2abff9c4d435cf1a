"""No exception is swallowed: a dialog for every uncaught error, and a log file with the trace.

:func:`install` sets ``sys.excepthook`` and a Qt message handler (``qInstallMessageHandler``).
An exception that escapes a slot (Qt hands it to ``sys.excepthook`` and carries on) or a
critical/fatal Qt message:

- is appended, with its traceback and the time, to ``crash.log`` in the user data folder
  (``platformdirs``; ``$PLAYBOOK_STUDIO_LOGS`` overrides), written mode 0600;
- shows a :class:`CrashDialog` (non-blocking, one at a time) with the message, the details
  and a "Copy details" button that puts message, traceback and log path on the clipboard.

Nothing here touches the document: it stays open, unchanged, and can still be saved.
:func:`save_error_text` turns an ``OSError`` from a save into a sentence ("the disk is full")
instead of the platform's "Unknown error"; :func:`confirm_secret_export` asks before an export
writes secret-looking literals.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from runtime.jsonio import describe_os_error

LOGS_ENV = "PLAYBOOK_STUDIO_LOGS"
LOG_NAME = "crash.log"
MAX_LOG_BYTES = 2 * 1024 * 1024


def log_dir() -> Path:
    """Where ``crash.log`` goes: ``$PLAYBOOK_STUDIO_LOGS`` or ``<user data>/logs``."""
    override = os.environ.get(LOGS_ENV)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path("playbook-studio") / "logs"


def log_path() -> Path:
    return log_dir() / LOG_NAME


def save_error_text(exc: BaseException) -> str:
    """A person's sentence for a failed save: "the disk is full", "permission denied", ..."""
    return describe_os_error(exc)


def confirm_secret_export(parent: QWidget | None, problems: list[Any]) -> bool:
    """Ask before an export writes secret-looking literals (``secret.literal``): list them,
    default No. True when there are none or the author confirms."""
    if not problems:
        return True
    from PySide6.QtWidgets import QMessageBox

    listing = "\n".join(f"• {p.state or '(playbook)'} · {p.path}" for p in problems[:20])
    more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
    answer = QMessageBox.question(
        parent, "Export secrets?",
        f"{len(problems)} literal(s) look like secrets and would be written to the server "
        f"file:\n\n{listing}{more}\n\nPass them as dynamic values instead. Export anyway?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return bool(answer == QMessageBox.StandardButton.Yes)


def write_log(text: str) -> Path | None:
    """Append one entry to the crash log (mode 0600; rotated past 2 MB). None if it failed."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if path.stat().st_size > MAX_LOG_BYTES:
                os.replace(path, path.with_suffix(".log.1"))
        except FileNotFoundError:
            pass
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as fh:
            os.fchmod(fh.fileno(), 0o600)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
            fh.write(f"--- {stamp} (pid {os.getpid()})\n{text.rstrip()}\n\n")
    except OSError:
        return None
    return path


class CrashDialog(QDialog):
    """"Something went wrong": the message, the details, Copy details, Close."""

    def __init__(self, message: str, details: str, logged: Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CrashDialog")
        self.setWindowTitle("Playbook Studio: unexpected error")
        self.message = message
        self.details = details
        self.logged = logged
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Something went wrong inside Playbook Studio. Your playbook is still open and has "
            "not been changed; save it if you have unsaved work.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.message_label = QLabel(message, self)
        self.message_label.setObjectName("CrashMessage")
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        where = f"The details were written to {logged}." if logged else (
            "The details could not be written to the log file.")
        self.log_label = QLabel(where, self)
        self.log_label.setWordWrap(True)
        layout.addWidget(self.log_label)
        self.details_view = QPlainTextEdit(details, self)
        self.details_view.setReadOnly(True)
        self.details_view.setMinimumHeight(160)
        layout.addWidget(self.details_view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy details", self)
        self.copy_button.setObjectName("CopyDetails")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420)

    def copy_text(self) -> str:
        log = f"\nLog file: {self.logged}" if self.logged else ""
        return f"{self.message}\n\n{self.details}{log}"

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.copy_text())
        self.copy_button.setText("Copied")


class CrashReporter:
    """The installed hooks; keeps the open dialog and the previous hooks."""

    def __init__(self, parent: Callable[[], QWidget | None] | None = None) -> None:
        self._parent = parent or (lambda: QApplication.activeWindow())
        self.dialog: CrashDialog | None = None
        self.reported: list[str] = []
        self._previous_hook: Callable[..., Any] | None = None
        self._previous_handler: Any = None
        self._busy = False

    def install(self) -> CrashReporter:
        self._previous_hook = sys.excepthook
        sys.excepthook = self.excepthook
        self._previous_handler = qInstallMessageHandler(self.qt_message)
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook and self._previous_hook is not None:
            sys.excepthook = self._previous_hook
        qInstallMessageHandler(self._previous_handler)

    def excepthook(self, kind: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            if self._previous_hook is not None:
                self._previous_hook(kind, exc, tb)
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        text = str(exc)
        message = f"{kind.__name__}: {text}" if text else kind.__name__
        self.report(message, details)

    def qt_message(self, mode: QtMsgType, context: Any, message: str) -> None:
        if mode in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            where = ""
            if context is not None and getattr(context, "file", None):
                where = f" ({context.file}:{context.line}, {context.function})"
            kind = "fatal" if mode == QtMsgType.QtFatalMsg else "critical"
            self.report(f"Qt {kind} error: {message}", f"Qt {kind} message{where}:\n{message}")
            return
        if self._previous_handler is not None:
            self._previous_handler(mode, context, message)
        elif mode != QtMsgType.QtDebugMsg:
            sys.stderr.write(f"{message}\n")

    def report(self, message: str, details: str) -> None:
        """Log, then show (or, while one is already showing, add to) the dialog."""
        self.reported.append(message)
        logged = write_log(f"{message}\n{details}")
        if self._busy or QApplication.instance() is None:
            sys.stderr.write(f"{message}\n{details}\n")
            return
        self._busy = True
        try:
            if self.dialog is not None and self.dialog.isVisible():
                self.dialog.details_view.appendPlainText(f"\n{message}\n{details}")
                self.dialog.details += f"\n{message}\n{details}"
                return
            self.dialog = CrashDialog(message, details, logged, self._parent())
            self.dialog.open()  # window-modal, does not block the slot that raised
        except Exception:  # noqa: BLE001 - the reporter itself must never raise
            sys.stderr.write(f"{message}\n{details}\n")
        finally:
            self._busy = False


_REPORTER: CrashReporter | None = None


def install(parent: Callable[[], QWidget | None] | None = None) -> CrashReporter:
    """Install the hooks once for the application; returns the reporter."""
    global _REPORTER
    if _REPORTER is not None:
        _REPORTER.uninstall()
    _REPORTER = CrashReporter(parent).install()
    return _REPORTER


def uninstall() -> None:
    global _REPORTER
    if _REPORTER is not None:
        _REPORTER.uninstall()
        _REPORTER = None
