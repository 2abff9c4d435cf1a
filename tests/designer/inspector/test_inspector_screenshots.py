"""Screenshots of the inspector (Create Incident, Execute Script, Branch, Batch) at 420×900.

Each is rendered offscreen and checked to be a real picture (not blank, nothing wider than the
dock). With ``UPDATE_SCREENSHOTS=1`` they are written to ``docs/screenshots/inspector-<id>.png``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from test_inspector_support import OFFSCREEN_NOISE, make_document, open_inspector, select

from designer.document import load_editable

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]
ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "resources" / "examples"
OUT = ROOT / "docs" / "screenshots"
SIZE = (420, 900)


def execute_script_document() -> Any:
    return make_document(
        {
            "Get alerts": {"start": True, "type": "action", "action": "get_alerts",
                           "parameters": {"limit": 10}, "next": "Run cleanup script"},
            "Run cleanup script": {
                "type": "action", "action": "execute_script",
                "parameters": {
                    "script_type": "Powershell", "script_file_name": "remove-persistence.ps1",
                    "arguments": "-TaskName,UpdaterSvc,-Quiet", "timeout": 150,
                    "working_directory": "C:\\SOC\\scripts", "domain_name": "corp.acme.local",
                    "destination_device": "$.host",
                },
                "on_error": [{"error_type": "custom_error", "error_codes": ["10001108"],
                              "retry": {"delay": 5, "attempt": 3, "step_delay": 2},
                              "fallback": {"next": "Host offline"}}],
                "next": "Done",
            },
            "Host offline": {"type": "failure", "error": "HostOffline"},
            "Done": {"type": "success"},
        },
        payload={"host": "WS-FIN-014", "user": "jdoe"},
    )


def branch_document() -> Any:
    document = load_editable(EXAMPLES / "suspicious-logon-triage.playbook.json")
    state = document.state_dict("Risky?")
    state["conditions"].append({"condition": "$.risk.score >= 40 &&", "next": "Contain"})
    document.doc.definition["Risky?"] = type(document.doc.definition["Risky?"]).model_validate(
        state)
    return document


CASES = {
    "create_incident": (lambda: load_editable(EXAMPLES / "suspicious-logon-triage.playbook.json"),
                        "Create Incident"),
    "execute_script": (execute_script_document, "Run cleanup script"),
    "branch": (branch_document, "Risky?"),
    "batch": (lambda: load_editable(EXAMPLES / "log-source-health.playbook.json"),
              "Check each source"),
}


@pytest.mark.parametrize("entry_id", list(CASES))
def test_screenshot(qtbot, tmp_path: Path, entry_id: str) -> None:
    build, name = CASES[entry_id]
    context, inspector = open_inspector(qtbot, build(), SIZE)
    page = select(context, inspector, name)
    assert page.name == name
    assert page.minimumSizeHint().width() <= SIZE[0]  # nothing is clipped at dock width
    qtbot.wait(50)
    image = inspector.grab().toImage()
    assert (image.width(), image.height()) == SIZE
    colours = {image.pixel(x, y) for x in range(0, SIZE[0], 7) for y in range(0, SIZE[1], 7)}
    assert len(colours) > 20  # a drawn form, not a blank widget
    target = OUT if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"inspector-{entry_id}.png"
    assert image.save(str(path))
    assert QImage(str(path)).size() == image.size()
