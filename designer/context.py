"""What every part of the designer window shares: the document, undo stack, selection,
problems, catalog and the chosen run profile, with Qt signals for each.

Components (canvas, palette, inspector, problems dock, run docks) take a
:class:`DesignerContext` and never talk to each other directly. Edits go through
:meth:`DesignerContext.push`, which wraps a patch in an undoable command. Validation runs
debounced after each change, off the paint path.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from designer.commands import PatchCommand
from designer.document import Change, EditableDocument, EditError, Patch
from runtime.catalog import Catalog, load_catalog
from runtime.validate import Problem, validate_document

VALIDATE_DELAY_MS = 150


class DesignerContext(QObject):
    """Shared state of one designer window."""

    documentChanged = Signal(object)  # Change
    selectionChanged = Signal(list)  # list[str] of state names
    problemsChanged = Signal()
    profileChanged = Signal(str)
    statusMessage = Signal(str)
    editRefused = Signal(str)
    focusState = Signal(str)  # centre the canvas on a state

    def __init__(self, document: EditableDocument | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.catalog: Catalog = load_catalog()
        self.document = document or EditableDocument()
        self.undo_stack = QUndoStack(self)
        self.selection: list[str] = []
        self.problems: list[Problem] = []
        self.profile_name: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)
        self._unsubscribe = self.document.subscribe(self._on_change)
        self.validate_now()

    # -- document --------------------------------------------------------------------------
    def set_document(self, document: EditableDocument) -> None:
        """Replace the document (open/new/revert): clears undo history and selection."""
        self._unsubscribe()
        self.document = document
        self._unsubscribe = document.subscribe(self._on_change)
        self.undo_stack.clear()
        self.select([])
        first = document.doc.run_profiles[0].name if document.doc.run_profiles else ""
        self.profile_name = first or None
        self.documentChanged.emit(Change(reset=True))
        self.profileChanged.emit(first)
        self.validate_now()

    def _on_change(self, change: Change) -> None:
        if change.removed or change.reset:
            kept = [n for n in self.selection if n in self.document.definition]
            if kept != self.selection:
                self.select(kept)
        self.documentChanged.emit(change)
        if change.structural or change.playbook or change.functions or change.profiles:
            self._timer.start()  # positions and notes alone change no problem

    def push(self, patch: Patch, text: str, merge_key: str | None = None) -> bool:
        """Apply an edit as one undoable command; False (with a message) if it was refused."""
        if patch.is_empty():
            return False
        command = PatchCommand(self.document, patch, text, merge_key)
        try:
            self.undo_stack.push(command)
        except EditError as exc:
            self.editRefused.emit(str(exc))
            self.statusMessage.emit(f"Edit refused: {exc}")
            return False
        return True

    def close_merging(self) -> None:
        """End typing-merge for the last command (focus left the field)."""
        index = self.undo_stack.index() - 1
        command = self.undo_stack.command(index) if index >= 0 else None
        if isinstance(command, PatchCommand):
            command.close_merging()

    # -- selection ---------------------------------------------------------------------------
    def select(self, names: list[str]) -> None:
        names = [n for n in names if n in self.document.definition]
        if names != self.selection:
            self.selection = names
            self.selectionChanged.emit(list(names))

    # -- problems ----------------------------------------------------------------------------
    def validate_now(self) -> None:
        self._timer.stop()
        try:
            self.problems = validate_document(self.document.doc, self.catalog)
        except Exception as exc:  # noqa: BLE001 - validation must never take the UI down
            self.problems = []
            self.statusMessage.emit(f"Validation failed internally: {exc}")
        self.problemsChanged.emit()

    def problems_for(self, name: str) -> list[Problem]:
        return [p for p in self.problems if p.state == name]

    def error_count(self) -> tuple[int, int]:
        errors = sum(p.severity == "error" for p in self.problems)
        return errors, len(self.problems) - errors

    # -- run profile -------------------------------------------------------------------------
    def set_profile(self, name: str | None) -> None:
        if name != self.profile_name:
            self.profile_name = name
            self.profileChanged.emit(name or "")

    def current_profile(self) -> Any:
        return self.document.doc.profile(self.profile_name) if self.profile_name else None
