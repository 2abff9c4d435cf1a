"""Lets a frozen Playbook Studio binary stand in for ``python -I -c CODE [ARG...]``.

The custom-function sandbox (``runtime/sandbox/process.py``) starts its child as
``sys.executable -I -c <bootstrap> ARG...``. In a PyInstaller bundle ``sys.executable`` is the
bundle's own binary (``playbook`` or ``playbook-studio``), not a Python interpreter, so both
launchers call :func:`run_python_command_line` before anything else: when the arguments have
exactly that shape, the code runs as ``__main__`` with ``sys.argv == ["-c", ARG...]`` and the
process exits, before any application or Qt module is imported. Outside a frozen bundle it does
nothing. The bundle's interpreter is already isolated the way ``-I`` asks (no user site
directory, ``sys.path`` is the bundle only); what the bootloader adds to the environment is
removed again, so the code sees the scrubbed environment the sandbox gave it.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import MutableMapping, Sequence

_ISOLATION_FLAGS = {"-I", "-E", "-s", "-S", "-P", "-B", "-u"}


def python_code(argv: Sequence[str]) -> tuple[str, list[str]] | None:
    """Return ``(code, argv_for_code)`` when ``argv`` reads ``[prog, FLAG..., -c, CODE, ARG...]``.

    Args:
        argv: The process arguments, ``sys.argv`` in practice.

    Returns:
        The code and the ``sys.argv`` it should see, or None for any other command line.
    """
    args = list(argv[1:])
    while args and args[0] in _ISOLATION_FLAGS:
        args.pop(0)
    if len(args) < 2 or args[0] != "-c":
        return None
    return args[1], ["-c", *args[2:]]


def forget_bootloader_environment(environ: MutableMapping[str, str]) -> None:
    """Undo what PyInstaller's bootloader added to the environment (``_PYI_*``, the library path).

    The sandbox gives its child a scrubbed environment; the code must see exactly that one.

    Args:
        environ: ``os.environ`` in practice; changed in place.
    """
    for name in [name for name in environ if name.startswith("_PYI_")]:
        del environ[name]
    for variable in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
        original = environ.pop(variable + "_ORIG", None)
        if original is not None:
            environ[variable] = original
        else:
            environ.pop(variable, None)


def run_python_command_line() -> None:
    """Run ``-I -c CODE ARG...`` like ``python`` would and exit; otherwise return at once."""
    if not getattr(sys, "frozen", False):
        return
    request = python_code(sys.argv)
    if request is None:
        return
    code, sys.argv = request
    forget_bootloader_environment(os.environ)
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__doc__": None}
    exec(compile(code, "<string>", "exec"), namespace)  # noqa: S102 - this is python -c
    sys.exit(0)
