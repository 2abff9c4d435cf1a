"""Sticky notes: free-text annotations on the canvas, saved with the layout.

A :class:`NoteItem` shows one ``layout.notes`` entry. It can be moved (with the selection),
resized from its lower-right corner and edited in place on double-click; every finished edit
is reported through ``on_commit(note_id, fields)``, which the scene turns into an undoable
``Patch(notes=...)``. The item never writes to the document itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QGraphicsTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.canvas.style import USER_TYPE, theme

NOTE_ITEM_TYPE = USER_TYPE + 3
GRIP = 14.0
MIN_SIZE = QSizeF(80, 48)
PAD = 10.0

Commit = Callable[[str, dict[str, Any]], None]


class _NoteEditor(QGraphicsTextItem):
    """The in-place text editor; reports the text when focus leaves (Esc cancels)."""

    def __init__(self, note: NoteItem) -> None:
        super().__init__(note.text, note)
        self.note = note
        self.cancelled = False
        self.setDefaultTextColor(theme().note_text)
        self.setFont(theme().small_font)
        self.setTextWidth(note.size.width() - 2 * PAD)
        self.setPos(PAD - 4, PAD - 4)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled = True
            self.clearFocus()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.note.finish_editing(None if self.cancelled else self.toPlainText())


class NoteItem(QGraphicsItem):
    """One sticky note; geometry and text are set by the scene from the document."""

    def __init__(self, note_id: str, *, editable: bool = True) -> None:
        super().__init__()
        self.note_id = note_id
        self.text = ""
        self.size = QSizeF(220, 120)
        self.editable = editable
        self.on_commit: Commit | None = None
        self._editor: _NoteEditor | None = None
        self._resize_from: QSizeF | None = None
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, editable)
        self.setZValue(-2)
        self.setAcceptHoverEvents(editable)

    def type(self) -> int:  # noqa: A003 - Qt's name
        return NOTE_ITEM_TYPE

    def set_note(self, text: str, x: float, y: float, width: float, height: float) -> None:
        self.prepareGeometryChange()
        self.text = text
        self.size = QSizeF(max(width, MIN_SIZE.width()), max(height, MIN_SIZE.height()))
        self.setPos(x, y)
        self.update()

    def fields(self) -> dict[str, Any]:
        """The note as a ``layout.notes`` entry (without the id)."""
        return {"text": self.text, "x": self.pos().x(), "y": self.pos().y(),
                "width": self.size.width(), "height": self.size.height()}

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(QPointF(0, 0), self.size).adjusted(-2, -2, 3, 3)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(QRectF(QPointF(0, 0), self.size))
        return path

    def _grip_rect(self) -> QRectF:
        return QRectF(self.size.width() - GRIP, self.size.height() - GRIP, GRIP, GRIP)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        t = theme()
        rect = QRectF(QPointF(0, 0), self.size)
        fold = 14.0
        body = QPolygonF([rect.topLeft(), rect.topRight(), rect.bottomRight() - QPointF(0, fold),
                          rect.bottomRight() - QPointF(fold, 0), rect.bottomLeft()])
        border = t.highlight if self.isSelected() else t.note.darker(130)
        painter.setPen(QPen(border, 1.6 if self.isSelected() else 1))
        painter.setBrush(t.note)
        painter.drawPolygon(body)
        painter.setBrush(t.note.darker(112))
        painter.drawPolygon(QPolygonF([rect.bottomRight() - QPointF(0, fold),
                                       rect.bottomRight() - QPointF(fold, fold),
                                       rect.bottomRight() - QPointF(fold, 0)]))
        if self._editor is None:
            painter.setPen(t.note_text)
            painter.setFont(t.small_font)
            painter.drawText(rect.adjusted(PAD, PAD, -PAD, -PAD),
                             int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignTop),
                             self.text or "Double-click to write a note")

    # -- editing ---------------------------------------------------------------------------
    def start_editing(self) -> None:
        if not self.editable or self._editor is not None:
            return
        self._editor = _NoteEditor(self)
        self._editor.setFocus(Qt.FocusReason.MouseFocusReason)
        self.update()

    def finish_editing(self, text: str | None) -> None:
        editor, self._editor = self._editor, None
        if editor is None:
            return
        editor.setParentItem(None)  # type: ignore[arg-type]  # stubs: None detaches
        if self.scene() is not None:
            self.scene().removeItem(editor)
        self.update()
        if text is not None and text != self.text and self.on_commit:
            self.on_commit(self.note_id, self.fields() | {"text": text})

    def is_editing(self) -> bool:
        return self._editor is not None

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.start_editing()

    # -- resizing from the corner grip -------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.editable and self._grip_rect().contains(event.pos()):
            self._resize_from = QSizeF(self.size)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._resize_from is not None:
            self.prepareGeometryChange()
            self.size = QSizeF(max(MIN_SIZE.width(), event.pos().x()),
                               max(MIN_SIZE.height(), event.pos().y()))
            self.update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self._resize_from is not None:
            start, self._resize_from = self._resize_from, None
            if start != self.size and self.on_commit:
                self.on_commit(self.note_id, self.fields())
            return
        super().mouseReleaseEvent(event)

    def hoverMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        over = self._grip_rect().contains(event.pos())
        self.setCursor(Qt.CursorShape.SizeFDiagCursor if over else Qt.CursorShape.ArrowCursor)
