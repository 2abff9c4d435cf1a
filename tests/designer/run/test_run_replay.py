"""Beyond the reference: replaying a past execution with a scrubber, and comparing two."""

from __future__ import annotations

from test_run_support import QT_MARKS, RunWindow, example, qloop, settings_tmp, store, wait_until

from designer.run.compare import DIFF_BADGE

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]


def test_replay_steps_scrubs_and_plays(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    execution_id = win.run("Risky logon")
    dialog = win.ui.replay(execution_id)
    view = dialog.view
    graph = view.graph
    total = len(store.steps(execution_id))
    assert view.slider.maximum() == total == 8
    order = [row[2] for row in view.rows]
    assert order.index("Contain") > max(order.index("Stop suspicious process"),
                                        order.index("Warn user")), "a Parallel ends last"
    assert view.position == 0
    assert graph.state_status("Get Alerts") == "running", "the first step is next"
    assert graph.state_status("Contained") == "pending"

    view.step_button.click()
    assert view.position == 1
    assert graph.state_status("Get Alerts") == "success"
    assert graph.state_status("Risk Score") == "running"
    assert "Step 1 of 8: Get Alerts" in view.caption.text()
    assert view.details.values["Name"].text() == "Get Alerts"

    view.slider.setValue(total)
    assert graph.state_status("Contained") == "success"
    assert graph.state_status("Record benign") is None, "not executed: greyed at the end"
    assert ("Contain", "paths[1].root") in graph.trace.taken

    view.slider.setValue(3)
    assert graph.state_status("Risky?") == "success"
    assert graph.state_status("Contained") == "pending"
    assert ("Contain", "paths[1].root") not in graph.trace.taken, "scrubbing back rewinds"
    view.back_button.click()
    assert view.position == 2

    view.speed.setCurrentIndex(view.speed.findData(200.0))
    view.play()
    wait_until(qloop, lambda: view.position == total, timeout=5)
    assert not view.play_button.isChecked(), "stops at the end"
    dialog.close()
    win.close()


def test_compare_marks_states_whose_status_or_output_differ(qtbot, qloop, store):
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    win.ui.toolbar.set_log_level("DEBUG")
    risky = win.run("Risky logon")
    benign = win.run("Benign user")
    panel = win.ui.executions
    assert panel.compare_with == benign, "the open execution is offered for comparison"
    menu = panel.menu_for(risky)
    texts = [a.text() for a in menu.actions()]
    assert "Replay…" in texts and any(t.startswith("Compare with") for t in texts)
    dialog = win.ui.compare(benign, risky)
    view = dialog.view
    changed = {d.state: d for d in view.diffs}
    assert changed["Contain"].status_a is None and changed["Contain"].status_b == "success"
    assert changed["Record benign"].status_a == "success"
    assert changed["Risk Score"].what == "output", "same status, different output"
    assert view.table.topLevelItemCount() == len(view.diffs)
    card = view.graph_a.scene.item("Risk Score")
    assert card.corner_badge == DIFF_BADGE and card.caption.startswith(DIFF_BADGE)
    assert view.graph_b.scene.item("Contain").corner_badge == DIFF_BADGE
    assert "differ" in view.note.text()

    same = win.ui.compare(risky, win.run("Risky logon"))
    assert [d.state for d in same.view.diffs] == [], same.view.diffs
    assert "No differences" in same.view.note.text()
    dialog.close()
    same.close()
    win.close()


def test_compare_and_replay_close_on_esc_and_ctrl_w(qtbot, qloop, store):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from designer.run.compare import differ_text

    NO_MODIFIER, CTRL = Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier  # noqa: N806
    win = RunWindow(qtbot, qloop, store, example("suspicious-logon-triage"))
    risky = win.run("Risky logon")
    benign = win.run("Benign user")
    for open_window, key, modifier in (
            (lambda: win.ui.compare(benign, risky), Qt.Key.Key_Escape, NO_MODIFIER),
            (lambda: win.ui.compare(benign, risky), Qt.Key.Key_W, CTRL),
            (lambda: win.ui.replay(risky), Qt.Key.Key_Escape, NO_MODIFIER),
            (lambda: win.ui.replay(risky), Qt.Key.Key_W, CTRL)):
        dialog = open_window()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        graph = dialog.view.graph_a if hasattr(dialog.view, "graph_a") else dialog.view.graph
        graph.view.setFocus()  # the graph takes Esc to clear its selection otherwise
        QTest.keyClick(graph.view, key, modifier)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=2000)
    assert differ_text(1) == "1 state differs."
    assert differ_text(2) == "2 states differ."
    assert differ_text(0) == "No differences."
    win.close()


def test_replay_shows_a_batch_running_while_its_items_play(qtbot, qloop, store):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win = RunWindow(qtbot, qloop, store, example("log-source-health"))
    execution_id = win.run("Windows sources")
    dialog = win.ui.replay(execution_id)
    view = dialog.view
    graph = view.graph
    batch = "Check each source"
    first_item = next(i for i, r in enumerate(view.rows) if r.state == "Search recent logs")
    while view.position < first_item:
        QTest.mouseClick(view.step_button, Qt.MouseButton.LeftButton)
    assert view.rows[view.position].state == "Search recent logs"
    assert graph.state_status(batch) == "running", "the Batch runs while its items play"
    QTest.mouseClick(view.step_button, Qt.MouseButton.LeftButton)
    assert graph.state_status(batch) == "running"
    end = next(i for i, r in enumerate(view.rows) if r.state == batch)
    view.slider.setValue(end + 1)
    assert graph.state_status(batch) == "success"
    dialog.close()
    win.close()
