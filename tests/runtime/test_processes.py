"""One test of whether a process lives, shared by history owners, CLI kills, temp-file sweeps
and crash recovery."""

from __future__ import annotations

import os
import subprocess
import sys

from runtime.processes import process_alive


def test_this_process_and_a_running_child_are_alive_a_reaped_one_is_not() -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert process_alive(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not process_alive(child.pid)


def test_what_is_not_a_process_id_is_not_alive() -> None:
    for value in (None, "123", 1.0, True, 0, -1):
        assert not process_alive(value)
