"""+ Create Run Profile records the execution's outcome as assertions when asked (issue 19):
the window is driven with QTest (name typed, check box clicked, Save clicked), the profile's
assertions are what the execution did, and the profile then passes as a test case."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store

from designer.run.create_profile import (
    FROM_STEP,
    NOT_ENDED,
    RECORD_OUTCOME,
    CreateProfileDialog,
    record_blocked_for,
)

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]

OFFLINE_OUTCOME = [
    {"kind": "status", "value": "partial"},
    {"kind": "reached", "state": "Contained"},
    {"kind": "not_reached", "state": "Benign"},
    {"kind": "retries", "state": "Stop suspicious process", "count": 2},
    {"kind": "retries", "state": "Warn user", "count": 2},
]


def answer_window(name: str, record: bool, seen: list[CreateProfileDialog]) -> None:
    """Once the modal window is up: type ``name``, click the check box when ``record``,
    click Save (and remember the window for the test's asserts)."""

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CreateProfileDialog), dialog
        seen.append(dialog)
        dialog.name_edit.selectAll()
        QTest.keyClicks(dialog.name_edit, name)
        if record:
            QTest.mouseClick(dialog.record_box, Qt.MouseButton.LeftButton)
        assert dialog.save_button is not None
        QTest.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, drive)


def create_from(win: RunWindow, selected: str, name: str, record: bool) -> CreateProfileDialog:
    seen: list[CreateProfileDialog] = []
    win.ui.graph.select(selected)
    answer_window(name, record, seen)
    win.ui.details.create_profile.click()
    assert seen, "the Create Run Profile window did not open"
    return seen[0]


def run_case(win: RunWindow, name: str) -> Any:
    from runtime.testing.suite import run_document

    document = win.context.document
    result = asyncio.run(run_document(document.doc, document.path, profiles=[name]))
    return result.cases[0]


def in_worker(call: Callable[[], Any]) -> Any:
    """Run ``call`` (which runs its own event loop) off the test's qasync loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result(timeout=60)


def test_trigger_profile_records_the_execution_outcome(qtbot, qloop, store) -> None:
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Offline host")
    steps = win.context.undo_stack.count()
    dialog = create_from(win, "Trigger", "Offline replay", record=True)
    assert dialog.record_box.text() == RECORD_OUTCOME and dialog.record_box.isEnabled()
    profile = win.context.document.doc.profile("Offline replay")
    assert profile is not None, "Save did not create the profile"
    assert [a.to_data() for a in profile.assertions] == OFFLINE_OUTCOME
    assert store.get_execution(execution_id).status == "partial"
    assert win.context.undo_stack.count() == steps + 1, "one undoable edit"
    case = in_worker(lambda: run_case(win, "Offline replay"))
    assert case.passed, case.failure
    assert case.checked == len(OFFLINE_OUTCOME)
    win.context.undo_stack.undo()
    assert win.context.document.doc.profile("Offline replay") is None
    win.context.undo_stack.setClean()
    win.close()


def test_unchecked_box_records_nothing_and_a_taken_name_is_numbered(qtbot, qloop, store) -> None:
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.run("Benign user")
    dialog = create_from(win, "Trigger", "Benign replay", record=False)
    assert not dialog.record_box.isChecked()
    profile = win.context.document.doc.profile("Benign replay")
    assert profile is not None and profile.assertions == []
    create_from(win, "Trigger", "Benign replay", record=False)
    again = win.context.document.doc.profile("Benign replay (2)")
    assert again is not None and again.payload == profile.payload, "a taken name is numbered"
    win.context.undo_stack.setClean()
    win.close()


def test_a_step_profile_offers_no_execution_outcome(qtbot, qloop, store) -> None:
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.run("Offline host")
    dialog = create_from(win, "Risk Score", "Risk only", record=True)
    assert not dialog.record_box.isEnabled()
    assert dialog.record_box.toolTip() == FROM_STEP
    profile = win.context.document.doc.profile("Risk only")
    assert profile is not None and profile.target == "Risk Score"
    assert profile.assertions == [], "the click on the disabled box recorded nothing"
    win.context.undo_stack.setClean()
    win.close()


def test_blank_name_cannot_be_saved_and_a_running_execution_has_no_outcome(qtbot) -> None:
    dialog = CreateProfileDialog(None, "Trigger · 1234abcd")
    qtbot.addWidget(dialog)
    assert dialog.save_button is not None and dialog.save_button.isEnabled()
    dialog.name_edit.selectAll()
    QTest.keyClick(dialog.name_edit, Qt.Key.Key_Delete)
    assert not dialog.save_button.isEnabled()
    assert dialog.answer() is None

    class Running:
        status = "running"

    assert record_blocked_for(Running(), from_step=False) == NOT_ENDED  # type: ignore[arg-type]
    Running.status = "failed"
    assert record_blocked_for(Running(), from_step=False) is None  # type: ignore[arg-type]
    assert record_blocked_for(Running(), from_step=True) == FROM_STEP  # type: ignore[arg-type]
