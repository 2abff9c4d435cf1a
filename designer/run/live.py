"""What the UI holds of a live execution, and how the run controller listens to the bus.

:class:`LiveExecution` keeps an execution's step rows, App log rows and in-flight steps in
memory while it runs (history rows become readable only at the store's next flush).
:func:`collector` is the bus subscriber: one list append per event, and the starts of
synchronous steps dropped. :class:`FullCollectionPause` defers the garbage collector's full
collections while runs are live.
"""

from __future__ import annotations

import gc
from operator import itemgetter
from typing import Any

from runtime.history import StepRow

FULL_GC_DEFERRED = 1_000_000

EVENT_ID = itemgetter(1)
ROW_SEQ = itemgetter(1)
#: States that start and finish without awaiting: their "step_started" never shows (they
#: finish within the same 16 ms flush), so the collector drops it and the flush has half the
#: events to fold.
SYNC_TYPES = frozenset({"pass", "branch", "success", "failure"})


def collector(pending: list[tuple[Any, ...]]) -> Any:
    """The bus subscriber: keep every event except the start of a synchronous step."""
    append = pending.append
    sync = SYNC_TYPES

    def collect(event: tuple[Any, ...]) -> None:
        if event[0] != "step_started" or event[4] not in sync:
            append(event)

    return collect


class FullCollectionPause:
    """Defers the garbage collector's full (oldest-generation) collections while runs are live.

    A full collection walks every object of the process (tens of milliseconds in the designer)
    and would stall a live run's UI; young collections go on as usual. The previous threshold
    comes back when the last run is over, so the deferred collection happens then.
    """

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def hold(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], FULL_GC_DEFERRED)

    def release(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None


class LiveExecution:
    """What the UI knows of an execution while it runs (and shortly after)."""

    __slots__ = ("id", "rows", "logs", "inflight", "status", "message", "started", "ended",
                 "finished", "confirmed", "parent", "children", "playbook", "checks", "log_level",
                 "profile")

    def __init__(self, execution_id: str, started: float | None, playbook: str = "") -> None:
        self.id = execution_id
        self.rows: list[StepRow] = []
        self.logs: list[tuple[Any, ...]] = []
        self.inflight: dict[int, tuple[Any, ...]] = {}
        self.status = "running"
        self.message: str | None = None
        self.started = started
        self.ended: float | None = None
        self.finished = False
        self.confirmed = False
        self.parent: str | None = None
        self.children: dict[int, str] = {}
        self.playbook = playbook
        self.checks = 0
        self.log_level = "INFO"
        self.profile: str | None = None

    def running_states(self) -> set[str]:
        """States with a step in flight now."""
        return {event[3] for event in self.inflight.values()}
