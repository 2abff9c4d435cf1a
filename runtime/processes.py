"""Whether a process is alive: the one test used by history owners, CLI kills, temp-file sweeps
and the designer's crash recovery."""

from __future__ import annotations

import os
import sys


def process_alive(pid: object) -> bool:
    """Whether a process with this id exists on this machine (this process counts as alive).

    Anything that is not a positive integer is not a process. A process owned by another user
    exists (the permission error says so)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(ctypes.get_last_error() == 5)  # type: ignore[attr-defined]  # denied: exists
        try:
            code = ctypes.c_ulong()
            alive = kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) and code.value == 259
            return bool(alive)  # 259: STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
