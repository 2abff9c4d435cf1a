"""Broken server files open for repair: states on the canvas, problems listed, an unknown type
kept as a marked card, and the Inspector's start checkbox can untick a second start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from runtime.serverformat import export_playbook

ODD = {"type": "quantum_wait", "qubits": [1, {"x": None}], "next": "Done",
       "comment": "from a newer server"}
BROKEN = {
    "Get": {"start": True, "type": "action", "action": "get_alerts",
            "parameters": {"limit": 5}, "next": "Odd"},
    "Also start": {"start": True, "type": "pass", "next": "Gone"},
    "Odd": ODD,
    "Done": {"type": "success"},
}


@pytest.fixture
def window(main_window, qtbot):
    win = main_window(None)
    win.show()  # at its own default size
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.server.json"
    path.write_text(json.dumps(BROKEN), encoding="utf-8")
    return path


def test_a_broken_server_file_opens_with_its_problems(qtbot, window, broken: Path) -> None:
    assert window.open_path(broken)
    doc = window.context.document.doc
    assert set(doc.definition) == set(BROKEN)
    for name in BROKEN:
        assert window.scene.item(name) is not None, name
    qtbot.waitUntil(lambda: {"start.multiple", "target.missing", "state.unknown-type"}
                    <= {p.code for p in window.context.problems})
    tree = window.problems.tree
    listed = {tree.topLevelItem(i).text(4) for i in range(tree.topLevelItemCount())}
    assert {"start.multiple", "target.missing", "state.unknown-type"} <= listed
    # The unknown card is marked, and its fields are kept for export unchanged.
    assert window.scene.item("Odd").title == "Unknown type: quantum_wait"
    assert export_playbook(doc, check=False).definition["Odd"] == ODD


def _select(qtbot, window, name: str):
    window.context.select([name])
    page = window.inspector.current_page()
    assert page is not None and page.binding.name == name
    window.inspector_dock.show()
    return page


def test_the_start_checkbox_unticks_a_second_start(qtbot, window, broken: Path) -> None:
    window.open_path(broken)
    page = _select(qtbot, window, "Also start")
    section = next(s for s in page.sections if hasattr(s, "start"))
    box = section.start
    assert box.isChecked() and box.isEnabled()
    qtbot.waitUntil(box.isVisible)
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: not window.context.document.doc.state("Also start").start)
    assert window.context.document.doc.state("Get").start
    qtbot.waitUntil(lambda: "start.multiple" not in {p.code for p in window.context.problems})
    assert not box.isChecked() and box.isEnabled()
    # Ticking it again makes it the only start (undoable like any edit).
    QTest.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: window.context.document.doc.state("Also start").start)
    assert not window.context.document.doc.state("Get").start


def test_the_unknown_state_shows_in_the_inspector(qtbot, window, broken: Path) -> None:
    window.open_path(broken)
    page = _select(qtbot, window, "Odd")
    assert page is not None
    window.context.undo_stack.setClean()


UNREADABLE = {"type": "wait", "duration": 30, "next": ["Done", "End"], "x_note": [1, 2]}


def test_a_state_with_an_unreadable_field_opens_and_is_repaired_as_json(qtbot, window,
                                                                      tmp_path: Path) -> None:
    from designer.inspector.repair_editor import RepairEditor
    from runtime.model.states import InvalidState, WaitState

    path = tmp_path / "unreadable.playbook.json"
    path.write_text(json.dumps({
        "format_version": 1, "name": "unreadable", "definition": {
            "Get": {"start": True, "type": "action", "action": "get_alerts",
                    "parameters": {"limit": 5}, "next": "Hold"},
            "Hold": UNREADABLE, "Done": {"type": "success"}}}), encoding="utf-8")
    assert window.open_path(path)
    doc = window.context.document
    assert isinstance(doc.state("Hold"), InvalidState)
    assert window.scene.item("Hold").title == "Unreadable wait: next"
    qtbot.waitUntil(lambda: "state.invalid" in {p.code for p in window.context.problems})
    page = _select(qtbot, window, "Hold")
    editor = page.body
    assert isinstance(editor, RepairEditor)
    assert "next" in editor.explanation.text() and "found a list" in editor.explanation.text()
    assert json.loads(editor.text.toPlainText()) == UNREADABLE

    # Not JSON: refused with the place, nothing changes.
    editor.text.selectAll()
    qtbot.keyClicks(editor.text, '{"type": "wait",')
    qtbot.mouseClick(editor.apply, Qt.MouseButton.LeftButton)
    assert editor.messages.texts() and isinstance(doc.state("Hold"), InvalidState)
    # Still unreadable: refused with the field named.
    editor.text.selectAll()
    qtbot.keyClicks(editor.text, '{"type": "wait", "duration": 30, "next": 7}')
    qtbot.mouseClick(editor.apply, Qt.MouseButton.LeftButton)
    assert any("/next" in t for t in editor.messages.texts())
    # Fixed: one undoable step; the state gets its ordinary form.
    editor.text.selectAll()
    qtbot.keyClicks(editor.text, '{"type": "wait", "duration": 30, "next": "Done"}')
    qtbot.mouseClick(editor.apply, Qt.MouseButton.LeftButton)
    assert isinstance(doc.state("Hold"), WaitState)
    qtbot.waitUntil(lambda: not isinstance(window.inspector.current_page().body, RepairEditor))
    window.context.undo_stack.undo()
    assert isinstance(doc.state("Hold"), InvalidState)
    assert doc.state_dict("Hold") == UNREADABLE  # back exactly as it came
    window.context.undo_stack.redo()
    assert doc.state_dict("Hold") == {"type": "wait", "duration": 30, "next": "Done"}
