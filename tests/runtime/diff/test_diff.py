"""The graph-aware diff: pairing by name, then by type, fields and position (renames),
changes parameter by parameter, transitions, and ``playbook diff`` with its exit codes."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from runtime.cli import main
from runtime.diff import diff_documents, diff_to_json, diff_to_text
from runtime.jsonio import dump_text
from runtime.loader import load_playbook
from runtime.model.document import PlaybookDocument
from runtime.serverformat import export_playbook

EXAMPLE = Path(str(files("resources") / "examples" / "suspicious-logon-triage.playbook.json"))

BASE: dict[str, Any] = {
    "Alerts": {"start": True, "type": "action", "action": "get_alerts",
               "parameters": {"limit": 10, "severity": ["critical"]}, "next": "Route"},
    "Route": {"type": "branch", "default": "Done",
              "conditions": [{"condition": "$.meta.total_items > 0", "next": "Ping"}]},
    "Ping": {"type": "action", "action": "ping_device",
             "parameters": {"destination_device": "$.data[0].host"}, "next": "Mark"},
    "Mark": {"type": "pass", "result": {"ok": True}, "result_path": "$.mark", "next": "Done"},
    "Done": {"type": "success"},
}


def doc(definition: dict[str, Any]) -> PlaybookDocument:
    return PlaybookDocument.model_validate({"definition": definition})


def variant() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def rename(definition: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    text = json.dumps(definition).replace(json.dumps(old), json.dumps(new))
    return json.loads(text)


def test_a_reorder_of_the_states_is_no_change() -> None:
    reordered = dict(reversed(list(variant().items())))
    diff = diff_documents(doc(BASE), doc(reordered))
    assert diff.equal and diff.pairs == {n: n for n in BASE}
    assert diff_to_text(diff).endswith("no differences\n")


def test_added_and_removed_states_and_their_transitions() -> None:
    new = variant()
    del new["Mark"]
    new["Ping"]["next"] = "Note"
    new["Note"] = {"type": "wait", "duration": 30, "next": "Done"}
    diff = diff_documents(doc(BASE), doc(new))
    assert diff.added == ["Note"] and diff.removed == ["Mark"] and diff.renamed == []
    assert [str(t) for t in diff.transitions_added] == ["Ping —next→ Note", "Note —next→ Done"]
    assert [str(t) for t in diff.transitions_removed] == ["Ping —next→ Mark",
                                                          "Mark —next→ Done"]
    assert diff.changed == []  # Ping's next is a transition, not a field change
    assert diff.status_of("Note") == "added" and diff.status_of("Ping") == "same"


def test_changed_fields_are_listed_parameter_by_parameter() -> None:
    new = variant()
    new["Alerts"]["parameters"] = {"limit": 50, "severity": ["critical"], "query": "x"}
    new["Route"]["conditions"][0]["condition"] = "$.meta.total_items > 1"
    new["Mark"]["result_path"] = "$.flag"
    diff = diff_documents(doc(BASE), doc(new))
    fields = {c.new: [(f.field, f.kind, f.old, f.new) for f in c.fields] for c in diff.changed}
    assert fields == {
        "Alerts": [("parameters.limit", "changed", 10, 50),
                   ("parameters.query", "added", None, "x")],
        "Route": [("conditions[0].condition", "changed", "$.meta.total_items > 0",
                   "$.meta.total_items > 1")],
        "Mark": [("result_path", "changed", "$.mark", "$.flag")],
    }
    assert not diff.transitions_added and not diff.transitions_removed
    text = diff_to_text(diff)
    assert "parameters.limit: 10 → 50" in text and 'parameters.query: + "x"' in text


def test_a_rename_with_an_edit_is_one_rename_not_a_removal_and_an_addition() -> None:
    new = rename(variant(), "Ping", "Ping the host")
    new["Ping the host"]["parameters"]["timeout"] = 5
    diff = diff_documents(doc(BASE), doc(new))
    assert diff.renamed == [("Ping", "Ping the host")]
    assert diff.added == [] and diff.removed == []
    assert not diff.transitions_added and not diff.transitions_removed
    [change] = diff.changed
    assert (change.old, change.new) == ("Ping", "Ping the host")
    assert [(f.field, f.kind) for f in change.fields] == [("parameters.timeout", "added")]
    assert diff.status_of("Ping the host") == "changed"


def test_identical_states_are_told_apart_by_their_place_in_the_flow() -> None:
    old = {
        "Start": {"start": True, "type": "branch", "default": "B",
                  "conditions": [{"condition": "$.x == 1", "next": "A"}]},
        "A": {"type": "wait", "duration": 10, "next": "After A"},
        "B": {"type": "wait", "duration": 10, "next": "After B"},
        "After A": {"type": "success"},
        "After B": {"type": "failure", "error": "E", "cause": "c"},
    }
    # names chosen so that pairing by name order alone would cross them
    new = rename(rename(copy.deepcopy(old), "A", "Second"), "B", "First")
    new = dict(reversed(list(new.items())))  # and the order in the file changes
    diff = diff_documents(doc(old), doc(new))
    assert sorted(diff.renamed) == [("A", "Second"), ("B", "First")]
    assert not diff.changed and not diff.transitions_added and not diff.transitions_removed


def test_a_state_of_another_type_is_never_a_rename() -> None:
    new = variant()
    del new["Mark"]
    new["Ping"]["next"] = "Marker"
    new["Marker"] = {"type": "wait", "duration": 1, "next": "Done"}
    diff = diff_documents(doc(BASE), doc(new))
    assert diff.renamed == [] and diff.added == ["Marker"] and diff.removed == ["Mark"]


def test_json_form() -> None:
    new = rename(variant(), "Mark", "Flag")
    new["Flag"]["result"] = {"ok": False}
    data = diff_to_json(diff_documents(doc(BASE), doc(new)))
    assert data["equal"] is False
    assert data["renamed"] == [{"from": "Mark", "to": "Flag"}]
    assert data["changed"] == [{"state": "Flag", "old_name": "Mark", "fields": [
        {"field": "result", "kind": "changed", "old": {"ok": True}, "new": {"ok": False}}]}]


# -- the command ------------------------------------------------------------------------------
def test_cli_native_against_its_server_export_in_both_dialects_is_equal(tmp_path, capsys) -> None:
    document = load_playbook(EXAMPLE).document
    for dialect in ("snake", "camel"):
        server = tmp_path / f"{dialect}.json"
        server.write_text(dump_text(export_playbook(document, dialect=dialect).definition))
        assert main(["diff", str(EXAMPLE), str(server)]) == 0
        assert "no differences" in capsys.readouterr().out


def test_cli_reports_differences_with_exit_1(tmp_path, capsys) -> None:
    old, new = tmp_path / "a.playbook.json", tmp_path / "b.json"
    old.write_text(dump_text(doc(BASE).to_dict()))
    changed = rename(variant(), "Ping", "Ping host")
    changed["Alerts"]["parameters"]["limit"] = 20
    new.write_text(dump_text(export_playbook(doc(changed), dialect="camel").definition))
    assert main(["diff", str(old), str(new)]) == 1
    text = capsys.readouterr().out
    assert "renamed  'Ping' → 'Ping host'" in text
    assert "parameters.limit: 10 → 20" in text and text.rstrip().endswith("2 differences")
    assert main(["diff", str(old), str(new), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["renamed"] == [{"from": "Ping", "to": "Ping host"}]
    assert data["changed"][0]["fields"] == [
        {"field": "parameters.limit", "kind": "changed", "old": 10, "new": 20}]


@pytest.mark.parametrize("content", [None, "{not json", "[1, 2]"])
def test_cli_unreadable_input_exits_3(tmp_path, capsys, content: str | None) -> None:
    good = tmp_path / "good.playbook.json"
    good.write_text(dump_text(doc(BASE).to_dict()))
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content)
    assert main(["diff", str(good), str(bad)]) == 3
    assert "bad.json" in capsys.readouterr().err
