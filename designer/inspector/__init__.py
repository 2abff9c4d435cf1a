"""The property inspector: forms generated from each state's parameter schema, with dynamic
values, live validation and undoable edits. The main window puts :class:`InspectorWidget` in a
dock; it emits ``openPlaybookRequested(path)`` when a Circuit's "Open" is clicked.
"""

from designer.inspector.inspector import InspectorWidget

__all__ = ["InspectorWidget"]
