"""Undo commands: one QUndoCommand per user edit, each wrapping a document patch.

Redo applies the patch; undo applies the inverse the document returned. Commands never push
commands and never touch the scene: the scene and the inspector follow the document's change
events. Typing in one field merges into one step (same ``merge_key``) until focus leaves,
which the inspector signals by calling :meth:`PatchCommand.close_merging`.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from designer.document import EditableDocument, Patch

MERGE_ID = 4711


class PatchCommand(QUndoCommand):
    """Apply a patch to the document; undo applies its inverse."""

    def __init__(
        self, document: EditableDocument, patch: Patch, text: str, merge_key: str | None = None
    ) -> None:
        super().__init__(text)
        self.document = document
        self.patch = patch
        self.inverse: Patch | None = None
        self.merge_key = merge_key
        self._open = merge_key is not None

    def redo(self) -> None:
        self.inverse = self.document.apply(self.patch)

    def undo(self) -> None:
        if self.inverse is not None:
            self.document.apply(self.inverse)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, PatchCommand) or not self._open:
            return False
        if other.merge_key != self.merge_key:
            return False
        # Keep our inverse (the state before the first keystroke), take the newest patch.
        self.patch = other.patch
        return True

    def close_merging(self) -> None:
        self._open = False
