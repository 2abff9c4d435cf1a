"""The virtual clock: each pathway has a cursor on simulated time.

Speeds: ``instant`` (simulated time jumps, nothing real waits), ``realtime`` (a 5 s wait takes
5 s), or a factor ``N`` (a 1-day wait takes 86,400 / N seconds). Each pathway owns a
:class:`Cursor`; parallel paths and batch items start from their parent's cursor and the parent
resumes at the latest child's time, so simulated timestamps are right under concurrency
without a global scheduler. The cursor also enforces the execution's deadline (the session
reaper): a sleep that would cross it sleeps until the deadline and raises.
"""

from __future__ import annotations

import asyncio
import math

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


class Cursor:
    """A pathway's position on simulated time."""

    __slots__ = ("now", "factor", "deadline")

    def __init__(self, now: float, factor: float, deadline: float) -> None:
        self.now = now
        self.factor = factor
        self.deadline = deadline

    def fork(self) -> Cursor:
        return Cursor(self.now, self.factor, self.deadline)

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
        elif step > 0:
            # Instant: nothing waits, but let concurrent pathways (batch items, parallel
            # paths) start at this simulated time before this one moves past it.
            await asyncio.sleep(0)
        self.now += step
        if crossing:
            raise reaped()


def reaped() -> ExecutionStopped:
    return ExecutionStopped(
        "reaped",
        "Failed: the session reaper terminated the execution because it ran past the "
        "playbook's maximum runtime",
    )
