"""Rows that the user reorders by dragging a handle (branch conditions, parallel paths, ...).

Each row is wrapped with a ``≡`` handle; dragging the handle and dropping over another row emits
:attr:`ReorderList.moved` ``(from_index, to_index)``. The list never reorders itself: the owner
turns the move into an undoable document edit and rebuilds the rows from the document, so the
document stays the truth.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

MIME = "application/x-playbook-studio-row"


class _Handle(QLabel):
    def __init__(self, owner: ReorderList, row: QWidget) -> None:
        super().__init__("≡")
        self._owner = owner
        self._row = row
        self._press: QPoint | None = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("Drag to reorder")
        self.setFixedWidth(14)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setContentsMargins(0, 6, 0, 0)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._press = event.position().toPoint()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self._press is None:
            return
        distance = (event.position().toPoint() - self._press).manhattanLength()
        if distance < QApplication.startDragDistance():
            return
        self._press = None
        index = self._owner.index_of(self._row)
        mime = QMimeData()
        mime.setData(MIME, QByteArray(str(index).encode()))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(self._row.grab())
        drag.exec(Qt.DropAction.MoveAction)


class ReorderList(QWidget):
    """A vertical list of row widgets, reordered by drag and drop of their handles."""

    moved = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._rows: list[QWidget] = []
        self._wrappers: list[QWidget] = []
        self._indicator = QFrame(self)
        self._indicator.setFrameShape(QFrame.Shape.HLine)
        self._indicator.setStyleSheet("color: palette(highlight);")
        self._indicator.setLineWidth(2)
        self._indicator.hide()

    def rows(self) -> list[QWidget]:
        return list(self._rows)

    def index_of(self, row: QWidget) -> int:
        return self._rows.index(row)

    def add_row(self, row: QWidget) -> None:
        wrapper = QWidget(self)
        layout = QHBoxLayout(wrapper)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(_Handle(self, row), 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(row, 1)
        self._layout.addWidget(wrapper)
        self._rows.append(row)
        self._wrappers.append(wrapper)

    def clear(self) -> None:
        for wrapper in self._wrappers:
            wrapper.hide()
            self._layout.removeWidget(wrapper)
            wrapper.deleteLater()
        self._rows.clear()
        self._wrappers.clear()

    def _target(self, y: float) -> int:
        for index, wrapper in enumerate(self._wrappers):
            geometry = wrapper.geometry()
            if y < geometry.center().y():
                return index
        return len(self._wrappers)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasFormat(MIME) and event.source() is not None and \
                event.source().parent() in self._wrappers:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt's name
        target = self._target(event.position().y())
        if target < len(self._wrappers):
            y = self._wrappers[target].geometry().top() - 3
        else:
            y = self._wrappers[-1].geometry().bottom() + 2 if self._wrappers else 0
        self._indicator.setGeometry(0, y, self.width(), 3)
        self._indicator.show()
        self._indicator.raise_()
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self._indicator.hide()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        self._indicator.hide()
        source = int(bytes(event.mimeData().data(MIME).data()).decode() or -1)
        target = self._target(event.position().y())
        if target > source:
            target -= 1
        event.acceptProposedAction()
        if 0 <= source < len(self._rows) and target != source:
            self.moved.emit(source, target)
