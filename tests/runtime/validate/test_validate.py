"""Tests for runtime.validate: one minimal document per rule code in RULES, and clean documents.

Each case builds the smallest document that breaks one rule and asserts that rule's code is
reported with the severity the table gives it, on the right state and field. A test fails when a
rule is added to RULES without a case here. Clean documents (a two-state flow and one that uses
every state type) produce no problems at all.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from runtime.model import document_from_data
from runtime.validate import RULES, Problem, has_errors, validate_definition, validate_document


def doc(definition: dict[str, Any], **extra: Any) -> Any:
    return document_from_data({"name": "t", "definition": definition, **extra})


def flow(**states: dict[str, Any]) -> dict[str, Any]:
    """A definition that starts at 'Start' (a pass state into ``first``) and ends in 'Done'."""
    definition: dict[str, Any] = {"Start": {"start": True, "type": "pass", "next": "Done"}}
    definition.update(states)
    if states:
        definition["Start"]["next"] = next(iter(states))
    definition["Done"] = {"type": "success"}
    return definition


def guarded(action: str, parameters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An action state with an on_error handler (so endpoint actions are not flagged)."""
    return {
        "type": "action",
        "action": action,
        "parameters": parameters,
        "on_error": [{"error_type": "execution_error", "fallback": {"next": "Done"}}],
        "next": "Done",
        **extra,
    }


DEVICE = {"destination_device": "host-01"}

# code -> (document data, state the problem is about, field path)
CASES: dict[str, tuple[dict[str, Any], str | None, str]] = {
    "limit.states": (
        {"definition": {
            **{f"S{i}": {"type": "pass", "next": f"S{i + 1}"} for i in range(50)},
            "S0": {"start": True, "type": "pass", "next": "S1"},
            "S50": {"type": "success"},
        }},
        None, "",
    ),
    "name.invalid": (
        {"definition": flow(**{"x" * 81: {"type": "pass", "next": "Done"}})}, "x" * 81, "",
    ),
    "start.missing": (
        {"definition": {"A": {"type": "pass", "next": "B"}, "B": {"type": "success"}}}, None, "",
    ),
    "start.multiple": (
        {"definition": {"A": {"start": True, "type": "pass", "next": "B"},
                        "B": {"start": True, "type": "success"}}},
        "B", "start",
    ),
    "target.missing": ({"definition": flow(A={"type": "pass", "next": "Nowhere"})}, "A", "next"),
    "state.unreachable": (
        {"definition": {**flow(), "Orphan": {"type": "pass", "next": "Done"}}}, "Orphan", "",
    ),
    "flow.dead-end": (
        {"definition": flow(P={"type": "parallel", "paths": [], "next": "Done"})}, "P", "paths",
    ),
    "terminal.next": (
        {"definition": {"A": {"start": True, "type": "pass", "next": "S"},
                        "S": {"type": "success", "next": "A"}}},
        "S", "next",
    ),
    "branch.no-default": (
        {"definition": flow(B={"type": "branch",
                               "conditions": [{"condition": "$.x == 1", "next": "Done"}]})},
        "B", "default",
    ),
    "branch.to-end": (
        {"definition": flow(B={"type": "branch",
                               "conditions": [{"condition": "$.x == 1", "next": "End"}],
                               "default": "Done"})},
        "B", "conditions[0].next",
    ),
    "branch.condition-syntax": (
        {"definition": flow(B={"type": "branch",
                               "conditions": [{"condition": "$.x = 1", "next": "Done"}],
                               "default": "Done"})},
        "B", "conditions[0].condition",
    ),
    "body.escape": (
        {"definition": flow(
            P={"type": "parallel", "paths": [{"name": "p", "root": "Inner"}], "next": "Done"},
            Inner={"type": "pass", "next": "Done"},  # leaves the body into the main flow
        )},
        "P", "paths[0].root",
    ),
    "parallel.path-names": (
        {"definition": flow(
            P={"type": "parallel", "paths": [{"name": "p", "root": "A"}, {"name": "p", "root": "B"}],
               "next": "Done"},
            A={"type": "pass"},
            B={"type": "pass"},
        )},
        "P", "paths[1].name",
    ),
    "cycle.no-wait": (
        {"definition": flow(
            Loop={"type": "branch", "conditions": [{"condition": "$.again", "next": "Step"}],
                  "default": "Done"},
            Step={"type": "pass", "next": "Loop"},
        )},
        "Loop", "",
    ),
    "action.unknown": (
        {"definition": flow(A={"type": "action", "action": "reboot_universe", "next": "Done"})},
        "A", "action",
    ),
    "schema.parameter": (
        {"definition": flow(A=guarded("get_alerts", {"limit": 501}))}, "A", "parameters.limit",
    ),
    "schema.required": (
        {"definition": flow(A=guarded("create_incident", {"severity": "critical"}))},
        "A", "parameters.name",
    ),
    "schema.unknown-parameter": (
        {"definition": flow(A=guarded("get_alerts", {"limit": 5, "colour": "red"}))},
        "A", "parameters.colour",
    ),
    "schema.dynamic-path": (
        {"definition": flow(A=guarded("create_incident", {"name": "$.alert[name"}))},
        "A", "parameters.name",
    ),
    "schema.field": (
        {"definition": flow(F={"type": "failure", "error": "E" * 257})}, "F", "error",
    ),
    "limit.wait": (
        {"definition": flow(W={"type": "wait", "duration": 30 * 86400 + 1, "next": "Done"})},
        "W", "duration",
    ),
    "limit.batch-size": (
        {"definition": flow(
            B={"type": "batch", "collection_path": "$.items", "collection_variable": "item",
               "root": "Body", "batch_size": 11, "next": "Done"},
            Body={"type": "pass"},
        )},
        "B", "batch_size",
    ),
    "path.syntax": (
        {"definition": flow(A={"type": "pass", "input_path": "alert.user", "next": "Done"})},
        "A", "input_path",
    ),
    "on-error.not-allowed": (
        {"definition": flow(A={"type": "pass", "next": "Done",
                               "on_error": [{"error_type": "timeout_error"}]})},
        "A", "on_error",
    ),
    "on-error.type": (
        {"definition": flow(A={**guarded("get_alerts", {}),
                               "on_error": [{"error_type": "Error.TimeOut"}]})},
        "A", "on_error[0].error_type",
    ),
    "on-error.codes": (
        {"definition": flow(A={**guarded("get_alerts", {}),
                               "on_error": [{"error_type": "custom_error"}]})},
        "A", "on_error[0].error_codes",
    ),
    "on-error.unknown-code": (
        {"definition": flow(A={**guarded("get_alerts", {}),
                               "on_error": [{"error_type": "custom_error",
                                             "error_codes": ["424242"]}]})},
        "A", "on_error[0].error_codes",
    ),
    "on-error.retry": (
        {"definition": flow(A={**guarded("get_alerts", {}),
                               "on_error": [{"error_type": "timeout_error",
                                             "retry": {"delay": 3, "attempt": 99,
                                                       "step_delay": 2}}]})},
        "A", "on_error[0].retry.attempt",
    ),
    "on-error.endpoint-unguarded": (
        {"definition": flow(A={"type": "action", "action": "disable_usb",
                               "parameters": DEVICE, "next": "Done"})},
        "A", "on_error",
    ),
    "secret.literal": (
        {"definition": flow(A=guarded(
            "invoke_url_via_agent",
            {"url": "https://example.com", "http_method": "GET", **DEVICE,
             "connection_name": "Jira",
             "headers": {"Authorization": "Bearer abcdefghijklmnop"}},
        ))},
        "A", "parameters.headers.Authorization",
    ),
    "function.no-source": (
        {"definition": flow(F={"type": "function", "function_id": "enrich", "next": "Done"})},
        "F", "function_id",
    ),
    "profile.target": (
        {"definition": flow(), "run_profiles": [{"name": "p", "target": "Ghost"}]},
        None, "run_profiles[p].target",
    ),
    "flow.never-ends": (
        {"definition": flow(
            Poll={"type": "pass", "next": "Check"},
            Check={"type": "branch", "conditions": [{"condition": "$.n > 1", "next": "Poll"}],
                   "default": "Poll"},
        )},
        "Check", "",
    ),
    "flow.self-next": (
        {"definition": flow(A=guarded("get_alerts", {"limit": 5}, next="A"))}, "A", "next",
    ),
    "state.unknown-type": (
        {"definition": flow(Q={"type": "quantum", "qubits": 3, "next": "Done"})}, "Q", "type",
    ),
    "state.invalid": (
        {"definition": flow(W={"type": "wait", "duration": 5, "next": ["Done", "End"]})}, "W",
        "next",
    ),
    "dataflow.unknown-path": (
        {"definition": flow(B={"type": "branch", "default": "Done", "conditions": [
            {"condition": "$.alert.severity == 'high'", "next": "Done"}]}),
         "run_profiles": [{"name": "p", "payload": {"incident": {"id": 1}}}]},
        "B", "conditions[0].condition",
    ),
    "dataflow.maybe-missing": (
        {"definition": flow(
            B={"type": "branch", "default": "Check",
               "conditions": [{"condition": "$.n > 1", "next": "Set"}]},
            Set={"type": "pass", "result": {"v": 1}, "result_path": "$.extra", "next": "Check"},
            Check={"type": "branch", "default": "Done",
                   "conditions": [{"condition": "$.extra.v == 1", "next": "Done"}]}),
         "run_profiles": [{"name": "p", "payload": {"n": 2}}]},
        "Check", "conditions[0].condition",
    ),
    "wait.past-max-runtime": (
        {"definition": flow(W={"type": "wait", "duration": 30 * 86400, "next": "Done"})},
        "W", "duration",
    ),
}


# Consequences a case cannot avoid (a flow cut short leaves "Done" unreachable, ...).
ALSO = {
    "schema.field": {"state.unreachable"},
    "target.missing": {"state.unreachable"},
    "terminal.next": {"cycle.no-wait"},
    "flow.never-ends": {"state.unreachable"},
    "limit.wait": {"wait.past-max-runtime"},
}


def test_every_rule_has_a_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule(code: str) -> None:
    data, state, path = CASES[code]
    problems = validate_document(doc(**data))
    found = [p for p in problems if p.code == code]
    assert found, f"{code} not reported; got {[str(p) for p in problems]}"
    expected_severity = RULES[code][0]
    assert all(p.severity == expected_severity for p in found)
    assert any(p.state == state and p.path == path for p in found), [str(p) for p in found]
    assert all(p.message for p in found)
    # Data-flow warnings follow from what a case reads; they have cases of their own.
    others = {p.code for p in problems if not p.code.startswith("dataflow.")} - {code}
    assert others <= ALSO.get(code, set())
    assert has_errors(problems) == any(p.severity == "error" for p in problems)


# --- specifics --------------------------------------------------------------------------------


def codes(definition: dict[str, Any], **extra: Any) -> set[str]:
    return {p.code for p in validate_document(doc(definition, **extra))}


def test_empty_definition_is_a_limit_error() -> None:
    assert codes({}) == {"limit.states"}


@pytest.mark.parametrize("name", ["End", "   ", "y" * 81])
def test_invalid_names(name: str) -> None:
    assert "name.invalid" in codes(flow(**{name: {"type": "pass", "next": "Done"}}))


def test_name_of_80_characters_is_fine() -> None:
    assert "name.invalid" not in codes(flow(**{"z" * 80: {"type": "pass", "next": "Done"}}))


def test_dead_end_variants() -> None:
    assert "flow.dead-end" in codes(flow(B={"type": "branch"}))
    assert "flow.dead-end" in codes(flow(B={"type": "batch", "collection_path": "$.a",
                                            "collection_variable": "x", "next": "Done"}))


def test_batch_body_escape() -> None:
    found = codes(flow(
        B={"type": "batch", "collection_path": "$.items", "collection_variable": "item",
           "root": "Body", "next": "Done"},
        Body={"type": "pass", "next": "B"},  # back to its own batch state
    ))
    assert "body.escape" in found


def test_cycle_with_a_wait_is_fine() -> None:
    found = codes(flow(
        Loop={"type": "branch", "conditions": [{"condition": "$.again", "next": "Pause"}],
              "default": "Done"},
        Pause={"type": "wait", "duration": 10, "next": "Loop"},
    ))
    assert "cycle.no-wait" not in found


def test_self_loop_can_never_end() -> None:
    found = codes({"A": {"start": True, "type": "action", "action": "get_alerts", "next": "A"}})
    assert {"flow.self-next", "flow.never-ends"} <= found


def test_loops_that_can_never_end_are_errors_with_or_without_a_wait() -> None:
    looping = {
        "Poll": {"start": True, "type": "pass", "next": "Pause"},
        "Pause": {"type": "wait", "duration": 10, "next": "Check"},
        "Check": {"type": "branch", "conditions": [{"condition": "$.n > 1", "next": "Poll"}],
                  "default": "Poll"},
    }
    problems = validate_document(doc(looping))
    (never,) = [p for p in problems if p.code == "flow.never-ends"]
    assert never.severity == "error" and "maximum runtime" in never.message
    looping["Pause"] = {"type": "pass", "next": "Check"}
    problems = validate_document(doc(looping))
    (never,) = [p for p in problems if p.code == "flow.never-ends"]
    assert "1,000-transition cap" in never.message
    # One way out is enough: the same loop with a default to Success validates.
    looping["Check"]["default"] = "Out"
    looping["Out"] = {"type": "success"}
    assert "flow.never-ends" not in codes(looping)
    assert "cycle.no-wait" in codes(looping)


def test_a_success_or_failure_inside_a_body_is_a_way_out() -> None:
    """Success and Failure end the whole execution from inside a Parallel path too."""
    definition = {
        "P": {"start": True, "type": "parallel", "next": "Again",
              "paths": [{"name": "check", "root": "Check"}]},
        "Check": {"type": "branch", "conditions": [{"condition": "$.ok == true", "next": "Won"}],
                  "default": "Not yet"},
        "Not yet": {"type": "pass", "next": "End"},
        "Won": {"type": "success"},
        "Again": {"type": "wait", "duration": 60, "next": "P"},
    }
    assert "flow.never-ends" not in codes(definition)
    definition["Check"]["conditions"][0]["next"] = "Not yet"
    del definition["Won"]
    assert "flow.never-ends" in codes(definition)


def test_a_fallback_to_end_is_a_way_out() -> None:
    definition = {
        "A": {"start": True, "type": "action", "action": "get_alerts", "next": "B",
              "on_error": [{"error_type": "execution_error", "fallback": {"next": "End"}}]},
        "B": {"type": "pass", "next": "A"},
    }
    assert "flow.never-ends" not in codes(definition)


def test_a_wait_past_the_max_runtime_warns_with_both_figures() -> None:
    definition = flow(W={"type": "wait", "duration": 30 * 86400, "next": "Done"})
    (warning,) = validate_document(doc(definition))
    assert (warning.code, warning.severity) == ("wait.past-max-runtime", "warning")
    assert "30 d (2592000 s)" in warning.message and "1 h (3600 s)" in warning.message
    assert codes(definition, max_runtime=30 * 86400) == set()


def test_wait_and_batch_bounds_are_inclusive() -> None:
    assert codes(flow(W={"type": "wait", "duration": 30 * 86400, "next": "Done"}),
                 max_runtime=30 * 86400) == set()
    assert "limit.wait" in codes(flow(W={"type": "wait", "duration": 0, "next": "Done"}))
    assert "limit.wait" in codes(flow(W={"type": "wait", "duration": "10", "next": "Done"}))
    assert "limit.wait" in codes(flow(W={"type": "wait", "next": "Done"}))  # required
    ok_batch = flow(
        B={"type": "batch", "collection_path": "$.items", "collection_variable": "item",
           "root": "Body", "batch_size": 10, "next": "Done"},
        Body={"type": "pass"},
    )
    assert codes(ok_batch) == set()


def test_dynamic_values_are_checked_for_syntax_not_content() -> None:
    ok = flow(A=guarded("get_alerts", {"limit": "$.wanted.limit", "query": "$"}))
    assert codes(ok) == set()


def test_double_dollar_literal_is_checked_as_a_literal() -> None:
    literal = flow(A=guarded("create_incident", {"name": "$$" + "n" * 250}))
    problems = validate_document(doc(literal))
    assert [p.code for p in problems] == ["schema.parameter"]
    assert problems[0].message == "$.name: must have a maximum value of 250"


def test_reference_message_shapes_reach_the_problems() -> None:
    problems = validate_document(doc(flow(A=guarded("list_incident", {"limit": "ten"}))))
    assert [p.message for p in problems] == ["$.limit: string found, number expected"]


@pytest.mark.parametrize(
    "value",
    ["AKIAABCDEFGHIJKLMNOP", "ghp_" + "a" * 36, "-----BEGIN RSA PRIVATE KEY-----\nMIIE"],
)
def test_secret_shaped_values_warn(value: str) -> None:
    definition = flow(A=guarded("send_popup_message", {"message": value, **DEVICE}))
    problems = validate_document(doc(definition))
    assert [(p.code, p.severity) for p in problems] == [("secret.literal", "warning")]


def test_secret_as_dynamic_value_is_fine() -> None:
    definition = flow(A=guarded(
        "invoke_url_via_agent",
        {"url": "https://example.com", "http_method": "GET", **DEVICE,
         "connection_name": "Jira", "headers": "$.secrets.headers"},
    ))
    assert codes(definition) == set()


def test_function_with_source_is_fine() -> None:
    definition = flow(F={"type": "function", "function_id": "enrich", "next": "Done"})
    functions = {"enrich": {"source": "def handler(p):\n    return p\n"}}
    assert codes(definition, functions=functions) == set()


def test_profile_mocking_an_unknown_state_warns() -> None:
    profiles = [{"name": "p", "mocks": {"Ghost": [{"output": 1}]}}]
    problems = validate_document(doc(flow(), run_profiles=profiles))
    assert [(p.code, p.path) for p in problems] == [("profile.target", "run_profiles[p].mocks")]


def test_errors_come_before_warnings() -> None:
    definition = flow(
        A={"type": "action", "action": "disable_usb", "parameters": DEVICE, "next": "Nowhere"},
    )
    problems = validate_document(doc(definition))
    severities = [p.severity for p in problems]
    assert severities == sorted(severities, key=lambda s: s != "error")
    assert {"error", "warning"} <= set(severities)


def test_problem_record_shape() -> None:
    problem = validate_document(doc(flow(A={"type": "pass", "next": "Nowhere"})))[0]
    assert isinstance(problem, Problem)
    assert problem.to_dict() == {
        "severity": "error", "code": "target.missing", "state": "A", "path": "next",
        "message": "next names 'Nowhere', which is not a state",
    }
    assert str(problem) == "error: [target.missing] A · next: next names 'Nowhere', which is not a state"


def test_validate_never_raises_on_odd_values() -> None:
    odd = flow(
        A={"type": "action", "action": "get_alerts",
           "parameters": {"limit": [1], "query": {"x": 1}, "severity": "critical",
                          "start_time": 5, "profile_ids": [None]},
           "on_error": [{"error_type": "timeout_error",
                         "retry": {"delay": "x", "attempt": None, "step_delay": True}}],
           "next": "Done"},
        W={"type": "wait", "duration": [1]},
        B={"type": "batch", "batch_size": 1.5, "root": "End"},
    )
    problems = validate_document(doc(odd))
    assert has_errors(problems)


# --- clean documents --------------------------------------------------------------------------


def test_two_state_document_is_clean() -> None:
    assert validate_document(doc(flow())) == []


def test_document_using_every_state_type_is_clean() -> None:
    definition = {
        "Get Alerts": {"start": True, "type": "action", "action": "get_alerts",
                       "parameters": {"query": "$.alert.query", "limit": 50},
                       "result_path": "$.alerts", "next": "Check"},
        "Check": {"type": "branch",
                  "conditions": [{"condition": "$.alerts.count > 0 && !$.muted", "next": "Contain"}],
                  "default": "Done"},
        "Contain": {"type": "parallel",
                    "paths": [{"name": "isolate", "root": "Isolate"},
                              {"name": "each", "root": "Each"}],
                    "next": "Enrich"},
        "Isolate": {"type": "action", "action": "disable_usb", "parameters": DEVICE,
                    "on_error": [{"error_type": "custom_error", "error_codes": ["10001108"],
                                  "retry": {"delay": 5, "attempt": 2, "step_delay": 2},
                                  "fallback": {"next": "Isolation failed"}}]},
        "Isolation failed": {"type": "pass", "result": {"isolated": False}},
        "Each": {"type": "batch", "collection_path": "$.alerts.items",
                 "collection_variable": "item", "root": "Pause", "batch_size": 5},
        "Pause": {"type": "wait", "duration": 2},
        "Enrich": {"type": "function", "function_id": "enrich", "parameters": {"u": "$.user"},
                   "next": "Sub"},
        "Sub": {"type": "circuit", "circuit_id": "notify-soc", "next": "Open Incident"},
        "Open Incident": {"type": "action", "action": "create_incident",
                          "parameters": {"name": "$.alert.name", "severity": "critical",
                                         "due_date": "2030-01-01T00:00:00Z"},
                          "on_error": [{"error_type": "timeout_error",
                                        "fallback": {"next": "Failed"}}],
                          "next": "Done"},
        "Failed": {"type": "failure", "error": "IncidentFailed", "cause": "could not open"},
        "Done": {"type": "success"},
    }
    functions = {"enrich": {"source": "def handler(p):\n    return p\n"}}
    profiles = [{"name": "p", "target": "Enrich", "mocks": {"Sub": [{"output": {}}]}}]
    problems = validate_document(doc(definition, functions=functions, run_profiles=profiles))
    problems = [p for p in problems if not p.code.startswith("dataflow.")]  # no payload given
    assert problems == [], [str(p) for p in problems]


def test_validate_definition_without_the_document_rules() -> None:
    definition = doc(flow(F={"type": "function", "function_id": "x", "next": "Done"})).definition
    assert validate_definition(definition) == []


def test_validation_of_a_large_definition_is_quick() -> None:
    states: dict[str, Any] = {
        f"S{i}": {"type": "action", "action": "get_alerts", "parameters": {"limit": i % 500},
                  "next": f"S{i + 1}"}
        for i in range(2000)
    }
    states["S0"]["start"] = True
    states["S2000"] = {"type": "success"}
    document = doc(states)
    started = time.perf_counter()
    problems = validate_document(document)
    assert time.perf_counter() - started < 1.0  # a hang guard; bench/ has the real figure
    assert [p.code for p in problems] == ["limit.states"]
