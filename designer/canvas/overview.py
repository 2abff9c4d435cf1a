"""The level-of-detail overview: every state and edge drawn by one item when zoomed out.

A Python ``paint`` costs about 30 µs per visible item, so below a zoom threshold the scene
hides its cards and edges and shows one :class:`OverviewItem` instead, which draws all
cards with a few ``drawRects`` calls (one per colour) and all edges with one ``drawLines``
call. :class:`OverviewData` is the cached picture: rebuilt after the geometry changed, and
restyled card by card when only colours change (a run status, the selection), so a burst of
status updates costs microseconds, not a rebuild. The minimap paints from the same data.
Clicking in the overview selects the card under the cursor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.canvas.ports import INPUT
from designer.canvas.projection import JUMP_DX, JUMP_DY
from designer.canvas.style import CARD_WIDTH, HEADER_HEIGHT, USER_TYPE, category_key, theme
from runtime.model.states import END

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene

OVERVIEW_ITEM_TYPE = USER_TYPE + 4


@dataclass
class OverviewData:
    """All cards as rectangles grouped by fill colour, all edges as straight lines."""

    groups: dict[int, tuple[QColor, dict[str, QRectF]]] = field(default_factory=dict)
    colour_of: dict[str, int] = field(default_factory=dict)
    lines: list[QLineF] = field(default_factory=list)
    taken: list[QLineF] = field(default_factory=list)
    generation: int = 0
    _lists: dict[int, list[QRectF]] = field(default_factory=dict)

    def place(self, name: str, colour: QColor, rect: QRectF | None = None) -> None:
        """Put card ``name`` into the group of ``colour`` (moving it if it was elsewhere)."""
        key = colour.rgba()
        old = self.colour_of.get(name)
        if old == key:
            return
        if old is not None:
            popped = self.groups[old][1].pop(name)
            rect = rect or popped
            self._lists.pop(old, None)
        if rect is None:
            return
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = (colour, {})
        group[1][name] = rect
        self.colour_of[name] = key
        self._lists.pop(key, None)

    def rect_lists(self) -> Iterable[tuple[QColor, list[QRectF]]]:
        """(colour, rectangles) per colour, the highlight (selection) last."""
        highlight = theme().highlight.rgba()
        for key in sorted(self.groups, key=lambda k: k == highlight):
            colour, members = self.groups[key]
            rects = self._lists.get(key)
            if rects is None:
                rects = self._lists[key] = list(members.values())
            if rects:
                yield colour, rects


class OverviewItem(QGraphicsItem):
    """Draws the cached :class:`OverviewData`; hidden unless the view is zoomed far out."""

    def __init__(self, scene: PlaybookScene) -> None:
        super().__init__()
        self._owner = scene
        self._data: OverviewData | None = None
        self._bounds = QRectF()
        self._generation = 0
        self.setZValue(-5)
        self.setVisible(False)

    def type(self) -> int:  # noqa: A003 - Qt's name
        return OVERVIEW_ITEM_TYPE

    def invalidate(self) -> None:
        """Drop the cached picture; it is rebuilt at the next paint or :meth:`data` call."""
        self._data = None
        if self.isVisible():
            self.update()

    def restyle(self, names: Iterable[str]) -> None:
        """Re-colour some cards (status, selection, greying) without rebuilding the picture."""
        data = self._data
        if data is None:
            return
        colour_of = self._owner.overview_colour
        rects = self._owner.index.rects()
        for name in names:
            rect = rects.get(name)
            if rect is not None:
                data.place(name, colour_of(name), rect)
        self._generation += 1
        data.generation = self._generation
        if self.isVisible():
            self.update()

    def set_taken(self, keys: set[tuple[str, str]]) -> None:
        data = self._data
        if data is not None:
            data.taken = [QLineF(e.start_point(), e.end_point())
                          for key in keys if (e := self._owner.projection.edges.get(key)) is not None]
            self.restyle(())

    def set_bounds(self, rect: QRectF) -> None:
        """The area the overview covers (the scene's content rectangle)."""
        bounds = rect.adjusted(-40, -40, 40, 40)
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds

    def picture(self) -> OverviewData:
        if self._data is None:
            self._generation += 1
            self._data = overview_data(self._owner)
            self._data.generation = self._generation
        return self._data

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        paint_overview(painter, self.picture())

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        """Select the card under the cursor; elsewhere let the view start a rubber band."""
        hit = event.button() == Qt.MouseButton.LeftButton and self._owner.pick_in_overview(
            event.scenePos(), event.modifiers())
        event.setAccepted(hit)


def paint_overview(painter: QPainter, data: OverviewData, *, edges: bool = True) -> None:
    """Paint the overview picture with a handful of batched calls (no antialiasing)."""
    t = theme()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    if edges and data.lines:
        painter.setPen(QPen(t.edge, 0))
        painter.drawLines(data.lines)
    if edges and data.taken:
        painter.setPen(QPen(t.status("success"), 0))
        painter.drawLines(data.taken)
    painter.setPen(Qt.PenStyle.NoPen)
    for colour, rects in data.rect_lists():
        painter.setBrush(colour)
        painter.drawRects(rects)
    painter.restore()


def overview_data(scene: PlaybookScene) -> OverviewData:
    """The overview picture of a scene: its cards (coloured by ``scene.overview_colour``) and
    its edges (edge items, or straight lines for sources not built yet)."""
    data = OverviewData()
    colour_of = scene.overview_colour
    for name, rect in scene.index.rects().items():
        data.place(name, colour_of(name), rect)
    taken = []
    for edge in scene.projection.edges.values():
        line = QLineF(edge.start_point(), edge.end_point())
        data.lines.append(line)
        if edge.taken:
            taken.append(line)
    data.taken = taken
    if scene.projection.is_building():
        data.lines += _pending_lines(scene)
    return data


def state_colour(scene: PlaybookScene, name: str) -> QColor:
    """A card's overview colour: selection, run status, greyed, or its category."""
    t = theme()
    if name in scene.selection_set():
        return t.highlight
    item = scene.projection.states.get(name)
    if item is None:
        state = scene.context.document.definition.get(name)
        if state is None:
            return t.card_border
        entry = scene.context.catalog.for_state(state.type, getattr(state, "action", None))
        return t.category(category_key(entry.category if entry else None,
                                       entry.group if entry else None, state.type))
    if item.run_status:
        return t.status(item.run_status)
    if item.greyed:
        return t.card_border
    return t.category(item.colour_key)


def _pending_lines(scene: PlaybookScene) -> list[QLineF]:
    """Straight stand-ins for the edges of sources whose edge items are not built yet."""
    rects = scene.index.rects()
    lines = []
    for name in scene.projection.pending_edges:
        state = scene.context.document.definition.get(name)
        rect = rects.get(name)
        if state is None or rect is None:
            continue
        start = QPointF(rect.left() + CARD_WIDTH, rect.top() + HEADER_HEIGHT / 2)
        for _path, target in state.targets():
            other = rects.get(target) if target != END else None
            if other is not None:
                end = other.topLeft() + INPUT
                if abs(end.x() - start.x()) <= JUMP_DX and abs(end.y() - start.y()) <= JUMP_DY:
                    lines.append(QLineF(start, end))
    return lines
