"""Small reusable widgets of the inspector (others may use them too).

- :class:`~designer.inspector.widgets.code_editor.CodeEditor`: a monospace plain-text editor
  with line numbers, pygments highlighting (any lexer: ``"python"``, ``"json"``), tab → 4 spaces
  and a ``focusLost`` signal.
- :class:`~designer.inspector.widgets.flow_layout.FlowLayout`: a wrapping layout (chips).
- :class:`~designer.inspector.widgets.reorder.ReorderList`: rows reordered by dragging a handle.
- :class:`~designer.inspector.widgets.collapsible.Collapsible`: a titled, collapsible section.
- :mod:`~designer.inspector.widgets.style`: shared colours and label helpers.
- :func:`~designer.inspector.widgets.wheel.no_wheel_unless_focused` /
  :func:`~designer.inspector.widgets.wheel.guard_wheel`: combos, spin boxes and sliders take
  the mouse wheel only while focused, so the wheel scrolls the form around them.
"""

from designer.inspector.widgets.code_editor import (
    CodeEditor,
    FocusPlainTextEdit,
    PygmentsHighlighter,
)
from designer.inspector.widgets.collapsible import Collapsible
from designer.inspector.widgets.flow_layout import FlowLayout
from designer.inspector.widgets.reorder import ReorderList
from designer.inspector.widgets.wheel import guard_wheel, no_wheel_unless_focused

__all__ = [
    "CodeEditor", "Collapsible", "FlowLayout", "FocusPlainTextEdit", "PygmentsHighlighter",
    "ReorderList", "guard_wheel", "no_wheel_unless_focused",
]
