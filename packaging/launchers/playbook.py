"""Frozen entry point of the ``playbook`` command (runtime.cli:console) in the bundle."""

from __future__ import annotations

from frozen_python import run_python_command_line

run_python_command_line()

from runtime.cli import console  # noqa: E402 - only after the python -c check

console()
