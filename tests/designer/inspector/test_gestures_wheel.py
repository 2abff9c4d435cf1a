"""The mouse wheel over the Inspector scrolls the form; it changes a combo box, spin box or
slider only while that widget has focus (issue 16, item 2)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QSlider, QSpinBox, QVBoxLayout, QWidget
from test_inspector_flow import flow_document
from test_inspector_support import OFFSCREEN_NOISE, catalog_document, open_inspector, select

from designer.inspector.flow_editors import TargetCombo
from designer.inspector.widgets import guard_wheel, no_wheel_unless_focused

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One real wheel event over the middle of ``widget`` (negative = scroll down)."""
    local = QPointF(widget.rect().center())
    event = QWheelEvent(local, QPointF(widget.mapToGlobal(local.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _scrollable(inspector) -> None:
    bar = inspector.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 3)


def test_wheel_over_an_unfocused_next_combo_scrolls_instead_of_disconnecting(qtbot) -> None:
    context, inspector = open_inspector(qtbot, flow_document(), size=(380, 260))
    select(context, inspector, "Pause")
    qtbot.waitExposed(inspector)
    _scrollable(inspector)
    combo = inspector.scroll_area.widget().findChildren(TargetCombo)[0]
    inspector.scroll_area.ensureWidgetVisible(combo, 0, 0)
    before_index, bar = combo.currentIndex(), inspector.scroll_area.verticalScrollBar()
    before_scroll = bar.value()
    assert not combo.hasFocus()
    assert bar.minimum() < before_scroll < bar.maximum(), (bar.maximum(), before_scroll)
    wheel(combo, -1)
    assert combo.currentIndex() == before_index
    assert context.document.state_dict("Pause")["next"] == "End"
    assert bar.value() != before_scroll  # the form scrolled instead
    assert context.undo_stack.count() == 0

    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    wheel(combo, 1 if before_index == combo.count() - 1 else -1)
    assert combo.currentIndex() != before_index  # focused: the wheel changes it


def test_wheel_over_the_playbook_log_level_does_not_change_it(qtbot) -> None:
    context, inspector = open_inspector(qtbot, catalog_document(), size=(380, 260))
    select(context, inspector)
    qtbot.waitExposed(inspector)
    _scrollable(inspector)
    combos = inspector.scroll_area.widget().findChildren(QComboBox)
    level = context.document.playbook.get("log_level") if hasattr(context.document, "playbook") else None
    for combo in combos:
        if not combo.isVisible():
            continue
        inspector.scroll_area.ensureWidgetVisible(combo)
        index = combo.currentIndex()
        wheel(combo, -1)
        wheel(combo, 1)
        assert combo.currentIndex() == index
    assert context.undo_stack.count() == 0
    if level is not None:
        assert context.document.playbook.get("log_level") == level


def test_helpers_guard_spin_boxes_sliders_and_widgets_added_later(qtbot) -> None:
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    spin = no_wheel_unless_focused(QSpinBox(root))
    layout.addWidget(spin)
    guard_wheel(root)
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, 10)
    layout.addWidget(slider)  # added after the guard
    root.show()
    qtbot.waitExposed(root)
    for widget in (spin, slider):
        assert widget.focusPolicy() == Qt.FocusPolicy.StrongFocus
        wheel(widget, 1)
        assert widget.value() == 0
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    wheel(slider, 1)
    assert slider.value() != 0
