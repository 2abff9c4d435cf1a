"""The link between one inspector page and the document: reading a state, pushing edits.

Every edit goes through :meth:`StateBinding.set` (one field of one state) or
:meth:`StateBinding.push` (any patch), which wrap it in one undoable command on the context's
stack. Typing passes ``typing=True`` so keystrokes in one field merge into one undo step
(``merge_key = "<state>:<field>"``); :meth:`StateBinding.finish` ends the merge when focus
leaves the field. An edit that does not change the document pushes nothing.
"""

from __future__ import annotations

from typing import Any

from designer.context import DesignerContext
from designer.document import Patch, get_field, set_state_field
from designer.inspector.sources import PathSources, sources_for
from runtime.catalog import CatalogEntry
from runtime.model.states import END, catalog_id
from runtime.validate import Problem


class StateBinding:
    """Reads and edits one state of the context's document."""

    def __init__(self, context: DesignerContext, name: str) -> None:
        self.context = context
        self.name = name
        self._sources: PathSources | None = None

    # -- reading -----------------------------------------------------------------------------
    @property
    def exists(self) -> bool:
        return self.name in self.context.document.definition

    def state(self) -> dict[str, Any]:
        return self.context.document.state_dict(self.name)

    def get(self, path: str, default: Any = None) -> Any:
        return get_field(self.state(), path, default)

    def entry(self) -> CatalogEntry | None:
        state = self.context.document.state(self.name)
        return self.context.catalog.for_state(state.type, getattr(state, "action", None))

    def catalog_id(self) -> str:
        return catalog_id(self.context.document.state(self.name))

    def other_states(self, *, include_end: bool = False) -> list[str]:
        names = [n for n in self.context.document.names() if n != self.name]
        return [*names, END] if include_end else names

    def problems(self) -> list[Problem]:
        return self.context.problems_for(self.name)

    def problems_at(self, path: str) -> list[tuple[str, str]]:
        """Problems whose field path is ``path`` or inside it (``path[0]``, ``path.x``)."""
        out: list[tuple[str, str]] = []
        for p in self.problems():
            if p.path == path or p.path.startswith((path + "[", path + ".")):
                out.append((p.severity, p.message))
        return out

    # -- data sources for $. completion ------------------------------------------------------
    def sources(self) -> PathSources:
        if self._sources is None:
            profile = self.context.current_profile()
            payload = profile.payload if profile is not None else None
            self._sources = sources_for(
                self.context.document.doc, self.context.catalog, self.name, payload,
                has_profile=profile is not None,
            )
        return self._sources

    def invalidate(self) -> None:
        """Forget cached data sources (the document or the run profile changed)."""
        self._sources = None

    # -- editing -----------------------------------------------------------------------------
    def set(self, path: str, value: Any, *, typing: bool = False) -> bool:
        """Set one field (``parameters.limit``, ``duration``, ``on_error``); None removes it."""
        if not self.exists or get_field(self.state(), path) == value:
            return False
        patch, text = set_state_field(self.context.document, self.name, path, value)
        key = f"{self.name}:{path}" if typing else None
        return self.context.push(patch, text, key)

    def push(self, patch: Patch, text: str, merge_key: str | None = None) -> bool:
        return self.context.push(patch, text, merge_key)

    def finish(self) -> None:
        """Focus left a field: the next keystroke starts a new undo step."""
        self.context.close_merging()
