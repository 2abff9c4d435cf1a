"""Shared look of the inspector: colours, muted help labels, section titles, message labels."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QWidget

ERROR = "#c62828"
WARNING = "#9a5b00"
OK = "#2e7d32"
REQUIRED = "#c62828"
CATEGORY_COLORS = {
    "flow_control": "#5c6bc0",
    "functional": "#00897b",
    "log360_cloud": "#ef6c00",
}

Message = tuple[str, str]  # (severity: "error" | "warning", text)


def small_font(widget: QWidget, delta: float = -1.0) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(max(6.0, font.pointSizeF() + delta))
    return font


def mute(label: QLabel) -> QLabel:
    """Draw the label in the palette's placeholder (muted) colour."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def help_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A muted, small, word-wrapped label for help text."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setFont(small_font(label))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return mute(label)


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() + 0.5)
    label.setFont(font)
    label.setContentsMargins(0, 8, 0, 0)
    return label


class MessageLabel(QLabel):
    """Shows validation messages, errors in red and warnings in amber; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setFont(small_font(self, -0.5))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.messages: list[Message] = []
        self.hide()

    def set_messages(self, messages: Iterable[Message]) -> None:
        unique: list[Message] = []
        for message in messages:
            if message not in unique and (message[0], message[1]) not in unique:
                unique.append(message)
        unique.sort(key=lambda m: m[0] != "error")
        if unique == self.messages:
            return
        self.messages = unique
        lines = []
        for severity, text in unique:
            colour, mark = (ERROR, "✖") if severity == "error" else (WARNING, "⚠")
            lines.append(f'<span style="color:{colour}">{mark} {html.escape(text)}</span>')
        self.setText("<br>".join(lines))
        self.setVisible(bool(unique))

    def texts(self) -> list[str]:
        return [text for _, text in self.messages]


def field_title(text: str, required: bool = False, parent: QWidget | None = None) -> QLabel:
    """A field label as the generated forms draw it: demi-bold, a red ``*`` when required."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    star = f' <span style="color:{REQUIRED}; font-weight:bold">*</span>' if required else ""
    label.setText(html.escape(text) + star)
    font = label.font()
    font.setWeight(QFont.Weight.DemiBold)
    label.setFont(font)
    return label
