"""A small code editor: monospace, line numbers, pygments highlighting, tab → 4 spaces.

:class:`PygmentsHighlighter` highlights a ``QTextDocument`` with any pygments lexer. It lexes the
whole text once per change (sources here are small) and paints each block from that
result, so multi-line tokens (docstrings, JSON strings spanning lines) are coloured correctly;
the block state records which token a line ends inside, so Qt re-highlights the following lines
when an opening quote is typed. :class:`CodeEditor` is the editor the function source and the
JSON parameter fields use; it can underline an error position (``set_error_at``).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name
from pygments.token import Error, Text, Whitespace, _TokenType
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

TAB_WIDTH = 4
STYLE_NAME = "friendly"


def monospace_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


class PygmentsHighlighter(QSyntaxHighlighter):
    """Highlight a document with a pygments lexer (``"python"``, ``"json"``, ...)."""

    def __init__(self, document: QTextDocument, language: str) -> None:
        super().__init__(None)  # type: ignore[call-overload]  # attached below, after our slot
        self.setParent(document)
        self._lexer = get_lexer_by_name(language, stripnl=False, ensurenl=False)
        self._style = get_style_by_name(STYLE_NAME)
        self._formats: dict[_TokenType, QTextCharFormat | None] = {}
        self._dirty = True
        self._starts: list[int] = []
        self._spans: list[tuple[int, int, _TokenType]] = []
        # Connected before the highlighter attaches, so it runs before Qt re-highlights.
        document.contentsChange.connect(self._mark_dirty)
        self.setDocument(document)

    def _mark_dirty(self, *_args: Any) -> None:
        self._dirty = True

    def _format(self, ttype: _TokenType) -> QTextCharFormat | None:
        if ttype not in self._formats:
            spec: dict[str, Any] = self._style.style_for_token(ttype)
            fmt: QTextCharFormat | None = None
            if spec.get("color") or spec.get("bold") or spec.get("italic"):
                fmt = QTextCharFormat()
                if spec.get("color"):
                    fmt.setForeground(QColor("#" + spec["color"]))
                if spec.get("bold"):
                    fmt.setFontWeight(QFont.Weight.Bold)
                if spec.get("italic"):
                    fmt.setFontItalic(True)
            self._formats[ttype] = fmt
        return self._formats[ttype]

    def _lex(self) -> None:
        self._dirty = False
        text = self.document().toPlainText()
        spans = []
        for index, ttype, value in self._lexer.get_tokens_unprocessed(text):
            if value and ttype not in (Text, Whitespace) and ttype is not Error:
                spans.append((index, len(value), ttype))
        self._spans = spans
        self._starts = [s[0] for s in spans]

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt's name
        if self._dirty:
            self._lex()
        block = self.currentBlock()
        begin = block.position()
        end = begin + len(text)
        first = max(0, bisect_right(self._starts, begin) - 1)
        ends_inside: _TokenType | None = None
        for start, length, ttype in self._spans[first:]:
            if start > end:
                break
            stop = start + length
            if stop <= begin:
                continue
            fmt = self._format(ttype)
            lo, hi = max(start, begin), min(stop, end)
            if fmt is not None and hi > lo:
                self.setFormat(lo - begin, hi - lo, fmt)
            if stop > end:
                ends_inside = ttype
        self.setCurrentBlockState(hash(ends_inside) & 0x3FFFFFFF if ends_inside else 0)


def error_selections(edit: QPlainTextEdit, position: int | None) -> list[Any]:
    """Extra selections that underline the character at ``position`` in red (none for None)."""
    if position is None:
        return []
    selection = QTextEdit.ExtraSelection()
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor("#c62828"))
    fmt.setBackground(QColor(198, 40, 40, 50))
    selection.format = fmt
    cursor = QTextCursor(edit.document())
    length = len(edit.toPlainText())
    start = min(max(0, position), max(0, length - 1))
    cursor.setPosition(start)
    cursor.setPosition(min(length, start + 1), QTextCursor.MoveMode.KeepAnchor)
    selection.cursor = cursor
    return [selection]


class FocusPlainTextEdit(QPlainTextEdit):
    """A plain-text edit that says when focus leaves it (ends an undo merge)."""

    focusLost = Signal()

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.focusLost.emit()


class _LineNumbers(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self._editor.line_number_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        self._editor.paint_line_numbers(event)


class CodeEditor(FocusPlainTextEdit):
    """Monospace editor with pygments highlighting and optional line numbers."""

    def __init__(
        self, language: str = "python", *, line_numbers: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setFont(monospace_font())
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * TAB_WIDTH)
        self.highlighter = PygmentsHighlighter(self.document(), language)
        self._numbers: _LineNumbers | None = None
        if line_numbers:
            self._numbers = _LineNumbers(self)
            self.blockCountChanged.connect(self._update_margin)
            self.updateRequest.connect(self._scroll_numbers)
            self._update_margin()

    # -- line numbers ------------------------------------------------------------------------
    def line_number_width(self) -> int:
        digits = max(2, len(str(max(1, self.blockCount()))))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_margin(self, *_: Any) -> None:
        self.setViewportMargins(self.line_number_width() if self._numbers else 0, 0, 0, 0)

    def _scroll_numbers(self, rect: QRect, dy: int) -> None:
        if self._numbers is None:
            return
        if dy:
            self._numbers.scroll(0, dy)
        else:
            self._numbers.update(0, rect.y(), self._numbers.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self._numbers is not None:
            area = self.contentsRect()
            self._numbers.setGeometry(
                QRect(area.left(), area.top(), self.line_number_width(), area.height())
            )

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        assert self._numbers is not None
        painter = QPainter(self._numbers)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        painter.setPen(palette.placeholderText().color())
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        width = self._numbers.width() - 5
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                painter.drawText(0, top, width, height, Qt.AlignmentFlag.AlignRight,
                                 str(number + 1))
            block = block.next()
            top = bottom
            number += 1
        painter.end()

    # -- errors ------------------------------------------------------------------------------
    def set_error_at(self, position: int | None) -> None:
        """Underline the character at ``position`` (0-based), or clear with None."""
        self.setExtraSelections(error_selections(self, position))

    # -- keys --------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._indent()
            return
        if key == Qt.Key.Key_Backtab:
            self._dedent()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self._newline()
            return
        super().keyPressEvent(event)

    def _selected_blocks(self) -> tuple[int, int]:
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last = doc.findBlock(cursor.selectionEnd()).blockNumber()
        return first, last

    def _indent(self) -> None:
        cursor = self.textCursor()
        first, last = self._selected_blocks()
        if cursor.hasSelection() and last > first:
            self._each_line(first, last, lambda c, _text: c.insertText(" " * TAB_WIDTH))
            return
        column = cursor.positionInBlock()
        cursor.insertText(" " * (TAB_WIDTH - column % TAB_WIDTH))

    def _dedent(self) -> None:
        first, last = self._selected_blocks()

        def remove(cursor: QTextCursor, text: str) -> None:
            count = len(text) - len(text.lstrip(" "))
            for _ in range(min(TAB_WIDTH, count)):
                cursor.deleteChar()

        self._each_line(first, last, remove)

    def _each_line(self, first: int, last: int, action: Any) -> None:
        cursor = self.textCursor()
        cursor.beginEditBlock()
        for number in range(first, last + 1):
            block = self.document().findBlockByNumber(number)
            line = QTextCursor(block)
            line.movePosition(QTextCursor.MoveOperation.StartOfBlock)
            action(line, block.text())
        cursor.endEditBlock()

    def _newline(self) -> None:
        cursor = self.textCursor()
        line = cursor.block().text()[: cursor.positionInBlock()]
        indent = line[: len(line) - len(line.lstrip(" "))]
        if line.rstrip().endswith((":", "{", "[", "(")):
            indent += " " * TAB_WIDTH
        cursor.insertText("\n" + indent)
        self.ensureCursorVisible()
