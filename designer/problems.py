"""The Problems dock: validation errors and warnings, with rule code and state.

It lists ``context.problems`` (refreshed by the debounced validator), errors first. The message
comes first and wraps, sized to the dock's width, so it is what a narrow dock shows; state,
field and rule code follow. A click (or moving with the arrow keys) selects the state; a double
click or Enter also zooms the canvas to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.context import DesignerContext

if TYPE_CHECKING:
    from runtime.validate import Problem

COLUMNS = ("", "Message", "State", "Field", "Code")
MESSAGE, STATE, FIELD, CODE = 1, 2, 3, 4
MIN_MESSAGE_WIDTH = 220
EMPTY_CODE = "limit.states"  # "the definition has 0 states"
SEVERITY_COLOURS = {"error": "#e74c3c", "warning": "#f1c40f"}


def shown_problems(context: DesignerContext) -> list[Problem]:
    """The problems the designer shows (dock, status badge, playbook page).

    A blank playbook's "the definition has 0 states" error is left out while the definition is
    empty: the empty canvas says so already, and the user has not had a chance to add a state.
    Export still checks it and refuses.
    """
    if context.document.definition:
        return list(context.problems)
    return [p for p in context.problems if p.code != EMPTY_CODE]


def shown_counts(context: DesignerContext) -> tuple[int, int]:
    """(errors, warnings) among :func:`shown_problems`."""
    problems = shown_problems(context)
    errors = sum(p.severity == "error" for p in problems)
    return errors, len(problems) - errors


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


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their message wrapped to the message column's width."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(  # noqa: N802 - Qt's name
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != MESSAGE:
            return hint
        width = max(40, self._tree.columnWidth(MESSAGE) - 10)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        box = option.fontMetrics.boundingRect(QRect(0, 0, width, 100_000),
                                              int(Qt.TextFlag.TextWordWrap), text)
        return QSize(hint.width(), max(hint.height(), box.height() + 6))


class ProblemsWidget(QWidget):
    """A table of the current validation problems."""

    def __init__(self, context: DesignerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)  # wrap, never "…"
        self.tree.setItemDelegate(_WrappingDelegate(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        for col, width in ((0, 28), (STATE, 140), (FIELD, 120), (CODE, 190)):
            self.tree.setColumnWidth(col, width)
        self.tree.currentItemChanged.connect(lambda item, _old: self._select(item))
        self.tree.itemClicked.connect(lambda item, _col: self._select(item))
        self.tree.itemDoubleClicked.connect(self._activated)
        self.tree.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        context.problemsChanged.connect(self.refresh)
        self._refreshing = False
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_message_column()

    def fit_message_column(self) -> None:
        """The message takes the width the severity and state columns leave in view."""
        room = self.tree.viewport().width() - self.tree.columnWidth(0) - self.tree.columnWidth(STATE)
        width = max(MIN_MESSAGE_WIDTH, room)
        if width != self.tree.columnWidth(MESSAGE):
            self.tree.setColumnWidth(MESSAGE, width)
            self.tree.scheduleDelayedItemsLayout()  # row heights follow the wrapped text

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            current = self.tree.currentItem()
            if current is not None:
                self._activated(current, MESSAGE)
                return True
        return False

    def refresh(self) -> None:
        self._refreshing = True
        try:
            self.tree.clear()
            self.tree.addTopLevelItems([self._item(p) for p in shown_problems(self.context)])
        finally:
            self._refreshing = False

    @staticmethod
    def _item(problem) -> QTreeWidgetItem:
        texts = ["", problem.message, problem.state or "(playbook)", problem.path, problem.code]
        item = QTreeWidgetItem(texts)
        item.setIcon(0, severity_icon(problem.severity))
        item.setToolTip(0, problem.severity)
        item.setToolTip(MESSAGE, problem.message)
        item.setData(0, Qt.ItemDataRole.UserRole, problem.state)
        return item

    def _select(self, item: QTreeWidgetItem | None) -> None:
        """Select the problem's state (the canvas and Inspector follow); no zoom."""
        if self._refreshing or item is None:
            return
        state = item.data(0, Qt.ItemDataRole.UserRole)
        if state and state in self.context.document.definition:
            self.context.select([state])

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        """Select the state and zoom the canvas to it."""
        state = item.data(0, Qt.ItemDataRole.UserRole)
        if state:
            self.context.select([state])
            self.context.focusState.emit(state)
