"""What a state can read: the ``$.`` paths its input may hold (Qt-free).

A state's input is the run profile's payload as changed by the states that ran before it. For
completion and for the "nothing upstream provides this path" warning we collect:

- every node of the selected run profile's payload (``$.email.sender``);
- for every upstream state (any state from which this one can be reached), what it writes at
  its ``result_path`` (``$`` when unset, so after Create Incident ``$.data.incident_id``):
  an action's documented success response, a Pass state's result, and, for a Function,
  Circuit, Parallel or Batch (or a result selector), an *open* prefix under which anything may
  appear;
- the error object ``{error, cause}`` at ``error_path`` for a state reached by an ``on_error``
  fallback, and ``$.<collection_variable>`` / ``$.batch_index`` inside a Batch body.

Without a run profile the input is unknown, so nothing is flagged. Input paths, output paths and
selectors that reshape the data are not followed (a documented limitation: the warning may then
be a false alarm, never a blocker — it is a warning, not an error).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from runtime.catalog import Catalog
from runtime.model.document import PlaybookDocument
from runtime.model.states import END
from runtime.paths import WILDCARD, PathSyntaxError, compile_path

MAX_NODES = 2000
MAX_DEPTH = 8
ITEM = "[]"  # any array element, in normalised segment tuples
Segments = tuple[Any, ...]
_IDENT = re.compile(r"^[A-Za-z_@$\-][\w@$\-]*$")


@dataclass
class PathSources:
    """The known nodes of a state's input, and the prefixes under which anything may appear."""

    nodes: dict[Segments, str] = field(default_factory=dict)  # normalised → display text
    open_prefixes: set[Segments] = field(default_factory=set)
    known: bool = True

    def completions(self) -> list[str]:
        return sorted(self.nodes.values(), key=lambda t: (t.count(".") + t.count("["), t))

    def provides(self, path: str) -> bool:
        """True when some source can provide ``path`` (unparsable paths count as provided)."""
        if not self.known:
            return True
        try:
            segments = normalise(compile_path(path).segments)
        except PathSyntaxError:
            return True
        if not segments or segments in self.nodes:
            return True
        return any(segments[: len(p)] == p for p in self.open_prefixes)

    def add_value(self, prefix: Segments, value: Any, depth: int = 0) -> None:
        if len(self.nodes) >= MAX_NODES or depth > MAX_DEPTH:
            return
        if prefix:
            self.nodes.setdefault(prefix, path_text(prefix))
        if isinstance(value, dict):
            for key, item in value.items():
                self.add_value((*prefix, str(key)), item, depth + 1)
        elif isinstance(value, list) and value:
            self.add_value((*prefix, ITEM), value[0], depth + 1)

    def add_open(self, prefix: Segments) -> None:
        self.open_prefixes.add(prefix)
        if prefix:
            self.nodes.setdefault(prefix, path_text(prefix))


def normalise(segments: Segments) -> Segments:
    return tuple(ITEM if (s is WILDCARD or isinstance(s, int)) else s for s in segments)


def path_text(segments: Segments) -> str:
    parts = ["$"]
    for seg in segments:
        if seg == ITEM:
            parts.append("[0]")
        elif _IDENT.match(seg):
            parts.append("." + seg)
        else:
            escaped = seg.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def _prefix(path: Any) -> Segments | None:
    if path in (None, "", "$"):
        return ()
    try:
        return normalise(compile_path(path).segments)
    except PathSyntaxError:
        return None


def _predecessors(doc: PlaybookDocument) -> dict[str, list[tuple[str, str]]]:
    preds: dict[str, list[tuple[str, str]]] = {}
    for name, state in doc.definition.items():
        for edge, target in state.targets():
            if target != END:
                preds.setdefault(target, []).append((name, edge))
    return preds


def upstream(doc: PlaybookDocument, name: str) -> list[tuple[str, str]]:
    """Every ``(state, edge)`` that leads, directly or not, into ``name`` (nearest first)."""
    preds = _predecessors(doc)
    seen: set[str] = {name}
    order: list[tuple[str, str]] = []
    queue = deque(preds.get(name, []))
    while queue:
        source, edge = queue.popleft()
        order.append((source, edge))
        if source in seen:
            continue
        seen.add(source)
        queue.extend(preds.get(source, []))
    return order


def _add_state_output(out: PathSources, state: Any, catalog: Catalog) -> None:
    kind = state.type
    result_path = getattr(state, "result_path", None)
    prefix = _prefix(result_path)
    if prefix is None:
        return
    if kind == "action" and getattr(state, "result_selector", None) is None:
        entry = catalog.for_state("action", state.action)
        if entry is not None and entry.success_response is not None:
            out.add_value(prefix, entry.success_response)
        else:
            out.add_open(prefix)
    elif kind == "pass":
        if state.result is not None:
            out.add_value(prefix, state.result)
    elif kind in ("function", "circuit", "parallel", "batch", "action"):
        out.add_open(prefix)


def sources_for(
    doc: PlaybookDocument, catalog: Catalog, name: str, payload: Any = None, *,
    has_profile: bool = True,
) -> PathSources:
    """The paths the input of state ``name`` may hold (see the module docstring)."""
    out = PathSources(known=has_profile)
    out.add_value((), payload)
    if name not in doc.definition:
        return out
    for source, edge in upstream(doc, name):
        state = doc.definition[source]
        if edge.startswith("on_error"):
            error_prefix = _prefix(getattr(state, "error_path", None) or "$.error")
            if error_prefix is not None:
                out.add_value(error_prefix, {"error": "", "cause": ""})
            continue
        if edge == "root" and state.type == "batch":
            variable = state.collection_variable or "item"
            items = _collection(state.collection_path, payload)
            if items is None:
                out.add_open((variable,))
            else:
                out.add_value((variable,), items)
            out.add_value(("batch_index",), 0)
            continue
        if edge.startswith("paths[") or edge.startswith("conditions[") or edge == "default":
            continue
        _add_state_output(out, state, catalog)
    return out


def _collection(path: Any, payload: Any) -> Any:
    try:
        value = compile_path(path or "$").find(payload)
    except PathSyntaxError:
        return None
    if isinstance(value, list) and value:
        return value[0]
    return None
