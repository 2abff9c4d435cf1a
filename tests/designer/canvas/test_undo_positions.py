"""The canvas writes positions into the document only through undo.

After every gesture the document must be exactly what undoing everything (back to the
document as it was opened, before the scene existed) and redoing everything gives, and the
cards must stand where the document says. A position written outside an undo command (as the
scene once did when it laid out states that had none) survives the undo and fails the check.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from designer.canvas import CanvasView, PlaybookScene
from designer.context import DesignerContext
from designer.document import EditableDocument
from runtime.loader import load_playbook

EXAMPLE = Path(__file__).resolve().parents[3] / "resources/examples/suspicious-logon-triage.playbook.json"
LEFT = Qt.MouseButton.LeftButton
UNPLACED = ("Benign", "Record benign", "Contained")  # opened without a position


@pytest.fixture
def opened(qtbot) -> tuple[DesignerContext, dict[str, Any]]:
    doc = load_playbook(EXAMPLE).document
    for name in UNPLACED:
        del doc.layout.positions[name]
    context = DesignerContext(EditableDocument(doc))
    return context, copy.deepcopy(context.document.snapshot())


@pytest.fixture
def view(qtbot, opened) -> CanvasView:
    view = CanvasView(PlaybookScene(opened[0]))
    view.resize(1400, 800)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.zoom_reset()
    view.centerOn(700, 0)
    return view


def assert_replayable(context: DesignerContext, scene: PlaybookScene,
                      opened: dict[str, Any]) -> None:
    """Undo all gives the opened document, redo all gives today's; cards follow the document."""
    now = copy.deepcopy(context.document.snapshot())
    stack = context.undo_stack
    while stack.canUndo():
        stack.undo()
    assert context.document.snapshot() == opened
    while stack.canRedo():
        stack.redo()
    assert context.document.snapshot() == now
    for item in scene.state_items():
        assert context.document.position(item.name) == (item.pos().x(), item.pos().y())


def drag(view: CanvasView, start: QPoint, end: QPoint, steps: int = 5) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, pos=start)
    for step in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * step / steps)
    QTest.mouseRelease(viewport, LEFT, pos=end)


def grab_point(view: CanvasView, name: str) -> QPoint:
    return view.mapFromScene(view.playbook_scene.item(name).mapToScene(QPointF(100, 10)))


def test_states_without_a_position_are_placed_through_undo(opened, view):
    context, snapshot = opened
    assert all(context.document.position(n) is not None for n in UNPLACED)
    assert_replayable(context, view.playbook_scene, snapshot)


def test_every_drag_is_one_undo_step_and_replays(opened, view):
    context, snapshot = opened
    scene = view.playbook_scene
    stack = context.undo_stack
    for name, offset in (("Risk Score", QPoint(0, 80)), ("Benign", QPoint(-60, 40))):
        count = stack.count()
        context.select([])
        drag(view, grab_point(view, name), grab_point(view, name) + offset)
        assert stack.count() == count + 1 and stack.undoText() == f"Move {name}"
        assert_replayable(context, scene, snapshot)
    context.select(["Get Alerts", "Risky?"])
    count = stack.count()
    drag(view, grab_point(view, "Risky?"), grab_point(view, "Risky?") + QPoint(40, 60))
    assert stack.count() == count + 1 and stack.undoText() == "Move 2 states"
    assert_replayable(context, scene, snapshot)


def test_a_click_without_moving_writes_nothing(opened, view):
    context, snapshot = opened
    count = context.undo_stack.count()
    point = grab_point(view, "Risk Score")
    QTest.mouseClick(view.viewport(), LEFT, pos=point)
    assert context.undo_stack.count() == count
    assert_replayable(context, view.playbook_scene, snapshot)


def test_drops_pastes_layouts_and_nudges_replay(opened, view):
    context, snapshot = opened
    scene = view.playbook_scene
    edge = scene.edge("Get Alerts", "next")
    middle = edge.route_path().pointAtPercent(0.5)
    assert scene.drop_entry("create_incident", middle)  # inserted: neighbours make room
    assert_replayable(context, scene, snapshot)
    assert scene.drop_entry("get_alerts", QPointF(900, 900))
    assert_replayable(context, scene, snapshot)
    context.select(["Risky?", "Contain"])
    assert view.duplicate_selection()
    assert_replayable(context, scene, snapshot)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert_replayable(context, scene, snapshot)
    assert view.align_to_grid()
    assert_replayable(context, scene, snapshot)
    assert view.auto_layout()
    assert_replayable(context, scene, snapshot)


def test_moving_a_note_by_mouse_replays(opened, view):
    context, snapshot = opened
    scene = view.playbook_scene
    note_id = scene.editor.add_note(QPointF(600, -200), "Remember")
    note = scene.note(note_id)
    start = view.mapFromScene(note.mapToScene(QPointF(60, 60)))
    count = context.undo_stack.count()
    drag(view, start, start + QPoint(50, 30))
    assert context.undo_stack.count() == count + 1
    assert context.undo_stack.undoText() == "Move note"
    assert_replayable(context, scene, snapshot)
