"""Esc during a drag abandons the gesture: nothing is committed and the picture is restored."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGraphicsPathItem

from designer.canvas import CanvasView, PlaybookScene
from designer.canvas.gestures import ConnectWire, MoveCards, ReconnectEdge

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def view(show_view, context) -> CanvasView:
    view = show_view(context)
    view.zoom_reset()
    view.centerOn(700, 0)
    view.setFocus()
    return view


def wires(scene: PlaybookScene) -> list[QGraphicsPathItem]:
    return [i for i in scene.items() if type(i) is QGraphicsPathItem]


def test_esc_while_dragging_cards_puts_them_back_and_commits_nothing(view):
    scene = view.playbook_scene
    context = scene.context
    card = scene.item("Risk Score")
    start = card.pos()
    edge = scene.edge("Get Alerts", "next")
    end_before = edge.end_point()
    grab = view.mapFromScene(card.mapToScene(QPointF(100, 10)))
    viewport = view.viewport()
    count = context.undo_stack.count()
    QTest.mousePress(viewport, LEFT, pos=grab)
    assert isinstance(scene.gestures.active, MoveCards)
    for step in range(1, 4):
        QTest.mouseMove(viewport, grab + QPoint(0, 30 * step))
    assert card.pos() != start and edge.end_point() != end_before  # it moved, edges followed
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert scene.gestures.active is None
    assert card.pos() == start and edge.end_point() == end_before
    QTest.mouseMove(viewport, grab + QPoint(0, 150))
    assert card.pos() == start  # Qt no longer drags it
    QTest.mouseRelease(viewport, LEFT, pos=grab + QPoint(0, 150))
    assert context.undo_stack.count() == count
    assert context.document.position("Risk Score") == (start.x(), start.y())
    assert context.selection == ["Risk Score"]  # Esc cancelled the drag, not the selection


def test_esc_while_wiring_from_a_port_removes_the_wire_and_connects_nothing(view):
    scene = view.playbook_scene
    context = scene.context
    source = scene.item("Record benign")
    port = source.port_scene_pos("next")
    goal = scene.item("Contained").input_scene_pos()
    viewport = view.viewport()
    count = context.undo_stack.count()
    QTest.mousePress(viewport, LEFT, pos=view.mapFromScene(port))
    assert isinstance(scene.gestures.active, ConnectWire)
    QTest.mouseMove(viewport, view.mapFromScene(goal))
    assert len(wires(scene)) == 1
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert not wires(scene)
    QTest.mouseRelease(viewport, LEFT, pos=view.mapFromScene(goal))
    assert context.undo_stack.count() == count
    assert context.document.state_dict("Record benign")["next"] == "Benign"


def test_esc_while_reconnecting_shows_the_arrow_again(view):
    scene = view.playbook_scene
    edge = scene.edge("Get Alerts", "next")
    edge.setSelected(True)
    end = view.mapFromScene(edge.end_point())
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, pos=end)
    assert isinstance(scene.gestures.active, ReconnectEdge) and not edge.isVisible()
    QTest.mouseMove(viewport, end + QPoint(200, 200))
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert edge.isVisible() and not wires(scene)
    QTest.mouseRelease(viewport, LEFT, pos=end + QPoint(200, 200))
    assert scene.context.document.state_dict("Get Alerts")["next"] == "Risk Score"


def test_esc_without_a_drag_still_clears_the_selection(view):
    view.playbook_scene.context.select(["Risk Score"])
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert view.playbook_scene.context.selection == []
