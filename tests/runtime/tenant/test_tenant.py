"""Tests of the simulated Log360 Cloud tenant (runtime.tenant).

Every action succeeds on the default fixtures with the reference's response shape, every error
code the tenant produces has a scenario, endpoint actions change the simulated devices, and
fixtures load, overlay and fail with located messages.
"""

from __future__ import annotations

import copy
import json
import socket
import subprocess
from importlib.resources import files
from typing import Any

import pytest

from runtime.tenant import ACTION_IDS, ActionError, FixtureError, Tenant, compile_query
from runtime.tenant.query import QuerySyntaxError

NOW = 1_776_900_000  # 2026-04-22T23:20:00Z
NOW_ISO = "2026-04-22T23:20:00Z"
AGENT_DONE = {"data": {"STATUS": 3}}
AGENT_OUTPUT = {"data": {"STATUS": 3, "TASK_RESULT": {"OUTPUT": "<Response Content>"}}}

# Success examples as the reference prints them (Get Log Sources without its stray comma), then
# our shapes for the actions whose example the reference leaves out.
REFERENCE_TEXT = """
create_incident {"data": {"incident_id": 100123, "incident_id_str": "100123",
  "message": "Incident has been created successfully."}}
update_incident {"data": {"message": "Incident has been updated successfully."}}
list_incident {"data": [{"incident_id": 100123, "incident_id_str": "100123",
  "incident_name": "Suspicious Logon Activity",
  "incident_description": "Multiple failed login attempts from unknown IP",
  "created_time": "2026-04-24 10:30:00", "due_date": "2026-04-25 10:30:00",
  "created_by": "Admin", "assign_to": "Security Analyst", "severity": "Critical",
  "status": "Open"}], "meta": {"total_items": 50, "per_page": 10, "total_pages": 5}}
delete_incident {"data": {"message": "Incident has been deleted successfully."}}
list_alert_profiles {"data": [{"profile_id": 12345, "profile_id_str": "12345",
  "profile_name": "Failed Logon Attempts", "severity": "Critical", "profile_type": "Custom",
  "threshold_interval": 300, "threshold_occurrence": 5, "status": "enabled",
  "creator_type": "Admin", "created_by": "admin@company.com", "notification_type": ["Email"]}],
  "meta": {"total_items": 50, "per_page": 10, "total_pages": 5}}
get_log_sources {"data": {"log_sources": [{"log_type_name": "Windows",
  "log_source_id": 10000000000339450, "log_type": "Windows"}]},
  "meta": {"total": 36, "limit": 10, "from": 1, "page": 1, "no_of_log_sources": 36}}
get_working_hours {"data": {"working_hours_type": "custom", "working_hours_settings":
  {"working_days": [1,2,3,4,5], "working_hours": {"start": "09:00", "end": "18:00"}}}}
search_logs {"data": {"rows": [{"hostname": "server01", "message": "User logon successful"}]},
  "meta": {"total_items": 1500}}
get_alerts {"data": [{"alert_id": 1, "uuid": "u", "profile_id": 1, "severity": "Critical",
  "time": "t"}], "meta": {"total_items": 1, "per_page": 10, "total_pages": 1}}
fetch_process_tree {"data": {"process": {"process_id": "1", "process_name": "n",
  "children": []}, "parents": []}}
risk_score {"data": {"entity_name": "n", "entity_type": 0, "risk_score": 0, "risk_level": "low"}}
"""
REFERENCE: dict[str, Any] = {
    entry.split(" ", 1)[0]: json.loads(entry.split(" ", 1)[1])
    for entry in REFERENCE_TEXT.replace("\n  ", " ").strip().splitlines()
}
EXACT_KEYS = {"create_incident", "update_incident", "list_incident", "delete_incident"}
EXACT_KEYS |= {"list_alert_profiles", "get_working_hours"}

WIN, WEB = {"destination_device": "WS-FIN-014"}, {"destination_device": "SRV-WEB-01"}
SUCCESS_PARAMS: dict[str, dict[str, Any]] = {
    "create_incident": {"name": "Phishing wave", "severity": "trouble"},
    "update_incident": {"incident_id": "100119", "status": "closed"},
    "list_incident": {},
    "delete_incident": {"incident_ids": ["100121"]},
    "get_alerts": {"query": "host = WS-FIN-014"},
    "list_alert_profiles": {},
    "get_log_sources": {},
    "fetch_process_tree": {"id": "5236"},
    "risk_score": {"entity_type": 0, "entity_name": "jdoe"},
    "get_working_hours": {},
    "search_logs": {"query": "event_id = 4625"},
    "manage_service": {**WIN, "service_name": "Spooler", "operation": "StopService"},
    "manage_process": {**WIN, "name": "svch0st.exe", "operation": "StopProcess"},
    "machine_actions": {"destination_device": "WS-HR-022", "operation": "LogOff"},
    "disable_usb": {**WIN, "dismount_all_drive": True},
    "write_to_file": {**WEB, "file_name": "ir.log", "path": "/var/log", "data": "x"},
    "send_popup_message": {"destination_device": "MAC-DES-007", "message": "Call the SOC"},
    "execute_script": {
        **WIN,
        "script_type": "Powershell",
        "script_file_name": "scan.ps1",
        "arguments": "-Quick,-Silent",
    },
    "ping_device": {**WEB},
    "trace_route": {**WIN},
    "invoke_url_via_agent": {
        **WIN,
        "url": "/ip_addresses/203.0.113.45",
        "http_method": "GET",
        "connection_name": "VirusTotal",
    },
}
OUTPUT_ACTIONS = {"execute_script", "ping_device", "trace_route", "invoke_url_via_agent"}
SUCCESS_CASES = [
    (
        action,
        params,
        REFERENCE.get(action, AGENT_OUTPUT if action in OUTPUT_ACTIONS else AGENT_DONE),
    )
    for action, params in SUCCESS_PARAMS.items()
]

# A valid call per agent action, on a healthy Windows device unless the action needs another.
AGENT_CALLS: dict[str, dict[str, Any]] = {
    action: params for action, params, _ in SUCCESS_CASES if "destination_device" in params
}
CREDENTIAL_ACTIONS = set(AGENT_CALLS) - {"ping_device", "trace_route", "invoke_url_via_agent"}


@pytest.fixture
def tenant() -> Tenant:
    return Tenant.from_fixtures(now=lambda: NOW)


def assert_shaped_like(actual: Any, example: Any, exact: bool, where: str = "$") -> None:
    """Assert ``actual`` has the example's structure and JSON types (null allowed for text)."""
    if isinstance(example, dict):
        assert isinstance(actual, dict), where
        missing = set(example) - set(actual)
        assert not missing, f"{where}: missing {sorted(missing)}"
        if exact:
            assert set(actual) == set(example), (
                f"{where}: extra {sorted(set(actual) - set(example))}"
            )
        for key, value in example.items():
            assert_shaped_like(actual[key], value, exact, f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(actual, list), where
        if example and where in ("$.data", "$.data.rows", "$.data.log_sources"):
            assert actual, f"{where}: the result is empty"
        for index, item in enumerate(actual if example else []):
            assert_shaped_like(item, example[0], exact, f"{where}[{index}]")
    elif isinstance(example, str):
        assert actual is None or isinstance(actual, str), f"{where}: {actual!r}"
    else:
        assert type(actual) is type(example), f"{where}: {actual!r}"


def error_of(tenant: Tenant, action: str, params: dict[str, Any]) -> ActionError:
    with pytest.raises(ActionError) as info:
        tenant.call(action, params)
    return info.value


# --- fixtures -------------------------------------------------------------------------------


def test_default_fixture_file_loads_and_is_realistic() -> None:
    raw = json.loads((files("resources") / "fixtures" / "default_tenant.json").read_text("utf-8"))
    state = Tenant.from_fixtures().snapshot()
    assert set(raw) <= set(state)
    devices = state["devices"]
    assert len(devices) >= 8 and {d["os"] for d in devices} == {"windows", "linux", "mac"}
    assert sum(not d["online"] for d in devices) == 1
    assert sum(not d["credential"] for d in devices) == 1
    assert sum(d["duplicate"] for d in devices) == 1
    assert len(state["incidents"]) == 5 and len(state["alerts"]) == 30
    assert len({a["profile_id"] for a in state["alerts"]}) == 4
    assert len(state["alert_profiles"]) == 6 and len(state["log_sources"]) == 12
    assert len(state["logs"]) == 60
    assert state["risk_scores"]["users"] and state["risk_scores"]["hosts"]


def test_fixtures_replace_only_the_collections_they_give() -> None:
    device = {"name": "LAB-1", "host_id": "9", "os": "linux", "services": {"sshd": "running"}}
    tenant = Tenant.from_fixtures({"devices": [device]})
    state = tenant.snapshot()
    assert [d["name"] for d in state["devices"]] == ["LAB-1"]
    assert len(state["alerts"]) == 30
    params = {"destination_device": "WS-FIN-014", "message": "hi"}
    assert error_of(tenant, "send_popup_message", params).code == "10001104"


def test_empty_base_holds_only_the_given_fixtures() -> None:
    tenant = Tenant.from_fixtures({"incidents": []}, base="empty")
    state = tenant.snapshot()
    assert state["alerts"] == [] and state["devices"] == []
    created = tenant.call("create_incident", {"name": "First"})
    assert created["data"]["incident_id"] == 100001


def test_snapshot_loads_again_as_fixtures(tenant: Tenant) -> None:
    tenant.call("create_incident", {"name": "Round trip", "notes": ["n"]})
    tenant.call("manage_service", AGENT_CALLS["manage_service"])
    snapshot = tenant.snapshot()
    json.dumps(snapshot)
    assert Tenant.from_fixtures(snapshot, base="empty").snapshot() == snapshot


def _bad_device_os() -> dict[str, Any]:
    raw = json.loads((files("resources") / "fixtures" / "default_tenant.json").read_text("utf-8"))
    raw["devices"][2]["os"] = "solaris"
    return {"devices": raw["devices"]}


def _alert(**changes: Any) -> dict[str, Any]:
    return {"id": 1, "uuid": "u", "profile_id": 1, "severity": "critical", **changes}


def _incident(number: int, name: str) -> dict[str, Any]:
    return {"id": number, "name": name, "created_time": "2026-01-01T00:00:00Z"}


BAD_FIXTURES = [
    (_bad_device_os(), "devices[2].os: must be one of windows, linux, mac"),
    ({"devices": [{"name": "A", "os": "linux"}]}, "devices[0].host_id: is required"),
    (
        {"devices": [{"name": "A", "host_id": "1", "os": "mac", "onlien": 0}]},
        "devices[0].onlien: is not a known field",
    ),
    ({"devices": {}}, "devices: must be a list"),
    ({"devics": []}, "devics: is not a known field"),
    ({"alerts": [_alert(time="soon")]}, "alerts[0].time: must be an ISO 8601 date-time"),
    ({"incidents": [_incident(1, "A"), _incident(1, "B")]}, "incidents[1].id: duplicate value 1"),
    (
        {
            "working_hours": {
                "working_hours_settings": {"working_hours": {"start": "9am", "end": "18:00"}}
            }
        },
        "working_hours.working_hours_settings.working_hours.start: must be a time written HH:MM",
    ),
    (
        {"risk_scores": {"users": [{"name": "a", "risk_score": 101}]}},
        "risk_scores.users[0].risk_score: must be at most 100",
    ),
]


@pytest.mark.parametrize(("fixtures", "message"), BAD_FIXTURES)
def test_bad_fixtures_name_the_place(fixtures: dict[str, Any], message: str) -> None:
    with pytest.raises(FixtureError) as info:
        Tenant.from_fixtures(fixtures)
    assert f"fixtures.{message}" in info.value.problems
    assert isinstance(info.value, ValueError)


def test_fixtures_must_be_an_object() -> None:
    with pytest.raises(FixtureError, match=r"^fixtures: must be an object$"):
        Tenant.from_fixtures([])  # type: ignore[arg-type]


# --- every action succeeds with the reference's shape ------------------------------------------


def test_success_cases_cover_every_action() -> None:
    assert {action for action, _, _ in SUCCESS_CASES} == set(ACTION_IDS)


@pytest.mark.parametrize(
    ("action", "params", "example"), SUCCESS_CASES, ids=[c[0] for c in SUCCESS_CASES]
)
def test_action_succeeds_with_reference_shape(
    tenant: Tenant, action: str, params: dict[str, Any], example: dict[str, Any]
) -> None:
    response = tenant.call(action, params)
    exact = action in EXACT_KEYS or example in (AGENT_DONE,)
    assert_shaped_like(response, example, exact)
    json.dumps(response)


def test_actions_never_touch_this_machine(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the tenant reached outside the simulation")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    monkeypatch.setattr(socket, "socket", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setattr("builtins.open", forbidden)
    for action, params, _ in SUCCESS_CASES:
        tenant.call(action, params)


# --- errors ---------------------------------------------------------------------------------


def agent(action: str, **changes: Any) -> tuple[str, dict[str, Any]]:
    """The valid call of an agent action with some parameters changed (None = left out)."""
    return action, {**AGENT_CALLS[action], **changes}


ERROR_CASES = [
    ("create_incident", {"name": " emotet ON ws-hr-022 "}, "10001068"),
    ("create_incident", {"name": "New", "evidence": ["lg-0001"]}, "10001013"),
    ("update_incident", {"status": "closed"}, "10001013"),
    ("update_incident", {"incident_id": "999", "status": "closed"}, "10001013"),
    (
        "update_incident",
        {"incident_id": "100119", "name": "Crypto miner on SRV-WEB-01"},
        "10001068",
    ),
    ("list_incident", {"from": -1}, "10001002"),
    ("list_incident", {"limit": 0}, "10001002"),
    ("list_incident", {"limit": 101}, "10001002"),
    ("delete_incident", {"incident_ids": []}, "10001010"),
    ("delete_incident", {}, "10001010"),
    ("delete_incident", {"incident_ids": ["abc"]}, "0000107"),
    ("get_alerts", {"query": "host = "}, "10001014"),
    ("get_alerts", {"query": "(host = a"}, "10001014"),
    ("get_alerts", {"limit": 501}, "10001002"),
    ("get_alerts", {"from": -1}, "10001002"),
    ("list_alert_profiles", {"limit": 101}, "10001010"),
    ("get_log_sources", {"limit": 1001}, "10001012"),
    ("get_log_sources", {"page": 0}, "10001012"),
    ("fetch_process_tree", {"id": "424242"}, "10001010"),
    ("fetch_process_tree", {"log_uuid": "no-such-log"}, "10001010"),
    ("fetch_process_tree", {}, "10001010"),
    ("risk_score", {"entity_type": 1}, "10001010"),
    ("search_logs", {}, "10001013"),
    ("search_logs", {"query": "  "}, "10001013"),
    ("search_logs", {"query": "event_id = 4625 AND"}, "10001014"),
    ("search_logs", {"query": "*", "limit": 501}, "10001002"),
    (*agent("manage_service", service_name="NoSuchSvc"), "10001105"),
    (*agent("manage_service", operation="PauseService"), "10001105"),
    (*agent("manage_service", destination_device="MAC-DES-007"), "10001107"),
    (*agent("manage_process", name="notepad.exe"), "10001105"),
    (*agent("manage_process", operation="TestProcess", name="x.exe"), "10001105"),
    (*agent("machine_actions", operation="Hibernate"), "10001105"),
    (*agent("write_to_file", path=None), "10001105"),
    (*agent("write_to_file", file_name="a/b"), "10001105"),
    (*agent("send_popup_message", message=None), "10001105"),
    (*agent("execute_script", destination_device="SRV-WEB-01"), "10001107"),
    (*agent("execute_script", script_type="Bash"), "10001107"),
    (*agent("execute_script", timeout=0), "10001106"),
    (*agent("execute_script", script_file_name=None), "10001106"),
    (*agent("invoke_url_via_agent", url=None), "10001110"),
    (*agent("invoke_url_via_agent", http_method=None), "10001110"),
    (*agent("invoke_url_via_agent", connection_name=None), "10001110"),
    (*agent("invoke_url_via_agent", connection_name="Jira"), "10001106"),
    (*agent("invoke_url_via_agent", headers="{not json"), "10001106"),
    (*agent("ping_device", agent_id="AGT-9999"), "10001104"),
    (*agent("ping_device", agent_id="AGT-1004"), "10001108"),
    (*agent("ping_device", domain_name="other.example"), "10001104"),
]


@pytest.mark.parametrize(
    ("action", "params", "code"),
    ERROR_CASES,
    ids=[f"{action}-{code}-{n}" for n, (action, _, code) in enumerate(ERROR_CASES)],
)
def test_error_scenario(tenant: Tenant, action: str, params: dict[str, Any], code: str) -> None:
    before = tenant.snapshot()
    assert error_of(tenant, action, params).code == code
    assert tenant.snapshot() == before


@pytest.mark.parametrize("action", sorted(AGENT_CALLS))
@pytest.mark.parametrize(
    ("device", "code"),
    [("NO-SUCH-HOST", "10001104"), ("WS-LAB-009", "10001109"), ("WS-ENG-031", "10001108")],
)
def test_common_agent_errors(tenant: Tenant, action: str, device: str, code: str) -> None:
    params = {**AGENT_CALLS[action], "destination_device": device}
    assert error_of(tenant, action, params).code == code


@pytest.mark.parametrize("action", sorted(AGENT_CALLS))
def test_missing_credential_only_where_the_reference_lists_it(tenant: Tenant, action: str) -> None:
    params = {**AGENT_CALLS[action], "destination_device": "SRV-DB-02"}
    if action in CREDENTIAL_ACTIONS:
        assert error_of(tenant, action, params).code == "10001102"
    elif action == "invoke_url_via_agent":  # reaches the connection check: SRV-DB-02 has none
        assert error_of(tenant, action, params).code == "10001106"
    else:
        assert tenant.call(action, params)["data"]["STATUS"] == 3


def test_two_devices_with_one_name_are_duplicates() -> None:
    twins = [{"name": "PC", "host_id": str(n), "os": "windows"} for n in (1, 2)]
    tenant = Tenant.from_fixtures({"devices": twins})
    assert error_of(tenant, "disable_usb", {"destination_device": "pc"}).code == "10001109"
    assert tenant.call("disable_usb", {"destination_device": "2"}) == AGENT_DONE


def test_delete_names_the_invalid_index_and_deletes_nothing(tenant: Tenant) -> None:
    error = error_of(tenant, "delete_incident", {"incident_ids": ["100118", "424242"]})
    assert (error.code, error.message) == (
        "0000107",
        "The value for the parameter incident_ids.1 is invalid",
    )
    assert tenant.call("list_incident", {})["meta"]["total_items"] == 5


def test_error_without_message_defers_to_the_catalog(tenant: Tenant) -> None:
    error = error_of(tenant, "create_incident", {"name": "Emotet on WS-HR-022"})
    assert error.message is None and error.code == "10001068"


def test_get_alerts_caps_search_hits() -> None:
    tenant = Tenant.from_fixtures(max_search_hits=6)
    assert error_of(tenant, "get_alerts", {"profile_ids": ["5004"]}).code == "10001001"
    assert tenant.call("get_alerts", {"profile_ids": ["5003"]})["meta"]["total_items"] == 6


# --- state changes persist ---------------------------------------------------------------------


def test_stopped_service_is_seen_by_the_next_test(tenant: Tenant) -> None:
    base = {"destination_device": "WS-FIN-014", "service_name": "spooler"}
    test = {**base, "operation": "TestService"}
    assert tenant.call("manage_service", test)["data"]["TASK_RESULT"]["OUTPUT"] == "running"
    tenant.call("manage_service", {**base, "operation": "StopService"})
    assert tenant.call("manage_service", test)["data"]["TASK_RESULT"]["OUTPUT"] == "stopped"
    tenant.call("manage_service", {**base, "operation": "StartService"})
    assert tenant.call("manage_service", test)["data"]["TASK_RESULT"]["OUTPUT"] == "running"


def test_shutdown_takes_the_device_offline_and_restart_does_not(tenant: Tenant) -> None:
    ping = {"destination_device": "WS-HR-022"}
    tenant.call("machine_actions", {**ping, "operation": "RestartSystem", "force_action": True})
    assert tenant.call("ping_device", ping)["data"]["STATUS"] == 3
    tenant.call("machine_actions", {**ping, "operation": "ShutDownSystem"})
    assert error_of(tenant, "ping_device", ping).code == "10001108"
    assert error_of(tenant, "send_popup_message", {**ping, "message": "x"}).code == "10001108"


def test_processes_stop_and_start(tenant: Tenant) -> None:
    target = {"destination_device": "WS-FIN-014"}
    test = {**target, "operation": "TestProcess", "name": "svch0st"}
    assert tenant.call("manage_process", test)["data"]["TASK_RESULT"]["OUTPUT"] == "running"
    tenant.call("manage_process", {**target, "operation": "StopProcess", "name": "svch0st.exe"})
    assert error_of(tenant, "manage_process", test).code == "10001105"
    start = {
        **target,
        "operation": "StartProcess",
        "name": '"C:\\Tools\\svch0st.exe" -k',
        "path": "C:\\Tools",
    }
    tenant.call("manage_process", start)
    assert tenant.call("manage_process", test)["data"]["STATUS"] == 3
    device = next(d for d in tenant.snapshot()["devices"] if d["name"] == "WS-FIN-014")
    assert {"pid": 6124, "name": "svch0st.exe", "path": "C:\\Tools"} in device["processes"]


def _device(tenant: Tenant, name: str) -> dict[str, Any]:
    return next(d for d in tenant.snapshot()["devices"] if d["name"] == name)


def test_logoff_usb_popup_change_the_device(tenant: Tenant) -> None:
    tenant.call("machine_actions", {"destination_device": "WS-FIN-014", "operation": "LogOff"})
    tenant.call("disable_usb", {"destination_device": "1001", "dismount_all_drive": True})
    tenant.call("send_popup_message", {"destination_device": "WS-FIN-014", "message": "Locked"})
    device = _device(tenant, "WS-FIN-014")
    assert device["logged_on_users"] == [] and device["usb_drives"] == []
    assert device["usb_enabled"] is False
    assert device["popups"] == [{"time": NOW_ISO, "message": "Locked"}]
    assert [a["action"] for a in device["activity"]] == ["LogOff", "DisableUsb", "SendPopupMessage"]


def test_write_to_file_overwrites_appends_and_stamps(tenant: Tenant) -> None:
    write = {"destination_device": "WS-FIN-014", "path": "C:\\IR\\", "file_name": "log.txt"}
    tenant.call("write_to_file", {**write, "data": "old"})
    tenant.call("write_to_file", {**write, "data": "first"})
    tenant.call(
        "write_to_file",
        {**write, "data": "second", "append_to_file": True, "prepend_time_stamp": True},
    )
    files_ = _device(tenant, "WS-FIN-014")["files"]
    assert files_["C:\\IR\\log.txt"] == f"first\n{NOW_ISO} second\n"


def test_incident_life_cycle(tenant: Tenant) -> None:
    first = tenant.call("create_incident", {"name": "A", "source": "alert", "evidence": ["al-1"]})
    second = tenant.call("create_incident", {"name": "B"})
    assert (first["data"]["incident_id"], second["data"]["incident_id"]) == (100123, 100124)
    tenant.clock = lambda: NOW + 3600
    tenant.call(
        "update_incident", {"incident_id": "100124", "severity": "critical", "assignee": "ana"}
    )
    rows = tenant.call("list_incident", {"assign_to": "ANA"})["data"]
    assert [(r["incident_name"], r["severity"], r["status"]) for r in rows] == [
        ("B", "Critical", "Open")
    ]
    assert rows[0]["created_time"] == "2026-04-22 23:20:00" and rows[0]["created_by"] == "playbook"
    tenant.call("delete_incident", {"incident_ids": ["100123", "100124"]})
    assert tenant.call("list_incident", {})["meta"]["total_items"] == 5


def test_update_evidence_uses_the_stored_source() -> None:
    tenant = Tenant.from_fixtures(now=lambda: NOW)
    tenant.call("create_incident", {"name": "No source"})
    assert (
        error_of(tenant, "update_incident", {"incident_id": "100123", "evidence": ["x"]}).code
        == "10001013"
    )
    tenant.call("update_incident", {"incident_id": "100118", "evidence": ["x"]})


# --- listing, paging and filters --------------------------------------------------------------


def test_list_incident_filters_and_pages(tenant: Tenant) -> None:
    page = tenant.call("list_incident", {"limit": 2, "from": 3})
    assert page["meta"] == {"total_items": 5, "per_page": 2, "total_pages": 3}
    assert [r["incident_id"] for r in page["data"]] == [100122, 100120]
    crit = tenant.call(
        "list_incident", {"severity": ["critical"], "status": ["open", "in_progress"]}
    )
    assert {r["incident_id"] for r in crit["data"]} == {100118, 100120}
    named = tenant.call("list_incident", {"incident_name": "srv", "created_by_user_id": "admin"})
    assert {r["incident_id"] for r in named["data"]} == {100118, 100122}
    assert (
        tenant.call("list_incident", {"status": ["in_progress"]})["data"][0]["status"]
        == "In Progress"
    )


def test_get_log_sources_filters_sorts_and_pages(tenant: Tenant) -> None:
    result = tenant.call(
        "get_log_sources",
        {"log_source_group": "servers", "sort": "log_source", "is_ascending": False},
    )
    names = [s["log_source"] for s in result["data"]["log_sources"]]
    assert names == ["SRV-WEB-01-nginx", "SRV-WEB-01", "SRV-DC-01", "SRV-DB-02"]
    assert result["meta"] == {
        "total": 12,
        "limit": 10,
        "from": 1,
        "page": 1,
        "no_of_log_sources": 4,
    }
    second = tenant.call("get_log_sources", {"limit": 5, "page": 3})["data"]["log_sources"]
    assert [s["log_source_id"] for s in second] == [10000000000339460, 10000000000339461]
    inactive = tenant.call("get_log_sources", {"log_collector_state": "InActive"})["data"][
        "log_sources"
    ]
    assert [s["log_source"] for s in inactive] == ["WS-ENG-031"]


def test_list_alert_profiles_filters(tenant: Tenant) -> None:
    result = tenant.call(
        "list_alert_profiles", {"severity": ["critical"], "profile_type": "rule based"}
    )
    assert [p["profile_name"] for p in result["data"]] == ["Suspicious PowerShell Execution"]
    disabled = tenant.call("list_alert_profiles", {"status": "disabled"})["data"]
    assert [p["profile_id"] for p in disabled] == [5006]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({}, 30),
        ({"query": ""}, 30),
        ({"query": "host = WS-FIN-014 AND severity = critical"}, 4),
        ({"query": "profile_name contains powershell OR threat_name startswith Linux"}, 9),
        ({"query": "NOT (host = SRV-DC-01 or host = ws-fin-014)"}, 10),
        ({"query": "failure_count >= 12"}, 3),
        ({"query": '"Samsung T7"'}, 2),
        ({"query": "hostname in (MAC-DES-007, WS-ENG-031)"}, 3),
        ({"severity": ["attention"], "profile_ids": ["5004"]}, 7),
        ({"start_time": "2026-04-20T10:00:00+02:00", "end_time": "2026-04-20T09:00:00Z"}, 8),
    ],
)
def test_get_alerts_query_language(tenant: Tenant, params: dict[str, Any], count: int) -> None:
    assert tenant.call("get_alerts", {**params, "limit": 500})["meta"]["total_items"] == count


def test_get_alerts_is_newest_first_and_paged(tenant: Tenant) -> None:
    rows = tenant.call("get_alerts", {"from": 2, "limit": 3})["data"]
    assert [r["alert_id"] for r in rows] == [700029, 700028, 700027]


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"query": "*"}, 60),
        ({"query": "failed", "log_types": ["linux"]}, 6),
        ({"query": "process.name = powershell.exe"}, 1),
        ({"query": "*", "log_source_group_ids": ["303"]}, 8),
        ({"query": "*", "log_source_group_ids": ["Cloud"]}, 5),
        ({"query": "*", "log_source_ids": ["10000000000339452"]}, 17),
        ({"query": "source_ip = 203.0.113.45", "start_time": "2026-04-20T08:30:00Z"}, 12),
    ],
)
def test_search_logs_filters(tenant: Tenant, params: dict[str, Any], count: int) -> None:
    result = tenant.call("search_logs", {**params, "limit": 500})
    assert result["meta"]["total_items"] == count == len(result["data"]["rows"])


def test_process_tree_walks_parents_and_children(tenant: Tenant) -> None:
    tree = tenant.call(
        "fetch_process_tree", {"id": "5236", "parent_depth_limit": 2, "child_limit": 1}
    )["data"]
    assert [p["process_name"] for p in tree["parents"]] == ["cmd.exe", "WINWORD.EXE"]
    children = tree["process"]["children"]
    assert [c["process_name"] for c in children] == ["rundll32.exe", "whoami.exe", "net.exe"]
    assert children[0]["children"] == []
    full = tenant.call("fetch_process_tree", {"log_uuid": children[0]["log_uuid"]})["data"]
    assert [p["process_id"] for p in full["parents"]] == [
        "5236",
        "5012",
        "4120",
        "2260",
        "1880",
        "612",
    ]
    assert full["process"]["children"][0]["process_name"] == "svch0st.exe"


def test_risk_score_known_and_unknown(tenant: Tenant) -> None:
    host = tenant.call("risk_score", {"entity_type": 1, "entity_name": "srv-web-01"})["data"]
    assert (host["risk_score"], host["risk_level"], host["entity_type"]) == (74, "high", 1)
    user = tenant.call("risk_score", {"entity_name": "asmith", "domain_name": "CORP"})["data"]
    assert (user["risk_score"], user["risk_level"]) == (35, "low")
    nobody = tenant.call("risk_score", {"entity_name": "ghost"})["data"]
    assert (nobody["risk_score"], nobody["risk_level"], nobody["entity_name"]) == (
        0,
        "low",
        "ghost",
    )


def test_invoke_url_answers_from_http_responses(tenant: Tenant) -> None:
    call = dict(AGENT_CALLS["invoke_url_via_agent"])
    result = tenant.call("invoke_url_via_agent", call)["data"]["TASK_RESULT"]
    assert json.loads(result["OUTPUT"])["data"]["attributes"]["reputation"] == -42
    blocked = {
        "destination_device": "SRV-WEB-01",
        "connection_name": "firewall api",
        "url": "block",
        "http_method": "POST",
        "body": {"ip": "203.0.113.45"},
        "query_params": '{"ttl": 3600}',
    }
    answer = tenant.call("invoke_url_via_agent", blocked)["data"]["TASK_RESULT"]
    assert set(answer) == {"OUTPUT"}  # the reference's shape: the status is not in the reply
    activity = _device(tenant, "SRV-WEB-01")["activity"][-1]["detail"]
    assert activity == "POST https://fw.acme.example/api/block?ttl=3600 -> 201"
    missing = tenant.call("invoke_url_via_agent", {**call, "http_method": "DELETE"})["data"][
        "TASK_RESULT"
    ]
    assert "no http_responses entry" in missing["OUTPUT"]


def test_execute_script_output(tenant: Tenant) -> None:
    out = tenant.call("execute_script", AGENT_CALLS["execute_script"])["data"]["TASK_RESULT"][
        "OUTPUT"
    ]
    assert out == "Simulated execution of scan.ps1 -Quick -Silent"
    canned = {
        "destination_device": "SRV-WEB-01",
        "script_type": "bash",
        "script_file_name": "isolate_host.sh",
    }
    assert "host isolated" in tenant.call("execute_script", canned)["data"]["TASK_RESULT"]["OUTPUT"]


def test_ping_and_trace_output_follow_the_agent_os(tenant: Tenant) -> None:
    windows = tenant.call(
        "ping_device", {"destination_device": "SRV-WEB-01", "number_of_requests": 2}
    )
    assert windows["data"]["TASK_RESULT"]["OUTPUT"].count("Reply from 10.30.0.21") == 2
    linux = tenant.call("ping_device", {"destination_device": "WS-FIN-014", "agent_id": "AGT-2001"})
    assert (
        "4 packets transmitted, 4 received, 0% packet loss"
        in linux["data"]["TASK_RESULT"]["OUTPUT"]
    )
    trace = tenant.call("trace_route", {"destination_device": "WS-FIN-014", "max_hops": 2})
    assert trace["data"]["TASK_RESULT"]["OUTPUT"].endswith("Destination not reached in 2 hops.")


def test_responses_do_not_alias_the_state(tenant: Tenant) -> None:
    rows = tenant.call("get_alerts", {"limit": 500})["data"]
    for row in rows:
        row.clear()
    before = copy.deepcopy(tenant.snapshot())
    tenant.call("get_working_hours", {})["data"]["working_hours_settings"]["working_days"].clear()
    assert tenant.snapshot() == before


def test_unknown_action_is_a_key_error(tenant: Tenant) -> None:
    with pytest.raises(KeyError):
        tenant.call("format_disk", {})


# --- query language -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "host =",
        'host = "open',
        "(a",
        "a)",
        "AND b",
        "x in (a,",
        "a ! b",
        "host NOT CONTAINS x",
        "(" * 40 + "a" + ")" * 40,
    ],
)
def test_query_syntax_errors(query: str) -> None:
    with pytest.raises(QuerySyntaxError):
        compile_query(query)


def test_query_semantics() -> None:
    record = {"host": "WS-1", "count": 10, "tags": ["a", "b"], "process": {"Name": "cmd.exe"}}
    assert compile_query("count > 9 and count < 11")(record)
    assert not compile_query("count > 9 and count < 10")(record)
    assert compile_query("tags = B")(record)
    assert compile_query("process.name endswith .EXE")(record)
    assert compile_query("missing != x")(record) and not compile_query("missing = x")(record)
    assert compile_query("host = 'WS-1' ws")(record)


# --- the catalog and the tenant agree --------------------------------------------------------


def _shape(value: Any) -> Any:
    """Keys and JSON types of a value (a list by its first item; int and float are numbers)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else type(value).__name__


def _catalog_actions() -> dict[str, Any]:
    from runtime.catalog import LOG360_CLOUD, load_catalog

    return {entry.id: entry for entry in load_catalog().entries(LOG360_CLOUD)}


def test_the_tenant_implements_exactly_the_catalog_actions() -> None:
    assert set(ACTION_IDS) == set(_catalog_actions())


@pytest.mark.parametrize("action", sorted(_catalog_actions()))
def test_catalog_success_example_has_the_tenants_shape(action: str) -> None:
    """What an author writes result paths against (the catalog's success example) has the
    same keys and types as what the tenant answers for valid parameters."""
    from engine_support import valid_params

    entry = _catalog_actions()[action]
    answer = Tenant.from_fixtures().call(action, valid_params(action))
    assert _shape(answer) == _shape(entry.success_response)


def test_connection_name_is_required_by_the_catalog_and_the_tenant() -> None:
    """Invoke Url Via Agent: the catalog requires Connection Name, and the tenant answers
    10001110 ('Missing Required Parameters') without one."""
    from engine_support import valid_params

    entry = _catalog_actions()["invoke_url_via_agent"]
    assert "connection_name" in entry.parameters["required"]
    params = {k: v for k, v in valid_params("invoke_url_via_agent").items()
              if k != "connection_name"}
    assert entry.parameter_checker.check(params) == [
        "$: required property 'connection_name' not found"]
    with pytest.raises(ActionError) as info:
        Tenant.from_fixtures().call("invoke_url_via_agent", params)
    assert info.value.code == "10001110"
