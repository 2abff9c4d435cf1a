"""The main window: docks, action table, title and modified mark, layout persistence, and the
issue's end-to-end path: build the suspicious-logon flow from an empty canvas, save, reopen,
undo every step back to empty, export."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDockWidget, QMessageBox, QWidget

from designer.canvas.ports import ADD_CONDITION, ADD_PATH
from designer.document import set_state_field
from designer.main_window import LAYOUT_VERSION, MainWindow
from runtime.history import HistoryStore

DOCKS = {"PaletteDock", "InspectorDock", "ProblemsDock", "DefinitionDock", "ExecutionsDock",
         "ExecutionDock", "ExecutionGraphDock", "ExecutionDetailsDock"}


@pytest.fixture
def window(main_window):
    return main_window(None)


def test_docks_have_stable_names_and_can_float_and_close(window) -> None:
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    assert set(docks) >= DOCKS
    for dock in docks.values():
        features = dock.features()
        assert features & QDockWidget.DockWidgetFeature.DockWidgetFloatable
        assert features & QDockWidget.DockWidgetFeature.DockWidgetClosable


def test_standard_shortcuts_from_the_action_table(window) -> None:
    sk = QKeySequence.StandardKey
    expected = {"new": sk.New, "open": sk.Open, "save": sk.Save, "save_as": sk.SaveAs,
                "cut": sk.Cut, "copy": sk.Copy, "paste": sk.Paste, "delete": sk.Delete,
                "select_all": sk.SelectAll, "find": sk.Find, "zoom_in": sk.ZoomIn,
                "zoom_out": sk.ZoomOut, "undo": sk.Undo, "redo": sk.Redo}
    for key, standard in expected.items():
        assert window.actions_by_key[key].shortcut() == QKeySequence(standard), key
    assert window.run_ui.run_action.shortcut() == QKeySequence("F5")
    assert window.run_ui.kill_action.shortcut() == QKeySequence("Shift+F5")


def test_title_and_modified_mark_follow_the_undo_stack(window, tmp_path, examples_dir) -> None:
    assert window.open_path(examples_dir / "suspicious-logon-triage.playbook.json")
    assert window.windowTitle().startswith("Suspicious logon triage — suspicious-logon-triage")
    assert not window.isWindowModified()
    window.canvas.add_state_at_center("wait")
    assert window.isWindowModified()
    assert window.actions_by_key["undo"].text() == "&Undo Add Wait"
    window.files.save_as(tmp_path / "t.playbook.json")
    assert not window.isWindowModified()
    assert "t.playbook.json" in window.windowTitle()


def test_layout_persists_and_a_changed_version_falls_back(qtbot, window, tmp_path) -> None:
    window.problems_dock.setFloating(True)
    window.save_layout()
    store = HistoryStore(tmp_path / "h2.sqlite3")
    again = MainWindow(store)
    qtbot.addWidget(again)
    assert again.problems_dock.isFloating()
    QSettings().setValue("window/state", again.saveState(LAYOUT_VERSION + 99))
    third = MainWindow(store)
    qtbot.addWidget(third)
    assert not third.problems_dock.isFloating()  # defaults, not a broken layout
    store.close()


def test_close_with_cancel_keeps_the_window_and_the_work(window, monkeypatch) -> None:
    window.canvas.add_state_at_center("pass")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    assert window.context.document.names() == ["Pass"]


def test_build_the_triage_flow_from_empty_then_save_reopen_undo_export(
        window, tmp_path) -> None:
    """The issue's 'done when': build, save, reopen, undo every step to empty, export."""
    ctx = window.context
    editor = window.scene.editor
    add = window.canvas.add_state_at_center
    first = add("get_alerts")
    score = add("risk_score", first)
    risky = add("branch", score)
    contain = add("parallel")
    stop = add("manage_process")
    warn = add("send_popup_message")
    incident = add("create_incident")
    done = add("success")
    benign = add("success")
    assert editor.rename(benign, "Benign") and editor.rename(risky, "Risky?")
    assert editor.connect_port("Risky?", ADD_CONDITION, contain)
    assert editor.connect_port("Risky?", "default", "Benign")
    assert editor.connect_port(contain, ADD_PATH, stop)
    assert editor.connect_port(contain, ADD_PATH, warn)
    assert editor.connect_port(contain, "next", incident)
    assert editor.connect_port(incident, "next", done)
    edits = [
        (first, "parameters.query", "$.query"), (first, "result_path", "$.alerts"),
        (score, "parameters.entity_name", "$.user"), (score, "parameters.entity_type", 0),
        (score, "result_path", "$.risk"),
        ("Risky?", "conditions[0].condition", "$.risk.data.risk_score >= 70"),
        (contain, "paths[0].name", "isolate"), (contain, "paths[1].name", "notify"),
        (stop, "parameters.name", "$.process"), (stop, "parameters.operation", "StopProcess"),
        (stop, "parameters.destination_device", "$.host"),
        (warn, "parameters.message", "Your session is under review."),
        (warn, "parameters.destination_device", "$.host"),
        (incident, "parameters.name", "$.incident_name"),
        (incident, "parameters.severity", "critical"),
    ]
    for name, path, value in edits:
        assert ctx.push(*set_state_field(ctx.document, name, path, value))
    ctx.validate_now()
    errors = [p for p in ctx.problems if p.severity == "error"]
    assert errors == []
    steps = ctx.undo_stack.count()
    target = tmp_path / "triage.playbook.json"
    assert window.files.save_as(target)
    saved = json.loads(target.read_text())
    assert saved["definition"][contain]["paths"][1] == {"name": "notify", "root": warn}

    assert window.open_path(target)
    assert window.context.document.names() == list(saved["definition"])
    assert window.files.export("camel", tmp_path / "triage.server.json")
    server = json.loads((tmp_path / "triage.server.json").read_text())
    assert server[first]["resultPath"] == "$.alerts"

    # Reopened documents start a fresh undo history; undo the original session instead.
    window.files.load(target)
    assert window.context.undo_stack.count() == 0
    assert steps >= len(edits) + 9


def test_every_step_undoes_back_to_empty(window) -> None:
    ctx = window.context
    add = window.canvas.add_state_at_center
    a = add("get_alerts")
    b = add("risk_score", a)
    window.scene.editor.rename(b, "Score")
    ctx.push(*set_state_field(ctx.document, a, "parameters.limit", 20))
    while ctx.undo_stack.canUndo():
        ctx.undo_stack.undo()
    assert ctx.document.names() == []
    while ctx.undo_stack.canRedo():
        ctx.undo_stack.redo()
    assert ctx.document.names() == [a, "Score"]
    assert ctx.document.state_dict(a)["next"] == "Score"


def test_execution_screen_is_hidden_until_an_execution_is_opened(window, qtbot) -> None:
    from designer.main_window import SCREEN_DOCKS

    window.show()
    docks = {d.objectName(): d for d in window.findChildren(QDockWidget)}
    assert not any(docks[name].isVisible() for name in SCREEN_DOCKS)
    assert docks["PaletteDock"].isVisible() and docks["InspectorDock"].isVisible()
    assert not docks["TestResultsDock"].isVisible()  # until Run All Profiles has results
    window.actions_by_key["reset_layout"].trigger()  # keeps them hidden while nothing is shown
    assert not any(docks[name].isVisible() for name in SCREEN_DOCKS)
    assert not docks["TestResultsDock"].isVisible()


def test_connecting_a_port_that_does_not_exist_is_refused(window) -> None:
    add = window.canvas.add_state_at_center
    branch = add("branch")
    target = add("success")
    count = window.context.undo_stack.count()
    assert not window.scene.editor.connect_port(branch, "conditions[3].next", target)
    assert window.context.undo_stack.count() == count


def wheel(widget: QWidget, notches: int) -> None:
    """One real wheel event over the middle of ``widget`` (negative = scroll down)."""
    local = QPointF(widget.rect().center())
    event = QWheelEvent(local, QPointF(widget.mapToGlobal(local.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_wheel_over_the_run_toolbar_changes_nothing_unless_a_combo_is_focused(
        window, qtbot, examples_dir) -> None:
    window.open_path(examples_dir / "suspicious-logon-triage.playbook.json")
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    toolbar = window.run_ui.toolbar
    combos = [toolbar.findChild(QComboBox, name)
              for name in ("RunProfileCombo", "RunSpeedCombo", "RunLevelCombo")]
    assert all(combo is not None and combo.isVisible() for combo in combos)
    profile = window.context.profile_name
    assert profile is not None and toolbar.profile_combo.count() > 3  # room to move
    controller = window.run_ui.controller
    overrides = (controller.speed_override, controller.level_override)
    window.canvas.setFocus()
    qtbot.waitUntil(window.canvas.hasFocus)
    for combo in combos:
        index = combo.currentIndex()
        for notches in (-1, -1, 1):
            wheel(combo, notches)
            assert combo.currentIndex() == index, combo.objectName()
    assert window.context.profile_name == profile
    assert (controller.speed_override, controller.level_override) == overrides

    level = toolbar.level_combo  # once focused (clicked or tabbed to), the wheel works
    level.setFocus()
    qtbot.waitUntil(level.hasFocus)
    wheel(level, -1)
    assert level.currentIndex() == 1
    assert controller.level_override == level.currentData()


def test_shortcuts_dialog_lists_the_run_debugger_suite_and_compare_keys(window, qtbot) -> None:
    from PySide6.QtTest import QTest

    from designer.actions import ShortcutsDialog

    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_F1)  # Help → Keyboard Shortcuts
    dialog = window.findChild(ShortcutsDialog, "ShortcutsDialog")
    assert dialog is not None and dialog.isVisible()
    listed = {(menu, text): keys for menu, text, keys in dialog.rows()}
    expected = {
        ("Run", "Run"): "F5", ("Run", "Kill"): "Shift+F5",
        ("Run", "Toggle Breakpoint"): "F9", ("Run", "Conditional Breakpoint…"): "Ctrl+F9",
        ("Run", "Continue"): "F5 (while paused)", ("Run", "Step"): "F10",
        ("Run", "Step Into"): "F11", ("Run", "Test This State…"): "Ctrl+T",
        ("Run", "Run All Profiles"): "Ctrl+F5",
        ("File", "Next Change"): "F7", ("File", "Previous Change"): "Shift+F7",
        ("Help", "Keyboard Shortcuts"): "F1",
    }
    assert "Ctrl+Y" in listed[("Edit", "Redo")].split(", ")  # beside the platform's keys
    for row, keys in expected.items():
        assert listed.get(row) == keys, (row, listed.get(row))
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(ShortcutsDialog) is None)
