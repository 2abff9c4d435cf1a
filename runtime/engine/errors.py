"""Errors that move through the engine: a step's failure, a pathway's failure, a stop, an end.

- :class:`StepError`: one step failed (an action's error code, a schema failure, a function
  that raised). Its ``error_type`` is what ``on_error`` matches: ``timeout_error``,
  ``execution_error``, ``authorization_error``; ``custom_error`` matches by ``code``.
  ``message`` is the reference's fixed text for the code; ``detail`` carries the tenant's (or
  the sandbox's) own words beside it.
- :class:`PathFailed`: the execution fails (a Failure state, or a StepError nobody caught),
  wherever it happened: a Parallel path or a Batch item stops its siblings.
- :class:`ExecutionEnded`: a Success state inside a Parallel path or a Batch body ended the
  whole execution as succeeded (the siblings are stopped).
- :class:`ExecutionStopped`: the whole execution stops (killed, reaped, transition cap).
"""

from __future__ import annotations

from typing import Any

SCHEMA_ERROR = "JSON_SCHEMA_VALIDATION_FAILED"


class StepError(Exception):
    """A failed step, with the server's error code and message (and a detail beside it)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        error_type: str = "execution_error",
        http_status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.error_type = error_type
        self.http_status = http_status
        self.title = title
        self.detail = detail
        self.params: Any = None

    def as_output(self) -> dict[str, object]:
        """The error object a fallback receives: the reference's ``code`` and ``message``
        (its "Sample error message"), the ``detail`` when there is one, the error type, the
        HTTP status and title when the catalog gives them, and ``error`` / ``cause`` (the
        same code and message under the names earlier releases used)."""
        out: dict[str, object] = {"code": self.code, "message": self.message}
        if self.detail:
            out["detail"] = self.detail
        out["error_type"] = self.error_type
        if self.http_status is not None:
            out["http_status"] = self.http_status
        if self.title is not None:
            out["title"] = self.title
        out["error"] = self.code
        out["cause"] = self.message
        return out


class PathFailed(Exception):
    """The execution failed; ``error``/``cause`` say why, ``state`` where."""

    def __init__(
        self, error: str, cause: str, state: str | None = None, detail: str | None = None
    ) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.state = state
        self.detail = detail


class ExecutionEnded(Exception):
    """A Success state inside a Parallel path or Batch body ended the whole execution."""

    def __init__(self, state: str, output: Any) -> None:
        super().__init__(f"{state!r} ended the execution")
        self.state = state
        self.output = output


class ExecutionStopped(Exception):
    """The execution must stop now: ``reason`` is killed, reaped or cap."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
