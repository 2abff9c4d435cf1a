"""``playbook executions list`` shows a Circuit's child executions under their parent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runtime.cli import main
from runtime.history import HistoryStore

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"
PHISHING = EXAMPLES / "phishing-response.playbook.json"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_children_are_listed_under_their_parent(capsys, tmp_path: Path) -> None:
    history = tmp_path / "history.sqlite3"
    code, out = cli(capsys, "run", str(PHISHING), "--profile", "Reported phish",
                    "--history", str(history), "--format", "json")
    parent = json.loads(out)["execution_id"]
    with HistoryStore(history) as store:
        (child,) = store.children(parent)
    code, out = cli(capsys, "executions", "list", "--history", str(history))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(parent)
    assert lines[1].startswith(f"└─ {child.id}"), lines[1]
    assert "Endpoint containment" in lines[1]

    code, out = cli(capsys, "executions", "list", "--history", str(history), "--format", "json")
    (row,) = json.loads(out)
    assert row["id"] == parent
    assert [(c["id"], c["depth"], c["parent_execution"]) for c in row["children"]] == [
        (child.id, 1, parent)]
