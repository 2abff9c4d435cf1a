"""Tests for the native document (runtime.model): round trips, determinism, migrations, errors.

Save → load → save gives identical text; output does not depend on the key order the input
came in; unknown keys in states survive; a version-0 draft (no format_version, positions as
[x, y]) migrates to version 1; a newer version is refused with a message saying so; pydantic
errors become one-line messages located by JSON pointer (``/definition/<name>/...``).
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from runtime.model import (
    FORMAT_VERSION,
    ActionState,
    BranchState,
    DocumentError,
    PlaybookDocument,
    document_from_data,
    dumps_document,
    load_document,
    save_document,
    state_to_dict,
)
from runtime.model.migrations import MIGRATIONS, MigrationError, migrate


def sample() -> dict[str, Any]:
    """A document touching every state type, unknown keys, layout, functions and profiles."""
    return {
        "format": "playbook-studio",
        "format_version": 1,
        "name": "Suspicious logon triage",
        "description": "Scores the user and contains the host",
        "applies_to": "alert",
        "log_level": "DEBUG",
        "max_runtime": 900,
        "definition": {
            "Get Alerts": {
                "start": True,
                "type": "action",
                "action": "get_alerts",
                "parameters": {"query": "$.alert.query", "limit": 50},
                "result_path": "$.alerts",
                "on_error": [
                    {
                        "error_type": "timeout_error",
                        "retry": {"delay": 3, "attempt": 3, "step_delay": 2},
                        "fallback": {"next": "Notify"},
                        "x_vendor_hint": "kept",
                    }
                ],
                "next": "Check",
                "x_server_meta": {"revision": 7, "tags": ["a", "b"]},
            },
            "Check": {
                "type": "branch",
                "conditions": [{"condition": "$.alerts.count > 0", "next": "Contain"}],
                "default": "Done",
                "x_ui_color": "#ff0000",
            },
            "Contain": {
                "type": "parallel",
                "paths": [{"name": "host", "root": "Pause"}, {"name": "loop", "root": "Each"}],
                "next": "Enrich",
            },
            "Pause": {"type": "wait", "duration": 5},
            "Each": {
                "type": "batch",
                "collection_path": "$.alerts.items",
                "collection_variable": "item",
                "root": "Mark",
                "batch_size": 5,
            },
            "Mark": {"type": "pass", "result": {"seen": True}, "result_path": "$.mark"},
            "Enrich": {
                "type": "function",
                "function_id": "enrich_user",
                "parameters": {"user": "$.alert.user"},
                "next": "Sub",
            },
            "Sub": {"type": "circuit", "circuit_id": "notify-soc", "next": "Done"},
            "Notify": {"type": "failure", "error": "Timeout", "cause": "alerts did not answer"},
            "Done": {"type": "success", "comment": "all good"},
        },
        "functions": {"enrich_user": {"source": "def handler(p):\n    return p\n", "description": ""}},
        "layout": {
            "positions": {"Get Alerts": {"x": 0.0, "y": 0.0}, "Check": {"x": 280.0, "y": 0.0}},
            "notes": [{"id": "n1", "text": "triage", "x": 10.0, "y": 20.0, "width": 220.0, "height": 120.0}],
        },
        "run_profiles": [
            {
                "name": "happy path",
                "applies_to": "alert",
                "payload": {"alert": {"query": "q", "user": "alice"}},
                "fixtures_base": "default",
                "mocks": {"Enrich": [{"output": {"ok": True}}]},
                "speed": "instant",
                "description": "",
            }
        ],
    }


def _shuffle_keys(value: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    items = list(value.items())
    rng.shuffle(items)
    return dict(items)


# --- round trips and determinism --------------------------------------------------------------


def test_save_load_save_gives_identical_text(tmp_path: Path) -> None:
    doc = document_from_data(sample())
    first = tmp_path / "a.playbook.json"
    save_document(doc, first)
    loaded = load_document(first)
    second = tmp_path / "b.playbook.json"
    save_document(loaded, second)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert loaded == doc
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.playbook.json", "b.playbook.json"]


def test_saved_text_is_the_sample_data(tmp_path: Path) -> None:
    path = tmp_path / "x.playbook.json"
    save_document(document_from_data(sample()), path)
    assert json.loads(path.read_text(encoding="utf-8")) == sample()


def test_output_is_deterministic_whatever_the_input_key_order() -> None:
    expected = dumps_document(document_from_data(sample()))
    assert dumps_document(document_from_data(sample())) == expected
    for seed in range(5):
        rng = random.Random(seed)
        data = _shuffle_keys(sample(), rng)
        # The order of states is the user's; the keys of the document and of each state are not.
        data["definition"] = {n: _shuffle_keys(s, rng) for n, s in data["definition"].items()}
        assert dumps_document(document_from_data(data)) == expected


def test_state_keys_come_in_canonical_order() -> None:
    doc = document_from_data(sample())
    keys = list(state_to_dict(doc.state("Get Alerts")))
    assert keys == [
        "start", "type", "action", "parameters", "result_path", "on_error", "next",
        "x_server_meta",
    ]


def test_text_format_is_indent_two_with_a_trailing_newline() -> None:
    text = dumps_document(document_from_data(sample()))
    assert text.startswith('{\n  "format": "playbook-studio",\n  "format_version": 1,')
    assert text.endswith("}\n")


def test_unknown_keys_are_preserved() -> None:
    doc = document_from_data(sample())
    data = json.loads(dumps_document(doc))
    assert data["definition"]["Get Alerts"]["x_server_meta"] == {"revision": 7, "tags": ["a", "b"]}
    assert data["definition"]["Get Alerts"]["on_error"][0]["x_vendor_hint"] == "kept"
    assert data["definition"]["Check"]["x_ui_color"] == "#ff0000"


def test_unset_optional_fields_are_not_written() -> None:
    doc = document_from_data({"definition": {"S": {"type": "success", "start": True}}})
    assert doc.definition_dict() == {"S": {"start": True, "type": "success"}}


def test_model_types_and_helpers() -> None:
    doc = document_from_data(sample())
    assert isinstance(doc.state("Get Alerts"), ActionState)
    assert isinstance(doc.state("Check"), BranchState)
    assert doc.start_state() == "Get Alerts"
    assert doc.profile("happy path") is not None and doc.profile("nope") is None
    targets = dict(doc.state("Get Alerts").targets())
    assert targets == {"next": "Check", "on_error[0].fallback.next": "Notify"}
    assert dict(doc.state("Get Alerts").flow_targets()) == {"next": "Check"}


def test_content_hash_follows_the_definition_only() -> None:
    base = document_from_data(sample())
    moved = sample()
    moved["layout"]["positions"]["Check"] = {"x": 999.0, "y": 1.0}
    assert document_from_data(moved).content_hash() == base.content_hash()
    changed = sample()
    changed["definition"]["Pause"]["duration"] = 6
    assert document_from_data(changed).content_hash() != base.content_hash()


def test_defaults_for_a_minimal_document() -> None:
    doc = PlaybookDocument()
    assert doc.format_version == FORMAT_VERSION
    assert doc.start_state() is None
    assert json.loads(dumps_document(doc))["definition"] == {}


# --- migrations -------------------------------------------------------------------------------


def v0_sample() -> dict[str, Any]:
    data = copy.deepcopy(sample())
    del data["format"], data["format_version"]
    data["layout"]["positions"] = {"Get Alerts": [0, 0], "Check": [280, 40.5]}
    return data


def test_version_0_migrates_to_1() -> None:
    upgraded, passed = migrate(v0_sample())
    assert passed == [0]
    assert upgraded["format_version"] == 1
    assert upgraded["format"] == "playbook-studio"
    assert upgraded["layout"]["positions"]["Check"] == {"x": 280, "y": 40.5}


def test_version_0_document_loads_and_saves_as_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.playbook.json"
    original = v0_sample()
    path.write_text(json.dumps(original), encoding="utf-8")
    doc = load_document(path)
    assert doc.format_version == 1
    assert doc.layout.positions["Check"].x == 280 and doc.layout.positions["Check"].y == 40.5
    save_document(doc, path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["format_version"] == 1
    assert saved["layout"]["positions"]["Get Alerts"] == {"x": 0.0, "y": 0.0}
    assert original == v0_sample()  # migration does not change its input


def test_current_version_passes_through_untouched() -> None:
    data = sample()
    upgraded, passed = migrate(data)
    assert passed == [] and upgraded is data


def test_every_version_below_current_has_a_migration() -> None:
    assert sorted(MIGRATIONS) == list(range(FORMAT_VERSION))


def test_newer_version_is_refused_with_a_clear_message() -> None:
    data = sample()
    data["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(DocumentError) as info:
        document_from_data(data, source="future.playbook.json")
    message = str(info.value)
    assert message.startswith("future.playbook.json: /format_version:")
    assert f"format {FORMAT_VERSION + 1}" in message and "newer Playbook Studio" in message


@pytest.mark.parametrize("version", ["1", -1, 1.5, True, None])
def test_bad_version_values_are_refused(version: Any) -> None:
    with pytest.raises(MigrationError, match="is not a format version"):
        migrate({"format_version": version})


# --- located messages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["definition"].update({"X": 5}), "/definition/X: a state is a JSON object with a 'type', found a number"),
        (lambda d: d.update(max_runtime=0), "/max_runtime: Input should be greater than or equal to 1"),
        (lambda d: d.update(log_level="LOUD"), "/log_level: Input should be"),
        (lambda d: d.update(colour="blue"), "/colour: unknown field"),
        (lambda d: d["layout"]["positions"].update({"a/b": {"x": 1}}),
         "/layout/positions/a~1b/y: required field is missing"),
        (lambda d: d["run_profiles"][0].update(name=""), "/run_profiles/0/name:"),
    ],
)
def test_validation_errors_are_located(change: Any, expected: str) -> None:
    data = sample()
    change(data)
    with pytest.raises(DocumentError) as info:
        document_from_data(data, source="t.playbook.json")
    message = str(info.value)
    assert message.startswith("t.playbook.json: ")
    assert expected in message, message
    assert "\n" not in message


def test_many_errors_are_summarised() -> None:
    data = sample()
    for index in range(9):
        data["definition"][f"Bad {index}"] = [index]
    with pytest.raises(DocumentError) as info:
        document_from_data(data)
    assert "... and 4 more" in str(info.value)


@pytest.mark.parametrize(
    ("change", "name", "field", "reason"),
    [
        (lambda d: d["definition"].update({"X": {"type": ["bogus"]}}), "X", "type",
         "a state needs a 'type' (text"),
        (lambda d: d["definition"].update({"X": {"next": "Done"}}), "X", "type",
         "a state needs a 'type'"),
        (lambda d: d["definition"]["Check"].update(conditions=5), "Check", "conditions",
         "Input should be a valid list, found a number"),
        (lambda d: d["definition"]["Check"]["conditions"][0].pop("next"), "Check",
         "conditions[0].next", "required field is missing"),
        (lambda d: d["definition"]["Get Alerts"]["on_error"][0].pop("error_type"), "Get Alerts",
         "on_error[0].error_type", "required field is missing"),
        (lambda d: d["definition"]["Contain"]["paths"][0].update(root=3), "Contain",
         "paths[0].root", "Input should be a valid string, found a number"),
    ],
)
def test_a_state_whose_fields_cannot_be_read_opens_for_repair_unchanged(
        change: Any, name: str, field: str, reason: str) -> None:
    from runtime.model.states import InvalidState, state_to_dict
    from runtime.validate import validate_document

    data = sample()
    change(data)
    written = copy.deepcopy(data["definition"][name])
    doc = document_from_data(data)
    state = doc.definition[name]
    assert isinstance(state, InvalidState)
    assert (state.field, state.type) == (field, "(invalid)") and reason in state.reason
    assert state_to_dict(state) == written  # kept exactly as it came
    assert list(doc.definition) == list(data["definition"])  # in its place
    assert document_from_data(doc.to_dict()).to_dict() == doc.to_dict()  # saves and reopens
    problems = [p for p in validate_document(doc) if p.code == "state.invalid"]
    assert [(p.state, p.path, p.severity) for p in problems] == [(name, field, "error")]


@pytest.mark.parametrize("root", [[], "text", 3, None])
def test_non_object_root_is_refused(root: Any) -> None:
    with pytest.raises(DocumentError, match="a playbook is a JSON object"):
        document_from_data(root)


def test_load_document_reports_json_problems_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dup.playbook.json"
    path.write_text('{"name": "a",\n "name": "b"}', encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        load_document(path)
    assert str(path) in str(info.value) and 'duplicate key "name"' in str(info.value)
    assert "line 2" in str(info.value)


def test_load_document_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load_document(tmp_path / "missing.playbook.json")
