"""Canvas at scale: open → validate → lay out → first paint, layout quality, frame times.

Prints figures only (no pass/fail). Budgets from DESIGN.md: first paint ≤ 400 ms at 2,300
states; auto-layout ≤ 100 ms at 1,000 states (crossings ≤ 1.5 × dot's); at 10,000 states pan
p95 ≤ 12 ms and zoom-to-fit ≤ 33 ms per frame.

The playbooks are generated with a realistic shape: a start branch fans out into lanes; each
lane is a chain of segments (fetch + score actions, a branch whose two actions rejoin, a
parallel with two paths, a batch with a body); every action outside a body falls back to one
shared error handler. They carry no positions, as an imported playbook, so opening lays
them out.

Usage: QT_QPA_PLATFORM=offscreen python bench/canvas_scale.py [--sizes 200,2300,10000]
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

HANDLER = "Handle error"


def _action(action: str, nxt: str, params: dict[str, Any], fallback: bool = True) -> dict:
    state: dict[str, Any] = {"type": "action", "action": action, "parameters": params,
                             "next": nxt}
    if fallback:
        state["on_error"] = [{"error_type": "execution_error", "fallback": {"next": HANDLER}}]
    return state


def _segment(kind: int, tag: str, nxt: str) -> tuple[str, dict[str, dict[str, Any]]]:
    host = {"destination_device": "$.host"}
    if kind == 0:
        head = f"Get alerts {tag}"
        return head, {
            head: _action("get_alerts", f"Score {tag}", {"query": f"host = h{tag}"}),
            f"Score {tag}": _action("risk_score", nxt, {"entity_name": "$.user"}),
        }
    if kind == 1:
        head = f"Risky {tag}?"
        return head, {
            head: {"type": "branch", "conditions": [
                {"condition": "$.risk.score >= 70", "next": f"Contain {tag}"},
                {"condition": "$.risk.score >= 40", "next": f"Warn {tag}"}], "default": nxt},
            f"Contain {tag}": _action("manage_process", nxt, {
                "name": "$.process", "operation": "StopProcess", **host}),
            f"Warn {tag}": _action("send_popup_message", nxt, {"message": "Heads up", **host}),
        }
    if kind == 2:
        head = f"Fan out {tag}"
        return head, {
            head: {"type": "parallel", "next": nxt, "paths": [
                {"name": "isolate", "root": f"Isolate {tag}"},
                {"name": "log", "root": f"Note {tag}"}]},
            f"Isolate {tag}": _action("machine_actions", "End",
                                      {"operation": "LogOff", **host}, fallback=False),
            f"Note {tag}": {"type": "pass", "result": {"note": tag}, "next": "End"},
        }
    head = f"Each alert {tag}"
    return head, {
        head: {"type": "batch", "collection_path": "$.alerts", "collection_variable": "alert",
               "batch_size": 10, "root": f"Enrich {tag}", "next": nxt},
        f"Enrich {tag}": {"type": "pass", "result": {"seen": True}, "next": "End"},
    }


def generate(n: int) -> dict[str, Any]:
    """A native playbook document (plain data, no layout) with about ``n`` states."""
    lanes = max(1, round(math.sqrt(n) / 8))
    definition: dict[str, dict[str, Any]] = {
        "Route": {"start": True, "type": "branch", "conditions": [], "default": ""},
        HANDLER: {"type": "pass", "next": "Failed"},
        "Failed": {"type": "failure", "error": "Failed", "cause": "an action failed"},
        "Done": {"type": "success"},
    }
    per_lane = (n - len(definition)) / lanes
    heads = []
    for lane in range(lanes):
        nxt, count, seg = "Done", 0, 0
        while count < per_lane - 1:
            head, states = _segment(seg % 4, f"{lane}.{seg}", nxt)
            definition.update(states)
            count += len(states)
            nxt, seg = head, seg + 1
        heads.append(nxt)
    route = definition["Route"]
    route["conditions"] = [{"condition": f"$.lane == {i}", "next": h}
                           for i, h in enumerate(heads[:-1])]
    route["default"] = heads[-1]
    return {"format": "playbook-studio", "format_version": 1, "name": f"Generated {n}",
            "definition": definition}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def frame_stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:6.2f} ms  p95 {p95 * 1000:6.2f} ms"


class Bench:
    """One opened playbook: document, context, scene and a 1400 × 800 view."""

    def __init__(self, n: int) -> None:
        from designer.canvas import CanvasView, PlaybookScene
        from designer.canvas.autolayout import missing_positions
        from designer.context import DesignerContext
        from designer.document import EditableDocument, Patch
        from runtime.model import document_from_data

        data = generate(n)
        doc, self.t_open = timed(lambda: document_from_data(data))
        self.states = len(doc.definition)
        self.context, self.t_validate = timed(lambda: DesignerContext(EditableDocument(doc)))
        positions, self.t_layout = timed(lambda: missing_positions(self.context.document))
        self.context.document.apply(Patch(positions=positions))
        self.scene, self.t_scene = timed(lambda: PlaybookScene(self.context))
        self.view = CanvasView(self.scene)
        self.view.resize(1400, 800)
        self.view.show()
        QApplication.processEvents()
        self.image = QImage(self.view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
        self.t_fit = timed(self.view.zoom_to_fit)[1]
        self.t_first_paint = timed(self.render)[1]
        self.t_items = timed(self.wait_for_items)[1]

    def wait_for_items(self) -> None:
        """Let the event loop create the items in their time slices, timing the longest
        turn and the longest garbage-collector pause (gen 2 scans every live object)."""
        self.longest_slice = 0.0
        pauses = [0.0]
        started = [0.0]

        def on_gc(phase: str, info: dict) -> None:
            if phase == "start":
                started[0] = time.perf_counter()
            else:
                pauses.append(time.perf_counter() - started[0])
        gc.callbacks.append(on_gc)
        try:
            while self.scene.projection.is_building():
                start = time.perf_counter()
                QApplication.processEvents()
                self.longest_slice = max(self.longest_slice, time.perf_counter() - start)
        finally:
            gc.callbacks.remove(on_gc)
        self.longest_gc = max(pauses)

    def close(self) -> None:
        self.view.close()
        self.view.deleteLater()
        QApplication.processEvents()

    def render(self) -> None:
        self.image.fill(0)
        self.view.viewport().render(self.image)

    def open_line(self) -> str:
        total = self.t_open + self.t_validate + self.t_layout + self.t_scene + self.t_fit \
            + self.t_first_paint
        return (f"{self.states:6,} states: open {ms(self.t_open)}  validate {ms(self.t_validate)}"
                f"  layout {ms(self.t_layout)}  scene {ms(self.t_scene)}  fit {ms(self.t_fit)}"
                f"  first paint {ms(self.t_first_paint)}  = total {ms(total)}"
                f"\n          ({len(self.scene.edge_items()):,} edges; every item built in the"
                f" background {ms(self.t_items)} later, longest event-loop turn"
                f" {ms(self.longest_slice)}, longest GC pause {ms(self.longest_gc)})")


def bench_open(sizes: list[int]) -> Bench | None:
    print("Open → validate → lay out → first paint (zoom to fit, 1400 × 800)")
    print("  (validate = DesignerContext creation, which validates; scene = PlaybookScene())")
    last = None
    for n in sizes:
        bench = Bench(n)
        print("  " + bench.open_line())
        bench.view.zoom_reset()
        bench.view.centerOn(bench.scene.content_rect().center())
        print(f"          first paint at 100 % zoom (cards drawn one by one): "
              f"{ms(timed(bench.render)[1])}")
        if last is not None:
            last.close()
        last = bench
    return last


def bench_layout(n: int = 1000) -> None:
    from designer.canvas.autolayout import layout_positions
    from designer.document import EditableDocument
    from runtime.layout import count_crossings, layout_definition
    from runtime.model import document_from_data

    doc = document_from_data(generate(n))
    editable = EditableDocument(doc)
    runs = [timed(lambda: layout_definition(doc.definition, doc.start_state()))[1]
            for _ in range(5)]
    canvas_runs = [timed(lambda: layout_positions(editable))[1] for _ in range(5)]
    positions = layout_positions(editable)
    crossings = count_crossings(doc.definition, positions)
    import runtime.layout as layered

    rounds, layered.TRANSPOSE_ROUNDS = layered.TRANSPOSE_ROUNDS, 0
    try:
        sweeps_only = count_crossings(doc.definition, layout_positions(editable))
    finally:
        layered.TRANSPOSE_ROUNDS = rounds
    print(f"\nAuto-layout at {len(doc.definition):,} states: runtime.layout "
          f"{ms(min(runs))} (median {ms(statistics.median(runs))}); with card spacing "
          f"{ms(min(canvas_runs))}; crossings {crossings} (barycentre sweeps alone, without "
          f"the transpose pass: {sweeps_only}; dot: 0)")
    bench = Bench(n)
    bench.scene.projection.finish_build()
    from designer.document import Patch

    scrambled = {name: (float(i % 40) * 300, float(i // 40) * 150)
                 for i, name in enumerate(bench.context.document.definition)}
    bench.context.push(Patch(positions=scrambled), "Scramble")
    done, t_command = timed(lambda: bench.view.auto_layout())
    print(f"  the Auto-layout command on an open canvas (one undo step, every card moved and "
          f"every edge re-routed): {ms(t_command)} ({'done' if done else 'nothing to do'})")
    bench.close()


def bench_frames(bench: Bench) -> None:
    view, scene = bench.view, bench.scene
    print(f"\nFrames at {bench.states:,} states (render the 1400 × 800 viewport into a QImage)")
    view.zoom_reset()
    view.centerOn(scene.content_rect().center())
    bench.render()
    pans = []
    for index in range(60):
        step = 50 if (index // 20) % 2 == 0 else -50
        pans.append(timed(lambda s=step: (view.pan_by(s, 0), bench.render()))[1])
    print(f"  pan by 50 px at 100 % zoom:        {frame_stats(pans)}")
    _, t_fit = timed(view.zoom_to_fit)
    first = timed(bench.render)[1]
    fits = [timed(bench.render)[1] for _ in range(20)]
    print(f"  zoom to fit: switch {ms(t_fit)}, first frame {ms(first)}, then {frame_stats(fits)}"
          f"  (zoom {view.zoom():.4f}, overview on: {scene.lod})")
    pans_lod = []
    for _ in range(30):
        pans_lod.append(timed(lambda: (view.pan_by(50, 0), bench.render()))[1])
    print(f"  pan while zoomed to fit:           {frame_stats(pans_lod)}")
    bench_drag(bench)
    bench_status(bench)


def bench_drag(bench: Bench) -> None:
    view, scene = bench.view, bench.scene
    view.zoom_reset()
    name = next(n for n in scene.context.document.definition if n.startswith("Risky"))
    item = scene.item(name)
    view.centerOn(item.sceneBoundingRect().center())
    bench.render()
    frames = []
    for _ in range(30):
        def frame() -> None:
            item.setPos(item.pos() + QPointF(4, 2))
            scene.projection.reroute([name])
            bench.render()
        frames.append(timed(frame)[1])
    pos = item.pos()
    _, commit = timed(lambda: scene.editor.move({name: (pos.x(), pos.y())}))
    print(f"  drag one state (move + re-route + render): {frame_stats(frames)};"
          f" commit (one undo step) {ms(commit)}")


def bench_status(bench: Bench) -> None:
    view, scene = bench.view, bench.scene
    names = list(scene.context.document.definition)
    _, t_mode = timed(lambda: scene.run_marks.set_run_mode(True))
    for label, setup in (("100 % zoom", view.zoom_reset), ("zoomed to fit", view.zoom_to_fit)):
        setup()
        if label == "100 % zoom":
            view.centerOn(scene.item(names[len(names) // 2]).sceneBoundingRect().center())
        bench.render()
        chunk = names[len(names) // 2: len(names) // 2 + 200]

        def burst(chunk: list[str] = chunk) -> None:
            for index, name in enumerate(chunk):
                status = "running" if index == len(chunk) - 1 else "success"
                scene.item(name).set_run_status(status, f"{status} · 5f3a · 0.{index} s")
            bench.render()
        _, t_burst = timed(burst)
        print(f"  200 set_run_status + render at {label}: {ms(t_burst)}"
              f" (run mode on: {ms(t_mode)})")
        scene.run_marks.clear_run_marks()
    scene.run_marks.set_run_mode(False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200,2300,10000")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from runtime.catalog import load_catalog

    _, t_catalog = timed(load_catalog)
    print(f"(catalog load, once per process: {ms(t_catalog)})")
    sizes = [int(s) for s in args.sizes.split(",")]
    big = bench_open(sizes)
    bench_layout(1000)
    if big is not None:
        bench_frames(big)
    del app


if __name__ == "__main__":
    main()
