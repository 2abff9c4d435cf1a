"""Sandbox for custom Python functions: run ``handler(params)`` in a limited child process.

Owns the public surface of ``runtime.sandbox``: :func:`run_function`, :class:`SandboxLimits`,
:class:`FunctionResult` and :func:`confinement_report`. The child is ``python -I`` in its own
session with a scrubbed environment, a scratch working directory and rlimits, confined by the
operating system (``confine``: Landlock, seccomp, ...); the result travels on a private pipe.
POSIX only. Never imports Qt.
"""

from __future__ import annotations

from runtime.sandbox.limits import SandboxLimits
from runtime.sandbox.report import ConfinementReport, confinement_report
from runtime.sandbox.result import FunctionResult
from runtime.sandbox.runner import run_function

__all__ = [
    "ConfinementReport", "FunctionResult", "SandboxLimits", "confinement_report", "run_function",
]
