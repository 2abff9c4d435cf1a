"""Vector icons and category colours, drawn with QPainter (crisp at any device pixel ratio).

Every state type gets a glyph on a disc in its category colour; the app icon is drawn the same
way. No bitmap files: icons scale on high-DPI screens and follow light and dark schemes.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap

CATEGORY_COLOURS = {
    "flow_control": "#5b7cfa",
    "functional": "#9b59b6",
    "log360_cloud": "#16a085",
    "endpoint_agent": "#e67e22",
}
SIDE_EFFECT_LABELS = {
    "read": ("R", "read-only: fetches data, changes nothing"),
    "platform-write": ("W", "platform write: creates or changes records on the platform"),
    "endpoint-change": ("E", "endpoint change: acts on a managed device"),
    "none": ("", ""),
}
GLYPHS = {
    "pass": "→", "branch": "◇", "parallel": "‖", "wait": "◔", "batch": "≡", "success": "✓",
    "failure": "✕", "function": "ƒ", "circuit": "⟳",
}


def category_colour(category: str, group: str | None = None) -> QColor:
    key = "endpoint_agent" if group == "endpoint_agent" else category
    return QColor(CATEGORY_COLOURS.get(key, "#7f8c8d"))


def glyph_for(state_type: str, title: str) -> str:
    if state_type in GLYPHS:
        return GLYPHS[state_type]
    words = [w for w in title.replace("-", " ").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def paint_glyph(painter: QPainter, rect: QRectF, colour: QColor, text: str) -> None:
    """Draw a disc in ``colour`` with ``text`` centred in white."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    path = QPainterPath()
    path.addEllipse(rect)
    painter.fillPath(path, colour)
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(max(6, int(rect.height() * (0.5 if len(text) > 1 else 0.62))))
    painter.setFont(font)
    painter.setPen(QPen(QColor("white")))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


@lru_cache(maxsize=128)
def state_icon(state_type: str, title: str, category: str, group: str | None) -> QIcon:
    """An icon for a palette entry or inspector header, rendered at several sizes."""
    icon = QIcon()
    colour = category_colour(category, group)
    for size in (16, 24, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        paint_glyph(painter, QRectF(1, 1, size - 2, size - 2), colour, glyph_for(state_type, title))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def app_icon() -> QIcon:
    """The application icon: three linked nodes on a rounded square."""
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        s = float(size)
        back = QPainterPath()
        back.addRoundedRect(QRectF(0, 0, s, s), s * 0.2, s * 0.2)
        painter.fillPath(back, QColor("#1f2a44"))
        painter.setPen(QPen(QColor("#8fa6ff"), max(1.0, s * 0.05)))
        a, b, c = QPointF(s * 0.25, s * 0.3), QPointF(s * 0.75, s * 0.3), QPointF(s * 0.5, s * 0.75)
        painter.drawLine(a, b)
        painter.drawLine(a, c)
        painter.drawLine(b, c)
        for point, colour in ((a, "#5b7cfa"), (b, "#16a085"), (c, "#e67e22")):
            painter.setBrush(QColor(colour))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(point, s * 0.12, s * 0.12)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
