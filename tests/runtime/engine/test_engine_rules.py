"""Issue 13's rules, each from the engine and from the CLI (``runtime.cli.main``).

- Failure or an uncaught error anywhere (main flow, a Parallel path, a Batch body) fails the
  execution and stops the rest; Success anywhere ends it as succeeded; partial only when it
  ended with failed steps that ``on_error`` handled.
- ``on_error`` fallback to ``End`` is a legal end (never an internal error).
- The reference's messages: fixed text per code, the tenant's words in ``detail``, the caught
  error object has ``code`` and ``message``.
- Flows that can never end are refused before they run.
- One step record: :class:`StepRow` with the transition taken; old history files migrate.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from engine_support import compile_playbook, document_data, only, run, statuses

from runtime.cli import main
from runtime.engine import CompiledPlaybook, decide_status
from runtime.engine.compiled import PlaybookInvalid
from runtime.engine.states.base import Outcome, StateHandler
from runtime.history import STEP_COLUMNS, HistoryStore, StepRecord, StepRow, step_row
from runtime.history.schema import _V1, SCHEMA_VERSION
from runtime.model import document_from_data

FIXED_10001105 = "The input parameters provided are invalid."


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with HistoryStore(tmp_path / "h.sqlite3") as opened:
        yield opened


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, definition: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document_data(definition, name=path.stem)))
    return path


def cli_run(capsys: pytest.CaptureFixture[str], tmp_path: Path, definition: dict[str, Any],
            *extra: str) -> tuple[int, dict[str, Any]]:
    path = write(tmp_path / "pb.playbook.json", definition)
    code, out, _ = cli(capsys, "run", str(path), "--history", str(tmp_path / "h.sqlite3"),
                       "--format", "json", *extra)
    return code, json.loads(out)


# --- the definitions each rule is shown on ----------------------------------------------------

FAILURE_IN_PATH = {
    "P": {"start": True, "type": "parallel", "next": "After",
          "paths": [{"name": "slow", "root": "Long"}, {"name": "bad", "root": "Boom"}]},
    "Long": {"type": "wait", "duration": 600, "next": "End"},
    "Boom": {"type": "failure", "error": "Broke", "cause": "path b"},
    "After": {"type": "success"},
}
SUCCESS_IN_PATH = {
    "P": {"start": True, "type": "parallel", "next": "After",
          "paths": [{"name": "slow", "root": "Long"}, {"name": "done", "root": "Won"}]},
    "Long": {"type": "wait", "duration": 600, "next": "End"},
    "Won": {"type": "success"},
    "After": {"type": "failure", "error": "NotReached", "cause": "after"},
}
FAILURE_IN_BODY = {
    "Each": {"start": True, "type": "batch", "collection_path": "$.items",
             "collection_variable": "item", "batch_size": 2, "root": "Check", "next": "Done"},
    "Check": {"type": "branch", "conditions": [{"condition": "$.item > 1", "next": "Bad"}],
              "default": "Slow"},
    "Slow": {"type": "wait", "duration": 60, "next": "End"},
    "Bad": {"type": "failure", "error": "ItemBad", "cause": "too big"},
    "Done": {"type": "success"},
}
FALLBACK_TO_END = {
    "Ping": {"start": True, "type": "action", "action": "ping_device",
             "parameters": {"destination_device": "WS-ENG-031"}, "next": "Done",
             "on_error": [{"error_type": "execution_error", "fallback": {"next": "End"}}]},
    "Done": {"type": "success"},
}
TENANT_DETAIL = {
    "Popup": {"start": True, "type": "action", "action": "send_popup_message",
              "parameters": {"destination_device": "WS-FIN-014", "message": "   "},
              "next": "End",
              "on_error": [{"error_type": "custom_error", "error_codes": ["10001105"],
                            "fallback": {"next": "Caught"}}]},
    "Caught": {"type": "success"},
}
NEVER_ENDS = {
    "A": {"start": True, "type": "pass", "next": "B"},
    "B": {"type": "wait", "duration": 5, "next": "A"},
}


# --- failure and success end the execution ----------------------------------------------------


def test_failure_in_a_parallel_path_fails_the_execution(store: Any, capsys: Any,
                                                        tmp_path: Path) -> None:
    result, steps = run(compile_playbook(FAILURE_IN_PATH), store)
    assert result.status == "failed"
    assert statuses(steps) == {"Boom": ["failed"], "Long": ["killed"], "P": ["failed"]}
    code, data = cli_run(capsys, tmp_path, FAILURE_IN_PATH)
    assert (code, data["status"]) == (1, "failed")
    assert {s["state"]: s["status"] for s in data["steps"]}["Long"] == "killed"


def test_failure_in_a_batch_body_fails_the_execution(store: Any, capsys: Any,
                                                     tmp_path: Path) -> None:
    result, steps = run(compile_playbook(FAILURE_IN_BODY), store, payload={"items": [1, 2, 3]})
    assert result.status == "failed"
    assert [s.status for s in steps if s.state == "Slow"] == ["killed"]
    assert "Done" not in statuses(steps)
    payload = tmp_path / "in.json"
    payload.write_text(json.dumps({"items": [1, 2, 3]}))
    code, data = cli_run(capsys, tmp_path, FAILURE_IN_BODY, "--input", str(payload))
    assert (code, data["status"]) == (1, "failed")


def test_success_in_a_parallel_path_ends_the_execution(store: Any, capsys: Any,
                                                       tmp_path: Path) -> None:
    result, steps = run(compile_playbook(SUCCESS_IN_PATH), store)
    assert result.status == "success"
    assert "After" not in statuses(steps)
    assert only(steps, "Long").status == "killed"
    code, data = cli_run(capsys, tmp_path, SUCCESS_IN_PATH)
    assert (code, data["status"]) == (0, "success")
    assert "After" not in {s["state"] for s in data["steps"]}


def test_decide_status() -> None:
    assert decide_status(True, 0) == decide_status(True, 3) == "failed"
    assert decide_status(False, 0) == "success"
    assert decide_status(False, 1) == "partial"


# --- on_error fallback to End -----------------------------------------------------------------


def test_fallback_to_end_is_a_legal_end(store: Any, capsys: Any, tmp_path: Path) -> None:
    result, steps = run(compile_playbook(FALLBACK_TO_END), store)
    assert result.status == "partial"  # ended; the failed step was handled
    ping = only(steps, "Ping")
    assert (ping.status, ping.error_code) == ("failed", "10001108")
    assert ping.transition == "on_error[0].fallback.next"
    assert ping.message.endswith("caught by on_error (execution_error) → End")
    assert "Done" not in statuses(steps)
    assert result.output["error"]["code"] == "10001108"
    code, data = cli_run(capsys, tmp_path, FALLBACK_TO_END)
    assert (code, data["status"]) == (4, "partial")
    assert "internal error" not in (data["message"] or "")


# --- the reference's messages -----------------------------------------------------------------


def test_fixed_message_with_the_tenants_detail_apart(store: Any, capsys: Any,
                                                      tmp_path: Path) -> None:
    result, steps = run(compile_playbook(TENANT_DETAIL), store)
    popup = only(steps, "Popup")
    assert (popup.error_code, popup.message.split(";")[0]) == ("10001105", FIXED_10001105)
    assert popup.detail == "No message was given"
    error = result.output["error"]
    assert (error["code"], error["message"], error["detail"]) == (
        "10001105", FIXED_10001105, "No message was given")
    warn = [line for line in store.logs(result.execution_id) if line.level == "WARN"]
    assert warn and warn[0].detail == "No message was given"
    assert "No message was given" not in warn[0].message
    code, data = cli_run(capsys, tmp_path, TENANT_DETAIL)
    step = next(s for s in data["steps"] if s["state"] == "Popup")
    assert (step["detail"], data["output"]["error"]["message"]) == (
        "No message was given", FIXED_10001105)


def test_number_expected_from_the_engine_and_the_cli(store: Any, capsys: Any,
                                                     tmp_path: Path) -> None:
    definition = {"List": {"start": True, "type": "action", "action": "list_incident",
                           "parameters": {"limit": "$.n"}, "next": "End"}}
    result, steps = run(compile_playbook(definition), store, payload={"n": "10"})
    assert only(steps, "List").message == "$.limit: string found, number expected"
    payload = tmp_path / "in.json"
    payload.write_text(json.dumps({"n": "10"}))
    path = write(tmp_path / "pb.playbook.json", definition)
    code, out, _ = cli(capsys, "run", str(path), "--input", str(payload),
                       "--history", str(tmp_path / "h.sqlite3"))
    assert code == 1
    assert "$.limit: string found, number expected" in out


# --- flows that can never end -----------------------------------------------------------------


def test_a_flow_that_can_never_end_is_refused(capsys: Any, tmp_path: Path) -> None:
    with pytest.raises(PlaybookInvalid) as info:
        compile_playbook(NEVER_ENDS)
    assert info.value.problems[0].code == "flow.never-ends"
    path = write(tmp_path / "loop.playbook.json", NEVER_ENDS)
    code, out, _ = cli(capsys, "validate", str(path))
    assert code == 1 and "[flow.never-ends]" in out and "maximum runtime" in out
    code, _, err = cli(capsys, "run", str(path), "--history", str(tmp_path / "h.sqlite3"))
    assert code != 0 and "flow.never-ends" in err


def test_a_long_wait_warns_but_runs(capsys: Any, tmp_path: Path) -> None:
    definition = {"W": {"start": True, "type": "wait", "duration": 7200, "next": "End"}}
    path = write(tmp_path / "wait.playbook.json", definition)
    code, out, _ = cli(capsys, "validate", str(path))
    assert code == 0
    assert "[wait.past-max-runtime]" in out and "2 h (7200 s)" in out and "1 h (3600 s)" in out


# --- one step record --------------------------------------------------------------------------


def test_the_step_record_is_one_named_tuple(store: Any) -> None:
    assert StepRecord is StepRow and StepRow._fields == STEP_COLUMNS
    assert {"transition", "params_json", "detail"} <= set(STEP_COLUMNS)
    row = step_row(tuple(range(len(STEP_COLUMNS))))
    assert isinstance(row, StepRow) and row.detail == len(STEP_COLUMNS) - 1
    result, steps = run(compile_playbook(FALLBACK_TO_END), store, log_level="DEBUG")
    assert all(isinstance(s, StepRow) for s in steps)
    ping = only(steps, "Ping")
    assert json.loads(ping.params_json) == {"destination_device": "WS-ENG-031"}


def test_a_version_1_history_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for statement in _V1:
        conn.execute(statement)
    conn.execute("INSERT INTO executions (key, id, playbook, playbook_hash, status, started, "
                 "log_level, job_server, worker) VALUES (1, 'old-1', 'pb', 'h', 'success', 1.0, "
                 "'INFO', 'embedded', 'w')")
    conn.execute("INSERT INTO steps (ex, seq, state, type, status, started) "
                 "VALUES (1, 1, 'A', 'pass', 'success', 1.0)")
    conn.execute("INSERT INTO logs (ex, seq, time, level, message) "
                 "VALUES (1, 1, 1.0, 'INFO', 'hello')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with HistoryStore(path) as opened:
        (step,) = opened.steps("old-1")
        assert (step.state, step.transition, step.params_json, step.detail) == (
            "A", None, None, None)
        (line,) = opened.logs("old-1")
        assert (line.message, line.detail) == ("hello", None)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    conn.close()


# --- one life cycle for states ----------------------------------------------------------------


def test_the_base_handler_runs_the_life_cycle() -> None:
    """A state implements only ``execute``; input path, result path and output path are the
    base's, in that order."""

    class Double(StateHandler):
        def execute(self, ctx: Any, inp: Any) -> Outcome:
            return self.moved_on(inp * 2, "doubled")

    doc = document_from_data(document_data({
        "S": {"start": True, "type": "pass", "input_path": "$.n", "result_path": "$.twice",
              "output_path": "$.twice", "next": "End"}}))
    playbook = CompiledPlaybook(doc)
    handler = Double("S", doc.definition["S"], playbook)
    outcome = handler.step(None, {"n": 21})  # type: ignore[arg-type]
    assert outcome == Outcome(None, 42, "doubled", "next")
