"""Failure: ends the execution as failed with an ``error`` and a ``cause``.

Reached anywhere (main flow, a Parallel path, a Batch body) it fails the whole execution;
the other paths and items are stopped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.errors import PathFailed
from runtime.engine.states.base import Outcome, StateHandler

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import FailureState


class FailureHandler(StateHandler):
    terminal = True

    def __init__(self, name: str, state: FailureState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.error = getattr(state, "error", None) or "States.Failed"
        self.cause = getattr(state, "cause", None) or f"the playbook reached {name!r}"

    def execute(self, ctx: RunContext, inp: Any) -> Outcome:
        raise PathFailed(self.error, self.cause, self.name)
