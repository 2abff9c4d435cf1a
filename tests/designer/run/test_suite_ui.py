"""Run All Profiles in the designer: results dock, coverage heat map on the canvas, the
percentage in the status bar, and the marks going away with the next edit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_run_support import QT_MARKS, example, qloop, settings_tmp, store, wait_until

from designer.document import set_state_field
from designer.main_window import MainWindow

pytestmark = QT_MARKS
__all__ = ["qloop", "settings_tmp", "store"]

GAP = Path(__file__).resolve().parents[2] / "fixtures" / "testing" / \
    "triage-with-gap.playbook.json"


def open_window(qtbot, qloop, store, path):  # noqa: ANN001, ANN201
    win = MainWindow(store)
    win.setProperty("quiet", True)
    qtbot.addWidget(win)
    assert win.open_path(path)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    wait_until(qloop, win.isActiveWindow, timeout=3)
    return win


def test_run_all_profiles_heat_map_and_percentage(qtbot, qloop, store) -> None:
    win = open_window(qtbot, qloop, store, GAP)
    suite_ui = win.suite_ui
    texts = [a.text() for a in win.menus["&Run"].actions()]
    assert "Run &All Profiles" in texts and "Toggle &Breakpoint" in texts
    results: list[object] = []
    suite_ui.finished.connect(results.append)
    QTest.keyClick(win.canvas, Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
    wait_until(qloop, lambda: results)
    rows = suite_ui.panel.rows()
    assert rows[0][:2] == ("High severity", "✗ fail")
    assert rows[0][2].startswith('output of Escalate at $.outcome.verdict equals "escalate"')
    assert rows[1][:2] == ("Low severity", "✓ pass")
    assert suite_ui.dock.isVisible()
    assert suite_ui.panel.summary.text() == "1 of 2 cases passed · coverage 80.0%"
    assert suite_ui.coverage_label.text() == "Coverage 80.0%"
    scene = win.scene
    assert scene.run_marks.run_mode
    assert (scene.item("Escalate").run_status, scene.item("Escalate").caption) == (
        "success", "covered ×1")
    assert scene.item("Triage").caption == "covered ×2"
    ignore = scene.item("Ignore")
    assert ignore.run_status is None and ignore.greyed
    edges = scene.run_marks.taken
    assert ("Triage", "conditions[0].next") in edges and ("Triage", "default") in edges
    assert ("Triage", "conditions[1].next") not in edges
    tree = suite_ui.panel.tree
    coverage = tree.topLevelItem(1)
    conditions = [coverage.child(i) for i in range(coverage.childCount())
                  if coverage.child(i).text(0) == "Branch conditions"][0]
    assert conditions.text(1) == "2/3"
    assert conditions.child(0).text(0) == "Triage: condition 2 ($.severity == 0) → Ignore"
    # A breakpoint badge survives the heat map; an edit clears the heat map.
    win.debug_ui.toggle("Close")
    suite_ui.paint_heat_map(suite_ui.result)
    assert scene.item("Close").corner_badge == "● break"
    patch, text = set_state_field(win.context.document, "Close", "comment", "x")
    win.context.push(patch, text)
    assert not scene.run_marks.run_mode and scene.item("Escalate").run_status is None
    assert suite_ui.coverage_label.text() == ""
    assert scene.item("Close").corner_badge == "● break"
    win.context.undo_stack.setClean()
    win.close()


def test_run_all_profiles_on_an_example_passes(qtbot, qloop, store) -> None:
    win = open_window(qtbot, qloop, store, example("suspicious-logon-triage"))
    results: list[object] = []
    win.suite_ui.finished.connect(results.append)
    win.suite_ui.run_action.trigger()
    wait_until(qloop, lambda: results, timeout=30)
    assert [r[1] for r in win.suite_ui.panel.rows()] == ["✓ pass"] * 4
    assert win.suite_ui.coverage_label.text() == "Coverage 90.9%"
    win.context.undo_stack.setClean()
    win.close()


def test_profiles_dialog_edits_assertions(qtbot, qloop, store) -> None:
    from PySide6.QtWidgets import QComboBox

    from designer.run.profiles import ProfilesDialog

    win = open_window(qtbot, qloop, store, GAP)
    dialog = ProfilesDialog(win.context, win)
    qtbot.addWidget(dialog)
    dialog.list.setCurrentRow(0)
    editor = dialog.editor.assertions
    table = editor.table
    assert table.rowCount() == 3
    assert [table.cellWidget(r, 0).currentText() for r in range(3)] == [
        "status", "reached", "output"]
    assert table.item(2, 4).text() == '"escalate"'
    table.item(2, 4).setText('"escalated"')  # fix the deliberately wrong expectation
    assert dialog.save()
    profile = win.context.document.doc.profile("High severity")
    assert profile.assertions[2].value == "escalated"
    assert profile.assertions[2].path == "$.outcome.verdict"
    results: list[object] = []
    win.suite_ui.finished.connect(results.append)
    win.suite_ui.run_all()
    wait_until(qloop, lambda: results)
    assert [r[1] for r in win.suite_ui.panel.rows()] == ["✓ pass", "✓ pass"]
    # A retries row without a count is named and refused.
    editor.add_row({"kind": "retries", "state": "Escalate"})
    assert table.rowCount() == 4
    assert isinstance(table.cellWidget(3, 1), QComboBox)
    assert not dialog.save()
    assert "Assertion 4: Value error, a retries assertion needs a count" in \
        editor.message.text()
    table.item(3, 5).setText("0")
    assert dialog.save()
    assert win.context.document.doc.profile("High severity").assertions[3].count == 0
    win.context.undo_stack.undo()
    assert len(win.context.document.doc.profile("High severity").assertions) == 3
    dialog.close()
    win.context.undo_stack.setClean()
    win.close()


def test_record_observed_outcome_as_assertions(qtbot, qloop, store) -> None:
    from designer.run.profiles import ProfilesDialog

    win = open_window(qtbot, qloop, store, example("suspicious-logon-triage"))
    dialog = ProfilesDialog(win.context, win)
    qtbot.addWidget(dialog)
    names = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    dialog.list.setCurrentRow(names.index("Offline host"))
    editor = dialog.editor.assertions
    assert not editor.record_button.isHidden()
    editor.record_button.click()
    rows = [editor.row_data(r) for r in range(editor.table.rowCount())]
    assert rows[0] == {"kind": "status", "value": "partial"}
    assert {"kind": "reached", "state": "Contained"} in rows
    assert {"kind": "not_reached", "state": "Benign"} in rows
    assert {"kind": "retries", "state": "Warn user", "count": 2} in rows
    assert dialog.save()
    saved = win.context.document.doc.profile("Offline host").assertions
    assert [a.to_data() for a in saved] == rows
    dialog.close()
    win.context.undo_stack.setClean()
    win.close()
