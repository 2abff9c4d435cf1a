"""What one run of a profile did, as the test runner sees it: steps, retries, outcome.

A :class:`RunTrace` is collected from the engine's event bus while a profile runs (no history
store needed) and holds only the steps of the profile's own execution; a Circuit's child
execution is another playbook's business. Each step is a :class:`TraceStep` with its inputs
and outputs decoded (the runner records at DEBUG), and ``successor``, the next state the same
pathway ran, and ``transition``, the edge the engine recorded it took (``next``, ``default``,
``conditions[<i>].next``, ``on_error[<i>].fallback.next``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_RETRY = re.compile(r"; retry (\d+) of (\d+) in ")
_NO_VALUE = object()


@dataclass
class TraceStep:
    """One finished step of the profile's execution."""

    seq: int
    state: str
    type: str
    status: str
    message: str | None
    error_code: str | None
    iteration: int | None
    parent_seq: int | None
    path: str | None
    input: Any = _NO_VALUE
    output: Any = _NO_VALUE
    successor: str | None = None
    transition: str | None = None
    retries: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_input(self) -> bool:
        return self.input is not _NO_VALUE

    @property
    def has_output(self) -> bool:
        return self.output is not _NO_VALUE


@dataclass
class RunTrace:
    """A finished run: its status and message, and its steps in seq order."""

    execution_id: str
    status: str
    message: str | None
    steps: list[TraceStep]
    transitions: int = 0

    def runs_of(self, state: str) -> list[TraceStep]:
        return [s for s in self.steps if s.state == state]

    def reached(self) -> set[str]:
        return {s.state for s in self.steps}

    def retries_of(self, state: str) -> int:
        return sum(s.retries for s in self.steps if s.state == state)


def _decode(text: str | None) -> Any:
    if text is None:
        return _NO_VALUE
    try:
        return json.loads(text)
    except ValueError:
        return _NO_VALUE


class TraceCollector:
    """An event-bus subscriber that keeps step rows and retry log lines per execution."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Any, ...]]] = {}
        self.retries: dict[tuple[str, int], list[str]] = {}

    def __call__(self, event: tuple[Any, ...]) -> None:
        kind = event[0]
        if kind == "step":
            self.rows.setdefault(event[1], []).append(event[2])
        elif kind == "log":
            row = event[2]
            seq, message = row[1], row[4]
            if seq is not None and _RETRY.search(message):
                self.retries.setdefault((event[1], seq), []).append(message)

    def trace(self, execution_id: str, status: str, message: str | None,
              transitions: int = 0) -> RunTrace:
        """The trace of one execution from the rows collected so far."""
        steps = [self._step(execution_id, row)
                 for row in sorted(self.rows.get(execution_id, []), key=lambda r: r[1])]
        last_in_frame: dict[tuple[Any, ...], TraceStep] = {}
        for step in steps:
            frame = (step.parent_seq, step.path, step.iteration)
            before = last_in_frame.get(frame)
            if before is not None and before.successor is None:
                before.successor = step.state
            last_in_frame[frame] = step
        return RunTrace(execution_id, status, message, steps, transitions)

    def _step(self, execution_id: str, row: tuple[Any, ...]) -> TraceStep:
        (_eid, seq, state, kind, status, _started, _ended, message, code, iteration,
         parent_seq, path, _child, inp, out) = row[:15]
        transition = row[15] if len(row) > 15 else None
        lines = self.retries.get((execution_id, seq), [])
        # A retry line reads "<state>: <code>: <message>; retry n of m in s".
        codes = [line[len(state) + 2:].split(": ", 1)[0] for line in lines]
        return TraceStep(seq, state, kind, status, message, code, iteration, parent_seq, path,
                         _decode(inp), _decode(out), transition=transition, retries=len(lines),
                         extra={"retry_codes": codes})
