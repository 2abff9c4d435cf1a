"""``playbook run`` and ``playbook executions`` from the command line (in-process ``main``).

Exit codes: 0 success, 1 failed, 4 partial, 2 usage (unknown profile, bad speed), 3 unreadable
input (the playbook file or the ``--input`` payload). ``--format json`` prints one object; the
history goes where ``--history`` says; ``executions list/show/logs/os-logs`` read it back,
with App logs as CSV and OS logs as one ZIP holding a ZIP per step.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from engine_support import document_data

from runtime.cli import main
from runtime.history import STEP_COLUMNS, HistoryStore

EXAMPLES = Path(str(files("resources") / "examples"))
TRIAGE = EXAMPLES / "suspicious-logon-triage.playbook.json"
PHISHING = EXAMPLES / "phishing-response.playbook.json"


@pytest.fixture
def history(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "history.sqlite3"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, definition: dict[str, Any], **extra: Any) -> Path:
    path.write_text(json.dumps(document_data(definition, name=path.stem, **extra)))
    return path


def test_success_exits_0_and_prints_each_step(
    capsys: pytest.CaptureFixture[str], history: Path
) -> None:
    code, out, _ = cli(capsys, "run", str(TRIAGE), "--profile", "Risky logon",
                       "--history", str(history))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Execution ")
    assert lines[0].endswith("of 'Suspicious logon triage' with profile 'Risky logon'")
    assert "✓ Stop suspicious process [isolate] (action) success 2.00 s" in lines
    assert any(line.startswith("✓ Risky? (branch) success") and "→ Contain" in line
               for line in lines)
    assert lines[-1].split(": ", 1)[1].startswith("SUCCESS (8 transitions")
    assert history.exists()


def test_failed_run_exits_1_with_the_error_code_and_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, history: Path
) -> None:
    playbook = write(tmp_path / "fails.playbook.json", {
        "Ping": {"start": True, "type": "action", "action": "ping_device",
                 "parameters": {"destination_device": "WS-ENG-031"}, "next": "End"},
    })
    code, out, _ = cli(capsys, "run", str(playbook), "--history", str(history))
    assert code == 1
    assert ("✗ Ping (action) failed 1.50 s — 10001108: The device is not reachable. "
            "(agent not running, upgrading or offline)") in out.splitlines()
    assert "FAILED" in out.splitlines()[-1]


def test_partial_run_exits_4(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    """Partial: the execution ended, but steps failed and on_error handled them."""
    code, out, _ = cli(capsys, "run", str(TRIAGE), "--profile", "Offline host",
                       "--history", str(history))
    assert code == 4
    assert "PARTIAL" in out.splitlines()[-1]
    assert any(line.startswith("✗ Stop suspicious process [isolate] (action) failed")
               and "caught by on_error" in line for line in out.splitlines())


def test_failure_after_a_parallel_exits_1(
    capsys: pytest.CaptureFixture[str], history: Path
) -> None:
    """An uncaught error after a Parallel fails the execution (it used to end partial)."""
    code, out, _ = cli(capsys, "run", str(TRIAGE), "--profile", "Incident service down",
                       "--history", str(history))
    assert code == 1
    assert "FAILED" in out.splitlines()[-1]
    assert "✗ Create Incident (action) failed 0.00 s — 10001010: Something went wrong (ID=0)" in out


def test_unknown_profile_is_a_usage_error(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, err = cli(capsys, "run", str(TRIAGE), "--profile", "Nope",
                         "--history", str(history))
    assert code == 2
    assert "no run profile 'Nope'" in err and "'Risky logon'" in err
    assert not history.exists()


def test_bad_speed_and_conflicting_options_are_usage_errors(
    capsys: pytest.CaptureFixture[str], history: Path, tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "run", str(TRIAGE), "--speed", "fast", "--history", str(history))
    assert code == 2 and "speed 'fast'" in err
    payload = tmp_path / "p.json"
    payload.write_text("{}")
    with pytest.raises(SystemExit) as info:
        main(["run", str(TRIAGE), "--profile", "Risky logon", "--input", str(payload)])
    assert info.value.code == 2


@pytest.mark.parametrize("content", [None, "{not json", '{"a": 1, "a": 2}'])
def test_unreadable_input_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, history: Path, content: str | None
) -> None:
    payload = tmp_path / "payload.json"
    if content is not None:
        payload.write_text(content)
    code, _, err = cli(capsys, "run", str(TRIAGE), "--input", str(payload),
                       "--history", str(history))
    assert code == 3
    assert "payload.json" in err


def test_unreadable_playbook_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, history: Path
) -> None:
    code, _, _ = cli(capsys, "run", str(tmp_path / "missing.json"), "--history", str(history))
    assert code == 3
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2")
    code, _, _ = cli(capsys, "run", str(broken), "--history", str(history))
    assert code == 3


def test_input_payload_replaces_the_trigger(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, history: Path
) -> None:
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps({"user": "mlee", "domain": "corp.acme.local",
                                   "host": "WS-HR-022", "query": "user = mlee"}))
    code, out, _ = cli(capsys, "run", str(TRIAGE), "--input", str(payload),
                       "--history", str(history), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [s["state"] for s in data["steps"]][-2:] == ["Record benign", "Benign"]
    assert data["output"]["verdict"] == "benign"


def test_json_format_shape(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    code, out, _ = cli(capsys, "run", str(PHISHING), "--profile", "Reported phish",
                       "--history", str(history), "--format", "json")
    assert code == 0
    data = json.loads(out)  # nothing but the one JSON object on stdout
    assert set(data) == {"execution_id", "status", "message", "transitions", "started",
                         "ended", "output", "steps", "children"}
    assert (data["status"], data["message"], data["transitions"]) == ("success", None, 5)
    assert data["ended"] >= data["started"]
    assert data["output"]["iocs"]["count"] == 2
    plain = set(STEP_COLUMNS) - {"input_json", "output_json", "params_json"}
    for step in data["steps"]:
        assert set(step) == plain | {"input", "output", "params"}  # DEBUG: all recorded
    open_incident = next(s for s in data["steps"] if s["state"] == "Open incident")
    assert open_incident["params"] and all(
        not str(v).startswith("$.") for v in open_incident["params"].values())
    branch = next(s for s in data["steps"] if s["state"] == "Any indicators?")
    assert branch["transition"].startswith("conditions[")
    parent = [s for s in data["steps"] if s["execution_id"] == data["execution_id"]]
    assert [s["state"] for s in parent] == [
        "Extract indicators", "Any indicators?", "Contain endpoint", "Open incident", "Done"]
    (child,) = data["children"]
    circuit = next(s for s in parent if s["state"] == "Contain endpoint")
    assert circuit["child_execution"] == child
    assert [s["state"] for s in data["steps"] if s["execution_id"] == child] == [
        "Ping host", "Stop process", "Disable USB", "Write audit note", "Contained"]


def test_server_definition_runs_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, history: Path
) -> None:
    server = tmp_path / "server.json"
    server.write_text(json.dumps({
        "Mark": {"start": True, "type": "pass", "result": {"seen": True}, "next": "Wait"},
        "Wait": {"type": "wait", "duration": 3, "next": "End"},
    }))
    code, out, _ = cli(capsys, "run", str(server), "--history", str(history),
                       "--format", "json")
    assert code == 0
    assert json.loads(out)["output"] == {"seen": True}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, _ = cli(capsys, "run", *argv, "--format", "json")
    assert code in (0, 1, 4)
    return json.loads(out)


def test_history_path_and_executions_list(
    capsys: pytest.CaptureFixture[str], history: Path
) -> None:
    ok = run_json(capsys, str(TRIAGE), "--profile", "Risky logon", "--history", str(history))
    partial = run_json(capsys, str(TRIAGE), "--profile", "Offline host",
                       "--history", str(history))
    phish = run_json(capsys, str(PHISHING), "--profile", "Clean email", "--history", str(history))
    with HistoryStore(history) as store:
        assert {e.id for e in store.list_executions()} == {
            ok["execution_id"], partial["execution_id"], phish["execution_id"]}

    code, out, _ = cli(capsys, "executions", "list", "--history", str(history))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(phish["execution_id"])  # newest first
    assert any(line.startswith(partial["execution_id"] + "  partial") for line in lines)

    code, out, _ = cli(capsys, "executions", "list", "--history", str(history),
                       "--status", "partial", "--format", "json")
    (row,) = json.loads(out)
    assert (row["id"], row["status"], row["profile"]) == (
        partial["execution_id"], "partial", "Offline host")
    assert row["job_server"] == "embedded"

    code, out, _ = cli(capsys, "executions", "list", "--history", str(history),
                       "--playbook", "Phishing response with enrichment")
    assert [line.split()[0] for line in out.splitlines()] == [phish["execution_id"]]


def test_executions_show(capsys: pytest.CaptureFixture[str], history: Path) -> None:
    run = run_json(capsys, str(PHISHING), "--profile", "Clean email", "--history", str(history),
                   "--log-level", "INFO")
    eid = run["execution_id"]
    code, out, _ = cli(capsys, "executions", "show", eid[:8], "--history", str(history))
    assert code == 0
    assert f"SESSION     {eid}" in out and "STATUS      success" in out
    assert "JOB SERVER  embedded" in out and "LOG LEVEL   INFO" in out
    assert "Inputs and outputs were not recorded" in out
    code, out, _ = cli(capsys, "executions", "show", eid, "--history", str(history),
                       "--format", "json")
    data = json.loads(out)
    assert [s["state"] for s in data["steps"]] == [
        "Extract indicators", "Any indicators?", "Nothing to do"]
    assert data["steps"][0]["input_json"] is None
    code, _, err = cli(capsys, "executions", "show", "ffffffffffff", "--history", str(history))
    assert code == 1 and "no execution" in err


def test_executions_show_with_recorded_io(
    capsys: pytest.CaptureFixture[str], history: Path
) -> None:
    run = run_json(capsys, str(PHISHING), "--profile", "Reported phish", "--history", str(history))
    code, out, _ = cli(capsys, "executions", "show", run["execution_id"],
                       "--history", str(history))
    assert code == 0
    assert "LOG LEVEL   DEBUG" in out
    assert "         input:  {" in out and "         output: {" in out
    assert f"→ child {run['children'][0]}" in out


def test_executions_logs_and_csv(
    capsys: pytest.CaptureFixture[str], history: Path, tmp_path: Path
) -> None:
    run = run_json(capsys, str(TRIAGE), "--profile", "Offline host", "--speed", "instant",
                   "--history", str(history))
    eid = run["execution_id"]
    code, out, _ = cli(capsys, "executions", "logs", eid, "--history", str(history))
    assert code == 0
    assert "Execution started (Suspicious logon triage)" in out
    assert "retry 1 of 2 in 5 s" in out

    code, out, _ = cli(capsys, "executions", "logs", eid, "--history", str(history),
                       "--step", "Warn user", "--search", "retry")
    assert len(out.splitlines()) == 2

    target = tmp_path / "out" / "logs.csv"
    code, out, _ = cli(capsys, "executions", "logs", eid, "--history", str(history),
                       "--csv", str(target))
    assert code == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["time", "level", "state", "message"]
    assert out.strip() == f"wrote {len(rows) - 1} log lines to {target}"
    assert rows[1][1:] == ["INFO", "", "Execution started (Suspicious logon triage)"]
    retry_rows = [r for r in rows[1:] if "; retry " in r[3]]
    assert len(retry_rows) == 4
    assert {r[1] for r in retry_rows} == {"WARN"}
    assert {r[2] for r in retry_rows} == {"Stop suspicious process", "Warn user"}
    assert all(r[0].endswith("Z") for r in rows[1:])


def test_executions_os_logs_zip(
    capsys: pytest.CaptureFixture[str], history: Path, tmp_path: Path
) -> None:
    playbook = write(tmp_path / "talk.playbook.json", {
        "Hello": {"start": True, "type": "function", "function_id": "talk",
                  "parameters": {"word": "hello"}, "next": "Quiet"},
        "Quiet": {"type": "pass", "next": "Bye"},
        "Bye": {"type": "function", "function_id": "talk", "parameters": {"word": "bye"},
                "next": "End"},
    }, functions={"talk": (
        "import sys\n\ndef handler(params):\n    print('said', params['word'])\n"
        "    print('err', params['word'], file=sys.stderr)\n    return params\n")})
    run = run_json(capsys, str(playbook), "--history", str(history), "--log-level", "DEBUG",
                   "--trust")  # a file this user has not trusted yet: its Functions run on --trust
    target = tmp_path / "os-logs.zip"
    code, out, _ = cli(capsys, "executions", "os-logs", run["execution_id"],
                       "--history", str(history), "--zip", str(target))
    assert code == 0
    assert out.strip() == f"wrote {target}: 2 step archive(s)"
    with zipfile.ZipFile(target) as outer:
        assert outer.namelist() == ["0001-Hello.zip", "0003-Bye.zip"]
        for name, word in (("0001-Hello.zip", "hello"), ("0003-Bye.zip", "bye")):
            with zipfile.ZipFile(io.BytesIO(outer.read(name))) as inner:
                assert sorted(inner.namelist()) == ["stderr.txt", "stdout.txt"]
                assert inner.read("stdout.txt").decode() == f"said {word}\n"
                assert inner.read("stderr.txt").decode() == f"err {word}\n"
