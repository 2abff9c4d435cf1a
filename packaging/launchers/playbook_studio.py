"""Frozen entry point of the ``playbook-studio`` designer (designer.app:main) in the bundle."""

from __future__ import annotations

import sys

from frozen_python import run_python_command_line

run_python_command_line()

from designer.app import main  # noqa: E402 - only after the python -c check

sys.exit(main())
