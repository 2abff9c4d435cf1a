"""Making room on the canvas: new cards never land on top of existing ones.

Inserting a state onto an arrow places it where it was dropped, then pushes the cards
downstream of it (their centre right of the new card's centre) to the right by as much as
needed, as if a column had been inserted; a card upstream that it would overlap (the arrow's
source) moves the new card right instead. A paste (or duplicate) whose block would overlap
existing cards slides down in steps until it is clear. Both return positions only, which the
editor adds to the same patch, so the gesture stays one undo step. Qt-free apart from QRectF.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QRectF

from designer.canvas.ports import height_of
from designer.canvas.style import CARD_WIDTH, HEADER_HEIGHT, ROW_HEIGHT, ROW_PADDING
from designer.document import EditableDocument

GAP_X = 60.0  # horizontal room kept between a new card and its neighbours
GAP_Y = 20.0
PASTE_SLIDE = 40.0  # a paste that overlaps slides down in steps of this much
MAX_SLIDES = 400

Positions = dict[str, tuple[float, float]]


def dict_height(state: Mapping[str, Any]) -> float:
    """The card height of a state given as a plain dict (the rows its ports need)."""
    kind = state.get("type")
    if kind in ("success", "failure"):
        rows = 0
    elif kind == "branch":
        rows = len(state.get("conditions") or []) + 1
    elif kind == "parallel":
        rows = len(state.get("paths") or []) + 1
    elif kind == "batch":
        rows = 2
    else:
        rows = sum(1 for h in state.get("on_error") or [] if isinstance(h, dict)
                   and h.get("fallback"))
    return HEADER_HEIGHT + (rows * ROW_HEIGHT + ROW_PADDING if rows else 0.0)


def card_rects(doc: EditableDocument, exclude: Iterable[str] = ()) -> dict[str, QRectF]:
    """The card rectangle of every placed state of ``doc`` (scene coordinates)."""
    skip = set(exclude)
    rects = {}
    for name, state in doc.definition.items():
        pos = doc.position(name)
        if pos is not None and name not in skip:
            rects[name] = QRectF(pos[0], pos[1], CARD_WIDTH, height_of(state))
    return rects


def _margin(rect: QRectF) -> QRectF:
    return rect.adjusted(-GAP_X, -GAP_Y, GAP_X, GAP_Y)


def room_for_insert(doc: EditableDocument, corner: tuple[float, float],
                    height: float) -> tuple[tuple[float, float], Positions]:
    """Where an inserted card goes and which existing cards move right to make room."""
    others = card_rects(doc)
    new = QRectF(corner[0], corner[1], CARD_WIDTH, height)
    for _ in range(len(others) + 1):  # step past upstream cards it would overlap
        upstream = [r for r in others.values()
                    if r.center().x() < new.center().x() and r.intersects(_margin(new))]
        if not upstream:
            break
        new.moveLeft(max(r.right() for r in upstream) + GAP_X)
    downstream = [r for r in others.values()
                  if r.center().x() >= new.center().x() and r.intersects(_margin(new))]
    if not downstream:
        return (new.left(), new.top()), {}
    dx = max(new.right() + GAP_X - r.left() for r in downstream)
    moves = {n: (r.left() + dx, r.top()) for n, r in others.items()
             if r.center().x() >= new.center().x()}
    return (new.left(), new.top()), moves


def clear_paste_offset(doc: EditableDocument, states: Mapping[str, Mapping[str, Any]],
                       positions: Mapping[str, Any],
                       offset: tuple[float, float]) -> tuple[float, float]:
    """``offset``, slid down until the pasted cards overlap no existing card."""
    block = []
    for name, state in states.items():
        x, y = positions.get(name, (0.0, 0.0))  # where paste_states puts a state without one
        block.append(QRectF(float(x), float(y), CARD_WIDTH, dict_height(state)))
    others = list(card_rects(doc).values())
    if not block or not others:
        return offset
    dx, dy = offset
    for _ in range(MAX_SLIDES):
        moved = [r.translated(dx, dy) for r in block]
        if not any(_margin(m).intersects(o) for m in moved for o in others):
            return dx, dy
        dy += PASTE_SLIDE
    bottom = max(o.bottom() for o in others)
    return dx, bottom + GAP_Y * 2 - min(r.top() for r in block)
