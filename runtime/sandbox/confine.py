"""Operating-system confinement the sandboxed child applies to itself before user code runs.

Owns the Linux layers (see ``docs/guide.md``, "Confinement"): dying with the parent
(``PR_SET_PDEATHSIG``), a child subreaper, dropped capabilities, ``RLIMIT_NPROC`` 0, Landlock
(file-system reads limited to the Python installation, writes to the run's scratch folder, no
TCP, no signals or abstract sockets outside the sandbox) and a seccomp filter (no sockets, no
new processes or programs, no signals to other processes, no tracing, no mounts or namespaces,
no executable memory, so no native code is loaded after start-up). A refused system call
fails with ``EPERM``/``EACCES`` so Python raises. The audit hook is a second line that names
what was refused; it is not the boundary.

This file is prepended to ``child.py`` and runs in the child (``python -I -c``): it imports only
the standard library, plus ``pyseccomp`` from the Python installation when it is there. It
never imports ``runtime``. :func:`probe` reports what this machine offers, for the parent.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import sysconfig
from typing import Any

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
_SYS_LANDLOCK_CREATE_RULESET = 444  # the same number on every Linux architecture
_SYS_LANDLOCK_ADD_RULE = 445
_SYS_LANDLOCK_RESTRICT_SELF = 446
_LANDLOCK_CREATE_RULESET_VERSION = 1
_LANDLOCK_RULE_PATH_BENEATH = 1
# Landlock file-system rights by ABI version (bit i of the kernel's access mask).
_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FS_READ = (1 << 2) | (1 << 3)  # READ_FILE | READ_DIR
_NET_TCP = (1 << 0) | (1 << 1)  # BIND_TCP | CONNECT_TCP (ABI 4)
_SCOPE_ALL = (1 << 0) | (1 << 1)  # ABSTRACT_UNIX_SOCKET | SIGNAL (ABI 6)
_CLONE_THREAD = 0x10000
_PROT_EXEC = 0x4
# Modules loaded before executable memory is refused, so a Function can still use them.
PRELOADED = (
    "array", "base64", "binascii", "bisect", "collections", "copy", "csv", "datetime",
    "decimal", "fractions", "functools", "hashlib", "heapq", "hmac", "ipaddress",
    "itertools", "json", "math", "operator", "random", "re", "secrets", "statistics",
    "string", "struct", "textwrap", "time", "unicodedata", "urllib.parse", "uuid", "zlib",
    # Not for use: loaded so that their calls meet the system-call filter (and are named),
    # rather than failing earlier on the refused executable mapping of their module.
    "select", "socket", "subprocess",
)  # fmt: skip
# Refused outright (EPERM); clone, kill and friends are refused with argument conditions.
_DENIED_SYSCALLS = (
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    "execve", "execveat", "fork", "vfork", "tkill", "ptrace", "process_vm_readv",
    "process_vm_writev", "kcmp", "pidfd_open", "pidfd_getfd", "pidfd_send_signal",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "bpf", "perf_event_open",
    "keyctl", "add_key", "request_key", "init_module", "finit_module", "delete_module",
    "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "memfd_create",
    "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "open_by_handle_at", "name_to_handle_at", "setsid", "setpgid", "personality",
    "mount_setattr", "move_mount", "open_tree", "fsopen", "fsmount", "fspick",
)  # fmt: skip


class ConfinementError(Exception):
    """A confinement layer that this machine offers could not be applied."""


def _libc() -> Any:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    libc.prctl.restype = ctypes.c_int
    return libc


def _prctl(libc: Any, option: int, value: int) -> None:
    args = [ctypes.c_ulong(0)] * 3
    if libc.prctl(option, ctypes.c_ulong(value), *args) != 0:
        raise ConfinementError(f"prctl({option}) failed: {os.strerror(ctypes.get_errno())}")


def landlock_abi(libc: Any = None) -> int:
    """The Landlock ABI version the kernel offers, 0 when it has none (or it is disabled)."""
    if not sys.platform.startswith("linux"):
        return 0
    libc = libc or _libc()
    found = libc.syscall(
        ctypes.c_long(_SYS_LANDLOCK_CREATE_RULESET), None, ctypes.c_size_t(0),
        ctypes.c_uint32(_LANDLOCK_CREATE_RULESET_VERSION),
    )  # fmt: skip
    return max(0, int(found))


def seccomp_module() -> Any:
    """The ``pyseccomp`` module, or None when it (or libseccomp) is missing."""
    try:
        import pyseccomp
    except (ImportError, OSError, RuntimeError):
        return None
    return pyseccomp


def readable_roots() -> list[str]:
    """Directories a Function may read: the Python installation's library folders only."""
    roots: set[str] = set()
    bases: tuple[dict[str, str], ...] = (
        {}, {"base": sys.base_prefix, "platbase": sys.base_exec_prefix},
    )
    for variables in bases:
        paths = sysconfig.get_paths(vars=variables)
        for key in ("stdlib", "platstdlib", "purelib", "platlib"):
            if os.path.isdir(paths[key]):
                roots.add(os.path.realpath(paths[key]))
    for extra in ("/usr/share/zoneinfo",):
        if os.path.isdir(extra):
            roots.add(extra)
    return sorted(roots)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _fs_rights(abi: int) -> int:
    return _FS_RIGHTS_BY_ABI[max(key for key in _FS_RIGHTS_BY_ABI if key <= abi)]


def _add_path(libc: Any, ruleset: int, path: str, allowed: int) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        rule = _PathBeneath(allowed, fd)
        done = libc.syscall(
            ctypes.c_long(_SYS_LANDLOCK_ADD_RULE), ctypes.c_int(ruleset),
            ctypes.c_int(_LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0),
        )  # fmt: skip
        if done != 0:
            raise ConfinementError(f"landlock rule for {path}: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)


def apply_landlock(libc: Any, abi: int, scratch: str) -> None:
    """Reads only below the Python installation, everything only below ``scratch``."""
    rights = _fs_rights(abi)
    attr = _RulesetAttr(rights, _NET_TCP if abi >= 4 else 0, _SCOPE_ALL if abi >= 6 else 0)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    ruleset = libc.syscall(
        ctypes.c_long(_SYS_LANDLOCK_CREATE_RULESET), ctypes.byref(attr), ctypes.c_size_t(size),
        ctypes.c_uint32(0),
    )  # fmt: skip
    if ruleset < 0:
        raise ConfinementError(f"landlock ruleset: {os.strerror(ctypes.get_errno())}")
    try:
        for root in readable_roots():
            _add_path(libc, ruleset, root, _FS_READ & rights)
        _add_path(libc, ruleset, "/dev/null", (1 << 1) | (1 << 2))  # WRITE_FILE | READ_FILE
        _add_path(libc, ruleset, scratch, rights)
        if libc.syscall(ctypes.c_long(_SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_int(ruleset),
                        ctypes.c_uint32(0)) != 0:
            raise ConfinementError(f"landlock restrict: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)


def apply_seccomp(seccomp: Any) -> None:
    """Load the filter: refused calls fail with EPERM (clone3 with ENOSYS, so threads fall
    back to clone, which is allowed for threads only)."""
    deny = seccomp.ERRNO(errno.EPERM)
    pid = os.getpid()
    flt = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in _DENIED_SYSCALLS:
        try:
            flt.add_rule(deny, name)
        except (OSError, ValueError, RuntimeError):
            pass  # a call this architecture or libseccomp does not know
    flt.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    flt.add_rule(deny, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, _CLONE_THREAD, 0))
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        flt.add_rule(deny, name, seccomp.Arg(0, seccomp.NE, pid))
    for name in ("mmap", "mprotect", "pkey_mprotect"):
        flt.add_rule(deny, name, seccomp.Arg(2, seccomp.MASKED_EQ, _PROT_EXEC, _PROT_EXEC))
    flt.add_rule(deny, "prctl", seccomp.Arg(0, seccomp.EQ, PR_SET_PDEATHSIG))
    flt.load()


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


def _drop_capabilities(libc: Any) -> None:
    """Give up every capability (a root user's sandbox keeps uid 0 but no privileges)."""
    header = _CapHeader(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    if libc.capset(ctypes.byref(header), ctypes.byref(data)) != 0:
        raise ConfinementError(f"capset: {os.strerror(ctypes.get_errno())}")


def _preload() -> None:
    import importlib

    for name in PRELOADED:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def confine_process(parent_pid: int, scratch: str) -> list[str]:
    """Apply every layer this machine offers to the calling process (the sandbox child).

    Args:
        parent_pid: The supervising process; if it is already gone, exit at once.
        scratch: The run's scratch folder (the working directory), the only writable place.

    Returns:
        The layers applied, for the report.

    Raises:
        ConfinementError: A layer the machine offers could not be applied.
    """
    applied: list[str] = []
    if not sys.platform.startswith("linux"):
        return applied
    libc = _libc()
    _prctl(libc, PR_SET_PDEATHSIG, 9)
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        os._exit(1)
    _prctl(libc, PR_SET_CHILD_SUBREAPER, 1)
    _prctl(libc, PR_SET_DUMPABLE, 0)
    applied += ["pdeathsig", "subreaper"]
    seccomp = seccomp_module()  # imported while libseccomp can still be read and mapped
    _preload()
    import resource

    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    applied.append("nproc")
    if os.geteuid() == 0:
        _drop_capabilities(libc)
        applied.append("capabilities")
    _prctl(libc, PR_SET_NO_NEW_PRIVS, 1)
    abi = landlock_abi(libc)
    if abi > 0:
        apply_landlock(libc, abi, scratch)
        applied.append(f"landlock-{abi}")
    if seccomp is not None:
        apply_seccomp(seccomp)
        applied.append("seccomp")
    return applied


# What the audit hook names when user code tries it (the OS refuses it in any case).
AUDITED = {
    "socket.__new__": "open a network socket", "socket.connect": "connect a socket",
    "socket.bind": "bind a socket", "subprocess.Popen": "start a process (subprocess)",
    "os.system": "start a process (os.system)", "os.exec": "run a program (os.exec*)",
    "os.posix_spawn": "start a process (os.posix_spawn)", "os.spawn": "start a process",
    "os.fork": "start a process (os.fork)", "os.forkpty": "start a process (os.forkpty)",
    "os.kill": "send a signal (os.kill)", "os.killpg": "send a signal (os.killpg)",
    "signal.pthread_kill": "send a signal", "ctypes.dlopen": "load native code (ctypes)",
    "os.setsid": "start a new session",
}  # fmt: skip


def install_audit_hook(attempts: list[str], enforce: bool) -> None:
    """Record each refused kind of operation in ``attempts``; with ``enforce`` raise at once.

    A second line only: the OS layers refuse the same operations when this is bypassed.
    """
    audited = AUDITED

    def hook(event: str, args: tuple[Any, ...]) -> None:
        what = audited.get(event)
        if what is None:
            return
        if event == "os.kill" and args and args[0] == os.getpid():
            return
        attempts.append(what)
        if enforce:
            raise PermissionError(errno.EPERM, f"the sandbox does not allow this: {what}")

    sys.addaudithook(hook)


def probe() -> dict[str, Any]:
    """What this machine can confine (used by ``runtime.sandbox.confinement_report``)."""
    linux = sys.platform.startswith("linux")
    return {
        "platform": sys.platform,
        "landlock_abi": landlock_abi() if linux else 0,
        "seccomp": linux and seccomp_module() is not None,
    }
