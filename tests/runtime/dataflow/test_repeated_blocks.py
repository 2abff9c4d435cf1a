"""States configured alike share their inferred results only when their inputs are equal
(runtime.dataflow.infer keeps transfers per configuration and interned input)."""

from __future__ import annotations

from typing import Any

from runtime.catalog import load_catalog
from runtime.dataflow import check_dataflow
from runtime.model.document import PlaybookDocument

CATALOG = load_catalog()


def _flagged(definition: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    document = PlaybookDocument.model_validate(
        {"definition": definition,
         "run_profiles": [{"name": "p", "payload": {"alert": {"host": "WS-1"}}}]})
    return sorted((p.code, p.state, p.path) for p in check_dataflow(document, CATALOG))


def _ping(nxt: str) -> dict[str, Any]:
    return {"type": "action", "action": "ping_device",
            "parameters": {"destination_device": "$.ctx.host"}, "next": nxt}


def test_alike_states_with_different_inputs_are_judged_apart() -> None:
    # Ping 1 and Ping 2 are configured alike; only Ping 2's input holds $.ctx.
    flagged = _flagged({
        "Ping 1": {"start": True, **_ping("Set")},
        "Set": {"type": "pass", "result": {"host": "WS-2"}, "result_path": "$.ctx",
                "next": "Ping 2"},
        "Ping 2": _ping("End"),
    })
    assert flagged == [("dataflow.unknown-path", "Ping 1", "parameters.destination_device")]


def test_repeated_blocks_are_judged_like_one_block() -> None:
    definition: dict[str, Any] = {}
    for i in range(6):
        nxt = f"Set {i + 1}" if i < 5 else "End"
        definition[f"Set {i}"] = {"type": "pass", "result": {"host": "WS-2"},
                                  "result_path": "$.ctx", "next": f"Ping {i}"}
        definition[f"Ping {i}"] = {"type": "action", "action": "ping_device",
                                   "parameters": {"destination_device": "$.ctx.hots"},
                                   "next": nxt}
    definition["Set 0"]["start"] = True
    flagged = _flagged(definition)
    assert flagged == [("dataflow.unknown-path", f"Ping {i}", "parameters.destination_device")
                       for i in range(6)]


def test_containers_alike_but_for_a_result_selector_are_judged_apart() -> None:
    # Fan 1 and Fan 2 get the same input and bodies; only Fan 2 reshapes its result (an
    # extra result_selector key, read as the engine reads it), so only Ping 2 finds $.picked.
    def fan(root: str, nxt: str) -> dict[str, Any]:
        return {"type": "parallel", "paths": [{"name": "p", "root": root}], "next": nxt}

    def body() -> dict[str, Any]:
        return {"type": "pass", "result": {"host": "WS-2"}, "next": "End"}

    def ping(nxt: str) -> dict[str, Any]:
        return {"type": "action", "action": "ping_device",
                "parameters": {"destination_device": "$.picked.host"}, "next": nxt}

    flagged = _flagged({
        "Choose": {"start": True, "type": "branch", "default": "Fan 2",
                   "conditions": [{"condition": "$.alert.host == 'a'", "next": "Fan 1"}]},
        "Fan 1": fan("Body 1", "Ping 1"), "Body 1": body(), "Ping 1": ping("End"),
        "Fan 2": {**fan("Body 2", "Ping 2"), "result_selector": {"picked": "$.p"}},
        "Body 2": body(), "Ping 2": ping("End"),
    })
    assert flagged == [("dataflow.unknown-path", "Ping 1", "parameters.destination_device")]


def test_unknown_keys_named_like_fields_of_other_states_are_only_data() -> None:
    # 'paths' is a Parallel's field; on a Pass it is an unknown key kept as it came.
    flagged = _flagged({
        "Odd": {"start": True, "type": "pass", "paths": "ab", "result_selector": [1],
                "next": "Ping"},
        "Ping": _ping("End"),
    })
    assert flagged == [("dataflow.unknown-path", "Ping", "parameters.destination_device")]
