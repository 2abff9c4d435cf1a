"""Spawning and supervising the sandboxed child process.

Owns the operating-system side of one run: three private pipes (stdout, stderr and the result
pipe handed over with ``pass_fds`` so user prints cannot forge the result), the scrubbed
environment, the child's own session (so ``killpg`` reaches every grandchild), capped concurrent
reading, the wall-clock timeout, and killing plus reaping on timeout, flooding, completion and
cancellation. It reports raw facts as :class:`RawOutcome`; ``result`` turns them into messages.

The child's stdout and stderr are plain pipes that asyncio's subprocess transport does not own:
on Python 3.11 ``Process.wait()`` also waits for every transport-owned pipe to close, which a
grandchild holding stdout would postpone indefinitely.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from runtime.sandbox.limits import SandboxLimits

ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}
#: Variables pointing at the run's scratch folder (filled in per run).
SCRATCH_VARIABLES = ("HOME", "TMPDIR")
_CHUNK = 64 * 1024
_ENVELOPE_SLACK = 64 * 1024
_DRAIN_GRACE = 1.0


@dataclass
class RawOutcome:
    """What the supervisor observed, before any interpretation.

    Attributes:
        returncode: The child's exit status (negative: killed by that signal).
        stdout: Captured stdout, at most the output cap.
        stderr: Captured stderr, at most the output cap.
        result: The bytes the child wrote on the result pipe.
        timed_out: The wall-clock timeout expired and the group was killed.
        flooded: ``"stdout"``, ``"stderr"`` or ``"result"`` when that stream overran its cap.
    """

    returncode: int | None
    stdout: bytes
    stderr: bytes
    result: bytes
    timed_out: bool = False
    flooded: str | None = None


@cache
def child_source() -> str:
    """Return the text of the bootstrap passed to ``python -I -c``: ``confine.py`` then
    ``child.py`` (whose own ``from __future__`` line may only come first, so it is dropped)."""
    here = Path(__file__).parent
    confine = (here / "confine.py").read_text(encoding="utf-8")
    child = (here / "child.py").read_text(encoding="utf-8")
    child = child.replace("from __future__ import annotations\n", "", 1)
    return confine + "\n\n" + child


def parent_map() -> dict[int, int]:
    """``pid -> parent pid`` of every process in ``/proc`` (empty where there is no /proc)."""
    parents: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return parents
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(entry)] = int(fields[1])
    return parents


def descendants(root: int) -> list[int]:
    """Every process below ``root`` in the process tree, children first."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parent_map().items():
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    todo = list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


@dataclass
class _Sink:
    """Collects one stream up to a cap; overrunning it calls ``on_overflow`` and stops."""

    name: str
    cap: int
    data: bytearray = field(default_factory=bytearray)
    overflowed: bool = False

    async def drain(self, reader: asyncio.StreamReader, on_overflow: Callable[[], None]) -> None:
        while chunk := await reader.read(_CHUNK):
            room = self.cap - len(self.data)
            if len(chunk) > room:
                self.data += chunk[:room]
                self.overflowed = True
                on_overflow()
                return
            self.data += chunk


class _Pipes:
    """The three pipes of one run; the parent keeps the read ends, the child the write ends."""

    def __init__(self) -> None:
        self.read_ends: list[int] = []
        self.write_ends: list[int] = []
        try:
            for _ in range(3):
                read_end, write_end = os.pipe()
                self.read_ends.append(read_end)
                self.write_ends.append(write_end)
        except OSError:
            self.close_write_ends()
            self.close_read_ends()
            raise

    def close_write_ends(self) -> None:
        for fd in self.write_ends:
            os.close(fd)
        self.write_ends = []

    def close_read_ends(self) -> None:
        for fd in self.read_ends:
            os.close(fd)
        self.read_ends = []


async def _spawn(pipes: _Pipes, limits: SandboxLimits, workdir: str) -> asyncio.subprocess.Process:
    stdout_fd, stderr_fd, result_fd = pipes.write_ends
    limit_args = (
        str(result_fd), str(limits.cpu_seconds), str(limits.memory_mb), str(os.getpid()),
        limits.audit, "confine" if limits.confine else "none",
    )  # fmt: skip
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-I",
        "-c",
        child_source(),
        *limit_args,
        stdin=asyncio.subprocess.PIPE,
        stdout=stdout_fd,
        stderr=stderr_fd,
        pass_fds=(result_fd,),
        cwd=workdir,
        env={**ENVIRONMENT, **dict.fromkeys(SCRATCH_VARIABLES, workdir)},
        start_new_session=True,
    )


async def _feed(stdin: asyncio.StreamWriter, payload: bytes) -> None:
    """Write the job to the child's stdin and close it (a dead child is not an error here)."""
    try:
        stdin.write(payload)
        await stdin.drain()
        stdin.close()
        await stdin.wait_closed()
    except (BrokenPipeError, ConnectionResetError):
        _abort(stdin)


def _abort(stdin: asyncio.StreamWriter) -> None:
    """Drop the stdin pipe at once (aborting a transport twice fails inside asyncio)."""
    if not stdin.transport.is_closing():
        stdin.transport.abort()


class _Run:
    """Supervises one spawned child: readers, timeout, killing and reaping."""

    def __init__(self, proc: asyncio.subprocess.Process, limits: SandboxLimits) -> None:
        self.proc = proc
        self.limits = limits
        output_cap = limits.max_output_bytes
        self.sinks = [
            _Sink("stdout", output_cap),
            _Sink("stderr", output_cap),
            _Sink("result", limits.max_result_bytes + _ENVELOPE_SLACK),
        ]
        self.transports: list[asyncio.BaseTransport] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.timed_out = False

    def kill_group(self) -> None:
        """SIGKILL the child's whole tree: every descendant (the child is a subreaper, so an
        orphan that called ``setsid`` stays below it), then its session group."""
        if self.proc.returncode is None:
            for pid in descendants(self.proc.pid):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    async def start_readers(self, pipes: _Pipes) -> None:
        loop = asyncio.get_running_loop()
        while pipes.read_ends:
            fd = pipes.read_ends.pop(0)
            reader = asyncio.StreamReader()
            protocol = asyncio.StreamReaderProtocol(reader)
            transport, _ = await loop.connect_read_pipe(
                lambda protocol=protocol: protocol,  # type: ignore[misc]
                os.fdopen(fd, "rb", buffering=0),
            )
            self.transports.append(transport)
            sink = self.sinks[len(self.transports) - 1]
            self.tasks.append(asyncio.create_task(sink.drain(reader, self.kill_group)))

    async def supervise(self, payload: bytes) -> None:
        """Feed the job and wait for the child to exit, killing the group on timeout."""
        assert self.proc.stdin is not None
        feeder = asyncio.create_task(_feed(self.proc.stdin, payload))
        self.tasks.append(feeder)
        try:
            async with asyncio.timeout(self.limits.timeout):
                await self.proc.wait()
        except TimeoutError:
            self.timed_out = True
        # Completion, flooding or timeout: nothing of this run may outlive it.
        self.kill_group()
        await self.reap()

    async def reap(self) -> None:
        """Wait for the (killed) child to be reaped, even through repeated cancellation."""
        if self.proc.stdin is not None:
            _abort(self.proc.stdin)
        cancelled = False
        while True:
            try:
                await self.proc.wait()
                break
            except asyncio.CancelledError:
                cancelled = True
        if cancelled:
            raise asyncio.CancelledError

    async def collect(self) -> RawOutcome:
        """Give readers a short grace to reach end of file, then stop them and report."""
        pending = [task for task in self.tasks if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=_DRAIN_GRACE)
        self.abandon()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        stdout, stderr, result = self.sinks
        flooded = next((sink.name for sink in self.sinks if sink.overflowed), None)
        return RawOutcome(
            returncode=self.proc.returncode,
            stdout=bytes(stdout.data),
            stderr=bytes(stderr.data),
            result=bytes(result.data),
            timed_out=self.timed_out,
            flooded=flooded,
        )

    def abandon(self) -> None:
        """Cancel outstanding reader/feeder tasks and close the parent's pipe ends."""
        for task in self.tasks:
            task.cancel()
        for transport in self.transports:
            transport.close()


async def run_child(payload: bytes, limits: SandboxLimits, workdir: str) -> RawOutcome:
    """Run the bootstrap on one job and observe it until it and its group are gone.

    Args:
        payload: The JSON job (source, params, function id, result cap) for the child's stdin.
        limits: Caps to enforce.
        workdir: Existing empty directory used as the child's working directory.

    Returns:
        The raw facts of the run.

    Raises:
        OSError: The child could not be started.
        asyncio.CancelledError: The caller was cancelled; the group was killed and reaped first.
    """
    pipes = _Pipes()
    try:
        proc = await _spawn(pipes, limits, workdir)
    except BaseException:
        pipes.close_read_ends()
        raise
    finally:
        pipes.close_write_ends()
    run = _Run(proc, limits)
    try:
        await run.start_readers(pipes)
        await run.supervise(payload)
        return await run.collect()
    except BaseException:
        run.kill_group()
        try:
            await run.reap()
        finally:
            run.abandon()
            pipes.close_read_ends()
        raise
