"""The view's gestures: Space + drag pans, the rubber band selects (through the card index
while zoomed out, when the cards are hidden)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtTest import QTest

from designer.canvas import CanvasView
from designer.canvas.view import LOD_SCALE

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def view(show_view, context) -> CanvasView:
    view = show_view(context)
    view.setFocus()
    return view


def band(view: CanvasView, scene_rect: QRectF) -> None:
    """Drag a rubber band over ``scene_rect`` (from a point left of and above every card)."""
    viewport = view.viewport()
    start, end = view.mapFromScene(scene_rect.topLeft()), view.mapFromScene(scene_rect.bottomRight())
    QTest.mousePress(viewport, LEFT, pos=start)
    for step in range(1, 5):
        QTest.mouseMove(viewport, start + (end - start) * step / 4)
    QTest.mouseRelease(viewport, LEFT, pos=end)


def first_two_cards(view: CanvasView) -> QRectF:
    index = view.playbook_scene.index
    rect = index.rect("Get Alerts").united(index.rect("Risk Score"))
    return rect.adjusted(-30, -30, 10, 10)


def test_rubber_band_selects_the_cards_it_covers(view):
    view.zoom_reset()
    rect = first_two_cards(view)
    view.centerOn(rect.center())
    band(view, rect)
    assert view.playbook_scene.context.selection == ["Get Alerts", "Risk Score"]


def test_rubber_band_while_zoomed_out_selects_through_the_index(view):
    view.zoom_to_fit()
    view._scale_by(LOD_SCALE * 0.8 / view.zoom())
    scene = view.playbook_scene
    assert scene.lod and not scene.item("Get Alerts").isVisible()
    band(view, first_two_cards(view))
    assert scene.context.selection == ["Get Alerts", "Risk Score"]


def test_space_drag_pans_without_selecting(view):
    view.zoom_reset()
    scene = view.playbook_scene
    view.centerOn(scene.index.rect("Risk Score").center())
    before = view.visible_scene_rect().center()
    QTest.keyPress(view, Qt.Key.Key_Space)
    start = view.viewport().rect().center()
    QTest.mousePress(view.viewport(), LEFT, pos=start)
    QTest.mouseMove(view.viewport(), start + QPoint(-120, 0))
    QTest.mouseRelease(view.viewport(), LEFT, pos=start + QPoint(-120, 0))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    after = view.visible_scene_rect().center()
    assert after.x() - before.x() == pytest.approx(120, abs=2)
    assert scene.context.selection == [] and not scene.selectedItems()
    assert view.playbook_scene.item("Risk Score").pos() == QPointF(
        *scene.context.document.position("Risk Score"))
