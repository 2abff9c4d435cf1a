"""Tests for runtime.serverformat and runtime.layout: export, import, dialects, round trips.

Export writes the flat server map in snake_case (default) or camelCase and the requirements
manifest, and refuses a definition with validation errors. Import detects the dialect, infers
the start when none is marked (ambiguity is an error naming the candidates), keeps unknown keys
and lays the graph out. Export → import → export is identical text for both dialects, on a
hand-written playbook and on seeded generated definitions of every state type.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from runtime.jsonio import dump_text
from runtime.layout import count_crossings, flow_graph, layout_definition
from runtime.model import document_from_data
from runtime.serverformat import (
    DIALECTS,
    ExportRefused,
    ImportError_,
    detect_dialect,
    export_playbook,
    import_definition,
    looks_like_server_definition,
    manifest,
)
from runtime.validate import validate_document

HANDLER = "Handle Error"
REJECTED = "Rejected"
DONE = "Done"


# --- a seeded generator of valid definitions --------------------------------------------------

ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("get_alerts", {"query": "$.alert.query", "limit": 100, "severity": ["critical"]}),
    ("create_incident", {"name": "$.alert.name", "severity": "trouble", "notes": ["auto"]}),
    ("risk_score", {"entity_name": "$.alert.user", "entity_type": 0}),
    ("ping_device", {"destination_device": "$.host", "packet_size": 64, "number_of_requests": 3}),
    ("disable_usb", {"destination_device": "$.host", "dismount_all_drive": True}),
    ("search_logs", {"query": "$$literal dollar", "start_time": "2024-01-01T00:00:00Z",
                     "end_time": "$.window.end"}),
    ("invoke_url_via_agent", {"url": "https://example.com/hook", "http_method": "POST",
                              "connection_name": "hooks", "destination_device": "$.host",
                              "body": {"a": 1}}),
]
ERROR_TYPES = ["timeout_error", "execution_error", "authorization_error"]


def _on_error(rng: random.Random) -> list[dict[str, Any]]:
    handler: dict[str, Any] = {"error_type": rng.choice(ERROR_TYPES), "fallback": {"next": HANDLER}}
    if rng.random() < 0.6:
        handler["retry"] = {"delay": rng.randint(1, 10), "attempt": rng.randint(1, 3),
                            "step_delay": rng.randint(1, 3)}
    if rng.random() < 0.3:
        handler = {"error_type": "custom_error", "error_codes": ["10001108"],
                   "fallback": {"next": HANDLER}}
    return [handler]


def _extras(rng: random.Random, state: dict[str, Any]) -> dict[str, Any]:
    """Sprinkle data paths and unknown keys (some nested, some spelled like dialect keys)."""
    if rng.random() < 0.3:
        state["input_path"] = "$.payload"
    if rng.random() < 0.3:
        state["output_path"] = "$"
    if rng.random() < 0.25:
        state["x_server_meta"] = {"revision": rng.randint(1, 9), "result_path": "$.x",
                                  "onError": [1]}
    return state


def generate(seed: int, size: int = 12) -> dict[str, Any]:
    """A valid definition of about ``size`` main steps using every state type."""
    rng = random.Random(seed)
    kinds = ["action", "function", "circuit", "pass", "wait", "branch", "parallel", "batch"]
    steps = [kinds[i % len(kinds)] for i in range(size)]
    rng.shuffle(steps)
    names = [f"Step {i} {kind}" for i, kind in enumerate(steps)]
    states: dict[str, Any] = {}
    for index, (name, kind) in enumerate(zip(names, steps, strict=True)):
        after = names[index + 1] if index + 1 < len(names) else DONE
        if kind == "action":
            action, params = rng.choice(ACTIONS)
            state = {"type": "action", "action": action, "parameters": dict(params),
                     "result_path": f"$.results.s{index}", "on_error": _on_error(rng),
                     "next": after}
        elif kind == "function":
            state = {"type": "function", "function_id": f"fn_{index}",
                     "parameters": {"value": "$.x", "n": index}, "on_error": _on_error(rng),
                     "next": after}
        elif kind == "circuit":
            state = {"type": "circuit", "circuit_id": f"sub-{index % 3}", "next": after}
        elif kind == "pass":
            state = {"type": "pass", "result": {"step": index}, "result_path": "$.marker",
                     "next": after}
        elif kind == "wait":
            state = {"type": "wait", "duration": rng.randint(1, 86400), "next": after}
        elif kind == "branch":
            state = {"type": "branch",
                     "conditions": [{"condition": f"$.score > {index} && !$.muted", "next": after}],
                     "default": REJECTED}
        elif kind == "parallel":
            paths = []
            for branch in range(rng.randint(1, 3)):
                root = f"{name} path {branch}"
                states[root] = {"type": "pass", "result_path": f"$.p{branch}"}
                paths.append({"name": f"path {branch}", "root": root})
            state = {"type": "parallel", "paths": paths, "next": after}
        else:
            body = f"{name} body"
            states[body] = {"type": "wait", "duration": 1}
            state = {"type": "batch", "collection_path": "$.items", "collection_variable": "item",
                     "root": body, "batch_size": rng.randint(1, 10), "next": after}
        states[name] = _extras(rng, state)
    states[names[0]] = {"start": True, **states[names[0]]}
    states[HANDLER] = {"type": "failure", "error": "StepFailed", "cause": "see the execution"}
    states[REJECTED] = {"type": "failure", "error": "Rejected"}
    states[DONE] = {"type": "success"}
    return states


def native(definition: dict[str, Any], **extra: Any) -> Any:
    return document_from_data({"name": "Generated", "definition": definition, **extra})


def wire(value: Any) -> Any:
    """What a server would hand back: the JSON text, parsed again."""
    return json.loads(dump_text(value))


SEEDS = range(6)


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_definitions_are_valid(seed: int) -> None:
    problems = validate_document(native(generate(seed)))
    assert not [p for p in problems if p.severity == "error"], [str(p) for p in problems]
    assert len(generate(seed)) <= 50


# --- export -----------------------------------------------------------------------------------


def test_snake_export_is_the_definition_itself() -> None:
    definition = generate(1)
    result = export_playbook(native(definition))
    assert result.dialect == "snake"
    assert result.definition == native(definition).definition_dict()
    starts = [name for name, state in result.definition.items() if state.get("start")]
    assert len(starts) == 1 and starts[0].startswith("Step 0 ")


def test_camel_export_renames_keys_and_error_types() -> None:
    definition = {
        "Get": {"start": True, "type": "function", "function_id": "g",
                "parameters": {"limit": 5, "result_path": "kept as is"},
                "result_path": "$.alerts", "input_path": "$.in",
                "on_error": [{"error_type": "timeout_error",
                              "retry": {"delay": 1, "attempt": 2, "step_delay": 3},
                              "fallback": {"next": "Fail"}},
                             {"error_type": "custom_error", "error_codes": ["10001043"],
                              "fallback": {"next": "Fail"}}],
                "next": "Each"},
        "Each": {"type": "batch", "collection_path": "$.alerts", "collection_variable": "a",
                 "root": "Fn", "batch_size": 2, "next": "Done"},
        "Fn": {"type": "function", "function_id": "f", "on_error": [
            {"error_type": "authorization_error", "fallback": {"next": "Fn failed"}},
            {"error_type": "execution_error", "fallback": {"next": "Fn failed"}}]},
        "Fn failed": {"type": "pass"},
        "Fail": {"type": "failure"},
        "Done": {"type": "success"},
    }
    functions = {"f": {"source": "x"}, "g": {"source": "x"}}
    out = export_playbook(native(definition, functions=functions), "camel").definition
    get = out["Get"]
    assert list(get) == ["start", "type", "functionId", "parameters", "inputPath", "resultPath",
                         "onError", "next"]
    assert get["parameters"] == {"limit": 5, "result_path": "kept as is"}  # parameters untouched
    assert get["onError"][0] == {"errorType": "Error.TimeOut",
                                 "retry": {"delay": 1, "attempt": 2, "stepDelay": 3},
                                 "fallback": {"next": "Fail"}}
    assert get["onError"][1]["errorType"] == "Error.Custom"
    assert get["onError"][1]["errorCodes"] == ["10001043"]
    assert [h["errorType"] for h in out["Fn"]["onError"]] == [
        "Error.AuthorizationFailure", "Error.ExecutionFailure"]
    assert out["Fn"]["functionId"] == "f"
    assert out["Each"] == {"type": "batch", "collectionPath": "$.alerts",
                           "collectionVariable": "a", "batchSize": 2, "root": "Fn", "next": "Done"}


def test_export_refuses_validation_errors() -> None:
    definition = generate(2)
    definition[DONE] = {"type": "success", "next": "Nowhere"}
    with pytest.raises(ExportRefused) as info:
        export_playbook(native(definition))
    problems = info.value.problems
    assert problems and all(p.severity == "error" for p in problems)
    assert {p.code for p in problems} >= {"terminal.next", "target.missing"}
    assert "export refused" in str(info.value)


def test_export_allows_warnings() -> None:
    definition = generate(3)
    definition["Orphan"] = {"type": "pass", "next": DONE}  # unreachable: a warning
    result = export_playbook(native(definition))
    assert "Orphan" in result.definition


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown dialect"):
        export_playbook(native(generate(0)), "kebab")


def test_manifest_lists_functions_and_circuits() -> None:
    definition = generate(4, size=24)
    doc = native(definition)
    expected_functions = sorted({s["function_id"] for s in definition.values()
                                 if s["type"] == "function"})
    expected_circuits = sorted({s["circuit_id"] for s in definition.values()
                                if s["type"] == "circuit"})
    assert expected_functions and expected_circuits
    result = export_playbook(doc)
    assert result.manifest == {"playbook": "Generated", "functions": expected_functions,
                               "circuits": expected_circuits}
    assert manifest(doc) == result.manifest


def test_export_never_writes_designer_data() -> None:
    doc = document_from_data({
        "name": "p",
        "definition": {"F": {"start": True, "type": "function", "function_id": "f",
                             "next": "End"}},
        "functions": {"f": {"source": "SECRET_SOURCE_MARKER = 1"}},
        "layout": {"positions": {"F": {"x": 1, "y": 2}},
                   "notes": [{"id": "n", "text": "NOTE_MARKER"}]},
        "run_profiles": [{"name": "PROFILE_MARKER", "payload": {"a": 1}}],
    })
    for dialect in DIALECTS:
        text = dump_text(export_playbook(doc, dialect).definition)
        for marker in ("SECRET_SOURCE_MARKER", "NOTE_MARKER", "PROFILE_MARKER", "positions"):
            assert marker not in text


# --- import -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_import_detects_the_dialect(dialect: str) -> None:
    exported = wire(export_playbook(native(generate(5)), dialect).definition)
    result = import_definition(exported)
    assert result.dialect == dialect
    assert result.notes and result.notes[0].startswith(f"dialect: {dialect} (")


def test_detect_dialect_reasons() -> None:
    assert detect_dialect({"A": {"type": "pass"}})[0] == "snake"
    assert "default" in detect_dialect({"A": {"type": "pass"}})[1]
    assert detect_dialect({"A": {"type": "pass", "inputPath": "$"}}) == (
        "camel", "camelCase keys found (inputPath)")
    dialect, reason = detect_dialect({"A": {"type": "pass", "inputPath": "$", "output_path": "$"}})
    assert dialect == "snake" and "both" in reason


def test_detect_dialect_does_not_read_free_form_values() -> None:
    snake_like = {"A": {"type": "action", "action": "get_alerts",
                        "parameters": {"resultPath": 1}, "x_meta": {"onError": []}}}
    assert detect_dialect(snake_like)[0] == "snake"
    assert "no dialect-specific keys" in detect_dialect(snake_like)[1]
    # A state *named* like a dialect key is not a key.
    assert "no dialect-specific keys" in detect_dialect({"batchSize": {"type": "success"}})[1]


def test_import_finds_camel_keys_inside_handlers() -> None:
    data = {"A": {"type": "function", "onError": [{"errorType": "Error.TimeOut",
                                                   "retry": {"stepDelay": 2},
                                                   "fallback": {"next": "B"}}],
                  "next": "B"},
            "B": {"type": "success"}}
    result = import_definition(data)
    assert result.dialect == "camel"
    handler = result.document.state("A").on_error[0]
    assert handler.error_type == "timeout_error" and handler.retry.step_delay == 2


def test_import_uses_the_marked_start() -> None:
    data = {"A": {"type": "pass", "next": "B"}, "B": {"start": True, "type": "pass", "next": "A"}}
    doc = import_definition(data).document
    assert doc.start_state() == "B"
    assert [n for n, s in doc.definition.items() if s.start] == ["B"]


def test_import_infers_the_start() -> None:
    data = {"Later": {"type": "success"}, "First": {"type": "pass", "next": "Later"}}
    doc = import_definition(data).document
    assert doc.start_state() == "First"
    assert doc.state("First").start is True
    assert list(doc.definition) == ["Later", "First"]  # state order is kept


def _codes(doc: object) -> set[str]:
    from runtime.validate import validate_document

    return {p.code for p in validate_document(doc) if p.severity == "error"}  # type: ignore[arg-type]


def test_import_with_several_start_candidates_opens_for_repair() -> None:
    data = {"A": {"type": "pass", "next": "C"}, "B": {"type": "pass", "next": "C"},
            "C": {"type": "success"}}
    result = import_definition(data)
    note = " ".join(result.notes)
    assert "start cannot be inferred" in note and "A, B" in note
    assert not any(s.start for s in result.document.definition.values())
    assert set(result.document.layout.positions) == {"A", "B", "C"}
    assert "start.missing" in _codes(result.document)


def test_import_with_no_start_candidate_says_none() -> None:
    data = {"A": {"type": "pass", "next": "B"}, "B": {"type": "pass", "next": "A"}}
    result = import_definition(data)
    assert any("states that no other state names: none" in n for n in result.notes)
    assert "start.missing" in _codes(result.document)


def test_import_with_several_marked_starts_keeps_them() -> None:
    data = {"A": {"start": True, "type": "pass", "next": "B"},
            "B": {"start": True, "type": "success"}}
    result = import_definition(data)
    assert any("several states are marked start: A, B" in n for n in result.notes)
    assert [n for n, s in result.document.definition.items() if s.start] == ["A", "B"]
    assert "start.multiple" in _codes(result.document)


def test_import_keeps_an_unknown_type_unchanged() -> None:
    from runtime.model import dumps_document
    from runtime.model.states import UnknownState
    from runtime.serverformat import export_playbook

    odd = {"type": "quantum_wait", "qubits": [1, {"x": None}], "next": "Done",
           "comment": "from a newer server"}
    data = {"Go": {"start": True, "type": "pass", "next": "Odd"}, "Odd": odd,
            "Done": {"type": "success"}}
    result = import_definition(data)
    doc = result.document
    assert isinstance(doc.state("Odd"), UnknownState)
    assert "Odd" in doc.layout.positions
    assert any("unknown state type" in n and "Odd" in n for n in result.notes)
    assert "state.unknown-type" in _codes(doc)
    # Kept field for field: in the native file, and in an export once the author allows it.
    assert export_playbook(doc, check=False).definition["Odd"] == odd
    again = json.loads(dumps_document(doc))["definition"]["Odd"]
    assert again == odd
    camel = export_playbook(doc, "camel", check=False).definition
    assert import_definition(camel).document.definition_dict()["Odd"] == odd


def test_import_with_a_missing_target_opens_for_repair() -> None:
    data = {"Go": {"start": True, "type": "pass", "next": "Gone"}, "Done": {"type": "success"}}
    doc = import_definition(data).document
    assert set(doc.layout.positions) == {"Go", "Done"}
    assert "target.missing" in _codes(doc)


def test_fallback_targets_count_as_named_for_inference() -> None:
    data = {"Act": {"type": "function", "function_id": "f",
                    "on_error": [{"error_type": "timeout_error", "fallback": {"next": "Oops"}}],
                    "next": "End"},
            "Oops": {"type": "failure"}}
    assert import_definition(data).document.start_state() == "Act"


@pytest.mark.parametrize(
    "data",
    [[], {}, {"A": 1}, {"A": {"next": "B"}}, "text", {"format": "playbook-studio"}],
)
def test_non_definitions_are_refused(data: Any) -> None:
    assert not looks_like_server_definition(data)
    with pytest.raises(ImportError_, match="a server definition is one JSON object"):
        import_definition(data)


def test_a_state_whose_fields_cannot_be_read_imports_for_repair() -> None:
    from runtime.model.states import InvalidState

    data = {"A": {"start": True, "type": ["teleport"], "next": "B"},
            "B": {"type": "pass", "next": 5}, "C": {"type": "success"}}
    result = import_definition(data)
    a, b = result.document.definition["A"], result.document.definition["B"]
    assert isinstance(a, InvalidState) and "needs a 'type'" in a.reason and a.start
    assert isinstance(b, InvalidState) and b.field == "next" and b.declared_type == "pass"
    assert result.document.definition_dict() == data
    assert any("kept unchanged for repair: A, B" in note for note in result.notes)


def test_unknown_keys_survive_import_then_export() -> None:
    data = {
        "A": {"start": True, "type": "action", "action": "get_alerts",
              "parameters": {"limit": 1}, "x_vendor": {"nested": [1, {"deep": True}]},
              "on_error": [{"error_type": "timeout_error", "fallback": {"next": "B"},
                            "x_handler_meta": "kept"}],
              "next": "B", "priority": 5},
        "B": {"type": "success", "x_color": None},
    }
    for dialect in DIALECTS:
        sent = export_playbook(import_definition(data).document, dialect).definition
        back = export_playbook(import_definition(wire(sent)).document, "snake").definition
        assert back == data


def test_unknown_values_that_look_like_dialect_keys_are_not_renamed() -> None:
    camel = {"A": {"start": True, "type": "pass", "inputPath": "$",
                   "x_meta": {"result_path": 1, "onError": 2}, "next": "End"}}
    doc = import_definition(camel).document
    assert doc.definition_dict()["A"]["x_meta"] == {"result_path": 1, "onError": 2}
    assert export_playbook(doc, "camel").definition == camel


# --- round trips ------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("seed", SEEDS)
def test_export_import_export_is_identical(seed: int, dialect: str) -> None:
    doc = native(generate(seed), functions={f"fn_{i}": {"source": "x"} for i in range(20)})
    first = dump_text(export_playbook(doc, dialect).definition)
    imported = import_definition(json.loads(first))
    assert imported.dialect == dialect
    assert imported.document.definition_dict() == doc.definition_dict()
    second = dump_text(export_playbook(imported.document, dialect).definition)
    assert second == first


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("seed", SEEDS)
def test_round_trip_without_a_start_mark(seed: int, dialect: str) -> None:
    doc = native(generate(seed))
    sent = wire(export_playbook(doc, dialect).definition)
    for state in sent.values():
        state.pop("start", None)
    imported = import_definition(sent)
    assert imported.document.start_state() == doc.start_state()
    again = export_playbook(imported.document, dialect).definition
    assert dump_text(again) == dump_text(export_playbook(doc, dialect).definition)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_cross_dialect_round_trip(dialect: str) -> None:
    other = "camel" if dialect == "snake" else "snake"
    doc = native(generate(7))
    there = wire(export_playbook(doc, dialect).definition)
    back = export_playbook(import_definition(there).document, other).definition
    assert back == export_playbook(doc, other).definition


# --- layout -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_import_lays_out_every_state(seed: int) -> None:
    doc = import_definition(wire(export_playbook(native(generate(seed))).definition)).document
    positions = {name: (p.x, p.y) for name, p in doc.layout.positions.items()}
    assert set(positions) == set(doc.definition)
    assert len(set(positions.values())) == len(positions)  # no two states on top of each other


def test_layout_flows_left_to_right_and_ignores_fallbacks() -> None:
    definition = native(generate(2, size=16)).definition
    start = next(n for n, s in definition.items() if s.start)
    result = layout_definition(definition, start)
    assert set(result.positions) == set(definition)
    assert result.positions[start][0] == 0.0
    assert sorted(n for layer in result.layers for n in layer) == sorted(definition)
    graph = flow_graph(definition)
    fallbacks = sum(1 for s in definition.values() for p, t in s.targets() if t == HANDLER)
    assert fallbacks > 1
    assert graph.in_degree(HANDLER) == 1  # a shared handler gets one laid-out edge, not all
    for u, v in graph.edges:
        assert result.positions[v][0] > result.positions[u][0], (u, v)


def test_layout_of_a_loop_and_of_nothing() -> None:
    doc = native({"A": {"start": True, "type": "pass", "next": "B"},
                  "B": {"type": "wait", "duration": 1, "next": "A"}})
    result = layout_definition(doc.definition, "A")
    assert result.positions["A"][0] < result.positions["B"][0]
    assert layout_definition({}).positions == {}


def test_count_crossings() -> None:
    doc = native({
        "S": {"start": True, "type": "parallel",
              "paths": [{"name": "a", "root": "A"}, {"name": "b", "root": "B"}], "next": "End"},
        "A": {"type": "pass", "next": "Y"}, "B": {"type": "pass", "next": "X"},
        "X": {"type": "pass"}, "Y": {"type": "pass"},
    })
    crossed = {"S": (0, 0), "A": (1, 0), "B": (1, 1), "X": (2, 0), "Y": (2, 1)}
    assert count_crossings(doc.definition, crossed) == 1
    laid = layout_definition(doc.definition, "S").positions
    assert count_crossings(doc.definition, laid) == 0


def test_a_state_whose_next_names_itself_is_laid_out() -> None:
    from runtime.layout import layout_definition

    data = {"Loop": {"start": True, "type": "pass", "next": "Loop"},
            "Other": {"type": "pass", "next": "Loop"}}
    doc = import_definition(data).document
    assert set(doc.layout.positions) == {"Loop", "Other"}
    assert set(layout_definition(doc.definition, "Loop").positions) == {"Loop", "Other"}
    assert "flow.self-next" in _codes(doc)


def test_a_list_as_next_on_a_terminal_state_is_a_rule_not_a_crash() -> None:
    data = {"Go": {"start": True, "type": "pass", "next": "Done"},
            "Done": {"type": "success", "next": ["Go", "End"]}}
    doc = import_definition(data).document
    assert list(doc.state("Done").targets()) == []
    assert "terminal.next" in _codes(doc)
    assert doc.definition_dict()["Done"]["next"] == ["Go", "End"]  # kept for repair


def test_import_without_layout_gives_the_same_states_and_no_positions() -> None:
    definition = wire(export_playbook(native(generate(7, size=30)), "snake").definition)
    laid_out = import_definition(definition)
    bare = import_definition(definition, layout=False)
    assert laid_out.document.layout.positions
    assert bare.document.layout.positions == {}
    assert bare.document.definition == laid_out.document.definition
    assert validate_document(bare.document) == validate_document(laid_out.document)
