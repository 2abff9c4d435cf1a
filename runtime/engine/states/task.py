"""What Function, Circuit and action states share: parameters, mocks, on_error, selectors.

Parameters are compiled once into ``(id, path | None, literal)`` triples; at run time dynamic
values are resolved against the state's input (a value that resolves to nothing or null is
left out, so a required one fails with ``$: required property '<param>' not found``), then the
whole object is checked against the catalog schema with the server's messages
(``JSON_SCHEMA_VALIDATION_FAILED``).

``on_error`` entries are tried in order: the first whose error type matches (or, for
``custom_error``, whose codes contain the error's code) applies. Its retries wait
``delay × step_delay^(n−1)`` on the virtual clock; once they are spent, ``fallback.next`` takes
over with the error object at ``error_path`` (default ``$.error``; the input is kept). A
fallback to ``End`` is a legal end: the pathway ends there, the error handled. A caught error
counts toward a ``partial`` execution (see :mod:`runtime.engine.runner`).

What differs from the base life cycle: :meth:`TaskHandler.aexecute` resolves the parameters
(recorded on the step), runs the mock or the call, retries and falls back; the base places the
result (after ``result_selector``) and selects the output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.errors import SCHEMA_ERROR, StepError
from runtime.engine.states.base import Frame, Outcome, StateHandler, optional_path
from runtime.model.states import END
from runtime.paths import JsonPath, PathMissing, classify_value, compile_path

if TYPE_CHECKING:
    from runtime.catalog.checker import ObjectChecker
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext

_MISSING = object()


class ErrorRule:
    """One compiled ``on_error`` entry: which errors it matches, its retries, its fallback.

    ``fallback`` is the state to go to (None: End, the pathway ends handled); ``has_fallback``
    says whether there is one at all (without it the error is re-raised once retries are spent).
    """

    __slots__ = ("error_type", "codes", "delay", "attempts", "step_delay", "fallback",
                 "has_fallback", "edge")

    def __init__(self, spec: Any, index: int) -> None:
        self.error_type = spec.error_type
        self.codes = frozenset(spec.error_codes or ())
        retry = spec.retry
        self.delay = float(retry.delay) if retry else 0.0
        self.attempts = int(retry.attempt) if retry else 0
        self.step_delay = float(retry.step_delay) if retry else 1.0
        target = spec.fallback.next if spec.fallback else None
        self.has_fallback = target is not None
        self.fallback = None if target in (None, END) else target
        self.edge = f"on_error[{index}].fallback.next"

    def matches(self, err: StepError) -> bool:
        if self.error_type == "custom_error":
            return err.code in self.codes
        return self.error_type == err.error_type

    def wait_before(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based)."""
        return self.delay * self.step_delay ** (retry_number - 1)


def compile_template(template: Any) -> Any:
    """Compile a selector: a path string, or an object whose ``$.`` values are paths."""
    if isinstance(template, str):
        return compile_path(template)
    if isinstance(template, dict):
        return {k: compile_template(v) if isinstance(v, (str, dict)) and (
            not isinstance(v, str) or classify_value(v)[0] == "dynamic") else v
            for k, v in template.items()}
    return template


def apply_template(template: Any, data: Any) -> Any:
    if isinstance(template, JsonPath):
        return template.find(data)
    if isinstance(template, dict):
        return {k: apply_template(v, data) for k, v in template.items()}
    return template


class TaskHandler(StateHandler):
    """Base of Function, Circuit and action handlers."""

    is_async = True
    checker: ObjectChecker | None = None

    def __init__(self, name: str, state: Any, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.params: list[tuple[str, JsonPath | None, Any]] = []
        for key, value in (state.parameters or {}).items():
            kind, payload = classify_value(value)
            path = compile_path(payload) if kind == "dynamic" else None
            self.params.append((key, path, None if path else payload))
        self.on_error = [ErrorRule(spec, i) for i, spec in enumerate(state.on_error)]
        self.result_selector = (
            compile_template(state.result_selector) if state.result_selector is not None else None
        )
        self.error_selector = (
            compile_template(state.error_selector) if state.error_selector is not None else None
        )
        self.error_path = optional_path(state.error_path or "$.error")

    def resolve(self, inp: Any) -> dict[str, Any]:
        """Resolve dynamic values and check the result against the parameter schema."""
        params: dict[str, Any] = {}
        for key, path, literal in self.params:
            if path is None:
                value = literal
            else:
                try:
                    value = path.get(inp)
                except PathMissing:
                    continue
            if value is not None:
                params[key] = value
        if self.checker is not None:
            messages = self.checker.check(params)
            if messages:
                raise StepError(SCHEMA_ERROR, "; ".join(messages))
        return params

    async def call(
        self, ctx: RunContext, cursor: Cursor, params: dict[str, Any], seq: int, inp: Any
    ) -> tuple[Any, str | None, str | None]:
        """Do the work; returns ``(result, message, child_execution)`` or raises StepError."""
        raise NotImplementedError

    async def _attempt(
        self, ctx: RunContext, cursor: Cursor, inp: Any, seq: int, resolved: list[Any]
    ) -> tuple[Any, str | None, str | None]:
        params = self.resolve(inp)
        resolved[0] = params
        if ctx.level >= 4:
            ctx.log("TRACE", f"{self.name}: parameters {params}", seq, cursor.now)
        mock = ctx.next_mock(self.name)
        if mock is not None:
            if mock.error_code:
                raise self.mock_error(mock)
            return mock.output, "mocked response (run profile)", None
        return await self.call(ctx, cursor, params, seq, inp)

    def mock_error(self, mock: Any) -> StepError:
        return StepError(mock.error_code, mock.error_message or "mocked error (run profile)",
                         error_type=mock.error_type or "execution_error")

    async def aexecute(
        self, ctx: RunContext, cursor: Cursor, data: Any, inp: Any, seq: int, frame: Frame
    ) -> Outcome:
        retries: dict[int, int] = {}
        resolved: list[Any] = [None]
        while True:
            try:
                result, message, child = await self._attempt(ctx, cursor, inp, seq, resolved)
                break
            except StepError as err:
                err.params = resolved[0]
                outcome = await self._handle(ctx, cursor, data, seq, err, retries)
                if outcome is None:
                    continue
                return outcome
        if self.result_selector is not None:
            result = apply_template(self.result_selector, result)
        if retries:
            done = sum(retries.values())
            message = f"succeeded after {done} retr{'y' if done == 1 else 'ies'}"
        return Outcome(self.next, result, message, self.edge, "success", None, child,
                       resolved[0])

    async def _handle(
        self, ctx: RunContext, cursor: Cursor, data: Any, seq: int, err: StepError,
        retries: dict[int, int],
    ) -> Outcome | None:
        """Retry (return None), take the fallback (return an outcome), or re-raise."""
        for index, rule in enumerate(self.on_error):
            if not rule.matches(err):
                continue
            done = retries.get(index, 0)
            if done < rule.attempts:
                wait = rule.wait_before(done + 1)
                retries[index] = done + 1
                ctx.log("WARN", f"{self.name}: {err.code}: {err.message}; retry {done + 1} of "
                        f"{rule.attempts} in {wait:g} s", seq, cursor.now, err.detail)
                await cursor.sleep(wait)
                return None
            if not rule.has_fallback:
                raise err
            error = err.as_output()
            if self.error_selector is not None:
                error = apply_template(self.error_selector, error)
            out = self.error_path.set(data, error) if self.error_path else error
            target = rule.fallback or END
            text = f"{err.message}; caught by on_error ({rule.error_type}) → {target}"
            ctx.log("WARN", f"{self.name}: {err.code}: {text}", seq, cursor.now, err.detail)
            ctx.caught += 1
            return Outcome(rule.fallback, out, text, rule.edge, "failed", err.code, None,
                           err.params, err.detail)
        raise err
