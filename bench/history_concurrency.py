"""Concurrent runs on one history database: no "database is locked", no step row lost.

Starts RUNS processes at once; each runs one execution of TRANSITIONS state transitions (a
500-state cycle of Pass states stopped by the transition cap, every step recorded) on the
same history file, with the CLI's set-up: background writer and run control (a flush every
200 ms, kill-request polling every 50 ms). Then counts the step rows of every execution and
prints the figures. Exits 1 when a run failed to write (any exception, "database is locked"
included) or a row is missing: that is a correctness failure, not a time budget.

Usage: python bench/history_concurrency.py [--runs 20] [--transitions 30000] [--db PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def worker(db: str, transitions: int) -> None:
    """One process: run one execution and print its id, status and transitions as JSON."""
    from runtime.engine import CompiledPlaybook, Engine, RunOptions
    from runtime.history import HistoryStore
    from runtime.history.control import controlled
    from runtime.model import document_from_data

    n = 500
    definition = {f"S{i}": {"type": "pass", "result": {"i": i}, "result_path": "$.last",
                            "next": f"S{(i + 1) % n}"} for i in range(n)}
    definition["S0"]["start"] = True
    doc = document_from_data({"format_version": 1, "name": "concurrent",
                              "definition": definition})
    playbook = CompiledPlaybook(doc, check=False)

    async def run() -> object:
        store = HistoryStore(db, background=True)
        engine = Engine(store)
        try:
            execution_id = engine.start(playbook, RunOptions(max_transitions=transitions,
                                                             log_level="INFO"))
            async with controlled(store, engine):
                result = await engine.wait(execution_id)
        finally:
            store.close()
        return result

    result = asyncio.run(run())
    print(json.dumps({"id": result.execution_id, "transitions": result.transitions}))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--transitions", type=int, default=30_000)
    parser.add_argument("--db")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.db, args.transitions)
        return 0
    db = args.db or str(Path(tempfile.mkdtemp(prefix="history-concurrency-")) / "h.sqlite3")
    began = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", "--db", db,
                               "--transitions", str(args.transitions)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(args.runs)]
    outcomes = [proc.communicate() for proc in procs]
    wall = time.perf_counter() - began
    failures = [err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"
                for proc, (_out, err) in zip(procs, outcomes, strict=True)
                if proc.returncode != 0]
    runs = [json.loads(out) for proc, (out, _err) in zip(procs, outcomes, strict=True)
            if proc.returncode == 0]
    with sqlite3.connect(db) as conn:
        counts = dict(conn.execute("SELECT e.id, count(s.seq) FROM executions AS e "
                                   "LEFT JOIN steps AS s ON s.ex = e.key GROUP BY e.id"))
    lost = sum(max(0, run["transitions"] - counts.get(run["id"], 0)) for run in runs)
    rows = sum(counts.values())
    print(f"{args.runs} concurrent runs x {args.transitions:,} transitions on one history: "
          f"{len(runs)} finished, {len(failures)} failed, {rows:,} step rows, {lost} lost, "
          f"{wall:.1f} s wall ({rows / wall:,.0f} rows/s)")
    for failure in failures:
        print(f"  failure: {failure}")
    return 1 if failures or lost else 0


if __name__ == "__main__":
    sys.exit(main())
