"""Test one state alone: run a single state of a playbook with a given input.

Like AWS Step Functions' TestState: :func:`try_state` runs only ``state`` (the engine's
``target`` option), with ``payload`` as its input, against the simulated tenant (its base
data, or a profile's fixtures) or a mocked result, and reports the state's status, output and
error without a whole run. Nothing is written to the execution history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.testing.trace import TraceCollector, TraceStep


@dataclass
class StateTestResult:
    """What one state did with the given input."""

    state: str
    status: str
    output: Any
    message: str | None
    error_code: str | None
    step: TraceStep | None

    @property
    def ok(self) -> bool:
        return self.status == "success"


async def try_state(playbook: Any, state: str, payload: Any, *, profile: Any = None,
                     mock_output: Any = None, mocked: bool = False) -> StateTestResult:
    """Run ``state`` of a compiled playbook alone with ``payload`` as its input.

    Args:
        playbook: A :class:`~runtime.engine.CompiledPlaybook`.
        state: The state to run.
        payload: Its input.
        profile: A run profile whose tenant fixtures and mocks apply (its payload does not).
        mock_output: The result to use instead of calling out, when ``mocked``.
        mocked: Use ``mock_output`` as the state's result (actions, functions, circuits).

    Raises:
        KeyError: The playbook has no such state.
    """
    from runtime.engine import Engine, options_from_profile
    from runtime.model.document import MockResponse

    if state not in playbook.handlers:
        raise KeyError(state)
    base = playbook.source_path.parent if playbook.source_path else None
    options = options_from_profile(profile, payload=payload, speed="instant",
                                   log_level="DEBUG", base_dir=base)
    options.payload = payload
    options.target = state
    if mocked:
        options.mocks = {**options.mocks, state: [MockResponse(output=mock_output)]}
    engine = Engine()
    collector = TraceCollector()
    unsubscribe = engine.bus.subscribe(collector)
    try:
        result = await engine.run(playbook, options)
    finally:
        unsubscribe()
    trace = collector.trace(result.execution_id, result.status, result.message)
    step = trace.steps[-1] if trace.steps else None
    return StateTestResult(
        state, step.status if step else result.status,
        result.output if result.status != "failed" else None,
        (step.message if step else None) or result.message,
        step.error_code if step else None, step)
