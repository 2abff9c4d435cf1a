"""Circuit: runs a sub-playbook as a child execution linked to this step.

``circuit_id`` names the sub-playbook: a file beside the parent (``containment`` →
``containment.playbook.json``). The child gets this step's resolved parameters as its trigger
payload (or the step's input when it has none), shares the simulated tenant, and has its own
transition count. A child that does not succeed fails the step (``CIRCUIT_FAILED``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.errors import StepError
from runtime.engine.states.task import TaskHandler

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import CircuitState

MAX_DEPTH = 5


class CircuitHandler(TaskHandler):
    def __init__(self, name: str, state: CircuitState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.circuit_id = state.circuit_id or ""

    async def call(
        self, ctx: RunContext, cursor: Cursor, params: dict[str, Any], seq: int, inp: Any
    ) -> tuple[Any, str | None, str | None]:
        from runtime.engine.runner import run_child

        if ctx.options.circuit_depth >= MAX_DEPTH:
            raise StepError("CIRCUIT_DEPTH",
                            f"sub-playbooks nest deeper than {MAX_DEPTH} levels")
        if ctx.load_circuit is None:
            raise StepError("CIRCUIT_NOT_FOUND", "sub-playbooks cannot be loaded in this run")
        try:
            child_playbook = ctx.load_circuit(self.circuit_id)
        except PermissionError as exc:
            raise StepError("CIRCUIT_UNTRUSTED", f"sub-playbook {self.circuit_id!r}: {exc}") from None
        except (OSError, ValueError) as exc:
            raise StepError("CIRCUIT_NOT_FOUND", f"sub-playbook {self.circuit_id!r}: {exc}") from None
        payload = params if params else inp
        result = await run_child(ctx, cursor, child_playbook, payload, seq)
        if result.status != "success":
            raise StepError("CIRCUIT_FAILED",
                            f"sub-playbook {self.circuit_id!r} ended {result.status}: "
                            f"{result.message or ''}".rstrip(": "))
        return result.output, f"sub-playbook {self.circuit_id!r} succeeded", result.execution_id
