"""The flow states run through the engine: Pass, Branch, Parallel, Wait, Batch, Success, Failure,
Function, Circuit, and single-state (target) runs.

Each test builds a small playbook, runs it on :class:`runtime.engine.Engine` with a history
store, and checks the output and the recorded steps (status, times on the virtual clock,
iteration index, path, child execution).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_support import compile_playbook, document_data, only, run, statuses, timed_run

from runtime.engine import Engine
from runtime.history import HistoryStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "h.sqlite3") as opened:
        yield opened


def chain(*states: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A definition whose states run in the order given (``next`` filled in)."""
    names = [name for name, _ in states]
    out: dict[str, Any] = {}
    for index, (name, state) in enumerate(states):
        body = dict(state)
        if index == 0:
            body["start"] = True
        if body["type"] not in ("success", "failure", "branch") and "next" not in body:
            body["next"] = names[index + 1] if index + 1 < len(names) else "End"
        out[name] = body
    return out


# --- Pass ------------------------------------------------------------------------------------


def test_pass_merges_its_result_into_the_input(store: HistoryStore) -> None:
    pb = compile_playbook(chain(("P", {"type": "pass", "result": {"b": 3, "c": [4]}})))
    result, steps = run(pb, store, payload={"a": 1, "b": 2})
    assert result.status == "success"
    assert result.output == {"a": 1, "b": 3, "c": [4]}
    assert statuses(steps) == {"P": ["success"]}


def test_pass_result_path_places_the_result_and_leaves_the_payload_alone(
    store: HistoryStore,
) -> None:
    payload = {"a": 1, "nested": {"keep": True}}
    pb = compile_playbook(chain(
        ("P", {"type": "pass", "result": {"verdict": "benign"}, "result_path": "$.nested.r"}),
    ))
    result, _ = run(pb, store, payload=payload)
    assert result.output == {"a": 1, "nested": {"keep": True, "r": {"verdict": "benign"}}}
    assert payload == {"a": 1, "nested": {"keep": True}}


def test_pass_input_and_output_paths(store: HistoryStore) -> None:
    pb = compile_playbook(chain(
        ("Select", {"type": "pass", "input_path": "$.alert", "output_path": "$.user"}),
        ("Wrap", {"type": "pass", "result": {"tag": "x"}, "result_path": "$.meta"}),
    ))
    result, _ = run(pb, store, payload={"alert": {"user": {"name": "jdoe"}, "x": 1}, "y": 2})
    assert result.output == {"name": "jdoe", "meta": {"tag": "x"}}


def test_inputs_and_outputs_are_recorded_at_debug_only(store: HistoryStore) -> None:
    pb = compile_playbook(chain(("P", {"type": "pass", "result": {"b": 2}})))
    _, debug_steps = run(pb, store, payload={"a": 1}, log_level="DEBUG")
    step = only(debug_steps, "P")
    assert json.loads(step.input_json) == {"a": 1}
    assert json.loads(step.output_json) == {"a": 1, "b": 2}
    _, info_steps = run(pb, store, payload={"a": 1}, log_level="INFO")
    assert only(info_steps, "P").input_json is None
    assert only(info_steps, "P").output_json is None


# --- Branch ----------------------------------------------------------------------------------

BRANCH_CASES = [
    ("$.n == 5", {"n": 5}, True),
    ("$.n == 5", {"n": 5.0}, True),
    ("$.n == 5", {"n": "5"}, False),
    ("$.n != 5", {"n": 4}, True),
    ("$.n != 5", {"n": 5}, False),
    ("$.n > 3", {"n": 4}, True),
    ("$.n > 3", {"n": 3}, False),
    ("$.n >= 3", {"n": 3}, True),
    ("$.n >= 3", {"n": 2.5}, False),
    ("$.n < -1", {"n": -2}, True),
    ("$.n < -1", {"n": -1}, False),
    ("$.n <= 2.5", {"n": 2.5}, True),
    ("$.n <= 2.5", {"n": 2.6}, False),
    ("$.s == 'high'", {"s": "high"}, True),
    ('$.s == "high"', {"s": "low"}, False),
    ("$.s > 'a'", {"s": "b"}, True),
    ("$.n > 'a'", {"n": 5}, False),
    ("$.flag == true", {"flag": True}, True),
    ("$.flag == false", {"flag": True}, False),
    ("$.flag == true", {"flag": 1}, False),
    ("$.v == null", {}, True),
    ("$.v == null", {"v": None}, True),
    ("$.v != null", {"v": 0}, True),
    ("$.a && $.b", {"a": True, "b": True}, True),
    ("$.a && $.b", {"a": True, "b": False}, False),
    ("$.a || $.b", {"a": False, "b": True}, True),
    ("$.a || $.b", {"a": False, "b": 0}, False),
    ("!$.a", {"a": False}, True),
    ("!$.a", {"a": "x"}, False),
    ("!($.n > 1 && $.s == 'x')", {"n": 2, "s": "x"}, False),
    ("($.n > 1 || $.n < -1) && !($.s == 'x')", {"n": -3, "s": "y"}, True),
    ("$.n > 1 || $.n < -1 && $.s == 'x'", {"n": 5, "s": "y"}, True),
    ("($.n > 1 || $.n < -1) && $.s == 'x'", {"n": 5, "s": "y"}, False),
    ("$.risk.score >= 70 && $.host != null", {"risk": {"score": 82}, "host": "h"}, True),
    ("$.items[0] == 'first'", {"items": ["first", "second"]}, True),
]


@pytest.mark.parametrize(("condition", "payload", "matches"), BRANCH_CASES)
def test_branch_operators(
    store: HistoryStore, condition: str, payload: dict[str, Any], matches: bool
) -> None:
    pb = compile_playbook({
        "B": {"start": True, "type": "branch",
              "conditions": [{"condition": condition, "next": "Yes"}], "default": "No"},
        "Yes": {"type": "success"},
        "No": {"type": "success"},
    })
    result, steps = run(pb, store, payload=payload)
    assert result.status == "success"
    assert [s.state for s in steps] == ["B", "Yes" if matches else "No"]
    assert result.output == payload


def test_branch_first_match_wins_and_default_otherwise(store: HistoryStore) -> None:
    pb = compile_playbook({
        "B": {"start": True, "type": "branch", "conditions": [
            {"condition": "$.n > 1", "next": "First"},
            {"condition": "$.n > 2", "next": "Second"},
        ], "default": "Default"},
        "First": {"type": "success"},
        "Second": {"type": "success"},
        "Default": {"type": "success"},
    })
    _, steps = run(pb, store, payload={"n": 5})
    assert [s.state for s in steps] == ["B", "First"]
    assert only(steps, "B").message == "condition 1 matched: $.n > 1 → First"
    _, steps = run(pb, store, payload={"n": 0})
    assert [s.state for s in steps] == ["B", "Default"]
    assert only(steps, "B").message == "no condition matched → default Default"


# --- Parallel --------------------------------------------------------------------------------


def test_parallel_collects_outputs_per_path_name(store: HistoryStore) -> None:
    pb = compile_playbook({
        "P": {"start": True, "type": "parallel", "result_path": "$.par", "next": "Done",
              "paths": [{"name": "isolate", "root": "A1"}, {"name": "notify", "root": "B1"}]},
        "A1": {"type": "pass", "result": {"step": "a1"}, "result_path": "$.a1", "next": "A2"},
        "A2": {"type": "pass", "output_path": "$.a1", "next": "End"},
        "B1": {"type": "wait", "duration": 30, "next": "B2"},
        "B2": {"type": "pass", "result": {"step": "b2"}, "result_path": "$.b", "next": "End"},
        "Done": {"type": "success"},
    })
    result, steps = run(pb, store, payload={"x": 1})
    assert result.status == "success"
    assert result.output == {
        "x": 1,
        "par": {"isolate": {"step": "a1"}, "notify": {"x": 1, "b": {"step": "b2"}}},
    }
    parallel = only(steps, "P")
    for name, path in (("A1", "isolate"), ("A2", "isolate"), ("B1", "notify"), ("B2", "notify")):
        step = only(steps, name)
        assert (step.path, step.parent_seq) == (path, parallel.seq)
    # The Parallel ends when its slowest path does (simulated time).
    assert parallel.ended - parallel.started == pytest.approx(30)
    assert result.pathways_ok == 3 and result.pathways_failed == 0


def test_failing_path_fails_the_parallel_and_cuts_the_other_short(store: HistoryStore) -> None:
    pb = compile_playbook({
        "P": {"start": True, "type": "parallel", "next": "After",
              "paths": [{"name": "slow", "root": "Long wait"}, {"name": "bad", "root": "Short"}]},
        "Long wait": {"type": "wait", "duration": 3600, "next": "Never"},
        "Never": {"type": "pass", "next": "End"},
        "Short": {"type": "wait", "duration": 10, "next": "Boom"},
        "Boom": {"type": "failure", "error": "PathBroke", "cause": "the bad path failed"},
        "After": {"type": "success"},
    })
    # 100x: the short path fails after 0.1 s; the long wait alone would take 36 s.
    result, steps, wall = timed_run(pb, store, speed=100)
    assert wall < 3
    assert result.status == "failed"
    assert "PathBroke" in result.message and "the bad path failed" in result.message
    assert statuses(steps) == {
        "Short": ["success"], "Boom": ["failed"], "Long wait": ["killed"], "P": ["failed"],
    }
    cut = only(steps, "Long wait")
    assert cut.message == "Stopped: the execution failed at 'Boom': PathBroke"
    assert 5 <= cut.ended - cut.started < 60  # cut short near 10 s, far from 3600 s
    assert only(steps, "P").error_code == "PathBroke"
    assert result.pathways_ok == 0


def test_instant_speed_keeps_simulated_order_when_a_path_fails(store: HistoryStore) -> None:
    pb = compile_playbook({
        "P": {"start": True, "type": "parallel", "next": "After",
              "paths": [{"name": "slow", "root": "Long wait"}, {"name": "bad", "root": "Short"}]},
        "Long wait": {"type": "wait", "duration": 3600, "next": "Never"},
        "Never": {"type": "pass", "next": "End"},
        "Short": {"type": "wait", "duration": 10, "next": "Boom"},
        "Boom": {"type": "failure", "error": "PathBroke", "cause": "the bad path failed"},
        "After": {"type": "success"},
    })
    result, steps = run(pb, store, speed="instant")
    assert result.status == "failed"
    assert statuses(steps) == {
        "Short": ["success"], "Boom": ["failed"], "Long wait": ["killed"], "P": ["failed"],
    }
    cut = only(steps, "Long wait")
    assert cut.ended - cut.started == pytest.approx(10)  # stopped when the other path failed


def test_instant_speed_orders_tenant_effects_by_simulated_time(store: HistoryStore) -> None:
    def playbook(create_after: int, look_after: int) -> Any:
        return compile_playbook({
            "P": {"start": True, "type": "parallel", "result_path": "$.p", "next": "End",
                  "paths": [{"name": "create", "root": "Wait C"},
                            {"name": "look", "root": "Wait L"}]},
            "Wait C": {"type": "wait", "duration": create_after, "next": "Create"},
            "Create": {"type": "action", "action": "create_incident",
                       "parameters": {"name": "Race"}, "next": "End"},
            "Wait L": {"type": "wait", "duration": look_after, "next": "Look"},
            "Look": {"type": "action", "action": "list_incident",
                     "parameters": {"incident_name": "Race"},
                     "result_selector": {"found": "$.meta.total_items"}, "next": "End"},
        })

    result, _ = run(playbook(create_after=10, look_after=5), store)
    assert result.output["p"]["look"] == {"found": 0}  # looked at 5.4 s, created at 10.6 s
    result, _ = run(playbook(create_after=5, look_after=10), store)
    assert result.output["p"]["look"] == {"found": 1}


def test_nested_concurrency_follows_simulated_time(store: HistoryStore) -> None:
    pb = compile_playbook({
        "Outer": {"start": True, "type": "parallel", "next": "End",
                  "paths": [{"name": "x", "root": "Inner"}, {"name": "y", "root": "Y wait"}]},
        "Inner": {"type": "parallel", "next": "X done",
                  "paths": [{"name": "a", "root": "A wait"}, {"name": "b", "root": "B wait"}]},
        "A wait": {"type": "wait", "duration": 10, "next": "End"},
        "B wait": {"type": "wait", "duration": 20, "next": "End"},
        "X done": {"type": "pass", "next": "End"},
        "Y wait": {"type": "wait", "duration": 15, "next": "Y done"},
        "Y done": {"type": "pass", "next": "End"},
    })
    result, steps = run(pb, store)
    assert result.status == "success"
    order = [s.state for s in steps]  # by seq, i.e. by the order the steps started
    assert order.index("Y done") < order.index("X done")
    ends = {s.state: s.ended - result.started for s in steps}
    assert (ends["A wait"], ends["Y wait"], ends["B wait"]) == (10, 15, 20)
    x_done, y_done = only(steps, "X done"), only(steps, "Y done")
    assert (x_done.started - result.started, y_done.started - result.started) == (20, 15)
    assert only(steps, "Outer").ended - result.started == pytest.approx(20)


# --- Wait ------------------------------------------------------------------------------------


def test_wait_instant_takes_no_real_time(store: HistoryStore) -> None:
    pb = compile_playbook(chain(("W", {"type": "wait", "duration": 86400})),
                          max_runtime=2 * 86400)
    result, steps, wall = timed_run(pb, store, speed="instant")
    assert wall < 0.5
    assert result.status == "success"
    step = only(steps, "W")
    assert step.ended - step.started == pytest.approx(86400)
    assert step.message == "waited 1 d"
    assert result.ended - result.started == pytest.approx(86400)


def test_wait_speed_factor_scales_real_time(store: HistoryStore) -> None:
    pb = compile_playbook(chain(("W", {"type": "wait", "duration": 86400})),
                          max_runtime=2 * 86400)
    result, steps, wall = timed_run(pb, store, speed=86400 * 10)
    assert 0.09 <= wall < 0.5  # a day at x864,000 is 0.1 s of real waiting
    assert result.status == "success"
    assert only(steps, "W").ended - only(steps, "W").started == pytest.approx(86400)


# --- Batch -----------------------------------------------------------------------------------


def batch_playbook(size: int, body: dict[str, Any], root: str) -> dict[str, Any]:
    return {
        "Each": {"start": True, "type": "batch", "collection_path": "$.items",
                 "collection_variable": "item", "batch_size": size, "root": root,
                 "result_path": "$.results", "next": "Done"},
        **body,
        "Done": {"type": "success"},
    }


def max_concurrent(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    best = current = 0
    for _, delta in events:  # ends sort before starts at the same instant
        current += delta
        best = max(best, current)
    return best


def test_batch_binds_items_runs_at_most_batch_size_and_keeps_order(store: HistoryStore) -> None:
    body = {
        "Hold": {"type": "wait", "duration": 10, "next": "Shape"},
        "Shape": {"type": "pass", "input_path": "$.item", "next": "End"},
    }
    pb = compile_playbook(batch_playbook(3, body, "Hold"))
    items = [{"n": n} for n in range(7)]
    result, steps = run(pb, store, payload={"items": items, "other": "kept"}, log_level="DEBUG")
    assert result.status == "success"
    assert result.output["results"] == items
    holds = [s for s in steps if s.state == "Hold"]
    assert max_concurrent([(s.started, s.ended) for s in holds]) == 3
    assert sorted(s.iteration for s in holds) == list(range(7))
    batch = only(steps, "Each")
    assert all(s.parent_seq == batch.seq for s in holds)
    assert batch.ended - batch.started == pytest.approx(30)  # ceil(7 / 3) rounds of 10 s
    assert batch.message == "7 items succeeded"
    assert batch.transition == "next"
    for hold in holds:
        seen = json.loads(hold.input_json)
        assert seen["item"] == items[hold.iteration]
        assert seen["batch_index"] == hold.iteration
        assert seen["other"] == "kept"


def test_batch_items_start_as_soon_as_a_slot_frees_up(store: HistoryStore) -> None:
    body = {"Hold": {"type": "wait", "duration": 10, "next": "End"},
            "Long hold": {"type": "wait", "duration": 30, "next": "End"},
            "Which": {"type": "branch", "default": "Hold", "conditions": [
                {"condition": "$.item == 0", "next": "Long hold"}]}}
    pb = compile_playbook(batch_playbook(2, body, "Which"))
    result, steps = run(pb, store, payload={"items": [0, 1, 2, 3]})
    assert result.status == "success"
    starts = {s.iteration: s.started - result.started for s in steps if "hold" in s.state.lower()}
    assert starts == {0: 0, 1: 0, 2: 10, 3: 20}  # items 1-3 share the second slot
    assert only(steps, "Each").ended - result.started == pytest.approx(30)


def test_batch_size_limits_real_concurrency_too(store: HistoryStore) -> None:
    body = {"Hold": {"type": "wait", "duration": 10, "next": "End"}}
    pb = compile_playbook(batch_playbook(2, body, "Hold"))
    result, steps, wall = timed_run(pb, store, payload={"items": list(range(6))}, speed=100)
    assert result.status == "success"
    assert 0.28 <= wall < 1.5  # three rounds of 0.1 s
    holds = [s for s in steps if s.state == "Hold"]
    assert max_concurrent([(s.started, s.ended) for s in holds]) == 2


def test_batch_results_follow_item_order_not_finishing_order(store: HistoryStore) -> None:
    body = {
        "Slow?": {"type": "branch", "conditions": [{"condition": "$.item < 3", "next": "Slow"}],
                  "default": "Echo"},
        "Slow": {"type": "wait", "duration": 100, "next": "Echo"},
        "Echo": {"type": "pass", "output_path": "$.item", "next": "End"},
    }
    pb = compile_playbook(batch_playbook(5, body, "Slow?"))
    result, steps = run(pb, store, payload={"items": [0, 1, 2, 3, 4]})
    assert result.output["results"] == [0, 1, 2, 3, 4]
    echoes = [s for s in steps if s.state == "Echo"]
    assert [s.iteration for s in echoes][:2] == [3, 4]  # the fast items finished first


def failing_body() -> dict[str, Any]:
    return {
        "Check": {"type": "branch", "conditions": [{"condition": "$.item > 2", "next": "Bad"}],
                  "default": "Good"},
        "Good": {"type": "pass", "output_path": "$.item", "next": "End"},
        "Bad": {"type": "failure", "error": "ItemBad", "cause": "item too large"},
    }


def test_a_failure_in_one_batch_item_fails_the_execution_and_stops_the_others(
    store: HistoryStore,
) -> None:
    """Failure "Terminates the execution as failed": in a Batch body too. Items running at
    that moment are recorded as killed (not lost); items not started never run."""
    body = {
        "Check": {"type": "branch", "conditions": [{"condition": "$.item > 2", "next": "Bad"}],
                  "default": "Slow"},
        "Slow": {"type": "wait", "duration": 60, "next": "End"},
        "Bad": {"type": "failure", "error": "ItemBad", "cause": "item too large"},
    }
    pb = compile_playbook(batch_playbook(2, body, "Check"))
    result, steps = run(pb, store, payload={"items": [1, 3, 4, 5]})
    assert result.status == "failed"
    assert result.message == "Each: ItemBad: item 1 failed at 'Bad': item too large"
    batch = only(steps, "Each")
    assert (batch.status, batch.error_code) == ("failed", "ItemBad")
    assert [(s.status, s.iteration, s.message) for s in steps if s.state == "Slow"] == [
        ("killed", 0, "Stopped: the execution failed at 'Bad': ItemBad")]
    assert sorted(s.iteration for s in steps if s.state == "Check") == [0, 1]  # 2, 3 never ran
    assert "Done" not in statuses(steps)


def test_a_success_in_a_parallel_path_ends_the_whole_execution(store: HistoryStore) -> None:
    """Success "Terminates the execution as successfully completed", inside a path too: the
    other paths stop, the states after the Parallel never run."""
    pb = compile_playbook({
        "P": {"start": True, "type": "parallel", "next": "After",
              "paths": [{"name": "slow", "root": "Long wait"}, {"name": "quick", "root": "Won"}]},
        "Long wait": {"type": "wait", "duration": 3600, "next": "End"},
        "Won": {"type": "success"},
        "After": {"type": "failure", "error": "NotReached", "cause": "after the parallel"},
    })
    result, steps = run(pb, store, payload={"x": 1})
    assert result.status == "success" and result.message is None
    assert result.output == {"x": 1}
    assert statuses(steps) == {"Won": ["success"], "Long wait": ["killed"], "P": ["success"]}
    assert only(steps, "Long wait").message == "Stopped: the execution ended at 'Won' (Success)"
    assert only(steps, "P").transition is None


def test_a_success_in_a_batch_body_ends_the_whole_execution(store: HistoryStore) -> None:
    body = {
        "Check": {"type": "branch", "conditions": [{"condition": "$.item == 2", "next": "Won"}],
                  "default": "Slow"},
        "Slow": {"type": "wait", "duration": 60, "next": "End"},
        "Won": {"type": "success"},
    }
    definition = batch_playbook(2, body, "Check")
    definition["Done"] = {"type": "failure", "error": "NotReached", "cause": "after the batch"}
    result, steps = run(compile_playbook(definition), store, payload={"items": [1, 2, 3]})
    assert result.status == "success"
    assert result.output["item"] == 2
    assert [s.status for s in steps if s.state == "Slow"] == ["killed"]
    assert "Done" not in statuses(steps)


def test_branch_records_the_condition_taken_as_data(store: HistoryStore) -> None:
    pb = compile_playbook(batch_playbook(2, failing_body(), "Check"))
    result, steps = run(pb, store, payload={"items": [1, 2]})
    assert result.status == "success"
    assert {s.transition for s in steps if s.state == "Check"} == {"default"}
    pb = compile_playbook({
        "B": {"start": True, "type": "branch", "default": "No",
              "conditions": [{"condition": "$.n == 1", "next": "One"},
                             {"condition": "$.n == 2", "next": "Two"}]},
        "One": {"type": "success"}, "Two": {"type": "success"}, "No": {"type": "success"},
    })
    for n, edge in ((1, "conditions[0].next"), (2, "conditions[1].next"), (3, "default")):
        _, steps = run(pb, store, payload={"n": n})
        assert only(steps, "B").transition == edge


def test_batch_over_a_missing_collection_fails_the_step(store: HistoryStore) -> None:
    pb = compile_playbook(batch_playbook(2, failing_body(), "Check"))
    result, steps = run(pb, store, payload={"items": "not a list"})
    assert result.status == "failed"
    assert only(steps, "Each").error_code == "BATCH_COLLECTION_NOT_ARRAY"


# --- Success and Failure ---------------------------------------------------------------------


def test_success_ends_the_pathway_with_its_input(store: HistoryStore) -> None:
    pb = compile_playbook(chain(
        ("P", {"type": "pass", "result": {"ok": True}}),
        ("Done", {"type": "success"}),
    ))
    result, steps = run(pb, store, payload={"a": 1})
    assert result.status == "success" and result.message is None
    assert result.output == {"a": 1, "ok": True}
    assert only(steps, "Done").message == "Execution succeeded"
    assert only(steps, "Done").transition is None and only(steps, "P").transition == "next"


def test_failure_puts_error_and_cause_in_the_message(store: HistoryStore) -> None:
    pb = compile_playbook(chain(
        ("P", {"type": "pass"}),
        ("Stop", {"type": "failure", "error": "HostUnreachable", "cause": "agent silent"}),
    ))
    result, steps = run(pb, store)
    assert result.status == "failed"
    assert result.message == "Stop: HostUnreachable: agent silent"
    step = only(steps, "Stop")
    assert (step.status, step.error_code, step.message) == (
        "failed", "HostUnreachable", "agent silent",
    )
    assert store.get_execution(result.execution_id).message == result.message


# --- Function --------------------------------------------------------------------------------

ADDER = """
import sys

def handler(params):
    print("adding", params["a"], "and", params["b"])
    print("warning: numbers", file=sys.stderr)
    return {"sum": params["a"] + params["b"], "label": params["label"]}
"""
RAISER = "def handler(params):\n    x = 1\n    raise ValueError('bad input')\n"


def test_function_output_and_os_logs(store: HistoryStore) -> None:
    pb = compile_playbook(
        chain(("Add", {"type": "function", "function_id": "adder", "result_path": "$.r",
                       "parameters": {"a": "$.x", "b": 2, "label": "$$literal"}})),
        {"adder": ADDER},
    )
    result, steps = run(pb, store, payload={"x": 40}, log_level="DEBUG")
    assert result.status == "success"
    assert result.output == {"x": 40, "r": {"sum": 42, "label": "$literal"}}
    step = only(steps, "Add")
    logs = {row.stream: row.text for row in store.os_logs(result.execution_id, step.seq)}
    assert logs == {"stdout": "adding 40 and 2\n", "stderr": "warning: numbers\n"}


def test_function_that_raises_fails_the_step(store: HistoryStore) -> None:
    pb = compile_playbook(
        chain(("Oops", {"type": "function", "function_id": "raiser"})), {"raiser": RAISER},
    )
    result, steps = run(pb, store)
    assert result.status == "failed"
    step = only(steps, "Oops")
    assert step.status == "failed" and step.error_code == "FUNCTION_ERROR"
    assert step.message == "Function raised ValueError: bad input (line 3)"
    assert "Traceback" in "".join(r.text for r in store.os_logs(result.execution_id))


# --- Circuit ---------------------------------------------------------------------------------


def write_playbook(path: Path, definition: dict[str, Any], **extra: Any) -> Path:
    path.write_text(json.dumps(document_data(definition, name=path.stem, **extra)))
    return path


def test_circuit_runs_a_linked_child_execution(store: HistoryStore, tmp_path: Path) -> None:
    write_playbook(tmp_path / "containment.playbook.json", chain(
        ("Mark", {"type": "pass", "result": {"contained": True}, "result_path": "$.state"}),
        ("Contained", {"type": "success"}),
    ))
    parent_path = tmp_path / "parent.playbook.json"
    pb = compile_playbook(chain(
        ("Contain", {"type": "circuit", "circuit_id": "containment", "result_path": "$.child",
                     "parameters": {"host": "$.host"}}),
        ("Done", {"type": "success"}),
    ), source_path=parent_path)
    result, steps = run(pb, store, payload={"host": "WS-FIN-014", "x": 1})
    assert result.status == "success"
    assert result.output == {
        "host": "WS-FIN-014", "x": 1,
        "child": {"host": "WS-FIN-014", "state": {"contained": True}},
    }
    step = only(steps, "Contain")
    assert result.children == [step.child_execution]
    child = store.get_execution(step.child_execution)
    assert (child.parent_execution, child.parent_seq) == (result.execution_id, step.seq)
    assert child.status == "success" and child.playbook == "containment.playbook"
    assert statuses(store.steps(child.id)) == {"Mark": ["success"], "Contained": ["success"]}
    assert [c.id for c in store.children(result.execution_id)] == [child.id]
    assert child.id not in [e.id for e in store.list_executions()]


def test_failing_child_fails_the_circuit_step(store: HistoryStore, tmp_path: Path) -> None:
    write_playbook(tmp_path / "broken.playbook.json", chain(
        ("Nope", {"type": "failure", "error": "ChildFailed", "cause": "no"}),
    ))
    pb = compile_playbook(chain(("Call", {"type": "circuit", "circuit_id": "broken"})),
                          source_path=tmp_path / "parent.playbook.json")
    result, steps = run(pb, store)
    assert result.status == "failed"
    step = only(steps, "Call")
    assert step.error_code == "CIRCUIT_FAILED"
    assert step.message == "sub-playbook 'broken' ended failed: Nope: ChildFailed: no"
    (child,) = store.children(result.execution_id)
    assert child.status == "failed"


def test_a_child_with_functions_runs_only_once_its_file_is_trusted(
        store: HistoryStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from runtime.sandbox.trust import TRUST_ENV, TrustStore

    monkeypatch.setenv(TRUST_ENV, str(tmp_path / "trust.json"))
    child = tmp_path / "shared.playbook.json"
    child.write_text(json.dumps(document_data(
        chain(("Calc", {"type": "function", "function_id": "calc"}), ("Ok", {"type": "success"})),
        {"calc": "def handler(p):\n    return {'n': 1}\n"}, name="shared")))
    pb = compile_playbook(chain(("Call", {"type": "circuit", "circuit_id": "shared"})),
                          source_path=tmp_path / "parent.playbook.json")
    result, steps = run(pb, store)
    step = only(steps, "Call")
    assert result.status == "failed" and step.error_code == "CIRCUIT_UNTRUSTED"
    assert "calc" in step.message and "not trusted" in step.message
    assert store.children(result.execution_id) == []  # nothing of the child ran
    TrustStore().trust(child)
    pb = compile_playbook(chain(("Call", {"type": "circuit", "circuit_id": "shared"})),
                          source_path=tmp_path / "parent.playbook.json")
    result, steps = run(pb, store)
    assert result.status == "success", only(steps, "Call").message


def test_circuit_without_a_saved_parent_cannot_find_its_child(store: HistoryStore) -> None:
    pb = compile_playbook(chain(("Call", {"type": "circuit", "circuit_id": "anything"})))
    result, steps = run(pb, store)
    assert result.status == "failed"
    assert only(steps, "Call").error_code == "CIRCUIT_NOT_FOUND"


# --- Target runs -----------------------------------------------------------------------------


def test_target_runs_one_state_with_the_given_input(store: HistoryStore) -> None:
    pb = compile_playbook(chain(
        ("First", {"type": "pass", "result": {"first": True}}),
        ("Second", {"type": "pass", "result": {"second": True}}),
        ("Third", {"type": "failure", "error": "E", "cause": "never reached"}),
    ))
    result, steps = run(pb, store, payload={"saved": "input"}, target="Second")
    assert result.status == "success"
    assert [s.state for s in steps] == ["Second"]
    assert result.output == {"saved": "input", "second": True}
    assert result.transitions == 1


def test_profile_from_a_recorded_step_reruns_that_step(store: HistoryStore) -> None:
    from runtime.engine import options_from_profile, profile_from_step

    definition = chain(
        ("First", {"type": "pass", "result": {"first": True}}),
        ("Second", {"type": "pass", "result": {"second": True}, "result_path": "$.s"}),
    )
    pb = compile_playbook(definition)
    result, steps = run(pb, store, payload={"trigger": 1}, log_level="DEBUG")
    recorded = only(steps, "Second")
    profile = profile_from_step(pb.document, "Replay", recorded,
                                store.get_execution(result.execution_id))
    assert (profile.target, profile.payload) == ("Second", {"trigger": 1, "first": True})
    options = options_from_profile(profile)
    replay = asyncio.run(Engine(store).run(pb, options))
    assert [s.state for s in store.steps(replay.execution_id)] == ["Second"]
    assert replay.output == result.output
    assert store.get_execution(replay.execution_id).profile == "Replay"
