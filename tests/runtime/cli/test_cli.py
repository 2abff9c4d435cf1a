"""Tests for the ``playbook`` command (runtime.cli): validate, export, import, catalog.

Commands run in-process through ``runtime.cli.main`` (capsys captures the output); a few run as
a real subprocess (``python -m runtime.cli``) to pin the exit codes and the absence of a
traceback end to end. Exit codes: 0 clean (warnings allowed), 1 validation errors, 2 usage,
3 unreadable or malformed input. Every hostile file gives a one-line message naming the file,
quickly, and never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from runtime.cli import EXIT_ERRORS, EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from runtime.model import document_from_data, save_document

REPO = Path(__file__).resolve().parents[3]

GOOD_DEFINITION: dict[str, Any] = {
    "Get Alerts": {"start": True, "type": "action", "action": "get_alerts",
                   "parameters": {"query": "$.alert.query", "limit": 10}, "next": "Enrich"},
    "Enrich": {"type": "function", "function_id": "enrich", "next": "Notify"},
    "Notify": {"type": "circuit", "circuit_id": "notify-soc", "next": "Done"},
    "Done": {"type": "success"},
}


def write_native(path: Path, definition: dict[str, Any], **extra: Any) -> Path:
    extra.setdefault("functions", {"enrich": {"source": "def handler(p):\n    return p\n"}})
    save_document(document_from_data({"name": "CLI test", "definition": definition, **extra}), path)
    return path


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return write_native(tmp_path / "good.playbook.json", GOOD_DEFINITION)


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    definition = dict(GOOD_DEFINITION)
    definition["Orphan"] = {"type": "pass", "next": "Done"}
    return write_native(tmp_path / "warned.playbook.json", definition)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    definition = dict(GOOD_DEFINITION)
    definition["Get Alerts"] = {**GOOD_DEFINITION["Get Alerts"], "parameters": {"limit": 501}}
    definition["Done"] = {"type": "success", "next": "Nowhere"}
    return write_native(tmp_path / "broken.playbook.json", definition)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- validate ---------------------------------------------------------------------------------


def test_validate_clean_exits_0(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    code, out, err = run(capsys, "validate", str(good))
    assert code == EXIT_OK == 0
    assert out == f"{good}: ok: 0 error(s), 0 warning(s)\n"
    assert err == ""


def test_validate_warnings_still_exit_0(capsys: pytest.CaptureFixture[str], warned: Path) -> None:
    code, out, _ = run(capsys, "validate", str(warned))
    assert code == 0
    assert "warning: [state.unreachable] Orphan" in out
    assert out.splitlines()[-1] == f"{warned}: ok: 0 error(s), 1 warning(s)"


def test_validate_errors_exit_1(capsys: pytest.CaptureFixture[str], broken: Path) -> None:
    code, out, _ = run(capsys, "validate", str(broken))
    assert code == EXIT_ERRORS == 1
    assert "error: [schema.parameter] Get Alerts · parameters.limit: $.limit: must have a " \
           "maximum value of 500" in out
    assert "error: [terminal.next] Done" in out
    assert out.splitlines()[-1].startswith(f"{broken}: invalid: ")


def test_validate_json_format_single_file(capsys: pytest.CaptureFixture[str], broken: Path) -> None:
    code, out, _ = run(capsys, "validate", "--format", "json", str(broken))
    assert code == 1
    problems = json.loads(out)
    assert isinstance(problems, list) and problems
    for problem in problems:
        assert set(problem) == {"severity", "code", "state", "path", "message"}
        assert problem["severity"] in ("error", "warning")
    assert {"code": "schema.parameter", "severity": "error", "state": "Get Alerts",
            "path": "parameters.limit",
            "message": "$.limit: must have a maximum value of 500"} in problems


def test_validate_json_format_clean_is_an_empty_list(
    capsys: pytest.CaptureFixture[str], good: Path
) -> None:
    code, out, _ = run(capsys, "validate", "--format", "json", str(good))
    assert (code, json.loads(out)) == (0, [])


def test_validate_several_files_reports_each_and_the_worst_code(
    capsys: pytest.CaptureFixture[str], good: Path, broken: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    code, out, err = run(capsys, "validate", str(good), str(broken))
    assert code == 1
    assert f"{good}: ok" in out and f"{broken}: invalid" in out
    code, out, err = run(capsys, "validate", "--format", "json", str(good), str(empty), str(broken))
    assert code == 3
    report = json.loads(out)
    assert [entry["file"] for entry in report] == [str(good), str(empty), str(broken)]
    assert report[0]["problems"] == []
    assert report[1]["unreadable"] == f"{empty}: the file is empty"
    assert report[2]["problems"]
    assert err == ""


def test_validate_accepts_server_definitions_of_both_dialects(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path
) -> None:
    for dialect in ("snake", "camel"):
        out_path = tmp_path / f"server.{dialect}.json"
        assert run(capsys, "export", str(good), "--dialect", dialect, "-o", str(out_path))[0] == 0
        code, out, _ = run(capsys, "validate", str(out_path))
        assert code == 0, out


# --- usage ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [[], ["validate"], ["validate", "--format", "xml", "x.json"], ["frobnicate"],
     ["export", "x.json", "--dialect", "kebab"], ["catalog", "--format", "yaml"]],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == EXIT_USAGE == 2
    err = capsys.readouterr().err
    assert "usage: playbook" in err and "Traceback" not in err


@pytest.mark.parametrize("command", ["validate", "export", "import", "catalog"])
def test_every_command_has_help(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert f"usage: playbook {command}" in capsys.readouterr().out


# --- export -----------------------------------------------------------------------------------


def test_export_to_stdout(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    code, out, err = run(capsys, "export", str(good))
    assert code == 0
    assert json.loads(out) == GOOD_DEFINITION
    assert err == ""


def test_export_camel_to_stdout(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    code, out, _ = run(capsys, "export", str(good), "--dialect", "camel")
    assert code == 0
    data = json.loads(out)
    assert data["Enrich"]["functionId"] == "enrich" and data["Notify"]["circuitId"] == "notify-soc"


def test_export_with_output_writes_definition_and_manifest(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path
) -> None:
    target = tmp_path / "triage.json"
    code, out, err = run(capsys, "export", str(good), "-o", str(target))
    assert code == 0
    assert out == ""
    manifest_path = tmp_path / "triage.requirements.json"
    assert f"wrote {target} (snake) and {manifest_path}" in err
    assert json.loads(target.read_text(encoding="utf-8")) == GOOD_DEFINITION
    assert json.loads(manifest_path.read_text(encoding="utf-8")) == {
        "playbook": "CLI test", "functions": ["enrich"], "circuits": ["notify-soc"]}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "good.playbook.json", "triage.json", "triage.requirements.json"]


def test_export_refuses_errors_with_exit_1(
    capsys: pytest.CaptureFixture[str], broken: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    code, out, err = run(capsys, "export", str(broken), "-o", str(target))
    assert code == 1
    assert out == ""
    assert f"{broken}: export refused" in err
    assert "[terminal.next]" in err and "[schema.parameter]" in err
    assert not target.exists()


def test_export_into_a_missing_folder_is_exit_3(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "export", str(good), "-o", str(tmp_path / "no" / "x.json"))
    assert code == 3
    assert "cannot write" in err and "Traceback" not in err


# --- import -----------------------------------------------------------------------------------


def test_import_camel_server_definition(
    capsys: pytest.CaptureFixture[str], good: Path, tmp_path: Path
) -> None:
    server = tmp_path / "server.json"
    run(capsys, "export", str(good), "--dialect", "camel", "-o", str(server))
    code, out, err = run(capsys, "import", str(server))
    assert code == 0
    assert f"{server}: dialect: camel" in err
    doc = json.loads(out)
    assert doc["format"] == "playbook-studio"
    assert doc["definition"] == GOOD_DEFINITION
    assert set(doc["layout"]["positions"]) == set(GOOD_DEFINITION)


def test_import_with_output_then_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server = write_json(tmp_path / "plain.json", {
        "First": {"type": "pass", "next": "Last"}, "Last": {"type": "success"}})
    target = tmp_path / "plain.playbook.json"
    code, out, _ = run(capsys, "import", str(server), "-o", str(target))
    assert code == 0 and out == ""
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["definition"]["First"]["start"] is True  # inferred
    assert run(capsys, "validate", str(target))[0] == 0


def test_import_accepts_a_native_document(capsys: pytest.CaptureFixture[str], good: Path) -> None:
    code, out, _ = run(capsys, "import", str(good))
    assert code == 0
    assert out == good.read_text(encoding="utf-8")


def test_import_of_an_ambiguous_start_opens_for_repair(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server = write_json(tmp_path / "two.json", {
        "A": {"type": "pass", "next": "C"}, "B": {"type": "pass", "next": "C"},
        "C": {"type": "success"}})
    code, out, err = run(capsys, "import", str(server))
    assert code == 0 and json.loads(out)["definition"]["C"] == {"type": "success"}
    assert "start cannot be inferred" in err and "A, B" in err


@pytest.mark.parametrize(("definition", "rule"), [
    ({"A": {"start": True, "type": "pass", "next": "B"},
      "B": {"start": True, "type": "success"}}, "start.multiple"),
    ({"A": {"type": "pass", "next": "B"}, "B": {"type": "pass", "next": "A"}}, "start.missing"),
    ({"A": {"start": True, "type": "teleport", "next": "B"}, "B": {"type": "success"}},
     "state.unknown-type"),
    ({"A": {"start": True, "type": "pass", "next": "Nowhere"}, "B": {"type": "success"}},
     "target.missing"),
])
def test_broken_server_files_validate_with_rule_codes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, definition: dict[str, Any], rule: str
) -> None:
    server = write_json(tmp_path / "broken.json", definition)
    code, out, _ = run(capsys, "validate", "--format", "json", str(server))
    assert code == EXIT_ERRORS
    assert rule in {p["code"] for p in json.loads(out) if p["severity"] == "error"}
    code, out, err = run(capsys, "import", str(server))
    assert code == EXIT_OK and set(json.loads(out)["definition"]) == set(definition)


# --- catalog ----------------------------------------------------------------------------------


def test_catalog_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog")
    assert code == 0
    for heading in ("Flow control (7)", "Functional (2)", "Log360 Cloud (21)"):
        assert heading in out.splitlines()
    assert "create_incident" in out and "Create Incident [platform]" in out
    assert "* name" in out and "max length 250" in out
    assert "ISO 8601 date-time" in out
    assert "one of critical, trouble, attention" in out


def test_catalog_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalog", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [c["id"] for c in data] == ["flow_control", "functional", "log360_cloud"]
    assert [len(c["states"]) for c in data] == [7, 2, 21]
    ping = next(s for s in data[2]["states"] if s["id"] == "ping_device")
    assert ping["parameters"]["properties"]["packet_size"]["maximum"] == 1472


# --- hostile files ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    """Every hostile file once: name -> (path, expected exit code of validate, words)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    files: dict[str, tuple[Path, int, str]] = {}

    def add(name: str, content: bytes, code: int, words: str) -> None:
        path = tmp_path / name
        path.write_bytes(content)
        files[name] = (path, code, words)

    add("deep.json", b"[" * 100_000, 3, "nesting is 100000 levels deep")
    add("deep-objects.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, 3, "nesting is")
    big = tmp_path / "huge.json"
    with big.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    files["huge.json"] = (big, 3, "the file is 20,971,520 bytes")
    add("dup.json", b'{"A": {"type": "success", "start": true},\n "A": {"type": "pass"}}', 3,
        'duplicate key "A" at line 2')
    add("nan.json", b'{"A": {"start": true, "type": "wait", "duration": NaN}}', 3,
        "NaN is not allowed")
    add("inf.json", b'{"A": {"start": true, "type": "wait", "duration": -Infinity}}', 3,
        "-Infinity is not allowed")
    add("binary.json", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)), 3, "binary file")
    add("empty.json", b"", 3, "the file is empty")
    add("latin1.json", b'{"A": {"type": "pass", "comment": "caf\xe9"}}', 3, "not UTF-8")
    add("list.json", b'[{"type": "pass"}]', 3, "not a playbook")
    add("number.json", b"42", 3, "not a playbook")
    add("empty-object.json", b"{}", 3, "no states")
    add("truncated.json", b'{"A": {"type": "pass"', 3, "invalid JSON at line 1")
    add("cycle.json", b'{"A": {"type": "pass", "next": "B"}, "B": {"type": "pass", "next": "A"}}',
        1, "start.missing")
    add("bad-type.json", b'{"A": {"start": true, "type": "teleport"}}', 1,
        "state.unknown-type")
    add("future.json", b'{"format": "playbook-studio", "format_version": 99, "definition": {}}',
        3, "newer Playbook Studio")
    add("bad-field.json",
        b'{"format": "playbook-studio", "format_version": 1, "definition": '
        b'{"A": {"type": "branch", "conditions": "nope"}}}', 1, "state.invalid")
    many = {f"S{i}": {"type": "pass", "next": f"S{i + 1}"} for i in range(20_001)}
    add("too-many-states.json", json.dumps({"format": "playbook-studio", "format_version": 1,
                                            "definition": many}).encode(), 3, "the limit is 20,000")
    big_def = {f"S{i}": {"type": "pass", "next": f"S{i + 1}"} for i in range(5000)}
    big_def["S0"]["start"] = True
    big_def["S5000"] = {"type": "success"}
    add("5000-states.json", json.dumps(big_def).encode(), 1, "limit.states")
    return files


HOSTILE_NAMES = [
    "deep.json", "deep-objects.json", "huge.json", "dup.json", "nan.json", "inf.json",
    "binary.json", "empty.json", "latin1.json", "list.json", "number.json", "empty-object.json",
    "truncated.json", "cycle.json", "bad-type.json", "future.json", "bad-field.json",
    "too-many-states.json", "5000-states.json",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("command", ["validate", "export", "import"])
def test_hostile_files(
    capsys: pytest.CaptureFixture[str], hostile: dict[str, tuple[Path, int, str]], name: str,
    command: str,
) -> None:
    path, expected, words = hostile[name]
    started = time.perf_counter()
    code, out, err = run(capsys, command, str(path))
    elapsed = time.perf_counter() - started
    # Hostile input is refused in well under a second (a hang guard, kept generous); the
    # 5,000-state file is loaded and validated in full, so it gets more room.
    limit = 3.0 if name == "5000-states.json" else 1.0
    assert elapsed < limit, f"{name}: {elapsed:.2f} s"
    assert "Traceback" not in out + err
    if expected == EXIT_INPUT:
        assert code == EXIT_INPUT
        assert out == ""
        assert err.count("\n") == 1, err  # one line
        assert err.startswith(f"{path}: ")
        assert words in err, err
    else:  # readable, but with validation errors
        assert code == (0 if command == "import" else 1)
        if command == "validate":
            assert words in out


def test_a_cycle_with_a_marked_start_is_a_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_json(tmp_path / "loop.json", {
        "A": {"start": True, "type": "pass", "next": "B"},
        "B": {"type": "branch", "conditions": [{"condition": "$.done == true", "next": "Out"}],
              "default": "A"},
        "Out": {"type": "success"}})
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0
    assert "warning: [cycle.no-wait] A" in out


def test_a_loop_that_can_never_end_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_json(tmp_path / "loop.json", {
        "A": {"start": True, "type": "pass", "next": "B"}, "B": {"type": "pass", "next": "A"}})
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert "error: [flow.never-ends] A" in out


def test_missing_file_and_folder_are_exit_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for target, message in ((tmp_path / "nope.json", "no such file"),
                            (tmp_path, "this is a folder, not a file")):
        code, out, err = run(capsys, "validate", str(target))
        assert (code, out, err) == (3, "", f"{target}: {message}\n")


# --- real subprocesses ------------------------------------------------------------------------


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", *argv], capture_output=True, text=True, env=env,
        cwd=REPO, timeout=60, check=False,
    )


def test_subprocess_help() -> None:
    result = _cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: playbook")
    for command in ("validate", "export", "import", "catalog"):
        assert command in result.stdout
    assert result.stderr == ""


def test_subprocess_usage_error_is_exit_2() -> None:
    result = _cli("validate")
    assert result.returncode == 2
    assert "usage: playbook validate" in result.stderr and "Traceback" not in result.stderr


def test_subprocess_hostile_file_is_exit_3_with_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000)
    result = _cli("validate", str(deep))
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr == f"{deep}: nesting is 100000 levels deep; the limit is 64\n"
