"""The OS confinement of custom Functions (Linux): each refused operation, the benign Function,
and no process left behind after a kill, a timeout or a SIGKILL of the supervising process.

Most refusals are checked twice: with the audit hook (which names the operation) and with the
hook off, to show the operating system (Landlock, seccomp) refuses on its own.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from runtime.sandbox import SandboxLimits, confinement_report, run_function
from runtime.sandbox.process import descendants, parent_map

pytestmark = pytest.mark.skipif(
    not confinement_report().confined, reason="this machine cannot confine (see the report)"
)
ENFORCE = SandboxLimits(timeout=5, cpu_seconds=10, memory_mb=256)
OS_ONLY = SandboxLimits(timeout=5, cpu_seconds=10, memory_mb=256, audit="off")
BOTH = pytest.mark.parametrize("limits", [ENFORCE, OS_ONLY], ids=["audit-hook", "os-only"])


def run(source: str, params: dict[str, Any] | None = None, limits: SandboxLimits = ENFORCE) -> Any:
    return asyncio.run(run_function(textwrap.dedent(source), params or {}, limits=limits))


def refused(result: Any) -> str:
    assert not result.ok, f"not refused: {result.value!r}"
    assert result.error_type == "execution_error"
    assert result.message.startswith("Function was refused by the sandbox"), result.message
    return str(result.message)


def test_the_report_says_this_machine_confines() -> None:
    report = confinement_report()
    assert "seccomp" in report.layers and any(x.startswith("landlock") for x in report.layers)
    assert report.summary().startswith("Custom Functions run confined")


@BOTH
def test_benign_function_computes_prints_and_uses_its_scratch(limits: SandboxLimits) -> None:
    result = run("""
        import datetime, hashlib, json, math, re
        def handler(params):
            print("working")
            with open("notes.txt", "w") as out:
                out.write(json.dumps(params))
            with open("notes.txt") as back:
                again = json.load(back)
            digest = hashlib.sha256(b"x").hexdigest()[:8]
            return [math.sqrt(again["n"]), re.sub("a", "b", "aa"), digest,
                    datetime.date(2024, 1, 2).isoformat()]
    """, {"n": 16}, limits)
    assert result.ok, (result.message, result.stderr)
    assert result.value == [4.0, "bb", "2d711642", "2024-01-02"]
    assert result.stdout == "working\n"


@BOTH
def test_write_outside_the_scratch_folder_is_refused(tmp_path: Path,
                                                     limits: SandboxLimits) -> None:
    target = tmp_path / "escape.txt"
    result = run("""
        def handler(params):
            with open(params["path"], "w") as out:
                out.write("escaped")
    """, {"path": str(target)}, limits)
    assert "Permission denied" in refused(result) and str(target) in str(result.message)
    assert not target.exists()


@BOTH
def test_a_planted_file_in_home_cannot_be_read(limits: SandboxLimits) -> None:
    planted = Path.home() / f".playbook-sandbox-secret-{os.getpid()}"
    planted.write_text("hunter2")
    try:
        result = run("""
            def handler(params):
                return open(params["path"]).read()
        """, {"path": str(planted)}, limits)
        assert "Permission denied" in refused(result)
        assert "hunter2" not in (result.stdout + result.stderr)
        listing = run("import os\ndef handler(p):\n    return os.listdir(p['home'])\n",
                      {"home": str(Path.home())}, limits)
        refused(listing)
    finally:
        planted.unlink()


def test_the_history_database_and_other_playbooks_are_out_of_reach(tmp_path: Path) -> None:
    from runtime.history import HistoryStore

    HistoryStore(tmp_path / "history.sqlite3").close()
    other = tmp_path / "other.playbook.json"
    other.write_text('{"format_version": 1, "name": "other", "definition": {}}')
    for target in (tmp_path / "history.sqlite3", other):
        result = run("def handler(p):\n    return open(p['path'], 'rb').read(16).hex()\n",
                     {"path": str(target)})
        assert "Permission denied" in refused(result)
        erased = run("import os\ndef handler(p):\n    os.remove(p['path'])\n",
                     {"path": str(target)})
        refused(erased)
        assert target.exists()


@BOTH
def test_sockets_are_refused(limits: SandboxLimits) -> None:
    result = run("""
        import socket
        def handler(params):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.connect(("127.0.0.1", 9))
    """, limits=limits)
    message = refused(result)
    if limits.audit == "enforce":
        assert "open a network socket" in message
    else:
        assert "Operation not permitted" in message


@BOTH
def test_subprocess_is_refused(tmp_path: Path, limits: SandboxLimits) -> None:
    result = run("""
        import subprocess
        def handler(params):
            return subprocess.run(["true"]).returncode
    """, limits=limits)
    message = refused(result)
    assert "start a process" in message or "Operation not permitted" in message


@BOTH
def test_os_system_reached_by_introspection_starts_nothing(tmp_path: Path,
                                                          limits: SandboxLimits) -> None:
    marker = tmp_path / "pwned"
    result = run("""
        def handler(params):
            wrap = [c for c in ().__class__.__base__.__subclasses__()
                    if c.__name__ == "_wrap_close"][0]
            system = wrap.__init__.__globals__["system"]
            return system("touch " + params["marker"])
    """, {"marker": str(marker)}, limits)
    if limits.audit == "enforce":
        assert "start a process (os.system)" in refused(result)
    else:  # glibc's system() reports the refused clone as a shell that could not run (127)
        assert result.ok and result.value == 127 << 8, result.message
    time.sleep(0.2)
    assert not marker.exists()


@BOTH
def test_signal_to_the_parent_is_refused(limits: SandboxLimits) -> None:
    got: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda n, _f: got.append(n))
    try:
        result = run("""
            import os, signal
            def handler(params):
                os.kill(os.getppid(), signal.SIGUSR1)
        """, limits=limits)
        message = refused(result)
        assert "send a signal" in message or "Operation not permitted" in message
        time.sleep(0.1)
        assert got == []
    finally:
        signal.signal(signal.SIGUSR1, previous)


def test_native_code_cannot_be_loaded() -> None:
    dynload = Path(os.__file__).parent / "lib-dynload"
    candidates = sorted(dynload.glob("_curses*.so")) + sorted(dynload.glob("_lzma*.so"))
    if not candidates:
        pytest.skip("no extension module to try")
    result = run("""
        import ctypes
        def handler(params):
            ctypes.CDLL(params["lib"])
    """, {"lib": str(candidates[0])}, OS_ONLY)
    refused(result)
    if list(dynload.glob("_sqlite3*.so")):  # a compiled module not loaded at start-up
        imported = run("def handler(p):\n    import sqlite3\n", limits=OS_ONLY)
        assert "load native code" in refused(imported)


def test_a_setsid_grandchild_cannot_even_be_created(tmp_path: Path) -> None:
    result = run("""
        import os
        def handler(params):
            pid = os.fork()
            if pid == 0:
                os.setsid()
                import time
                time.sleep(60)
            return pid
    """, limits=OS_ONLY)
    assert "Operation not permitted" in refused(result)


# -- nothing survives -----------------------------------------------------------------------

HANG = "import time\ndef handler(params):\n    time.sleep(60)\n"


def sandbox_children(parent: int) -> list[int]:
    return [pid for pid, ppid in parent_map().items() if ppid == parent]


def all_gone(pids: list[int], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = set(parent_map())
        if not alive.intersection(pids):
            return True
        time.sleep(0.05)
    return False


def test_timeout_leaves_no_process() -> None:
    seen: list[int] = []

    async def go() -> Any:
        task = asyncio.create_task(run_function(HANG, {}, limits=SandboxLimits(timeout=1.0)))
        while not seen:
            await asyncio.sleep(0.05)
            seen.extend(sandbox_children(os.getpid()))
        return await task

    result = asyncio.run(go())
    assert result.error_type == "timeout_error"
    assert all_gone(seen)
    assert descendants(os.getpid()) == []


def test_kill_leaves_no_process() -> None:
    seen: list[int] = []

    async def go() -> None:
        task = asyncio.create_task(run_function(HANG, {}, limits=ENFORCE))
        while not seen:
            await asyncio.sleep(0.05)
            seen.extend(sandbox_children(os.getpid()))
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())
    assert all_gone(seen)


SUPERVISOR = """
import asyncio, sys
from runtime.sandbox import SandboxLimits, run_function
asyncio.run(run_function("import time\\ndef handler(p):\\n    time.sleep(60)\\n", {},
                         limits=SandboxLimits(timeout=60)))
"""


def test_sigkill_of_the_supervising_process_leaves_no_process() -> None:
    root = Path(__file__).resolve().parents[3]
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISOR], cwd=root)
    try:
        deadline = time.monotonic() + 20
        children: list[int] = []
        while not children and time.monotonic() < deadline:
            time.sleep(0.05)
            children = sandbox_children(supervisor.pid)
        assert children, "the supervisor never started its sandbox child"
        time.sleep(0.3)  # past the child's set-up, in the user's code
        tree = descendants(supervisor.pid)
        supervisor.kill()
        supervisor.wait()
        assert all_gone(tree), f"left behind: {set(tree) & set(parent_map())}"
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()
