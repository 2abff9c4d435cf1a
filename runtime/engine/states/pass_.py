"""Pass: hands its input on, optionally merging a fixed ``result`` at ``result_path``.

What differs from the base life cycle: the result is a fixed value, and with no
``result_path`` an object result is merged into the (selected) input rather than replacing
it; a bare Pass (no result, no paths) is a passthrough the base short-cuts.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import Outcome, StateHandler

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import PassState


class PassHandler(StateHandler):
    def __init__(self, name: str, state: PassState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.has_result = "result" in state.model_fields_set and state.result is not None
        self.result = state.result if self.has_result else None
        self.passthrough = (
            not self.has_result and self.input_path is None and self.output_path is None
        )

    def execute(self, ctx: RunContext, inp: Any) -> Outcome:
        if not self.has_result:
            return self.moved_on(inp)
        return self.moved_on(copy.deepcopy(self.result))

    def place_result(self, data: Any, inp: Any, result: Any) -> Any:
        if not self.has_result:
            return inp
        if self.result_path is not None:
            return self.result_path.set(inp, result)
        if isinstance(inp, dict) and isinstance(result, dict):
            return {**inp, **result}
        return result
