"""The Iterator Index: which Batch iteration of the selected state the details show.

Shown beside the Execution Graph when the selected state ran inside a Batch body. The number
at the top is the iteration's index (the item's ``batch_index``); hovering it shows ◀ ▶ arrows
to step through the iterations the state ran in (the Left and Right keys do the same), and the
Execution Details follow the chosen iteration.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QEnterEvent, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from designer import theme


class IteratorIndex(QFrame):
    """A number with ◀ ▶ arrows over a sorted list of iteration indexes."""

    iterationChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IteratorIndex")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFixedWidth(150)
        self.iterations: list[int] = []
        self.position = 0
        title = QLabel("ITERATOR INDEX")
        theme.tone(title, "key")
        title.setStyleSheet("font-size: 8pt; font-weight: 600;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setWordWrap(True)
        self.number = QLabel("0")
        self.number.setObjectName("IteratorNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setStyleSheet("font-size: 22pt; font-weight: 600;")
        self.previous_button = QToolButton()
        self.next_button = QToolButton()
        for button, arrow in ((self.previous_button, "◀"), (self.next_button, "▶")):
            button.setText(arrow)
            button.setAutoRaise(True)
            button.setToolTip("Previous iteration" if button is self.previous_button
                              else "Next iteration")
        self.previous_button.clicked.connect(self.previous)
        self.next_button.clicked.connect(self.next)
        self.of_label = QLabel()
        self.of_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.tone(self.of_label, "muted")
        row = QHBoxLayout()
        row.addWidget(self.previous_button)
        row.addWidget(self.number, 1)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.state_label)
        layout.addLayout(row)
        layout.addWidget(self.of_label)
        layout.addStretch(1)
        self._arrows(False)

    def set_iterations(self, state: str, iterations: list[int], current: int | None) -> None:
        """Show the iterations a state ran in, with ``current`` chosen."""
        self.iterations = list(iterations)
        self.state_label.setText(state)
        self.position = self.iterations.index(current) if current in self.iterations else 0
        self._update()

    def current(self) -> int | None:
        return self.iterations[self.position] if self.iterations else None

    def next(self) -> None:  # noqa: A003 - reads best
        self._move(1)

    def previous(self) -> None:
        self._move(-1)

    def _move(self, delta: int) -> None:
        if not self.iterations:
            return
        position = max(0, min(len(self.iterations) - 1, self.position + delta))
        if position != self.position:
            self.position = position
            self._update()
            self.iterationChanged.emit(self.iterations[position])

    def _update(self) -> None:
        value = self.current()
        self.number.setText("–" if value is None else f"{value}")
        total = len(self.iterations)
        self.of_label.setText(f"{self.position + 1} of {total:,} iteration"
                              f"{'s' if total != 1 else ''}" if total else "")
        self.previous_button.setEnabled(self.position > 0)
        self.next_button.setEnabled(self.position < total - 1)

    def _arrows(self, shown: bool) -> None:
        """The arrows appear while the pointer is over the index (or it has focus)."""
        self.previous_button.setText("◀" if shown else " ")
        self.next_button.setText("▶" if shown else " ")

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt's name
        self._arrows(True)
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if not self.hasFocus():
            self._arrows(False)
        super().leaveEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._arrows(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._arrows(False)
        super().focusOutEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Right:
            self.next()
        elif event.key() == Qt.Key.Key_Left:
            self.previous()
        else:
            super().keyPressEvent(event)
