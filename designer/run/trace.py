"""What an execution did to its graph, aggregated from step rows (Qt-free, incremental).

An :class:`ExecutionTrace` folds history step tuples (``runtime.history.STEP_COLUMNS`` order)
into what the Execution Graph shows: per state the number of runs and their statuses (one
status to colour it), the transitions taken as ``(state, field path)`` pairs, and for each
Batch the number of successful iterations. Rows can come live from the engine (in batches, at
most 60 times a second) or from the history store; the fold costs one pass with a few dict
look-ups per row, and everything it derives per state is cached by state and message.

Transitions taken are derived from the rows themselves: a successful step took its ``next``;
a Branch names the condition that matched (or the default) in its message; a step caught by
``on_error`` names its fallback; the first step of a Parallel path or a Batch item is the root
its container started.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from runtime.history import STEP_COLUMNS
from runtime.model.document import PlaybookDocument
from runtime.model.states import END

# Step tuple positions.
SEQ, STATE, TYPE, STATUS, STARTED, ENDED, MESSAGE = 1, 2, 3, 4, 5, 6, 7
CODE, ITERATION, PARENT, PATH, CHILD, INPUT, OUTPUT = 8, 9, 10, 11, 12, 13, 14

record_tuple = attrgetter(*STEP_COLUMNS)  # StepRecord → step tuple, in C
_STATE_STATUS = itemgetter(STATE, STATUS)

_CONDITION = re.compile(r"^condition (\d+) matched")
_CAUGHT = re.compile(r"caught by on_error \((\w+)\) → (.+)$")
_BATCH = re.compile(r"(\d+) succeeded, (\d+) failed")


@dataclass
class StateRun:
    """The runs of one state in one execution."""

    runs: int = 0
    ok: int = 0
    failed: int = 0
    killed: int = 0
    partial: int = 0
    last: tuple[Any, ...] | None = None

    @property
    def status(self) -> str:
        """One status for the graph: the mix of all runs (iterations, loops)."""
        if self.runs == 0:
            return "pending"
        last = self.last[STATUS] if self.last else "success"
        if last == "killed":
            return "killed"
        if self.failed + self.killed == 0:
            return "partial" if self.partial else "success"
        return "failed" if self.ok == 0 else "partial"


class ExecutionTrace:
    """Aggregates step rows of one execution for the Execution Graph."""

    def __init__(self, doc: PlaybookDocument | None) -> None:
        self.states: dict[str, StateRun] = {}
        self.taken: set[tuple[str, str]] = set()
        self.batch_ok: dict[str, int] = {}
        self.containers: dict[int, str] = {}
        self._frames: set[tuple[int, str | None]] = set()
        self.rows_seen = 0
        self._doc = doc
        self._next_edge: dict[str, str] = {}
        self._roots: dict[str, list[tuple[str, str, str, str | None]]] = {}
        self._ends: set[str] = set()
        self._types: dict[str, str] = {}
        self._cache: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._per_row_ok: set[str] = set()
        self._watch: set[str] = set()
        if doc is not None:
            self._index(doc)

    def _index(self, doc: PlaybookDocument) -> None:
        for name, state in doc.definition.items():
            self._types[name] = state.type
            nxt = getattr(state, "next", None)
            if nxt is not None:
                self._next_edge[name] = "next"
            if state.type not in ("failure", "branch") and nxt in (None, END):
                self._ends.add(name)
            if state.type == "batch" and getattr(state, "root", None):
                self._roots.setdefault(state.root, []).append((name, "root", "batch", None))
            if state.type == "parallel":
                for index, path in enumerate(state.paths):
                    self._roots.setdefault(path.root, []).append(
                        (name, f"paths[{index}].root", "parallel", path.name))
            if state.type in ("branch", "batch"):
                self._per_row_ok.add(name)
            if any(h.fallback for h in getattr(state, "on_error", None) or ()):
                self._watch.add(name)
        self._watch |= self._per_row_ok | self._ends | set(self._roots)

    # -- folding ---------------------------------------------------------------------------
    def add_rows(self, rows: list[tuple[Any, ...]]) -> set[str]:
        """Fold finished step rows in; returns the names of states whose run changed.

        Counting runs by (state, status) and keeping the last row per state happen in C
        (``Counter``, a dict comprehension); only rows of the few states whose rows carry
        more (Branch and Batch messages, fallbacks, Parallel / Batch roots, pathway ends
        inside a Batch) are looked at one by one.
        """
        if not rows:
            return set()
        states = self.states
        taken = self.taken
        next_edge = self._next_edge
        per_row = self._per_row_ok
        for (name, status), count in Counter(map(_STATE_STATUS, rows)).items():
            run = states.get(name)
            if run is None:
                run = states[name] = StateRun()
            run.runs += count
            if status == "success":
                run.ok += count
                edge = next_edge.get(name)
                if edge is not None and name not in per_row:
                    taken.add((name, edge))
            elif status == "failed":
                run.failed += count
            elif status == "killed":
                run.killed += count
        last = {row[STATE]: row for row in rows}
        for name, row in last.items():
            states[name].last = row
        changed = set(last)
        watch = self._watch
        if not watch.isdisjoint(last):
            for row in rows:
                if row[STATE] in watch:
                    self._inspect(row, changed)
        self.rows_seen += len(rows)
        return changed

    def _inspect(self, row: tuple[Any, ...], changed: set[str]) -> None:
        name = row[STATE]
        if row[PARENT] is not None and name in self._roots:
            self._root(name, row)
        status = row[STATUS]
        if status == "success":
            kind = row[TYPE]
            if kind == "branch" or kind == "batch":
                self._special(name, kind, row, self.states[name])
            if name in self._ends and row[ITERATION] is not None:
                container = self.containers.get(row[PARENT])
                if container is not None and self._types.get(container) == "batch":
                    self.batch_ok[container] = self.batch_ok.get(container, 0) + 1
                    changed.add(container)
        elif status == "failed" and row[CODE] is not None and row[MESSAGE]:
            self._fallback(name, row[MESSAGE])

    def _special(self, name: str, kind: str, row: tuple[Any, ...], run: StateRun) -> None:
        message = row[MESSAGE] or ""
        key = (name, message)
        if key not in self._cache:
            self._cache[key] = self._derive(name, kind, message)
        edge = self._cache[key]
        if kind == "batch":
            match = _BATCH.search(message)
            if match and int(match.group(2)) > 0:
                run.partial += 1
            edge = (name, "next") if name in self._next_edge else None
        if edge is not None:
            self.taken.add(edge)

    def _derive(self, name: str, kind: str, message: str) -> tuple[str, str] | None:
        if kind != "branch":
            return None
        match = _CONDITION.match(message)
        if match:
            return name, f"conditions[{int(match.group(1)) - 1}].next"
        if message.startswith("no condition matched"):
            return name, "default"
        return None

    def _fallback(self, name: str, message: str) -> None:
        key = (name, message)
        if key not in self._cache:
            edge = None
            match = _CAUGHT.search(message)
            state = self._doc.definition.get(name) if self._doc else None
            if match and state is not None:
                error_type, target = match.group(1), match.group(2).strip()
                for index, handler in enumerate(getattr(state, "on_error", [])):
                    fallback = handler.fallback
                    if fallback and fallback.next == target and handler.error_type == error_type:
                        edge = (name, f"on_error[{index}].fallback.next")
                        break
            self._cache[key] = edge
        edge = self._cache[key]
        if edge is not None:
            self.taken.add(edge)

    def _root(self, name: str, row: tuple[Any, ...]) -> None:
        parent = row[PARENT]
        key = (parent, row[PATH])
        if key in self._frames:
            return
        self._frames.add(key)
        candidates = self._roots[name]
        chosen = None
        for container, field, kind, path_name in candidates:
            if kind == "parallel" and path_name == row[PATH]:
                chosen = (container, field)
                break
        if chosen is None:
            for container, field, kind, _ in candidates:
                if kind == "batch":
                    chosen = (container, field)
                    break
        if chosen is None:
            chosen = candidates[0][:2]
        self.containers[parent] = chosen[0]
        self.taken.add(chosen)

    # -- reading ---------------------------------------------------------------------------
    def status(self, name: str) -> str | None:
        run = self.states.get(name)
        return run.status if run else None

    def last_row(self, name: str) -> tuple[Any, ...] | None:
        run = self.states.get(name)
        return run.last if run else None

    def badge(self, name: str) -> str | None:
        """The corner badge of a Batch: its number of successful iterations."""
        if self._types.get(name) != "batch" or name not in self.states:
            return None
        return f"{self.batch_ok.get(name, 0):,}"

    def in_body(self, name: str) -> bool:
        """Whether the state ran inside a Batch item (so it has an Iterator Index)."""
        run = self.states.get(name)
        return bool(run and run.last and run.last[ITERATION] is not None)


def iterations_of(rows: list[tuple[Any, ...]], name: str) -> list[int]:
    """Sorted distinct Batch item indexes a state ran in."""
    return sorted({r[ITERATION] for r in rows if r[STATE] == name and r[ITERATION] is not None})


def pick_step(
    rows: list[tuple[Any, ...]], name: str, iteration: int | None = None
) -> tuple[Any, ...] | None:
    """The latest finished step row of a state (in one iteration when given).

    Rows are in the order steps finished, so the search runs from the end.
    """
    for index in range(len(rows) - 1, -1, -1):
        row = rows[index]
        if row[STATE] == name and (iteration is None or row[ITERATION] == iteration):
            return row
    return None
