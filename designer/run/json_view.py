"""JSON shown two ways: a collapsible tree and a pygments-highlighted raw view, with Copy.

:class:`JsonHighlighter` colours any ``QTextDocument`` holding JSON with pygments' JSON lexer,
line by line (JSON strings never span lines), so the same colours serve the read-only raw view
here and the payload editor of the Run Profiles dialog. :class:`JsonView` builds tree items
lazily (children appear when a node is first expanded, 500 at a time), so a large output opens
at once.
"""

from __future__ import annotations

import json
from typing import Any

from pygments.lexers.data import JsonLexer
from pygments.token import Error, Keyword, Name, Number, Punctuation, String, _TokenType
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer import theme

CHILDREN_PAGE = 500
# Token kinds and their theme colour roles (designer.theme: light and dark values).
_COLOURS: list[tuple[_TokenType, str, bool]] = [
    (Name.Tag, "json.key", False),
    (String, "json.string", False),
    (Number, "json.number", False),
    (Keyword.Constant, "json.constant", True),
    (Punctuation, "json.punctuation", False),
    (Error, "json.error", False),
]


def mono_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(9.0, font.pointSizeF()))
    return font


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


class JsonHighlighter(QSyntaxHighlighter):
    """Colours JSON text with pygments tokens."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._lexer = JsonLexer()
        self._build_formats()
        theme.manager().changed.connect(self.recolour)

    def recolour(self, _dark: bool = False) -> None:
        """The scheme changed: new colours, highlighted again."""
        self._build_formats()
        self.rehighlight()

    def _build_formats(self) -> None:
        self._formats: list[tuple[_TokenType, QTextCharFormat]] = []
        for token, role, bold in _COLOURS:
            colour = theme.colour(role)
            fmt = QTextCharFormat()
            fmt.setForeground(colour)
            if bold:
                fmt.setFontWeight(QFont.Weight.DemiBold)
            if token is Error:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
                fmt.setUnderlineColor(QColor(colour))
            self._formats.append((token, fmt))
        self._by_token: dict[_TokenType, QTextCharFormat | None] = {}

    def _format(self, token: _TokenType) -> QTextCharFormat | None:
        if token not in self._by_token:
            self._by_token[token] = next(
                (fmt for kind, fmt in self._formats if token in kind), None)
        return self._by_token[token]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if not text.strip():
            return
        for index, token, value in self._lexer.get_tokens_unprocessed(text):
            fmt = self._format(token)
            if fmt is not None:
                self.setFormat(index, len(value), fmt)


def _summary(value: Any) -> str:
    if isinstance(value, dict):
        return f"{{{len(value)} key{'s' if len(value) != 1 else ''}}}"
    if isinstance(value, list):
        return f"[{len(value)} item{'s' if len(value) != 1 else ''}]"
    return json.dumps(value, ensure_ascii=False, default=str)


def _entries(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        return [(f"[{i}]", v) for i, v in enumerate(value)]
    return []


VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
LOADED_ROLE = Qt.ItemDataRole.UserRole + 2
ROLE_ROLE = Qt.ItemDataRole.UserRole + 3  # the theme colour role of a value cell


def _value_role(value: Any) -> str | None:
    if isinstance(value, str):
        return "json.string"
    if isinstance(value, bool) or value is None:
        return "json.constant"
    if isinstance(value, (int, float)):
        return "json.number"
    return None


class JsonView(QWidget):
    """A JSON value as a lazy tree and as highlighted text; a note replaces both when set."""

    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: Any = None
        self._text = ""
        self._payloads: dict[int, Any] = {}
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "Value"])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.setColumnWidth(0, 200)
        self.tree.itemExpanded.connect(self._expand)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setFont(mono_font())
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.highlighter = JsonHighlighter(self.raw.document())
        theme.manager().changed.connect(self.recolour)
        self.note = QLabel()
        self.note.setObjectName("JsonNote")
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        theme.tone(self.note, "muted")
        self.note.setStyleSheet("padding: 24px;")
        self.stack = QStackedWidget()
        for widget in (self.tree, self.raw, self.note):
            self.stack.addWidget(widget)
        self.tree_button = self._toggle("Tree", True)
        self.raw_button = self._toggle("Raw", False)
        group = QButtonGroup(self)
        group.addButton(self.tree_button)
        group.addButton(self.raw_button)
        group.buttonToggled.connect(lambda *_: self._show())
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the JSON to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for button in (self.tree_button, self.raw_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.copy_button)
        self.bar = QWidget()
        self.bar.setLayout(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.stack, 1)
        self.set_note("")

    @staticmethod
    def _toggle(text: str, checked: bool) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setCheckable(True)
        button.setChecked(checked)
        button.setAutoRaise(True)
        return button

    # -- content ---------------------------------------------------------------------------
    def set_value(self, value: Any) -> None:
        """Show a JSON value (tree and raw)."""
        self._value = value
        self._text = pretty(value)
        self.raw.setPlainText(self._text)
        self.tree.clear()
        self._payloads.clear()
        entries = _entries(value) or [("(value)", value)]
        self._add_children(self.tree.invisibleRootItem(), entries, 0)
        if self.tree.topLevelItemCount() <= 12:
            for index in range(self.tree.topLevelItemCount()):
                item = self.tree.topLevelItem(index)
                if item is not None and item.childCount() \
                        and item.data(0, LOADED_ROLE) is False:
                    self.tree.expandItem(item)
        self.bar.setVisible(True)
        self._show()

    def set_note(self, text: str) -> None:
        """Replace the value by a sentence (not recorded, not available, …)."""
        self._value, self._text = None, ""
        self.note.setText(text)
        self.tree.clear()
        self.raw.clear()
        self.bar.setVisible(False)
        self.stack.setCurrentWidget(self.note)

    def value(self) -> Any:
        return self._value

    def text(self) -> str:
        return self._text

    def note_text(self) -> str:
        return self.note.text() if self.stack.currentWidget() is self.note else ""

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self._text)
        self.copied.emit(self._text)

    def _show(self) -> None:
        if not self.bar.isVisible() and self._text == "":
            return
        self.stack.setCurrentWidget(self.raw if self.raw_button.isChecked() else self.tree)

    # -- lazy tree -------------------------------------------------------------------------
    def _add_children(self, parent: QTreeWidgetItem, entries: list[tuple[str, Any]],
                      start: int) -> None:
        chunk = entries[start:start + CHILDREN_PAGE]
        for name, value in chunk:
            item = QTreeWidgetItem(parent, [name, _summary(value)])
            item.setToolTip(1, _summary(value)[:2000])
            if isinstance(value, (dict, list)) and value:
                item.setData(0, VALUE_ROLE, self._keep(value))
                item.setData(0, LOADED_ROLE, False)
                QTreeWidgetItem(item, ["…", ""])
            else:
                role = _value_role(value)
                if role:
                    item.setData(1, ROLE_ROLE, role)
                    item.setForeground(1, theme.colour(role))
        rest = len(entries) - start - len(chunk)
        if rest > 0:
            more = QTreeWidgetItem(parent, [f"… {rest:,} more", "expand to show"])
            more.setData(0, VALUE_ROLE, self._keep(("more", start + len(chunk))))
            more.setData(0, LOADED_ROLE, False)
            QTreeWidgetItem(more, ["…", ""])

    def recolour(self, _dark: bool = False) -> None:
        """The scheme changed: value cells take the new scheme's colours."""
        stack = [self.tree.invisibleRootItem()]
        while stack:
            item = stack.pop()
            role = item.data(1, ROLE_ROLE)
            if role:
                item.setForeground(1, theme.colour(role))
            stack.extend(child for i in range(item.childCount())
                         if (child := item.child(i)) is not None)

    def _keep(self, payload: Any) -> int:
        key = len(self._payloads) + 1
        self._payloads[key] = payload
        return key

    def _expand(self, item: QTreeWidgetItem) -> None:
        if item.data(0, LOADED_ROLE) is not False:
            return
        item.setData(0, LOADED_ROLE, True)
        item.takeChildren()
        payload = self._payloads.get(item.data(0, VALUE_ROLE))
        if isinstance(payload, tuple) and payload and payload[0] == "more":
            parent = item.parent() or self.tree.invisibleRootItem()
            root = self.tree.invisibleRootItem()
            owner = self._payloads.get(parent.data(0, VALUE_ROLE)) if parent is not root \
                else self._value
            index = parent.indexOfChild(item)
            parent.takeChild(index)
            self._add_children(parent, _entries(owner), payload[1])
            return
        self._add_children(item, _entries(payload), 0)
