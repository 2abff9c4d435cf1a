"""The ports of a state card: which edge fields a state has and where they sit on the card.

A port is one outgoing edge field (``next``, ``conditions[i].next``, ``default``,
``paths[i].root``, ``root``, ``on_error[i].fallback.next``) or an *add* port that appends a
new condition or parallel path when a connection is dragged from it. A simple state's
``next`` sits at the middle of the card's right side; the other ports get one labelled row
each below the header (a parallel's or batch's ``next`` comes last, after its paths or body,
so the flow reads top to bottom without crossings).
Geometry is in card coordinates (top-left of the card is 0, 0). Qt-free apart from QPointF.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF

from designer.canvas.style import CARD_WIDTH, HEADER_HEIGHT, ROW_HEIGHT, ROW_PADDING
from runtime.model.states import AnyState, BatchState, BranchState, ParallelState

ADD_CONDITION = "+conditions"
ADD_PATH = "+paths"
HEADER_ROW = -1
ADD_ROW = -2


@dataclass(frozen=True, slots=True)
class Port:
    """One outgoing edge field of a state."""

    path: str  # field path, or ADD_CONDITION / ADD_PATH
    label: str
    kind: str  # next | condition | default | path | body | error | add
    target: str | None
    row: int  # HEADER_ROW, ADD_ROW, or the row index below the header

    @property
    def is_add(self) -> bool:
        return self.kind == "add"


def _error_label(error_type: str) -> str:
    return "on " + error_type.replace("_error", "").replace("_", " ") + " error"


def _task_rows(state: AnyState) -> list[tuple[str, str, str, str | None]]:
    rows = []
    for index, handler in enumerate(getattr(state, "on_error", []) or []):
        if handler.fallback is not None:
            rows.append((f"on_error[{index}].fallback.next", _error_label(handler.error_type),
                         "error", handler.fallback.next))
    return rows


def ports_of(state: AnyState) -> list[Port]:
    """Every port of ``state``, header port first, then the rows, then the add port."""
    kind = state.type
    if kind in ("success", "failure"):
        return []
    rows: list[tuple[str, str, str, str | None]] = []
    ports: list[Port] = []
    if isinstance(state, BranchState):
        for index, cond in enumerate(state.conditions):
            rows.append((f"conditions[{index}].next", cond.condition or "(empty condition)",
                         "condition", cond.next or None))
        rows.append(("default", "default", "default", state.default or None))
    elif isinstance(state, ParallelState | BatchState):
        if isinstance(state, ParallelState):
            rows = [(f"paths[{i}].root", p.name or f"path {i + 1}", "path", p.root or None)
                    for i, p in enumerate(state.paths)]
        else:
            rows = [("root", "body", "body", state.root)]
        rows.append(("next", "next", "next", state.next))
    else:
        ports.append(Port("next", "next", "next", getattr(state, "next", None), HEADER_ROW))
        rows = _task_rows(state)
    ports += [Port(path, label, k, target, row) for row, (path, label, k, target)
              in enumerate(rows)]
    if isinstance(state, BranchState):
        ports.append(Port(ADD_CONDITION, "add a condition", "add", None, ADD_ROW))
    elif isinstance(state, ParallelState):
        ports.append(Port(ADD_PATH, "add a path", "add", None, ADD_ROW))
    return ports


def row_count(ports: list[Port]) -> int:
    return sum(1 for p in ports if p.row >= 0)


def card_height(ports: list[Port]) -> float:
    rows = row_count(ports)
    return HEADER_HEIGHT + (rows * ROW_HEIGHT + ROW_PADDING if rows else 0.0)


def height_of(state: AnyState) -> float:
    """The card height of a state (used by auto-layout to keep cards apart)."""
    return card_height(ports_of(state))


def port_point(port: Port, height: float) -> QPointF:
    """Where ``port`` sits on a card of ``height`` (card coordinates)."""
    if port.row == HEADER_ROW:
        return QPointF(CARD_WIDTH, HEADER_HEIGHT / 2)
    if port.row == ADD_ROW:
        return QPointF(CARD_WIDTH - 16, height)
    return QPointF(CARD_WIDTH, HEADER_HEIGHT + ROW_PADDING / 2 + ROW_HEIGHT * (port.row + 0.5))


INPUT = QPointF(0.0, HEADER_HEIGHT / 2)


def input_point() -> QPointF:
    """Where incoming edges end (card coordinates): the middle of the header's left side."""
    return QPointF(INPUT)
