"""Frozen entry point of the ``playbook`` command (runtime.cli:main) in the bundle."""

from __future__ import annotations

import sys

from frozen_python import run_python_command_line

run_python_command_line()

from runtime.cli import main  # noqa: E402 - only after the python -c check

sys.exit(main())
