"""Find states by name, type title or any parameter value (the canvas's Ctrl+F).

Matching is a case-insensitive substring test against the state name, its server type, its
catalog title (and action id), and every scalar value inside its parameters (nested objects
and lists included). Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from designer.document import EditableDocument
from runtime.catalog import Catalog


def _scalars(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 32:
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item, depth + 1)
    elif value is not None:
        yield str(value)


def find_states(document: EditableDocument, catalog: Catalog, text: str) -> list[str]:
    """Names of the states matching ``text``, in document order (all of them for '')."""
    needle = text.strip().casefold()
    if not needle:
        return list(document.definition)
    found = []
    for name, state in document.definition.items():
        action = getattr(state, "action", None)
        entry = catalog.for_state(state.type, action)
        fields = [name, state.type, entry.title if entry else "", action or ""]
        if any(needle in f.casefold() for f in fields):
            found.append(name)
            continue
        params = getattr(state, "parameters", None)
        if params and any(needle in v.casefold() for v in _scalars(params)):
            found.append(name)
    return found
