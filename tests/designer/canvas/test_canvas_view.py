"""The canvas view: zoom, level of detail, pan, minimap, find, context menus, rendering."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from designer.canvas import CanvasView, PlaybookScene
from designer.canvas.menus import build_context_menu
from designer.canvas.style import theme
from designer.canvas.view import LOD_SCALE


@pytest.fixture
def view(show_view, context) -> CanvasView:
    return show_view(context)


def render(view: CanvasView) -> QImage:
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    view.viewport().render(image)
    return image


def colours(image: QImage, step: int = 7) -> set[int]:
    return {image.pixel(x, y) for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)}


def test_zoom_keys_and_fit(view):
    view.zoom_reset()
    assert view.zoom() == pytest.approx(1.0)
    view.zoom_in()
    assert view.zoom() == pytest.approx(1.2)
    view.zoom_out()
    view.zoom_out()
    assert view.zoom() == pytest.approx(1 / 1.2)
    view.zoom_to_fit()
    content = view.scene().content_rect()
    assert view.visible_scene_rect().contains(content)
    assert view.zoom() <= 1.0
    view.scene().context.select(["Benign"])
    view.zoom_to_selection()
    assert view.zoom() == pytest.approx(1.5)
    assert view.visible_scene_rect().contains(view.scene().item("Benign").sceneBoundingRect())


def test_level_of_detail_switches_at_low_zoom(view, context):
    scene = view.scene()
    context.select(["Contain"])
    view.zoom_reset()
    assert not scene.lod and scene.item("Contain").isVisible()
    view._scale_by(LOD_SCALE * 0.8)
    assert scene.lod
    assert not scene.item("Contain").isVisible() and not scene.edge_items()[0].isVisible()
    assert scene.overview.isVisible()
    data = scene.overview.picture()
    assert len(data.colour_of) == 12
    assert data.colour_of["Contain"] == theme().highlight.rgba()  # the selection
    assert len(data.lines) == len(scene.edge_items())
    scene.item("Benign").set_run_status("failed", "failed")
    assert scene.overview.picture() is data  # restyled in place, not rebuilt
    assert data.colour_of["Benign"] == theme().status("failed").rgba()
    assert len(colours(render(view))) > 3  # the overview paints the cards
    assert context.selection == ["Contain"]  # hiding items did not lose the selection
    view.zoom_reset()
    assert not scene.lod and scene.item("Contain").isVisible()
    assert scene.item("Contain").isSelected()


def test_overview_click_selects_a_card(view, context):
    view._scale_by(0.25)
    scene = view.scene()
    centre = scene.index.rect("Risk Score").center()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.mapFromScene(centre))
    assert context.selection == ["Risk Score"]


def test_middle_drag_pans(view, qtbot):
    view.zoom_reset()
    before = view.visible_scene_rect().center()
    start = view.viewport().rect().center()
    QTest.mousePress(view.viewport(), Qt.MouseButton.MiddleButton, pos=start)
    QTest.mouseMove(view.viewport(), start + QPointF(-100, -40).toPoint())
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.MiddleButton,
                       pos=start + QPointF(-100, -40).toPoint())
    after = view.visible_scene_rect().center()
    assert after.x() - before.x() == pytest.approx(100, abs=2)
    assert not view.renderHints() & QPainter.RenderHint.Antialiasing  # off while panning
    qtbot.waitUntil(lambda: bool(view.renderHints() & QPainter.RenderHint.Antialiasing),
                    timeout=1000)


def test_minimap_shows_only_when_the_playbook_does_not_fit(view):
    view.zoom_to_fit()
    assert not view.minimap.isVisible()
    view.zoom_reset()
    view._scale_by(2.0)
    assert view.minimap.isVisible()
    view.minimap.grab()  # paints
    centre = view.minimap.rect().center()
    QTest.mouseClick(view.minimap, Qt.MouseButton.LeftButton, pos=centre)
    content = view.scene().content_rect()
    assert view.visible_scene_rect().intersects(content)


def test_find_states_by_name_type_and_parameter(view):
    assert view.find_states("risk") == ["Risk Score", "Risky?", "Create Incident"]  # description
    assert view.find_states("soc-TIER2") == ["Create Incident"]
    assert view.find_states("manage process") == ["Stop suspicious process"]
    assert view.find_states("popup") == ["Warn user", "Note popup not shown"]
    assert view.find_states("critical") == ["Get Alerts", "Create Incident"]
    assert view.find_states("no such thing") == []


def test_center_on_and_focus_state(view, context):
    view._scale_by(0.3)
    context.focusState.emit("Benign")
    assert context.selection == ["Benign"]
    assert view.zoom() >= 0.6
    centre = view.visible_scene_rect().center()
    assert view.scene().index.rect("Benign").center() == pytest.approx(centre, abs=2) or \
        view.scene().index.rect("Benign").contains(centre)


def test_context_menus(view, context):
    scene = view.scene()
    menu = build_context_menu(scene, scene.index.rect("Risk Score").center())
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert texts == ["Rename", "Duplicate", "Copy", "Cut", "Delete", "Set as start",
                     "Auto-layout selection"]
    assert context.selection == ["Risk Score"]
    menu = build_context_menu(scene, QPointF(-2000, -2000))
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert texts == ["Paste", "Add note", "Select all", "Auto-layout"]
    readonly = PlaybookScene(context, editable=False)
    assert build_context_menu(readonly, QPointF(0, 0)) is None


def test_keyboard_delete_and_select_all(view, context, qtbot):
    view.setFocus()
    view.select_all()
    assert context.selection == list(context.document.definition)
    context.select(["Benign"])
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert "Benign" not in context.document.definition
    QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # nothing selected


def test_add_note_from_the_view(view, context):
    note_id = view.add_note()
    assert note_id and view.scene().note(note_id) is not None
    assert view.scene().note(note_id).is_editing()
    context.undo_stack.undo()
    assert view.scene().note(note_id) is None


def test_dark_palette_renders(view, qtbot):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    original = app.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    try:
        app.setPalette(dark)
        qtbot.wait(10)
        assert theme().dark
        image = render(view)
        assert QColor(image.pixel(5, 5)).lightness() < 80
    finally:
        app.setPalette(original)
        qtbot.wait(10)
    assert not theme().dark


def test_screenshot_renders_readable_cards(view, tmp_path):
    view.zoom_to_fit()
    image = view.grab().toImage()
    path = tmp_path / "canvas.png"
    assert image.save(str(path))
    assert len(colours(image, 5)) > 30
