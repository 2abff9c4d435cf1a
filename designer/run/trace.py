"""What an execution did to its graph, aggregated from step records (Qt-free, incremental).

An :class:`ExecutionTrace` folds :class:`~runtime.history.StepRow` records into what the
Execution Graph shows: per state the number of runs and their statuses (one status to colour
it), the transitions taken as ``(state, field path)`` pairs, and for each Batch the number of
successful iterations. Records can come live from the engine (in batches, at most 60 times a
second) or from the history store; the fold costs one pass in C (``Counter`` and ``set`` over
``attrgetter``) plus a look at the few rows that start a Parallel path or a Batch item.

Transitions taken are data: each record carries the edge its step took (``transition``:
``next``, ``default``, ``conditions[<i>].next``, ``on_error[<i>].fallback.next``), and the
first step of a Parallel path or a Batch item (its ``parent_seq`` and ``path``) names the root
its container started. No message text is parsed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import attrgetter

from runtime.history import StepRow
from runtime.model.document import PlaybookDocument
from runtime.model.states import END, ParallelState

_STATE_STATUS = attrgetter("state", "status")
_STATE_EDGE = attrgetter("state", "transition")


@dataclass
class StateRun:
    """The runs of one state in one execution."""

    runs: int = 0
    ok: int = 0
    failed: int = 0
    killed: int = 0
    last: StepRow | None = None

    @property
    def status(self) -> str:
        """One status for the graph: the mix of all runs (iterations, loops)."""
        if self.runs == 0:
            return "pending"
        last = self.last.status if self.last else "success"
        if last == "killed":
            return "killed"
        if self.failed + self.killed == 0:
            return "success"
        return "failed" if self.ok == 0 else "partial"


class ExecutionTrace:
    """Aggregates the step records of one execution for the Execution Graph."""

    def __init__(self, doc: PlaybookDocument | None) -> None:
        self.states: dict[str, StateRun] = {}
        self.taken: set[tuple[str, str]] = set()
        self.batch_ok: dict[str, int] = {}
        self.containers: dict[int, str] = {}
        self._frames: set[tuple[int, str | None]] = set()
        self.rows_seen = 0
        self._roots: dict[str, list[tuple[str, str, str, str | None]]] = {}
        self._ends: set[str] = set()
        self._types: dict[str, str] = {}
        self._watch: set[str] = set()
        if doc is not None:
            self._index(doc)

    def _index(self, doc: PlaybookDocument) -> None:
        for name, state in doc.definition.items():
            self._types[name] = state.type
            nxt = getattr(state, "next", None)
            if state.type not in ("failure", "branch") and nxt in (None, END):
                self._ends.add(name)
            root = getattr(state, "root", None) if state.type == "batch" else None
            if root:
                self._roots.setdefault(root, []).append((name, "root", "batch", None))
            if isinstance(state, ParallelState):
                for index, path in enumerate(state.paths):
                    self._roots.setdefault(path.root, []).append(
                        (name, f"paths[{index}].root", "parallel", path.name))
            if any(h.fallback and h.fallback.next == END
                   for h in getattr(state, "on_error", None) or ()):
                self._ends.add(name)  # a fallback to End ends the item's pathway too
        self._watch = self._ends | set(self._roots)

    # -- folding ---------------------------------------------------------------------------
    def add_rows(self, rows: list[StepRow]) -> set[str]:
        """Fold finished step records in; returns the names of states whose run changed.

        Counting runs by (state, status), collecting the edges taken and keeping the last
        record per state happen in C; only records of states that root a Parallel path or a
        Batch body, or end a pathway inside a Batch, are looked at one by one.
        """
        if not rows:
            return set()
        states = self.states
        for (name, status), count in Counter(map(_STATE_STATUS, rows)).items():
            run = states.get(name)
            if run is None:
                run = states[name] = StateRun()
            run.runs += count
            if status == "success":
                run.ok += count
            elif status == "failed":
                run.failed += count
            elif status == "killed":
                run.killed += count
        edges = set(map(_STATE_EDGE, rows))
        edges.discard((None, None))
        self.taken.update(edge for edge in edges if edge[1] is not None)
        last = {row.state: row for row in rows}
        for name, row in last.items():
            states[name].last = row
        changed = set(last)
        watch = self._watch
        if not watch.isdisjoint(last):
            for row in rows:
                if row.state in watch:
                    self._inspect(row, changed)
        self.rows_seen += len(rows)
        return changed

    def _inspect(self, row: StepRow, changed: set[str]) -> None:
        name = row.state
        if row.parent_seq is not None and name in self._roots:
            self._root(name, row)
        if row.status == "success" and name in self._ends and row.iteration is not None:
            container = self.containers.get(row.parent_seq)  # type: ignore[arg-type]
            if container is not None and self._types.get(container) == "batch":
                self.batch_ok[container] = self.batch_ok.get(container, 0) + 1
                changed.add(container)

    def _root(self, name: str, row: StepRow) -> None:
        parent = row.parent_seq
        if parent is None:
            return
        key = (parent, row.path)
        if key in self._frames:
            return
        self._frames.add(key)
        candidates = self._roots[name]
        chosen = None
        for container, field, kind, path_name in candidates:
            if kind == "parallel" and path_name == row.path:
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

    def last_row(self, name: str) -> StepRow | None:
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
        return bool(run and run.last and run.last.iteration is not None)


def iterations_of(rows: list[StepRow], name: str) -> list[int]:
    """Sorted distinct Batch item indexes a state ran in."""
    return sorted({r.iteration for r in rows if r.state == name and r.iteration is not None})


def pick_step(
    rows: list[StepRow], name: str, iteration: int | None = None
) -> StepRow | None:
    """The latest finished step row of a state (in one iteration when given).

    Rows are in the order steps finished, so the search runs from the end.
    """
    for index in range(len(rows) - 1, -1, -1):
        row = rows[index]
        if row.state == name and (iteration is None or row.iteration == iteration):
            return row
    return None
