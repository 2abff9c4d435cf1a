"""Assertions from what a run did, so that a profile can pin its observed outcome.

:func:`observed_assertions` turns a :class:`~runtime.testing.trace.RunTrace` into assertions
that hold for that run: its final status; for every Success and Failure state, reached or not
reached (which way the run ended); and the retries of every state that was retried. Outputs
are left to the author (whole payloads make brittle tests); add ``output`` assertions on the
values that matter.
"""

from __future__ import annotations

from typing import Any

from runtime.model.assertions import Assertion
from runtime.testing.trace import RunTrace

TERMINAL = ("success", "failure")


def observed_assertions(trace: RunTrace, doc: Any) -> list[Assertion]:
    """Assertions that hold for ``trace``, a run of the playbook ``doc``."""
    found = [Assertion(kind="status", value=trace.status)]
    ran = trace.reached()
    for name, state in doc.definition.items():
        if state.type in TERMINAL:
            found.append(Assertion(kind="reached" if name in ran else "not_reached", state=name))
    for name in sorted({s.state for s in trace.steps if s.retries}):
        found.append(Assertion(kind="retries", state=name, count=trace.retries_of(name)))
    return found


async def record_profile(doc: Any, source: Any, profile: Any) -> list[Assertion]:
    """Run ``profile`` of ``doc`` and return the assertions its run satisfies."""
    from runtime.engine import CompiledPlaybook
    from runtime.testing.suite import run_case

    playbook = CompiledPlaybook(doc, source_path=source)
    case = await run_case(playbook, profile.model_copy(update={"assertions": []}),
                          base_dir=source.parent if source else None)
    if case.trace is None:
        raise RuntimeError(case.error or "the profile did not run")
    return observed_assertions(case.trace, doc)
