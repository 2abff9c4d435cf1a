"""Branch: the first condition that holds chooses the next state, else the default.

The edge taken is recorded as data (``conditions[<i>].next`` or ``default``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import Outcome, StateHandler
from runtime.expressions import compile_condition
from runtime.model.states import END

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import BranchState


class BranchHandler(StateHandler):
    def __init__(self, name: str, state: BranchState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.rules = [
            (compile_condition(c.condition).evaluate, c.condition, _target(c.next),
             f"conditions[{index}].next", f"condition {index + 1} matched: {c.condition} → {c.next}")
            for index, c in enumerate(state.conditions)
        ]
        self.default = _target(state.default)
        self.default_message = f"no condition matched → default {state.default}"

    def execute(self, ctx: RunContext, inp: Any) -> Outcome:
        for holds, _text, target, edge, message in self.rules:
            if holds(inp):
                return Outcome(target, inp, message, edge)
        return Outcome(self.default, inp, self.default_message, "default")


def _target(name: str | None) -> str | None:
    return None if name in (None, END) else name
