"""Pairing the states of two definitions and listing what differs (see :mod:`runtime.diff`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime.model.document import PlaybookDocument
from runtime.model.states import END, AnyState, catalog_id, state_to_dict

MATCH_THRESHOLD = 0.5
EDGE_KEYS = frozenset({"next", "default", "root"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any  # None with ``added``: the field is new
    new: Any
    kind: str = "changed"  # changed | added | removed


@dataclass(frozen=True)
class Transition:
    source: str
    edge: str
    target: str

    def __str__(self) -> str:
        return f"{self.source} —{self.edge}→ {self.target}"


@dataclass
class StateChange:
    old: str
    new: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class PlaybookDiff:
    """What changed from ``old`` to ``new`` (state names: old names for removed states and
    removed transitions, new names everywhere else)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[StateChange] = field(default_factory=list)
    transitions_added: list[Transition] = field(default_factory=list)
    transitions_removed: list[Transition] = field(default_factory=list)
    pairs: dict[str, str] = field(default_factory=dict)  # old name → new name

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed
                    or self.transitions_added or self.transitions_removed)

    def change_of(self, new_name: str) -> StateChange | None:
        for change in self.changed:
            if change.new == new_name:
                return change
        return None

    def status_of(self, new_name: str) -> str:
        """``added``, ``changed``, ``renamed`` or ``same`` for a state of the new version."""
        if new_name in self.added:
            return "added"
        if self.change_of(new_name) is not None:
            return "changed"
        if any(new == new_name for _old, new in self.renamed):
            return "renamed"
        return "same"


# -- fields -----------------------------------------------------------------------------------
def state_fields(state: AnyState) -> dict[str, Any]:
    """A state's comparable fields, flat: parameters one by one, conditions and paths by
    index, on_error entries without their fallback target; edges are left to transitions."""
    out: dict[str, Any] = {}
    for key, value in state_to_dict(state).items():
        if key in EDGE_KEYS:
            continue
        if key == "parameters" and isinstance(value, dict):
            for name, item in value.items():
                out[f"parameters.{name}"] = item
        elif key in ("conditions", "paths", "on_error") and isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):  # an unknown key's value on another type
                    out[f"{key}[{index}]"] = item
                    continue
                rest = {k: v for k, v in item.items() if k not in ("next", "root", "fallback")}
                if key == "on_error":
                    out[f"on_error[{index}]"] = rest
                else:
                    for sub, v in rest.items():
                        out[f"{key}[{index}].{sub}"] = v
                if key == "on_error" and isinstance(item.get("fallback"), dict):
                    extra = {k: v for k, v in item["fallback"].items() if k != "next"}
                    if extra:
                        out[f"on_error[{index}].fallback"] = extra
        else:
            out[key] = value
    return out


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for key in [*old, *(k for k in new if k not in old)]:
        if key not in new:
            changes.append(FieldChange(key, old[key], None, "removed"))
        elif key not in old:
            changes.append(FieldChange(key, None, new[key], "added"))
        elif old[key] != new[key]:
            changes.append(FieldChange(key, old[key], new[key]))
    return changes


def _content_similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    keys = set(a) | set(b)
    if not keys:
        return 1.0
    same = sum(1 for k in keys if k in a and k in b and a[k] == b[k])
    return same / len(keys)


# -- the flow ---------------------------------------------------------------------------------
def _edges(definition: Mapping[str, AnyState]) -> list[Transition]:
    return [Transition(name, edge, target) for name, state in definition.items()
            for edge, target in state.targets()]


def _neighbours(edges: list[Transition]) -> dict[str, set[tuple[str, str, str]]]:
    out: dict[str, set[tuple[str, str, str]]] = {}
    for t in edges:
        out.setdefault(t.source, set()).add(("out", t.edge, t.target))
        out.setdefault(t.target, set()).add(("in", t.edge, t.source))
    return out


def _position_similarity(old: set[tuple[str, str, str]], new: set[tuple[str, str, str]],
                         pairs: Mapping[str, str]) -> float:
    mapped = {(d, e, pairs.get(n, "\0" + n)) for d, e, n in old}
    union = mapped | new
    return len(mapped & new) / len(union) if union else 1.0


def _pair_leftovers(old: Mapping[str, AnyState], new: Mapping[str, AnyState],
                    pairs: dict[str, str]) -> None:
    """Pair unmatched states (a rename), best score first, twice so a pair found helps its
    neighbours' scores."""
    old_n, new_n = _neighbours(_edges(old)), _neighbours(_edges(new))
    old_f = {n: state_fields(s) for n, s in old.items()}
    new_f = {n: state_fields(s) for n, s in new.items()}
    for _round in range(2):
        taken = set(pairs.values())
        scored: list[tuple[float, str, str]] = []
        for a in (n for n in old if n not in pairs):
            for b in (n for n in new if n not in taken):
                if catalog_id(old[a]) != catalog_id(new[b]) or old[a].type != new[b].type:
                    continue
                content = _content_similarity(old_f[a], new_f[b])
                place = _position_similarity(old_n.get(a, set()), new_n.get(b, set()), pairs)
                scored.append((0.5 * content + 0.5 * place, a, b))
        scored.sort(key=lambda t: (-t[0], t[1], t[2]))
        for score, a, b in scored:
            if score < MATCH_THRESHOLD or a in pairs or b in taken:
                continue
            pairs[a] = b
            taken.add(b)


def diff_definitions(old: Mapping[str, AnyState], new: Mapping[str, AnyState]) -> PlaybookDiff:
    """Compare two definitions (state name → state)."""
    pairs = {name: name for name in old if name in new}
    _pair_leftovers(old, new, pairs)
    result = PlaybookDiff(pairs=dict(pairs))
    paired_new = set(pairs.values())
    result.removed = [n for n in old if n not in pairs]
    result.added = [n for n in new if n not in paired_new]
    result.renamed = [(a, b) for a, b in pairs.items() if a != b]
    for a, b in pairs.items():
        fields = field_changes(state_fields(old[a]), state_fields(new[b]))
        if fields:
            result.changed.append(StateChange(a, b, fields))
    rename = {**pairs, END: END}
    old_edges = {Transition(rename.get(t.source, t.source), t.edge,
                            rename.get(t.target, t.target)): t for t in _edges(old)}
    new_edges = _edges(new)
    new_set = set(new_edges)
    result.transitions_added = [t for t in new_edges if t not in old_edges]
    result.transitions_removed = [orig for mapped, orig in old_edges.items()
                                  if mapped not in new_set]
    return result


def diff_documents(old: PlaybookDocument, new: PlaybookDocument) -> PlaybookDiff:
    """Compare the definitions of two playbooks (see :mod:`runtime.diff`)."""
    return diff_definitions(old.definition, new.definition)  # type: ignore[arg-type]
