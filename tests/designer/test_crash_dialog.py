"""The designer never swallows an exception: a dialog, Copy details, a log file, the document
open and unchanged; a full disk on save says so."""

from __future__ import annotations

import errno
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QtMsgType, qCritical
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from designer import crash
from designer.crash import CrashDialog
from designer.main_window import MainWindow
from runtime.history import HistoryStore


@pytest.fixture
def logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv(crash.LOGS_ENV, str(folder))
    return folder


@pytest.fixture
def window(qtbot, tmp_path, examples_dir):
    store = HistoryStore(tmp_path / "history.sqlite3")
    win = MainWindow(store)
    win.setProperty("quiet", True)
    qtbot.addWidget(win)
    win.open_path(str(examples_dir / "phishing-response.playbook.json"))
    yield win
    win.context.undo_stack.setClean()
    store.close()


@pytest.fixture
def reporter(window):
    rep = crash.install(lambda: window)
    yield rep
    if rep.dialog is not None:
        rep.dialog.close()
    crash.uninstall()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_clicked_slot_shows_a_dialog_and_logs_it(
    qtbot, window, reporter, logs: Path
) -> None:
    window.show()
    qtbot.waitExposed(window)
    before = window.context.document.doc.to_dict()
    dirty_before = window.files.is_dirty()
    button = QPushButton("Boom", window)
    button.setGeometry(0, 0, 80, 30)

    def explode() -> None:
        {}["no such key in the slot"]  # noqa: B018 - the bug under test

    button.clicked.connect(explode)
    button.show()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert isinstance(dialog, CrashDialog)
    assert "KeyError" in dialog.message_label.text()
    assert "no such key in the slot" in dialog.message_label.text()
    assert "explode" in dialog.details_view.toPlainText()  # the traceback
    log = logs / crash.LOG_NAME
    assert log.exists() and stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "no such key in the slot" in text
    assert str(log) in dialog.log_label.text()

    QTest.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert "no such key in the slot" in copied and "explode" in copied and str(log) in copied

    # The document is still open, unchanged, and the window keeps working.
    assert window.context.document.doc.to_dict() == before
    assert window.files.is_dirty() == dirty_before
    assert window.isVisible()
    dialog.close()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)  # a second error: a new dialog
    qtbot.waitUntil(lambda: reporter.dialog is not dialog and reporter.dialog.isVisible())
    assert log.read_text(encoding="utf-8").count("no such key in the slot") >= 2


def test_a_critical_qt_message_shows_the_dialog(qtbot, window, reporter, logs: Path) -> None:
    qCritical("the scene graph lost its device")
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert "the scene graph lost its device" in reporter.dialog.message_label.text()
    assert "Qt critical error" in (logs / crash.LOG_NAME).read_text(encoding="utf-8")
    reporter.qt_message(QtMsgType.QtWarningMsg, None, "only a warning")
    assert reporter.reported[-1] != "only a warning"


def test_saving_to_a_full_disk_says_the_disk_is_full(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import designer.files as files

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _parent, _title, text, *a: warnings.append(text)))

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "Unknown error 28")

    monkeypatch.setattr(files, "write_atomic", full)
    before = window.context.document.doc.to_dict()
    assert window.files.write(tmp_path / "out.playbook.json") is False
    assert warnings and "the disk is full" in warnings[-1]
    assert "Unknown error" not in warnings[-1]
    assert window.context.document.doc.to_dict() == before


@pytest.mark.parametrize(("code", "words"), [
    (errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only"),
    (errno.EACCES, "permission denied"), (errno.EDQUOT, "quota"),
])
def test_save_error_text(code: int, words: str) -> None:
    assert words in crash.save_error_text(OSError(code, "Unknown error"))


def test_log_survives_an_unwritable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(crash.LOGS_ENV, str(blocker / "logs"))
    assert crash.write_log("boom") is None
    assert not (blocker / "logs").exists()


def test_gui_export_asks_before_writing_secrets(
    qtbot, window, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from designer.document import set_state_field

    doc = window.context.document
    name = next(n for n, s in doc.doc.definition.items() if s.type == "function")
    patch, text = set_state_field(doc, name, "parameters.api_key", "abcd1234efgh")
    window.context.push(patch, text)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    out = tmp_path / "server.json"
    assert window.files.export("snake", out) is False and not out.exists()
    assert f"{name} · parameters.api_key" in asked[-1]
    answer[0] = QMessageBox.StandardButton.Yes
    assert window.files.export("snake", out) is True and out.exists()
