"""Bootstrap executed inside the sandboxed child interpreter.

Owns everything that happens inside the child process: applying the resource limits, reading the
job (source, params, function id, result size cap) as JSON from stdin, compiling and running the
user's ``handler(params)``, and reporting exactly one JSON envelope on the private result
descriptor whose number arrives in ``argv``. The parent passes this file's text to
``python -I -c``, so it must import nothing but the standard library — never ``runtime``.

Envelope statuses: ``ok`` (with ``value``), ``syntax_error``, ``no_handler``, ``raised``,
``exit``, ``memory``, ``not_json`` and ``too_large``.
"""

from __future__ import annotations

import builtins
import errno
import json
import linecache
import os
import resource
import signal
import sys
import traceback
from types import CodeType, TracebackType
from typing import Any

_DETAIL_LIMIT = 500
_FSIZE_BYTES = 10 * 1024 * 1024
_MAX_OPEN_FILES = 64
#: Kinds of forbidden operation the user code tried (filled by the audit hook).
ATTEMPTS: list[str] = []


class _NotJson(Exception):
    """Raised by the JSON encoder hook for a value of an unsupported type."""


def _limit(which: int, soft: int, hard: int | None = None) -> None:
    """Lower one resource limit, never above the hard limit the child inherited."""
    hard = soft if hard is None else hard
    _, inherited = resource.getrlimit(which)
    if inherited != resource.RLIM_INFINITY:
        soft, hard = min(soft, inherited), min(hard, inherited)
    resource.setrlimit(which, (soft, hard))


def apply_limits(cpu_seconds: int, memory_mb: int) -> None:
    """Apply CPU, address-space, file-size, open-file and core-dump limits to this process.

    Args:
        cpu_seconds: Soft RLIMIT_CPU (SIGXCPU); the hard limit, one second later, is SIGKILL.
        memory_mb: RLIMIT_AS in mebibytes; allocations beyond it raise MemoryError.
    """
    _limit(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)
    _limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    _limit(resource.RLIMIT_FSIZE, _FSIZE_BYTES)
    _limit(resource.RLIMIT_NOFILE, _MAX_OPEN_FILES)
    _limit(resource.RLIMIT_CORE, 0)
    # Writing past RLIMIT_FSIZE should raise OSError(EFBIG), not kill the process silently.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _clip(text: str) -> str:
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 3] + "..."


def _envelope(**fields: Any) -> bytes:
    return json.dumps(fields).encode("ascii")


def _safe_str(exc: BaseException) -> str:
    try:
        return _clip(str(exc))
    except Exception:
        return "<unprintable exception>"


def _user_traceback(exc: BaseException, filename: str) -> TracebackType | None:
    """Skip the bootstrap's own frames so the traceback starts in the user's source."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return tb


def _last_user_line(tb: TracebackType | None, filename: str) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _raised(exc: Exception, filename: str) -> bytes:
    tb = _user_traceback(exc, filename)
    traceback.print_exception(type(exc), exc, tb, file=sys.stderr)
    return _envelope(
        status="raised",
        exc_type=type(exc).__name__,
        detail=_safe_str(exc),
        line=_last_user_line(tb, filename),
    )


def _reject(value: object) -> object:
    raise _NotJson(type(value).__name__)


def encode_value(value: object, max_bytes: int) -> bytes:
    """Encode the handler's return value as the ``ok`` envelope, or explain why it cannot be.

    Args:
        value: Whatever ``handler(params)`` returned.
        max_bytes: Largest accepted size of the value's JSON text.

    Returns:
        The envelope bytes to send to the parent.
    """
    try:
        text = json.dumps(value, allow_nan=False, default=_reject)
    except _NotJson as exc:
        return _envelope(status="not_json", detail=str(exc))
    except RecursionError:
        return _envelope(status="not_json", detail="it is nested too deeply")
    except ValueError as exc:
        detail = _safe_str(exc)
        if "Out of range float" in detail:
            detail = "a NaN or infinite float"
        elif "Circular reference" in detail:
            detail = "it contains a circular reference"
        return _envelope(status="not_json", detail=detail)
    except TypeError as exc:  # e.g. "keys must be str, int, float, bool or None, not tuple"
        return _envelope(status="not_json", detail=_safe_str(exc))
    encoded = text.encode("ascii")
    if len(encoded) > max_bytes:
        return _envelope(status="too_large", size=len(encoded))
    return b'{"status":"ok","value":' + encoded + b"}"


def _compile(source: str, filename: str) -> CodeType | bytes:
    """Compile the source, returning the code object or a ``syntax_error`` envelope."""
    try:
        code = compile(source, filename, "exec")
    except SyntaxError as exc:
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
        return _envelope(status="syntax_error", line=exc.lineno, detail=_clip(str(exc.msg)))
    except ValueError as exc:  # e.g. "source code string cannot contain null bytes"
        return _envelope(status="syntax_error", line=None, detail=_safe_str(exc))
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return code


def _refused(attempts: list[str], exc: BaseException | None) -> bytes | None:
    """The ``refused`` envelope when user code tried something the sandbox forbids."""
    if attempts:
        return _envelope(status="refused", detail=attempts[0],
                         error=None if exc is None else _safe_str(exc))
    if isinstance(exc, (ImportError, OSError)) and "failed to map segment" in str(exc):
        return _envelope(status="refused", detail="load native code (a compiled module)",
                         error=_safe_str(exc))
    if isinstance(exc, OSError) and exc.errno in (errno.EPERM, errno.EACCES):
        return _envelope(status="refused", detail=None, error=_safe_str(exc))
    return None


def _call_handler(code: CodeType, params: object, filename: str, max_bytes: int) -> bytes:
    namespace: dict[str, Any] = {"__name__": "__function__", "__builtins__": builtins}
    attempts = ATTEMPTS
    try:
        exec(code, namespace)
        handler = namespace.get("handler")
        if handler is None:
            return _envelope(status="no_handler", detail=None)
        if not callable(handler):
            return _envelope(status="no_handler", detail=type(handler).__name__)
        value = handler(params)
    except MemoryError:
        raise
    except SystemExit as exc:
        return _refused(attempts, None) or _envelope(status="exit", code=_safe_str(exc) or "0")
    except Exception as exc:
        return _refused(attempts, exc) or _raised(exc, filename)
    return _refused(attempts, None) or encode_value(value, max_bytes)


def run_job(job: dict[str, Any]) -> bytes:
    """Run one job and return the envelope describing its outcome.

    Args:
        job: ``source``, ``params``, ``function_id`` and ``max_result_bytes`` from the parent.

    Returns:
        Exactly one JSON envelope, as bytes.
    """
    filename = f"<function {job['function_id']}>"
    try:
        code = _compile(job["source"], filename)
        if isinstance(code, bytes):
            return code
        return _call_handler(code, job["params"], filename, int(job["max_result_bytes"]))
    except MemoryError:
        return _envelope(status="memory")


def _send(fd: int, data: bytes) -> None:
    try:
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    except OSError:
        pass  # the parent stopped listening; nothing else to report to


def _confine(parent_pid: int, audit: str) -> None:
    """Apply the OS confinement of ``confine.py`` (prepended to this file by the parent)."""
    layers = globals().get("confine_process")
    if layers is None:  # run on its own (not through the parent): nothing to apply
        return
    try:
        layers(parent_pid, os.getcwd())
    except Exception as exc:
        _fail_early(f"the sandbox could not be set up: {exc}")
    if audit != "off":
        globals()["install_audit_hook"](ATTEMPTS, audit == "enforce")


def _kill_descendants() -> None:
    """Unconfined runs only (confined ones cannot start processes): as the subreaper, kill
    what the user code started, so nothing outlives the run once this process exits."""
    for _ in range(8):  # orphans of a killed child come back to this subreaper
        if not _kill_children(os.getpid()):
            return


def _kill_children(me: int) -> int:
    killed = 0
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
            if ppid == me:
                os.kill(int(entry), signal.SIGKILL)
                os.waitpid(int(entry), 0)
                killed += 1
        except (OSError, IndexError, ValueError):
            continue
    return killed


def _fail_early(message: str) -> None:
    sys.stderr.write(message + "\n")
    os._exit(3)


def main(argv: list[str]) -> None:
    """Entry point: ``argv`` is ``[-c, result_fd, cpu_seconds, memory_mb, parent_pid, audit,
    confine]``; ``audit`` is ``enforce``, ``observe`` or ``off`` (tests of the OS layers)."""
    result_fd = int(argv[1])
    os.set_inheritable(result_fd, False)
    apply_limits(int(argv[2]), int(argv[3]))
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(  # type: ignore[union-attr]
            encoding="utf-8", errors="backslashreplace", line_buffering=True)
    job = json.loads(sys.stdin.buffer.read())
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives until _exit
    if len(argv) > 6 and argv[6] == "confine":
        _confine(int(argv[4]), argv[5])
    _send(result_fd, run_job(job))
    _kill_descendants()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    # Skip atexit hooks and non-daemon threads the user may have left behind.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
