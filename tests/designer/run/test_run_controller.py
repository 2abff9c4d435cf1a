"""The run controller and toolbar: refusing playbooks that cannot run, coalescing a fast run
into at most 60 UI updates a second, and the profile combo's "Manage profiles…"."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QMessageBox
from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store, wait_until

from designer.run.toolbar import MANAGE
from runtime.loader import load_playbook
from runtime.model.document import PlaybookDocument

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def test_a_playbook_with_errors_is_refused_with_the_list(qtbot, qloop, store):
    doc = load_playbook(example("suspicious-logon-triage")).document
    data = doc.to_dict()
    data["definition"]["Risk Score"]["next"] = "Nowhere"
    broken = PlaybookDocument.model_validate(data)
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"), doc=broken)
    refused: list[str] = []
    win.ui.controller.runRefused.connect(refused.append)
    win.ui.run_action.trigger()
    assert refused and refused[0].startswith("The playbook cannot run")
    assert "Nowhere" in refused[0] and "•" in refused[0]
    boxes = [b for b in win.window.findChildren(QMessageBox) if b.objectName() == "RunRefused"]
    assert boxes and boxes[0].isVisible() and "Nowhere" in boxes[0].text()
    boxes[0].close()
    assert win.ui.executions.model.rowCount() == 0
    win.close()


def batch_document(items: int, body: int) -> PlaybookDocument:
    states = {
        "Items": {"start": True, "type": "pass", "result": {"items": list(range(items))},
                  "next": "Each"},
        "Each": {"type": "batch", "collection_path": "$.items", "collection_variable": "item",
                 "batch_size": 1, "root": "P0", "next": "Done"},
        "Done": {"type": "success"},
    }
    for i in range(body):
        states[f"P{i}"] = {"type": "pass", "next": f"P{i + 1}" if i + 1 < body else "End"}
    return PlaybookDocument.model_validate({"name": "Coalescing", "definition": states})


def test_a_fast_run_is_coalesced_to_at_most_60_updates_a_second(qtbot, qloop, store, tmp_path):
    doc = batch_document(500, 40)
    win = RunWindow(qtbot, qloop, store, tmp_path / "coalescing.playbook.json", doc=doc)
    controller = win.ui.controller
    controller.max_transitions = 100_000
    batches: list[tuple[float, int]] = []
    controller.stepsArrived.connect(lambda _e, rows: batches.append((time.monotonic(),
                                                                       len(rows))))
    began = time.monotonic()
    execution_id = win.run()
    took = time.monotonic() - began
    record = store.get_execution(execution_id)
    assert record.status == "success"
    assert sum(n for _t, n in batches) == record.transitions == 20_003
    assert len(batches) <= took * 60 + 2, (len(batches), took)
    assert win.ui.graph.scene.item("Each").corner_badge == "500"
    assert win.ui.graph.state_status("P39") == "success"
    win.close()


def test_manage_profiles_entry_of_the_combo(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    toolbar = win.ui.toolbar
    combo = toolbar.profile_combo
    asked: list[bool] = []
    toolbar.manageProfilesRequested.disconnect()
    toolbar.manageProfilesRequested.connect(lambda: asked.append(True))
    combo.setCurrentIndex(combo.findText("Benign user"))
    combo.activated.emit(combo.currentIndex())
    assert win.context.profile_name == "Benign user"
    combo.setCurrentIndex(combo.findData(MANAGE))
    combo.activated.emit(combo.currentIndex())
    assert asked == [True]
    assert combo.currentText() == "Benign user", "the chosen profile stays selected"
    win.context.set_profile("Offline host")
    assert combo.currentText() == "Offline host"
    win.close()


def test_speed_override_makes_waits_take_real_time(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("log-source-health"))
    win.ui.toolbar.set_speed("100")  # the 5-minute Settle wait takes 3 s
    began = time.monotonic()
    execution_id = win.run("Windows sources", wait=False)
    wait_until(qloop, lambda: "Settle" in win.ui.source.running_states(execution_id))
    assert win.ui.graph.state_status("Settle") == "running"
    win.wait_finished(execution_id, timeout=15)
    assert time.monotonic() - began >= 2.5
    assert store.get_execution(execution_id).status == "success"
    win.close()


def test_f5_during_a_run_asks_before_starting_a_second_one(qtbot, qloop, store, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.ui.toolbar.set_speed("realtime")
    first = win.run("Offline host", wait=False)  # runs ~15 s at real time
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]

    def question(_parent, title, text, *_args):  # noqa: ANN001, ANN202 - Qt's signature
        asked.append(f"{title} {text}")
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    started: list[str] = []
    win.ui.controller.executionStarted.connect(started.append)
    win.window.activateWindow()
    wait_until(qloop, win.window.isActiveWindow, timeout=2)
    assert win.ui.controller.is_running(first)
    QTest.keyClick(win.window, Qt.Key.Key_F5)
    assert len(asked) == 1 and "still running" in asked[0]
    assert started == [], "No: no second run"
    assert win.ui.controller.known_ids() == [first]
    QTest.keyClick(win.window, Qt.Key.Key_F5)
    assert len(asked) == 2
    assert len(started) == 1 and started[0] != first, "Yes: a second run beside the first"
    for execution_id in (first, started[0]):
        win.ui.controller.kill(execution_id)
        win.wait_finished(execution_id)
    win.ui.toolbar.set_speed(None)
    QTest.keyClick(win.window, Qt.Key.Key_F5)  # nothing running: no question
    assert len(asked) == 2 and len(started) == 2
    win.wait_finished(started[1], timeout=30)
    win.close()
