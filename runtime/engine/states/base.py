"""The base every state handler builds on, with the fixed life cycle.

entered → input path → execute → result selector / result path / output path → choose next →
exited. The interpreter owns "entered", "choose next" and "exited" (recording, events, the
transition cap); a handler owns the middle. Everything a handler needs from its definition is
compiled in ``__init__``, once per playbook load: paths, conditions, parameter resolvers.

Synchronous handlers (``is_async = False``) implement :meth:`StateHandler.step`, which returns
``(next, output, message)``; handlers that wait, call out or run sub-paths implement
:meth:`StateHandler.astep`, which returns ``(next, output, message, status, error_code,
child_execution)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.model.states import END, catalog_id
from runtime.paths import JsonPath, PathMissing, compile_path

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext

Frame = tuple[int | None, str | None, int | None]  # parent_seq, parallel path, iteration
SyncOutcome = tuple[str | None, Any, str | None]
AsyncOutcome = tuple[str | None, Any, str | None, str, str | None, str | None]


def optional_path(text: str | None) -> JsonPath | None:
    """Compile a data path; ``None`` and ``$`` (the identity) compile to None."""
    if text is None or text == "$":
        return None
    return compile_path(text)


class StateHandler:
    """One state of a compiled playbook."""

    is_async = False
    terminal = False

    def __init__(self, name: str, state: Any, playbook: CompiledPlaybook) -> None:
        self.name = name
        self.type = state.type
        self.catalog_id = catalog_id(state)
        nxt = getattr(state, "next", None)
        self.next: str | None = None if nxt in (None, END) else nxt
        self.input_path = optional_path(state.input_path)
        self.output_path = optional_path(state.output_path)
        self.result_path = optional_path(getattr(state, "result_path", None))
        self.replace_result = getattr(state, "result_path", None) in (None, "$")

    def select_input(self, data: Any) -> Any:
        """Apply ``input_path``; a path that names nothing gives an empty object."""
        if self.input_path is None:
            return data
        try:
            return self.input_path.get(data)
        except PathMissing:
            return {}

    def place_result(self, raw: Any, result: Any) -> Any:
        """Place ``result`` at ``result_path`` in the raw input (``$``: result replaces it)."""
        if self.result_path is None:
            return result
        return self.result_path.set(raw, result)

    def select_output(self, data: Any) -> Any:
        if self.output_path is None:
            return data
        try:
            return self.output_path.get(data)
        except PathMissing:
            return {}

    def step(self, ctx: RunContext, data: Any) -> SyncOutcome:
        """Run a synchronous state; returns ``(next, output, message)``."""
        raise NotImplementedError

    async def astep(
        self, ctx: RunContext, cursor: Cursor, data: Any, seq: int, frame: Frame
    ) -> AsyncOutcome:
        """Run a state that awaits; returns the six-tuple described in the module doc."""
        nxt, out, message = self.step(ctx, data)
        return nxt, out, message, "success", None, None
