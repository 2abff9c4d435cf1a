"""Small reusable widgets of the inspector (others may use them too).

- :class:`~designer.inspector.widgets.code_editor.CodeEditor`: a monospace plain-text editor
  with line numbers, pygments highlighting (any lexer: ``"python"``, ``"json"``), tab → 4 spaces
  and a ``focusLost`` signal.
- :class:`~designer.inspector.widgets.flow_layout.FlowLayout`: a wrapping layout (chips).
- :class:`~designer.inspector.widgets.reorder.ReorderList`: rows reordered by dragging a handle.
- :class:`~designer.inspector.widgets.collapsible.Collapsible`: a titled, collapsible section.
- :mod:`~designer.inspector.widgets.style`: shared colours and label helpers.
"""

from designer.inspector.widgets.code_editor import (
    CodeEditor,
    FocusPlainTextEdit,
    PygmentsHighlighter,
)
from designer.inspector.widgets.collapsible import Collapsible
from designer.inspector.widgets.flow_layout import FlowLayout
from designer.inspector.widgets.reorder import ReorderList

__all__ = [
    "CodeEditor", "Collapsible", "FlowLayout", "FocusPlainTextEdit", "PygmentsHighlighter",
    "ReorderList",
]
