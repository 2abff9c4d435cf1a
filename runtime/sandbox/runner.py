"""The public entry point of the sandbox: :func:`run_function`.

Owns the glue of one run: encoding the job, creating and removing the child's temporary working
directory, timing, and the rule that user mistakes never raise — every failure becomes a
:class:`~runtime.sandbox.result.FunctionResult`; only ``asyncio.CancelledError`` propagates
(after the child's whole process group has been killed and reaped).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from typing import Any

from runtime.sandbox.limits import SandboxLimits
from runtime.sandbox.process import run_child
from runtime.sandbox.result import EXECUTION_ERROR, FunctionResult, failure, interpret


def _payload(source: str, params: Any, function_id: str, limits: SandboxLimits) -> bytes:
    job = {
        "source": source,
        "params": params,
        "function_id": function_id,
        "max_result_bytes": limits.max_result_bytes,
    }
    return json.dumps(job, allow_nan=False).encode("ascii")


async def run_function(
    source: str,
    params: dict[str, Any],
    *,
    limits: SandboxLimits = SandboxLimits(),
    function_id: str = "function",
) -> FunctionResult:
    """Run ``handler(params)`` from ``source`` in a separate, resource-limited process.

    The source must define a callable ``handler(params)``; its return value (which must be
    JSON-serializable) is the result's ``value``. The child runs ``python -I`` in its own
    session with a scrubbed environment and a fresh temporary working directory.

    Args:
        source: Python source defining ``handler(params)``.
        params: The resolved parameters; must be JSON-serializable.
        limits: Wall-clock, CPU, memory and output caps.
        function_id: Names the source in tracebacks as ``<function FUNCTION_ID>``.

    Returns:
        The outcome. Failures carry ``error_type`` ``"timeout_error"`` or ``"execution_error"``
        and a human ``message``; they are never raised.

    Raises:
        asyncio.CancelledError: The caller was cancelled ("Kill"); the child and everything it
            spawned in its session were killed and reaped before this propagates.
    """
    try:
        payload = _payload(source, params, function_id, limits)
    except (TypeError, ValueError, RecursionError) as exc:
        return failure(EXECUTION_ERROR, f"Function parameters are not JSON: {exc}")
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="playbook-function-")
    try:
        raw = await run_child(payload, limits, workdir)
    except OSError as exc:
        message = f"Could not start the function process: {exc}"
        return failure(EXECUTION_ERROR, message, time.monotonic() - started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return interpret(raw, limits, time.monotonic() - started)
