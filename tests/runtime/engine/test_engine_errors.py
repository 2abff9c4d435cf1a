"""Errors through the engine: every documented error code, error types, schema failures of
dynamic values, ``on_error`` (retry on the virtual clock, fallback, error path, custom codes),
the transition cap and the session reaper.

Codes the simulated tenant produces come from real scenarios on the default tenant (the same
ones ``test_tenant.py`` uses); the codes it cannot produce by itself (Unauthorized, Internal
Error, Agent Action Failure, throttling, ...) come from a run-profile mock, and the engine must
give them the catalog's message, HTTP status, title and error type all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from engine_support import compile_playbook, only, run, statuses, timed_run, valid_params

from runtime.catalog import LOG360_CLOUD, load_catalog
from runtime.engine import SCHEMA_ERROR
from runtime.history import HistoryStore
from runtime.model import MockResponse
from runtime.tenant import ActionError, Tenant

CATALOG = load_catalog()
ENTRIES = {entry.id: entry for entry in CATALOG.entries(LOG360_CLOUD)}
AGENT_ACTIONS = sorted(e.id for e in ENTRIES.values() if e.group == "endpoint_agent")
OFFLINE_MESSAGE = "The device is not reachable. (agent not running, upgrading or offline)"
SEARCH = {"start_time": "2026-01-01T00:00:00Z", "end_time": "2026-12-31T23:59:59Z"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "h.sqlite3") as opened:
        yield opened


@dataclass(frozen=True)
class Scenario:
    action: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    mocked: bool = False

    @property
    def id(self) -> str:
        return f"{self.action}-{self.code}" + ("-mocked" if self.mocked else "")


def on(action: str, code: str, **changes: Any) -> Scenario:
    """A tenant scenario: the action's valid parameters with ``changes`` (None removes)."""
    params = {**valid_params(action), **changes}
    return Scenario(action, code, {k: v for k, v in params.items() if v is not None})


def mocked(action: str, code: str) -> Scenario:
    return Scenario(action, code, valid_params(action), mocked=True)


def device_scenarios(action: str) -> list[Scenario]:
    """The common agent errors the default tenant produces by device."""
    found = [
        on(action, "10001104", destination_device="NO-SUCH-HOST"),
        on(action, "10001108", destination_device="WS-ENG-031"),
        on(action, "10001109", destination_device="WS-LAB-009"),
    ]
    if ENTRIES[action].error("10001102"):
        no_credential = {"destination_device": "SRV-DB-02"}
        if action == "execute_script":
            no_credential["script_type"] = "Bash"
        if action == "manage_service":
            no_credential["service_name"] = "postgresql"
        found.append(on(action, "10001102", **no_credential))
    return found


SCENARIOS: list[Scenario] = [
    on("create_incident", "10001068", name=" emotet ON ws-hr-022 "),
    on("create_incident", "10001013", evidence=["lg-0001"]),
    mocked("create_incident", "10001043"),
    mocked("create_incident", "10001010"),
    on("update_incident", "10001013", incident_id="999"),
    on("update_incident", "10001068", name="Brute force against SRV-DC-01"),
    mocked("update_incident", "10001043"),
    mocked("update_incident", "10001010"),
    on("list_incident", "10001002", limit=0),
    mocked("list_incident", "10001013"),
    mocked("list_incident", "10001043"),
    mocked("list_incident", "10001015"),
    mocked("list_incident", "10001010"),
    on("delete_incident", "10001010", incident_ids=[]),
    on("delete_incident", "0000107", incident_ids=["100121", "abc"]),
    mocked("delete_incident", "10001043"),
    on("get_alerts", "10001014", query="host = "),
    on("get_alerts", "10001002", limit=0),
    mocked("get_alerts", "10001001"),
    mocked("get_alerts", "10001015"),
    mocked("get_alerts", "10001010"),
    on("list_alert_profiles", "10001010", limit=0),
    mocked("list_alert_profiles", "10001015"),
    on("get_log_sources", "10001012", page=0),
    on("fetch_process_tree", "10001010", id="424242", log_uuid="no-such-log"),
    on("risk_score", "10001010", entity_name="   "),
    mocked("get_working_hours", "10001010"),
    on("search_logs", "10001013", query="   ", **SEARCH),
    on("search_logs", "10001014", query="event_id = 4625 AND", **SEARCH),
    mocked("search_logs", "10001003"),
    mocked("search_logs", "10001015"),
    on("search_logs", "10001002", limit=0, **SEARCH),
    on("write_to_file", "10001105", file_name="logs/evil.txt"),
    on("send_popup_message", "10001105", message="   "),
    on("manage_service", "10001105", service_name="NoSuchSvc"),
    on("manage_service", "10001107", destination_device="MAC-DES-007"),
    on("manage_process", "10001105", name="notepad.exe"),
    mocked("machine_actions", "10001105"),
    on("execute_script", "10001106", script_file_name="   "),
    on("execute_script", "10001107", script_type="Bash"),
    on("invoke_url_via_agent", "10001106", connection_name="Jira"),
    on("invoke_url_via_agent", "10001110"),
    *[s for action in AGENT_ACTIONS for s in device_scenarios(action)],
    *[mocked(action, code) for action in AGENT_ACTIONS for code in ("10001101", "10001103")],
    *[mocked(action, "10001107") for action in AGENT_ACTIONS
      if action not in ("manage_service", "execute_script")],
]
# Invoke Url with a blank connection name: the schema requires one (catalog and tenant agree),
# the tenant answers 10001110 for a name that is only white space.
SCENARIOS = [
    Scenario(s.action, s.code, {**s.params, "connection_name": "   "})
    if (s.action, s.code) == ("invoke_url_via_agent", "10001110") else s
    for s in SCENARIOS
]
FIXED_MESSAGE_CODES = {"10001105", "10001106", "10001107", "10001014", "10001013", "10001010"}


def expected_message(scenario: Scenario) -> tuple[str, str | None]:
    """The step's message and detail: always the reference's (the catalog's) message for the
    code; the tenant's own words, when it has any, go to the detail."""
    spec = ENTRIES[scenario.action].error(scenario.code)
    assert spec is not None
    if scenario.mocked:
        return spec.message, None
    with pytest.raises(ActionError) as info:
        Tenant.from_fixtures().call(scenario.action, scenario.params)
    assert info.value.code == scenario.code
    said = info.value.message
    return spec.message, (said if said and said != spec.message else None)


def test_every_documented_error_code_has_a_scenario() -> None:
    for action, entry in ENTRIES.items():
        documented = {spec.code for spec in entry.errors}
        covered = {s.code for s in SCENARIOS if s.action == action}
        assert covered == documented, action


def error_playbook(scenario: Scenario, caught: bool) -> Any:
    state: dict[str, Any] = {"start": True, "type": "action", "action": scenario.action,
                             "parameters": scenario.params, "next": "End"}
    definition: dict[str, Any] = {"Act": state}
    if caught:
        state["on_error"] = [{"error_type": "custom_error", "error_codes": [scenario.code],
                              "fallback": {"next": "Caught"}}]
        definition["Caught"] = {"type": "success"}
    return compile_playbook(definition)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_error_code_through_the_engine(store: HistoryStore, scenario: Scenario) -> None:
    spec = ENTRIES[scenario.action].error(scenario.code)
    message, detail = expected_message(scenario)
    mocks = {"Act": [MockResponse(error_code=scenario.code)]} if scenario.mocked else {}

    result, steps = run(error_playbook(scenario, caught=False), store, mocks=mocks)
    assert result.status == "failed"
    step = only(steps, "Act")
    assert (step.status, step.error_code, step.message) == ("failed", scenario.code, message)
    assert step.detail == detail
    assert result.message == f"Act: {scenario.code}: {message}"
    if detail is not None:
        errors = [line for line in store.logs(result.execution_id) if line.level == "ERROR"
                  and line.seq == step.seq]
        assert [(e.message, e.detail) for e in errors] == [
            (f"Act: {scenario.code}: {message}", detail)]

    result, steps = run(error_playbook(scenario, caught=True), store, mocks=mocks)
    assert result.status == "partial"  # the execution ended; a step failed and was handled
    assert statuses(steps) == {"Act": ["failed"], "Caught": ["success"]}
    assert only(steps, "Act").error_code == scenario.code
    assert only(steps, "Act").transition == "on_error[0].fallback.next"
    kind = "authorization_error" if spec.http_status == 401 else "execution_error"
    expected = {"code": scenario.code, "message": message, "error_type": kind,
                "http_status": spec.http_status, "title": spec.title,
                "error": scenario.code, "cause": message}
    if detail is not None:
        expected["detail"] = detail
    assert result.output["error"] == expected


@pytest.mark.parametrize("code", sorted(FIXED_MESSAGE_CODES))
def test_fixed_codes_give_the_reference_text_and_keep_the_detail_apart(
    store: HistoryStore, code: str
) -> None:
    """10001105/06/07/14/13/10: the message is the reference's text, whatever the tenant said."""
    found = [s for s in SCENARIOS if s.code == code and not s.mocked]
    assert found, code
    for scenario in found:
        result, steps = run(error_playbook(scenario, caught=False), store)
        step = only(steps, "Act")
        spec = ENTRIES[scenario.action].error(code)
        assert spec is not None and step.message == spec.message
        assert step.detail is None or step.detail not in step.message


# --- error types -----------------------------------------------------------------------------


def typed_handlers_playbook() -> Any:
    return compile_playbook({
        "Act": {"start": True, "type": "action", "action": "create_incident",
                "parameters": {"name": "x"}, "next": "End", "on_error": [
                    {"error_type": "execution_error", "fallback": {"next": "Execution"}},
                    {"error_type": "authorization_error", "fallback": {"next": "Authorization"}},
                ]},
        "Execution": {"type": "success"},
        "Authorization": {"type": "success"},
    })


@pytest.mark.parametrize(("code", "handler"), [
    ("10001043", "Authorization"), ("10001068", "Execution"), ("10001010", "Execution"),
])
def test_error_types_choose_the_handler(store: HistoryStore, code: str, handler: str) -> None:
    result, steps = run(typed_handlers_playbook(), store,
                        mocks={"Act": [MockResponse(error_code=code)]})
    assert [s.state for s in steps] == ["Act", handler]
    assert only(steps, "Act").message.startswith(ENTRIES["create_incident"].error(code).message)


def test_mock_message_and_type_override_the_catalog(store: HistoryStore) -> None:
    mock = MockResponse(error_code="10001068", error_message="taken by the night shift",
                        error_type="authorization_error")
    result, steps = run(typed_handlers_playbook(), store, mocks={"Act": [mock]})
    assert [s.state for s in steps] == ["Act", "Authorization"]
    # The message stays the reference's text for the code; the mock's words are the detail.
    assert result.output["error"]["message"] == ENTRIES["create_incident"].error("10001068").message
    assert result.output["error"]["detail"] == "taken by the night shift"
    assert result.output["error"]["http_status"] == 400


def test_timeout_error_is_matched_by_its_type(store: HistoryStore) -> None:
    sleeper = "import time\n\ndef handler(params):\n    time.sleep(30)\n"
    pb = compile_playbook({
        "Slow": {"start": True, "type": "function", "function_id": "sleeper", "next": "End",
                 "on_error": [
                     {"error_type": "execution_error", "fallback": {"next": "Wrong"}},
                     {"error_type": "timeout_error", "fallback": {"next": "Timed out"}},
                 ]},
        "Wrong": {"type": "failure", "error": "Wrong", "cause": "wrong handler"},
        "Timed out": {"type": "success"},
    }, {"sleeper": sleeper})
    result, steps, wall = timed_run(pb, store, function_timeout=0.5)
    assert wall < 5
    assert result.status == "partial"  # ended, with a failed step handled
    slow = only(steps, "Slow")
    assert (slow.error_code, slow.status) == ("FUNCTION_TIMEOUT", "failed")
    assert result.output["error"]["error_type"] == "timeout_error"
    assert result.output["error"]["cause"] == "Function timed out after 0.5 s"


# --- schema failures of dynamic values ------------------------------------------------------


@pytest.mark.parametrize(("action", "params", "payload", "message"), [
    ("create_incident", {"name": "$.n"}, {"n": "x" * 251},
     "$.name: must have a maximum value of 250"),
    ("create_incident", {"name": "$.n"}, {}, "$: required property 'name' not found"),
    ("create_incident", {"name": "$.n"}, {"n": None}, "$: required property 'name' not found"),
    ("list_incident", {"limit": "$.n"}, {"n": "10"}, "$.limit: string found, number expected"),
    ("list_incident", {"limit": "$.n"}, {"n": 101}, "$.limit: must have a maximum value of 100"),
    ("risk_score", {"entity_name": "$.user", "entity_type": "$.kind"}, {"user": "u", "kind": 1.5},
     "$.entity_type: number found, integer expected"),
])
def test_dynamic_values_are_checked_against_the_schema(
    store: HistoryStore, action: str, params: dict[str, Any], payload: Any, message: str
) -> None:
    pb = compile_playbook({"Act": {"start": True, "type": "action", "action": action,
                                   "parameters": params, "next": "End"}})
    result, steps = run(pb, store, payload=payload)
    assert result.status == "failed"
    step = only(steps, "Act")
    assert (step.error_code, step.message) == (SCHEMA_ERROR, message)
    assert result.message == f"Act: JSON_SCHEMA_VALIDATION_FAILED: {message}"


# --- on_error: retry, fallback, error path ---------------------------------------------------

OFFLINE = MockResponse(error_code="10001108")
OK = MockResponse(output={"data": {"STATUS": 3}})


def retry_playbook(attempt: int = 3, *, fallback: bool = True, **extra: Any) -> Any:
    handler: dict[str, Any] = {"error_type": "custom_error", "error_codes": ["10001108"],
                               "retry": {"delay": 5, "attempt": attempt, "step_delay": 2}}
    if fallback:
        handler["fallback"] = {"next": "Fallback"}
    return compile_playbook({
        "Act": {"start": True, "type": "action", "action": "disable_usb",
                "parameters": {"destination_device": "$.host"}, "on_error": [handler],
                "result_path": "$.usb", "next": "Done", **extra},
        "Fallback": {"type": "pass", "result": {"fell_back": True}, "next": "End"},
        "Done": {"type": "success"},
    })


def retry_log_times(store: HistoryStore, execution_id: str, started: float) -> list[tuple]:
    return [(round(log.time - started, 6), log.message.rsplit("; ", 1)[1])
            for log in store.logs(execution_id) if "; retry " in log.message]


def test_retries_wait_delay_times_step_delay_powers(store: HistoryStore) -> None:
    mocks = {"Act": [OFFLINE, OFFLINE, OFFLINE, OK]}
    result, steps = run(retry_playbook(), store, payload={"host": "WS-FIN-014"}, mocks=mocks)
    assert result.status == "success"
    act = only(steps, "Act")
    assert act.status == "success" and act.message == "succeeded after 3 retries"
    assert act.ended - act.started == pytest.approx(5 + 10 + 20)
    assert retry_log_times(store, result.execution_id, act.started) == [
        (0.0, "retry 1 of 3 in 5 s"), (5.0, "retry 2 of 3 in 10 s"), (15.0, "retry 3 of 3 in 20 s"),
    ]
    assert result.output["usb"] == {"data": {"STATUS": 3}}


def test_fail_twice_then_succeed(store: HistoryStore) -> None:
    mocks = {"Act": [OFFLINE, OFFLINE, OK]}
    result, steps = run(retry_playbook(), store, payload={"host": "h"}, mocks=mocks)
    act = only(steps, "Act")
    assert (result.status, act.status) == ("success", "success")
    assert act.message == "succeeded after 2 retries"
    assert act.ended - act.started == pytest.approx(5 + 10)
    assert statuses(steps) == {"Act": ["success"], "Done": ["success"]}


def test_fallback_after_retries_are_spent(store: HistoryStore) -> None:
    result, steps = run(retry_playbook(), store, payload={"host": "h"}, mocks={"Act": [OFFLINE]})
    assert result.status == "partial"
    assert statuses(steps) == {"Act": ["failed"], "Fallback": ["success"]}
    act, fallback = only(steps, "Act"), only(steps, "Fallback")
    assert act.ended - act.started == pytest.approx(35)
    assert fallback.started == pytest.approx(act.started + 35)
    assert act.error_code == "10001108"
    assert act.message == f"{OFFLINE_MESSAGE}; caught by on_error (custom_error) → Fallback"
    assert result.output == {
        "host": "h", "fell_back": True,
        "error": {"code": "10001108", "message": OFFLINE_MESSAGE,
                  "error_type": "execution_error", "http_status": 503, "title": "Device Offline",
                  "error": "10001108", "cause": OFFLINE_MESSAGE},
    }


def test_error_path_and_error_selector(store: HistoryStore) -> None:
    pb = retry_playbook(attempt=0, error_path="$.problem",
                        error_selector={"code": "$.error", "status": "$.http_status"})
    result, _ = run(pb, store, payload={"host": "h"}, mocks={"Act": [OFFLINE]})
    assert result.output == {"host": "h", "fell_back": True,
                             "problem": {"code": "10001108", "status": 503}}


def test_retries_against_the_real_tenant_take_latency_and_waits(store: HistoryStore) -> None:
    # WS-ENG-031 is offline: three attempts of 2 s each, waits of 5 and 10 s between them.
    result, steps = run(retry_playbook(attempt=2), store, payload={"host": "WS-ENG-031"})
    act = only(steps, "Act")
    assert act.ended - act.started == pytest.approx(2 + 5 + 2 + 10 + 2)
    assert statuses(steps) == {"Act": ["failed"], "Fallback": ["success"]}


def test_retry_waits_are_real_at_a_speed_factor(store: HistoryStore) -> None:
    mocks = {"Act": [OFFLINE, OFFLINE, OFFLINE, OK]}
    result, steps, wall = timed_run(retry_playbook(), store, payload={"host": "h"}, mocks=mocks,
                                    speed=100)
    assert 0.33 <= wall < 3  # 35 simulated seconds at 100x
    assert result.status == "success"


def test_retries_without_fallback_then_the_path_fails(store: HistoryStore) -> None:
    result, steps = run(retry_playbook(fallback=False), store, payload={"host": "h"},
                        mocks={"Act": [OFFLINE]})
    assert result.status == "failed"
    act = only(steps, "Act")
    assert act.ended - act.started == pytest.approx(35)
    assert result.message == f"Act: 10001108: {OFFLINE_MESSAGE}"


def test_custom_codes_must_match_else_the_error_is_uncaught(store: HistoryStore) -> None:
    pb = compile_playbook({
        "Act": {"start": True, "type": "action", "action": "ping_device",
                "parameters": {"destination_device": "$.host"}, "next": "End", "on_error": [
                    {"error_type": "custom_error", "error_codes": ["10001104", "10001109"],
                     "fallback": {"next": "Unknown host"}},
                ]},
        "Unknown host": {"type": "success"},
    })
    result, steps = run(pb, store, payload={"host": "NO-SUCH-HOST"})
    assert (result.status, [s.state for s in steps]) == ("partial", ["Act", "Unknown host"])
    result, steps = run(pb, store, payload={"host": "WS-ENG-031"})  # 10001108: not listed
    assert result.status == "failed"
    assert [s.state for s in steps] == ["Act"]
    assert result.message == f"Act: 10001108: {OFFLINE_MESSAGE}"


def test_first_matching_handler_applies(store: HistoryStore) -> None:
    pb = compile_playbook({
        "Act": {"start": True, "type": "action", "action": "ping_device",
                "parameters": {"destination_device": "WS-ENG-031"}, "next": "End", "on_error": [
                    {"error_type": "custom_error", "error_codes": ["10001108"],
                     "fallback": {"next": "Specific"}},
                    {"error_type": "execution_error", "fallback": {"next": "General"}},
                ]},
        "Specific": {"type": "success"},
        "General": {"type": "success"},
    })
    _, steps = run(pb, store)
    assert [s.state for s in steps] == ["Act", "Specific"]


def test_uncaught_error_in_a_parallel_path_fails_the_parallel(store: HistoryStore) -> None:
    pb = compile_playbook({
        "P": {"start": True, "type": "parallel", "next": "End", "paths": [
            {"name": "ok", "root": "Fine"}, {"name": "bad", "root": "Ping"}]},
        "Fine": {"type": "pass", "next": "End"},
        "Ping": {"type": "action", "action": "ping_device",
                 "parameters": {"destination_device": "WS-ENG-031"}, "next": "End"},
    })
    result, steps = run(pb, store)
    # A failure anywhere fails the execution, even after another path succeeded.
    assert result.status == "failed"
    assert (result.pathways_ok, result.pathways_failed) == (1, 2)
    parallel = only(steps, "P")
    assert (parallel.status, parallel.error_code) == ("failed", "10001108")
    assert parallel.message == f"path failed at 'Ping': {OFFLINE_MESSAGE}"


# --- limits: transition cap and session reaper ----------------------------------------------


def loop_playbook() -> Any:
    """A loop with a way out (so it validates) that this payload never takes."""
    return compile_playbook({
        "A": {"start": True, "type": "pass", "next": "B"},
        "B": {"type": "branch", "conditions": [{"condition": "$.stop == true", "next": "Out"}],
              "default": "A"},
        "Out": {"type": "success"},
    })


def test_transition_cap_stops_a_loop_at_1000(store: HistoryStore) -> None:
    result, steps = run(loop_playbook(), store)
    assert result.status == "failed"
    assert "1,000 state transitions" in result.message
    assert result.transitions == 1000 and len(steps) == 1000
    record = store.get_execution(result.execution_id)
    assert (record.status, record.transitions) == ("failed", 1000)


def test_transition_cap_is_configurable(store: HistoryStore) -> None:
    result, steps = run(loop_playbook(), store, max_transitions=10)
    assert result.status == "failed" and "10 state transitions" in result.message
    assert len(steps) == 10
    chain = {f"S{i}": {"type": "pass", "next": f"S{i + 1}" if i < 9 else "End"}
             for i in range(10)}
    chain["S0"]["start"] = True
    result, _ = run(compile_playbook(chain), store, max_transitions=10)
    assert result.status == "success"  # exactly at the cap is allowed


REAPED = ("Failed: the session reaper terminated the execution because it ran past the "
          "playbook's maximum runtime")


def wait_playbook(duration: int) -> Any:
    return compile_playbook({
        "Start": {"start": True, "type": "pass", "next": "Long wait"},
        "Long wait": {"type": "wait", "duration": duration, "next": "After"},
        "After": {"type": "success"},
    })


def test_reaper_fails_an_execution_past_its_maximum_runtime(store: HistoryStore) -> None:
    result, steps = run(wait_playbook(86400), store, max_runtime=60)
    assert (result.status, result.message) == ("failed", REAPED)
    assert statuses(steps) == {"Start": ["success"], "Long wait": ["failed"]}
    wait = only(steps, "Long wait")
    assert wait.message == REAPED
    assert wait.ended - wait.started == pytest.approx(60)
    assert store.get_execution(result.execution_id).message == REAPED


def test_reaper_uses_the_playbooks_maximum_runtime(store: HistoryStore) -> None:
    pb = compile_playbook({
        "Long wait": {"start": True, "type": "wait", "duration": 7200, "next": "End"},
    }, max_runtime=3600)
    result, steps = run(pb, store)
    assert (result.status, result.message) == ("failed", REAPED)
    assert result.ended - result.started == pytest.approx(3600)


def test_reaper_at_real_time(store: HistoryStore) -> None:
    result, steps, wall = timed_run(wait_playbook(3600), store, speed="realtime",
                                    max_runtime=0.3)
    assert 0.25 <= wall < 2
    assert (result.status, result.message) == ("failed", REAPED)
    assert only(steps, "Long wait").status == "failed"
