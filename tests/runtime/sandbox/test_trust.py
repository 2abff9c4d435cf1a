"""Trust: a playbook file with custom Functions runs them only once this user trusts its
content (``playbook run --trust``, remembered per content digest); an edit by someone else
makes it untrusted again; playbooks without Functions and the bundled examples need no trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_support import document_data

from runtime.cli import main as cli_main
from runtime.sandbox.trust import TRUST_ENV, TrustStore, needs_trust

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"


@pytest.fixture(autouse=True)
def trust_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "trust" / "trusted.json"
    monkeypatch.setenv(TRUST_ENV, str(path))
    return path


def shared_playbook(tmp_path: Path, source: str = "def handler(p):\n    return 42\n") -> Path:
    path = tmp_path / "shared.playbook.json"
    path.write_text(json.dumps(document_data({
        "Go": {"start": True, "type": "function", "function_id": "calc", "next": "End"},
    }, {"calc": source}, name="shared")))
    return path


def test_cli_refuses_an_untrusted_file_and_runs_it_with_trust(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], trust_file: Path) -> None:
    path = shared_playbook(tmp_path)
    history = str(tmp_path / "h.sqlite3")
    assert cli_main(["run", str(path), "--history", history]) == 1
    err = capsys.readouterr().err
    assert "have not trusted" in err and "calc" in err and "--trust" in err
    assert cli_main(["run", str(path), "--history", history, "--trust"]) == 0
    assert "SUCCESS" in capsys.readouterr().out
    assert trust_file.exists()
    assert cli_main(["run", str(path), "--history", history]) == 0  # remembered
    capsys.readouterr()
    shared_playbook(tmp_path, "def handler(p):\n    return 43\n")  # the content changed
    assert cli_main(["run", str(path), "--history", history]) == 1
    assert "have not trusted" in capsys.readouterr().err


def test_what_needs_no_trust(tmp_path: Path) -> None:
    store = TrustStore()
    assert not needs_trust(None, ["calc"], store)  # made in this session
    assert not needs_trust(tmp_path / "x.json", [], store)  # no Functions
    assert not needs_trust(EXAMPLES / "phishing-response.playbook.json", ["extract_iocs"], store)
    path = shared_playbook(tmp_path)
    assert needs_trust(path, ["calc"], store)
    assert store.trust(path)
    assert not needs_trust(path, ["calc"], store)
    assert TrustStore().is_trusted(path)  # read back from the file
