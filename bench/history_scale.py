"""Execution history at scale: write 100,000 steps, then list and filter them.

Prints figures only (no pass/fail). DESIGN.md budget: list and filter 100,000 steps in
100 ms or less. Writes go through ``HistoryStore.add_steps`` in chunks exactly as the
engine does (plain tuples, INFO level: no inputs or outputs), once inline and once with
the background writer thread; one App log line per step is written alongside so that
``logs(search=...)`` scans 100,000 lines.

It also records 5,000 short executions (begin, 10 steps, finish) to time the Executions
list and report executions recorded per second.

Usage: python bench/history_scale.py [--steps 100000] [--chunk 1000] [--repeat 5]
       [--executions 5000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime.history import HistoryStore  # noqa: E402

EID = "bench-0000-history-scale"
STATES = 50


def make_rows(n: int) -> tuple[list[tuple], list[tuple]]:
    """Step and log tuples for one execution: 50 states, batch iterations, one log each."""
    steps = [
        (EID, s, f"State{s % STATES:02d}", "app", "success" if s % 97 else "failed",
         1000.0 + s * 0.001, 1000.0 + s * 0.001 + 0.0005, None, None, s // STATES, None,
         None, None, None, None, None, None, None)
        for s in range(n)
    ]  # fmt: skip
    logs = [(EID, s, 1000.0 + s * 0.001, "INFO", f"step {s} handled item {s * 7919 % 100003}",
             None)
            for s in range(n)]  # fmt: skip
    return steps, logs


def write(path: Path, steps: list[tuple], logs: list[tuple], chunk: int, background: bool) -> None:
    """Write all rows in chunks and print engine-side and end-to-end rates."""
    with HistoryStore(path, background=background) as store:
        store.begin_execution(execution_id=EID, playbook="bench", playbook_hash="h",
                              profile=None, log_level="INFO", started=1000.0)  # fmt: skip
        start = time.perf_counter()
        for i in range(0, len(steps), chunk):
            store.add_steps(steps[i : i + chunk])
            store.add_logs(logs[i : i + chunk])
        handed = time.perf_counter() - start
        store.finish_execution(EID, status="success", message=None, completed=1100.0,
                               transitions=len(steps))  # fmt: skip
        store.flush()
        total = time.perf_counter() - start
    mode = "background" if background else "inline"
    rows = len(steps) + len(logs)
    print(f"write {mode:10s}: {len(steps):,} steps + {len(logs):,} logs in {total * 1000:7.0f} ms"
          f" = {len(steps) / total:9,.0f} steps/s ({rows / total:9,.0f} rows/s);"
          f" engine-side {handed * 1000:6.0f} ms")  # fmt: skip


def many_executions(path: Path, count: int, background: bool) -> None:
    """Record ``count`` short executions (begin, 10 steps, finish) and print the rate."""
    with HistoryStore(path, background=background) as store:
        start = time.perf_counter()
        for i in range(count):
            eid = f"run-{i:08x}-{'ab' if i % 2 else 'cd'}"
            store.begin_execution(execution_id=eid, playbook=f"playbook {i % 20}",
                                  playbook_hash="h", profile=None, log_level="INFO",
                                  started=2000.0 + i)  # fmt: skip
            store.add_steps([(eid, s, f"S{s}", "pass", "success", 2000.0 + i, 2000.0 + i,
                              None, None, None, None, None, None, None, None, "next", None,
                              None)
                             for s in range(10)])  # fmt: skip
            status = "failed" if i % 10 == 0 else "success"
            store.finish_execution(eid, status=status, message=None, completed=2001.0 + i,
                                   transitions=10)  # fmt: skip
        handed = time.perf_counter() - start
        store.flush()
        total = time.perf_counter() - start
    mode = "background" if background else "inline"
    print(f"executions {mode:10s}: {count:,} x (begin + 10 steps + finish) "
          f"{count / total:8,.0f} executions/s; engine-side {count / handed:9,.0f}/s")  # fmt: skip


def per_step_cost(n: int) -> None:
    """Engine-side cost of handing one step at a time (buffer only, no flush)."""
    steps, _ = make_rows(n)
    with HistoryStore(":memory:", flush_rows=n + 1) as store:
        add = store.add_steps
        start = time.perf_counter()
        for row in steps:
            add([row])
        elapsed = time.perf_counter() - start
    print(f"add_steps([row]) engine cost: {elapsed / n * 1e6:.2f} µs/step (buffer append only)")


def timed(label: str, repeat: int, fn: Callable[[], object]) -> None:
    """Run ``fn`` ``repeat`` times and print best and median milliseconds."""
    times: list[float] = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        size = len(result) if isinstance(result, list) else int(str(result))
    print(f"  {label:44s} {min(times) * 1000:8.1f} ms best, "
          f"{statistics.median(times) * 1000:8.1f} ms median  ({size:,} rows)")  # fmt: skip


def read(path: Path, n: int, repeat: int) -> None:
    """Time listing and filtering the steps and logs of the written execution."""
    with HistoryStore(path) as store:
        print(f"read, {n:,} steps in one execution (plus the short executions):")
        timed("list_executions()  newest 500", repeat, store.list_executions)
        timed("list_executions(playbook=, status=)", repeat,
              lambda: store.list_executions(playbook="playbook 3", status="success"))  # fmt: skip
        timed("list_executions(search=)", repeat, lambda: store.list_executions(search="ab"))
        timed("count_steps(eid)", repeat, lambda: store.count_steps(EID))
        timed("steps(eid, limit=200)  first page", repeat, lambda: store.steps(EID, limit=200))
        timed("steps(eid, after_seq=n/2, limit=200)", repeat,
              lambda: store.steps(EID, after_seq=n // 2, limit=200))  # fmt: skip
        timed("steps(eid, state=...)  filter", repeat, lambda: store.steps(EID, state="State07"))
        timed("steps(eid, state=..., iteration=...)", repeat,
              lambda: store.steps(EID, state="State07", iteration=n // STATES // 2))  # fmt: skip
        timed("state_summary(eid)  graph colours", repeat, lambda: store.state_summary(EID))
        timed("logs(eid, search=...)  filter", repeat, lambda: store.logs(EID, search="item 4242"))
        timed("logs(eid, seq=...)", repeat, lambda: store.logs(EID, seq=n // 3))
        timed("steps(eid)  all, as StepRecord", repeat, lambda: store.steps(EID))
        timed("logs(eid)  all, as LogRecord", repeat, lambda: store.logs(EID))


def main() -> None:
    """Parse arguments, write in both modes, then read."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--executions", type=int, default=5_000)
    args = parser.parse_args()
    steps, logs = make_rows(args.steps)
    with tempfile.TemporaryDirectory() as tmp:
        for background in (False, True):
            path = Path(tmp) / f"history-{int(background)}.sqlite3"
            write(path, steps, logs, args.chunk, background)
            many_executions(path, args.executions, background)
        per_step_cost(args.steps)
        read(path, args.steps, args.repeat)
        size = sum(p.stat().st_size for p in Path(tmp).glob("history-1.sqlite3*"))
        print(f"database size: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
