"""Assertions a run profile carries, so that each profile is a test case of its playbook.

One flat model with a ``kind`` (easy to edit as a table row and to store):

- ``status``: the execution's final status ``equals`` ``success`` / ``partial`` / ``failed``.
- ``reached`` / ``not_reached``: a ``state`` must (must not) have run at least once.
- ``output``: at the output of ``state`` (its last run), the value at ``path`` (``$.a.b``)
  ``equals`` / ``contains`` / ``matches`` (a regular expression, searched) ``value``.
- ``retries``: ``state`` was retried exactly ``count`` times (over all its runs).

Evaluation lives in :mod:`runtime.testing`; this module only says what is stored and checks
that each kind has the fields it needs, so a bad assertion is refused when the file loads.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from runtime.model.base import Field, Model

AssertionKind = Literal["status", "reached", "not_reached", "output", "retries"]
AssertionOp = Literal["equals", "contains", "matches"]
ASSERTION_KINDS: tuple[str, ...] = ("status", "reached", "not_reached", "output", "retries")
ASSERTION_OPS: tuple[str, ...] = ("equals", "contains", "matches")
FINAL_STATUSES: tuple[str, ...] = ("success", "partial", "failed")
MAX_PATTERN = 500


class Assertion(Model, extra="forbid"):
    """One expectation about a run (see the module docstring for the kinds)."""

    kind: AssertionKind
    state: str | None = Field(default=None, max_length=200)
    path: str | None = None
    op: AssertionOp | None = None
    value: Any = None
    count: int | None = Field(default=None, ge=0, le=1000)

    def model_post_check(self) -> None:
        """Each kind has the fields it needs (a ValueError says which is missing)."""
        kind = self.kind
        if kind == "status":
            if self.value not in FINAL_STATUSES:
                raise ValueError("a status assertion needs value success, partial or failed")
            return
        if not self.state:
            raise ValueError(f"a {kind} assertion needs a state")
        if kind == "retries" and self.count is None:
            raise ValueError("a retries assertion needs a count")
        if kind == "output":
            if self.op is None:
                raise ValueError("an output assertion needs op equals, contains or matches")
            from runtime.paths import PathSyntaxError, compile_path

            try:
                compile_path(self.path or "$")
            except PathSyntaxError as exc:
                raise ValueError(f"path {self.path!r}: {exc}") from None
            if self.op == "matches":
                if not isinstance(self.value, str) or len(self.value) > MAX_PATTERN:
                    raise ValueError(f"matches needs a pattern of at most {MAX_PATTERN} "
                                     "characters")
                try:
                    re.compile(self.value)
                except re.error as exc:
                    raise ValueError(f"pattern {self.value!r}: {exc}") from None

    def label(self) -> str:
        """A one-line name for reports: ``output Risk Score $.risk.score equals 82``."""
        kind = self.kind
        if kind == "status":
            return f"status equals {self.value}"
        if kind in ("reached", "not_reached"):
            return f"{kind.replace('_', ' ')} {self.state}"
        if kind == "retries":
            return f"retries of {self.state} equal {self.count}"
        import json

        shown = json.dumps(self.value, ensure_ascii=False)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"output of {self.state} at {self.path or '$'} {self.op} {shown}"

    def to_data(self) -> dict[str, Any]:
        """The stored form: only the fields this kind uses."""
        return self.model_dump(mode="json", exclude_none=True) | (
            {"value": self.value} if self.kind in ("status", "output") else {}
        )
