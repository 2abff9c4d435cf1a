"""Patch builders for every user edit (Qt-free, so each edit is unit-testable).

Each function reads an :class:`EditableDocument` and returns a :class:`Patch` plus a readable
undo text ("Add Create Incident", "Connect Risky? → Contain"). Edges are fields of states
(``next``, ``default``, ``conditions[i].next``, ``paths[i].root``, ``root``,
``on_error[i].fallback.next``), so connecting is a field edit. Field paths use the same
``a.b[0].c`` spelling everywhere.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from typing import Any

from designer.document.model import EditableDocument, Patch
from runtime.catalog import CatalogEntry
from runtime.model.states import END
from runtime.naming import free_name

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def split_field(path: str) -> list[str | int]:
    """``conditions[0].next`` → ``["conditions", 0, "next"]``."""
    return [m.group(1) if m.group(1) is not None else int(m.group(2))
            for m in _PART.finditer(path)]


def get_field(data: Any, path: str, default: Any = None) -> Any:
    node = data
    for part in split_field(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return default
    return node


def set_field(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``value`` at ``path`` (None deletes a dict key)."""
    out = copy.deepcopy(data)
    parts = split_field(path)
    node: Any = out
    for index, part in enumerate(parts[:-1]):
        nxt = parts[index + 1]
        if isinstance(part, str) and (part not in node or node[part] is None):
            node[part] = [] if isinstance(nxt, int) else {}
        node = node[part]
    last = parts[-1]
    if value is None and isinstance(last, str):
        node.pop(last, None)
    else:
        node[last] = value
    return out


def unique_name(doc: EditableDocument, base: str, taken: Iterable[str] = ()) -> str:
    return free_name(base.strip()[:76] or "State", set(doc.definition) | set(taken) | {END})


def new_state(entry: CatalogEntry) -> dict[str, Any]:
    """A fresh state of a catalog type, with its defaults filled in."""
    if entry.type == "action":
        return {"type": "action", "action": entry.id, "parameters": {}}
    starters: dict[str, dict[str, Any]] = {
        "pass": {"type": "pass"},
        "branch": {"type": "branch", "conditions": []},
        "parallel": {"type": "parallel", "paths": []},
        "wait": {"type": "wait", "duration": 60},
        "batch": {"type": "batch", "collection_path": "$.items", "collection_variable": "item",
                  "batch_size": 10},
        "success": {"type": "success"},
        "failure": {"type": "failure", "error": "Failed", "cause": ""},
        "function": {"type": "function", "function_id": "my_function", "parameters": {}},
        "circuit": {"type": "circuit", "circuit_id": "", "parameters": {}},
    }
    return copy.deepcopy(starters[entry.type])


def add_state(
    doc: EditableDocument,
    entry: CatalogEntry,
    pos: tuple[float, float],
    *,
    after: str | None = None,
) -> tuple[Patch, str, str]:
    """Add a state of ``entry`` at ``pos``; connected after ``after`` when given.

    Returns:
        The patch, the new state's name and the undo text.
    """
    name = unique_name(doc, entry.title)
    state = new_state(entry)
    if not doc.definition:
        state["start"] = True
    patch = Patch(states={name: state}, positions={name: pos})
    if after and after in doc.definition:
        source = doc.state_dict(after)
        if "next" in _ports(source) and source.get("next") in (None, END):
            patch.states[after] = set_field(source, "next", name)
    return patch, name, f"Add {entry.title}"


def _ports(state: dict[str, Any]) -> set[str]:
    kind = state.get("type")
    if kind in ("success", "failure", "branch"):
        return set()
    return {"next"}


def incoming(doc: EditableDocument, target: str) -> list[tuple[str, str]]:
    """Every ``(state, field path)`` whose edge points at ``target``."""
    return [(name, path) for name, state in doc.definition.items()
            for path, t in state.targets() if t == target]


def delete_states(doc: EditableDocument, names: Iterable[str]) -> tuple[Patch, str]:
    """Delete states and disconnect every edge into them."""
    gone = [n for n in names if n in doc.definition]
    patch = Patch(states={n: None for n in gone}, positions={n: None for n in gone})
    for target in gone:
        for source, path in incoming(doc, target):
            if source in gone:
                continue
            current = patch.states.get(source) or doc.state_dict(source)
            patch.states[source] = cut_edge(current, path)
    remaining = [n for n in doc.definition if n not in gone]
    if gone and remaining and not any(
        (patch.states.get(n) or doc.state_dict(n)).get("start") for n in remaining
    ):
        first = remaining[0]
        patch.states[first] = set_field(patch.states.get(first) or doc.state_dict(first),
                                        "start", True)
    label = f"Delete {gone[0]}" if len(gone) == 1 else f"Delete {len(gone)} states"
    return patch, label


def bridge_successor(doc: EditableDocument, name: str) -> str | None:
    """The state that could take over ``name``'s incoming edges when it is deleted.

    That is its one control-flow successor (``on_error`` fallbacks aside), when it has one that
    is another state (not End) and at least one other state points at ``name``.
    """
    if name not in doc.definition:
        return None
    targets = {t for path, t in doc.state(name).targets() if not path.startswith("on_error")}
    if len(targets) != 1:
        return None
    successor = next(iter(targets))
    if successor in (name, END) or successor not in doc.definition:
        return None
    if not any(source != name for source, _path in incoming(doc, name)):
        return None
    return successor


def delete_bridging(doc: EditableDocument, name: str, successor: str) -> tuple[Patch, str]:
    """Delete ``name`` and point every edge into it at ``successor`` instead (one patch)."""
    patch, _ = delete_states(doc, [name])
    sources = []
    for source, path in incoming(doc, name):
        if source == name:
            continue
        current = patch.states.get(source) or doc.state_dict(source)
        patch.states[source] = set_field(current, path, successor)
        sources.append(source)
    if doc.state_dict(name).get("start"):  # the flow now begins at the successor
        for other, state in list(patch.states.items()):
            if state is not None and other != successor and state.get("start"):
                state.pop("start")
        patch.states[successor] = set_field(patch.states.get(successor)
                                            or doc.state_dict(successor), "start", True)
    before = ", ".join(dict.fromkeys(sources))
    return patch, f"Delete {name} (connect {before} → {successor})"


def cut_edge(state: dict[str, Any], path: str) -> dict[str, Any]:
    """``state`` with its edge ``path`` disconnected: ``next``, ``default`` and ``root`` are
    removed, an ``on_error`` fallback is dropped, a condition's or path's target is emptied
    (the condition or path stays)."""
    if path in ("next", "default", "root"):
        return set_field(state, path, None)
    if path.startswith("on_error"):
        return set_field(state, path.rsplit(".next", 1)[0], None)
    return set_field(state, path, "")


def delete_items(
    doc: EditableDocument, names: Sequence[str], edges: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
) -> tuple[Patch, str]:
    """Delete states, cut edges ``(source, field path)`` and remove notes, as one patch.

    Edges of states deleted in the same patch are skipped (they go with their state).
    """
    patch, text = delete_states(doc, names) if names else (Patch(), "")
    gone = set(names)
    for source, path in edges:
        if source in gone or source not in doc.definition:
            continue
        current = patch.states.get(source) or doc.state_dict(source)
        patch.states[source] = cut_edge(current, path)
    for note_id in notes:
        patch.notes[note_id] = None
    count = len(names) + len(edges) + len(notes)
    if not names:
        text = ("Delete arrow" if edges and not notes else
                "Delete note" if notes and not edges else f"Delete {count} items")
    elif count > len(names):
        text = f"Delete {count} items"
    return patch, text


def add_condition(doc: EditableDocument, source: str, target: str = "") -> tuple[Patch, str]:
    """Append a condition (empty expression) to the Branch ``source``, going to ``target``."""
    state = doc.state_dict(source)
    state["conditions"] = [*state.get("conditions", []), {"condition": "", "next": target}]
    text = f"Connect {source} → {target}" if target else f"Add condition to {source}"
    return Patch(states={source: state}), text


def add_path(doc: EditableDocument, source: str, root: str = "") -> tuple[Patch, str]:
    """Append a path named "Path N" (the first free N) to the Parallel ``source``."""
    state = doc.state_dict(source)
    taken = {p.get("name") for p in state.get("paths", [])}
    number = len(taken) + 1
    while f"Path {number}" in taken:
        number += 1
    state["paths"] = [*state.get("paths", []), {"name": f"Path {number}", "root": root}]
    text = f"Connect {source} → {root}" if root else f"Add path to {source}"
    return Patch(states={source: state}), text


def connect(doc: EditableDocument, source: str, path: str, target: str | None) -> tuple[Patch, str]:
    """Point the edge ``path`` of ``source`` at ``target`` (None disconnects)."""
    state = doc.state_dict(source)
    if target is None:
        return Patch(states={source: cut_edge(state, path)}), f"Disconnect {source}"
    return Patch(states={source: set_field(state, path, target)}), f"Connect {source} → {target}"



def rename_state(doc: EditableDocument, old: str, new: str) -> tuple[Patch, str]:
    """Rename a state and rewrite every reference to it (edges, layout, profiles)."""
    new = new.strip()
    if not new or new == old:
        raise ValueError("the new name is empty or unchanged")
    if new in doc.definition or new == END:
        raise ValueError(f"a state named {new!r} already exists")
    if len(new) > 80:
        raise ValueError("state names are at most 80 characters")
    order = [new if n == old else n for n in doc.definition]
    patch = Patch(states={old: None, new: doc.state_dict(old)}, order=order,
                  positions={old: None, new: doc.position(old)})
    for source, path in incoming(doc, old):
        key = new if source == old else source
        current = patch.states.get(key) or doc.state_dict(source)
        patch.states[key] = set_field(current, path, new)
    profiles = [p.model_dump(mode="json") for p in doc.doc.run_profiles]
    touched = False
    for profile in profiles:
        if profile.get("target") == old:
            profile["target"], touched = new, True
        if old in profile.get("mocks", {}):
            profile["mocks"][new] = profile["mocks"].pop(old)
            touched = True
    if touched:
        patch.profiles = profiles
    return patch, f"Rename {old} → {new}"


def move_states(
    doc: EditableDocument, moves: dict[str, tuple[float, float]]
) -> tuple[Patch, str]:
    label = f"Move {next(iter(moves))}" if len(moves) == 1 else f"Move {len(moves)} states"
    return Patch(positions=dict(moves)), label


def set_state_field(doc: EditableDocument, name: str, path: str, value: Any) -> tuple[Patch, str]:
    """Set one field of a state (``parameters.limit``, ``duration``, ...)."""
    state = set_field(doc.state_dict(name), path, value)
    label = path.split(".")[-1].split("[")[0].replace("_", " ")
    return Patch(states={name: state}), f"Set {label} of {name}"


def set_start(doc: EditableDocument, name: str) -> tuple[Patch, str]:
    patch = Patch()
    for other, state in doc.definition.items():
        if state.start and other != name:
            patch.states[other] = set_field(doc.state_dict(other), "start", None)
    patch.states[name] = set_field(doc.state_dict(name), "start", True)
    return patch, f"Make {name} the start"


def insert_into(
    doc: EditableDocument, entry: CatalogEntry, source: str, path: str,
    pos: tuple[float, float],
) -> tuple[Patch, str, str]:
    """Drop a new state onto the transition ``source.path``: source → new → old target."""
    target = get_field(doc.state_dict(source), path)
    patch, name, _ = add_state(doc, entry, pos)
    state = patch.states[name] or {}
    state.pop("start", None)
    if target not in (None, END) and "next" in _ports(state):
        state["next"] = target
    patch.states[name] = state
    patch.states[source] = set_field(doc.state_dict(source), path, name)
    return patch, name, f"Insert {entry.title} into {source} → {target}"


def paste_states(
    doc: EditableDocument, states: dict[str, dict[str, Any]],
    positions: dict[str, tuple[float, float]], offset: tuple[float, float],
) -> tuple[Patch, dict[str, str], str]:
    """Paste states, renaming on collision and keeping the connections among them."""
    mapping: dict[str, str] = {}
    for name in states:
        mapping[name] = unique_name(doc, name, taken=mapping.values())
    patch = Patch()
    for old, state in states.items():
        fresh = copy.deepcopy(state)
        fresh.pop("start", None)
        fresh = _remap_targets(fresh, mapping)
        new = mapping[old]
        patch.states[new] = fresh
        x, y = positions.get(old, (0.0, 0.0))
        patch.positions[new] = (x + offset[0], y + offset[1])
    if not doc.definition and patch.states:
        first = next(iter(patch.states))
        patch.states[first] = set_field(patch.states[first] or {}, "start", True)
    label = f"Paste {len(states)} state{'s' if len(states) != 1 else ''}"
    return patch, mapping, label


def _remap_targets(state: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """Keep edges among pasted states; drop edges to states outside the pasted set."""
    for key in ("next", "default", "root"):
        if key in state and state[key] != END:
            state[key] = mapping.get(state[key]) if state[key] in mapping else None
            if state[key] is None:
                del state[key]
    for cond in state.get("conditions", []):
        cond["next"] = mapping.get(cond.get("next"), "")
    for path in state.get("paths", []):
        path["root"] = mapping.get(path.get("root"), "")
    for handler in state.get("on_error", []):
        fallback = handler.get("fallback")
        if fallback:
            if fallback.get("next") in mapping:
                fallback["next"] = mapping[fallback["next"]]
            else:
                handler.pop("fallback")
    return state
