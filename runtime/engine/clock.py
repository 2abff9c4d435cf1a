"""The virtual clock: each pathway has a cursor on simulated time.

Speeds: ``instant`` (simulated time jumps, nothing real waits), ``realtime`` (a 5 s wait takes
5 s), or a factor ``N`` (a 1-day wait takes 86,400 / N seconds). Each pathway owns a
:class:`Cursor`; parallel paths and batch items start from their parent's cursor and the parent
resumes at the latest child's time. The cursor also enforces the execution's deadline (the
session reaper): a sleep that would cross it sleeps until the deadline and raises.

At ``instant`` speed nothing really waits, so real scheduling order would not follow
simulated time: a path sleeping an hour would finish before a sibling that fails after ten
seconds notices anything. A :class:`VirtualScheduler` per execution keeps simulated order:
each pathway that can run holds a token; a sleeping pathway gives its token up and is queued
by wake-up time; only when no pathway holds a token is the earliest sleeper woken (and given a
token). A Parallel or Batch hands its token to its children through a :class:`Join`; the last
child to end, or the first to fail, hands it back, so nothing later in simulated time runs
before the parent has reacted (e.g. stopped the other paths).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from typing import Any

from runtime.engine.errors import ExecutionStopped

INSTANT = math.inf


def parse_speed(value: str | float | int | None) -> float:
    """``instant`` → inf, ``realtime`` → 1.0, ``"10"``/``"x10"``/10 → 10.0.

    Raises:
        ValueError: With a message listing what is accepted.
    """
    if value is None:
        return INSTANT
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        factor = float(value)
    else:
        text = str(value).strip().lower().removeprefix("x").removeprefix("×")
        if text in ("instant", "inf"):
            return INSTANT
        if text in ("realtime", "real", "1"):
            return 1.0
        try:
            factor = float(text)
        except ValueError:
            raise ValueError(
                f"speed {value!r}: use instant, realtime, or a factor such as 10"
            ) from None
    if not factor > 0:
        raise ValueError(f"speed {value!r}: a factor must be greater than 0")
    return factor


def speed_label(factor: float) -> str:
    if factor == INSTANT:
        return "instant"
    if factor == 1.0:
        return "realtime"
    return f"×{factor:g}"


class VirtualScheduler:
    """Wakes instant-speed sleepers in simulated-time order (see the module docstring)."""

    __slots__ = ("active", "now", "_queue", "_order")

    def __init__(self, now: float) -> None:
        self.active = 1  # the execution's main pathway
        self.now = now
        self._queue: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep_until(self, cursor: Cursor, wake: float) -> None:
        """Give up the cursor's token until every earlier event has happened."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._queue, (wake, next(self._order), waiter))
        cursor.holds = False
        self.active -= 1
        self.release()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                cursor.holds = True  # woken (token given) but cancelled before it ran
            raise
        cursor.holds = True

    def release(self) -> None:
        """When no pathway can run, wake the earliest sleeper and give it a token."""
        queue = self._queue
        while self.active <= 0 and queue:
            wake, _, waiter = heapq.heappop(queue)
            if waiter.done():  # cancelled while sleeping
                continue
            self.active += 1
            self.now = max(self.now, wake)
            waiter.set_result(None)

    def drop(self, cursor: Cursor) -> None:
        """A pathway that held a token ends without handing it on."""
        if cursor.holds:
            cursor.holds = False
            self.active -= 1
            self.release()


class Join:
    """The token hand-over between a Parallel or Batch and its ``n`` child pathways."""

    __slots__ = ("sched", "parent", "remaining", "returned")

    def __init__(self, parent: Cursor, children: list[Cursor]) -> None:
        self.sched = parent.sched
        self.parent = parent
        self.remaining = len(children)
        self.returned = False
        if self.sched is not None:
            parent.holds = False
            self.sched.active += len(children) - 1  # the parent's token goes to the children

    def child_done(self, child: Cursor, failed: bool) -> None:
        """A child pathway ended: the last one, or a failing one, hands the token back."""
        self.remaining -= 1
        sched = self.sched
        if sched is None:
            return
        if child.holds and (failed or self.remaining == 0) and not self.returned:
            child.holds = False
            self.returned = True
            self.parent.holds = True
        else:
            sched.drop(child)

    def parent_resumed(self) -> None:
        """The parent runs again; it must hold a token whatever the children did."""
        if self.sched is not None and not self.parent.holds:
            self.parent.holds = True
            self.sched.active += 1


class Cursor:
    """A pathway's position on simulated time."""

    __slots__ = ("now", "factor", "deadline", "sched", "holds")

    def __init__(
        self, now: float, factor: float, deadline: float, sched: Any = None
    ) -> None:
        self.now = now
        self.factor = factor
        self.deadline = deadline
        self.sched: VirtualScheduler | None = sched
        if sched is None and factor == INSTANT:
            self.sched = VirtualScheduler(now)
        self.holds = True

    def fork(self) -> Cursor:
        return Cursor(self.now, self.factor, self.deadline, self.sched)

    def join(self, others: list[Cursor]) -> None:
        self.now = max([self.now, *(c.now for c in others)])

    def advance(self, seconds: float) -> None:
        """Move simulated time without waiting (work that took ``seconds``)."""
        self.now += seconds
        if self.now > self.deadline:
            self.now = self.deadline
            raise reaped()

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of simulated time (really waiting seconds / factor)."""
        if seconds <= 0:
            return
        crossing = self.now + seconds > self.deadline
        step = max(0.0, self.deadline - self.now) if crossing else seconds
        if self.factor != INSTANT and step > 0:
            loop = asyncio.get_running_loop()
            began = loop.time()
            try:
                await asyncio.sleep(step / self.factor)
            except asyncio.CancelledError:
                # Cut short (kill, or a sibling path failed): simulated time moved only as far
                # as real time did.
                self.now += min(step, (loop.time() - began) * self.factor)
                raise
        elif step > 0 and self.sched is not None:
            # Instant: nothing waits in real time, but every pathway with an earlier event
            # runs first; a sleep cut short ends at the simulated time it was stopped.
            try:
                await self.sched.sleep_until(self, self.now + step)
            except asyncio.CancelledError:
                self.now = min(self.now + step, max(self.now, self.sched.now))
                raise
        self.now += step
        if crossing:
            raise reaped()


def reaped() -> ExecutionStopped:
    return ExecutionStopped(
        "reaped",
        "Failed: the session reaper terminated the execution because it ran past the "
        "playbook's maximum runtime",
    )
