"""Helpers shared by the engine tests: build a playbook from a definition, run it, read steps.

Not a test module. The engine tests import it as ``engine_support`` (pytest puts this folder
on ``sys.path``).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from runtime.engine import CompiledPlaybook, Engine, ExecutionResult, RunOptions
from runtime.history import HistoryStore, StepRecord
from runtime.model import document_from_data

# Sensible values per parameter id (the default tenant's names), then per-action overrides where
# a parameter id means something else or the tenant needs more than the schema requires.
VALUES: dict[str, Any] = {
    "name": "Phishing wave on finance",
    "incident_id": "100119",
    "incident_ids": ["100121"],
    "id": "5236",
    "log_uuid": "lg-0006-3d5e-41b2-8c6f-000000000006",
    "entity_name": "jdoe",
    "query": "event_id = 4625",
    "start_time": "2026-01-01T00:00:00Z",
    "end_time": "2026-12-31T23:59:59Z",
    "service_name": "Spooler",
    "destination_device": "WS-FIN-014",
    "file_name": "soc-containment.log",
    "path": "C:\\ProgramData\\SOC",
    "data": "Contained by the playbook",
    "message": "Security notice: please call the SOC",
    "script_type": "Powershell",
    "script_file_name": "collect_triage.ps1",
    "url": "/ip_addresses/203.0.113.45",
    "http_method": "GET",
}
OVERRIDES: dict[str, dict[str, Any]] = {
    "manage_service": {"operation": "StopService"},
    "manage_process": {"name": "svch0st.exe", "operation": "StopProcess"},
    "machine_actions": {"operation": "LogOff"},
    "invoke_url_via_agent": {"connection_name": "VirusTotal"},
}

def valid_params(action: str) -> dict[str, Any]:
    """The schema's required parameters with sensible values, plus the action's overrides."""
    from runtime.catalog import load_catalog

    required = load_catalog().entry(action).parameters.get("required", [])
    overrides = OVERRIDES.get(action, {})
    return {**{key: VALUES[key] for key in required if key not in overrides}, **overrides}


def document_data(
    definition: dict[str, Any],
    functions: dict[str, str] | None = None,
    *,
    name: str = "t",
    **extra: Any,
) -> dict[str, Any]:
    """A native document (as JSON data) around a definition and function sources."""
    return {
        "format_version": 1,
        "name": name,
        "definition": definition,
        "functions": {fid: {"source": src} for fid, src in (functions or {}).items()},
        **extra,
    }


def compile_playbook(
    definition: dict[str, Any],
    functions: dict[str, str] | None = None,
    *,
    check: bool = True,
    source_path: Path | None = None,
    **extra: Any,
) -> CompiledPlaybook:
    """Compile a playbook from a definition (validated unless ``check=False``)."""
    doc = document_from_data(document_data(definition, functions, **extra))
    return CompiledPlaybook(doc, check=check, source_path=source_path)


def run(
    playbook: CompiledPlaybook, store: HistoryStore | None, **options: Any
) -> tuple[ExecutionResult, list[StepRecord]]:
    """Run one execution to its end; returns the result and its recorded steps."""
    result = asyncio.run(Engine(store).run(playbook, RunOptions(**options)))
    steps = store.steps(result.execution_id) if store is not None else []
    return result, steps


def timed_run(
    playbook: CompiledPlaybook, store: HistoryStore | None, **options: Any
) -> tuple[ExecutionResult, list[StepRecord], float]:
    """Like :func:`run`, plus the real seconds the run took."""
    began = time.perf_counter()
    result, steps = run(playbook, store, **options)
    return result, steps, time.perf_counter() - began


def statuses(steps: list[StepRecord]) -> dict[str, list[str]]:
    """State name → statuses of its steps, in step order."""
    out: dict[str, list[str]] = {}
    for step in steps:
        out.setdefault(step.state, []).append(step.status)
    return out


def only(steps: list[StepRecord], state: str) -> StepRecord:
    """The one step of ``state`` (fails when there are none or several)."""
    found = [s for s in steps if s.state == state]
    assert len(found) == 1, f"{state}: {len(found)} steps"
    return found[0]


def process_gone(pid: int) -> bool:
    """Whether ``pid`` no longer runs: no such process, or a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def wait_gone(pids: list[int], timeout: float = 5.0) -> list[int]:
    """Poll until every pid is gone; returns the ones still running after ``timeout``."""
    deadline = time.monotonic() + timeout
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if not process_gone(pid)]
        if alive:
            time.sleep(0.05)
    return alive
