"""Errors that move through the engine: a step's failure, a pathway's failure, a stop.

- :class:`StepError`: one step failed (an action's error code, a schema failure, a function
  that raised). Its ``error_type`` is what ``on_error`` matches: ``timeout_error``,
  ``execution_error``, ``authorization_error``; ``custom_error`` matches by ``code``.
- :class:`PathFailed`: a pathway ended failed (a Failure state, or a StepError nobody caught).
- :class:`ExecutionStopped`: the whole execution stops (killed, reaped, transition cap).
"""

from __future__ import annotations

SCHEMA_ERROR = "JSON_SCHEMA_VALIDATION_FAILED"


class StepError(Exception):
    """A failed step, with the server's error code and message."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        error_type: str = "execution_error",
        http_status: int | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.error_type = error_type
        self.http_status = http_status
        self.title = title

    def as_output(self) -> dict[str, object]:
        """The error object a fallback receives (``{"error": code, "cause": message}``, the
        error type, and the HTTP status and title when the catalog gives them)."""
        out: dict[str, object] = {
            "error": self.code, "cause": self.message, "error_type": self.error_type,
        }
        if self.http_status is not None:
            out["http_status"] = self.http_status
        if self.title is not None:
            out["title"] = self.title
        return out


class PathFailed(Exception):
    """A pathway ended in failure; ``error``/``cause`` say why."""

    def __init__(self, error: str, cause: str, state: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.state = state


class ExecutionStopped(Exception):
    """The execution must stop now: ``reason`` is killed, reaped or cap."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
