"""The canvas: a scene that mirrors the document, its items, gestures, and the view.

``PlaybookScene`` projects ``context.document`` onto ``StateItem`` cards, ``EdgeItem``
transitions and ``NoteItem`` notes; ``CanvasView`` zooms, pans and exposes the edit methods
the main window's action table calls. Edits go through ``context.push`` (one undo step each).
"""

from designer.canvas.edges import EdgeItem
from designer.canvas.items import StateItem
from designer.canvas.notes import NoteItem
from designer.canvas.scene import PlaybookScene
from designer.canvas.view import CanvasView

__all__ = ["CanvasView", "EdgeItem", "NoteItem", "PlaybookScene", "StateItem"]
