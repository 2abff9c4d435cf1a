"""Coverage of a playbook by a suite's runs: states, branch conditions, paths, fallbacks, retries.

The items come from the document: every state; every Branch condition and its default; every
Parallel path; every ``on_error`` entry with a fallback; every ``on_error`` entry with retries.
An item is covered when a run of the suite exercised it:

- a state ran;
- a Branch condition was the one chosen, the default when none held (read from the step's
  recorded ``transition``);
- a Parallel path ran at least one step;
- a fallback was taken (the step's ``transition`` is ``on_error[<i>].fallback.next``);
- a retry happened under that ``on_error`` entry (the first entry that matches the error code).

The percentage counts every item alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from runtime.testing.trace import RunTrace, TraceStep

_CONDITION = re.compile(r"conditions\[(\d+)\]\.next")
_FALLBACK = re.compile(r"on_error\[(\d+)\]\.fallback\.next")

KINDS = ("state", "condition", "path", "fallback", "retry")


@dataclass
class CoverageItem:
    """One thing a suite can exercise; ``hits`` counts how often it was."""

    kind: str
    state: str
    key: str | int | None
    label: str
    hits: int = 0

    @property
    def covered(self) -> bool:
        return self.hits > 0


@dataclass
class CoverageReport:
    """Coverage items of one playbook and the per-state hit counts (the heat map)."""

    playbook: str
    items: list[CoverageItem]
    state_hits: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        if not self.items:
            return 100.0
        return 100.0 * sum(1 for i in self.items if i.covered) / len(self.items)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """``kind → (covered, total)`` for the kinds the playbook has."""
        out: dict[str, tuple[int, int]] = {}
        for item in self.items:
            done, total = out.get(item.kind, (0, 0))
            out[item.kind] = (done + item.covered, total + 1)
        return out

    def uncovered(self, kind: str | None = None) -> list[CoverageItem]:
        return [i for i in self.items if not i.covered and (kind is None or i.kind == kind)]

    def to_json(self) -> dict[str, Any]:
        return {
            "percent": round(self.percent, 1),
            "by_kind": {k: {"covered": c, "total": t} for k, (c, t) in self.by_kind().items()},
            "uncovered": [{"kind": i.kind, "state": i.state, "label": i.label}
                          for i in self.uncovered()],
            "state_hits": self.state_hits,
        }


def coverage_items(doc: Any) -> list[CoverageItem]:
    """Every coverable item of a playbook document, in definition order."""
    items: list[CoverageItem] = []
    for name, state in doc.definition.items():
        items.append(CoverageItem("state", name, None, name))
        if state.type == "branch":
            for index, cond in enumerate(state.conditions, 1):
                items.append(CoverageItem("condition", name, index,
                                          f"{name}: condition {index} ({cond.condition}) → "
                                          f"{cond.next}"))
            items.append(CoverageItem("condition", name, "default",
                                      f"{name}: default → {state.default}"))
        elif state.type == "parallel":
            for path in state.paths:
                items.append(CoverageItem("path", name, path.name, f"{name}: path {path.name}"))
        for index, spec in enumerate(getattr(state, "on_error", None) or ()):
            if spec.retry is not None and spec.retry.attempt:
                items.append(CoverageItem("retry", name, index,
                                          f"{name}: retry on {_error_label(spec)}"))
            if spec.fallback is not None:
                items.append(CoverageItem("fallback", name, index,
                                          f"{name}: fallback on {_error_label(spec)} → "
                                          f"{spec.fallback.next}"))
    return items


def _error_label(spec: Any) -> str:
    if spec.error_type == "custom_error":
        return "custom_error " + ",".join(spec.error_codes or ())
    return str(spec.error_type)


def measure(playbook: Any, traces: Iterable[RunTrace]) -> CoverageReport:
    """Coverage of a compiled playbook by the runs in ``traces``."""
    doc = playbook.document
    items = coverage_items(doc)
    index = {(i.kind, i.state, i.key): i for i in items}
    hits: dict[str, int] = {name: 0 for name in doc.definition}
    for trace in traces:
        for step in trace.steps:
            if step.state not in hits:
                continue
            hits[step.state] += 1
            _hit(index, ("state", step.state, None))
            state = doc.definition[step.state]
            if state.type == "branch":
                _hit(index, ("condition", step.state, _branch_taken(playbook, state, step)))
            elif state.type == "parallel":
                for path in {s.path for s in trace.steps if s.parent_seq == step.seq}:
                    _hit(index, ("path", step.state, path))
            specs = getattr(state, "on_error", None) or ()
            for code in step.extra.get("retry_codes", ()):
                _hit(index, ("retry", step.state, _matching(specs, code, retry=True)))
            fallback = _FALLBACK.fullmatch(step.transition or "")
            if fallback is not None:
                _hit(index, ("fallback", step.state, int(fallback.group(1))))
    return CoverageReport(doc.name, items, hits)


def _hit(index: dict[tuple[Any, ...], CoverageItem], key: tuple[Any, ...]) -> None:
    item = index.get(key)
    if item is not None:
        item.hits += 1


def _matching(specs: Any, code: str | None, *, retry: bool = False) -> int | None:
    """The first on_error entry with retries that could have handled ``code``."""
    for i, spec in enumerate(specs):
        if spec.error_type == "custom_error" and code not in (spec.error_codes or ()):
            continue
        if retry and (spec.retry is None or not spec.retry.attempt):
            continue
        return i
    return None


def _branch_taken(playbook: Any, state: Any, step: TraceStep) -> int | str | None:
    """The condition (1-based) or ``default`` a Branch step took, from its transition."""
    if step.transition == "default":
        return "default"
    found = _CONDITION.fullmatch(step.transition or "")
    return int(found.group(1)) + 1 if found else None
