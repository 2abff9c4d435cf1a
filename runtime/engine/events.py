"""Live execution events, published to subscribers as plain tuples.

Events are tuples so the hot loop pays almost nothing, and nothing at all when nobody listens
(:attr:`EventBus.active` is checked first). Shapes:

- ``("execution", execution_id, status, message, time)``: started (``running``) and finished.
- ``("step_started", execution_id, seq, state, type, started, iteration, parent_seq)``
- ``("step", execution_id, row)``: a finished step; ``row`` is a
  :class:`runtime.history.StepRow` (fields by name, the transition taken among them).
- ``("log", execution_id, row)``: an app log row.

A subscriber that raises is dropped with a note on stderr rather than breaking a run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

Event = tuple[Any, ...]
Subscriber = Callable[[Event], None]


class EventBus:
    """Fan-out of execution events to subscribers (the UI, the CLI printer, tests)."""

    __slots__ = ("_subscribers", "active")

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self.active = False

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it."""
        self._subscribers.append(callback)
        self.active = True

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)
            self.active = bool(self._subscribers)

        return unsubscribe

    def publish(self, event: Event) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception as exc:  # noqa: BLE001 - a broken listener must not break a run
                sys.stderr.write(f"event subscriber removed after error: {exc!r}\n")
                self._subscribers.remove(callback)
                self.active = bool(self._subscribers)
