"""All 21 Log360 Cloud actions run through the engine against the default simulated tenant.

Each action of the catalog's ``log360_cloud`` category gets a one-state playbook whose
parameters are the schema's required fields (plus what the tenant needs to succeed), given as
dynamic values resolved from the trigger payload. The run must succeed with the reference's
response shape, take the action's simulated latency, and leave the tenant changed for the next
step (a stopped service is stopped, a shut-down host is offline).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_support import compile_playbook, only, run, valid_params

from runtime.catalog import LOG360_CLOUD, load_catalog
from runtime.history import HistoryStore
from runtime.tenant import ACTION_IDS

CATALOG = load_catalog()
ENTRIES = {entry.id: entry for entry in CATALOG.entries(LOG360_CLOUD)}

LATENCY = {("platform", "read"): 0.4, ("platform", "platform-write"): 0.6,
           ("endpoint_agent", "endpoint-change"): 2.0, ("endpoint_agent", "read"): 1.5}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "h.sqlite3") as opened:
        yield opened


def action_state(action: str, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "action", "action": action, "parameters": params, **extra}


def test_the_catalog_has_the_actions_the_tenant_runs() -> None:
    assert set(ENTRIES) == set(ACTION_IDS)


@pytest.mark.parametrize("action", sorted(ENTRIES))
def test_action_succeeds_through_the_engine(store: HistoryStore, action: str) -> None:
    params = valid_params(action)
    dynamic = {key: f"$.given.{key}" for key in params}  # resolved from the trigger payload
    pb = compile_playbook({
        "Act": {"start": True, **action_state(action, dynamic), "result_path": "$.result",
                "next": "Done"},
        "Done": {"type": "success"},
    })
    result, steps = run(pb, store, payload={"given": params}, log_level="DEBUG")
    assert result.status == "success", result.message
    step = only(steps, "Act")
    assert (step.status, step.type, step.error_code) == ("success", "action", None)
    response = result.output["result"]
    assert isinstance(response, dict) and "data" in response
    if ENTRIES[action].group == "endpoint_agent":
        assert response["data"]["STATUS"] == 3
    entry = ENTRIES[action]
    assert step.ended - step.started == pytest.approx(LATENCY[(entry.group, entry.side_effect)])
    messages = [log.message for log in store.logs(result.execution_id)]
    assert f"Act: {entry.title} succeeded" in messages


def test_literal_and_dynamic_values_mix(store: HistoryStore) -> None:
    pb = compile_playbook({
        "Create": {"start": True, **action_state("create_incident", {
            "name": "$.incident", "severity": "critical", "description": "$$ is literal",
        }), "result_path": "$.created", "next": "List"},
        "List": {**action_state("list_incident", {"incident_name": "$.incident"}),
                 "result_selector": {"rows": "$.data", "total": "$.meta.total_items"},
                 "result_path": "$.listed", "next": "End"},
    })
    result, _ = run(pb, store, payload={"incident": "Beacon to 198.51.100.23"})
    assert result.status == "success", result.message
    assert result.output["listed"]["total"] == 1
    (row,) = result.output["listed"]["rows"]
    assert row["incident_name"] == "Beacon to 198.51.100.23"
    assert row["incident_id"] == result.output["created"]["data"]["incident_id"]
    assert (row["severity"], row["incident_description"]) == ("Critical", "$ is literal")


def test_endpoint_changes_are_seen_by_the_next_step(store: HistoryStore) -> None:
    host = {"destination_device": "WS-FIN-014"}
    pb = compile_playbook({
        "Stop": {"start": True, **action_state("manage_service", {
            **host, "service_name": "Spooler", "operation": "StopService"}), "next": "Test"},
        "Test": {**action_state("manage_service", {
            **host, "service_name": "Spooler", "operation": "TestService"}),
            "result_selector": {"state": "$.data.TASK_RESULT.OUTPUT"}, "next": "Shut down"},
        "Shut down": {**action_state("machine_actions", {
            **host, "operation": "ShutDownSystem"}), "result_path": "$.off", "next": "Ping"},
        "Ping": {**action_state("ping_device", host), "next": "End"},
    })
    result, steps = run(pb, store)
    assert only(steps, "Test").status == "success"
    ping = only(steps, "Ping")
    assert (ping.status, ping.error_code) == ("failed", "10001108")  # the host is now offline
    assert result.status == "failed"


def test_tenant_fixtures_come_from_the_run_options(store: HistoryStore) -> None:
    fixtures = {"devices": [{"name": "LAB-1", "host_id": "9001", "os": "linux",
                             "services": {"nginx": "stopped"}}]}
    pb = compile_playbook({
        "Test": {"start": True, **action_state("manage_service", {
            "destination_device": "LAB-1", "service_name": "nginx",
            "operation": "TestService"}),
            "result_selector": {"state": "$.data.TASK_RESULT.OUTPUT"}, "next": "End"},
    })
    result, _ = run(pb, store, fixtures=fixtures)
    assert result.output == {"state": "stopped"}
    result, steps = run(pb, store)  # the default tenant has no LAB-1
    assert only(steps, "Test").error_code == "10001104"


def test_invalid_fixtures_fail_the_step_with_a_located_message(store: HistoryStore) -> None:
    pb = compile_playbook({
        "Ping": {"start": True, **action_state("ping_device", {"destination_device": "X"}),
                 "next": "End"},
    })
    result, steps = run(pb, store, fixtures={"devices": [{"name": "X", "os": "beos"}]})
    assert result.status == "failed"
    step = only(steps, "Ping")
    assert step.error_code == "TENANT_FIXTURES_INVALID"
    assert "fixtures.devices[0].host_id: is required" in step.message
    assert store.get_execution(result.execution_id).status == "failed"


def test_mocked_success_output_replaces_the_tenant_call(store: HistoryStore) -> None:
    from runtime.model import MockResponse

    pb = compile_playbook({
        "Risk": {"start": True, **action_state("risk_score", {"entity_name": "nobody"}),
                 "result_selector": {"score": "$.data.risk_score"}, "next": "End"},
    })
    mocked = {"Risk": [MockResponse(output={"data": {"risk_score": 99}})]}
    result, steps = run(pb, store, mocks=mocked)
    assert result.output == {"score": 99}
    assert only(steps, "Risk").message == "mocked response (run profile)"
    result, _ = run(pb, store)
    assert result.output == {"score": 0}
