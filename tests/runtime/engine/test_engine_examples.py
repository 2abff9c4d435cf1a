"""Golden executions of the bundled examples: every example with each of its run profiles.

A golden file (``tests/fixtures/golden/<example>__<profile>.json``) holds the expected final
status and message, the statuses of each state's steps in step order, how many retries each
state made, and the same for child executions (Circuit sub-playbooks). The runs use the
profile's payload, fixtures, mocks and log level at ``instant`` speed (statuses do not depend
on the speed). To rewrite the goldens after an intended change, run
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/runtime/engine/test_engine_examples.py`` and
review the diff.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from engine_support import statuses

from runtime.engine import CompiledPlaybook, Engine, options_from_profile
from runtime.history import HistoryStore
from runtime.loader import load_playbook

EXAMPLES = Path(str(files("resources") / "examples"))
GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def cases() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(EXAMPLES.glob("*.playbook.json")):
        for profile in load_playbook(path).document.run_profiles:
            found.append((path, profile.name))
    return found


CASES = cases()


def golden_path(example: Path, profile: str) -> Path:
    return GOLDEN / f"{example.name.removesuffix('.playbook.json')}__{slug(profile)}.json"


def retries(store: HistoryStore, execution_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for log in store.logs(execution_id, search="; retry "):
        counts[log.state or ""] = counts.get(log.state or "", 0) + 1
    return counts


def summary(store: HistoryStore, execution_id: str) -> dict[str, Any]:
    record = store.get_execution(execution_id)
    assert record is not None
    return {
        "playbook": record.playbook,
        "status": record.status,
        "message": record.message,
        "steps": statuses(store.steps(execution_id)),
        "retries": retries(store, execution_id),
        "children": [summary(store, child.id) for child in store.children(execution_id)],
    }


def run_example(example: Path, profile_name: str, store: HistoryStore) -> dict[str, Any]:
    loaded = load_playbook(example)
    playbook = CompiledPlaybook(loaded.document, source_path=example)
    profile = loaded.document.profile(profile_name)
    options = options_from_profile(profile, speed="instant", base_dir=example.parent)
    result = asyncio.run(Engine(store).run(playbook, options))
    return {"profile": profile_name, **summary(store, result.execution_id)}


def test_every_example_has_profiles_and_every_golden_a_case() -> None:
    examples = sorted(EXAMPLES.glob("*.playbook.json"))
    assert len(examples) >= 4
    assert {path for path, _ in CASES} == set(examples)
    if not UPDATE:
        assert {p.name for p in GOLDEN.glob("*.json")} == {
            golden_path(e, p).name for e, p in CASES
        }


@pytest.mark.parametrize(("example", "profile"), CASES,
                         ids=[f"{e.name.split('.')[0]}:{p}" for e, p in CASES])
def test_golden_execution(tmp_path: Path, example: Path, profile: str) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        actual = run_example(example, profile, store)
    target = golden_path(example, profile)
    if UPDATE:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    expected = json.loads(target.read_text(encoding="utf-8"))
    assert actual == expected


def load_golden(example: str, profile: str) -> dict[str, Any]:
    return json.loads(golden_path(EXAMPLES / example, profile).read_text(encoding="utf-8"))


def test_goldens_say_what_the_profiles_describe() -> None:
    triage = "suspicious-logon-triage.playbook.json"
    offline = load_golden(triage, "Offline host")
    assert offline["retries"] == {"Stop suspicious process": 2, "Warn user": 2}
    assert offline["status"] == "partial"  # ended, with failed steps that were handled
    assert offline["steps"]["Stop suspicious process"] == ["failed"]
    assert offline["steps"]["Note host unreachable"] == ["success"]
    assert offline["steps"]["Note popup not shown"] == ["success"]
    assert offline["steps"]["Create Incident"] == ["success"]
    down = load_golden(triage, "Incident service down")
    assert down["steps"]["Create Incident"] == ["failed"]
    assert "10001010" in down["message"]
    assert down["status"] == "failed"  # an uncaught error after the Parallel fails it all
    benign = load_golden(triage, "Benign user")
    assert benign["status"] == "success" and "Contain" not in benign["steps"]
    phish = load_golden("phishing-response.playbook.json", "Reported phish")
    (child,) = phish["children"]
    assert child["playbook"] == "Endpoint containment" and child["status"] == "success"
