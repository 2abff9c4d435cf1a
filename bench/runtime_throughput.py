"""Runtime throughput: state transitions per second and executions started per second.

Prints figures only (no pass/fail). DESIGN.md budgets, with history persisted to a SQLite
file (``HistoryStore`` on a temporary file, finished and flushed inside the timing):

- a 10,000-transition pass chain at INFO: >= 100,000 transitions/s;
- a batch over 2,000 items with a 3-state pass body: >= 50,000 transitions/s;
- executions started per second for a 10-state playbook: >= 5,000/s.

Each engine figure is also given as a ratio to a bare Python loop doing the same dictionary
work (dict dispatch over the same chain, one step tuple per transition, no asyncio, no
history). Runs are repeated and the best is reported (``--repeat``).

Usage: python bench/runtime_throughput.py [--states 10000] [--items 2000] [--executions 2000]
       [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime.engine import CompiledPlaybook, Engine, RunOptions  # noqa: E402
from runtime.history import HistoryStore  # noqa: E402
from runtime.model import document_from_data  # noqa: E402

UNLIMITED = 10**9
PAYLOAD = {"alert": {"id": 700017, "severity": "critical", "host": "WS-FIN-014"}, "n": 1}


def chain_definition(states: int) -> dict[str, Any]:
    definition = {
        f"S{i}": {"type": "pass", "next": f"S{i + 1}" if i + 1 < states else "End"}
        for i in range(states)
    }
    definition["S0"]["start"] = True
    return definition


def batch_definition(body: int) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "Each": {"start": True, "type": "batch", "collection_path": "$.items",
                 "collection_variable": "item", "batch_size": 10, "root": "B0",
                 "result_path": "$.results", "next": "End"},
    }
    for i in range(body):
        definition[f"B{i}"] = {"type": "pass", "next": f"B{i + 1}" if i + 1 < body else "End"}
    return definition


def compile_definition(definition: dict[str, Any], name: str) -> CompiledPlaybook:
    doc = document_from_data({"format_version": 1, "name": name, "definition": definition})
    return CompiledPlaybook(doc, check=False)


def timed_run(playbook: CompiledPlaybook, store: HistoryStore | None,
              options: RunOptions) -> tuple[int, float]:
    """Run one execution (history finished and flushed); returns (transitions, seconds)."""
    began = time.perf_counter()
    result = asyncio.run(Engine(store).run(playbook, options))
    if store is not None:
        store.flush()
    seconds = time.perf_counter() - began
    assert result.status == "success", result.message
    return result.transitions, seconds


def best_run(repeat: int, playbook: CompiledPlaybook, store: HistoryStore | None,
             options: RunOptions) -> tuple[int, float]:
    """Best of ``repeat`` runs; returns (transitions, best seconds)."""
    runs = [timed_run(playbook, store, options) for _ in range(repeat)]
    return runs[0][0], min(seconds for _, seconds in runs)


def bare_chain(definition: dict[str, Any], start: str, data: Any) -> int:
    """The same dictionary work as the engine's chain, in a bare loop."""

    def pass_(state: dict[str, Any], value: Any) -> tuple[str | None, Any]:
        nxt = state.get("next")
        return (None if nxt == "End" else nxt), value

    dispatch = {"pass": pass_}
    rows: list[tuple[Any, ...]] = []
    name: str | None = start
    count = 0
    while name is not None:
        state = definition[name]
        count += 1
        name, data = dispatch[state["type"]](state, data)
        rows.append(("x", count, name, "pass", "success", 0.0, 0.0))
    return count


def bare_batch(definition: dict[str, Any], items: list[Any]) -> int:
    count = 1
    for index, item in enumerate(items):
        count += bare_chain(definition, "B0", {"item": item, "batch_index": index})
    return count


def bare_rate(repeat: int, work: Callable[[], int]) -> float:
    best = float("inf")
    transitions = 0
    for _ in range(repeat):
        began = time.perf_counter()
        transitions = work()
        best = min(best, time.perf_counter() - began)
    return transitions / best


def report(label: str, transitions: int, seconds: float, bare: float) -> float:
    rate = transitions / seconds
    print(f"  {label:34} {transitions:>7,} transitions in {seconds * 1000:7.1f} ms = "
          f"{rate:>10,.0f}/s  ({rate / bare:.3f} of the bare loop)")
    return rate


def bench_levels(folder: Path, label: str, playbook: CompiledPlaybook, payload: Any,
                 repeat: int, bare: float) -> dict[str, float]:
    rates = {}
    for level in ("INFO", "DEBUG"):
        with HistoryStore(folder / f"{label}-{level}.sqlite3") as store:
            options = RunOptions(payload=payload, log_level=level, max_transitions=UNLIMITED)
            transitions, seconds = best_run(repeat, playbook, store, options)
        rates[level] = report(f"engine + history at {level}", transitions, seconds, bare)
    options = RunOptions(payload=payload, log_level="INFO", max_transitions=UNLIMITED)
    transitions, seconds = best_run(repeat, playbook, None, options)
    rates["none"] = report("engine alone (no history)", transitions, seconds, bare)
    return rates


def bench_chain(folder: Path, states: int, repeat: int) -> dict[str, float]:
    definition = chain_definition(states)
    playbook = compile_definition(definition, "chain")
    bare = bare_rate(repeat, lambda: bare_chain(definition, "S0", PAYLOAD))
    print(f"Pass chain, {states:,} states (bare dict-dispatch loop: {bare:,.0f}/s)")
    return bench_levels(folder, "chain", playbook, PAYLOAD, repeat, bare)


def bench_batch(folder: Path, items: int, repeat: int) -> dict[str, float]:
    definition = batch_definition(3)
    playbook = compile_definition(definition, "batch")
    payload = {"items": [{"id": i, "host": f"WS-{i:05d}"} for i in range(items)]}
    bare = bare_rate(repeat, lambda: bare_batch(definition, payload["items"]))
    print(f"Batch over {items:,} items, 3-state pass body, 10 at once "
          f"(bare loop: {bare:,.0f}/s)")
    return bench_levels(folder, "batch", playbook, payload, repeat, bare)


def bench_starts(folder: Path, executions: int, repeat: int) -> dict[str, float]:
    playbook = compile_definition(chain_definition(10), "ten")
    options = RunOptions(payload=PAYLOAD, log_level="INFO")
    print(f"Executions of a 10-state playbook at INFO, {executions:,} per round")

    async def sequential(engine: Engine) -> None:
        for _ in range(executions):
            await engine.run(playbook, options)

    async def concurrent(engine: Engine) -> None:
        await asyncio.gather(*(engine.run(playbook, options) for _ in range(executions)))

    stores: list[tuple[str, Callable[[Path], HistoryStore | None]]] = [
        ("history file", lambda path: HistoryStore(path)),
        ("history file, writer thread", lambda path: HistoryStore(path, background=True)),
        ("no history", lambda path: None),
    ]
    rates = {}
    for store_label, make_store in stores:
        for mode, body in (("sequential", sequential), ("concurrent", concurrent)):
            best = float("inf")
            for round_ in range(repeat):
                store = make_store(folder / f"starts-{len(rates)}-{round_}.sqlite3")
                began = time.perf_counter()
                asyncio.run(body(Engine(store)))
                if store is not None:
                    store.flush()
                best = min(best, time.perf_counter() - began)
                if store is not None:
                    store.close()
            label = f"{mode}, {store_label}"
            rates[label] = executions / best
            print(f"  {label:40} {executions:,} in {best * 1000:7.1f} ms = "
                  f"{rates[label]:>9,.0f}/s")
    return rates


def profile_chain(folder: Path, states: int) -> None:
    playbook = compile_definition(chain_definition(states), "chain")
    with HistoryStore(folder / "profile.sqlite3") as store:
        options = RunOptions(payload=PAYLOAD, log_level="INFO", max_transitions=UNLIMITED)
        profiler = cProfile.Profile()
        profiler.enable()
        timed_run(playbook, store, options)
        profiler.disable()
    print(f"\ncProfile of one {states:,}-state chain at INFO (top 15 by own time):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--executions", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also cProfile the chain")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runtime-bench-") as tmp:
        folder = Path(tmp)
        chain = bench_chain(folder, args.states, args.repeat)
        batch = bench_batch(folder, args.items, args.repeat)
        starts = bench_starts(folder, args.executions, max(1, args.repeat // 2))
        print("\nBudgets (DESIGN.md), history persisted:")
        print(f"  pass chain at INFO  >= 100,000/s: {chain['INFO']:>9,.0f}/s")
        print(f"  batch at INFO       >=  50,000/s: {batch['INFO']:>9,.0f}/s "
              f"(DEBUG {batch['DEBUG']:,.0f}/s)")
        print(f"  executions started  >=   5,000/s: "
              f"{starts['sequential, history file']:>9,.0f}/s "
              f"({starts['sequential, history file, writer thread']:,.0f}/s with the writer "
              f"thread, {starts['sequential, no history']:,.0f}/s without history)")
        if args.profile:
            profile_chain(folder, args.states)


if __name__ == "__main__":
    main()
