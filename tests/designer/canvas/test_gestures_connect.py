"""Connecting from a port with the mouse (issue 16, item 1): the whole port circle and a few
view pixels around it start a wire, at fit zoom and at 100 %, and the connection is one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from designer.canvas import CanvasView
from designer.canvas.ports import port_point
from designer.document import get_field

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def view(show_view, context) -> CanvasView:
    return show_view(context, (1000, 650))


def _drag(view: CanvasView, start: QPoint, end: QPoint) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, LEFT, pos=start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, LEFT, pos=end)


@pytest.mark.parametrize("zoom", ["fit", "100%"])
@pytest.mark.parametrize("offset", [(0, 0), (-3, 0), (-2, -2), (0, 3), (-6, 0), (6, 0)])
def test_pressing_anywhere_on_a_port_and_dragging_connects(context, view, zoom, offset):
    scene = view.scene()
    if zoom == "fit":
        view.zoom_to_fit()
        assert view.zoom() < 0.9
    else:
        view.zoom_reset()
        view.center_on("Record benign")
    source, goal = scene.item("Record benign"), scene.item("Contained")
    start = view.mapFromScene(source.port_scene_pos("next")) + QPoint(*offset)
    end = view.mapFromScene(goal.mapToScene(QPointF(100, 30)))
    before_pos = source.pos()
    _drag(view, start, end)

    assert context.undo_stack.undoText() == "Connect Record benign → Contained"
    assert source.pos() == before_pos  # the card did not move
    assert get_field(context.document.state_dict("Record benign"), "next") == "Contained"
    assert scene.edge("Record benign", "next").target == "Contained"
    context.undo_stack.undo()
    assert get_field(context.document.state_dict("Record benign"), "next") == "Benign"
    context.undo_stack.redo()
    assert get_field(context.document.state_dict("Record benign"), "next") == "Contained"


def test_the_card_shape_has_no_hole_where_a_port_overlaps_it(view):
    item = view.scene().item("Record benign")
    centre = port_point(item.port("next"), item.height)
    for dx in (-4.0, -2.0, 0.0, 2.0, 4.0):
        assert item.shape().contains(centre + QPointF(dx, 0.0)), dx
