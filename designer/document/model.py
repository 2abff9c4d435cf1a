"""The editable document: the truth the canvas, inspector and problems dock mirror.

Every edit is a :class:`Patch`: new values for some states (a dict, or ``None`` to delete),
positions, playbook fields, notes, function sources, run profiles, and optionally the state
order. :meth:`EditableDocument.apply` checks the patch by building the resulting states with
the model (a patch that would make an invalid state is refused with :class:`EditError` and
nothing changes), applies it, emits one :class:`Change` event, and returns the inverse patch.
Undo is applying the inverse. Qt-free: the undo commands in ``designer.commands`` wrap patches.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from runtime.model import PlaybookDocument, RunProfile, document_from_data
from runtime.model.document import FunctionSource, Note, Point
from runtime.model.io import format_validation_error
from runtime.model.states import (
    AnyState,
    InvalidState,
    invalid_state,
    state_from_data,
    state_to_dict,
)

PLAYBOOK_FIELDS = ("name", "description", "applies_to", "log_level", "max_runtime")


class EditError(ValueError):
    """An edit that would make the document invalid; nothing was changed."""


@dataclass
class Patch:
    """A set of changes; ``None`` values delete (states, positions, notes, functions)."""

    states: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    positions: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    playbook: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    functions: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    profiles: list[dict[str, Any]] | None = None
    order: list[str] | None = None

    def is_empty(self) -> bool:
        return not (self.states or self.positions or self.playbook or self.notes
                    or self.functions or self.profiles is not None or self.order is not None)


@dataclass(frozen=True)
class Change:
    """What one applied patch changed (listeners update only what is named)."""

    states: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    positions: frozenset[str] = frozenset()
    playbook: bool = False
    notes: frozenset[str] = frozenset()
    functions: bool = False
    profiles: bool = False
    reset: bool = False

    @property
    def structural(self) -> bool:
        return bool(self.states or self.added or self.removed or self.reset)


Listener = Callable[[Change], None]


class EditableDocument:
    """A playbook document being edited, with change notifications."""

    def __init__(self, doc: PlaybookDocument | None = None, path: Path | None = None) -> None:
        self.doc = doc or PlaybookDocument()
        self.path = path
        self._listeners: list[Listener] = []
        self._invalid: list[InvalidState] = []
        self._remember_invalid()

    def _remember_invalid(self) -> None:
        """Keep the states that opened for repair (InvalidState): an edit may bring one back
        exactly as it came (undo, redo, delete then undo, rename), never make a new one."""
        self._invalid.extend(s for s in self.doc.definition.values() if isinstance(s, InvalidState))

    def _as_kept_invalid(self, raw: Any) -> InvalidState | None:
        bare = {k: v for k, v in raw.items() if k != "start"} if isinstance(raw, dict) else None
        for kept in self._invalid:
            if bare == {k: v for k, v in kept.raw.items() if k != "start"}:
                return invalid_state(raw, kept.field, kept.reason)
        return None

    # -- listening -----------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # -- reading -------------------------------------------------------------------------
    @property
    def definition(self) -> dict[str, AnyState]:
        return self.doc.definition

    def state(self, name: str) -> AnyState:
        return self.doc.definition[name]

    def state_dict(self, name: str) -> dict[str, Any]:
        return state_to_dict(self.state(name))

    def position(self, name: str) -> tuple[float, float] | None:
        point = self.doc.layout.positions.get(name)
        return (point.x, point.y) if point else None

    def names(self) -> list[str]:
        return list(self.doc.definition)

    # -- whole-document replacement ------------------------------------------------------
    def reset(self, doc: PlaybookDocument, path: Path | None = None) -> None:
        """Replace the whole document (open, revert, new); not an undoable edit."""
        self.doc = doc
        self.path = path
        self._remember_invalid()
        self._emit(Change(reset=True))

    def snapshot(self) -> dict[str, Any]:
        """The whole document as plain data (for autosave and tests)."""
        return self.doc.to_dict()

    # -- editing -------------------------------------------------------------------------
    def apply(self, patch: Patch) -> Patch:
        """Apply a patch; return its inverse. Raises EditError and changes nothing if invalid."""
        inverse = self._inverse(patch)
        new_states = self._build_states(patch)
        self._check_playbook(patch.playbook)
        profiles = self._build_profiles(patch.profiles)
        definition = self.doc.definition
        for name, state in new_states.items():
            if state is None:
                definition.pop(name, None)
            else:
                definition[name] = state
        if patch.order is not None:
            self.doc.definition = {n: definition[n] for n in patch.order if n in definition} | {
                n: s for n, s in definition.items() if n not in patch.order
            }
        self._apply_layout(patch)
        for key, value in patch.playbook.items():
            setattr(self.doc, key, value)
        for fid, spec in patch.functions.items():
            if spec is None:
                self.doc.functions.pop(fid, None)
            else:
                self.doc.functions[fid] = FunctionSource(**spec)
        if profiles is not None:
            self.doc.run_profiles = profiles
        self._emit(self._change_of(patch, inverse))
        return inverse

    def _build_states(self, patch: Patch) -> dict[str, AnyState | None]:
        built: dict[str, AnyState | None] = {}
        for name, raw in patch.states.items():
            if raw is None:
                built[name] = None
                continue
            if not name or len(name) > 200:
                raise EditError(f"state name {name!r} is empty or too long")
            try:
                built[name] = state_from_data(copy.deepcopy(raw))
            except ValidationError as exc:
                kept = self._as_kept_invalid(raw)
                if kept is None:
                    raise EditError(f"{name}: {format_validation_error(exc)}") from None
                built[name] = kept
        return built

    def _check_playbook(self, fields: dict[str, Any]) -> None:
        unknown = set(fields) - set(PLAYBOOK_FIELDS)
        if unknown:
            raise EditError(f"unknown playbook fields: {', '.join(sorted(unknown))}")
        if fields:
            data = self.doc.to_dict() | fields
            data["definition"] = {}
            try:
                document_from_data(data)
            except ValueError as exc:
                raise EditError(str(exc)) from None

    def _build_profiles(self, raw: list[dict[str, Any]] | None) -> list[RunProfile] | None:
        if raw is None:
            return None
        try:
            return [RunProfile.model_validate(p) for p in raw]
        except ValidationError as exc:
            raise EditError(f"run profile: {format_validation_error(exc)}") from None

    def _apply_layout(self, patch: Patch) -> None:
        positions = self.doc.layout.positions
        for name, pos in patch.positions.items():
            if pos is None:
                positions.pop(name, None)
            else:
                positions[name] = Point(x=float(pos[0]), y=float(pos[1]))
        notes = {n.id: n for n in self.doc.layout.notes}
        for note_id, spec in patch.notes.items():
            if spec is None:
                notes.pop(note_id, None)
            else:
                notes[note_id] = Note(**(spec | {"id": note_id}))
        self.doc.layout.notes = list(notes.values())

    def _inverse(self, patch: Patch) -> Patch:
        doc = self.doc
        inverse = Patch()
        for name in patch.states:
            state = doc.definition.get(name)
            inverse.states[name] = state_to_dict(state) if state is not None else None
        for name in patch.positions:
            inverse.positions[name] = self.position(name)
        for key in patch.playbook:
            inverse.playbook[key] = getattr(doc, key)
        notes = {n.id: n for n in doc.layout.notes}
        for note_id in patch.notes:
            note = notes.get(note_id)
            inverse.notes[note_id] = note.model_dump() if note else None
        for fid in patch.functions:
            func = doc.functions.get(fid)
            inverse.functions[fid] = func.model_dump() if func else None
        if patch.profiles is not None:
            inverse.profiles = [p.model_dump(mode="json") for p in doc.run_profiles]
        if patch.order is not None or any(
            (v is None) != (n not in doc.definition) for n, v in patch.states.items()
        ):
            inverse.order = list(doc.definition)
        return inverse

    def _change_of(self, patch: Patch, inverse: Patch) -> Change:
        added = {n for n, v in patch.states.items() if v is not None and inverse.states[n] is None}
        removed = {n for n, v in patch.states.items() if v is None and inverse.states[n] is not None}
        return Change(
            states=frozenset(patch.states),
            added=frozenset(added),
            removed=frozenset(removed),
            positions=frozenset(patch.positions),
            playbook=bool(patch.playbook),
            notes=frozenset(patch.notes),
            functions=bool(patch.functions),
            profiles=patch.profiles is not None,
        )


def load_editable(path: str | Path) -> EditableDocument:
    """Open a playbook file of either kind for editing (raises PlaybookLoadError)."""
    from runtime.loader import load_playbook

    loaded = load_playbook(path)
    doc = EditableDocument(loaded.document, Path(path) if loaded.kind == "native" else None)
    return doc
