"""Success: ends the execution as successfully completed; the output is the input.

The reference: Success "Terminates the execution as successfully completed". Reached in the
main flow it ends the only pathway; reached inside a Parallel path or a Batch body the
interpreter ends the whole execution too (the other paths and items are stopped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import Outcome, StateHandler

if TYPE_CHECKING:
    from runtime.engine.context import RunContext

SUCCEEDED = "Execution succeeded"


class SuccessHandler(StateHandler):
    terminal = True

    def execute(self, ctx: RunContext, inp: Any) -> Outcome:
        return Outcome(None, inp, SUCCEEDED)
