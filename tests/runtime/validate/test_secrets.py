"""Planted secrets: ``secret.literal`` finds each place, export refuses (or lists with
``--allow-secrets``), run data files are 0600, ``executions show``/``logs`` mask them."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from runtime.cli import EXIT_ERRORS, EXIT_OK, main
from runtime.model import document_from_data, save_document
from runtime.validate import validate_document
from runtime.validate.secrets import MASK, mask, secret_values, why_secret

AWS = "AKIAIOSFODNN7EXAMPLE"
GH = "ghp_" + "a1B2c3D4e5" * 4
BEARER = "Bearer eyJhbGciOi.J9sdfkjh3498"
HEADER_SECRET = "Bearer s3cr3tHeaderValue99"

PLANTED: dict[str, Any] = {
    "name": "planted",
    "definition": {
        "Hosts": {"start": True, "type": "action", "action": "invoke_url_via_agent",
                  "parameters": {
                      "url": "https://admin:Pa55word!@intranet.example/api",
                      "http_method": "POST", "connection_name": "hooks",
                      "destination_device": "$.host",
                      "headers": {"Authorization": HEADER_SECRET, "X-Trace": "plain"},
                      "query_params": {"items": ["ok", AWS]},
                      "body": {"callback": "https://hooks.example/x?token=abcdef123456&x=1"},
                  },
                  "on_error": [{"error_type": "execution_error", "fallback": {"next": "Done"}}],
                  "next": "Script"},
        "Script": {"type": "action", "action": "execute_script",
                   "parameters": {"script_type": "Powershell", "script_file_name": "fix.ps1",
                                  "arguments": "-User svc -Password Hunter2Secret -Force",
                                  "destination_device": "$.host"},
                   "on_error": [{"error_type": "execution_error", "fallback": {"next": "Done"}}],
                   "next": "Note"},
        "Note": {"type": "action", "action": "write_to_file",
                 "parameters": {"file_name": "notes.txt", "path": "C:\\temp",
                                "data": "db password=Sup3rSecret! for later",
                                "destination_device": "$.host"},
                 "on_error": [{"error_type": "execution_error", "fallback": {"next": "Done"}}],
                 "next": "Enrich"},
        "Enrich": {"type": "function", "function_id": "enrich",
                   "parameters": {"api_key": "abcd1234efgh", "user": "$.user",
                                  "list": [1, GH]},
                   "next": "Result"},
        "Result": {"type": "pass", "result": {"creds": {"password": "letmein-now"},
                                              "auth_header": BEARER},
                   "next": "Done"},
        "Done": {"type": "success"},
    },
    "functions": {"enrich": {"source": (
        "import json\n"
        "API_TOKEN = \"tok-998877665544\"\n"
        "def handler(payload):\n"
        f"    key = '{AWS}'\n"
        "    return payload\n")}},
    "run_profiles": [{
        "name": "p",
        "payload": {"host": "pc-1", "user": "ann", "login": {"password": "payloadPass1"}},
        "mocks": {"Enrich": [{"output": {"session_token": "mockTokenValue42"}}]},
    }],
}

EXPECTED = {
    ("Hosts", "parameters.url"),
    ("Hosts", "parameters.headers.Authorization"),
    ("Hosts", "parameters.query_params.items[1]"),
    ("Hosts", "parameters.body.callback"),
    ("Script", "parameters.arguments"),
    ("Note", "parameters.data"),
    ("Enrich", "parameters.api_key"),
    ("Enrich", "parameters.list[1]"),
    ("Result", "result.creds.password"),
    ("Result", "result.auth_header"),
    (None, "functions.enrich.source:2"),
    (None, "functions.enrich.source:4"),
    (None, "run_profiles[p].payload.login.password"),
    (None, "run_profiles[p].mocks.Enrich[0].output.session_token"),
}


def _found(data: dict[str, Any]) -> set[tuple[str | None, str]]:
    problems = validate_document(document_from_data(data))
    return {(p.state, p.path) for p in problems if p.code == "secret.literal"}


def test_every_planted_secret_is_found() -> None:
    found = _found(PLANTED)
    assert found >= EXPECTED, sorted(EXPECTED - found, key=str)
    assert found == EXPECTED, sorted(found - EXPECTED, key=str)  # and nothing else (X-Trace, $.user)


def test_dynamic_values_and_ordinary_text_are_not_secrets() -> None:
    for key, value in [("password", "$.login.password"), ("token", "$$"), ("url",
                       "https://intranet.example/api?page=2"), ("arguments", "-Verbose -Force"),
                       ("data", "the password policy changed"), ("comment", "token ring"),
                       ("password", ""), ("author", "ann")]:
        assert why_secret(key, value) is None, (key, value)


def test_the_examples_have_no_secret_literals() -> None:
    for path in sorted(Path("resources/examples").glob("*.json")):
        assert not _found(json.loads(path.read_text(encoding="utf-8"))), path


@pytest.fixture
def planted_file(tmp_path: Path) -> Path:
    path = tmp_path / "planted.playbook.json"
    save_document(document_from_data(PLANTED), path)
    return path


def test_export_refuses_secrets_without_allow_secrets(
    planted_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "server.json"
    assert main(["export", str(planted_file), "-o", str(out)]) == EXIT_ERRORS
    err = capsys.readouterr().err
    assert "export refused: 10 secret-looking literal(s)" in err and "--allow-secrets" in err
    for state, path in EXPECTED:
        if state is not None:
            assert f"{state} · {path}" in err, path
    assert not out.exists()
    assert main(["export", str(planted_file), "-o", str(out), "--allow-secrets"]) == EXIT_OK
    err = capsys.readouterr().err
    assert err.count("exported with --allow-secrets") == 10
    assert out.exists()


def test_mask_and_secret_values() -> None:
    params = {"headers": {"Authorization": HEADER_SECRET, "X": "y"}, "password": "pw123456",
              "list": [AWS, "ok"], "n": 1}
    masked = mask(params)
    assert masked == {"headers": {"Authorization": MASK, "X": "y"}, "password": MASK,
                      "list": [MASK, "ok"], "n": 1}
    assert secret_values(params) == {HEADER_SECRET, "pw123456", AWS}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run_secret_call(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    data = {
        "name": "leaky",
        "log_level": "DEBUG",
        "definition": {
            "Call": {"start": True, "type": "action", "action": "invoke_url_via_agent",
                     "parameters": {"url": "https://hooks.example/x", "http_method": "POST",
                                    "connection_name": "hooks", "destination_device": "pc-1",
                                    "headers": {"Authorization": HEADER_SECRET}},
                     "on_error": [{"error_type": "execution_error",
                                   "fallback": {"next": "Done"}}],
                     "next": "Done"},
            "Done": {"type": "success"},
        },
    }
    path = tmp_path / "leaky.playbook.json"
    save_document(document_from_data(data), path)
    history = tmp_path / "history.sqlite3"
    main(["run", "--history", str(history), "--format", "json", str(path)])
    execution = json.loads(capsys.readouterr().out)["execution_id"]
    return str(history), execution


def test_executions_show_and_logs_mask_secret_parameters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history, execution = _run_secret_call(tmp_path, capsys)
    assert main(["executions", "show", "--history", history, execution]) == EXIT_OK
    shown = capsys.readouterr().out
    assert "params:" in shown and MASK in shown
    assert HEADER_SECRET not in shown
    assert main(["executions", "show", "--history", history, "--format", "json",
                 execution]) == EXIT_OK
    shown = capsys.readouterr().out
    assert HEADER_SECRET not in shown
    params = json.loads(json.loads(shown)["steps"][0]["params_json"])
    assert params["headers"] == {"Authorization": MASK} and params["http_method"] == "POST"
    assert main(["executions", "logs", "--history", history, execution]) == EXIT_OK
    assert HEADER_SECRET not in capsys.readouterr().out
    csv_path = tmp_path / "logs" / "run.csv"
    assert main(["executions", "logs", "--history", history, execution, "--csv",
                 str(csv_path)]) == EXIT_OK
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    assert rows and all(HEADER_SECRET not in cell for row in rows for cell in row)
    # Run data files are the user's own: 0600, like the history database.
    assert _mode(csv_path) == 0o600
    assert _mode(Path(history)) == 0o600
    zip_path = tmp_path / "logs" / "os.zip"
    assert main(["executions", "os-logs", "--history", history, execution, "--zip",
                 str(zip_path)]) == EXIT_OK
    assert _mode(zip_path) == 0o600


def test_autosave_files_are_0600(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from designer.recovery import RECOVERY_ENV, RecoverySlot

    monkeypatch.setenv(RECOVERY_ENV, str(tmp_path / "recovery"))
    slot = RecoverySlot(None)
    slot.write(document_from_data(PLANTED), None)
    assert _mode(slot.file) == 0o600 and _mode(slot.meta) == 0o600


@pytest.mark.parametrize("command", ["logs", "os-logs"])
def test_unwritable_download_folder_is_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    command: str
) -> None:
    import errno
    import tempfile

    history, execution = _run_secret_call(tmp_path, capsys)
    option = "--csv" if command == "logs" else "--zip"
    for code, words in ((errno.ENOSPC, "the disk is full"), (errno.EROFS, "read-only")):
        def refuse(*_a: object, _code: int = code, **_k: object) -> Any:
            raise OSError(_code, "Unknown error")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
        target = tmp_path / "out" / f"x{option.replace('--', '.')}"
        assert main(["executions", command, "--history", history, execution, option,
                     str(target)]) == 3
        err = capsys.readouterr().err
        assert err.startswith(f"{target}: cannot write the") and words in err
        monkeypatch.undo()
