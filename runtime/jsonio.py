"""Bounded, strict JSON reading and deterministic, atomic JSON writing.

Every file a user hands us (a playbook, a server definition, a run profile payload) passes
through :func:`loads_bounded` before anything else looks at it: size and nesting depth are
capped before the parser runs, duplicate keys, ``NaN`` and ``Infinity`` are refused, and each
failure is a :class:`JsonInputError` whose message names the place (``line:column`` or the
key). Writing goes through :func:`dump_text` (stable key order, indent 2, trailing newline) and
:func:`write_atomic` (temp file in the same folder, fsync, ``os.replace``).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Iterable
from itertools import accumulate
from pathlib import Path
from typing import Any

from runtime.gcpause import paused_gc

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64

_STRING_RE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: fast
_BRACKETS_ONLY = bytes(c for c in range(256) if chr(c) not in "[]{}")
_STRUCTURE_ONLY = bytes(c for c in range(256) if chr(c) not in '[]{}"\\')
_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class JsonInputError(ValueError):
    """Input that is not acceptable JSON; the message says what and where."""

    def __init__(self, message: str, *, source: str = "") -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)
        self.detail = message


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _BadConstant(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


class _BadNumber(Exception):
    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason


#: Python refuses to convert longer integer literals (``sys.get_int_max_str_digits``); a
#: playbook has no use for them, so they are refused at load with the place named.
MAX_INT_DIGITS = 4300
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _refuse_constant(name: str) -> Any:
    raise _BadConstant(name)


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadNumber(text, f"an integer of {len(text.lstrip('-')):,} digits is too long "
                               f"(the limit is {MAX_INT_DIGITS:,})")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_INT_DIGITS:
        raise _BadNumber(text, f"a number of {len(text):,} characters is too long "
                               f"(the limit is {MAX_INT_DIGITS:,})")
    value = float(text)
    if value in (math.inf, -math.inf):
        raise _BadNumber(text, f"{text[:40]} is out of range (not a finite number)")
    return value


def _locate_number(text: str, number: str) -> str:
    """Where the number literal ``number`` first occurs outside a string."""
    blanked = _TEXT_STRING_RE.sub(lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)
    match = re.search(r"(?<![\w.+\-])" + re.escape(number) + r"(?![\w.])", blanked)
    return " at " + _line_col(text, match.start()) if match else ""


def find_lone_surrogate(value: Any, parts: tuple[str | int, ...] = ()) -> str | None:
    """The JSON pointer of the first string (or key) holding a lone UTF-16 surrogate."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, parts)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return iter_json_pointer(where) or "/"
        elif isinstance(item, dict):
            for key, inner in reversed(list(item.items())):
                if _LONE_SURROGATE.search(str(key)):
                    return iter_json_pointer((*where, _printable(str(key))))
                stack.append((inner, (*where, str(key))))
        elif isinstance(item, list):
            stack.extend((inner, (*where, i)) for i, inner in reversed(list(enumerate(item))))
    return None


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _line_col(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"line {line}, column {col}"


_QUOTES_AND_BRACKETS_ONLY = bytes(c for c in range(256) if chr(c) not in '[]{}"')


def _shallow(raw: bytes, limit: int) -> bool:
    """Whether the nesting depth is surely at most ``limit``: a cheap test, all in C.

    Escaped quotes and backslashes are dropped, then everything but quotes and brackets; each
    round removes empty strings and innermost ``[]`` and ``{}`` pairs (at most two levels of
    nesting per round, since strings add none), so emptying within ``limit // 2`` rounds bounds
    the depth. Brackets inside strings only make the test answer no, never a wrong yes.
    """
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = raw.translate(None, _QUOTES_AND_BRACKETS_ONLY)
    for _ in range(limit // 2):
        if not skeleton:
            return True
        skeleton = skeleton.replace(b'""', b"").replace(b"[]", b"").replace(b"{}", b"")
    return not skeleton


def _max_depth(raw: bytes, limit: int) -> int:
    """The nesting depth, or a bound at or under ``limit`` when the depth cannot exceed it."""
    openers = raw.count(b"[") + raw.count(b"{")
    if openers <= limit:
        return openers
    if _shallow(raw, limit):
        return limit
    # Keep only brackets, quotes and backslashes (escapes stay intact), drop the strings, then
    # count: all in C, about 2 ms per megabyte.
    skeleton = raw.translate(None, _STRUCTURE_ONLY)
    if b"\\" in skeleton:
        outside = _STRING_RE.sub(b"", skeleton)
    else:  # no escapes: strings are exactly the odd pieces between quotes
        outside = b"".join(skeleton.split(b'"')[::2])
    brackets = outside.translate(None, _BRACKETS_ONLY)
    if not brackets:
        return 0
    return max(accumulate(map(_DELTA.__getitem__, brackets)))


_TEXT_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_STRUCTURE_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]', re.DOTALL)


def _locate_constant(text: str, name: str) -> str:
    """Where ``name`` (NaN, Infinity, -Infinity) first occurs outside a string."""
    blanked = _TEXT_STRING_RE.sub(lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', text)
    match = re.search(r"(?<![\w\-])" + re.escape(name) + r"(?!\w)", blanked)
    return " at " + _line_col(text, match.start()) if match else ""


def _locate_duplicate(text: str, key: str) -> str:
    """Where ``key`` first repeats inside one object (strings and nesting respected)."""
    stack: list[set[str] | None] = []
    pending: tuple[str, int] | None = None
    for match in _STRUCTURE_RE.finditer(text):
        token = match.group(0)
        if token in "{[":
            stack.append(set() if token == "{" else None)
        elif token in "}]":
            if stack:
                stack.pop()
        elif token == ":" and pending is not None and stack and stack[-1] is not None:
            seen = stack[-1]
            if pending[0] in seen and pending[0] == key:
                return " at " + _line_col(text, pending[1])
            seen.add(pending[0])
        if token.startswith('"'):
            try:
                pending = (json.loads(token), match.start())
            except ValueError:
                pending = None
        elif token != ":":
            pending = None
    return ""


def decode_text(raw: bytes, *, source: str = "") -> str:
    """Decode UTF-8 (an optional BOM allowed), refusing binary data with a located message."""
    if not raw or raw.isspace():  # (strip() would copy the whole file)
        raise JsonInputError("the file is empty", source=source)
    if b"\x00" in raw[:8192]:
        raise JsonInputError("this is a binary file, not JSON text", source=source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JsonInputError(
            f"not UTF-8 text (invalid byte at offset {exc.start})", source=source
        ) from None


def loads_bounded(
    raw: bytes | str, *, source: str = "", max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
    """Parse JSON strictly within size and depth caps.

    Args:
        raw: The bytes (or text) to parse.
        source: A name for messages, usually the file path.
        max_bytes: Refuse larger input before parsing.
        max_depth: Refuse deeper nesting before parsing.

    Returns:
        The parsed value.

    Raises:
        JsonInputError: For anything that is not acceptable JSON, with the place named.
    """
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        raise JsonInputError(
            f"the file is {len(data):,} bytes; the limit is {max_bytes:,} bytes", source=source
        )
    text = raw if isinstance(raw, str) else decode_text(data, source=source)
    if not text or text.isspace():
        raise JsonInputError("the file is empty", source=source)
    depth = _max_depth(data, max_depth)
    if depth > max_depth:
        raise JsonInputError(
            f"nesting is {depth} levels deep; the limit is {max_depth}", source=source
        )
    try:
        with paused_gc():  # a large file is thousands of containers: no collector passes
            value = _strict_loads(text)
    except _BadNumber as exc:
        where = _locate_number(text, exc.text)
        raise JsonInputError(f"{exc.reason}{where}", source=source) from None
    except _DuplicateKey as exc:
        where = _locate_duplicate(text, exc.key)
        raise JsonInputError(f"duplicate key {json.dumps(exc.key)}{where}", source=source) from None
    except _BadConstant as exc:
        where = _locate_constant(text, exc.name)
        raise JsonInputError(
            f"{exc.name} is not allowed in JSON{where}", source=source
        ) from None
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", source=source
        ) from None
    except RecursionError:
        raise JsonInputError("nesting is too deep", source=source) from None
    # Text decoded from UTF-8 bytes holds no lone surrogate; only a \\u escape can make one.
    if ("\\u" in text and _SURROGATE_ESCAPE.search(text)) or (
            isinstance(raw, str) and not text.isascii() and _LONE_SURROGATE.search(text)):
        pointer = find_lone_surrogate(value)
        if pointer is not None:
            raise JsonInputError(
                f"{pointer}: a lone UTF-16 surrogate (\\ud800-\\udfff) is not text; "
                "use the pair of a whole character", source=source)
    return value


def _strict_loads(text: str) -> Any:
    """``json.loads`` refusing duplicate keys, NaN/Infinity and over-long numbers.

    Integers are left to the C parser when Python's own digit limit is at or under
    :data:`MAX_INT_DIGITS` (the usual 4,300): it refuses longer ones with a ``ValueError``, and
    only then is the text parsed again with a per-integer check that names the place. A hook per
    integer cost a fifth of the parse.
    """
    limit = sys.get_int_max_str_digits()
    if not 0 < limit <= MAX_INT_DIGITS:
        return json.loads(text, object_pairs_hook=_pairs_hook, parse_constant=_refuse_constant,
                          parse_int=_parse_int, parse_float=_parse_float)
    try:
        return json.loads(text, object_pairs_hook=_pairs_hook, parse_constant=_refuse_constant,
                          parse_float=_parse_float)
    except json.JSONDecodeError:
        raise
    except ValueError:  # the digit limit: parse again to say where
        return json.loads(text, object_pairs_hook=_pairs_hook, parse_constant=_refuse_constant,
                          parse_int=_parse_int, parse_float=_parse_float)


def read_json_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read and parse a JSON file within the caps; every failure is a JsonInputError."""
    p = Path(path)
    try:
        if p.is_dir():
            raise JsonInputError("this is a folder, not a file", source=str(p))
        size = p.stat().st_size
        if size > max_bytes:
            raise JsonInputError(
                f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes", source=str(p)
            )
        with p.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise JsonInputError("no such file", source=str(p)) from None
    except PermissionError:
        raise JsonInputError("permission denied", source=str(p)) from None
    except OSError as exc:
        raise JsonInputError(f"cannot read: {exc.strerror or exc}", source=str(p)) from None
    return loads_bounded(raw, source=str(p), max_bytes=max_bytes)


def dump_text(value: Any) -> str:
    """Deterministic JSON text: indent 2, keys in the order given, UTF-8, newline at end."""
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


#: Temporary files of :func:`write_atomic` are named ``.pbs-tmp-<pid>-<file name>.<random>.tmp``
#: so that a later process can tell them (and whether their writer is gone) from anything else.
TEMP_PREFIX = ".pbs-tmp-"
_SWEPT: set[str] = set()
_LEGACY_AGE = 3600.0


def write_atomic(path: str | Path, text: str | bytes) -> None:
    """Write a file atomically: temp file beside it, fsync, then os.replace.

    A crash at any point leaves either the old file or the new one, never a torn one. Every
    failure path removes the temporary file; one left by a killed process (SIGKILL cannot be
    caught) is swept by the first write of a later process into the same folder
    (:func:`sweep_temp_files`).
    """
    target = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    folder = str(target.parent)
    if folder not in _SWEPT:
        _SWEPT.add(folder)
        sweep_temp_files(target.parent)
    import tempfile  # here: with shutil and random it is 2.5 ms of every start-up

    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-{target.name}.",
                               suffix=".tmp", dir=target.parent)
    try:
        try:
            fh = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _writer_gone(name: str) -> bool:
    """Whether the process that created this ``TEMP_PREFIX`` file no longer exists."""
    pid_text = name[len(TEMP_PREFIX):].split("-", 1)[0]
    if not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    from runtime.processes import process_alive

    return not process_alive(pid)


def _stale(folder: Path, name: str, now: float) -> bool:
    if name.startswith(TEMP_PREFIX) and name.endswith(".tmp"):
        return _writer_gone(name)
    # Older releases: ".<file name>.<8 random>.tmp" beside an existing file, an hour old.
    parts = name.rsplit(".", 2)
    if not (name.startswith(".") and len(parts) == 3 and parts[2] == "tmp"
            and len(parts[1]) == 8 and (folder / parts[0][1:]).exists()):
        return False
    try:
        return now - (folder / name).stat().st_mtime > _LEGACY_AGE
    except OSError:
        return False


def sweep_temp_files(folder: str | Path) -> int:
    """Remove temporary files that killed writers left in ``folder``.

    Args:
        folder: A folder :func:`write_atomic` writes into.

    Returns:
        The number of files removed.
    """
    import time

    where = Path(folder)
    try:
        names = os.listdir(where)
    except OSError:
        return 0
    removed = 0
    now = time.time()
    for name in names:
        if name.endswith(".tmp") and _stale(where, name, now):
            try:
                os.unlink(where / name)
                removed += 1
            except OSError:
                pass
    return removed


_ERRNO_TEXT = {
    "ENOSPC": "the disk is full",
    "EDQUOT": "the disk quota is exceeded",
    "EROFS": "the folder is on a read-only file system",
    "EACCES": "permission denied (the folder or file is not writable)",
    "EPERM": "permission denied (the folder or file is not writable)",
    "ENOENT": "the folder does not exist",
    "ENOTDIR": "a part of the path is a file, not a folder",
    "EEXIST": "a part of the path is a file, not a folder",
    "EISDIR": "this is a folder, not a file",
    "ENAMETOOLONG": "the file name is too long",
    "EFBIG": "the file is too large for this file system",
    "EIO": "an input/output error on the disk",
    "EMFILE": "too many open files",
}


def describe_os_error(exc: BaseException) -> str:
    """A sentence for a person from an OSError: its errno mapped, never "Unknown error"."""
    import errno

    code = getattr(exc, "errno", None)
    name = errno.errorcode.get(code, "") if isinstance(code, int) else ""
    if name in _ERRNO_TEXT:
        return _ERRNO_TEXT[name]
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text if "unknown error" not in text.lower() else f"{text} ({name or code})"


def iter_json_pointer(parts: Iterable[str | int]) -> str:
    """Format path parts as a JSON pointer (``/definition/Get Alerts/parameters/limit``)."""
    out = []
    for part in parts:
        out.append(str(part).replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(out) if out else ""
