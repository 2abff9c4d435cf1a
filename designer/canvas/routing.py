"""Edge routing: paths from a port to a target card that keep clear of other cards.

:class:`CardIndex` is a grid hash of the card rectangles (cheap to update while dragging and
to query per edge). :func:`route` picks the shape of one edge:

- forward with a free corridor: a smooth cubic S-curve (its hull stays in the corridor);
- forward with cards in the way: an orthogonal path with rounded corners whose horizontal run
  follows a free *lane* (the source row, the target row, or just above/below the blocking
  cards), turning in the column gaps beside the source and the target;
- backward (loops) and very short hops: out to the right, around above or below both cards
  along a free lane, and back into the target from the left.

Every path ends with a horizontal approach from the left, so the arrowhead always points
right.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

CELL = 256.0
GAP = 18.0
LANE_MARGIN = 16.0
CORNER = 8.0


class CardIndex:
    """Card rectangles by name in a uniform grid, for 'what is in this rectangle' queries."""

    def __init__(self) -> None:
        self._rects: dict[str, QRectF] = {}
        self._cells: dict[tuple[int, int], set[str]] = {}

    def _cells_of(self, rect: QRectF) -> Iterable[tuple[int, int]]:
        x0, x1 = int(rect.left() // CELL), int(rect.right() // CELL)
        y0, y1 = int(rect.top() // CELL), int(rect.bottom() // CELL)
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                yield cx, cy

    def set(self, name: str, rect: QRectF) -> None:
        self.remove(name)
        self._rects[name] = QRectF(rect)
        for cell in self._cells_of(rect):
            self._cells.setdefault(cell, set()).add(name)

    def remove(self, name: str) -> None:
        rect = self._rects.pop(name, None)
        if rect is None:
            return
        for cell in self._cells_of(rect):
            members = self._cells.get(cell)
            if members is not None:
                members.discard(name)

    def clear(self) -> None:
        self._rects.clear()
        self._cells.clear()

    def names_at(self, point: QPointF) -> list[str]:
        """Names of the cards containing ``point``."""
        cell = (int(point.x() // CELL), int(point.y() // CELL))
        return [n for n in self._cells.get(cell, ()) if self._rects[n].contains(point)]

    def rects(self) -> dict[str, QRectF]:
        return self._rects

    def rect(self, name: str) -> QRectF | None:
        return self._rects.get(name)

    def query(self, area: QRectF, skip: tuple[str, ...] = ()) -> list[QRectF]:
        """Rectangles of the cards intersecting ``area`` (except the names in ``skip``)."""
        if area.width() * area.height() > CELL * CELL * 400:
            return [r for n, r in self._rects.items() if n not in skip and r.intersects(area)]
        seen: set[str] = set(skip)
        found = []
        cells, rects = self._cells, self._rects
        y0, y1 = int(area.top() // CELL), int(area.bottom() // CELL)
        for cx in range(int(area.left() // CELL), int(area.right() // CELL) + 1):
            for cy in range(y0, y1 + 1):
                members = cells.get((cx, cy))
                if not members:
                    continue
                for name in members:
                    if name not in seen:
                        seen.add(name)
                        rect = rects[name]
                        if rect.intersects(area):
                            found.append(rect)
        return found


def _band(x0: float, x1: float, y: float, half: float = 5.0) -> QRectF:
    return QRectF(min(x0, x1), y - half, abs(x1 - x0), 2 * half)


def _orthogonal(points: list[QPointF]) -> QPainterPath:
    """A polyline through ``points`` with rounded corners."""
    path = QPainterPath(points[0])
    for index in range(1, len(points) - 1):
        before, corner, after = points[index - 1], points[index], points[index + 1]
        into = min(CORNER, _dist(before, corner) / 2)
        out = min(CORNER, _dist(corner, after) / 2)
        path.lineTo(_towards(corner, before, into))
        path.quadTo(corner, _towards(corner, after, out))
    path.lineTo(points[-1])
    return path


def _dist(a: QPointF, b: QPointF) -> float:
    return abs(a.x() - b.x()) + abs(a.y() - b.y())


def _towards(origin: QPointF, other: QPointF, length: float) -> QPointF:
    total = _dist(origin, other)
    if total == 0:
        return QPointF(origin)
    k = length / total
    return QPointF(origin.x() + (other.x() - origin.x()) * k,
                   origin.y() + (other.y() - origin.y()) * k)


def _free_lane(index: CardIndex, x0: float, x1: float, wanted: list[float],
               skip: tuple[str, ...], blocking: list[QRectF]) -> float:
    """The candidate y nearest to the first wanted value whose horizontal run is free."""
    candidates = list(wanted)
    for rect in blocking:
        candidates += [rect.top() - LANE_MARGIN, rect.bottom() + LANE_MARGIN]
    aim = sum(wanted) / len(wanted)
    candidates.sort(key=lambda y: abs(y - aim))
    for y in candidates[:24]:
        found = index.query(_band(x0, x1, y), skip)
        if not found:
            return y
        blocking.extend(r for r in found if r not in blocking)
    top = min(r.top() for r in blocking) - LANE_MARGIN
    bottom = max(r.bottom() for r in blocking) + LANE_MARGIN
    return top if abs(top - aim) <= abs(bottom - aim) else bottom


def route(start: QPointF, end: QPointF, source: str, target: str, index: CardIndex,
          spread: float = 0.0) -> QPainterPath:
    """The path of one edge from ``start`` (a port) to ``end`` (the target's input point).

    Args:
        start: The port, in scene coordinates.
        end: The target card's input point, in scene coordinates.
        source: Name of the source card (not an obstacle).
        target: Name of the target card (not an obstacle).
        index: The card rectangles.
        spread: A small offset (px) that keeps parallel lanes of sibling edges apart.

    Returns:
        The path, ending at ``end``.
    """
    skip = (source, target)
    x1, y1, x2, y2 = start.x(), start.y(), end.x(), end.y()
    if x2 - x1 >= 2 * GAP + 4:
        corridor = QRectF(x1 + 4, min(y1, y2) - 4, x2 - x1 - 8, abs(y2 - y1) + 8)
        blocking = index.query(corridor, skip)
        if not blocking:
            return _curve(start, end)
        return _forward_lane(start, end, index, skip, blocking, spread)
    return _around(start, end, source, target, index, skip, spread)


def _curve(start: QPointF, end: QPointF) -> QPainterPath:
    dx = end.x() - start.x()
    pull = max(GAP, min(dx * 0.5, 140.0))
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + pull, start.y()), QPointF(end.x() - pull, end.y()), end)
    return path


def _forward_lane(start: QPointF, end: QPointF, index: CardIndex, skip: tuple[str, ...],
                  blocking: list[QRectF], spread: float) -> QPainterPath:
    x1, y1, x2, y2 = start.x(), start.y(), end.x(), end.y()
    turn_out, turn_in = x1 + GAP + spread, x2 - GAP
    lane = _free_lane(index, turn_out, turn_in, [y1, y2], skip, list(blocking))
    points = [start]
    if abs(lane - y1) > 0.5:
        points += [QPointF(turn_out, y1), QPointF(turn_out, lane)]
    if abs(lane - y2) > 0.5:
        points += [QPointF(turn_in, lane), QPointF(turn_in, y2)]
    points.append(end)
    return _orthogonal(points)


def _around(start: QPointF, end: QPointF, source: str, target: str, index: CardIndex,
            skip: tuple[str, ...], spread: float) -> QPainterPath:
    """A back edge: right of the source, along a lane above or below, into the target."""
    src = index.rect(source) or QRectF(start.x() - 1, start.y(), 1, 1)
    dst = index.rect(target) or QRectF(end.x(), end.y(), 1, 1)
    turn_out, turn_in = start.x() + GAP + spread, end.x() - GAP - spread
    above = min(src.top(), dst.top()) - 2 * LANE_MARGIN - spread
    below = max(src.bottom(), dst.bottom()) + 2 * LANE_MARGIN + spread
    x0, x1 = min(turn_out, turn_in), max(turn_out, turn_in)
    lane_above = _free_lane(index, x0, x1, [above], skip, [])
    lane_below = _free_lane(index, x0, x1, [below], skip, [])
    mid = (start.y() + end.y()) / 2
    lane = lane_above if abs(mid - lane_above) <= abs(lane_below - mid) else lane_below
    if source == target:
        lane = above
    points = [start, QPointF(turn_out, start.y()), QPointF(turn_out, lane),
              QPointF(turn_in, lane), QPointF(turn_in, end.y()), end]
    return _orthogonal(points)
