"""What Function, Circuit and action states share: parameters, mocks, on_error, selectors.

Parameters are compiled once into ``(id, path | None, literal)`` triples; at run time dynamic
values are resolved against the state's input (a value that resolves to nothing or null is
left out, so a required one fails with ``$: required property '<param>' not found``), then the
whole object is checked against the catalog schema with the server's messages
(``JSON_SCHEMA_VALIDATION_FAILED``).

``on_error`` entries are tried in order: the first whose error type matches (or, for
``custom_error``, whose codes contain the error's code) applies. Its retries wait
``delay × step_delay^(n−1)`` on the virtual clock; once they are spent, ``fallback.next`` takes
over with the error object at ``error_path`` (default ``$.error``; the input is kept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.errors import SCHEMA_ERROR, StepError
from runtime.engine.states.base import AsyncOutcome, Frame, StateHandler, optional_path
from runtime.paths import JsonPath, PathMissing, classify_value, compile_path

if TYPE_CHECKING:
    from runtime.catalog.checker import ObjectChecker
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext

_MISSING = object()


class Handler:
    """One compiled on_error entry."""

    __slots__ = ("error_type", "codes", "delay", "attempts", "step_delay", "fallback")

    def __init__(self, spec: Any) -> None:
        self.error_type = spec.error_type
        self.codes = frozenset(spec.error_codes or ())
        retry = spec.retry
        self.delay = float(retry.delay) if retry else 0.0
        self.attempts = int(retry.attempt) if retry else 0
        self.step_delay = float(retry.step_delay) if retry else 1.0
        self.fallback = spec.fallback.next if spec.fallback else None

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
        self.on_error = [Handler(spec) for spec in state.on_error]
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
        self, ctx: RunContext, cursor: Cursor, inp: Any, seq: int
    ) -> tuple[Any, str | None, str | None]:
        params = self.resolve(inp)
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

    async def astep(
        self, ctx: RunContext, cursor: Cursor, data: Any, seq: int, frame: Frame
    ) -> AsyncOutcome:
        inp = self.select_input(data)
        retries: dict[int, int] = {}
        while True:
            try:
                result, message, child = await self._attempt(ctx, cursor, inp, seq)
                break
            except StepError as err:
                outcome = await self._handle(ctx, cursor, data, seq, err, retries)
                if outcome is None:
                    continue
                return outcome
        if self.result_selector is not None:
            result = apply_template(self.result_selector, result)
        out = self.select_output(self.place_result(data, result))
        if retries:
            done = sum(retries.values())
            message = f"succeeded after {done} retr{'y' if done == 1 else 'ies'}"
        return self.next, out, message, "success", None, child

    async def _handle(
        self, ctx: RunContext, cursor: Cursor, data: Any, seq: int, err: StepError,
        retries: dict[int, int],
    ) -> AsyncOutcome | None:
        """Retry (return None), take the fallback (return an outcome), or re-raise."""
        for index, handler in enumerate(self.on_error):
            if not handler.matches(err):
                continue
            done = retries.get(index, 0)
            if done < handler.attempts:
                wait = handler.wait_before(done + 1)
                retries[index] = done + 1
                ctx.log("WARN", f"{self.name}: {err.code}: {err.message}; retry {done + 1} of "
                        f"{handler.attempts} in {wait:g} s", seq, cursor.now)
                await cursor.sleep(wait)
                return None
            if handler.fallback is None:
                raise err
            error = err.as_output()
            if self.error_selector is not None:
                error = apply_template(self.error_selector, error)
            out = self.error_path.set(data, error) if self.error_path else error
            text = f"{err.message}; caught by on_error ({handler.error_type}) → "
            ctx.log("WARN", f"{self.name}: {err.code}: {text}{handler.fallback}", seq, cursor.now)
            return (handler.fallback, out, text + handler.fallback, "failed", err.code, None)
        raise err
