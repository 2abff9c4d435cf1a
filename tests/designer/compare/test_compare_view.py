"""File → Compare With…: the merged canvas coloured by change, the per-field list, and
stepping with F7 / Shift+F7 — driven through the real action and keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QGraphicsPathItem

import designer.compare.controller as controller_module
from designer.compare import merge_versions
from designer.document import set_state_field
from runtime.jsonio import dump_text
from runtime.loader import load_playbook

OFFSCREEN_NOISE = "This plugin does not support"
pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)]


def rename_all(data: Any, old: str, new: str) -> Any:
    return json.loads(json.dumps(data).replace(json.dumps(old), json.dumps(new)))


def versions(examples_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The example (old) and an edited copy (new): a rename with an edit, a removal, an
    addition and a parameter change."""
    old_path = examples_dir / "suspicious-logon-triage.playbook.json"
    data = json.loads(old_path.read_text())
    data = rename_all(data, "Warn user", "Warn the user")
    definition = data["definition"]
    definition["Warn the user"]["parameters"]["message"] = "Please lock your screen."
    definition["Get Alerts"]["parameters"]["limit"] = 25
    del definition["Record benign"]
    del data["layout"]["positions"]["Record benign"]
    definition["Risky?"]["default"] = "Benign"
    definition["Create Incident"]["next"] = "Wait a minute"
    definition["Wait a minute"] = {"type": "wait", "duration": 60, "next": "Contained"}
    data["layout"]["positions"]["Wait a minute"] = {"x": 1260.0, "y": 260.0}
    old = tmp_path / "old.playbook.json"
    old.write_text(old_path.read_text())
    new = tmp_path / "new.playbook.json"
    new.write_text(dump_text(data))
    return old, new


EXPECTED = {
    "Get Alerts": "changed", "Risky?": "changed", "Warn the user": "changed",
    "Create Incident": "changed", "Record benign": "removed", "Wait a minute": "added",
}


def test_merge_keeps_removed_states_with_their_edges_renamed(examples_dir, tmp_path) -> None:
    old, new = versions(examples_dir, tmp_path)
    merged = merge_versions(load_playbook(old).document, load_playbook(new).document)
    assert {e.name: e.kind for e in merged.entries} == EXPECTED
    removed = merged.document.state("Record benign")
    assert removed.next == "Benign" and not removed.start
    warn = merged.entry("Warn the user")
    assert warn is not None and len(warn.lines) == 2
    assert warn.lines[0] == "renamed from 'Warn user'"
    assert warn.lines[1].startswith('parameters.message: "Security notice')
    assert warn.lines[1].endswith('→ "Please lock your screen."')
    assert merged.entry("Get Alerts").lines == ["parameters.limit: 50 → 25"]
    assert merged.entry("Create Incident").lines == ["+ next → Wait a minute",
                                                     "- next → Contained"]
    risky = merged.entry("Risky?")
    assert risky is not None and risky.lines == ["+ default → Benign",
                                                 "- default → Record benign"]


@pytest.fixture
def window(main_window):
    return main_window((1500, 900), settle_ms=0)


def test_compare_with_a_file_through_the_action_and_step_with_f7(
        qtbot, window, examples_dir, tmp_path, monkeypatch) -> None:
    old, new = versions(examples_dir, tmp_path)
    assert window.open_path(new)
    asked: list[Any] = []
    monkeypatch.setattr(controller_module, "ask_source",
                        lambda parent, saved: asked.append(saved) or "file")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(old), "")))
    action = window.actions_by_key["compare"]
    assert action.text() == "Compare &With…"
    assert window.actions_by_key["next_change"].shortcut() == QKeySequence("F7")
    assert window.actions_by_key["previous_change"].shortcut() == QKeySequence("Shift+F7")
    action.trigger()
    assert asked == [new]  # a saved version exists, so the user was asked which
    widget = window._compare_controller.widget
    assert widget is not None and window._compare_controller.dock.isVisible()
    scene = widget.scene
    kinds = {e.name: e.kind for e in widget.entries}
    assert kinds == EXPECTED
    # colours: through the cards' own setters, and a dashed frame for removed states
    assert scene.item("Wait a minute").run_status == "success"
    assert scene.item("Get Alerts").run_status == "partial"
    assert scene.item("Get Alerts").caption == "changed · 1 change"
    assert scene.item("Benign").run_status is None  # unchanged
    removed = scene.item("Record benign")
    frames = [c for c in removed.childItems() if isinstance(c, QGraphicsPathItem)]
    assert len(frames) == 1 and frames[0].pen().style() == Qt.PenStyle.DashLine
    # the validation of the main document is untouched; the merged picture has no markers
    assert all(not item.problems for item in scene.state_items())

    order = [e.name for e in widget.entries]
    QTest.keyClick(window, Qt.Key.Key_F7)
    assert widget.current_entry().name == order[0]
    assert widget.context.selection == [order[0]]
    QTest.keyClick(window, Qt.Key.Key_F7)
    second = widget.current_entry()
    assert second.name == order[1]
    shown = [widget.fields.item(i).text() for i in range(widget.fields.count())]
    assert shown == second.lines
    QTest.keyClick(window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert widget.current_entry().name == order[0]
    QTest.keyClick(window, Qt.Key.Key_F7, Qt.KeyboardModifier.ShiftModifier)
    assert widget.current_entry().name == order[-1]  # wraps around
    # the changes read top to bottom on the canvas
    ys = [scene.item(n).pos().y() for n in order]
    assert ys == sorted(ys)


def test_compare_with_the_last_saved_version(qtbot, window, examples_dir, tmp_path,
                                             monkeypatch) -> None:
    old, _new = versions(examples_dir, tmp_path)
    assert window.open_path(old)
    patch, text = set_state_field(window.context.document, "Get Alerts", "parameters.limit", 7)
    assert window.context.push(patch, text)
    monkeypatch.setattr(controller_module, "ask_source", lambda parent, saved: "saved")
    window.actions_by_key["compare"].trigger()
    widget = window._compare_controller.widget
    assert [(e.name, e.kind, e.lines) for e in widget.entries] == [
        ("Get Alerts", "changed", ["parameters.limit: 50 → 7"])]
    QTest.keyClick(window, Qt.Key.Key_F7)
    assert widget.fields.item(0).text() == "parameters.limit: 50 → 7"
    assert widget.grab().width() > 0


def test_f7_without_a_comparison_says_so(qtbot, window) -> None:
    QTest.keyClick(window, Qt.Key.Key_F7)
    assert "Compare With" in window.statusBar().currentMessage()
