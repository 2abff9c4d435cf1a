"""Text and JSON forms of a :class:`~runtime.diff.compare.PlaybookDiff`."""

from __future__ import annotations

import json
from typing import Any

from runtime.diff.compare import FieldChange, PlaybookDiff, Transition

MAX_VALUE = 120


def short(value: Any) -> str:
    """A value as compact JSON, cut to :data:`MAX_VALUE` characters."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def field_line(change: FieldChange) -> str:
    if change.kind == "added":
        return f"{change.field}: + {short(change.new)}"
    if change.kind == "removed":
        return f"{change.field}: - {short(change.old)}"
    return f"{change.field}: {short(change.old)} → {short(change.new)}"


def diff_to_text(diff: PlaybookDiff, old_label: str = "A", new_label: str = "B") -> str:
    """A readable report, one change a line, ending with a count."""
    lines = [f"--- {old_label}", f"+++ {new_label}"]
    for name in diff.added:
        lines.append(f"added    {name!r}")
    for name in diff.removed:
        lines.append(f"removed  {name!r}")
    for old, new in diff.renamed:
        lines.append(f"renamed  {old!r} → {new!r}")
    for change in diff.changed:
        title = change.new if change.old == change.new else f"{change.old} → {change.new}"
        lines.append(f"changed  {title!r}")
        lines.extend(f"           {field_line(f)}" for f in change.fields)
    for t in diff.transitions_added:
        lines.append(f"+ edge   {t}")
    for t in diff.transitions_removed:
        lines.append(f"- edge   {t}")
    count = (len(diff.added) + len(diff.removed) + len(diff.renamed) + len(diff.changed)
             + len(diff.transitions_added) + len(diff.transitions_removed))
    lines.append("no differences" if diff.equal else
                 f"{count} difference{'s' if count != 1 else ''}")
    return "\n".join(lines) + "\n"


def _transition(t: Transition) -> dict[str, str]:
    return {"from": t.source, "edge": t.edge, "to": t.target}


def diff_to_json(diff: PlaybookDiff) -> dict[str, Any]:
    """Plain JSON data (see the CLI's ``diff --format json``)."""
    return {
        "equal": diff.equal,
        "added": diff.added,
        "removed": diff.removed,
        "renamed": [{"from": a, "to": b} for a, b in diff.renamed],
        "changed": [
            {"state": c.new, "old_name": c.old,
             "fields": [{"field": f.field, "kind": f.kind, "old": f.old, "new": f.new}
                        for f in c.fields]}
            for c in diff.changed
        ],
        "transitions_added": [_transition(t) for t in diff.transitions_added],
        "transitions_removed": [_transition(t) for t in diff.transitions_removed],
    }
