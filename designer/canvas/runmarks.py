"""Run-mode marks on the scene, for the Execution Graph: statuses, taken edges, greying.

The Execution Graph shows a read-only :class:`~designer.canvas.scene.PlaybookScene` and marks
what a run did through ``scene.run_marks`` (a :class:`RunMarks`): :meth:`RunMarks.set_run_mode`
greys every state without a status, ``scene.item(name).set_run_status(...)`` colours one card,
:meth:`RunMarks.set_taken_edges` draws the transitions taken stronger,
:meth:`RunMarks.clear_run_marks` removes every mark. A running card pulses from one timer owned
by the scene, which runs only while some card is running. Run state is not part of the
document and never undoable.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

if TYPE_CHECKING:
    from designer.canvas.scene import PlaybookScene

PULSE_MS = 60
PULSE_PERIOD = 1.2


class RunMarks:
    """The run-mode marks of one scene (its cards and edges come from ``scene.projection``)."""

    def __init__(self, scene: PlaybookScene) -> None:
        self.scene = scene
        self.run_mode = False
        self._taken: set[tuple[str, str]] = set()
        self._running: set[str] = set()
        self._pulse_timer = QTimer(scene)
        self._pulse_timer.setInterval(PULSE_MS)
        self._pulse_timer.timeout.connect(self._pulse)

    @property
    def taken(self) -> frozenset[tuple[str, str]]:
        """The transitions marked as taken, each ``(source state, field path)``."""
        return frozenset(self._taken)

    def pulsing(self) -> bool:
        """True while some card is running (the pulse timer runs)."""
        return self._pulse_timer.isActive()

    def set_run_mode(self, on: bool) -> None:
        """Enter or leave run mode: greys every state without a status while on."""
        self.run_mode = on
        projection = self.scene.projection
        for item in projection.states.values():
            item.set_greyed(on and item.run_status is None)
        for key, edge in projection.edges.items():
            edge.set_dimmed(on and key not in self._taken)
        self.scene.overview.invalidate()

    def set_run_status(self, name: str, status: str | None, caption: str | None = None) -> None:
        """Convenience for ``item(name).set_run_status(status, caption)``."""
        item = self.scene.projection.states.get(name)
        if item is not None:
            item.set_run_status(status, caption)

    def set_taken_edges(self, edges: set[tuple[str, str]]) -> None:
        """Mark the transitions a run took; each is ``(source state, field path)``."""
        self._taken = set(edges)
        for key, edge in self.scene.projection.edges.items():
            taken = key in self._taken
            edge.set_taken(taken)
            edge.set_dimmed(self.run_mode and not taken)
        self.scene.overview.set_taken(self._taken)

    def clear_run_marks(self) -> None:
        """Remove every status, caption, badge and taken mark (run mode stays as it was)."""
        self._taken = set()
        projection = self.scene.projection
        for item in projection.states.values():
            item.set_run_status(None, None)
            item.set_corner_badge(None)
            item.set_greyed(self.run_mode)
        for edge in projection.edges.values():
            edge.set_taken(False)
            edge.set_dimmed(self.run_mode)
        self._running.clear()
        self._pulse_timer.stop()
        self.scene.overview.invalidate()

    # -- called by StateItem.set_run_status ----------------------------------------------------
    def status_changed(self, name: str, status: str | None) -> None:
        item = self.scene.projection.states.get(name)
        if item is not None and status is not None:
            item.set_greyed(False)
        elif item is not None:
            item.set_greyed(self.run_mode)
        if status == "running":
            self._running.add(name)
            if not self._pulse_timer.isActive():
                self._pulse_timer.start()
        else:
            self._running.discard(name)
            if not self._running:
                self._pulse_timer.stop()
        self.scene.overview.restyle((name,))

    def _pulse(self) -> None:
        phase = 0.5 + 0.5 * math.sin(time.monotonic() * 2 * math.pi / PULSE_PERIOD)
        states = self.scene.projection.states
        for name in list(self._running):
            item = states.get(name)
            if item is None or item.run_status != "running":
                self._running.discard(name)
            else:
                item.set_pulse(phase)
        if not self._running:
            self._pulse_timer.stop()
