"""Screenshots of the run docks for the docs: ``python scripts/run_screenshots.py [DIR]``.

Opens the designer's main window offscreen on the bundled examples with a temporary history
and settings. First the whole window in its default layout during a run, at the two screen
sizes it must fit (``main-running-1366x768.png`` and ``main-running-1440x900.png``); then, at
1400 × 900 with the editing docks hidden, ``run-live.png`` (a run in progress, the graph
colouring), ``run-details-inputs.png``, ``run-details-outputs.png``,
``run-details-applogs.png`` and ``run-details-oslogs.png`` (default ``docs/screenshots``).
"""

from __future__ import annotations

import asyncio
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

from window_shots import main_window_shots

# The bundled examples as package data (a regular package: a real folder, in a wheel or bundle).
EXAMPLES = Path(str(files("resources") / "examples"))
SIZE = (1400, 900)
#: The screens the default layout must fit (a small laptop and a common desktop).
SCREEN_SIZES = ((1366, 768), (1440, 900))


def _focus_run_docks(window: Any) -> None:
    """Give the run docks the room: hide the editing docks, shrink the canvas."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget

    for dock in window.findChildren(QDockWidget):
        if not dock.objectName().startswith("Execution"):
            dock.hide()
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    docks = window.run_ui.docks
    window.resizeDocks([docks["ExecutionsDock"]], [400], Qt.Orientation.Horizontal)
    window.resizeDocks([docks["ExecutionDock"], docks["ExecutionDetailsDock"]], [104, 620],
                       Qt.Orientation.Vertical)
    window.resizeDocks([docks["ExecutionDetailsDock"], docks["ExecutionGraphDock"]],
                       [580, 420], Qt.Orientation.Horizontal)


def _show_around(ui: Any, name: str) -> None:
    """A readable zoom (70 %) centred on a state of the Execution Graph."""
    view = ui.graph.view
    view.zoom_reset()
    view.zoom_out()
    view.zoom_out()
    view.center_on(name)


async def _wait(predicate: Any, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("the run did not finish in time")
        await asyncio.sleep(0.02)


async def _finished(ui: Any, execution_id: str) -> None:
    await _wait(lambda: (live := ui.controller.live(execution_id)) is not None and live.confirmed)
    await asyncio.sleep(0.3)


async def shoot_default_layout(window: Any, out: Path, size: tuple[int, int]) -> Path:
    """The whole window, default layout, ``size``, while a run of the triage example plays."""
    ui = window.run_ui
    window.resize(*size)
    window.view_reset_layout()
    window.open_path(EXAMPLES / "suspicious-logon-triage.playbook.json")
    await asyncio.sleep(0.3)
    window.context.set_profile("Risky logon")
    ui.toolbar.set_log_level("DEBUG")
    ui.toolbar.set_speed("realtime")
    execution_id = ui.controller.run()
    await asyncio.sleep(2.0)
    ui.graph.select("Risk Score")
    await asyncio.sleep(0.4)
    path = out / f"main-running-{size[0]}x{size[1]}.png"
    window.grab().save(str(path))
    await _finished(ui, execution_id)  # not killed: the next picture lists it as a success
    ui.toolbar.set_speed(None)
    ui.toolbar.set_log_level(None)
    return path


async def shoot(window: Any, out: Path) -> list[Path]:
    ui = window.run_ui
    saved: list[Path] = []
    for size in SCREEN_SIZES:
        saved.append(await shoot_default_layout(window, out, size))
    window.resize(*SIZE)

    def grab(name: str) -> None:
        path = out / name
        window.grab().save(str(path))
        saved.append(path)

    window.open_path(EXAMPLES / "suspicious-logon-triage.playbook.json")
    _focus_run_docks(window)
    await asyncio.sleep(0.3)
    for profile, level in (("Benign user", None), ("Incident service down", None),
                           ("Risky logon", "DEBUG")):
        window.context.set_profile(profile)
        ui.toolbar.set_log_level(level)
        await _finished(ui, ui.controller.run())
    ui.toolbar.set_log_level(None)
    window.context.set_profile("Offline host")
    ui.toolbar.set_speed("realtime")
    live_id = ui.controller.run()
    await asyncio.sleep(2.2)
    ui.graph.select("Risk Score")
    _show_around(ui, "Contain")
    await asyncio.sleep(0.4)
    grab("run-live.png")
    ui.controller.kill(live_id)
    await _finished(ui, live_id)

    ui.toolbar.set_speed(None)
    done_id = ui.controller.run()
    await _finished(ui, done_id)
    ui.graph.select("Risk Score")
    _show_around(ui, "Risky?")
    ui.details.tabs.setCurrentWidget(ui.details.inputs_tab)
    await asyncio.sleep(0.2)
    grab("run-details-inputs.png")
    ui.details.tabs.setCurrentWidget(ui.details.outputs)
    ui.details.outputs.raw_button.click()
    await asyncio.sleep(0.2)
    grab("run-details-outputs.png")
    ui.details.outputs.tree_button.click()
    ui.graph.select("Stop suspicious process")
    _show_around(ui, "Contain")
    ui.details.tabs.setCurrentWidget(ui.details.app_logs)
    await asyncio.sleep(0.2)
    grab("run-details-applogs.png")

    window.open_path(EXAMPLES / "phishing-response.playbook.json")
    await asyncio.sleep(0.3)
    window.context.set_profile("Reported phish")
    phish_id = ui.controller.run()
    await _finished(ui, phish_id)
    ui.graph.select("Extract indicators")
    _show_around(ui, "Any indicators?")
    ui.details.tabs.setCurrentWidget(ui.details.os_logs)
    await asyncio.sleep(0.3)
    grab("run-details-oslogs.png")
    return saved


def main(argv: list[str] | None = None) -> int:
    return main_window_shots("run-docks", SIZE, lambda window, out, _tmp: shoot(window, out), argv, quiet=False)


if __name__ == "__main__":
    sys.exit(main())
