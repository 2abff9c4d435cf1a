"""Outcome of a sandboxed function run, and how raw process facts become one.

Owns :class:`FunctionResult` (what callers see) and :func:`interpret`, which turns the
supervisor's :class:`~runtime.sandbox.process.RawOutcome` — exit status, captured streams, the
child's result envelope, timeout and flooding flags — into a result with an ``on_error`` error
type (``timeout_error`` or ``execution_error``) and a clear human message.
"""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass
from typing import Any

from runtime.sandbox.limits import SandboxLimits
from runtime.sandbox.process import RawOutcome

TIMEOUT_ERROR = "timeout_error"
EXECUTION_ERROR = "execution_error"


@dataclass(frozen=True)
class FunctionResult:
    """What one run of a custom function produced.

    Attributes:
        ok: True when ``handler(params)`` returned a JSON-serializable value.
        value: The handler's return value when ``ok``, else None.
        error_type: ``"timeout_error"`` or ``"execution_error"`` when not ``ok``.
        message: Human explanation of the failure when not ``ok``.
        stdout: Captured standard output (truncated at the output cap).
        stderr: Captured standard error, including the traceback of a raised exception.
        duration: Wall-clock seconds from spawn to reaping.
    """

    ok: bool
    value: object | None
    error_type: str | None
    message: str | None
    stdout: str
    stderr: str
    duration: float


def failure(error_type: str, message: str, duration: float = 0.0) -> FunctionResult:
    """Build a failed result that has no captured output.

    Args:
        error_type: ``"timeout_error"`` or ``"execution_error"``.
        message: Human explanation.
        duration: Seconds spent, if any.

    Returns:
        The failed result.
    """
    return FunctionResult(False, None, error_type, message, "", "", duration)


def _seconds(value: float) -> str:
    return f"{value:.1f}" if value == round(value, 1) else f"{value:g}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _no_envelope(returncode: int | None, limits: SandboxLimits) -> tuple[str, str]:
    """Explain a child that ended without reporting a result."""
    if returncode is None or returncode >= 0:
        return EXECUTION_ERROR, f"Function process exited with code {returncode} without a result"
    number = -returncode
    if number == signal.SIGXCPU:
        return TIMEOUT_ERROR, f"Function used more than {limits.cpu_seconds} s of CPU time"
    if number == signal.SIGKILL:
        return EXECUTION_ERROR, (
            "Function process was killed (SIGKILL), probably for exceeding its CPU "
            f"({limits.cpu_seconds} s) or memory ({limits.memory_mb} MB) limit"
        )
    return EXECUTION_ERROR, f"Function process crashed ({_signal_name(number)})"


def _raised_message(envelope: dict[str, Any]) -> str:
    text = f"Function raised {envelope.get('exc_type')}"
    if envelope.get("detail"):
        text += f": {envelope['detail']}"
    if envelope.get("line") is not None:
        text += f" (line {envelope['line']})"
    return text


def _envelope_message(envelope: dict[str, Any], limits: SandboxLimits) -> str:
    """Message for every failed envelope status."""
    status = envelope.get("status")
    if status == "raised":
        return _raised_message(envelope)
    if status == "syntax_error":
        where = f" at line {envelope['line']}" if envelope.get("line") is not None else ""
        return f"Function source has a syntax error{where}: {envelope.get('detail')}"
    if status == "no_handler":
        if envelope.get("detail"):
            return f"Function's handler is not callable (it is a {envelope['detail']})"
        return "Function defines no handler(params)"
    if status == "not_json":
        return f"Function returned a value that is not JSON: {envelope.get('detail')}"
    if status == "too_large":
        return (
            f"Function returned {envelope.get('size', 0):,} bytes of JSON, more than the "
            f"{limits.max_result_bytes:,}-byte limit"
        )
    if status == "memory":
        return f"Function ran out of memory (limit {limits.memory_mb} MB)"
    if status == "refused":
        what = envelope.get("detail")
        text = "Function was refused by the sandbox"
        text += f": it may not {what}" if what else ""
        if envelope.get("error"):
            text += f" ({envelope['error']})"
        return text
    if status == "exit":
        return f"Function called exit() (code {envelope.get('code')})"
    return "Function produced an unreadable result"


def _judge(raw: RawOutcome, limits: SandboxLimits) -> tuple[str, str] | dict[str, Any]:
    """Return ``(error_type, message)`` for a failure, or the ``ok`` envelope."""
    if raw.timed_out:
        return TIMEOUT_ERROR, f"Function timed out after {_seconds(limits.timeout)} s"
    if raw.flooded in ("stdout", "stderr"):
        return EXECUTION_ERROR, (
            f"Function output exceeded {limits.max_output_bytes:,} bytes on {raw.flooded}"
        )
    if raw.flooded == "result":
        return EXECUTION_ERROR, f"Function result exceeded {limits.max_result_bytes:,} bytes"
    if not raw.result:
        return _no_envelope(raw.returncode, limits)
    try:
        envelope = json.loads(raw.result)
    except ValueError:
        return EXECUTION_ERROR, "Function produced an unreadable result"
    if not isinstance(envelope, dict):
        return EXECUTION_ERROR, "Function produced an unreadable result"
    if envelope.get("status") == "ok" and "value" in envelope:
        return envelope
    return EXECUTION_ERROR, _envelope_message(envelope, limits)


def interpret(raw: RawOutcome, limits: SandboxLimits, duration: float) -> FunctionResult:
    """Turn the supervisor's raw facts into a :class:`FunctionResult`.

    Args:
        raw: What the supervisor observed.
        limits: The limits the run was held to (quoted in messages).
        duration: Wall-clock seconds from spawn to reaping.

    Returns:
        The result; failures carry ``timeout_error`` or ``execution_error``.
    """
    stdout = raw.stdout.decode("utf-8", errors="replace")
    stderr = raw.stderr.decode("utf-8", errors="replace")
    verdict = _judge(raw, limits)
    if isinstance(verdict, dict):
        return FunctionResult(True, verdict["value"], None, None, stdout, stderr, duration)
    error_type, message = verdict
    return FunctionResult(False, None, error_type, message, stdout, stderr, duration)
