"""The ``playbook`` command: validate, export, import, catalog, run and executions, headless.

Exit codes: 0 success, 1 validation errors / failed run, 2 usage, 3 unreadable or malformed
input, 4 partial run. Every FILE may be a native document or a server definition in either
dialect, told apart by content. User mistakes never print a traceback; an unexpected internal
error prints one line and exits 70.

Each command family lives in its own module with an ``add_commands(sub)`` function; this
module only builds the parser from them and runs the chosen command.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable, Sequence

from runtime.cli.common import (
    EXIT_ERRORS,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    CliError,
    err,
    load,
)

__all__ = ["EXIT_ERRORS", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_PARTIAL",
           "EXIT_USAGE", "CliError", "build_parser", "console", "load", "main"]

# Command modules, in the order their commands appear in --help.
COMMAND_MODULES = ("runtime.cli.core", "runtime.cli.run", "runtime.cli.executions",
                   "runtime.cli.test", "runtime.cli.diff")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="playbook",
        description="Playbook Studio, headless: validate, export, import and run playbooks.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``playbook`` command.

    The cyclic garbage collector is off while the command's modules are imported (they
    allocate many long-lived objects and no garbage: 5 % of ``playbook validate``) and the
    objects made so far are frozen out of its reach before the command runs.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if was_enabled:
            gc.enable()


def console() -> None:
    """The ``playbook`` console script: :func:`main`, then exit with its code.

    What the command made stays alive until the process ends; it is frozen out of the cyclic
    collector's reach first, so the interpreter's last collection does not walk it all (8 ms
    of ``playbook validate`` on 2,300 states). Only here, never in :func:`main`, which tests
    and tools call in-process.
    """
    code = main()
    gc.freeze()
    sys.exit(code)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    if args.command != "validate":  # validate pauses the collector itself; runs need it
        gc.freeze()
        gc.enable()
    try:
        return func(args)
    except CliError as exc:
        err(str(exc))
        return exc.code
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, no traceback
        err(f"internal error: {type(exc).__name__}: {exc} (please report this)")
        return EXIT_INTERNAL
