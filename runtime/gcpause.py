"""Pausing Python's cyclic garbage collector around bursts of allocation.

Loading and validating a large playbook allocates hundreds of thousands of small objects that
live as long as the document (models, shapes, problems) and form no garbage cycles. The
collector then runs generation-2 passes over the whole heap again and again, which makes the
work grow faster than the playbook (measured: 9–28 % of load + validate at 2,300 states, more
at 10,000). :func:`paused_gc` switches it off for the burst and back on afterwards; it nests,
and it leaves the collector off when a caller had switched it off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the body with the cyclic collector disabled (reference counting still frees)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = ["paused_gc"]
