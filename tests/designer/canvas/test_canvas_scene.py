"""The canvas scene mirrors the document: items, edges, selection, problems, notes, run marks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF

from designer.canvas import EdgeItem, NoteItem, PlaybookScene, StateItem
from designer.canvas.projection import Projection
from designer.context import DesignerContext
from designer.document import EditableDocument, Patch
from runtime.loader import load_playbook
from runtime.model.states import END

EXAMPLE = Path(__file__).resolve().parents[3] / "resources/examples/suspicious-logon-triage.playbook.json"


@pytest.fixture
def scene(context) -> PlaybookScene:
    return PlaybookScene(context)


def expected_edges(context: DesignerContext) -> set[tuple[str, str, str]]:
    definition = context.document.definition
    return {(name, path, target) for name, state in definition.items()
            for path, target in state.targets() if target != END and target in definition}


def drawn_edges(scene: PlaybookScene) -> set[tuple[str, str, str]]:
    return {(e.source, e.path, e.target) for e in scene.edge_items()}


def test_scene_has_an_item_per_state_and_an_edge_per_target_except_end(context, scene):
    assert {i.name for i in scene.state_items()} == set(context.document.definition)
    assert drawn_edges(scene) == expected_edges(context)
    assert ("Note host unreachable", "next") not in {e.key for e in scene.edge_items()}
    for name, item in ((n, scene.item(n)) for n in context.document.definition):
        assert isinstance(item, StateItem)
        assert (item.pos().x(), item.pos().y()) == context.document.position(name)
    assert scene.item("Get Alerts").is_start
    assert scene.item("Get Alerts").side_effect == "read"
    assert scene.item("Stop suspicious process").side_effect == "endpoint-change"


def test_ports_follow_the_state_type(scene):
    branch = [p.path for p in scene.item("Risky?").ports]
    assert branch == ["conditions[0].next", "default", "+conditions"]
    parallel = [p.path for p in scene.item("Contain").ports]
    assert parallel == ["paths[0].root", "paths[1].root", "next", "+paths"]
    action = [p.path for p in scene.item("Stop suspicious process").ports]
    assert action == ["next", "on_error[0].fallback.next", "on_error[1].fallback.next"]
    assert scene.item("Contained").ports == []
    assert scene.item("Risky?").ports[0].label == "$.risk.score >= 70 && $.host != null"
    fallback = scene.edge("Warn user", "on_error[1].fallback.next")
    assert fallback is not None and fallback.is_error


def test_edges_end_at_their_target_and_avoid_other_cards(scene):
    for edge in scene.edge_items():
        target = scene.item(edge.target)
        assert edge.end_point() == target.input_scene_pos()
        start = scene.item(edge.source).port_scene_pos(edge.path)
        assert edge.start_point() == start
        path = edge.route_path()
        others = [i for i in scene.state_items() if i.name not in (edge.source, edge.target)]
        for step in range(1, 40):
            point = path.pointAtPercent(step / 40)
            hits = [o.name for o in others if o.mapRectToScene(o.card_rect()).contains(point)]
            assert not hits, f"{edge.key} passes through {hits}"


def test_change_events_update_only_named_items(context, scene):
    untouched = scene.item("Get Alerts")
    edge = scene.edge("Risk Score", "next")
    context.push(Patch(positions={"Risky?": (600.0, 40.0)}), "Move Risky?")
    assert scene.item("Get Alerts") is untouched
    assert scene.edge("Risk Score", "next") is edge
    assert edge.end_point() == scene.item("Risky?").input_scene_pos()
    context.undo_stack.undo()
    assert scene.item("Risky?").pos() == QPointF(560.0, 0.0)
    context.document.reset(load_playbook(EXAMPLE).document)
    assert scene.item("Get Alerts") is not untouched
    assert drawn_edges(scene) == expected_edges(context)


def test_selection_follows_the_context_both_ways(context, scene):
    with_signal = []
    context.selectionChanged.connect(with_signal.append)
    scene.item("Risk Score").setSelected(True)
    assert context.selection == ["Risk Score"]
    context.select(["Contain", "Benign"])
    assert {i.name for i in scene.selectedItems() if isinstance(i, StateItem)} == {
        "Contain", "Benign"}
    assert with_signal[-1] == ["Contain", "Benign"]


def test_problem_markers_show_the_problems(context, scene):
    state = context.document.state_dict("Get Alerts")
    state["parameters"]["limit"] = "many"
    context.push(Patch(states={"Get Alerts": state}), "Set limit")
    context.validate_now()
    item = scene.item("Get Alerts")
    assert item.problems and item.problems[0][0] == "error"
    tip = item.tooltip_at(QPointF(200, 0))
    assert "limit" in tip
    context.undo_stack.undo()
    context.validate_now()
    assert scene.item("Get Alerts").problems == []


def test_notes_are_added_edited_and_undone(context, scene):
    note_id = scene.editor.add_note(QPointF(100, 300), "Check the host first")
    note = scene.note(note_id)
    assert isinstance(note, NoteItem) and note.text == "Check the host first"
    scene.editor.commit_note(note_id, note.fields() | {"text": "Edited"})
    assert context.document.doc.layout.notes[0].text == "Edited"
    assert scene.note(note_id).text == "Edited"
    assert context.undo_stack.undoText() == "Edit note"
    context.undo_stack.undo()
    assert scene.note(note_id).text == "Check the host first"
    context.undo_stack.undo()
    assert scene.note(note_id) is None


def test_run_mode_api_on_a_read_only_scene(context):
    scene = PlaybookScene(context, editable=False)
    item = scene.item("Get Alerts")
    assert not item.flags() & item.GraphicsItemFlag.ItemIsMovable
    scene.run_marks.set_run_mode(True)
    assert all(i.greyed for i in scene.state_items())
    item.set_run_status("success", "success · 1a2b · 0.2 s")
    assert not item.greyed and item.caption.startswith("success")
    assert item.boundingRect().top() < -20  # the caption is drawn above the card
    scene.item("Risk Score").set_run_status("running", "running")
    assert scene.run_marks.pulsing()
    scene.run_marks.set_taken_edges({("Get Alerts", "next")})
    assert scene.edge("Get Alerts", "next").taken
    assert scene.edge("Risk Score", "next").dimmed
    scene.item("Contain").set_corner_badge("12")
    assert scene.item("Contain").corner_badge == "12"
    assert not scene.editor.delete(["Get Alerts"])
    assert "Get Alerts" in context.document.definition
    scene.run_marks.clear_run_marks()
    assert all(i.run_status is None and i.greyed for i in scene.state_items())
    assert not scene.edge("Get Alerts", "next").taken
    assert not scene.run_marks.pulsing()
    scene.run_marks.set_run_mode(False)
    assert not any(i.greyed for i in scene.state_items())


def test_imported_playbooks_are_laid_out_on_open_as_one_undo_step(qtbot):
    doc = load_playbook(EXAMPLE).document
    doc.layout.positions.clear()
    context = DesignerContext(EditableDocument(doc))
    scene = PlaybookScene(context)
    assert set(context.document.doc.layout.positions) == set(doc.definition)
    assert context.undo_stack.count() == 1
    assert context.undo_stack.undoText() == f"Lay out {len(doc.definition)} states"
    assert context.undo_stack.isClean()  # opening does not count as a change
    rects = [i.mapRectToScene(i.card_rect()) for i in scene.state_items()]
    assert not any(a.intersects(b) for n, a in enumerate(rects) for b in rects[n + 1:])
    context.undo_stack.undo()
    assert not context.document.doc.layout.positions
    context.undo_stack.redo()
    assert set(context.document.doc.layout.positions) == set(doc.definition)


def test_a_read_only_scene_places_unpositioned_states_without_writing_the_document(qtbot):
    doc = load_playbook(EXAMPLE).document
    doc.layout.positions.clear()
    context = DesignerContext(EditableDocument(doc))
    scene = PlaybookScene(context, editable=False)
    assert not context.document.doc.layout.positions and context.undo_stack.count() == 0
    rects = [i.mapRectToScene(i.card_rect()) for i in scene.state_items()]
    assert not any(a.intersects(b) for n, a in enumerate(rects) for b in rects[n + 1:])


def test_edge_items_are_edges(scene):
    assert all(isinstance(e, EdgeItem) for e in scene.edge_items())


def test_large_playbooks_are_built_progressively(context, qtbot, monkeypatch):
    monkeypatch.setattr(Projection, "progressive_from", 5)
    scene = PlaybookScene(context)
    assert scene.projection.is_building() and not scene.projection.states  # items come in time slices
    assert scene.content_rect().width() > 1000  # the index knows every card already
    data = scene.overview.picture()
    assert len(data.colour_of) == 12 and data.lines
    qtbot.waitUntil(lambda: not scene.projection.is_building(), timeout=3000)
    assert drawn_edges(scene) == expected_edges(context)
    eager = PlaybookScene(context)
    assert eager.item("Benign") is not None and not eager.projection.is_building()  # lookups finish it
    assert drawn_edges(eager) == expected_edges(context)


def test_far_targets_are_drawn_as_jump_tags(context, scene):
    key = ("Stop suspicious process", "on_error[0].fallback.next")
    assert not scene.edge(*key).jump
    context.push(Patch(positions={"Note host unreachable": (6000.0, 0.0)}), "Move far away")
    edge = scene.edge(*key)
    assert edge.jump and edge.label_visible()
    assert edge.boundingRect().width() < 100  # a stub and a tag, not a path across the canvas
    context.undo_stack.undo()
    assert not scene.edge(*key).jump
    assert scene.edge(*key).end_point() == scene.item("Note host unreachable").input_scene_pos()


def test_edge_labels_show_on_hover_or_selection(scene):
    edge = scene.edge("Risky?", "conditions[0].next")
    assert edge.label == "$.risk.score >= 70 && $.host != null"
    assert not edge.label_visible()
    edge.setSelected(True)
    assert edge.label_visible()
    assert scene.edge("Get Alerts", "next").label == ""
