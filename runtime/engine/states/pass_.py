"""Pass: hands its input on, optionally merging a fixed ``result`` at ``result_path``."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import StateHandler, SyncOutcome

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import PassState


class PassHandler(StateHandler):
    def __init__(self, name: str, state: PassState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.has_result = "result" in state.model_fields_set and state.result is not None
        self.result = state.result if self.has_result else None
        self.identity = (
            not self.has_result and self.input_path is None and self.output_path is None
        )

    def step(self, ctx: RunContext, data: Any) -> SyncOutcome:
        if self.identity:
            return self.next, data, None
        inp = self.select_input(data)
        if not self.has_result:
            return self.next, self.select_output(inp), None
        result = copy.deepcopy(self.result)
        if self.result_path is not None:
            merged = self.result_path.set(inp, result)
        elif isinstance(inp, dict) and isinstance(result, dict):
            merged = {**inp, **result}
        else:
            merged = result
        return self.next, self.select_output(merged), None
