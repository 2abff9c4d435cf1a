"""Auto-layout (runtime.layout): layering and ordering on plain dicts, checked against
networkx and on cycles, self-loops, shared handlers and unreachable states."""

from __future__ import annotations

from typing import Any

import networkx as nx

from runtime.layout import COLUMN, count_crossings, flow_graph, layout_definition
from runtime.model import document_from_data


def _definition(states: dict[str, dict[str, Any]]) -> Any:
    return document_from_data({"name": "t", "definition": states}).definition


def _layer_of(result: Any) -> dict[str, int]:
    return {name: index for index, names in enumerate(result.layers) for name in names}


def test_layers_are_longest_paths_as_networkx_computes_them() -> None:
    states = {
        "A": {"start": True, "type": "branch", "conditions": [{"condition": "$.a == 1",
                                                              "next": "C"}], "default": "B"},
        "B": {"type": "pass", "next": "C"},
        "C": {"type": "pass", "next": "D"},
        "D": {"type": "action", "action": "get_alerts", "next": "End",
              "on_error": [{"error_type": "execution_error", "fallback": {"next": "H"}}]},
        "H": {"type": "failure"},
    }
    definition = _definition(states)
    result = layout_definition(definition, "A")
    graph = flow_graph(definition)
    expected: dict[str, int] = {}
    for node in nx.topological_sort(graph):
        expected[node] = max((expected[p] + 1 for p in graph.predecessors(node)), default=0)
    assert _layer_of(result) == expected
    assert result.positions["H"][0] == expected["H"] * COLUMN
    assert count_crossings(definition, result.positions) == 0


def test_cycles_self_loops_and_unreachable_states_lay_out() -> None:
    states = {
        "A": {"start": True, "type": "pass", "next": "B"},
        "B": {"type": "branch", "conditions": [{"condition": "$.again == true", "next": "A"}],
              "default": "C"},
        "C": {"type": "pass", "next": "C"},
        "Lonely": {"type": "pass", "next": "End"},
    }
    result = layout_definition(_definition(states), "A")
    layer = _layer_of(result)
    assert set(result.positions) == set(states)
    assert layer["A"] < layer["B"] < layer["C"]
    assert layer["Lonely"] == 0


def test_a_shared_handler_sits_after_the_first_state_that_falls_back_to_it() -> None:
    states: dict[str, dict[str, Any]] = {}
    for i in range(5):
        states[f"S{i}"] = {"type": "action", "action": "get_alerts",
                           "next": f"S{i + 1}" if i < 4 else "End",
                           "on_error": [{"error_type": "execution_error",
                                         "fallback": {"next": "Handler"}}]}
    states["S0"]["start"] = True
    states["Handler"] = {"type": "failure"}
    layer = _layer_of(layout_definition(_definition(states), "S0"))
    assert layer["Handler"] == layer["S0"] + 1
    assert [layer[f"S{i}"] for i in range(5)] == [0, 1, 2, 3, 4]
