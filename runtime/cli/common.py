"""What every ``playbook`` sub-command shares: exit codes, the user-facing error, output
helpers, loading a playbook and opening the execution history.

One home for these so that command modules never import each other.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_ERRORS, EXIT_USAGE, EXIT_INPUT, EXIT_PARTIAL, EXIT_INTERNAL = 0, 1, 2, 3, 4, 70


class CliError(Exception):
    """A user-facing failure with its exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.code = code


def out(text: str = "") -> None:
    """Print one line to stdout (flushed, so a live run shows each step at once)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def err(text: str) -> None:
    """Print one line to stderr."""
    sys.stderr.write(text + "\n")


def fmt_time(epoch: float | None) -> str:
    """An epoch as ``YYYY-MM-DD HH:MM:SS UTC`` (empty for None)."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def load(path: str, *, layout: bool = True) -> Any:
    """Load a playbook of either kind or raise CliError(exit 3); ``layout=False`` when no
    picture is needed (validate)."""
    from runtime.loader import PlaybookLoadError, load_playbook

    try:
        return load_playbook(path, layout=layout)
    except PlaybookLoadError as exc:
        raise CliError(str(exc), EXIT_INPUT) from None


def write_output(text: str, out_path: str | None) -> None:
    """Write to ``out_path`` atomically, or to stdout when it is None."""
    if out_path is None:
        sys.stdout.write(text)
        return
    from runtime.jsonio import write_atomic

    try:
        write_atomic(out_path, text)
    except OSError as exc:
        raise CliError(f"{out_path}: cannot write: {exc.strerror or exc}", EXIT_INPUT) from None


def open_store(path: str | None, *, background: bool = False) -> Any:
    """Open the execution history (``--history``, env, or the user data folder)."""
    from runtime.history import HistoryError, HistoryStore, default_history_path

    target = Path(path) if path else default_history_path()
    try:
        return HistoryStore(target, background=background)
    except (HistoryError, OSError) as exc:
        raise CliError(f"{target}: cannot open the execution history: {exc}", EXIT_INPUT) from None
    except Exception as exc:  # sqlite3.DatabaseError and friends
        raise CliError(f"{target}: not an execution history: {exc}", EXIT_INPUT) from None
