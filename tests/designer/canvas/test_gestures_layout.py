"""Whole playbook in view after open, import and auto-layout; inserting and pasting make room;
the layered layout's transpose pass (issue 16, item 3)."""

from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import runtime.layout as layered
from designer.canvas.room import card_rects
from runtime.layout import count_crossings, layout_definition
from runtime.loader import load_playbook
from runtime.model import document_from_data
from runtime.serverformat import export_playbook

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "resources/examples/suspicious-logon-triage.playbook.json"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(main_window):
    return main_window(settle_ms=100)  # the first show's deferred sizing and fit are done


def all_in_view(window) -> bool:
    view = window.canvas
    visible = view.visible_scene_rect()
    rects = card_rects(window.context.document).values()
    return bool(rects) and all(visible.contains(r) for r in rects)


def overlapping(doc) -> list[tuple[str, str]]:
    rects = card_rects(doc)
    return [(a, b) for a, b in combinations(rects, 2) if rects[a].intersects(rects[b])]


def test_open_shows_the_whole_playbook(window, qtbot):
    window.canvas.zoom_reset()
    assert window.files.open(EXAMPLE)  # File → Open and Open Recent take this path
    qtbot.wait(20)
    assert all_in_view(window)


def test_import_shows_the_whole_playbook(window, qtbot, tmp_path):
    exported = export_playbook(load_playbook(EXAMPLE).document, "snake")
    server = tmp_path / "server.json"
    server.write_text(json.dumps(exported.definition), encoding="utf-8")
    window.canvas.zoom_reset()
    assert window.files.import_server(server)
    qtbot.wait(20)
    assert all_in_view(window)


def test_ctrl_l_lays_out_and_fits(window, qtbot):
    assert window.files.open(EXAMPLE)
    view = window.canvas
    view.zoom_reset()
    view.center_on("Get Alerts")
    assert not all_in_view(window)
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_L, CTRL)
    assert window.context.undo_stack.undoText() == "Auto-layout"
    assert all_in_view(window)


def test_inserting_onto_an_arrow_pushes_the_downstream_cards_right(window):
    assert window.files.open(EXAMPLE)
    context, scene = window.context, window.canvas.scene()
    assert overlapping(context.document) == []
    before = {n: context.document.position(n) for n in context.document.definition}
    point = scene.edge("Get Alerts", "next").route_path().pointAtPercent(0.5)
    assert scene.drop_entry("pass", point) == "Pass"
    assert context.document.state_dict("Get Alerts")["next"] == "Pass"
    assert overlapping(context.document) == []
    assert context.document.position("Risk Score")[0] > before["Risk Score"][0]
    context.undo_stack.undo()  # one step: the insert and the room it made
    assert {n: context.document.position(n) for n in context.document.definition} == before


def test_paste_does_not_land_on_other_cards(window, qtbot):
    assert window.files.open(EXAMPLE)
    context, view = window.context, window.canvas
    context.select(["Risk Score", "Get Alerts"])
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_C, CTRL)
    QTest.keyClick(view, Qt.Key.Key_V, CTRL)
    assert context.undo_stack.undoText() == "Paste 2 states"
    assert "Risk Score 2" in context.document.definition
    assert overlapping(context.document) == []


def _bench_graph():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from canvas_scale import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return document_from_data(generate(1000))


def test_transpose_removes_the_crossings_barycentre_sweeps_leave(monkeypatch):
    doc = _bench_graph()
    after = count_crossings(doc.definition,
                            layout_definition(doc.definition, doc.start_state()).positions)
    monkeypatch.setattr(layered, "TRANSPOSE_ROUNDS", 0, raising=False)
    before = count_crossings(doc.definition,
                             layout_definition(doc.definition, doc.start_state()).positions)
    print(f"crossings on the canvas bench graph: {before} with barycentre sweeps alone, "
          f"{after} with the transpose pass (dot: 0)")
    assert after <= before
    assert after < before and after == 0  # dot reaches 0 on this graph


def test_transpose_never_adds_crossings_on_the_example():
    doc = load_playbook(EXAMPLE).document
    positions = layout_definition(doc.definition, doc.start_state()).positions
    assert count_crossings(doc.definition, positions) == 0
