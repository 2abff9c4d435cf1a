"""The Branch condition editor: highlighting with the condition grammar's own tokenizer,
``$.`` path completion, and the parse error underlined at its position.

Conditions are one line (``$.severity == 'critical' && $.score > 70``); Return does not insert a
newline. Highlighting uses :func:`runtime.expressions.tokenize`, the tokenizer the runtime
parses with, so what is coloured is what runs.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QWidget

from designer.inspector.widgets.code_editor import error_selections, monospace_font
from runtime.expressions import ExpressionError, tokenize

COLOURS = {
    "path": ("#1565c0", False),
    "string": ("#2e7d32", False),
    "number": ("#6a1b9a", False),
    "op": ("#37474f", True),
    "word": ("#00838f", True),
}


class ExpressionHighlighter(QSyntaxHighlighter):
    def __init__(self, document: Any) -> None:
        super().__init__(document)
        self._formats: dict[str, QTextCharFormat] = {}
        for kind, (colour, bold) in COLOURS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(colour))
            if bold:
                fmt.setFontWeight(QFont.Weight.Bold)
            self._formats[kind] = fmt

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        end = len(text)
        try:
            tokens = tokenize(text)
        except ExpressionError as exc:
            end = exc.position
            try:
                tokens = tokenize(text[:end])
            except ExpressionError:
                tokens = []
        for token in tokens:
            fmt = self._formats.get(token.kind)
            if fmt is not None and token.pos < end:
                self.setFormat(token.pos, len(token.value), fmt)


class ExpressionEdit(QPlainTextEdit):
    """A one-line expression editor with highlighting, completion and error underline."""

    focusLost = Signal()
    textEdited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(monospace_font())
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setPlaceholderText("$.severity == 'critical' && $.score > 70")
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 12)
        self.highlighter = ExpressionHighlighter(self.document())
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated[str].connect(self.insert_completion)  # type: ignore[index]
        self._loading = False
        self.textChanged.connect(self._changed)

    def set_paths(self, paths: list[str]) -> None:
        if self._model.stringList() != paths:
            self._model.setStringList(paths)

    def set_text(self, text: str) -> None:
        """Show ``text`` without reporting an edit."""
        if self.toPlainText() == text:
            return
        self._loading = True
        self.setPlainText(text)
        self._loading = False

    def set_error_at(self, position: int | None) -> None:
        self.setExtraSelections(error_selections(self, position))

    def _changed(self) -> None:
        if not self._loading:
            self.textEdited.emit(self.toPlainText())

    # -- completion --------------------------------------------------------------------------
    def _word_before_cursor(self) -> str:
        cursor = self.textCursor()
        text = cursor.block().text()[: cursor.positionInBlock()]
        start = len(text)
        while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "()!=<>&|":
            start -= 1
        return text[start:]

    def insert_completion(self, completion: str) -> None:
        word = self._word_before_cursor()
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor,
                            len(word))
        cursor.insertText(completion)
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        popup = self.completer.popup()
        if popup is not None and popup.isVisible() and event.key() in (
            Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            event.ignore()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)
        word = self._word_before_cursor()
        if word.startswith("$") and event.text():
            self.completer.setCompletionPrefix(word)
            rect = self.cursorRect()
            rect.setWidth(max(240, popup.sizeHintForColumn(0) + 24 if popup else 0))
            self.completer.complete(rect)
        elif popup is not None and popup.isVisible():
            popup.hide()

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.focusLost.emit()
