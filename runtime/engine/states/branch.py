"""Branch: the first condition that holds chooses the next state, else the default."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import StateHandler, SyncOutcome
from runtime.expressions import compile_condition

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import BranchState


class BranchHandler(StateHandler):
    def __init__(self, name: str, state: BranchState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.rules = [
            (compile_condition(c.condition).evaluate, c.condition, c.next)
            for c in state.conditions
        ]
        self.default = state.default

    def step(self, ctx: RunContext, data: Any) -> SyncOutcome:
        inp = self.select_input(data)
        for index, (holds, text, target) in enumerate(self.rules, 1):
            if holds(inp):
                return target, self.select_output(inp), f"condition {index} matched: {text} → {target}"
        return self.default, self.select_output(inp), f"no condition matched → default {self.default}"
