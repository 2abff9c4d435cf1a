"""Mouse gestures on the scene: drag to move, drag from a port to connect, drag an arrow's end
to reconnect, palette drops, double-click, in-place rename and the context menus.

:class:`Gestures` gets the scene's mouse events first; what it does not handle falls through
to ``QGraphicsScene`` (selection, rubber band, moving the selected items). A finished gesture
becomes one call on :class:`~designer.canvas.editing.SceneEditor`, so a whole drag is one undo
step. While a move is in progress only the edges of the moving cards are re-routed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsProxyWidget,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QLineEdit,
    QMenu,
)

from designer.canvas.edges import EdgeItem
from designer.canvas.items import StateItem, port_hit_radius
from designer.canvas.menus import build_context_menu
from designer.canvas.notes import NoteItem
from designer.canvas.ports import Port
from designer.canvas.style import CARD_WIDTH, theme

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene

MIME_ENTRY = "application/x-playbook-state"
LEFT = Qt.MouseButton.LeftButton


class Gestures:
    """Turns mouse input on a scene into edits."""

    def __init__(self, scene: PlaybookScene) -> None:
        self.scene = scene
        self._wire: QGraphicsPathItem | None = None
        self._wire_from: tuple[str, str] | None = None  # (source, port path)
        self._reconnect = False
        self._pressed: dict[str, QPointF] = {}
        self._pressed_notes: dict[str, QPointF] = {}
        self._drop_edge: EdgeItem | None = None
        self._rename: QGraphicsProxyWidget | None = None

    # -- press / move / release ----------------------------------------------------------------
    def press(self, event: QGraphicsSceneMouseEvent) -> bool:
        """Start a connect or reconnect drag; False lets the scene handle the press."""
        pos = event.scenePos()
        item = self.scene.state_at(pos) if not self.scene.lod else None
        if item is not None:
            self.scene.stateClicked.emit(item.name)
        if event.button() != LEFT or not self.scene.editable or self.scene.lod:
            return False
        for edge in self.scene.selectedItems():
            if isinstance(edge, EdgeItem) and edge.near_end(pos):
                self._start_wire(edge.source, edge.path, edge.start_point(), reconnect=True)
                event.accept()
                return True
        hit = self.port_near(pos, _view_scale(event))
        if hit is not None:
            owner, port = hit
            self._start_wire(owner.name, port.path, owner.port_scene_pos(port.path))
            event.accept()
            return True
        return False

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

    def after_press(self, event: QGraphicsSceneMouseEvent) -> None:
        """Remember where the selected cards and notes were, to commit a move on release."""
        self._pressed = {i.name: i.pos() for i in self.scene.selectedItems()
                         if isinstance(i, StateItem)}
        self._pressed_notes = {i.note_id: i.pos() for i in self.scene.selectedItems()
                               if isinstance(i, NoteItem)}

    def move(self, event: QGraphicsSceneMouseEvent) -> bool:
        if self._wire is None:
            return False
        start = self._wire.path().elementAt(0)
        self._wire.setPath(_wire_path(QPointF(start.x, start.y), event.scenePos()))
        event.accept()
        return True

    def after_move(self, event: QGraphicsSceneMouseEvent) -> None:
        if not (event.buttons() & LEFT) or not self._pressed:
            return
        moved = [n for n, p in self._pressed.items()
                 if (item := self.scene.item(n)) is not None and item.pos() != p]
        if moved:
            self.scene.projection.reroute(moved)

    def release(self, event: QGraphicsSceneMouseEvent) -> bool:
        if self._wire is None:
            return False
        source, path = self._wire_from or ("", "")
        reconnect = self._reconnect
        self._end_wire()
        event.accept()
        target = self.scene.state_at(event.scenePos())
        if target is not None:
            if reconnect:
                self.scene.editor.reconnect(source, path, target.name)
            else:
                self.scene.editor.connect_port(source, path, target.name)
        else:
            self.scene.projection.reroute([source])
        return True

    def after_release(self, event: QGraphicsSceneMouseEvent) -> None:
        """Commit a finished move of the selection as one step."""
        pressed, notes = self._pressed, self._pressed_notes
        self._pressed, self._pressed_notes = {}, {}
        moves = {n: (i.pos().x(), i.pos().y()) for n, p in pressed.items()
                 if (i := self.scene.item(n)) is not None and i.pos() != p}
        note_moves = {n: (i.pos().x(), i.pos().y()) for n, p in notes.items()
                      if (i := self.scene.note(n)) is not None and i.pos() != p}
        if moves or note_moves:
            self.scene.editor.move(moves, note_moves)

    def double_click(self, event: QGraphicsSceneMouseEvent) -> bool:
        item = self.scene.state_at(event.scenePos())
        if item is None:
            return False
        self.scene.stateActivated.emit(item.name)
        return True

    # -- the connection wire ----------------------------------------------------------------------
    def _start_wire(self, source: str, path: str, start: QPointF, reconnect: bool = False) -> None:
        self._wire_from = (source, path)
        self._reconnect = reconnect
        wire = QGraphicsPathItem(_wire_path(start, start))
        pen = QPen(theme().highlight, 2, Qt.PenStyle.DashLine)
        wire.setPen(pen)
        wire.setZValue(10)
        self.scene.addItem(wire)
        self._wire = wire
        if reconnect:
            edge = self.scene.edge(source, path)
            if edge is not None:
                edge.setVisible(False)

    def _end_wire(self) -> None:
        if self._wire is not None:
            self.scene.removeItem(self._wire)
        if self._reconnect and self._wire_from:
            edge = self.scene.edge(*self._wire_from)
            if edge is not None:
                edge.setVisible(True)
        self._wire, self._wire_from, self._reconnect = None, None, False

    # -- palette drops -------------------------------------------------------------------------------
    def _accepts(self, event) -> bool:
        return self.scene.editable and event.mimeData().hasFormat(MIME_ENTRY)

    def drag_enter(self, event) -> None:
        event.setAccepted(self._accepts(event))
        if event.isAccepted():
            event.acceptProposedAction()

    def drag_move(self, event) -> None:
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

    def drag_leave(self, event) -> None:
        if self._drop_edge is not None:
            self._drop_edge.set_highlighted(False)
            self._drop_edge = None

    def drop(self, event) -> None:
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


def _wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    path = QPainterPath(start)
    pull = max(30.0, abs(end.x() - start.x()) / 2)
    path.cubicTo(start + QPointF(pull, 0), end - QPointF(pull, 0), end)
    return path


class _EscapeFilter(QObject):
    """Esc in the rename editor cancels (the filter is owned by the editor)."""

    def __init__(self, parent: QLineEdit, cancel: Callable[[], None]) -> None:
        super().__init__(parent)
        self._cancel = cancel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self._cancel()
            return True
        return False
