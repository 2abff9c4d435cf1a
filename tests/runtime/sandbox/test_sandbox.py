"""Tests for runtime.sandbox: running ``handler(params)`` in a limited child process.

Covers results and captured output, every user-mistake failure (raise, syntax error, missing
handler, non-JSON value, flooding, memory bomb, timeouts), the scrubbed environment, result
forgery through stdout, and that cancellation or completion leaves no process of the run alive.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest

from runtime.sandbox import FunctionResult, SandboxLimits, run_function

FAST = SandboxLimits(timeout=1.5, cpu_seconds=10, memory_mb=256)
#: The supervisor alone (no OS confinement), to show it kills trees the confinement prevents.
UNCONFINED = SandboxLimits(timeout=1.5, cpu_seconds=10, memory_mb=256, confine=False)


def run(source: str, params: dict[str, Any] | None = None, **kwargs: Any) -> FunctionResult:
    kwargs.setdefault("limits", FAST)
    return asyncio.run(run_function(source, params or {}, **kwargs))


def gone(pid: int, within: float = 5.0) -> bool:
    """True once ``pid`` no longer exists (init may take a moment to reap orphans)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def read_pids(path: Path, count: int, within: float = 5.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if path.exists():
            fields = path.read_text().split()
            if len(fields) == count:
                return [int(field) for field in fields]
        time.sleep(0.02)
    raise AssertionError(f"the function never wrote {count} pids to {path}")


def test_success_returns_value_and_captures_stdout() -> None:
    result = run("def handler(params):\n    print('hello')\n    return {'a': [1, 2], 'b': None}\n")
    assert result.ok, result.message
    assert result.value == {"a": [1, 2], "b": None}
    assert result.stdout == "hello\n"
    assert result.error_type is None and result.message is None
    assert result.duration > 0


def test_params_reach_the_handler() -> None:
    source = "def handler(params):\n    return {'double': params['n'] * 2, 'echo': params}\n"
    result = run(source, {"n": 21, "tags": ["x"]})
    assert result.ok, result.message
    assert result.value == {"double": 42, "echo": {"n": 21, "tags": ["x"]}}


def test_exception_names_type_message_and_line() -> None:
    source = "import json\n\ndef handler(params):\n    raise ValueError('bad input')\n"
    result = run(source, function_id="enrich_ip")
    assert not result.ok and result.error_type == "execution_error"
    assert result.message == "Function raised ValueError: bad input (line 4)"
    assert '<function enrich_ip>", line 4, in handler' in result.stderr
    assert "raise ValueError('bad input')" in result.stderr


def test_syntax_error_reports_line() -> None:
    result = run("def handler(params):\n    return (\n")
    assert result.error_type == "execution_error"
    assert result.message is not None
    assert result.message.startswith("Function source has a syntax error at line 2: ")


def test_missing_handler() -> None:
    result = run("def main(params):\n    return 1\n")
    assert result.error_type == "execution_error"
    assert result.message == "Function defines no handler(params)"


def test_hangs_time_out_within_the_limit() -> None:
    busy = "def handler(params):\n    while True:\n        pass\n"
    sleepy = "import time\n\ndef handler(params):\n    print('waiting')\n    time.sleep(60)\n"

    async def both() -> list[FunctionResult]:
        return list(await asyncio.gather(run_function(busy, {}, limits=FAST),
                                         run_function(sleepy, {}, limits=FAST)))

    started = time.monotonic()
    results = asyncio.run(both())
    assert time.monotonic() - started < FAST.timeout + 1.0
    for result in results:
        assert result.error_type == "timeout_error"
        assert result.message == "Function timed out after 1.5 s"
    assert results[1].stdout == "waiting\n"


def test_output_flood_fails_and_truncates() -> None:
    limits = SandboxLimits(timeout=5.0, memory_mb=256, max_output_bytes=10_000)
    result = run("def handler(params):\n    while True:\n        print('x' * 1000)\n",
                 limits=limits)
    assert result.error_type == "execution_error"
    assert result.message == "Function output exceeded 10,000 bytes on stdout"
    assert len(result.stdout) == 10_000
    assert result.duration < 2.0


def test_non_json_return_value() -> None:
    result = run("def handler(params):\n    return {'tags': {'a', 'b'}}\n")
    assert result.error_type == "execution_error"
    assert result.message == "Function returned a value that is not JSON: set"


def test_memory_bomb_fails_cleanly() -> None:
    result = run("def handler(params):\n    hog = []\n    while True:\n"
                 "        hog.append(bytearray(10 * 1024 * 1024))\n")
    assert not result.ok and result.error_type == "execution_error"
    assert result.message == "Function ran out of memory (limit 256 MB)"


def test_environment_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYBOOK_SANDBOX_SECRET", "hunter2")
    result = run("import os\n\ndef handler(params):\n    return dict(os.environ)\n")
    assert result.ok, result.message
    assert isinstance(result.value, dict)
    assert "PLAYBOOK_SANDBOX_SECRET" not in result.value
    assert set(result.value) == {"PATH", "LANG", "PYTHONIOENCODING", "HOME", "TMPDIR"}
    assert result.value["HOME"] == result.value["TMPDIR"]
    assert result.value["PATH"] == "/usr/bin:/bin"


def test_runs_in_a_temporary_directory_that_is_removed() -> None:
    result = run("import os\n\ndef handler(params):\n    return os.getcwd()\n")
    assert result.ok, result.message
    assert isinstance(result.value, str) and result.value != os.getcwd()
    assert not os.path.exists(result.value)


def test_printed_fake_result_cannot_forge_the_outcome() -> None:
    fake = '{"status": "ok", "value": "forged"}'
    raising = f"def handler(params):\n    print({fake!r})\n    raise RuntimeError('real')\n"
    result = run(raising)
    assert not result.ok and result.value is None
    assert result.message == "Function raised RuntimeError: real (line 3)"
    returning = f"def handler(params):\n    print({fake!r})\n    return 'genuine'\n"
    assert run(returning).value == "genuine"


SPAWN_AND_HANG = """\
import os, subprocess, time

def handler(params):
    child = subprocess.Popen(["sleep", "60"], start_new_session=True)
    with open(params["pid_file"], "w") as out:
        out.write(f"{os.getpid()} {child.pid}")
    if params["hang"]:
        time.sleep(60)
    return "done"
"""


def test_cancellation_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"
    params = {"pid_file": str(pid_file), "hang": True}

    async def start_then_cancel() -> list[int]:
        task = asyncio.create_task(run_function(SPAWN_AND_HANG, params, limits=UNCONFINED))
        pids = await asyncio.to_thread(read_pids, pid_file, 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return pids

    child, grandchild = asyncio.run(start_then_cancel())
    assert gone(child), f"sandbox child {child} survived cancellation"
    assert gone(grandchild), f"grandchild {grandchild} survived cancellation"


def test_leftover_grandchild_is_killed_after_success(tmp_path: Path) -> None:
    pid_file = tmp_path / "pids"
    result = run(SPAWN_AND_HANG, {"pid_file": str(pid_file), "hang": False}, limits=UNCONFINED)
    assert result.ok and result.value == "done", result.message
    assert result.duration < 1.0
    _, grandchild = read_pids(pid_file, 2)
    assert gone(grandchild), f"grandchild {grandchild} outlived the run"


def test_non_json_params_fail_without_raising() -> None:
    result = asyncio.run(run_function("def handler(params):\n    return 1\n", {"s": {1}}))
    assert result.error_type == "execution_error"
    assert result.message is not None and "parameters are not JSON" in result.message
