"""The scene's mouse dispatcher, palette drops, double-click, in-place rename, context menus.

:class:`Gestures` gets the scene's mouse events first. A left press starts one small gesture
from :mod:`designer.canvas.gestures` (reconnect the end of a selected arrow, connect from a
port, or move the selected cards) and the following moves and the release go to that gesture
until it ends; :meth:`Gestures.cancel` (Esc) abandons it. A gesture that is ``passthrough``
lets ``QGraphicsScene`` handle the events as well (selection, moving the selected items);
presses with no gesture go to ``QGraphicsScene`` alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGraphicsProxyWidget,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QLineEdit,
    QMenu,
)

from designer.canvas.edges import EdgeItem
from designer.canvas.gestures import ConnectWire, Gesture, MoveCards, ReconnectEdge
from designer.canvas.items import StateItem, port_hit_radius
from designer.canvas.menus import build_context_menu
from designer.canvas.ports import Port
from designer.canvas.style import CARD_WIDTH

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene

MIME_ENTRY = "application/x-playbook-state"
LEFT = Qt.MouseButton.LeftButton
Default = Callable[[QGraphicsSceneMouseEvent], None]


class Gestures:
    """Hands a scene's mouse input to the active gesture; drops, rename and menus."""

    def __init__(self, scene: PlaybookScene) -> None:
        self.scene = scene
        self.active: Gesture | None = None
        self._drop_edge: EdgeItem | None = None
        self._rename: QGraphicsProxyWidget | None = None

    # -- press / move / release ----------------------------------------------------------------
    def press(self, event: QGraphicsSceneMouseEvent, default: Default) -> None:
        """Start the gesture the press asks for; ``default`` is QGraphicsScene's handler."""
        pos = event.scenePos()
        item = self.scene.state_at(pos) if not self.scene.lod else None
        if item is not None:
            self.scene.stateClicked.emit(item.name)
        if self.active is not None:
            if event.button() != LEFT:  # another button during a gesture: the gesture goes on
                default(event)
                return
            self.cancel()  # a left press while one is active: its release never came
        gesture = self._gesture_for(event) if event.button() == LEFT else None
        if gesture is None or gesture.passthrough:
            default(event)
        else:
            event.accept()
        self.active = gesture
        if gesture is not None:
            gesture.press(pos)

    def _gesture_for(self, event: QGraphicsSceneMouseEvent) -> Gesture:
        pos = event.scenePos()
        if self.scene.editable and not self.scene.lod:
            for edge in self.scene.selectedItems():
                if isinstance(edge, EdgeItem) and edge.near_end(pos):
                    return ReconnectEdge(self.scene, edge.source, edge.path, edge.start_point())
            hit = self.port_near(pos, _view_scale(event))
            if hit is not None:
                owner, port = hit
                return ConnectWire(self.scene, owner.name, port.path,
                                   owner.port_scene_pos(port.path))
        return MoveCards(self.scene)

    def port_near(self, pos: QPointF, scale: float) -> tuple[StateItem, Port] | None:
        """The port whose circle, widened by a few *view* pixels, contains ``pos``.

        The tolerance is a few pixels on screen at every zoom (:func:`port_hit_radius`), so a
        port stays easy to grab when zoomed out.
        """
        radius = port_hit_radius(scale)
        area = QRectF(pos.x() - radius, pos.y() - radius, 2 * radius, 2 * radius)
        for item in self.scene.items(area):
            if isinstance(item, StateItem):
                port = item.port_at(item.mapFromScene(pos), radius)
                if port is not None:
                    return item, port
        return None

    def move(self, event: QGraphicsSceneMouseEvent, default: Default) -> None:
        gesture = self.active
        if gesture is None or gesture.passthrough:
            default(event)
        else:
            event.accept()
        if gesture is not None and event.buttons() & LEFT:
            gesture.move(event.scenePos())

    def release(self, event: QGraphicsSceneMouseEvent, default: Default) -> None:
        gesture = self.active
        if gesture is None or gesture.passthrough:
            default(event)
        else:
            event.accept()
        if gesture is not None and event.button() == LEFT:
            self.active = None
            gesture.release(event.scenePos())

    def cancel(self) -> bool:
        """Abandon the active gesture (Esc during a drag); False when there is none."""
        gesture, self.active = self.active, None
        if gesture is None:
            return False
        gesture.cancel()
        grabber = self.scene.mouseGrabberItem()
        if grabber is not None:  # Qt would go on moving the cards it grabbed
            grabber.ungrabMouse()
        return True

    def double_click(self, event: QGraphicsSceneMouseEvent) -> bool:
        item = self.scene.state_at(event.scenePos())
        if item is None:
            return False
        self.scene.stateActivated.emit(item.name)
        return True

    # -- palette drops -------------------------------------------------------------------------------
    def _accepts(self, event: QGraphicsSceneDragDropEvent) -> bool:
        return self.scene.editable and event.mimeData().hasFormat(MIME_ENTRY)

    def drag_enter(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.setAccepted(self._accepts(event))
        if event.isAccepted():
            event.acceptProposedAction()

    def drag_move(self, event: QGraphicsSceneDragDropEvent) -> None:
        if not self._accepts(event):
            event.ignore()
            return
        edge = self.scene.edge_at(event.scenePos())
        if edge is not self._drop_edge:
            if self._drop_edge is not None:
                self._drop_edge.set_highlighted(False)
            if edge is not None:
                edge.set_highlighted(True)
            self._drop_edge = edge
        event.acceptProposedAction()

    def drag_leave(self, event: QGraphicsSceneDragDropEvent | None) -> None:
        if self._drop_edge is not None:
            self._drop_edge.set_highlighted(False)
            self._drop_edge = None

    def drop(self, event: QGraphicsSceneDragDropEvent) -> None:
        self.drag_leave(event)
        if not self._accepts(event):
            event.ignore()
            return
        entry_id = bytes(event.mimeData().data(MIME_ENTRY).data()).decode("utf-8", "replace")
        event.acceptProposedAction()
        self.scene.drop_entry(entry_id.strip(), event.scenePos())

    # -- rename in place -------------------------------------------------------------------------------
    def start_rename(self, name: str) -> QLineEdit | None:
        """Open an inline editor over the card's name; Enter commits, Esc cancels."""
        item = self.scene.item(name)
        if item is None or not self.scene.editable:
            return None
        self.finish_rename(None)
        editor = QLineEdit(name)
        editor.setFrame(True)
        editor.setFixedWidth(int(CARD_WIDTH - 60))
        editor.selectAll()
        proxy = self.scene.addWidget(editor)
        proxy.setZValue(20)
        proxy.setPos(item.pos() + QPointF(52, 14))
        self._rename = proxy
        editor.returnPressed.connect(lambda: self.finish_rename((name, editor.text())))
        editor.editingFinished.connect(lambda: self.finish_rename((name, editor.text())))
        editor.installEventFilter(_EscapeFilter(editor, lambda: self.finish_rename(None)))
        editor.setFocus()
        proxy.setFocus()
        return editor

    def finish_rename(self, result: tuple[str, str] | None) -> None:
        proxy, self._rename = self._rename, None
        if proxy is None:
            return
        proxy.widget().blockSignals(True)
        self.scene.removeItem(proxy)
        proxy.deleteLater()
        if result is not None and result[1].strip() and result[1].strip() != result[0]:
            self.scene.editor.rename(result[0], result[1])

    # -- context menus -----------------------------------------------------------------------------
    def context_menu(self, event: QGraphicsSceneContextMenuEvent) -> None:
        if not self.scene.editable:
            return
        menu: QMenu | None = build_context_menu(self.scene, event.scenePos())
        if menu is not None:
            menu.exec(event.screenPos())
        event.accept()


def _view_scale(event: QGraphicsSceneMouseEvent) -> float:
    """The zoom of the view the event came through (1.0 when there is none)."""
    widget = event.widget()
    view = widget.parent() if widget is not None else None
    if isinstance(view, QGraphicsView):
        return abs(view.transform().m11()) or 1.0
    return 1.0


class _EscapeFilter(QObject):
    """Esc in the rename editor cancels (the filter is owned by the editor)."""

    def __init__(self, parent: QLineEdit, cancel: Callable[[], None]) -> None:
        super().__init__(parent)
        self._cancel = cancel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape):
            self._cancel()
            return True
        return False
