"""The mouse gestures of the canvas, one small class each: press → move → release, or cancel.

A gesture lives from a press to its release. The scene's dispatcher
(:class:`~designer.canvas.interaction.Gestures`) starts one per left press and hands it the
scene positions; the view starts :class:`Pan` and :class:`RubberBand` itself, with viewport
positions. ``cancel()`` (Esc during a drag) undoes whatever the gesture showed and commits
nothing. A finished gesture becomes at most one call on the scene's
:class:`~designer.canvas.editing.SceneEditor`, so it is at most one undo step.

- :class:`MoveCards` follows Qt's own moving of the selected cards and notes (``passthrough``:
  the scene lets ``QGraphicsScene`` handle the events first), re-routes their edges while they
  move and commits the move on release.
- :class:`ConnectWire` drags a dashed wire from a port; on a card it connects the port.
- :class:`ReconnectEdge` drags the end of a selected arrow to another card.
- :class:`Pan` scrolls the view (middle button, or Space + left button).
- :class:`RubberBand` completes Qt's rubber band while zoomed out, when the cards are hidden
  and the band has to select through the card index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from designer.canvas.items import StateItem
from designer.canvas.notes import NoteItem
from designer.canvas.style import theme

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene
    from designer.canvas.view import CanvasView


class Gesture:
    """One press-to-release interaction; positions are scene (or, for the view, viewport) points."""

    passthrough = False  # True: QGraphicsScene handles the events too, before the gesture

    def press(self, pos: QPointF) -> None:
        """The button went down at ``pos``."""

    def move(self, pos: QPointF) -> None:
        """The mouse moved to ``pos`` with the button held."""

    def release(self, pos: QPointF) -> None:
        """The button came up at ``pos``: commit the gesture."""

    def cancel(self) -> None:
        """Abandon the gesture: undo its preview, commit nothing."""


class MoveCards(Gesture):
    """Dragging the selected cards and notes (Qt moves the items; this commits the move)."""

    passthrough = True

    def __init__(self, scene: PlaybookScene) -> None:
        self.scene = scene
        self._cards: dict[str, QPointF] = {}
        self._notes: dict[str, QPointF] = {}

    def press(self, pos: QPointF) -> None:
        selected = self.scene.selectedItems()
        self._cards = {i.name: i.pos() for i in selected if isinstance(i, StateItem)}
        self._notes = {i.note_id: i.pos() for i in selected if isinstance(i, NoteItem)}

    def _moved_cards(self) -> dict[str, StateItem]:
        return {n: item for n, p in self._cards.items()
                if (item := self.scene.item(n)) is not None and item.pos() != p}

    def move(self, pos: QPointF) -> None:
        moved = self._moved_cards()
        if moved:
            self.scene.projection.reroute(moved)

    def release(self, pos: QPointF) -> None:
        moves = {n: (i.pos().x(), i.pos().y()) for n, i in self._moved_cards().items()}
        note_moves = {n: (i.pos().x(), i.pos().y()) for n, p in self._notes.items()
                      if (i := self.scene.note(n)) is not None and i.pos() != p}
        if moves or note_moves:
            self.scene.editor.move(moves, note_moves)

    def cancel(self) -> None:
        moved = self._moved_cards()
        for name, item in moved.items():
            item.setPos(self._cards[name])
        for note_id, start in self._notes.items():
            note = self.scene.note(note_id)
            if note is not None:
                note.setPos(start)
        if moved:
            self.scene.projection.reroute(moved)


class ConnectWire(Gesture):
    """A dashed wire from the port ``source.path``; released on a card, it connects the port."""

    def __init__(self, scene: PlaybookScene, source: str, path: str, start: QPointF) -> None:
        self.scene = scene
        self.source = source
        self.path = path
        self.start = start
        self.wire: QGraphicsPathItem | None = None

    def press(self, pos: QPointF) -> None:
        wire = QGraphicsPathItem(wire_path(self.start, self.start))
        wire.setPen(QPen(theme().highlight, 2, Qt.PenStyle.DashLine))
        wire.setZValue(10)
        self.scene.addItem(wire)
        self.wire = wire

    def move(self, pos: QPointF) -> None:
        if self.wire is not None:
            self.wire.setPath(wire_path(self.start, pos))

    def release(self, pos: QPointF) -> None:
        self.cancel()
        target = self.scene.state_at(pos)
        if target is not None:
            self.finish(target.name)
        else:
            self.scene.projection.reroute([self.source])

    def finish(self, target: str) -> None:
        self.scene.editor.connect_port(self.source, self.path, target)

    def cancel(self) -> None:
        if self.wire is not None:
            self.scene.removeItem(self.wire)
            self.wire = None


class ReconnectEdge(ConnectWire):
    """Dragging the end of the selected arrow ``source.path`` to another card."""

    def press(self, pos: QPointF) -> None:
        super().press(pos)
        edge = self.scene.edge(self.source, self.path)
        if edge is not None:
            edge.setVisible(False)

    def finish(self, target: str) -> None:
        self.scene.editor.reconnect(self.source, self.path, target)

    def cancel(self) -> None:
        super().cancel()
        edge = self.scene.edge(self.source, self.path)
        if edge is not None:
            edge.setVisible(True)


class Pan(Gesture):
    """Scrolling the view by dragging (viewport positions); antialiasing off meanwhile."""

    def __init__(self, view: CanvasView) -> None:
        self.view = view
        self._last = QPointF()

    def press(self, pos: QPointF) -> None:
        self._last = pos
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        self.view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def move(self, pos: QPointF) -> None:
        delta = pos - self._last
        self._last = pos
        self.view.pan_by(-delta.x(), -delta.y())

    def release(self, pos: QPointF) -> None:
        self.cancel()

    def cancel(self) -> None:
        self.view.panned()


class RubberBand(Gesture):
    """Qt draws the band; while zoomed out this selects the cards it covers via the index.

    The view feeds it the band's scene corners from ``rubberBandChanged`` (:meth:`track`).
    """

    def __init__(self, scene: PlaybookScene) -> None:
        self.scene = scene
        self.band = QRectF()

    def track(self, start: QPointF, end: QPointF) -> None:
        self.band = QRectF(start, end).normalized()

    def release(self, pos: QPointF) -> None:
        band, self.band = self.band, QRectF()
        if band.isNull() or not self.scene.lod:
            return
        names = {n for n, r in self.scene.index.rects().items() if band.intersects(r)}
        doc_order = [n for n in self.scene.context.document.definition if n in names]
        self.scene.context.select(doc_order)

    def cancel(self) -> None:
        self.band = QRectF()


def wire_path(start: QPointF, end: QPointF) -> QPainterPath:
    """The dashed connection wire: a horizontal S-curve from ``start`` to ``end``."""
    path = QPainterPath(start)
    pull = max(30.0, abs(end.x() - start.x()) / 2)
    path.cubicTo(start + QPointF(pull, 0), end - QPointF(pull, 0), end)
    return path
