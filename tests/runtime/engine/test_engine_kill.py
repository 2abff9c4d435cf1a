"""Kill and the session reaper, with sandboxed functions that sleep, and killed-mid-write history.

A kill (``Engine.kill``) must end the execution Failed ("killed by the user"), record the
in-flight steps as killed, and leave no process behind: neither the sandbox child nor a
grandchild it spawned. The reaper must do the same to a function still running at the
playbook's maximum runtime. A process SIGKILLed while it writes history must leave a readable
database whose execution reads ``interrupted``; ``playbook executions kill`` must stop a
``playbook run`` in another process.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_support import compile_playbook, document_data, only, statuses, wait_gone

from runtime.cli import main as cli_main
from runtime.engine import Engine, ExecutionResult, RunOptions
from runtime.engine.runner import KILLED_MESSAGE
from runtime.history import INTERRUPTED_MESSAGE, HistoryStore
from runtime.sandbox.process import descendants

REPO = Path(__file__).resolve().parents[3]
REAPED = ("Failed: the session reaper terminated the execution because it ran past the "
          "playbook's maximum runtime")

# Sleeps in the (confined) sandbox child; the tests find the child in the process table.
SLEEPER = textwrap.dedent("""
    import time

    def handler(params):
        print("sleeping", flush=True)
        time.sleep(60)
        return {"slept": True}
""")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore(tmp_path / "h.sqlite3") as opened:
        yield opened


def sleeper_playbook(**extra: Any) -> Any:
    return compile_playbook({
        "Begin": {"start": True, "type": "pass", "next": "Sleepy"},
        "Sleepy": {"type": "function", "function_id": "sleeper", "next": "After"},
        "After": {"type": "success"},
    }, {"sleeper": SLEEPER}, **extra)


async def sandbox_pids(timeout: float = 15.0) -> list[int]:
    """The processes below this one once the sandbox child is there (and past its set-up)."""
    deadline = time.monotonic() + timeout
    while not (found := descendants(os.getpid())):
        assert time.monotonic() < deadline, "the function never started"
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    return descendants(os.getpid()) or found


def test_kill_ends_failed_records_killed_and_leaves_no_process(
    store: HistoryStore, tmp_path: Path
) -> None:
    async def scenario() -> tuple[ExecutionResult, list[int], float]:
        engine = Engine(store)
        execution_id = engine.start(sleeper_playbook(), RunOptions(log_level="DEBUG"))
        task = engine.running[execution_id][0]
        pids = await sandbox_pids()
        assert wait_gone(pids, timeout=0) == pids  # both are running
        began = time.monotonic()
        assert engine.kill(execution_id)
        result = await task
        assert not engine.kill(execution_id)  # no longer running
        return result, pids, time.monotonic() - began

    result, pids, kill_seconds = asyncio.run(scenario())
    assert kill_seconds < 5
    assert (result.status, result.message) == ("failed", KILLED_MESSAGE)
    assert wait_gone(pids) == []
    steps = store.steps(result.execution_id)
    assert statuses(steps) == {"Begin": ["success"], "Sleepy": ["killed"]}
    assert only(steps, "Sleepy").message == KILLED_MESSAGE
    record = store.get_execution(result.execution_id)
    assert (record.status, record.message) == ("failed", KILLED_MESSAGE)


def test_reaper_stops_a_sleeping_function_and_its_processes(
    store: HistoryStore, tmp_path: Path
) -> None:
    seen: list[int] = []

    async def scenario() -> ExecutionResult:
        task = asyncio.ensure_future(Engine(store).run(sleeper_playbook(),
                                                       RunOptions(max_runtime=1.5)))
        seen.extend(await sandbox_pids())
        return await task

    began = time.monotonic()
    result = asyncio.run(scenario())
    wall = time.monotonic() - began
    assert wall < 10
    assert (result.status, result.message) == ("failed", REAPED)
    assert seen and wait_gone(seen) == []
    steps = store.steps(result.execution_id)
    assert statuses(steps) == {"Begin": ["success"], "Sleepy": ["failed"]}
    sleepy = only(steps, "Sleepy")
    assert sleepy.message == REAPED
    assert sleepy.ended - result.started == pytest.approx(1.5)


def kill_after(store: HistoryStore, playbook: Any, seconds: float, **options: Any) -> Any:
    async def scenario() -> ExecutionResult:
        engine = Engine(store)
        execution_id = engine.start(playbook, RunOptions(**options))
        task = engine.running[execution_id][0]
        await asyncio.sleep(seconds)
        engine.kill(execution_id)
        return await task

    return asyncio.run(scenario())


def test_kill_during_a_parallel_kills_every_path(store: HistoryStore) -> None:
    pb = compile_playbook({
        "P": {"start": True, "type": "parallel", "next": "After", "paths": [
            {"name": "a", "root": "Wait A"}, {"name": "b", "root": "Wait B"}]},
        "Wait A": {"type": "wait", "duration": 3600, "next": "End"},
        "Wait B": {"type": "wait", "duration": 7200, "next": "End"},
        "After": {"type": "success"},
    })
    result = kill_after(store, pb, 0.2, speed=100)
    assert (result.status, result.message) == ("failed", KILLED_MESSAGE)
    steps = store.steps(result.execution_id)
    assert statuses(steps) == {"Wait A": ["killed"], "Wait B": ["killed"], "P": ["killed"]}
    for step in steps:
        assert step.message == KILLED_MESSAGE
    wait_a = only(steps, "Wait A")
    assert 10 <= wait_a.ended - wait_a.started < 300  # ~0.2 s at 100x: cut short at ~20 s


def test_kill_during_a_circuit_stops_child_and_parent(
    store: HistoryStore, tmp_path: Path
) -> None:
    (tmp_path / "slow.playbook.json").write_text(json.dumps(document_data({
        "Hold": {"start": True, "type": "wait", "duration": 3600, "next": "End"},
    }, name="slow")))
    pb = compile_playbook({
        "Call": {"start": True, "type": "circuit", "circuit_id": "slow", "next": "After",
                 "on_error": [{"error_type": "execution_error", "fallback": {"next": "After"}}]},
        "After": {"type": "pass", "next": "End"},
    }, source_path=tmp_path / "parent.playbook.json")
    result = kill_after(store, pb, 0.2, speed=100)
    assert (result.status, result.message) == ("failed", KILLED_MESSAGE)
    assert statuses(store.steps(result.execution_id)) == {"Call": ["killed"]}  # no "After"
    (child,) = store.children(result.execution_id)
    assert (child.status, child.message) == ("failed", KILLED_MESSAGE)
    assert statuses(store.steps(child.id)) == {"Hold": ["killed"]}
    assert result.children == [child.id]


ENDLESS = textwrap.dedent("""
    import asyncio, sys
    from runtime.engine import CompiledPlaybook, Engine, RunOptions
    from runtime.history import HistoryStore
    from runtime.model import document_from_data

    n = 500
    definition = {
        f"S{i}": {"type": "pass", "result": {"i": i}, "result_path": "$.last",
                  "next": f"S{(i + 1) % n}"}
        for i in range(n)
    }
    definition["S0"]["start"] = True
    doc = document_from_data({"format_version": 1, "name": "endless", "definition": definition})
    playbook = CompiledPlaybook(doc, check=False)
    store = HistoryStore(sys.argv[1], flush_rows=500)
    options = RunOptions(max_transitions=10**9, log_level="DEBUG", payload={"x": "y" * 200})
    asyncio.run(Engine(store).run(playbook, options))
""")


def committed_steps(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM steps").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_killed_mid_write_leaves_a_readable_interrupted_history(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", ENDLESS, str(db)], cwd=REPO)
    try:
        deadline = time.monotonic() + 30
        while committed_steps(db) < 20_000:
            assert proc.poll() is None, "the writer died on its own"
            assert time.monotonic() < deadline, "the writer committed too little"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with HistoryStore(db) as store:
        (record,) = store.list_executions()
        assert (record.status, record.message) == ("interrupted", INTERRUPTED_MESSAGE)
        steps = store.steps(record.id)
        assert len(steps) >= 20_000
        assert [s.seq for s in steps] == list(range(1, len(steps) + 1))  # whole batches only
        assert all(s.status == "success" and s.input_json for s in steps)
        assert record.ended is not None and record.ended >= record.started
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def running_in(history: Path, execution_id: str) -> bool:
    try:
        with sqlite3.connect(f"file:{history}?mode=ro", uri=True, timeout=1) as conn:
            row = conn.execute("SELECT status FROM executions WHERE id = ?",
                               (execution_id,)).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == "running"


def test_cli_executions_kill_stops_a_run_in_another_process(tmp_path: Path) -> None:
    playbook = tmp_path / "slow.playbook.json"
    playbook.write_text(json.dumps(document_data({
        "Start": {"start": True, "type": "pass", "next": "Hold"},
        "Hold": {"type": "wait", "duration": 60, "next": "Done"},
        "Done": {"type": "success"},
    }, name="slow")))
    history = tmp_path / "h.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "runtime.cli", "run", str(playbook), "--speed", "realtime",
         "--history", str(history)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("Execution "), first + proc.stderr.read()
        execution_id = first.split()[1]
        # The id is printed as the execution task is scheduled; its row follows at once.
        deadline = time.monotonic() + 10
        while not running_in(history, execution_id):
            assert time.monotonic() < deadline, "the execution never showed as running"
            time.sleep(0.02)
        assert cli_main(["executions", "kill", execution_id, "--history", str(history)]) == 0
        code = proc.wait(timeout=15)
        out = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 1, out
    assert "FAILED" in out and KILLED_MESSAGE in out
    with HistoryStore(history) as store:
        record = store.get_execution(execution_id)
        assert (record.status, record.message) == ("failed", KILLED_MESSAGE)
        assert statuses(store.steps(execution_id)) == {"Start": ["success"], "Hold": ["killed"]}
    assert cli_main(["executions", "kill", execution_id, "--history", str(history)]) == 1
