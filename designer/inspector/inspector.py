"""The Inspector: the dock widget that edits whatever is selected.

:class:`InspectorWidget` shows one page at a time in a scroll area: the playbook page when
nothing is selected, a :class:`~designer.inspector.state_page.StatePage` for one state, a
:class:`~designer.inspector.multi_page.MultiPage` for several. It follows the context's
selection, refreshes the page on document changes (not on pure layout moves), re-reads problems
when validation finishes, and refreshes path completions when the run profile changes. Renaming
from the header keeps the renamed state selected (also across undo and redo of the rename).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from designer.context import DesignerContext
from designer.document import Change, rename_state
from designer.inspector.multi_page import MultiPage
from designer.inspector.playbook_page import PlaybookPage
from designer.inspector.state_page import StatePage
from designer.inspector.widgets import guard_wheel
from runtime.model.states import catalog_id


class InspectorWidget(QWidget):
    """Property inspector for the context's selection (put it in a dock)."""

    openPlaybookRequested = Signal(str)

    def __init__(self, context: DesignerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.context = context
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)
        # Scrolling the form never changes a drop-down or number it passes over.
        self._wheel_guard = guard_wheel(self.scroll_area)
        self.page: Any = None
        self._key: tuple[Any, ...] = ()
        self._last_state: str | None = None
        self._holding = False
        context.selectionChanged.connect(self._on_selection)
        context.documentChanged.connect(self._on_document)
        context.problemsChanged.connect(self._on_problems)
        context.profileChanged.connect(self._on_profile)
        self.show_selection()

    # -- pages -------------------------------------------------------------------------------
    def current_page(self) -> Any:
        return self.page

    def _key_for(self, names: list[str]) -> tuple[Any, ...]:
        if not names:
            return ("playbook",)
        if len(names) == 1:
            return ("state", names[0], catalog_id(self.context.document.state(names[0])))
        return ("multi", tuple(names))

    def show_selection(self) -> None:
        """Show the page for the context's current selection (rebuilt only when it differs)."""
        names = [n for n in self.context.selection if n in self.context.document.definition]
        key = self._key_for(names)
        if key == self._key and self.page is not None:
            self.page.refresh()
            return
        self.context.close_merging()
        if not names:
            page: Any = PlaybookPage(self.context)
        elif len(names) == 1:
            page = StatePage(self.context, names[0])
            page.openPlaybookRequested.connect(self.openPlaybookRequested)
            page.renameRequested.connect(self.rename)
            self._last_state = names[0]
        else:
            page = MultiPage(self.context, names)
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.hide()
            old.deleteLater()
        self.scroll_area.setWidget(page)
        self.page, self._key = page, key

    def rename(self, old: str, new: str) -> None:
        """Rename a state (rewriting references) as one undoable step; keep it selected."""
        try:
            patch, text = rename_state(self.context.document, old, new)
        except (ValueError, KeyError) as exc:
            self.context.statusMessage.emit(f"Cannot rename: {exc}")
            return
        self._holding = True
        try:
            done = self.context.push(patch, text)
        finally:
            self._holding = False
        if done:
            self._last_state = new
            self.context.select([new])
            self.show_selection()

    # -- context signals ---------------------------------------------------------------------
    def _on_selection(self, _names: list[str]) -> None:
        if not self._holding:
            self.show_selection()

    def _on_document(self, change: Change) -> None:
        if self._holding:
            return
        if not (change.structural or change.playbook or change.functions or change.profiles):
            return
        if (self._last_state in change.removed and len(change.added) == 1
                and not self.context.selection):
            self.context.select(list(change.added))
            return
        names = [n for n in self.context.selection if n in self.context.document.definition]
        if self._key_for(names) != self._key:
            self.show_selection()
        elif self.page is not None:
            self.page.refresh()

    def _on_problems(self) -> None:
        if self.page is not None:
            self.page.refresh_messages()

    def _on_profile(self, _name: str) -> None:
        if self.page is not None:
            self.page.refresh()
