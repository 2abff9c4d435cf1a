"""The Qt-free document: every edit applies, inverts exactly, and emits one change."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.document import (
    EditableDocument,
    EditError,
    Patch,
    add_condition,
    add_path,
    add_state,
    connect,
    cut_edge,
    delete_items,
    delete_states,
    insert_into,
    move_states,
    paste_states,
    rename_state,
    set_start,
    set_state_field,
)
from runtime.catalog import load_catalog
from runtime.loader import load_playbook

CATALOG = load_catalog()


def triage(examples_dir):
    doc = load_playbook(examples_dir / "suspicious-logon-triage.playbook.json").document
    return EditableDocument(doc)


def roundtrip(doc: EditableDocument, patch: Patch) -> None:
    """apply → undo restores the snapshot exactly → redo gives the same result again."""
    before = copy.deepcopy(doc.snapshot())
    inverse = doc.apply(patch)
    after = copy.deepcopy(doc.snapshot())
    assert after != before
    redo = doc.apply(inverse)
    assert doc.snapshot() == before
    doc.apply(redo)
    assert doc.snapshot() == after


def test_add_first_state_becomes_start_and_connects_after() -> None:
    doc = EditableDocument()
    patch, name, text = add_state(doc, CATALOG.entry("get_alerts"), (10, 20))
    assert text == "Add Get Alerts"
    doc.apply(patch)
    assert doc.state(name).start and doc.position(name) == (10, 20)
    patch, second, _ = add_state(doc, CATALOG.entry("get_alerts"), (300, 20), after=name)
    assert second == "Get Alerts 2"
    roundtrip(doc, patch)
    assert doc.state_dict(name)["next"] == second


def test_cut_edge_removes_plain_edges_drops_fallbacks_and_empties_branch_targets(
        examples_dir) -> None:
    doc = triage(examples_dir)
    assert "next" not in cut_edge(doc.state_dict("Get Alerts"), "next")
    assert "default" not in cut_edge(doc.state_dict("Risky?"), "default")
    branch = cut_edge(doc.state_dict("Risky?"), "conditions[0].next")
    assert branch["conditions"][0]["next"] == "" and branch["conditions"][0]["condition"]
    paths = cut_edge(doc.state_dict("Contain"), "paths[1].root")["paths"]
    assert paths[1] == {"name": "notify", "root": ""}
    handlers = cut_edge(doc.state_dict("Stop suspicious process"), "on_error[1].fallback.next")
    assert "fallback" not in handlers["on_error"][1] and "fallback" in handlers["on_error"][0]


def test_delete_items_cuts_edges_removes_notes_and_skips_edges_of_deleted_states(
        examples_dir) -> None:
    doc = triage(examples_dir)
    doc.apply(Patch(notes={"n1": {"text": "hi", "x": 0.0, "y": 0.0}}))
    patch, text = delete_items(doc, [], [("Get Alerts", "next"), ("Risky?", "default")], ["n1"])
    assert text == "Delete 3 items"
    roundtrip(doc, patch)
    assert "next" not in doc.state_dict("Get Alerts") and not doc.doc.layout.notes
    patch, text = delete_items(doc, ["Contain"], [("Contain", "next")])
    assert text == "Delete 2 items" and set(patch.states) == {"Contain", "Risky?"}
    assert delete_items(doc, [], [("Risk Score", "next")])[1] == "Delete arrow"


def test_add_condition_and_add_path_append_one_item_each(examples_dir) -> None:
    doc = triage(examples_dir)
    patch, text = add_condition(doc, "Risky?", "Benign")
    assert text == "Connect Risky? → Benign"
    roundtrip(doc, patch)
    assert doc.state_dict("Risky?")["conditions"][1] == {"condition": "", "next": "Benign"}
    assert add_condition(doc, "Risky?")[1] == "Add condition to Risky?"
    patch, text = add_path(doc, "Contain")
    assert text == "Add path to Contain"
    roundtrip(doc, patch)
    assert doc.state_dict("Contain")["paths"][2] == {"name": "Path 3", "root": ""}
    doc.apply(add_path(doc, "Contain", "Benign")[0])
    assert doc.state_dict("Contain")["paths"][3] == {"name": "Path 4", "root": "Benign"}


def test_rename_rewrites_every_reference(examples_dir) -> None:
    doc = triage(examples_dir)
    patch, text = rename_state(doc, "Risky?", "High risk?")
    assert text == "Rename Risky? → High risk?"
    roundtrip(doc, patch)
    assert doc.state_dict("Risk Score")["next"] == "High risk?"
    assert list(doc.definition).index("High risk?") == 2  # order kept
    with pytest.raises(ValueError, match="already exists"):
        rename_state(doc, "High risk?", "Contain")


def test_rename_updates_profiles(examples_dir) -> None:
    doc = triage(examples_dir)
    patch, _ = rename_state(doc, "Create Incident", "Open incident")
    doc.apply(patch)
    mocks = doc.doc.profile("Incident service down").mocks
    assert "Open incident" in mocks and "Create Incident" not in mocks


def test_delete_disconnects_incoming_edges(examples_dir) -> None:
    doc = triage(examples_dir)
    patch, text = delete_states(doc, ["Risky?", "Contain"])
    assert text == "Delete 2 states"
    roundtrip(doc, patch)
    assert "next" not in doc.state_dict("Risk Score")


def test_delete_start_moves_start(examples_dir) -> None:
    doc = triage(examples_dir)
    doc.apply(delete_states(doc, ["Get Alerts"])[0])
    assert sum(s.start for s in doc.definition.values()) == 1


def test_connect_disconnect_and_fallback(examples_dir) -> None:
    doc = triage(examples_dir)
    patch, text = connect(doc, "Record benign", "next", "Contained")
    assert text == "Connect Record benign → Contained"
    roundtrip(doc, patch)
    patch, _ = connect(doc, "Warn user", "on_error[0].fallback.next", None)
    roundtrip(doc, patch)
    assert "fallback" not in doc.state_dict("Warn user")["on_error"][0]


def test_insert_into_transition(examples_dir) -> None:
    doc = triage(examples_dir)
    patch, name, _ = insert_into(doc, CATALOG.entry("wait"), "Risk Score", "next", (0, 0))
    roundtrip(doc, patch)
    assert doc.state_dict("Risk Score")["next"] == name
    assert doc.state_dict(name)["next"] == "Risky?"


def test_paste_renames_and_keeps_internal_edges(examples_dir) -> None:
    doc = triage(examples_dir)
    states = {n: doc.state_dict(n) for n in ("Record benign", "Benign", "Risk Score")}
    patch, mapping, text = paste_states(doc, states, {"Benign": (5, 5)}, (40, 40))
    assert text == "Paste 3 states"
    roundtrip(doc, patch)
    assert mapping["Benign"] == "Benign 2"
    assert doc.state_dict("Record benign 2")["next"] == "Benign 2"
    assert "next" not in doc.state_dict("Risk Score 2")  # edge left the pasted set
    assert doc.position("Benign 2") == (45, 45)


def test_move_set_field_set_start(examples_dir) -> None:
    doc = triage(examples_dir)
    patch, text = move_states(doc, {"Benign": (1, 2), "Contained": (3, 4)})
    assert text == "Move 2 states"
    roundtrip(doc, patch)
    patch, text = set_state_field(doc, "Get Alerts", "parameters.limit", 77)
    assert text == "Set limit of Get Alerts"
    roundtrip(doc, patch)
    roundtrip(doc, set_start(doc, "Risk Score")[0])
    assert [n for n, s in doc.definition.items() if s.start] == ["Risk Score"]


def test_invalid_patch_is_refused_and_changes_nothing(examples_dir) -> None:
    doc = triage(examples_dir)
    before = doc.snapshot()
    events = []
    doc.subscribe(events.append)
    with pytest.raises(EditError):
        doc.apply(Patch(states={"X": {"type": ["nonsense"]}}, positions={"X": (0, 0)}))
    with pytest.raises(EditError):
        doc.apply(Patch(playbook={"log_level": "LOUD"}))
    assert doc.snapshot() == before and not events


def test_one_change_event_per_patch(examples_dir) -> None:
    doc = triage(examples_dir)
    events = []
    doc.subscribe(events.append)
    doc.apply(delete_states(doc, ["Benign"])[0])
    assert len(events) == 1 and events[0].removed == {"Benign"}


ENTRY_IDS = [e.id for e in CATALOG.entries()]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "delete", "rename", "move", "field"]),
                          st.sampled_from(ENTRY_IDS), st.integers(0, 30)), max_size=12))
def test_any_edit_sequence_undoes_back_to_the_start(ops) -> None:
    """Property: after any sequence of edits, undoing them in reverse restores the document."""
    doc = EditableDocument()
    start = copy.deepcopy(doc.snapshot())
    inverses = []
    for op, entry_id, n in ops:
        names = doc.names()
        try:
            if op == "add":
                patch = add_state(doc, CATALOG.entry(entry_id), (n, n),
                                  after=names[n % len(names)] if names else None)[0]
            elif not names:
                continue
            elif op == "delete":
                patch = delete_states(doc, [names[n % len(names)]])[0]
            elif op == "rename":
                patch = rename_state(doc, names[n % len(names)], f"S{n}-{len(names)}")[0]
            elif op == "move":
                patch = move_states(doc, {names[n % len(names)]: (n * 3, -n)})[0]
            else:
                patch = set_state_field(doc, names[n % len(names)], "comment", f"c{n}")[0]
        except ValueError:
            continue
        inverses.append(doc.apply(patch))
    for inverse in reversed(inverses):
        doc.apply(inverse)
    assert doc.snapshot() == start
