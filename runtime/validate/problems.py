"""The :class:`Problem` record every validation rule returns, and the rule code table.

A problem has a severity (``error`` blocks export and runs, ``warning`` does not), a stable
rule code (documented in :data:`RULES`; tools and tests key on it), the state it is about (or
None for the playbook), the field path inside that state, and a message for a person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    severity: Severity
    code: str
    state: str | None
    path: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.state or "(playbook)"
        if self.path:
            where += f" · {self.path}"
        return f"{self.severity}: [{self.code}] {where}: {self.message}"


RULES: dict[str, tuple[Severity, str]] = {
    "limit.states": ("error", "a definition has 1 to 50 states (server limit)"),
    "name.invalid": ("error", "state names are 1 to 80 characters and not 'End'"),
    "start.missing": ("error", "exactly one state is marked start"),
    "start.multiple": ("error", "exactly one state is marked start"),
    "target.missing": ("error", "every transition names an existing state or End"),
    "state.unreachable": ("warning", "every state can be reached from the start"),
    "flow.dead-end": ("error", "a branch, parallel or batch has somewhere to go"),
    "terminal.next": ("error", "success and failure end the execution and have no next"),
    "branch.no-default": ("error", "a branch has a default target"),
    "branch.to-end": ("error", "a branch may not lead to End (server rule)"),
    "branch.condition-syntax": ("error", "branch conditions parse"),
    "body.escape": ("error", "parallel paths and batch bodies stay inside their body"),
    "parallel.path-names": ("error", "parallel path names are unique and not empty"),
    "cycle.no-wait": ("warning", "a loop without a Wait runs into the 1,000-transition cap"),
    "action.unknown": ("error", "the action id is in the catalog"),
    "schema.parameter": ("error", "parameter values match the catalog schema"),
    "schema.required": ("error", "required parameters are set"),
    "schema.unknown-parameter": ("error", "parameters are the catalog's"),
    "schema.dynamic-path": ("error", "dynamic values are valid JSONPath"),
    "schema.field": ("error", "state fields match the catalog (duration, batch size, ids)"),
    "limit.wait": ("error", "a Wait lasts 1 second to 30 days (server limit)"),
    "limit.batch-size": ("error", "a Batch runs 1 to 10 items at once (server limit)"),
    "path.syntax": ("error", "input/output/result/error paths are valid JSONPath"),
    "on-error.not-allowed": ("error", "on_error is only on function, circuit and action states"),
    "on-error.type": ("error", "error types are timeout, execution, authorization or custom"),
    "on-error.codes": ("error", "custom errors list error codes"),
    "on-error.unknown-code": ("warning", "custom error codes are in the action's error table"),
    "on-error.retry": ("error", "retry delay, attempts and step delay are sane"),
    "on-error.endpoint-unguarded": ("warning", "endpoint-change actions handle their errors"),
    "secret.literal": ("warning", "no literal secrets in parameters (use a dynamic value)"),
    "function.no-source": ("warning", "a custom function has source code in the document"),
    "profile.target": ("warning", "a run profile's target and mocks name existing states"),
}


def problem(code: str, state: str | None, path: str, message: str) -> Problem:
    """Make a problem with the severity the rule table gives ``code``."""
    severity = RULES[code][0]
    return Problem(severity, code, state, path, message)
