"""The catalog files carry the reference's numbers (002_19e555c7592cec0b.txt), field by field.

Plain pytest, no Qt and no runtime import: the JSON files are read straight from
resources/catalog, so a wrong limit fails here before any loader or inspector sees it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

CATALOG = Path(__file__).parents[3] / "resources" / "catalog"
META_SCHEMA = json.loads((CATALOG / "meta-schema.json").read_text(encoding="utf-8"))
FILES = sorted(p for p in CATALOG.glob("*/*.json"))
ENTRIES = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in FILES}

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
COMMON_AGENT_CODES = ["10001101", "10001103", "10001104", "10001107", "10001108", "10001109"]

FLOW_CONTROL = {"pass", "branch", "parallel", "wait", "batch", "success", "failure"}
FUNCTIONAL = {"function", "circuit"}
PLATFORM = {
    "create_incident",
    "update_incident",
    "list_incident",
    "delete_incident",
    "get_alerts",
    "list_alert_profiles",
    "get_log_sources",
    "fetch_process_tree",
    "risk_score",
    "get_working_hours",
    "search_logs",
}
ENDPOINT_AGENT = {
    "manage_service",
    "manage_process",
    "machine_actions",
    "disable_usb",
    "write_to_file",
    "send_popup_message",
    "execute_script",
    "ping_device",
    "trace_route",
    "invoke_url_via_agent",
}


def param(entry_id: str, name: str) -> dict:
    return ENTRIES[entry_id]["parameters"]["properties"][name]


def codes(entry_id: str) -> list[str]:
    return [e["code"] for e in ENTRIES[entry_id]["errors"]]


def error(entry_id: str, code: str) -> dict:
    (found,) = [e for e in ENTRIES[entry_id]["errors"] if e["code"] == code]
    return found


# --- shape of the catalog ---------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_entry_validates_against_meta_schema(path: Path) -> None:
    entry = json.loads(path.read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(META_SCHEMA).iter_errors(entry), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_meta_schema_is_a_valid_schema() -> None:
    Draft202012Validator.check_schema(META_SCHEMA)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_file_sits_where_its_id_and_category_say(path: Path) -> None:
    entry = json.loads(path.read_text(encoding="utf-8"))
    assert path.stem == entry["id"]
    assert path.parent.name == entry["category"]


def test_the_files_are_exactly_the_reference_states_by_category_and_group() -> None:
    by_category: dict[str, set[str]] = {}
    for e in ENTRIES.values():
        by_category.setdefault(e["category"], set()).add(e["id"])
    assert by_category == {"flow_control": FLOW_CONTROL, "functional": FUNCTIONAL,
                           "log360_cloud": PLATFORM | ENDPOINT_AGENT}
    assert {p.stem for p in FILES} == FLOW_CONTROL | FUNCTIONAL | PLATFORM | ENDPOINT_AGENT


def test_the_named_states_are_the_ones_present() -> None:
    def ids(**where: str) -> set[str]:
        return {e["id"] for e in ENTRIES.values() if all(e.get(k) == v for k, v in where.items())}

    assert ids(category="flow_control") == FLOW_CONTROL
    assert ids(category="functional") == FUNCTIONAL
    assert ids(group="platform") == PLATFORM
    assert ids(group="endpoint_agent") == ENDPOINT_AGENT


def test_ids_are_unique() -> None:
    ids = [e["id"] for e in ENTRIES.values()]
    assert len(ids) == len(set(ids))
    titles = [e["title"] for e in ENTRIES.values()]
    assert len(titles) == len(set(titles))


def test_every_parameter_and_field_id_is_snake_case() -> None:
    bad = [
        (entry["id"], name)
        for entry in ENTRIES.values()
        for block in ("parameters", "fields")
        for name in entry.get(block, {}).get("properties", {})
        if not SNAKE.match(name)
    ]
    assert bad == []


def test_every_required_name_is_a_property() -> None:
    bad = [
        (entry["id"], block, name)
        for entry in ENTRIES.values()
        for block in ("parameters", "fields")
        if block in entry
        for name in entry[block].get("required", [])
        if name not in entry[block]["properties"]
    ]
    assert bad == []


def test_ports_follow_the_state_type() -> None:
    expected = {
        "pass": ["next"],
        "wait": ["next"],
        "branch": ["conditions", "default"],
        "parallel": ["paths", "next"],
        "batch": ["body", "next"],
        "success": [],
        "failure": [],
        "function": ["next", "on_error"],
        "circuit": ["next", "on_error"],
        "action": ["next", "on_error"],
    }
    for entry in ENTRIES.values():
        assert entry["ports"] == expected[entry["type"]], entry["id"]


def test_side_effects() -> None:
    writes = {"create_incident", "update_incident", "delete_incident"}
    reads = PLATFORM - writes | {"ping_device", "trace_route"}
    changes = ENDPOINT_AGENT - {"ping_device", "trace_route"}
    for entry in ENTRIES.values():
        if entry["id"] in writes:
            assert entry["side_effect"] == "platform-write", entry["id"]
        elif entry["id"] in reads:
            assert entry["side_effect"] == "read", entry["id"]
        elif entry["id"] in changes:
            assert entry["side_effect"] == "endpoint-change", entry["id"]
        else:
            assert entry["side_effect"] == "none", entry["id"]


def test_actions_have_a_success_response_with_data() -> None:
    for entry_id in PLATFORM | ENDPOINT_AGENT:
        response = ENTRIES[entry_id]["success_response"]
        assert isinstance(response, dict) and "data" in response, entry_id


# --- platform numbers -------------------------------------------------------------------


def test_create_incident_limits() -> None:
    assert param("create_incident", "name")["maxLength"] == 250
    assert param("create_incident", "description")["maxLength"] == 1000
    assert "10001068" in codes("create_incident")


def test_update_incident() -> None:
    assert ENTRIES["update_incident"]["parameters"]["required"] == ["incident_id"]
    assert param("update_incident", "name")["maxLength"] == 250
    assert param("update_incident", "description")["maxLength"] == 1000
    assert param("update_incident", "notes")["items"]["maxLength"] == 100000
    assert param("update_incident", "source")["enum"] == [
        "search",
        "report",
        "alert",
        "Incident Workbench",
    ]
    assert codes("update_incident") == ["10001013", "10001043", "10001068", "10001010"]


def test_list_incident() -> None:
    assert param("list_incident", "limit")["maximum"] == 100
    assert param("list_incident", "incident_name")["maxLength"] == 260
    assert param("list_incident", "severity")["items"]["enum"] == [
        "critical",
        "trouble",
        "attention",
    ]
    assert param("list_incident", "status")["items"]["enum"] == ["open", "in_progress", "closed"]
    assert error("list_incident", "10001002") == {
        "code": "10001002",
        "http_status": 403,
        "title": "Forbidden",
        "message": "Invalid FROM/LIMIT",
    }
    assert error("list_incident", "10001015")["http_status"] == 200


def test_delete_incident() -> None:
    assert ENTRIES["delete_incident"]["parameters"]["required"] == ["incident_ids"]
    assert param("delete_incident", "incident_ids")["type"] == "array"
    assert codes("delete_incident") == ["10001043", "10001010", "0000107"]
    assert error("delete_incident", "10001010")["message"] == "Delete failed"


def test_get_alerts() -> None:
    assert param("get_alerts", "limit")["maximum"] == 500
    assert param("get_alerts", "query")["maxLength"] == 5000
    for name in ("start_time", "end_time"):
        assert param("get_alerts", name)["format"] == "date-time"
        assert param("get_alerts", name)["formatMinimum"] == "1970-01-01T00:00:00Z"
    assert error("get_alerts", "10001014")["http_status"] == 400
    assert error("get_alerts", "10001001")["message"] == "Max search hits exceeded"


def test_list_alert_profiles() -> None:
    assert param("list_alert_profiles", "limit")["maximum"] == 100
    assert param("list_alert_profiles", "status")["title"] == "status"
    assert param("list_alert_profiles", "profile_type")["enum"] == [
        "Rule based",
        "Report based",
        "custom",
        "compliance",
    ]


def test_get_log_sources_paging_and_sorting() -> None:
    for name, default in (("page", 1), ("from", 1), ("limit", 10)):
        assert param("get_log_sources", name)["maximum"] == 1000, name
        assert param("get_log_sources", name)["default"] == default, name
    assert param("get_log_sources", "sort")["default"] == "log_source_id"
    assert param("get_log_sources", "sort")["enum"] == ["log_source_id", "log_source"]
    assert param("get_log_sources", "is_ascending") == {
        "type": "boolean",
        "title": "is ascending",
        "description": param("get_log_sources", "is_ascending")["description"],
        "default": True,
    }
    for name in ("log_source", "log_type", "domain_name", "log_source_group"):
        assert param("get_log_sources", name)["maxLength"] == 250, name
    assert param("get_log_sources", "log_collector_state")["enum"] == [
        "Active",
        "InActive",
        "Decommissioned Devices",
    ]
    assert codes("get_log_sources") == ["10001012"]


def test_get_log_sources_example_keeps_the_big_id() -> None:
    response = ENTRIES["get_log_sources"]["success_response"]
    assert response["data"]["log_sources"][0]["log_source_id"] == 10000000000339450
    assert response["meta"]["no_of_log_sources"] == 36


def test_fetch_process_tree() -> None:
    assert param("fetch_process_tree", "child_limit")["maximum"] == 5
    assert param("fetch_process_tree", "parent_depth_limit")["maximum"] == 10
    assert param("fetch_process_tree", "id")["title"] == "ID"
    assert param("fetch_process_tree", "id")["maxLength"] == 20
    assert param("fetch_process_tree", "log_uuid")["maxLength"] == 150
    assert param("fetch_process_tree", "domain_name")["maxLength"] == 256


def test_risk_score_entity_type() -> None:
    entity_type = param("risk_score", "entity_type")
    assert entity_type["type"] == "integer"
    assert entity_type["enum"] == [0, 1]
    assert entity_type["enumTitles"] == ["User (0)", "Host (1)"]
    assert entity_type["default"] == 0
    assert param("risk_score", "entity_name")["maxLength"] == 256


def test_get_working_hours_takes_no_parameters() -> None:
    assert ENTRIES["get_working_hours"]["parameters"]["properties"] == {}
    hours = ENTRIES["get_working_hours"]["success_response"]["data"]["working_hours_settings"]
    assert hours["working_hours"] == {"start": "09:00", "end": "18:00"}


def test_search_logs() -> None:
    assert param("search_logs", "query")["maxLength"] == 6000
    assert param("search_logs", "limit")["maximum"] == 500
    assert param("search_logs", "limit")["default"] == 10
    assert param("search_logs", "from")["default"] == 1
    for name in ("log_source_group_ids", "log_types", "log_source_ids"):
        assert param("search_logs", name)["maxItems"] == 100, name
    # The reference's four rows, then our documented extension for the tenant's range error.
    assert codes("search_logs") == ["10001013", "10001014", "10001003", "10001015", "10001002"]
    assert any("10001002" in note for note in ENTRIES["search_logs"]["notes"])


# --- endpoint-agent numbers -------------------------------------------------------------


def test_every_agent_action_has_the_six_common_errors() -> None:
    for entry_id in ENDPOINT_AGENT:
        common = [e for e in ENTRIES[entry_id]["errors"] if e.get("common")]
        assert [e["code"] for e in common] == COMMON_AGENT_CODES, entry_id
        assert error(entry_id, "10001108")["http_status"] == 503
        assert error(entry_id, "10001109")["title"] == "Duplicate Collector"


def test_no_platform_action_has_common_errors() -> None:
    for entry_id in PLATFORM:
        assert not any(e.get("common") for e in ENTRIES[entry_id]["errors"]), entry_id


def test_ping_and_trace_route_have_only_the_common_errors() -> None:
    for entry_id in ("ping_device", "trace_route"):
        assert codes(entry_id) == COMMON_AGENT_CODES


def test_every_agent_action_targets_a_destination_device() -> None:
    for entry_id in ENDPOINT_AGENT:
        assert param(entry_id, "destination_device")["maxLength"] == 64, entry_id
        assert "destination_device" in ENTRIES[entry_id]["parameters"]["required"], entry_id
        assert param(entry_id, "domain_name")["maxLength"] == 255, entry_id


def test_execute_script() -> None:
    timeout = param("execute_script", "timeout")
    assert timeout["title"] == "Timeout (seconds)"
    assert timeout["maximum"] == 120
    assert param("execute_script", "script_type")["enum"] == [
        "VBScript",
        "Powershell",
        "Batch",
        "Shell",
        "Bash",
    ]
    assert param("execute_script", "arguments")["maxLength"] == 10000
    assert param("execute_script", "working_directory")["maxLength"] == 255
    assert "10001106" in codes("execute_script")


def test_ping_device() -> None:
    assert param("ping_device", "packet_size")["title"] == "Packet Size (bytes)"
    assert param("ping_device", "packet_size")["maximum"] == 1472
    assert param("ping_device", "number_of_requests")["maximum"] == 5
    assert param("ping_device", "retry_count")["maximum"] == 3
    assert param("ping_device", "timeout")["maximum"] == 10


def test_trace_route() -> None:
    assert param("trace_route", "max_hops")["maximum"] == 64
    assert param("trace_route", "timeout")["maximum"] == 10


def test_invoke_url_via_agent() -> None:
    assert param("invoke_url_via_agent", "http_method")["enum"] == [
        "GET",
        "POST",
        "PATCH",
        "PUT",
        "DELETE",
    ]
    assert param("invoke_url_via_agent", "url")["maxLength"] == 1000
    for name in ("headers", "query_params", "body"):
        assert param("invoke_url_via_agent", name)["type"] == "object", name
        assert param("invoke_url_via_agent", name)["x-maxSerializedLength"] == 5000, name
    assert error("invoke_url_via_agent", "10001110")["title"] == "Missing Required Parameters"


def test_agent_operations_keep_the_reference_spelling() -> None:
    assert param("manage_service", "operation")["enum"] == [
        "StartService",
        "StopService",
        "TestService",
    ]
    assert param("manage_process", "operation")["enum"] == [
        "StartProcess",
        "StopProcess",
        "TestProcess",
    ]
    assert param("machine_actions", "operation")["enum"] == [
        "LogOff",
        "ShutDownSystem",
        "RestartSystem",
    ]
    assert param("manage_service", "service_name")["maxLength"] == 100
    assert param("manage_process", "name")["maxLength"] == 2000
    assert param("write_to_file", "data")["maxLength"] == 5000
    assert param("send_popup_message", "message")["maxLength"] == 255


# --- flow control and functional fields -------------------------------------------------


def test_flow_control_fields() -> None:
    assert ENTRIES["wait"]["fields"]["properties"]["duration"]["maximum"] == 2592000
    batch = ENTRIES["batch"]["fields"]
    assert set(batch["required"]) == {"collection_path", "collection_variable"}
    assert batch["properties"]["batch_size"]["minimum"] == 1
    assert batch["properties"]["batch_size"]["maximum"] == 10
    assert batch["properties"]["collection_variable"]["maxLength"] == 64
    failure = ENTRIES["failure"]["fields"]["properties"]
    assert failure["error"]["maxLength"] == 256
    assert failure["cause"]["maxLength"] == 4000


def test_functional_fields_and_free_parameters() -> None:
    assert ENTRIES["function"]["fields"]["required"] == ["function_id"]
    assert ENTRIES["circuit"]["fields"]["required"] == ["circuit_id"]
    for entry_id in FUNCTIONAL:
        assert ENTRIES[entry_id]["parameters"]["additionalProperties"] is True, entry_id
