"""The base every state handler builds on, and the one life cycle every state goes through.

entered → input path → execute → result path → output path → choose next → exited. The
interpreter owns "entered", "choose next" and "exited" (recording, events, the transition
cap); this base owns the middle, once for every state: :meth:`StateHandler.step` (states that
never wait) and :meth:`StateHandler.astep` (states that wait, call out or run sub-paths) both
select the input, call the state's ``execute`` / ``aexecute``, place its result at
``result_path`` and select the output. A state module implements only what differs: what
``execute`` does with the selected input, and (Pass) how a result is placed.

``execute`` returns an :class:`Outcome` whose ``output`` is the state's *result*; the base
hands back the same outcome with ``output`` replaced by the selected output. A caught error
(``status == "failed"``) is already placed at the state's ``error_path`` and is final.
Everything a handler needs from its definition is compiled in ``__init__``, once per load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from runtime.model.states import END, catalog_id
from runtime.paths import JsonPath, PathMissing, compile_path

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext

Frame = tuple[int | None, str | None, int | None]  # parent_seq, parallel path, iteration


class Outcome(NamedTuple):
    """What one state did: where to go, what it hands on, and what the step record says.

    Attributes:
        next: The next state, or None when the pathway ends here (End, Success).
        output: From ``execute``: the result. From ``step`` / ``astep``: the output.
        message: The step's status message.
        transition: The edge taken as a field path (``next``, ``default``,
            ``conditions[<i>].next``, ``on_error[<i>].fallback.next``), None when none.
        status: ``success``, or ``failed`` for an error caught by ``on_error``.
        code: The caught error's code.
        child: The session id of a child execution (Circuit).
        params: The resolved parameters passed to an action, function or circuit.
        detail: A caught error's detail (the tenant's own words).
    """

    next: str | None
    output: Any
    message: str | None = None
    transition: str | None = None
    status: str = "success"
    code: str | None = None
    child: str | None = None
    params: Any = None
    detail: str | None = None


_new = tuple.__new__


def optional_path(text: str | None) -> JsonPath | None:
    """Compile a data path; ``None`` and ``$`` (the identity) compile to None."""
    if text is None or text == "$":
        return None
    return compile_path(text)


class StateHandler:
    """One state of a compiled playbook.

    Attributes:
        is_async: The state awaits (the interpreter calls :meth:`astep`).
        terminal: Reaching the state ends the execution (Success, Failure).
        passthrough: The state hands its input on unchanged (a bare Pass); the life cycle
            then does nothing but choose ``next``.
        edge: The field path of the ``next`` edge (None for a state without one).
    """

    is_async = False
    terminal = False

    def __init__(self, name: str, state: Any, playbook: CompiledPlaybook) -> None:
        self.name = name
        self.type = state.type
        self.catalog_id = catalog_id(state)
        nxt = getattr(state, "next", None)
        self.next: str | None = None if nxt in (None, END) else nxt
        self.edge: str | None = "next" if nxt is not None else None
        self.input_path = optional_path(state.input_path)
        self.output_path = optional_path(state.output_path)
        self.result_path = optional_path(getattr(state, "result_path", None))
        self.passthrough = False

    # -- the life cycle ----------------------------------------------------------------------
    def step(self, ctx: RunContext, data: Any) -> Outcome:
        """Run a state that never waits: input → :meth:`execute` → result → output."""
        if self.passthrough:
            return _new(Outcome, (self.next, data, None, self.edge, "success", None, None,
                                  None, None))  # type: ignore[no-any-return]
        inp = self.select_input(data)
        return self.finish(data, inp, self.execute(ctx, inp))

    async def astep(
        self, ctx: RunContext, cursor: Cursor, data: Any, seq: int, frame: Frame
    ) -> Outcome:
        """Run a state that awaits: input → :meth:`aexecute` → result → output."""
        inp = self.select_input(data)
        return self.finish(data, inp, await self.aexecute(ctx, cursor, data, inp, seq, frame))

    def finish(self, data: Any, inp: Any, done: Outcome) -> Outcome:
        """Place ``done``'s result and select the output (a caught error is final)."""
        if done.status != "success":
            return done
        out = self.select_output(self.place_result(data, inp, done.output))
        return done._replace(output=out)

    # -- what a state implements ---------------------------------------------------------------
    def execute(self, ctx: RunContext, inp: Any) -> Outcome:
        """The state's own work on its selected input; ``output`` is the result."""
        raise NotImplementedError

    async def aexecute(
        self, ctx: RunContext, cursor: Cursor, data: Any, inp: Any, seq: int, frame: Frame
    ) -> Outcome:
        """The awaiting form of :meth:`execute` (``data`` is the raw input, for error_path)."""
        return self.execute(ctx, inp)

    # -- the paths --------------------------------------------------------------------------------
    def select_input(self, data: Any) -> Any:
        """Apply ``input_path``; a path that names nothing gives an empty object."""
        if self.input_path is None:
            return data
        try:
            return self.input_path.get(data)
        except PathMissing:
            return {}

    def place_result(self, data: Any, inp: Any, result: Any) -> Any:
        """Place ``result`` at ``result_path`` in the raw input (none or ``$``: it replaces)."""
        if self.result_path is None:
            return result
        return self.result_path.set(data, result)

    def select_output(self, data: Any) -> Any:
        if self.output_path is None:
            return data
        try:
            return self.output_path.get(data)
        except PathMissing:
            return {}

    def moved_on(self, result: Any, message: str | None = None) -> Outcome:
        """The outcome of a state that took its ``next`` edge with ``result``."""
        return _new(Outcome, (self.next, result, message, self.edge, "success", None, None,
                              None, None))  # type: ignore[no-any-return]
