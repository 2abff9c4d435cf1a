"""Run profiles → run options, and a profile made from a recorded step.

A profile (stored in the document) names the trigger payload, tenant fixtures, mocks, an
optional target state, the log level and the speed. :func:`profile_from_step` turns any recorded
step of a past execution into a profile whose payload is that step's input and whose target is
that step, like the reference's "+ Create Run Profile" (the input is only recorded at DEBUG or
TRACE; without it the profile gets the execution's trigger payload).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runtime.engine.context import RunOptions
from runtime.model.document import PlaybookDocument, RunProfile


def options_from_profile(
    profile: RunProfile | None,
    *,
    payload: Any = None,
    log_level: str | None = None,
    speed: str | float | None = None,
    base_dir: Path | None = None,
    max_transitions: int | None = None,
) -> RunOptions:
    """Run options from a profile, with explicit arguments taking precedence."""
    options = RunOptions(base_dir=base_dir)
    if profile is not None:
        options.payload = profile.payload
        options.profile_name = profile.name
        options.fixtures = profile.fixtures
        options.fixtures_base = profile.fixtures_base
        options.mocks = dict(profile.mocks)
        options.target = profile.target
        options.log_level = profile.log_level
        options.speed = profile.speed
    if payload is not None:
        options.payload = payload
    if log_level is not None:
        options.log_level = log_level
    if speed is not None:
        options.speed = speed
    if max_transitions is not None:
        options.max_transitions = max_transitions
    return options


def unique_profile_name(doc: PlaybookDocument, wanted: str) -> str:
    from runtime.naming import PROFILE_NUMBERING, free_name

    return free_name(wanted, {p.name for p in doc.run_profiles}, PROFILE_NUMBERING)


def profile_from_step(
    doc: PlaybookDocument, name: str, step: Any, execution: Any
) -> RunProfile:
    """A profile that re-runs one recorded step with its recorded input.

    Args:
        doc: The playbook (for unique naming).
        name: The wanted profile name.
        step: A history StepRecord (``state``, ``input_json``).
        execution: Its ExecutionRecord (``trigger_json``, ``log_level``).
    """
    raw = step.input_json or execution.trigger_json or "{}"
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = {}
    return RunProfile(
        name=unique_profile_name(doc, name), payload=payload, target=step.state,
        log_level=execution.log_level, description=f"from execution {execution.id}, step "
        f"{step.seq} ({step.state})",
    )
