"""Resource limits for one sandboxed function run.

Owns :class:`SandboxLimits`, the immutable bundle of wall-clock, CPU, memory and output caps that
the supervisor (``process``) enforces from outside and the child bootstrap (``child``) applies to
itself with ``setrlimit`` before any user code runs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxLimits:
    """Caps applied to one run of a custom function.

    Attributes:
        timeout: Wall-clock seconds before the whole process group is killed.
        cpu_seconds: RLIMIT_CPU of the child (SIGXCPU at the limit, SIGKILL one second later).
        memory_mb: RLIMIT_AS of the child, in mebibytes.
        max_output_bytes: Bytes of stdout and of stderr (each) kept; more fails the run.
        max_result_bytes: Largest accepted size of the JSON text of the handler's return value.
        audit: The audit hook, a second line behind the OS confinement: ``enforce`` (refuse at
            once, naming the operation), ``observe`` (only name it) or ``off``. Tests use
            ``off`` to show the operating system refuses on its own.
        confine: Apply the OS confinement (Landlock, seccomp, ...). Only tests of the
            supervisor's process-tree killing turn it off.
    """

    timeout: float = 30.0
    cpu_seconds: int = 30
    memory_mb: int = 512
    max_output_bytes: int = 1_000_000
    max_result_bytes: int = 5_000_000
    audit: str = "enforce"
    confine: bool = True
