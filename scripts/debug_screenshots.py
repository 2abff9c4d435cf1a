"""Screenshots of the debugger and the test suite for the guide:
``python scripts/debug_screenshots.py [DIR]`` (default ``docs/screenshots``).

Offscreen, with a temporary history and settings: ``debug-paused.png`` (a breakpoint on Risk
Score of the triage example; the run paused there, the card marked on the Execution Graph,
its input in Execution Details) and ``test-suite-coverage.png`` (Run All Profiles on the
test fixture with a wrong assertion and an uncovered branch: Test Results dock, heat map on
the canvas, coverage in the status bar).
"""

from __future__ import annotations

import asyncio
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

from window_shots import main_window_shots

EXAMPLES = Path(str(files("resources") / "examples"))
SIZE = (1400, 900)
GAP = Path(__file__).resolve().parents[1] / "tests/fixtures/testing/triage-with-gap.playbook.json"


async def _wait(predicate: Any, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("timed out")
        await asyncio.sleep(0.02)


async def shoot(window: Any, out: Path) -> list[Path]:
    saved: list[Path] = []
    window.open_path(EXAMPLES / "suspicious-logon-triage.playbook.json")
    await asyncio.sleep(0.3)
    window.context.set_profile("Risky logon")
    debug = window.debug_ui
    debug.toggle("Risk Score")
    execution_id = window.run_ui.controller.run()
    await _wait(lambda: debug.paused is not None)
    graph = window.run_ui.graph.view
    graph.zoom_reset()
    graph.center_on("Risk Score")
    window.canvas.zoom_reset()  # 100 %: the break badge readable, Risk Score and Risky? whole
    pair = [window.scene.index.rect(name) for name in ("Risk Score", "Risky?")]
    if all(rect is not None for rect in pair):
        window.canvas.centerOn(pair[0].united(pair[1]).center())
    await asyncio.sleep(0.5)
    path = out / "debug-paused.png"
    window.grab().save(str(path))
    saved.append(path)
    debug.resume()
    await _wait(lambda: (live := window.run_ui.controller.live(execution_id)) is not None
                and live.confirmed)
    debug.clear_breakpoints()
    for name in ("ExecutionDock", "ExecutionDetailsDock", "ExecutionGraphDock"):
        window.run_ui.docks[name].hide()
    window.open_path(GAP)
    await asyncio.sleep(0.3)
    results: list[Any] = []
    window.suite_ui.finished.connect(results.append)
    window.suite_ui.run_all()
    await _wait(lambda: bool(results))
    window.canvas.zoom_to_fit()  # the whole heat map: every state covered or greyed
    await asyncio.sleep(0.5)
    path = out / "test-suite-coverage.png"
    window.grab().save(str(path))
    saved.append(path)
    return saved


def main(argv: list[str] | None = None) -> int:
    return main_window_shots("debugger", SIZE, lambda window, out, _tmp: shoot(window, out), argv)


if __name__ == "__main__":
    sys.exit(main())
