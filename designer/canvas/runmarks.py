"""Run-mode marks on the scene, for the Execution Graph: statuses, taken edges, greying.

The Execution Graph shows a read-only :class:`~designer.canvas.scene.PlaybookScene` and marks
what a run did: :meth:`RunMarksMixin.set_run_mode` greys every state without a status,
``scene.item(name).set_run_status(...)`` colours one card, :meth:`set_taken_edges` draws the
transitions taken stronger, :meth:`clear_run_marks` removes every mark. A running card pulses
from one timer owned by the scene, which runs only while some card is running. Run state is
not part of the document and never undoable.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer

PULSE_MS = 60
PULSE_PERIOD = 1.2


class RunMarksMixin:
    """Mixed into PlaybookScene (which provides ``_states``, ``_edges`` and ``overview``)."""

    def init_run_marks(self) -> None:
        self.run_mode = False
        self._taken: set[tuple[str, str]] = set()
        self._running: set[str] = set()
        self._pulse_timer = QTimer(self)  # type: ignore[arg-type]
        self._pulse_timer.setInterval(PULSE_MS)
        self._pulse_timer.timeout.connect(self._pulse)

    def set_run_mode(self, on: bool) -> None:
        """Enter or leave run mode: greys every state without a status while on."""
        self.run_mode = on
        for item in self._states.values():
            item.set_greyed(on and item.run_status is None)
        for key, edge in self._edges.items():
            edge.set_dimmed(on and key not in self._taken)
        self.overview.invalidate()

    def set_run_status(self, name: str, status: str | None, caption: str | None = None) -> None:
        """Convenience for ``item(name).set_run_status(status, caption)``."""
        item = self._states.get(name)
        if item is not None:
            item.set_run_status(status, caption)

    def set_taken_edges(self, edges: set[tuple[str, str]]) -> None:
        """Mark the transitions a run took; each is ``(source state, field path)``."""
        self._taken = set(edges)
        for key, edge in self._edges.items():
            taken = key in self._taken
            edge.set_taken(taken)
            edge.set_dimmed(self.run_mode and not taken)
        self.overview.set_taken(self._taken)

    def clear_run_marks(self) -> None:
        """Remove every status, caption, badge and taken mark (run mode stays as it was)."""
        self._taken = set()
        for item in self._states.values():
            item.set_run_status(None, None)
            item.set_corner_badge(None)
            item.set_greyed(self.run_mode)
        for edge in self._edges.values():
            edge.set_taken(False)
            edge.set_dimmed(self.run_mode)
        self._running.clear()
        self._pulse_timer.stop()
        self.overview.invalidate()

    # -- called by StateItem.set_run_status ----------------------------------------------------
    def status_changed(self, name: str, status: str | None) -> None:
        item = self._states.get(name)
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
        self.overview.restyle((name,))

    def _pulse(self) -> None:
        phase = 0.5 + 0.5 * math.sin(time.monotonic() * 2 * math.pi / PULSE_PERIOD)
        for name in list(self._running):
            item = self._states.get(name)
            if item is None or item.run_status != "running":
                self._running.discard(name)
            else:
                item.set_pulse(phase)
        if not self._running:
            self._pulse_timer.stop()
