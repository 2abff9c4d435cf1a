"""Exports of an execution's logs: App logs as CSV, OS logs as one ZIP of ZIPs.

The reference product lets App logs be searched and downloaded as ``.csv`` and OS logs
be downloaded only together, as a single ZIP holding one ZIP per App. Both writers go
through a temporary file in the target directory, ``fsync`` and ``os.replace``, so the
target is either the old file or the complete new one, never a torn file. Output is
deterministic (ZIP entry times come from the execution's start time).
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import BinaryIO

from runtime.history.reader import HistoryReader
from runtime.history.records import ExecutionRecord, HistoryError, OsLogRecord

CSV_HEADER = ("time", "level", "state", "message")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_ZIP_FIRST = (1980, 1, 1, 0, 0, 0)
_ZIP_LAST = (2107, 12, 31, 23, 59, 58)


def iso_utc(epoch: float) -> str:
    """Format epoch seconds as ISO 8601 UTC with milliseconds, e.g. ``...T12:00:00.000Z``."""
    stamp = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def safe_state_name(state: str | None, limit: int = 60) -> str:
    """A file-name-safe form of a state name (``[A-Za-z0-9._-]``, at most ``limit``)."""
    cleaned = _UNSAFE_NAME.sub("_", state or "").strip("._")[:limit].rstrip("._")
    return cleaned or "step"


def _neutralise(text: str | None) -> str:
    """Prefix a quote to cells a spreadsheet would run as a formula (CSV injection)."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_START) else text


@contextmanager
def atomic_output(out: Path) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``out`` atomically when the block succeeds.

    Args:
        out: Target path; its directory is created if missing.

    Yields:
        The temporary file (same directory as ``out``), removed if the block raises.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    try:
        if hasattr(os, "fchmod"):  # run data: the user's own, 0600 like the history database
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_directory(out.parent)


def _fsync_directory(directory: Path) -> None:
    """Persist the rename on POSIX (directories cannot be opened on Windows)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _execution(store: HistoryReader, execution_id: str) -> ExecutionRecord:
    record = store.get_execution(execution_id)
    if record is None:
        raise HistoryError(f"no execution {execution_id!r} in the history")
    return record


def write_logs_csv(
    store: HistoryReader,
    execution_id: str,
    out: Path,
    *,
    seq: int | None = None,
    state: str | None = None,
    search: str | None = None,
    escape_formulas: bool = True,
    redact: Callable[[str], str] | None = None,
) -> int:
    """Write an execution's App logs as CSV (UTF-8, RFC 4180 line ends).

    Args:
        store: The history store.
        execution_id: Session id or unique prefix.
        out: Target file, replaced atomically.
        seq: Only this step's lines.
        state: Only lines of this state's steps.
        search: Only messages containing this text (the App Logs search bar).
        escape_formulas: Prefix ``'`` to state and message cells starting with
            ``= + - @``, tab or CR, so a spreadsheet shows them instead of running them.
        redact: Applied to each message first (``executions logs`` masks secret values).

    Returns:
        Number of data rows written (the header excluded).

    Raises:
        HistoryError: Unknown execution or ambiguous prefix.
    """
    record = _execution(store, execution_id)
    lines = store.logs(record.id, seq=seq, state=state, search=search)
    clean = _neutralise if escape_formulas else (lambda text: text or "")
    with atomic_output(Path(out)) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(CSV_HEADER)
        writer.writerows(
            (iso_utc(line.time), line.level, clean(line.state),
             clean(redact(line.message or "") if redact else line.message))
            for line in lines
        )
        text.flush()
        text.detach()
    return len(lines)


def _zip_time(epoch: float) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry time (UTC, whole seconds, within the 1980-2107 range ZIP can hold)."""
    try:
        moment = datetime.fromtimestamp(epoch, UTC)
    except (OverflowError, OSError, ValueError):
        return _ZIP_FIRST
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return min(max(stamp, _ZIP_FIRST), _ZIP_LAST)


def _inner_zip(chunks: list[OsLogRecord], when: tuple[int, int, int, int, int, int]) -> bytes:
    """One step's ZIP: ``stdout.txt`` and ``stderr.txt`` (empty if nothing was written)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as inner:
        for stream in ("stdout", "stderr"):
            data = "".join(c.text for c in chunks if c.stream == stream)
            info = zipfile.ZipInfo(f"{stream}.txt", date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            inner.writestr(info, data.encode("utf-8"))
    return buffer.getvalue()


def inner_zip_name(seq: int | None, state: str | None) -> str:
    """Name of a step's ZIP inside the download: ``0007-Lookup_IP.zip``."""
    if seq is None:
        return "execution.zip"
    return f"{seq:04d}-{safe_state_name(state)}.zip"


def write_os_logs_zip(store: HistoryReader, execution_id: str, out: Path) -> int:
    """Write all OS logs of an execution as one ZIP holding one ZIP per step.

    Each inner ZIP is named ``f"{seq:04d}-{safe_state_name}.zip"`` (``execution.zip``
    for output not tied to a step) and holds ``stdout.txt`` and ``stderr.txt``.

    Args:
        store: The history store.
        execution_id: Session id or unique prefix.
        out: Target file, replaced atomically.

    Returns:
        Number of inner ZIPs (steps with OS logs).

    Raises:
        HistoryError: Unknown execution or ambiguous prefix.
    """
    record = _execution(store, execution_id)
    when = _zip_time(record.started)
    count = 0
    with atomic_output(Path(out)) as handle, zipfile.ZipFile(handle, "w") as outer:
        for seq, group in groupby(store.os_logs(record.id), key=lambda c: c.seq):
            chunks = list(group)
            info = zipfile.ZipInfo(inner_zip_name(seq, chunks[0].state), date_time=when)
            outer.writestr(info, _inner_zip(chunks, when))  # stored: already deflated
            count += 1
    return count
