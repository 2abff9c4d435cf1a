"""Vector icons for state types, drawn as ``QPainterPath`` outlines (no image files).

:func:`icon_path` returns a cached path in a 20 × 20 box for an icon key; :func:`icon_key`
picks the key of a state from its type and, for actions, its catalog id and group. Paths are
meant to be stroked (about 1.6 px) in the category colour, so they stay crisp at any zoom and
on high-DPI screens. The palette can reuse them for its entries.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

from runtime.catalog import load_catalog


def icon_key(state_type: str, action: str | None = None, group: str | None = None) -> str:
    """The icon of a state as its catalog entry names it (an unknown action: by its group)."""
    entry = load_catalog().for_state(state_type, action)
    if entry is not None:
        return entry.icon
    if state_type != "action":
        return state_type
    return "monitor" if group == "endpoint_agent" else "cloud"


def _pass(p: QPainterPath) -> None:
    p.moveTo(3, 10)
    p.lineTo(16, 10)
    p.moveTo(11, 5)
    p.lineTo(16, 10)
    p.lineTo(11, 15)


def _branch(p: QPainterPath) -> None:
    p.moveTo(10, 2)
    p.lineTo(18, 10)
    p.lineTo(10, 18)
    p.lineTo(2, 10)
    p.closeSubpath()
    p.moveTo(10, 7)
    p.lineTo(10, 11)
    p.addEllipse(QPointF(10, 13.6), 0.6, 0.6)


def _parallel(p: QPainterPath) -> None:
    p.moveTo(2, 10)
    p.lineTo(7, 10)
    p.moveTo(7, 4)
    p.lineTo(7, 16)
    p.moveTo(7, 4)
    p.lineTo(17, 4)
    p.moveTo(7, 16)
    p.lineTo(17, 16)
    p.moveTo(7, 10)
    p.lineTo(17, 10)


def _wait(p: QPainterPath) -> None:
    p.moveTo(5, 2.5)
    p.lineTo(15, 2.5)
    p.moveTo(5, 17.5)
    p.lineTo(15, 17.5)
    p.moveTo(6, 2.5)
    p.cubicTo(6, 8, 14, 8, 14, 17.5)
    p.moveTo(14, 2.5)
    p.cubicTo(14, 8, 6, 8, 6, 17.5)


def _batch(p: QPainterPath) -> None:
    p.addRoundedRect(QRectF(2, 7, 11, 11), 2, 2)
    p.moveTo(5, 4)
    p.lineTo(16, 4)
    p.lineTo(16, 15)
    p.moveTo(8, 1)
    p.lineTo(19, 1)
    p.lineTo(19, 12)


def _success(p: QPainterPath) -> None:
    p.addEllipse(QRectF(2, 2, 16, 16))
    p.moveTo(6, 10.5)
    p.lineTo(9, 13.5)
    p.lineTo(14.5, 7)


def _failure(p: QPainterPath) -> None:
    p.addEllipse(QRectF(2, 2, 16, 16))
    p.moveTo(7, 7)
    p.lineTo(13, 13)
    p.moveTo(13, 7)
    p.lineTo(7, 13)


def _function(p: QPainterPath) -> None:
    p.moveTo(7, 2)
    p.cubicTo(3, 2, 5, 9, 2, 10)
    p.cubicTo(5, 11, 3, 18, 7, 18)
    p.moveTo(13, 2)
    p.cubicTo(17, 2, 15, 9, 18, 10)
    p.cubicTo(15, 11, 17, 18, 13, 18)
    p.moveTo(8.5, 13)
    p.lineTo(11.5, 7)


def _circuit(p: QPainterPath) -> None:
    for x, y in ((4, 4), (16, 4), (10, 16)):
        p.addEllipse(QPointF(x, y), 2.5, 2.5)
    p.moveTo(6.5, 4)
    p.lineTo(13.5, 4)
    p.moveTo(5.2, 6.2)
    p.lineTo(8.8, 13.8)
    p.moveTo(14.8, 6.2)
    p.lineTo(11.2, 13.8)


def _cloud(p: QPainterPath) -> None:
    p.moveTo(5, 15)
    p.cubicTo(0.5, 15, 0.5, 9, 5, 9)
    p.cubicTo(5, 3.5, 13, 3, 14, 8)
    p.cubicTo(19.5, 8, 19.5, 15, 15, 15)
    p.closeSubpath()


def _monitor(p: QPainterPath) -> None:
    p.addRoundedRect(QRectF(2, 3, 16, 11), 1.5, 1.5)
    p.moveTo(10, 14)
    p.lineTo(10, 17)
    p.moveTo(6, 17.5)
    p.lineTo(14, 17.5)


def _ticket(p: QPainterPath) -> None:
    p.addRoundedRect(QRectF(4, 2, 12, 16), 1.5, 1.5)
    for y in (7, 10.5, 14):
        p.moveTo(7, y)
        p.lineTo(13, y)


def _bell(p: QPainterPath) -> None:
    p.moveTo(4, 15)
    p.cubicTo(6, 12, 5, 10, 5, 8.5)
    p.cubicTo(5, 2, 15, 2, 15, 8.5)
    p.cubicTo(15, 10, 14, 12, 16, 15)
    p.closeSubpath()
    p.moveTo(8.5, 17.5)
    p.lineTo(11.5, 17.5)


def _search(p: QPainterPath) -> None:
    p.addEllipse(QRectF(2.5, 2.5, 11, 11))
    p.moveTo(11.5, 11.5)
    p.lineTo(17.5, 17.5)


def _gauge(p: QPainterPath) -> None:
    p.arcMoveTo(QRectF(2, 4, 16, 16), 180)
    p.arcTo(QRectF(2, 4, 16, 16), 180, -180)
    p.moveTo(10, 12)
    p.lineTo(14, 7.5)
    p.addEllipse(QPointF(10, 12), 1.2, 1.2)


def _clock(p: QPainterPath) -> None:
    p.addEllipse(QRectF(2, 2, 16, 16))
    p.moveTo(10, 5.5)
    p.lineTo(10, 10)
    p.lineTo(13.5, 12)


def _tree(p: QPainterPath) -> None:
    p.addRect(QRectF(7, 2, 6, 4))
    p.addRect(QRectF(2, 14, 6, 4))
    p.addRect(QRectF(12, 14, 6, 4))
    p.moveTo(10, 6)
    p.lineTo(10, 10)
    p.moveTo(5, 14)
    p.lineTo(5, 10)
    p.lineTo(15, 10)
    p.lineTo(15, 14)


def _terminal(p: QPainterPath) -> None:
    p.addRoundedRect(QRectF(2, 3, 16, 14), 1.5, 1.5)
    p.moveTo(5, 8)
    p.lineTo(8, 10.5)
    p.lineTo(5, 13)
    p.moveTo(10, 13.5)
    p.lineTo(14.5, 13.5)


def _signal(p: QPainterPath) -> None:
    p.addEllipse(QPointF(10, 15), 1.4, 1.4)
    for radius in (4.5, 8.5):
        rect = QRectF(10 - radius, 15 - radius, radius * 2, radius * 2)
        p.arcMoveTo(rect, 45)
        p.arcTo(rect, 45, 90)


def _globe(p: QPainterPath) -> None:
    p.addEllipse(QRectF(2, 2, 16, 16))
    p.addEllipse(QRectF(6.5, 2, 7, 16))
    p.moveTo(2, 10)
    p.lineTo(18, 10)


def _power(p: QPainterPath) -> None:
    rect = QRectF(3, 3.5, 14, 14)
    p.arcMoveTo(rect, 120)
    p.arcTo(rect, 120, 300)
    p.moveTo(10, 1.5)
    p.lineTo(10, 9)


def _gear(p: QPainterPath) -> None:
    p.addEllipse(QPointF(10, 10), 3, 3)
    for index in range(8):
        angle = index * math.pi / 4
        p.moveTo(10 + 5 * math.cos(angle), 10 + 5 * math.sin(angle))
        p.lineTo(10 + 8 * math.cos(angle), 10 + 8 * math.sin(angle))
    p.addEllipse(QPointF(10, 10), 5.5, 5.5)


def _plug(p: QPainterPath) -> None:
    p.addRoundedRect(QRectF(5, 8, 10, 10), 1.5, 1.5)
    p.moveTo(8, 8)
    p.lineTo(8, 3)
    p.moveTo(12, 8)
    p.lineTo(12, 3)
    p.moveTo(3, 2)
    p.lineTo(17, 18)


def _message(p: QPainterPath) -> None:
    p.moveTo(3, 3)
    p.lineTo(17, 3)
    p.lineTo(17, 13)
    p.lineTo(9, 13)
    p.lineTo(5, 17)
    p.lineTo(5, 13)
    p.lineTo(3, 13)
    p.closeSubpath()


_BUILDERS: dict[str, Callable[[QPainterPath], None]] = {
    "pass": _pass, "branch": _branch, "parallel": _parallel, "wait": _wait, "batch": _batch,
    "success": _success, "failure": _failure, "function": _function, "circuit": _circuit,
    "cloud": _cloud, "monitor": _monitor, "ticket": _ticket, "bell": _bell, "search": _search,
    "gauge": _gauge, "clock": _clock, "tree": _tree, "terminal": _terminal, "signal": _signal,
    "globe": _globe, "power": _power, "gear": _gear, "plug": _plug, "message": _message,
}
ICON_KEYS = frozenset(_BUILDERS)
_CACHE: dict[str, QPainterPath] = {}


def icon_path(key: str) -> QPainterPath:
    """The outline of icon ``key`` in a 20 × 20 box (unknown keys get the cloud)."""
    path = _CACHE.get(key)
    if path is None:
        path = QPainterPath()
        _BUILDERS.get(key, _cloud)(path)
        _CACHE[key] = path
    return path


def icon_keys() -> list[str]:
    return list(_BUILDERS)
