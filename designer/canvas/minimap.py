"""The minimap: a small overview of the whole playbook in a corner of the canvas view.

It paints the scene's :class:`~designer.canvas.overview.OverviewData` into a cached pixmap
(rebuilt only when the data changes) and the visible area as a frame on top. Clicking or
dragging in it centres the view there. It is shown only when the playbook does not fit in
the viewport.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from designer.canvas.overview import paint_overview
from designer.canvas.style import theme

if TYPE_CHECKING:
    from designer.canvas.view import CanvasView

SIZE = (220, 140)
MIN_HEIGHT = 44
MARGIN = 12
INSET = 8.0


class Minimap(QWidget):
    """An overview widget over the lower-right corner of a CanvasView's viewport."""

    def __init__(self, view: CanvasView) -> None:
        super().__init__(view)
        self.setFixedSize(*SIZE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click to jump")
        self._pixmap: QPixmap | None = None
        self._key: tuple[int, float, float] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.refresh)
        self.hide()

    @property
    def view(self) -> CanvasView:
        """The view this minimap sits on (its parent; not stored, to avoid a reference cycle)."""
        return cast("CanvasView", self.parentWidget())

    def schedule(self) -> None:
        """Refresh soon (coalesces bursts of scene changes)."""
        self._timer.start()

    def refresh(self) -> None:
        """Show or hide (playbook larger than the viewport?) and repaint."""
        content = self.view.playbook_scene.content_rect()
        visible = self.view.visible_scene_rect()
        show = not content.isNull() and not visible.contains(content)
        self.setVisible(show)
        if show:
            self._fit_to(content)
            self.reposition()
            self.update()

    def _fit_to(self, content: QRectF) -> None:
        """Take the playbook's proportions within SIZE (a long strip gets a flat minimap)."""
        width, height = SIZE
        ratio = content.height() / max(content.width(), 1.0)
        if ratio < height / width:
            height = max(MIN_HEIGHT, round(width * ratio + 2 * INSET))
        else:
            width = max(MIN_HEIGHT, round(height / max(ratio, 1e-6) + 2 * INSET))
        if (width, height) != (self.width(), self.height()):
            self.setFixedSize(width, height)
            self._pixmap = None

    def reposition(self) -> None:
        port = self.view.viewport().geometry()
        self.move(port.right() - self.width() - MARGIN, port.bottom() - self.height() - MARGIN)

    def _mapping(self) -> tuple[QRectF, float, QPointF]:
        content = self.view.playbook_scene.content_rect().adjusted(-60, -60, 60, 60)
        room = QRectF(self.rect()).adjusted(INSET, INSET, -INSET, -INSET)
        scale = min(room.width() / max(content.width(), 1), room.height() / max(content.height(),
                                                                              1))
        offset = QPointF(room.center().x() - content.center().x() * scale,
                         room.center().y() - content.center().y() * scale)
        return content, scale, offset

    def _content_pixmap(self, scale: float, offset: QPointF) -> QPixmap:
        data = self.view.playbook_scene.overview.picture()
        key = (data.generation, round(scale, 9), round(offset.x(), 3))
        if self._pixmap is None or key != self._key:
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.translate(offset)
            painter.scale(scale, scale)
            paint_overview(painter, data)
            painter.end()
            self._pixmap, self._key = pixmap, key
        return self._pixmap

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        t = theme()
        painter = QPainter(self)
        back = QColor(t.card)
        back.setAlpha(235)
        painter.setPen(QPen(t.card_border, 1))
        painter.setBrush(back)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        _content, scale, offset = self._mapping()
        painter.drawPixmap(0, 0, self._content_pixmap(scale, offset))
        visible = self.view.visible_scene_rect()
        frame = QRectF(visible.left() * scale + offset.x(), visible.top() * scale + offset.y(),
                       visible.width() * scale, visible.height() * scale)
        highlight = QColor(t.highlight)
        painter.setPen(QPen(highlight, 1.5))
        highlight.setAlpha(40)
        painter.setBrush(highlight)
        painter.drawRect(frame.intersected(QRectF(self.rect()).adjusted(1, 1, -1, -1)))
        painter.end()

    def _jump(self, pos: QPointF) -> None:
        _content, scale, offset = self._mapping()
        self.view.centerOn((pos.x() - offset.x()) / scale, (pos.y() - offset.y()) / scale)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self._jump(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._jump(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        event.accept()
