"""Sandbox for custom Python functions: run ``handler(params)`` in a limited child process.

Owns the public surface of ``runtime.sandbox``: :func:`run_function`, :class:`SandboxLimits` and
:class:`FunctionResult`. The child is ``python -I`` in its own session with a scrubbed
environment, a temporary working directory and rlimits; the result travels on a private pipe.
POSIX only. Never imports Qt.
"""

from __future__ import annotations

from runtime.sandbox.limits import SandboxLimits
from runtime.sandbox.result import FunctionResult
from runtime.sandbox.runner import run_function

__all__ = ["FunctionResult", "SandboxLimits", "run_function"]
