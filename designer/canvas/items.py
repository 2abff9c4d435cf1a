"""The state card drawn on the canvas: a dumb picture of one state, fed through setters.

A :class:`StateItem` holds the state's name and what the scene tells it (title line, icon,
category colour, side-effect badge, start marker, ports, problems, run status). It never reads
the document: :class:`~designer.canvas.scene.PlaybookScene` projects the document onto it.
Painting is plain ``QPainter`` calls with cached paths and elided strings (a Python ``paint``
is the canvas's main cost), simplified when the card is small on screen. Edges and notes live
in :mod:`designer.canvas.edges` and :mod:`designer.canvas.notes`.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QStyleOptionGraphicsItem, QWidget

from designer.canvas.icons import icon_path
from designer.canvas.ports import Port, card_height, input_point, port_point
from designer.canvas.style import (
    CARD_WIDTH,
    CORNER_RADIUS,
    HEADER_HEIGHT,
    PORT_RADIUS,
    SIDE_EFFECTS,
    STRIPE_WIDTH,
    USER_TYPE,
    Theme,
    theme,
)
from runtime.model.states import END

STATE_ITEM_TYPE = USER_TYPE + 1
DETAIL_LOD = 0.42
_STRIPES: dict[float, QPainterPath] = {}
_COMPACT_FONTS: dict[tuple[int, int], tuple[QFont, QFontMetricsF]] = {}


PORT_HIT_PX = 6.0  # view pixels around a port's circle that still grab it


def port_hit_radius(scale: float) -> float:
    """The grab radius of a port in scene units at zoom ``scale``: the drawn circle plus
    :data:`PORT_HIT_PX` on screen, and never less than 9 scene units."""
    return max(9.0, PORT_RADIUS + PORT_HIT_PX / max(scale, 1e-6))


def _in_view(event) -> bool:
    widget = event.widget()
    return widget is not None and isinstance(widget.parent(), QGraphicsView)


def _compact_font(t: Theme, step: int) -> tuple[QFont, QFontMetricsF]:
    """The name font scaled so that at zoom ``step / 20`` it shows about 10 px high."""
    key = (id(t), step)
    if key not in _COMPACT_FONTS:
        font = QFont(t.name_font)
        font.setPixelSize(max(8, round(10 / (step / 20))))
        font.setBold(True)
        _COMPACT_FONTS[key] = (font, QFontMetricsF(font))
    return _COMPACT_FONTS[key]


def _stripe_path(height: float) -> QPainterPath:
    path = _STRIPES.get(height)
    if path is None:
        card = QPainterPath()
        card.addRoundedRect(QRectF(0, 0, CARD_WIDTH, height), CORNER_RADIUS, CORNER_RADIUS)
        clip = QPainterPath()
        clip.addRect(QRectF(0, 0, STRIPE_WIDTH, height))
        path = _STRIPES[height] = card.intersected(clip)
    return path


class StateItem(QGraphicsItem):
    """One state card. The scene sets everything; the item only paints and answers hits."""

    def __init__(self, name: str, *, movable: bool = False) -> None:
        super().__init__()
        self.name = name
        self.title = ""
        self.icon = "cloud"
        self.colour_key = "unknown"
        self.side_effect = "none"
        self.is_start = False
        self.ports: list[Port] = []
        self.problems: list[tuple[str, str]] = []
        self.run_status: str | None = None
        self.caption: str | None = None
        self.corner_badge: str | None = None
        self.greyed = False
        self.pulse = 0.0
        self.hover_port: str | None = None
        self.hovered = False
        self.height = HEADER_HEIGHT
        self._elided: tuple[str, str] | None = None
        self._compact: tuple[tuple[int, str], str] | None = None
        self._bounds = QRectF()
        self._shape: QPainterPath | None = None
        flags = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
        if movable:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        self.setFlags(flags)
        self.setZValue(1)  # above the edges
        self.setAcceptHoverEvents(True)
        # Panning repaints cached card pixmaps instead of running paint() per card per frame.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._update_bounds()

    def type(self) -> int:  # noqa: A003 - Qt's name
        return STATE_ITEM_TYPE

    # -- setters (called by the scene) ----------------------------------------------------
    def set_name(self, name: str) -> None:
        self.name = name
        self._elided = None
        self.update()

    def set_appearance(self, *, title: str, icon: str, colour_key: str, side_effect: str,
                       is_start: bool) -> None:
        self.title, self.icon, self.colour_key = title, icon, colour_key
        self.side_effect, self.is_start = side_effect, is_start
        self._elided = None
        self.update()

    def set_ports(self, ports: list[Port]) -> None:
        self.ports = ports
        height = card_height(ports)
        if height != self.height:
            self.prepareGeometryChange()
            self.height = height
            self._update_bounds()
        self.update()

    def set_problems(self, problems: list[tuple[str, str]]) -> None:
        """Problems as ``(severity, message)``; the marker is red when any is an error."""
        if problems != self.problems:
            self.problems = problems
            self.update()

    def set_run_status(self, status: str | None, caption: str | None = None) -> None:
        """Show a run status (pending, running, success, failed, partial, killed) or None."""
        if caption != self.caption:
            self.prepareGeometryChange()
            self.caption = caption
            self._update_bounds()
        changed = status != self.run_status
        self.run_status = status
        self.update()
        scene = self.scene()
        run_marks = getattr(scene, "run_marks", None)
        if changed and run_marks is not None:
            run_marks.status_changed(self.name, status)

    def set_greyed(self, greyed: bool) -> None:
        if greyed != self.greyed:
            self.greyed = greyed
            self.setOpacity(0.35 if greyed else 1.0)

    def set_corner_badge(self, text: str | None) -> None:
        if text != self.corner_badge:
            self.corner_badge = text
            self.update()

    def set_pulse(self, phase: float) -> None:
        self.pulse = phase
        self.update()

    # -- geometry --------------------------------------------------------------------------
    def card_rect(self) -> QRectF:
        return QRectF(0, 0, CARD_WIDTH, self.height)

    def _update_bounds(self) -> None:
        top = -24.0 if self.caption else -8.0
        self._bounds = QRectF(-20, top, CARD_WIDTH + 60, self.height - top + 14)
        self._shape = None

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            # Winding fill: where a port circle overlaps the card it stays solid (with the
            # default odd-even fill the overlap was a hole that neither hit the card nor the port).
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.WindingFill)
            path.addRoundedRect(self.card_rect(), CORNER_RADIUS, CORNER_RADIUS)
            for port in self.ports:
                path.addEllipse(port_point(port, self.height), PORT_RADIUS + 3, PORT_RADIUS + 3)
            self._shape = path
        return self._shape

    def port(self, path: str) -> Port | None:
        for port in self.ports:
            if port.path == path:
                return port
        return None

    def port_scene_pos(self, path: str) -> QPointF:
        """Where the port ``path`` is, in scene coordinates (the card's right side if unknown)."""
        port = self.port(path)
        local = port_point(port, self.height) if port else QPointF(CARD_WIDTH, HEADER_HEIGHT / 2)
        return self.mapToScene(local)

    def input_scene_pos(self) -> QPointF:
        return self.mapToScene(input_point())

    def port_at(self, local: QPointF, radius: float = 9.0) -> Port | None:
        """The port nearest to a point in item coordinates, if within ``radius`` of its centre."""
        best, best_d2 = None, radius * radius
        for port in self.ports:
            delta = port_point(port, self.height) - local
            d2 = delta.x() * delta.x() + delta.y() * delta.y()
            if d2 <= best_d2:
                best, best_d2 = port, d2
        return best

    def tooltip_at(self, local: QPointF) -> str:
        """The tooltip for a point: badge, problem marker, port, or a summary of the state."""
        if self.problems and QRectF(CARD_WIDTH - 9, -9, 18, 18).contains(local):
            return "\n".join(f"{sev}: {msg}" for sev, msg in self.problems)
        if self.side_effect in SIDE_EFFECTS and self._badge_rect().contains(local):
            return SIDE_EFFECTS[self.side_effect][2]
        if self.corner_badge_text().startswith("✓") and self.corner_badge_rect().contains(local):
            return f"{self.corner_badge} iterations succeeded"
        port = self.port_at(local)
        if port is not None:
            where = port.target or "nothing"
            return f"{port.label} → {where}" if not port.is_add else f"Drag to {port.label}"
        lines = [self.name, self.title]
        lines += [f"{sev}: {msg}" for sev, msg in self.problems]
        if self.caption:
            lines.append(self.caption)
        return "\n".join(lines)

    def _badge_rect(self) -> QRectF:
        return QRectF(CARD_WIDTH - 26, 8, 18, 15)

    # -- painting --------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        t = theme()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        detail = lod >= DETAIL_LOD
        if self.run_status:
            self._paint_status(painter, t)
        self._paint_card(painter, t)
        if detail:
            self._paint_text(painter, t)
            self._paint_ports(painter, t)
            self._paint_markers(painter, t)
        else:
            self._paint_compact_name(painter, t, lod)

    def _paint_compact_name(self, painter: QPainter, t: Theme, lod: float) -> None:
        """Zoomed out: only the name, in a font that stays legible on screen (~10 px)."""
        step = max(1, round(lod * 20))  # cache per 0.05 of zoom
        font, metrics = _compact_font(t, step)
        key = (step, self.name)
        if self._compact is None or self._compact[0] != key:
            text = metrics.elidedText(self.name, Qt.TextElideMode.ElideRight, CARD_WIDTH - 20)
            self._compact = (key, text)
        painter.setPen(t.text)
        painter.setFont(font)
        painter.drawText(QRectF(STRIPE_WIDTH + 6, 0, CARD_WIDTH - STRIPE_WIDTH - 10,
                                HEADER_HEIGHT), Qt.AlignmentFlag.AlignVCenter, self._compact[1])

    def _paint_status(self, painter: QPainter, t: Theme) -> None:
        colour = t.status(self.run_status or "")
        if self.run_status == "running":
            glow = QColor(colour)
            glow.setAlphaF(0.25 + 0.45 * self.pulse)
            painter.setPen(QPen(glow, 4 + 4 * self.pulse))
        else:
            painter.setPen(QPen(colour, 3.5, Qt.PenStyle.SolidLine if self.run_status != "pending"
                                else Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self.card_rect().adjusted(-3, -3, 3, 3), CORNER_RADIUS + 3,
                                CORNER_RADIUS + 3)
        if self.caption:
            painter.setFont(t.small_font)
            painter.setPen(colour)
            text = t.small_metrics.elidedText(self.caption, Qt.TextElideMode.ElideRight,
                                              CARD_WIDTH + 40)
            painter.drawText(QPointF(2, -9), text)

    def _paint_card(self, painter: QPainter, t: Theme) -> None:
        selected = self.isSelected()
        fill = t.card
        if self.run_status in ("success", "failed", "partial", "killed"):
            fill = t.tint(t.status(self.run_status), 0.10)
        painter.setPen(QPen(t.highlight, 2.2) if selected else QPen(t.card_border, 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(self.card_rect(), CORNER_RADIUS, CORNER_RADIUS)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(t.category(self.colour_key))
        painter.drawPath(_stripe_path(self.height))

    def _paint_text(self, painter: QPainter, t: Theme) -> None:
        colour = t.category(self.colour_key)
        painter.setBrush(t.tint(colour, 0.14))
        painter.drawRoundedRect(QRectF(16, 15, 30, 30), 7, 7)
        painter.save()
        painter.translate(21, 20)
        pen = QPen(colour, 1.7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(icon_path(self.icon))
        painter.restore()
        if self._elided is None:
            room = CARD_WIDTH - 56 - (30 if self.side_effect in SIDE_EFFECTS else 10)
            self._elided = (
                t.name_metrics.elidedText(self.name, Qt.TextElideMode.ElideRight, room),
                t.small_metrics.elidedText(self.title, Qt.TextElideMode.ElideRight,
                                           CARD_WIDTH - 64),
            )
        painter.setPen(t.text)
        painter.setFont(t.name_font)
        painter.drawText(QPointF(56, 27), self._elided[0])
        painter.setPen(t.muted)
        painter.setFont(t.small_font)
        painter.drawText(QPointF(56, 44), self._elided[1])

    def _paint_ports(self, painter: QPainter, t: Theme) -> None:
        rows = [p for p in self.ports if p.row >= 0]
        if rows:
            painter.setPen(QPen(t.card_border, 1))
            painter.drawLine(QPointF(STRIPE_WIDTH, HEADER_HEIGHT), QPointF(CARD_WIDTH,
                                                                          HEADER_HEIGHT))
        painter.setFont(t.small_font)
        show_add = (self.hovered or self.isSelected()) and self._editable()
        for port in self.ports:
            if port.is_add and not show_add:
                continue
            point = port_point(port, self.height)
            if port.row >= 0:
                painter.setPen(t.edge_error if port.kind == "error" else t.muted)
                label = t.small_metrics.elidedText(port.label, Qt.TextElideMode.ElideMiddle,
                                                   CARD_WIDTH - 34)
                width = t.small_metrics.horizontalAdvance(label)
                painter.drawText(QPointF(CARD_WIDTH - 12 - width, point.y() + 4), label)
            if port.target == END:
                self._paint_end_stub(painter, t, point)
            self._paint_port(painter, t, port, point)

    def _paint_port(self, painter: QPainter, t: Theme, port: Port, point: QPointF) -> None:
        hovered = port.path == self.hover_port
        colour = t.edge_error if port.kind == "error" else t.edge
        painter.setPen(QPen(t.highlight if hovered else colour, 1.4))
        connected = port.target is not None
        painter.setBrush(colour if connected and not hovered else t.card)
        radius = PORT_RADIUS + (1.5 if hovered else 0)
        painter.drawEllipse(point, radius, radius)
        if port.is_add:
            painter.drawLine(point + QPointF(-2.5, 0), point + QPointF(2.5, 0))
            painter.drawLine(point + QPointF(0, -2.5), point + QPointF(0, 2.5))

    def _paint_end_stub(self, painter: QPainter, t: Theme, point: QPointF) -> None:
        end = point + QPointF(22, 0)
        painter.setPen(QPen(t.edge, 1.3))
        painter.drawLine(point, end - QPointF(6, 0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(end, 5.5, 5.5)
        painter.setBrush(t.edge)
        painter.drawEllipse(end, 3, 3)

    def _paint_markers(self, painter: QPainter, t: Theme) -> None:
        if self.side_effect in SIDE_EFFECTS:
            letter, colour, _ = SIDE_EFFECTS[self.side_effect]
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            rect = self._badge_rect()
            painter.drawRoundedRect(rect, 7, 7)
            painter.setPen(QColor("white"))
            painter.setFont(t.tiny_font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, letter)
        if self.is_start:
            self._paint_start(painter)
        if self.problems:
            error = any(sev == "error" for sev, _ in self.problems)
            painter.setPen(QPen(t.card, 1.5))
            painter.setBrush(QColor("#d64541") if error else QColor("#e0a800"))
            painter.drawEllipse(QPointF(CARD_WIDTH, 0), 6.5, 6.5)
            painter.setPen(QPen(QColor("white"), 1.6))
            painter.drawLine(QPointF(CARD_WIDTH, -3), QPointF(CARD_WIDTH, 1))
            painter.drawPoint(QPointF(CARD_WIDTH, 3.2))
        if self.corner_badge:
            self._paint_corner_badge(painter, t)

    def _paint_start(self, painter: QPainter) -> None:
        centre = QPointF(-11, HEADER_HEIGHT / 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#2e9e4f"))
        painter.drawEllipse(centre, 8.5, 8.5)
        painter.setBrush(QBrush(QColor("white")))
        painter.drawPolygon(QPolygonF([centre + QPointF(-3, -4.5), centre + QPointF(5, 0),
                                       centre + QPointF(-3, 4.5)]))

    def corner_badge_text(self) -> str:
        """What the run badge reads: ``✓ 1,204`` (a Batch's successful iterations)."""
        text = self.corner_badge or ""
        return f"✓ {text}" if text[:1].isdigit() else text

    def corner_badge_rect(self) -> QRectF:
        """The run badge, in the header's lower right corner: in the small font, clear of the
        ports (which sit on the card's right edge)."""
        t = theme()
        width = t.small_metrics.horizontalAdvance(self.corner_badge_text()) + 14
        height = t.small_metrics.height() + 4
        return QRectF(CARD_WIDTH - width - 10, HEADER_HEIGHT - height - 4, width, height)

    def _paint_corner_badge(self, painter: QPainter, t: Theme) -> None:
        rect = self.corner_badge_rect()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(t.status("success"))
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(QColor("white"))
        painter.setFont(t.small_font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.corner_badge_text())

    # -- hover: highlight the port under the cursor ------------------------------------------
    def _editable(self) -> bool:
        return bool(getattr(self.scene(), "editable", False))

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.hovered = True
        if self._editable():
            self.update()

    def hoverMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self._editable():
            return
        scale = abs(event.widget().parent().transform().m11()) if _in_view(event) else 1.0
        port = self.port_at(event.pos(), port_hit_radius(scale))
        path = port.path if port else None
        if path != self.hover_port:
            self.hover_port = path
            self.setCursor(Qt.CursorShape.CrossCursor if path else Qt.CursorShape.ArrowCursor)
            self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.hovered = False
        self.hover_port = None
        self.unsetCursor()
        if self._editable():
            self.update()
