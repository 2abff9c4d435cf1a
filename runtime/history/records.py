"""Read-side records of the execution history.

A step is one :class:`StepRow` everywhere: the engine builds it (with :func:`step_row`),
the store binds it as-is, the queries read it back, the CLI and the run panels read its
fields by name (``StepRecord`` is the same type). The other records are frozen, slotted
dataclasses built only when something is shown or exported: ``ExecutionRecord`` is one
row of the Executions list and the Execution header (SESSION, STATUS, STARTED, COMPLETED,
PLAYBOOK, JOB SERVER, WORKER, LOG LEVEL); ``LogRecord`` and ``OsLogRecord`` are App and OS
log lines. ``StateSummary`` aggregates the steps of one state for the Execution Graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

#: Log levels at which the engine records step inputs and outputs.
IO_LOG_LEVELS = frozenset({"DEBUG", "TRACE"})


class HistoryError(Exception):
    """Raised for a history store misuse or an unreadable history database."""


@dataclass(frozen=True, slots=True)
class ExecutionRecord:
    """One execution (a session): the Execution screen header and list row.

    Attributes:
        id: The session id.
        playbook: The playbook name.
        playbook_hash: Hash of the playbook definition that ran.
        profile: Run profile name, if one was used.
        status: ``running``, ``success``, ``partial``, ``failed`` or ``interrupted``.
        message: Final status message, if any.
        started: Start time, epoch seconds.
        ended: End time, epoch seconds, whatever the outcome (None while running).
        completed: End time only when the execution completed (success or partial);
            the UI shows COMPLETED from it and leaves it empty otherwise.
        log_level: Log level the execution ran at.
        job_server: Job server name (``embedded`` for the in-process runtime).
        worker: Worker that ran it (``<hostname>-<pid>`` by default).
        transitions: Number of state transitions performed.
        parent_execution: Session id of the parent when run as a component.
        parent_seq: Step seq in the parent that started this execution.
        trigger_json: Trigger payload as JSON, if recorded.
    """

    id: str
    playbook: str
    playbook_hash: str
    profile: str | None
    status: str
    message: str | None
    started: float
    ended: float | None
    completed: float | None
    log_level: str
    job_server: str
    worker: str
    transitions: int
    parent_execution: str | None
    parent_seq: int | None
    trigger_json: str | None

    @property
    def elapsed(self) -> float | None:
        """Seconds from start to end, or None while running or when unknown."""
        return None if self.ended is None else self.ended - self.started

    @property
    def records_io(self) -> bool:
        """Whether step inputs, outputs and OS logs were recorded (DEBUG or TRACE)."""
        return self.log_level.upper() in IO_LOG_LEVELS


class StepRow(NamedTuple):
    """One executed step: the one step record shared by the engine, the history, the CLI and
    the run panels. It is a tuple (the store binds it as-is, the hot loop builds it with
    :func:`step_row` at C speed) whose fields are also the ``steps`` table's columns.

    Attributes:
        execution_id: Session id the step belongs to.
        seq: Step sequence number within the execution (unique).
        state: State (App / Operator / Trigger) name.
        type: State type.
        status: ``success``, ``failed``, ``killed`` or ``skipped``.
        started: Start time, epoch seconds (virtual clock).
        ended: End time, or None for a killed or unfinished step.
        message: Status message (for a failed step: the reference's message for its code).
        error_code: Error code when failed.
        iteration: Batch item index when run inside a batch (Iterator Index).
        parent_seq: Seq of the enclosing batch or parallel step.
        path: Parallel path name.
        child_execution: Session id of a component execution started by the step.
        input_json: The state's input as JSON (recorded at DEBUG / TRACE only).
        output_json: Outputs as JSON (recorded at DEBUG / TRACE only).
        transition: The edge the step took, as the field path of the state that holds it:
            ``next``, ``default``, ``conditions[<i>].next``, ``on_error[<i>].fallback.next``;
            None when the step ended its pathway (End, Success, Failure) or did not finish.
        params_json: The resolved parameters a Function, Circuit or action state passed on,
            as JSON (DEBUG / TRACE only).
        detail: The tenant's or the sandbox's own words about a failure, beside the
            reference's fixed ``message``.
    """

    execution_id: str
    seq: int
    state: str
    type: str
    status: str
    started: float
    ended: float | None
    message: str | None
    error_code: str | None
    iteration: int | None
    parent_seq: int | None
    path: str | None
    child_execution: str | None
    input_json: str | None
    output_json: str | None
    transition: str | None = None
    params_json: str | None = None
    detail: str | None = None

    @property
    def elapsed(self) -> float | None:
        """Seconds from start to end, or None when the step has no end time."""
        return None if self.ended is None else self.ended - self.started


#: The read side's name for a step; the same type as the engine's rows.
StepRecord = StepRow

_tuple_new = tuple.__new__


def step_row(values: tuple[Any, ...]) -> StepRow:
    """The one place a step record is built: ``values`` in :class:`StepRow` field order
    (all eighteen) become a :class:`StepRow` without the keyword machinery (C speed)."""
    return _tuple_new(StepRow, values)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One App log line.

    Attributes:
        execution_id: Session id.
        seq: Step seq the line belongs to, None for an execution-level line.
        time: Epoch seconds.
        level: Log level name.
        message: The text.
        state: Name of the step's state (joined from the steps), None if unknown.
        detail: The tenant's (or sandbox's) own words beside a fixed reference message.
    """

    execution_id: str
    seq: int | None
    time: float
    level: str
    message: str
    state: str | None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class OsLogRecord:
    """One chunk of a step's OS log (standard output or standard error).

    Attributes:
        execution_id: Session id.
        seq: Step seq, None for execution-level output.
        stream: ``stdout`` or ``stderr``.
        text: The captured text, in write order.
        state: Name of the step's state, None if unknown.
    """

    execution_id: str
    seq: int | None
    stream: str
    text: str
    state: str | None


@dataclass(frozen=True, slots=True)
class StateSummary:
    """Aggregate of one state's steps, for colouring the Execution Graph.

    Attributes:
        state: State name.
        runs: Number of steps recorded for the state (all iterations and paths).
        succeeded: Steps with status ``success`` (the Iterator's success count).
        failed: Steps with status ``failed``.
        killed: Steps with status ``killed``.
        skipped: Steps with status ``skipped``.
        last_seq: Seq of the state's latest step.
        last_status: Status of that latest step.
    """

    state: str
    runs: int
    succeeded: int
    failed: int
    killed: int
    skipped: int
    last_seq: int
    last_status: str
