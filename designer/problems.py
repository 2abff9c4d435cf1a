"""The Problems dock: validation errors and warnings, with rule code and state.

It lists ``context.problems`` (refreshed by the debounced validator), errors first. Double-click
selects the state and centres it on the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from designer.context import DesignerContext

COLUMNS = ("", "Code", "State", "Field", "Message")
SEVERITY_COLOURS = {"error": "#e74c3c", "warning": "#f1c40f"}


def severity_icon(severity: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(QColor(SEVERITY_COLOURS.get(severity, "#95a5a6")))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


class ProblemsWidget(QWidget):
    """A table of the current validation problems."""

    def __init__(self, context: DesignerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 28), (1, 190), (2, 170), (3, 170)):
            self.tree.setColumnWidth(col, width)
        self.tree.itemDoubleClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        context.problemsChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        items = []
        for problem in self.context.problems:
            item = QTreeWidgetItem(["", problem.code, problem.state or "(playbook)", problem.path,
                                    problem.message])
            item.setIcon(0, severity_icon(problem.severity))
            item.setToolTip(0, problem.severity)
            item.setToolTip(4, problem.message)
            item.setData(0, Qt.ItemDataRole.UserRole, problem.state)
            items.append(item)
        self.tree.addTopLevelItems(items)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        state = item.data(0, Qt.ItemDataRole.UserRole)
        if state:
            self.context.select([state])
            self.context.focusState.emit(state)
