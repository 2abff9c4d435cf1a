"""Data-flow lint: the inferred input of each state and the dataflow.* warnings.

Crafted playbooks: a path nothing provides (with a did-you-mean), a path set on one branch
only, paths inside a batch item, a mocked Function's result, parallel outputs, error objects
at a fallback, input/output paths, a loop, and the shipped examples.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import pytest

from runtime.catalog import load_catalog
from runtime.dataflow import Shape, check_dataflow, infer
from runtime.loader import load_playbook
from runtime.model.document import PlaybookDocument
from runtime.validate import RULES, validate_document

CATALOG = load_catalog()
PING = "ping_device"


def doc(definition: dict[str, Any], payload: Any = None, **extra: Any) -> PlaybookDocument:
    data: dict[str, Any] = {"definition": definition, **extra}
    if payload is not None:
        data.setdefault("run_profiles", []).insert(0, {"name": "p", "payload": payload})
    return PlaybookDocument.model_validate(data)


def ping(path: str, nxt: str = "End") -> dict[str, Any]:
    return {"type": "action", "action": PING, "parameters": {"destination_device": path},
            "next": nxt}


def flagged(document: PlaybookDocument) -> list[tuple[str, str | None, str]]:
    return [(p.code, p.state, p.path) for p in check_dataflow(document, CATALOG)]


def test_rules_are_registered_as_warnings() -> None:
    assert RULES["dataflow.unknown-path"][0] == "warning"
    assert RULES["dataflow.maybe-missing"][0] == "warning"


def test_a_path_after_get_alerts_that_nothing_provides_warns_with_the_nearest_path() -> None:
    d = doc({"Get Alerts": {"start": True, "type": "action", "action": "get_alerts",
                            "parameters": {"limit": 5}, "next": "Ping"},
             "Ping": ping("$.alerts[0].host")})
    problems = [p for p in validate_document(d, CATALOG) if p.code.startswith("dataflow")]
    assert [(p.code, p.state, p.path, p.severity) for p in problems] == [
        ("dataflow.unknown-path", "Ping", "parameters.destination_device", "warning")]
    assert "$.alerts[0].host" in problems[0].message
    assert "did you mean `$.data[0].host`" in problems[0].message


def test_the_documented_path_passes_and_an_index_or_wildcard_reads_the_items() -> None:
    base = {"Get Alerts": {"start": True, "type": "action", "action": "get_alerts",
                           "parameters": {}, "next": "Ping"}}
    for path in ("$.data[0].host", "$.data[*].host", "$.data[3].host", "$.meta.total_items"):
        assert flagged(doc({**base, "Ping": ping(path)})) == [], path
    assert flagged(doc({**base, "Ping": ping("$.meta.total_items.x")})) == [
        ("dataflow.unknown-path", "Ping", "parameters.destination_device")]


def test_result_path_keeps_the_payload_and_places_the_response() -> None:
    d = doc({"Get Alerts": {"start": True, "type": "action", "action": "get_alerts",
                            "parameters": {}, "result_path": "$.alerts", "next": "A"},
             "A": {**ping("$.alerts.data[0].host", "B"), "result_path": "$.a"},
             "B": {**ping("$.host", "C"), "result_path": "$.b"},
             "C": ping("$.alerts[0].host")}, payload={"host": "WS-1"})
    assert flagged(d) == [("dataflow.unknown-path", "C", "parameters.destination_device")]


def test_without_result_path_the_response_replaces_the_payload() -> None:
    d = doc({"Open": {"start": True, "type": "action", "action": "create_incident",
                      "parameters": {"name": "x"}, "next": "Ping"},
             "Ping": ping("$.host")}, payload={"host": "WS-1"})
    assert flagged(d) == [("dataflow.unknown-path", "Ping", "parameters.destination_device")]


def test_a_path_set_on_one_branch_only_is_maybe_missing() -> None:
    d = doc({
        "Route": {"start": True, "type": "branch", "default": "Plain",
                  "conditions": [{"condition": "$.severity == 'critical'", "next": "Mark"}]},
        "Mark": {"type": "pass", "result": {"level": 3}, "result_path": "$.flag",
                 "next": "Join"},
        "Plain": {"type": "pass", "next": "Join"},
        "Join": {"type": "branch", "default": "Ping",
                 "conditions": [{"condition": "$.flag.level > 2 && $.severity != null",
                                 "next": "Ping"}]},
        "Ping": ping("$.flag.level"),
    }, payload={"severity": "critical", "host": "WS-1"})
    assert flagged(d) == [
        ("dataflow.maybe-missing", "Join", "conditions[0].condition"),
        ("dataflow.maybe-missing", "Ping", "parameters.destination_device"),
    ]
    message = check_dataflow(d, CATALOG)[0].message
    assert "$.flag.level" in message and "some paths" in message


def test_a_path_provided_on_every_branch_is_not_flagged() -> None:
    d = doc({
        "Route": {"start": True, "type": "branch", "default": "B",
                  "conditions": [{"condition": "$.x == 1", "next": "A"}]},
        "A": {"type": "pass", "result": {"level": 1}, "result_path": "$.flag", "next": "J"},
        "B": {"type": "pass", "result": {"level": 2}, "result_path": "$.flag", "next": "J"},
        "J": ping("$.flag.level"),
    }, payload={"x": 1})
    assert flagged(d) == []


def test_paths_inside_a_batch_item_and_the_batch_result() -> None:
    d = doc({
        "Alerts": {"start": True, "type": "action", "action": "get_alerts", "parameters": {},
                   "result_path": "$.alerts", "next": "Each"},
        "Each": {"type": "batch", "collection_path": "$.alerts.data",
                 "collection_variable": "alert", "root": "Body", "batch_size": 5,
                 "result_path": "$.done", "next": "After"},
        "Body": {"type": "action", "action": PING,
                 "parameters": {"destination_device": "$.alert.host",
                                "timeout": "$.batch_index"},
                 "result_path": "$.ping", "next": "Check"},
        "Check": {"type": "action", "action": PING,  # the item has host, not hostname
                  "parameters": {"destination_device": "$.alert.hostname"},
                  "result_selector": {"status": "$.data.STATUS"}, "next": "End"},
        "After": ping("$.done[0].status", "Last"),
        "Last": ping("$.done[0].alert"),  # the body's output is the selector's object only
    }, payload={"tenant": "acme"})
    problems = check_dataflow(d, CATALOG)
    assert [(p.code, p.state) for p in problems] == [
        ("dataflow.unknown-path", "Check"), ("dataflow.unknown-path", "Last")]
    assert "did you mean `$.alert.host`" in problems[0].message
    reads = infer(d, CATALOG).reads("Body")
    assert reads is not None
    assert reads.type_at(("alert", "host")) == "string"
    assert reads.type_at(("batch_index",)) == "number"
    assert reads.status(("tenant",)) == "definite"  # the rest of the input comes along,
    assert reads.status(("alerts",)) == "missing"  # except the key holding the collection


def test_a_missing_batch_collection_warns() -> None:
    d = doc({"Each": {"start": True, "type": "batch", "collection_path": "$.items",
                      "collection_variable": "it", "root": "Body", "next": "End"},
             "Body": ping("$.it.host")}, payload={"list": [{"host": "a"}]})
    assert flagged(d) == [("dataflow.unknown-path", "Each", "collection_path")]


def test_a_mocked_function_result_is_known_and_an_unmocked_one_is_open() -> None:
    definition = {
        "Score": {"start": True, "type": "function", "function_id": "score",
                  "parameters": {"host": "$.host"}, "result_path": "$.fn", "next": "A"},
        "A": {**ping("$.fn.score", "B"), "result_path": "$.ping"},
        "B": ping("$.fn.scroe"),
    }
    functions = {"score": {"source": "def handler(p):\n    return {'score': 1}\n"}}
    mocked = doc(definition, functions=functions, run_profiles=[
        {"name": "p", "payload": {"host": "WS-1"},
         "mocks": {"Score": [{"output": {"score": 7, "reasons": ["x"]}}]}}])
    problems = check_dataflow(mocked, CATALOG)
    assert [(p.code, p.state) for p in problems] == [("dataflow.unknown-path", "B")]
    assert "did you mean `$.fn.score`" in problems[0].message
    unmocked = doc(definition, payload={"host": "WS-1"}, functions=functions)
    assert flagged(unmocked) == []  # nothing is known of a function's result


def test_parallel_output_is_an_object_of_its_paths() -> None:
    d = doc({
        "Fan": {"start": True, "type": "parallel", "next": "After",
                "paths": [{"name": "ping", "root": "P"}, {"name": "mark", "root": "M"}]},
        "P": ping("$.host"),
        "M": {"type": "pass", "result": {"ok": True}, "result_path": "$.mark", "next": "End"},
        "After": ping("$.mark.mark.ok", "Wrong"),
        "Wrong": ping("$.host"),  # the parallel's output replaced the input
    }, payload={"host": "WS-1"})
    assert flagged(d) == [("dataflow.unknown-path", "Wrong", "parameters.destination_device")]
    reads = infer(d, CATALOG).reads("After")
    assert reads is not None and reads.status(("ping", "data")) == "definite"
    assert reads.status(("mark", "host")) == "definite"


def test_a_fallback_receives_the_error_at_error_path() -> None:
    d = doc({
        "Open": {"start": True, "type": "action", "action": "create_incident",
                 "parameters": {"name": "x"}, "error_path": "$.failure",
                 "on_error": [{"error_type": "execution_error", "fallback": {"next": "Fix"}}],
                 "next": "End"},
        "Fix": ping("$.failure.code", "Fix2"),
        "Fix2": ping("$.error.code"),
    }, payload={"host": "WS-1"})
    assert flagged(d) == [("dataflow.unknown-path", "Fix2", "parameters.destination_device")]


def test_input_and_output_paths_select() -> None:
    d = doc({
        "Sel": {"start": True, "type": "pass", "input_path": "$.alert", "next": "A"},
        "A": {**ping("$.host", "B"), "input_path": "$"},
        "B": {**ping("$.host"), "input_path": "$.nothing"},
    }, payload={"alert": {"host": "WS-1"}})
    assert flagged(d) == [("dataflow.unknown-path", "B", "parameters.destination_device")]


def test_without_a_run_profile_the_trigger_payload_is_unknown() -> None:
    d = doc({"A": {**ping("$.anything.at.all", "B"), "start": True,
                   "result_path": "$.r"},
             "B": ping("$.r.data.nope")})
    assert flagged(d) == [("dataflow.unknown-path", "B", "parameters.destination_device")]


def test_a_loop_reaches_a_fixpoint() -> None:
    d = doc({
        "Poll": {"start": True, "type": "action", "action": "get_alerts", "parameters": {},
                 "result_path": "$.poll", "next": "Done?"},
        "Done?": {"type": "branch", "default": "Wait",
                  "conditions": [{"condition": "$.poll.meta.total_items > 0", "next": "Ok"}]},
        "Wait": {"type": "wait", "duration": 60, "next": "Poll"},
        "Ok": ping("$.poll.data[0].host"),
    }, payload={"host": "WS-1"})
    assert flagged(d) == []


def test_shapes_join_definiteness() -> None:
    a = Shape.of_value({"x": 1, "y": {"z": "s"}})
    b = Shape.of_value({"x": "t"})
    joined = a.join(b)
    assert joined.status(("x",)) == "definite" and joined.type_at(("x",)) == "number|string"
    assert joined.status(("y", "z")) == "maybe"
    assert joined.status(("w",)) == "missing"
    assert Shape.unknown().join(b).status(("w",)) == "definite"


def test_unreached_states_are_not_judged() -> None:
    d = doc({"A": {**ping("$.host"), "start": True},
             "Island": ping("$.nothing")}, payload={"host": "x"})
    assert flagged(d) == []


@pytest.mark.parametrize("name", [
    "endpoint-containment", "phishing-response", "suspicious-logon-triage",
])
def test_examples_pass_the_data_flow_lint(name: str) -> None:
    path = files("resources") / "examples" / f"{name}.playbook.json"
    assert flagged(load_playbook(str(path)).document) == []


def test_the_log_source_example_reads_an_error_nothing_provides() -> None:
    """The example's branch once tested ``$.checks[0].error``, but the batch body's selector
    keeps only ``source`` and ``rows``: the condition could never hold. The shipped example
    reads ``rows`` now; the old condition is still reported, with the path it meant."""
    path = files("resources") / "examples" / "log-source-health.playbook.json"
    doc = load_playbook(str(path)).document
    assert check_dataflow(doc, CATALOG) == []
    branch = doc.definition["First source silent?"]
    branch.conditions[0].condition = "$.checks[0].error"  # type: ignore[union-attr]
    problems = check_dataflow(doc, CATALOG)
    assert [(p.code, p.state) for p in problems] == [
        ("dataflow.unknown-path", "First source silent?")]
    assert "`$.checks[0].rows`" in problems[0].message
