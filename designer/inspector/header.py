"""The top of a state's page: name (rename rewrites every reference, undoably), type and
category with an icon badge, the catalog's description and purpose, the side-effect class, and
the documentation text in an expander.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget

from designer.document import rename_state
from designer.inspector.binding import StateBinding
from designer.inspector.widgets.style import (
    CATEGORY_COLORS,
    ERROR,
    MessageLabel,
    help_label,
    mute,
    small_font,
)
from runtime.catalog import CatalogEntry

SIDE_EFFECTS = {
    "none": ("No side effects", "#757575"),
    "read": ("Read-only", "#1565c0"),
    "platform-write": ("Writes to the platform", "#b26a00"),
    "endpoint-change": ("Changes an endpoint", ERROR),
}


def badge(entry: CatalogEntry | None, size: int = 40) -> QPixmap:
    """A rounded square in the category's colour with the state's initials."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(CATEGORY_COLORS.get(entry.category if entry else "", "#9e9e9e"))
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(QRectF(0, 0, size, size), 8, 8)
    words = (entry.title if entry else "?").replace("-", " ").split()
    initials = "".join(w[0] for w in words[:2]).upper() if len(words) > 1 else words[0][:2].title()
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.38))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initials)
    painter.end()
    return pixmap


def category_text(binding: StateBinding, entry: CatalogEntry) -> str:
    for category in binding.context.catalog.categories():
        if category.id == entry.category:
            groups = dict(category.groups)
            text = f"{entry.title} · {category.title}"
            return text + (f" › {groups[entry.group]}" if entry.group in groups else "")
    return entry.title


class StateHeader(QWidget):
    """Name, type, description, purpose, side effect and documentation of one state."""

    renameRequested = Signal(str, str)  # old, new

    def __init__(self, binding: StateBinding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.binding = binding
        entry = binding.entry()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(10)
        icon = QLabel(self)
        icon.setPixmap(badge(entry))
        icon.setFixedSize(40, 40)
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        column.setSpacing(2)
        self.name_edit = QLineEdit(binding.name, self)
        self.name_edit.setToolTip("State name (1–80 characters); renaming updates every "
                                  "transition that points here")
        font = self.name_edit.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() + 2)
        self.name_edit.setFont(font)
        self.name_edit.editingFinished.connect(self._commit_name)
        column.addWidget(self.name_edit)
        self.kind = mute(QLabel(category_text(binding, entry) if entry else "Unknown state", self))
        self.kind.setFont(small_font(self.kind))
        self.kind.setWordWrap(True)
        column.addWidget(self.kind)
        top.addLayout(column, 1)
        layout.addLayout(top)
        self.name_error = MessageLabel(self)
        layout.addWidget(self.name_error)
        if entry is not None:
            self._describe(entry, layout)

    def _describe(self, entry: CatalogEntry, layout: QVBoxLayout) -> None:
        description = QLabel(entry.description, self)
        description.setWordWrap(True)
        description.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(description)
        facts = []
        if entry.purpose:
            facts.append(f"<b>Purpose:</b> {entry.purpose}")
        if entry.use_cases:
            facts.append(f"<b>Use cases:</b> {'; '.join(entry.use_cases)}")
        text, colour = SIDE_EFFECTS.get(entry.side_effect, (entry.side_effect, "#757575"))
        facts.append(f'<span style="color:{colour}">●</span> {text}')
        self.facts = QLabel("<br>".join(facts), self)
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setFont(small_font(self.facts, -0.5))
        layout.addWidget(self.facts)
        self.docs_button = QToolButton(self)
        self.docs_button.setText("Documentation")
        self.docs_button.setCheckable(True)
        self.docs_button.setAutoRaise(True)
        self.docs_button.setArrowType(Qt.ArrowType.RightArrow)
        self.docs_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.docs = help_label(entry.docs, self)
        self.docs.hide()
        self.docs_button.toggled.connect(self._toggle_docs)
        self.docs_button.setVisible(bool(entry.docs))
        layout.addWidget(self.docs_button)
        layout.addWidget(self.docs)

    def _toggle_docs(self, shown: bool) -> None:
        self.docs.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.docs_button.setArrowType(arrow)

    def _commit_name(self) -> None:
        old, new = self.binding.name, self.name_edit.text().strip()
        if not self.binding.exists:
            return
        if new == old:
            self.name_error.set_messages([])
            return
        try:
            rename_state(self.binding.context.document, old, new)
        except ValueError as exc:
            self.name_error.set_messages([("error", f"Cannot rename: {exc}")])
            return
        self.name_error.set_messages([])
        self.renameRequested.emit(old, new)

    def refresh(self) -> None:
        if not self.name_edit.hasFocus() and self.name_edit.text() != self.binding.name:
            self.name_edit.setText(self.binding.name)
