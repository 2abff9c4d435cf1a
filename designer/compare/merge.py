"""Two playbook versions as one merged picture, and the list of changes to step through.

Qt-free. :func:`merge_versions` takes the old and the new document and builds a document
holding every state of the new version plus the states the new version removed (their edges
renamed into the new names, their old positions kept, ``start`` dropped; a removed state whose
name the new version reuses is shown as ``<name> (removed)``). :class:`CompareEntry` rows say
what happened to each state that changed, in the merged names, with one line per field
(:func:`runtime.diff.render.field_line`) and per transition added or removed.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from runtime.diff import PlaybookDiff, diff_documents
from runtime.diff.render import field_line
from runtime.model.document import PlaybookDocument
from runtime.model.states import END, state_to_dict

_EDGE = re.compile(r"^(next|default|root|conditions\[(\d+)\]\.next|paths\[(\d+)\]\.root"
                   r"|on_error\[(\d+)\]\.fallback\.next)$")


@dataclass
class CompareEntry:
    kind: str  # added | removed | changed
    name: str  # the state's name in the merged document
    lines: list[str] = field(default_factory=list)

    def title(self) -> str:
        return f"{self.kind}: {self.name}"


@dataclass
class MergedVersions:
    document: PlaybookDocument
    diff: PlaybookDiff
    entries: list[CompareEntry]

    def entry(self, name: str) -> CompareEntry | None:
        for entry in self.entries:
            if entry.name == name:
                return entry
        return None


def _set_edge(state: dict[str, Any], edge: str, target: str) -> None:
    match = _EDGE.match(edge)
    if match is None:
        return
    if edge in ("next", "default", "root"):
        state[edge] = target
    elif match.group(2) is not None:
        state["conditions"][int(match.group(2))]["next"] = target
    elif match.group(3) is not None:
        state["paths"][int(match.group(3))]["root"] = target
    else:
        state["on_error"][int(match.group(4))]["fallback"]["next"] = target


def merge_versions(old: PlaybookDocument, new: PlaybookDocument) -> MergedVersions:
    """The merged document and the change entries (see the module docstring)."""
    diff = diff_documents(old, new)
    data = copy.deepcopy(new.to_dict())
    definition: dict[str, Any] = data["definition"]
    positions: dict[str, Any] = data["layout"]["positions"]
    removed_as = {n: (n if n not in new.definition else f"{n} (removed)")
                  for n in diff.removed}
    rename = {**diff.pairs, **removed_as, END: END}
    for name in diff.removed:
        state = state_to_dict(old.state(name))
        state.pop("start", None)
        for edge, target in old.state(name).targets():
            _set_edge(state, edge, rename.get(target, target))
        definition[removed_as[name]] = state
        point = old.layout.positions.get(name)
        if point is not None and positions:
            positions[removed_as[name]] = point.model_dump()
    data["layout"]["notes"] = []
    merged = PlaybookDocument.model_validate(data)
    return MergedVersions(merged, diff, _entries(diff, removed_as, merged))


def _entries(diff: PlaybookDiff, removed_as: dict[str, str],
             merged: PlaybookDocument) -> list[CompareEntry]:
    by_name: dict[str, CompareEntry] = {}
    for name in diff.added:
        state = merged.state(name)
        by_name[name] = CompareEntry("added", name, [f"new {state.type} state"])
    for shown in removed_as.values():
        by_name[shown] = CompareEntry("removed", shown, [f"removed {merged.state(shown).type}"
                                                         " state"])
    for old, new in diff.renamed:
        by_name.setdefault(new, CompareEntry("changed", new)).lines.append(
            f"renamed from {old!r}")
    for change in diff.changed:
        entry = by_name.setdefault(change.new, CompareEntry("changed", change.new))
        entry.lines.extend(field_line(f) for f in change.fields)
    for t in diff.transitions_added:
        if t.source in by_name and by_name[t.source].kind == "added":
            continue
        by_name.setdefault(t.source, CompareEntry("changed", t.source)).lines.append(
            f"+ {t.edge} → {t.target}")
    for t in diff.transitions_removed:
        if t.source in removed_as:
            continue
        source = diff.pairs.get(t.source, t.source)
        target = diff.pairs.get(t.target, removed_as.get(t.target, t.target))
        by_name.setdefault(source, CompareEntry("changed", source)).lines.append(
            f"- {t.edge} → {target}")
    order = {name: index for index, name in enumerate(merged.definition)}
    return sorted(by_name.values(), key=lambda e: order.get(e.name, len(order)))
