"""Auto-layout for the canvas: the layered layout of :mod:`runtime.layout`, adapted to cards.

:func:`layout_positions` lays out the whole definition or the sub-graph of a selection (kept
where the selection was), then pushes apart cards of one column that would overlap because
they are taller than a layout row (branches with many conditions). :func:`missing_positions`
gives positions for states that have none (imported playbooks), without touching the others;
an editable scene pushes them as one undo step when it projects the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from designer.canvas.ports import height_of
from designer.document import EditableDocument
from runtime.layout import layout_definition
from runtime.model.states import AnyState

MIN_GAP = 28.0
Positions = dict[str, tuple[float, float]]


def _spread_columns(positions: Positions, definition: Mapping[str, AnyState]) -> Positions:
    """Push overlapping cards of a column apart, keeping the column's centre where it was."""
    columns: dict[float, list[str]] = {}
    for name, (x, _y) in positions.items():
        columns.setdefault(x, []).append(name)
    out = dict(positions)
    for x, names in columns.items():
        names.sort(key=lambda n: positions[n][1])
        ys = [positions[n][1] for n in names]
        bottom = None
        moved = []
        for name, y in zip(names, ys, strict=True):
            if bottom is not None and y < bottom + MIN_GAP:
                y = bottom + MIN_GAP
            moved.append(y)
            bottom = y + height_of(definition[name])
        shift = (sum(ys) - sum(moved)) / len(ys)
        for name, y in zip(names, moved, strict=True):
            out[name] = (x, y + shift)
    return out


def layout_positions(document: EditableDocument, names: Iterable[str] | None = None) -> Positions:
    """Positions for every state, or for the states ``names`` (laid out as their own graph).

    A selection keeps its top-left corner where it was, so laying it out tidies it in place.
    """
    definition = document.definition
    if names is None:
        sub: Mapping[str, AnyState] = definition
    else:
        wanted = set(names)
        sub = {n: s for n, s in definition.items() if n in wanted}
    if not sub:
        return {}
    start = document.doc.start_state()
    result = layout_definition(sub, start if start in sub else None)
    positions = _spread_columns(result.positions, sub)
    if names is None:
        return positions
    return _keep_corner(positions, [document.position(n) for n in sub])


def _keep_corner(positions: Positions, before: list[tuple[float, float] | None]) -> Positions:
    known = [p for p in before if p is not None]
    if not known or not positions:
        return positions
    left, top = min(p[0] for p in known), min(p[1] for p in known)
    new_left = min(p[0] for p in positions.values())
    new_top = min(p[1] for p in positions.values())
    dx, dy = left - new_left, top - new_top
    return {n: (x + dx, y + dy) for n, (x, y) in positions.items()}


def missing_positions(document: EditableDocument) -> Positions:
    """Positions for the states that have none; empty when every state has one.

    When no state has a position the whole playbook is laid out; otherwise the missing states
    are laid out as their own graph and placed below the existing ones.
    """
    laid = document.doc.layout.positions
    missing = [n for n in document.definition if n not in laid]
    if not missing:
        return {}
    if len(missing) == len(document.definition):
        return layout_positions(document)
    positions = layout_positions(document, missing)
    below = max((p.y + height_of(document.definition[n]) for n, p in laid.items()
                 if n in document.definition), default=0.0)
    left = min((p.x for p in laid.values()), default=0.0)
    top = min(p[1] for p in positions.values())
    x0 = min(p[0] for p in positions.values())
    return {n: (x - x0 + left, y - top + below + 120) for n, (x, y) in positions.items()}
