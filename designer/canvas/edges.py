"""Transitions on the canvas: one :class:`EdgeItem` per edge field of a state.

An edge is identified by ``(source state, field path)`` (edges are fields of states), points
at a target state, and is drawn along a path the scene routes (see
:mod:`designer.canvas.routing`). It shows a label (condition text, path name, 'on error'),
an arrowhead, a dashed style for ``on_error`` fallbacks, and a stronger stroke when a run took
it (:meth:`EdgeItem.set_taken`). A selected edge shows a handle at its end that can be
dragged to another state (reconnect). A transition to a far-away state (a shared error
handler) is drawn as a short stub with a '→ target' tag instead (:meth:`EdgeItem.set_jump`).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPainterPathStroker, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.canvas.style import USER_TYPE, theme

EDGE_ITEM_TYPE = USER_TYPE + 2
ARROW = 9.0
LABEL_LOD = 0.6
MAX_LABEL = 150.0
MAX_JUMP_TAG = 68.0  # a stub and its tag fit in the 80 px gap between layout columns
JUMP_STUB = 3.0
TAG_PAD = 3.0
CACHE_MAX_AREA = 500.0 * 500.0
NO_CACHE = QGraphicsItem.CacheMode.NoCache


class EdgeItem(QGraphicsItem):
    """One transition ``source.path → target``; geometry comes from the scene's router."""

    def __init__(self, source: str, path: str, target: str, *, kind: str = "next",
                 label: str = "") -> None:
        super().__init__()
        self.source, self.path, self.target = source, path, target
        self.kind = kind
        self.label = label
        self.taken = False
        self.dimmed = False
        self.highlighted = False
        self.jump = False
        self._path = QPainterPath()
        self._end = QPointF()
        self._start: QPainterPath.Element | None = None
        self._label_pos: QPointF | None = None
        self._hovered = False
        self._bounds = QRectF()
        self._shape: QPainterPath | None = None
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)  # z 0: below the cards
        self.setAcceptHoverEvents(True)

    def type(self) -> int:  # noqa: A003 - Qt's name
        return EDGE_ITEM_TYPE

    @property
    def key(self) -> tuple[str, str]:
        return self.source, self.path

    @property
    def is_error(self) -> bool:
        return self.kind == "error"

    # -- setters ------------------------------------------------------------------------------
    def set_jump(self, start: QPointF) -> None:
        """Draw the edge as a short stub into a '→ target' tag (the target is far away).

        Used for transitions to distant states, typically ``on_error`` fallbacks to one shared
        handler: a full-length path would cross the whole playbook, cost a repaint of every
        frame it spans, and tell the reader less than the target's name does. The tag fits in
        the gap between two layout columns.
        """
        self.jump = True
        self._set_path(QPainterPath(start))
        self._path.lineTo(start + QPointF(JUMP_STUB, 0))
        self._end = self._path.currentPosition()
        rect = self._label_rect(QPointF())
        self._label_pos = self._end + QPointF(rect.width() / 2, 0)
        self._bounds = self._bounds.united(self._label_rect(self._label_pos).adjusted(-2, -2, 2,
                                                                                       2))

    def set_geometry(self, path: QPainterPath) -> None:
        """Set the routed path (ending at the target's input point)."""
        self.jump = False
        self._set_path(path)
        if self.label:
            self._label_pos = path.pointAtPercent(0.5)
            self._bounds = self._bounds.united(
                self._label_rect(self._label_pos).adjusted(-2, -2, 2, 2))

    def _set_path(self, path: QPainterPath) -> None:
        self.prepareGeometryChange()
        self._path = path
        self._end = path.currentPosition()
        self._start = path.elementAt(0) if path.elementCount() else None
        self._shape = None
        self._label_pos = None
        bounds = path.boundingRect().adjusted(-ARROW - 4, -ARROW - 4, ARROW + 4, ARROW + 4)
        self._bounds = bounds
        # Short edges repaint from a device-pixel cache while panning; long ones would need
        # pixmaps too large to be worth it.
        small = bounds.width() * bounds.height() <= CACHE_MAX_AREA
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if small else NO_CACHE
        if mode != self.cacheMode():
            self.setCacheMode(mode)

    def label_visible(self) -> bool:
        """Jump tags always; other labels while hovered or selected (the card's port row
        names every edge already, so permanent labels would only clutter the canvas)."""
        return self.jump or (bool(self.label) and (self._hovered or self.isSelected()))

    def set_label(self, label: str) -> None:
        if label != self.label:
            self.label = label
            if self.jump:
                self.set_jump(self.start_point())
            else:
                self.set_geometry(self._path)

    def set_taken(self, taken: bool) -> None:
        if taken != self.taken:
            self.taken = taken
            self.update()

    def set_highlighted(self, on: bool) -> None:
        """Highlight the edge (a palette drag hovering over it: dropping inserts here)."""
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def set_dimmed(self, dimmed: bool) -> None:
        if dimmed != self.dimmed:
            self.dimmed = dimmed
            self.update()

    # -- geometry -----------------------------------------------------------------------------
    def route_path(self) -> QPainterPath:
        return self._path

    def end_point(self) -> QPointF:
        return QPointF(self._end)

    def start_point(self) -> QPointF:
        start = self._start
        return QPointF(start.x, start.y) if start is not None else QPointF()

    def near_end(self, scene_pos: QPointF, radius: float = 12.0) -> bool:
        delta = scene_pos - self._end
        return abs(delta.x()) <= radius and abs(delta.y()) <= radius

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            shape = stroker.createStroke(self._path)
            if self.jump:
                shape.addRect(self._label_rect(self._label_pos or self._end))
            else:
                shape.addPolygon(self._arrow())
            self._shape = shape
        return self._shape

    def _arrow(self) -> QPolygonF:
        tip = self._end
        return QPolygonF([tip, tip + QPointF(-ARROW, -ARROW / 2.1), tip + QPointF(-ARROW,
                                                                                 ARROW / 2.1)])

    def _label_rect(self, anchor: QPointF) -> QRectF:
        width = self._tag()[1] + 2 * TAG_PAD
        height = theme().tiny_height + 2
        return QRectF(anchor.x() - width / 2, anchor.y() - height / 2, width, height)

    def _tag(self) -> tuple[str, float]:
        if self.jump:
            return theme().tag(f"→ {self.target}", MAX_JUMP_TAG)
        return theme().tag(self.label, MAX_LABEL)

    # -- painting -----------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        t = theme()
        colour = t.edge_error if self.is_error else t.edge
        width = 1.5
        if self.taken:
            colour, width = t.status("success"), 3.0
        elif self.dimmed:
            colour = QColor(t.muted)
            colour.setAlphaF(0.35)
        if self.isSelected() or self.highlighted:
            colour, width = t.highlight, width + 1.0
        pen = QPen(colour, width)
        if self.is_error and not self.taken:
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setDashPattern([5, 3])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        if not self.jump:
            painter.drawPolygon(self._arrow())
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if self.label_visible() and lod >= LABEL_LOD and self._label_pos is not None:
            self._paint_label(painter, colour)
        if self.isSelected():
            painter.setPen(QPen(t.highlight, 1.5))
            painter.setBrush(t.card)
            painter.drawEllipse(self._end, 5, 5)

    def _paint_label(self, painter: QPainter, colour) -> None:
        t = theme()
        rect = self._label_rect(self._label_pos or self._end)
        painter.setBrush(t.label_back)
        painter.setPen(QPen(colour if self.jump else t.card_border, 0.8))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(colour if (self.is_error or self.taken) else t.muted)
        painter.setFont(t.tiny_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._tag()[0])

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._hovered = True
        if self.label and not self.jump:
            self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._hovered = False
        if self.label and not self.jump:
            self.update()
