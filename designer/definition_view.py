"""The read-only Definition view: the server export of the current document, highlighted.

It shows what "Export for server" would write (snake dialect, without refusing on errors, so
the author sees it while fixing them), syntax-highlighted with pygments, and highlights the
block of the selected state. Refreshes are debounced and happen only while the view is shown.
"""

from __future__ import annotations

import json

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JsonLexer
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QTextEdit, QVBoxLayout, QWidget

from designer import theme
from designer.context import DesignerContext
from runtime.serverformat import export_playbook

MAX_HIGHLIGHT_CHARS = 400_000


class DefinitionView(QWidget):
    """Server JSON of the document, read-only."""

    def __init__(self, context: DesignerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.text = QTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QTextEdit.LineWrapMode.NoWrap)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.text.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        self._json = ""
        context.documentChanged.connect(lambda _c: self._timer.start())
        theme.manager().changed.connect(self.recolour)
        context.selectionChanged.connect(lambda _s: self.mark_selection())

    def recolour(self, _dark: bool = False) -> None:
        """The scheme changed: highlight again in the new scheme's pygments style."""
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        if not self.isVisible():
            return
        result = export_playbook(self.context.document.doc, "snake", check=False)
        self._json = json.dumps(result.definition, indent=2, ensure_ascii=False)
        if len(self._json) <= MAX_HIGHLIGHT_CHARS:
            style = "monokai" if theme.is_dark() else "default"
            html = highlight(self._json, JsonLexer(), HtmlFormatter(noclasses=True, style=style,
                                                                  nobackground=True))
            self.text.setHtml(html)
        else:
            self.text.setPlainText(self._json)
        self.mark_selection()

    def mark_selection(self) -> None:
        """Highlight the selected state's block and scroll to it."""
        selections = []
        names = self.context.selection
        if names and self._json:
            document = self.text.document()
            cursor = document.find(json.dumps(names[0], ensure_ascii=False) + ": {")
            if not cursor.isNull():
                start = cursor.block().blockNumber()
                end = start
                block = cursor.block().next()
                while block.isValid() and not block.text().startswith("  }"):
                    block = block.next()
                end = block.blockNumber() if block.isValid() else start
                sel = QTextEdit.ExtraSelection()
                sel.format.setBackground(theme.colour("selection"))
                sel.format.setProperty(0x06000, True)  # FullWidthSelection
                span = QTextCursor(document.findBlockByNumber(start))
                span.movePosition(QTextCursor.MoveOperation.NextBlock,
                                  QTextCursor.MoveMode.KeepAnchor, end - start + 1)
                sel.cursor = span
                selections.append(sel)
                self.text.setTextCursor(QTextCursor(document.findBlockByNumber(start)))
                self.text.ensureCursorVisible()
        self.text.setExtraSelections(selections)


__all__ = ["DefinitionView"]
