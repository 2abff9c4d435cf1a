"""Run control across processes: kill requests and live flushing, polled by the owning engine.

Owns :class:`RunControl`. A kill is a request recorded in the history (``kill_requests``), not a
signal to a process that may host other work (the designer): whoever wants a run stopped — the
CLI's ``executions kill``, the designer's Kill on a run another process owns — calls
``HistoryStore.request_kill``. The process running the execution calls :meth:`RunControl.tick`
every 50 ms (an asyncio task in the CLI, a timer in the designer): it kills the requested
executions of its engine and hands buffered steps to the writer at least every 200 ms, so other
processes see a run live and a SIGKILL loses at most the last 200 ms of steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import Any

POLL_SECONDS = 0.05
FLUSH_SECONDS = 0.2


class RunControl:
    """Polls one store for kill requests aimed at one engine's executions, and flushes.

    Attributes:
        honoured: Executions this control killed on request (newest last).
    """

    def __init__(self, store: Any, engine: Any) -> None:
        """Args:
        store: The ``HistoryStore`` the engine writes to.
        engine: The ``runtime.engine.Engine`` (``running`` mapping and ``kill``).
        """
        self.store = store
        self.engine = engine
        self.honoured: list[str] = []

    def tick(self) -> list[str]:
        """One poll: kill what was requested, flush rows when due.

        Returns:
            The executions killed by this call.
        """
        running = list(self.engine.running)
        if not running or self.store is None:
            return []
        if self.store.flush_due(FLUSH_SECONDS):
            for _task, switch in list(self.engine.running.values()):
                context = getattr(switch, "context", None)
                if context is not None:
                    context.flush()  # the engine's own buffer into the store's
            self.store.flush_if_due(FLUSH_SECONDS)
        for _task, switch in list(self.engine.running.values()):
            running.extend(getattr(switch, "descendants", None) or ())
        try:
            wanted = self.store.kill_requests(running)
        except sqlite3.Error:
            return []  # busy or closing: the next poll asks again
        killed = [eid for eid in wanted if self.engine.kill(eid)]
        self.honoured.extend(killed)
        return killed

    async def watch(self, interval: float = POLL_SECONDS) -> None:
        """Tick every ``interval`` seconds until cancelled."""
        while True:
            self.tick()
            await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def controlled(store: Any, engine: Any) -> Any:
    """Run a :class:`RunControl` watcher for the duration of the ``async with`` block."""
    control = RunControl(store, engine)
    task = asyncio.ensure_future(control.watch())
    try:
        yield control
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
