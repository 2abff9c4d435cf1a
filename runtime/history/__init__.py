"""Durable execution history: SQLite (WAL) store, records and log exports.

The engine appends plain tuples (``STEP_COLUMNS``, ``LOG_COLUMNS``, ``OS_LOG_COLUMNS``)
to a ``HistoryStore``, which writes them in batches; the Executions pane and the CLI
read ``ExecutionRecord`` / ``StepRecord`` / ``LogRecord`` / ``OsLogRecord`` back and
export App logs as CSV and OS logs as one ZIP of per-step ZIPs.
"""

from __future__ import annotations

from runtime.history.export import write_logs_csv, write_os_logs_zip
from runtime.history.jobs import INTERRUPTED_MESSAGE
from runtime.history.records import (
    ExecutionRecord,
    HistoryError,
    LogRecord,
    OsLogRecord,
    StateSummary,
    StepRecord,
    StepRow,
    step_row,
)
from runtime.history.schema import LOG_COLUMNS, OS_LOG_COLUMNS, SCHEMA_VERSION, STEP_COLUMNS
from runtime.history.store import HISTORY_ENV, HistoryStore, default_history_path, default_worker

__all__ = [
    "HISTORY_ENV",
    "INTERRUPTED_MESSAGE",
    "LOG_COLUMNS",
    "OS_LOG_COLUMNS",
    "SCHEMA_VERSION",
    "STEP_COLUMNS",
    "ExecutionRecord",
    "HistoryError",
    "HistoryStore",
    "LogRecord",
    "OsLogRecord",
    "StateSummary",
    "StepRecord",
    "StepRow",
    "default_history_path",
    "default_worker",
    "step_row",
    "write_logs_csv",
    "write_os_logs_zip",
]
