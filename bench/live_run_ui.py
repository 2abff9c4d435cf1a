"""A live 100,000-transition run in the designer's run UI: throughput and event-loop stalls.

Builds a playbook whose Batch runs a 40-state Pass chain for each of 2,500 items (about
100,000 state transitions), opens it in a window with the Executions, Execution Graph and
Execution Details docks (offscreen unless a display is set), and runs it from the
``RunController`` on the qasync loop, exactly as F5 does, with the history store's background
writer. Meanwhile a 5 ms ``Qt.PreciseTimer`` probe records when it actually fires; a *stall* is
how late a tick came (interval − 5 ms). Prints figures only (DESIGN.md budget: p99 ≤ 8 ms,
max ≤ 16 ms, at ≥ 200,000 transitions/s).

Usage: python bench/live_run_ui.py [--items 2500] [--body 40] [--repeat 3] [--select STATE]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PROBE_MS = 5
BATCH_SIZE = int(os.environ.get("BENCH_BATCH_SIZE", "1"))


def make_document(items: int, body: int):  # noqa: ANN201 - PlaybookDocument
    from runtime.model.document import PlaybookDocument

    states = {
        "Items": {"start": True, "type": "pass", "result": {"items": list(range(items))},
                  "next": "Each item"},
        "Each item": {"type": "batch", "collection_path": "$.items", "collection_variable": "item",
                      "batch_size": BATCH_SIZE, "root": "P00", "next": "Done"},
        "Done": {"type": "success"},
    }
    for i in range(body):
        states[f"P{i:02d}"] = {"type": "pass", "next": f"P{i + 1:02d}" if i + 1 < body else "End"}
    positions = {"Items": {"x": 0, "y": 0}, "Each item": {"x": 300, "y": 0},
                 "Done": {"x": 600, "y": 0}}
    for i in range(body):
        positions[f"P{i:02d}"] = {"x": 300 + (i % 8) * 280, "y": 220 + (i // 8) * 150}
    return PlaybookDocument.model_validate({
        "name": "Live run bench", "max_runtime": 86400, "definition": states,
        "layout": {"positions": positions},
    })


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class Probe:
    """A 5 ms precise timer; records the interval between ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def start(self) -> None:
        self.ticks.clear()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return [(b - a) * 1000 for a, b in zip(self.ticks, self.ticks[1:], strict=False)]


def run_once(loop, ui, probe: Probe) -> tuple[int, float, list[float], int]:  # noqa: ANN001
    async def go() -> tuple[int, float]:
        await asyncio.sleep(0.2)
        probe.start()
        began = time.perf_counter()
        execution_id = ui.controller.run()
        assert execution_id, "the run was refused"
        result = await ui.controller.wait(execution_id)
        took = time.perf_counter() - began
        live = ui.controller.live(execution_id)
        while not live.confirmed:  # the store has committed the outcome
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        assert result.status == "success", (result.status, result.message)
        return result.transitions, took

    flushes = [0]
    ui.controller.stepsArrived.connect(lambda *_: flushes.__setitem__(0, flushes[0] + 1))
    transitions, took = loop.run_until_complete(go())
    return transitions, took, probe.stop(), flushes[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2500)
    parser.add_argument("--body", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--select", default="P07", help="state selected in the graph")
    parser.add_argument("--no-history", action="store_true",
                        help="run without a history store (shows the UI's own floor)")
    args = parser.parse_args()

    import qasync
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication, QMainWindow

    tmp = Path(tempfile.mkdtemp(prefix="live-run-bench-"))
    QCoreApplication.setOrganizationName("PlaybookStudioBench")
    QCoreApplication.setApplicationName("live_run_ui")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    from designer.canvas import CanvasView, PlaybookScene
    from designer.context import DesignerContext
    from designer.document import EditableDocument
    from designer.run import install_run_ui
    from runtime.history import HistoryStore

    doc = make_document(args.items, args.body)
    context = DesignerContext(EditableDocument(doc, path=tmp / "bench.playbook.json"))
    window = QMainWindow()
    scene = PlaybookScene(context)
    window.setCentralWidget(CanvasView(scene))
    store = None if args.no_history else HistoryStore(tmp / "history.sqlite3", background=True)
    ui = install_run_ui(window, context, store)
    ui.controller.max_transitions = 10 * args.items * (args.body + 1)
    window.resize(1400, 900)
    window.show()
    probe = Probe()
    history = "no history store" if store is None else "history store, background writer"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"playbook: Batch of {args.items:,} items × {args.body}-state Pass chain, batch_size "
          f"{BATCH_SIZE}; graph and details open (selected: {args.select}); {history}; "
          f"{os.cpu_count()} CPUs, load average {load}")
    rates, stalls_all = [], []
    for attempt in range(args.repeat):
        ui.graph.select(args.select)
        transitions, took, intervals, flushes = run_once(loop, ui, probe)
        ui.graph.select(args.select)
        stalls = [max(0.0, i - PROBE_MS) for i in intervals]
        rates.append(transitions / took)
        stalls_all.extend(stalls)
        print(f"run {attempt + 1}: {transitions:,} transitions in {took * 1000:.0f} ms = "
              f"{transitions / took:,.0f}/s; UI updates {flushes / took:.0f}/s; "
              f"probe ticks {len(intervals):,}; stall p50 {percentile(stalls, 50):.2f} ms, "
              f"p99 {percentile(stalls, 99):.2f} ms, max {max(stalls, default=0):.2f} ms")
    print(f"median throughput {statistics.median(rates):,.0f} transitions/s; over all runs: "
          f"stall p50 {percentile(stalls_all, 50):.2f} ms, p99 {percentile(stalls_all, 99):.2f} "
          f"ms, max {max(stalls_all, default=0):.2f} ms "
          "(budget: p99 ≤ 8 ms, max ≤ 16 ms at ≥ 200,000/s)")
    ui.shutdown()
    if store is not None:
        store.close()
    loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
