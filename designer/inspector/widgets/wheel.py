"""The mouse wheel scrolls forms instead of changing values the user did not point at.

A combo box, spin box (and date/time edit) or slider under the cursor takes the wheel only
while it has keyboard focus; otherwise the wheel event is ignored so it travels to the parent
and the surrounding scroll area scrolls. :func:`no_wheel_unless_focused` guards one widget;
:func:`guard_wheel` guards a whole tree of widgets, including widgets added to it later (the
Inspector rebuilds its pages and rows all the time, so the guard follows new children).
The guarded widgets get ``Qt.StrongFocus``: a click or Tab focuses them, the wheel does not.
"""

from __future__ import annotations

from typing import TypeGuard

from PySide6.QtCore import QChildEvent, QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

WHEEL_WIDGETS = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def _takes_wheel(widget: QObject) -> TypeGuard[QWidget]:
    # A scroll bar is how the form scrolls: it always takes the wheel.
    return isinstance(widget, WHEEL_WIDGETS) and not isinstance(widget, QScrollBar)


class WheelGuard(QObject):
    """Event filter: drop the wheel on unfocused value widgets; follow new children."""

    def __init__(self, parent: QObject | None = None, *, follow_children: bool = False) -> None:
        super().__init__(parent)
        self._follow = follow_children

    def watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)
        if _takes_wheel(widget) and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def watch_tree(self, root: QWidget) -> None:
        self.watch(root)
        for child in root.findChildren(QWidget):
            self.watch(child)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            if _takes_wheel(watched) and not watched.hasFocus():
                if not _scroll_instead(watched, event):
                    event.ignore()  # not accepted: QApplication passes it on to the parent
                return True
            return False
        if self._follow and isinstance(event, QChildEvent) and kind == QEvent.Type.ChildPolished:
            child = event.child()
            if isinstance(child, QWidget):
                self.watch_tree(child)
        return False


def _scroll_instead(widget: QWidget, event: QWheelEvent) -> bool:
    """Hand the wheel to the nearest enclosing scroll area that can still scroll that way.

    Done explicitly (rather than by ignoring the event) so it works for synthesized events
    too, which ``QApplication`` does not propagate to parents.
    """
    delta = event.angleDelta()
    vertical = abs(delta.y()) >= abs(delta.x())
    step = delta.y() if vertical else delta.x()
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            bar = parent.verticalScrollBar() if vertical else parent.horizontalScrollBar()
            if (bar.value() > bar.minimum()) if step > 0 else (bar.value() < bar.maximum()):
                viewport = parent.viewport()
                local = QPointF(viewport.mapFromGlobal(event.globalPosition().toPoint()))
                forwarded = QWheelEvent(local, event.globalPosition(), event.pixelDelta(),
                                        delta, event.buttons(), event.modifiers(),
                                        event.phase(), event.inverted())
                QApplication.sendEvent(viewport, forwarded)
                return True
        parent = parent.parentWidget()
    return False


def no_wheel_unless_focused(widget: QWidget) -> QWidget:
    """Let ``widget`` (a combo, spin box or slider) take the wheel only while it has focus.

    Returns the widget, so it can wrap a constructor call.
    """
    guard = WheelGuard(widget)
    guard.watch(widget)
    return widget


def guard_wheel(root: QWidget) -> WheelGuard:
    """Guard every combo, spin box and slider under ``root``, now and added later."""
    guard = WheelGuard(root, follow_children=True)
    guard.watch_tree(root)
    return guard
