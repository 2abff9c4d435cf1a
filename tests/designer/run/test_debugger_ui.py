"""The debugger in the designer, driven with key presses: F9 toggles a breakpoint on the
selected card (badge visible), F5 runs, the run pauses with the paused card marked on the
Execution Graph and its input in Execution Details, F10 steps, F5 continues, Skip and Edit
Input from the debugger object, and Kill while paused."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from test_run_support import QT_MARKS, example, qloop, settings_tmp, store, wait_until

from designer.main_window import MainWindow
from designer.run.debugger import BREAK_BADGE, PAUSED_CAPTION

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def open_window(qtbot, qloop, store, name="suspicious-logon-triage"):  # noqa: ANN001, ANN201
    win = MainWindow(store)
    win.setProperty("quiet", True)
    qtbot.addWidget(win)
    assert win.open_path(example(name))
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    wait_until(qloop, win.isActiveWindow, timeout=3)
    return win


def press(win, key) -> None:  # noqa: ANN001
    QTest.keyClick(win.canvas, key)


def finish(win, qloop, execution_id) -> None:  # noqa: ANN001
    controller = win.run_ui.controller

    def done() -> bool:
        live = controller.live(execution_id)
        return live is not None and live.confirmed

    wait_until(qloop, done, timeout=20)


def test_f9_breakpoint_pause_step_continue(qtbot, qloop, store) -> None:
    win = open_window(qtbot, qloop, store)
    debug = win.debug_ui
    win.context.set_profile("Benign user")
    win.context.select(["Risk Score"])
    press(win, Qt.Key.Key_F9)
    assert set(debug.breakpoints) == {"Risk Score"}
    assert win.scene.item("Risk Score").corner_badge == BREAK_BADGE
    assert win.scene.item("Get Alerts").corner_badge is None
    started: list[str] = []
    win.run_ui.controller.executionStarted.connect(started.append)
    press(win, Qt.Key.Key_F5)  # Run
    assert len(started) == 1
    wait_until(qloop, lambda: debug.paused is not None)
    paused = debug.paused
    assert paused.state == "Risk Score" and paused.reason == "breakpoint"
    # Run gave F5 up to Continue for the pause.
    assert win.run_ui.run_action.shortcut() == QKeySequence()
    assert debug.actions["continue"].shortcut() == QKeySequence("F5")
    graph_item = win.run_ui.graph.scene.item("Risk Score")
    wait_until(qloop, lambda: graph_item.caption == PAUSED_CAPTION)
    assert graph_item.run_status == "pending"
    details = win.run_ui.details
    assert details.values["Name"].text() == "Risk Score"
    assert details.inputs_tab.values["received"][0]["user"] == "mlee"
    assert "Paused before it runs" in details.values["Status message"].text()
    press(win, Qt.Key.Key_F10)  # Step: Risk Score runs, pause at Risky?
    wait_until(qloop, lambda: debug.paused is not None and debug.paused.state == "Risky?")
    assert debug.paused.reason == "step"
    assert debug.paused.input["risk"] == {"score": 12, "level": "low"}
    wait_until(qloop, lambda: win.run_ui.graph.state_status("Risk Score") == "success")
    press(win, Qt.Key.Key_F5)  # Continue
    finish(win, qloop, started[0])
    assert store.get_execution(started[0]).status == "success"
    assert debug.paused is None
    assert win.run_ui.run_action.shortcut() == QKeySequence("F5")
    assert not debug.actions["step"].isEnabled()
    assert all(i.caption != PAUSED_CAPTION for i in win.run_ui.graph.scene.state_items())
    win.context.select(["Risk Score"])
    press(win, Qt.Key.Key_F9)  # off again
    assert not debug.breakpoints and win.scene.item("Risk Score").corner_badge is None
    win.context.undo_stack.setClean()
    win.close()


def test_skip_edit_and_kill_while_paused(qtbot, qloop, store) -> None:
    win = open_window(qtbot, qloop, store)
    debug = win.debug_ui
    win.context.set_profile("Benign user")
    debug.toggle("Risk Score")
    debug.toggle("Record benign")
    started: list[str] = []
    win.run_ui.controller.executionStarted.connect(started.append)
    press(win, Qt.Key.Key_F5)
    wait_until(qloop, lambda: debug.paused is not None)
    assert not debug.skip({"wrong": True})  # refused: not the catalog's shape
    assert debug.paused is not None and debug.paused.state == "Risk Score"
    entry = win.context.catalog.get("risk_score")
    assert entry is not None and entry.success_response is not None
    assert debug.skip(entry.success_response)
    # The skip steps: paused at the next state, with the hand-given result in place.
    wait_until(qloop, lambda: debug.paused is not None and debug.paused.state == "Risky?")
    wait_until(qloop, lambda: win.run_ui.graph.state_status("Risk Score") is not None)
    # Edit the Branch's input so that it takes the default edge to Record benign.
    assert debug.edit_input({"risk": {"score": 5}})
    assert win.run_ui.details.inputs_tab.values["received"][0] == {"risk": {"score": 5}}
    press(win, Qt.Key.Key_F5)
    wait_until(qloop, lambda: debug.paused is not None
               and debug.paused.state == "Record benign")
    assert debug.paused.input == {"risk": {"score": 5}}
    assert win.run_ui.controller.kill(started[0])  # Kill works while paused
    finish(win, qloop, started[0])
    record = store.get_execution(started[0])
    assert record.status == "failed" and "killed" in (record.message or "")
    steps = {s.state: s for s in store.steps(started[0])}
    assert steps["Risk Score"].status == "skipped"
    assert "Record benign" not in steps  # killed before it started
    assert debug.paused is None
    win.context.undo_stack.setClean()
    win.close()


def test_no_breakpoints_no_debugger(qtbot, qloop, store) -> None:
    win = open_window(qtbot, qloop, store)
    win.context.set_profile("Benign user")
    started: list[str] = []
    win.run_ui.controller.executionStarted.connect(started.append)
    press(win, Qt.Key.Key_F5)
    finish(win, qloop, started[0])
    assert win.debug_ui.debugger is None
    assert store.get_execution(started[0]).status == "success"
    assert json.loads(store.get_execution(started[0]).trigger_json)["user"] == "mlee"
    win.context.undo_stack.setClean()
    win.close()


def test_test_this_state_alone(qtbot, qloop, store) -> None:
    from designer.run.test_state import LOGGED, TestStateDialog

    win = open_window(qtbot, qloop, store)
    win.context.set_profile("Benign user")
    win.run_ui.toolbar.set_log_level("DEBUG")
    started: list[str] = []
    win.run_ui.controller.executionStarted.connect(started.append)
    press(win, Qt.Key.Key_F5)
    finish(win, qloop, started[0])
    win.context.select(["Risk Score"])
    QTest.keyClick(win.canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialogs = win.findChildren(TestStateDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.state == "Risk Score"
    # The input of the logged step, then the tenant's answer.
    index = dialog.source.findData(LOGGED)
    assert index > 0
    dialog.source.setCurrentIndex(index)
    dialog.source.activated.emit(index)
    assert json.loads(dialog.input.text())["user"] == "mlee"
    task = dialog.run()
    wait_until(qloop, task.done)
    result = dialog.test_result
    assert result.ok and result.output["risk"] == {"score": 12, "level": "low"}
    assert dialog.status.text().startswith("SUCCESS")
    # A typed input that misses a required parameter: the schema error, no output.
    dialog.input.set_text('{"domain": "corp.acme.local"}')
    task = dialog.run()
    wait_until(qloop, task.done)
    assert not dialog.test_result.ok
    assert "JSON_SCHEMA_VALIDATION_FAILED" in dialog.status.text()
    # A mocked result instead of the tenant.
    dialog.input.set_text('{"user": "x", "domain": "y"}')
    dialog.mocked.setChecked(True)
    dialog.mock.set_text('{"data": {"risk_score": 99, "risk_level": "high"}}')
    task = dialog.run()
    wait_until(qloop, task.done)
    assert dialog.test_result.output["risk"] == {"score": 99, "level": "high"}
    assert len(store.list_executions()) == 1  # trying a state writes no history
    dialog.close()
    win.run_ui.toolbar.set_log_level(None)
    win.context.undo_stack.setClean()
    win.close()


def test_conditional_breakpoint_from_the_menu(qtbot, qloop, store, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    win = open_window(qtbot, qloop, store)
    debug = win.debug_ui
    answers = [("$.user == 'mlee'", True), ("", True), ("$.user >", True), ("", True)]
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *_a, **_k: answers.pop(0)))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _p, _t, text: warned.append(text)))
    win.context.select(["Risk Score"])
    QTest.keyClick(win.canvas, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier)
    point = debug.breakpoints["Risk Score"]
    assert (point.condition, point.iteration) == ("$.user == 'mlee'", None)
    assert win.scene.item("Risk Score").corner_badge == BREAK_BADGE
    assert debug.ask_conditional() is False  # "$.user >" does not parse
    assert warned and "breakpoint condition" in warned[0]
    started: list[str] = []
    win.run_ui.controller.executionStarted.connect(started.append)
    win.context.set_profile("Risky logon")  # jdoe: the condition does not hold
    press(win, Qt.Key.Key_F5)
    finish(win, qloop, started[0])
    assert debug.paused is None and store.get_execution(started[0]).status == "success"
    win.context.set_profile("Benign user")  # mlee: it holds
    press(win, Qt.Key.Key_F5)
    wait_until(qloop, lambda: debug.paused is not None)
    assert debug.paused.state == "Risk Score"
    press(win, Qt.Key.Key_F5)
    finish(win, qloop, started[1])
    win.context.undo_stack.setClean()
    win.close()
