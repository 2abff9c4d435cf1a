"""Screenshot of the Compare view for the guide: ``python scripts/compare_screenshots.py [DIR]``
(default ``docs/screenshots``).

Offscreen, with temporary settings and history: the triage example is copied and edited the
way an author would change it over time (Get Alerts' ``limit`` 50 → 100, Record benign renamed
to Record verdict, Note popup not shown removed, a Notify SOC state added before Contained),
the edited copy is opened and compared with the original (File → Compare With…, another
file), and F7 steps to the second change (Get Alerts, one parameter). ``compare.png`` is the
Compare dock, widened in a wide window so that the merged canvas fits at about 50 % with
cards in full detail: added green, changed amber with their captions, removed red dashed;
beside it the list of changes and the per-field lines of the current one.
"""

from __future__ import annotations

import asyncio
import json
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

from window_shots import main_window_shots

EXAMPLES = Path(str(files("resources") / "examples"))
SIZE = (1600, 760)


def edited_copy(original: Path, folder: Path) -> Path:
    """The triage example with one change of each kind; returns the new file."""
    data = json.loads(original.read_text(encoding="utf-8"))
    states = data["definition"]
    states["Get Alerts"]["parameters"]["limit"] = 100  # a changed parameter
    states["Record verdict"] = states.pop("Record benign")  # a rename
    states["Risky?"]["default"] = "Record verdict"
    states.pop("Note popup not shown")  # a removed state
    for rule in states["Warn user"].get("on_error", []):
        if rule.get("fallback", {}).get("next") == "Note popup not shown":
            rule["fallback"]["next"] = "End"
    states["Notify SOC"] = {  # an added state
        "type": "pass", "result": {"notified": "soc-tier2"}, "result_path": "$.notice",
        "next": "Contained"}
    states["Create Incident"]["next"] = "Notify SOC"
    layout = data.get("layout", {})
    positions = layout.get("positions", layout) if isinstance(layout, dict) else {}
    if isinstance(positions, dict) and "Contained" in positions:
        positions["Record verdict"] = positions.pop("Record benign")
        positions.pop("Note popup not shown", None)
        positions["Notify SOC"] = dict(positions["Contained"])  # Contained moves one right
        positions["Contained"] = {**positions["Contained"],
                                  "x": positions["Contained"]["x"] + 280.0}
    path = folder / "suspicious-logon-triage-v2.playbook.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


async def shoot(window: Any, out: Path, tmp: Path) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QSplitter

    from designer.compare import compare_controller

    original = tmp / "suspicious-logon-triage.playbook.json"
    original.write_text((EXAMPLES / original.name).read_text(encoding="utf-8"),
                        encoding="utf-8")
    window.open_path(edited_copy(original, tmp))
    await asyncio.sleep(0.3)
    controller = compare_controller(window)
    controller.compare_with_file(original)
    dock, widget = controller.dock, controller.widget
    for other in (window.palette_dock, window.problems_dock,
                  window.run_ui.docks["ExecutionsDock"]):
        other.hide()
    window.resizeDocks([dock], [int(SIZE[0] * 0.85)], Qt.Orientation.Horizontal)
    await asyncio.sleep(0.3)
    split = widget.view.parentWidget()
    if isinstance(split, QSplitter):  # most of the dock for the merged canvas
        split.setSizes([int(split.width() * 0.78), int(split.width() * 0.22)])
    window.canvas.zoom_to_fit()
    await asyncio.sleep(0.3)
    window.activateWindow()
    for _ in range(2):  # F7 twice: to Get Alerts, whose one parameter changed
        QTest.keyClick(window, Qt.Key.Key_F7)
    await asyncio.sleep(0.3)
    widget.view.zoom_to_fit()  # ~50 %: the whole flow, cards in full detail with captions
    await asyncio.sleep(0.4)
    path = out / "compare.png"
    dock.grab().save(str(path))  # the Compare dock itself, not the squeezed main canvas
    return [path]


def main(argv: list[str] | None = None) -> int:
    return main_window_shots("compare", SIZE, shoot, argv)


if __name__ == "__main__":
    sys.exit(main())
