"""Run a playbook's run profiles as test cases and measure the coverage they give.

Each profile is one case: it runs on the embedded engine (speed forced to ``instant`` so a
suite never waits in real time, log level at least DEBUG so outputs are recorded), then its
assertions are checked in order; the case fails on the first assertion that does not hold,
which the result names. A profile without assertions passes when its run ends (whatever the
status) and says so. Nothing is written to the execution history unless the caller's engine
has a store.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runtime.model.assertions import Assertion
from runtime.testing.checks import check
from runtime.testing.coverage import CoverageReport, measure
from runtime.testing.trace import RunTrace, TraceCollector


@dataclass
class CaseResult:
    """One profile's outcome. ``error`` is set when the case could not run at all."""

    profile: str
    status: str | None
    passed: bool
    failure: str | None = None
    assertion: Assertion | None = None
    checked: int = 0
    seconds: float = 0.0
    error: str | None = None
    execution_id: str | None = None
    trace: RunTrace | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile, "passed": self.passed, "status": self.status,
            "assertion": self.assertion.label() if self.assertion else None,
            "failure": self.failure, "error": self.error, "checked": self.checked,
            "seconds": round(self.seconds, 4), "execution_id": self.execution_id,
        }


@dataclass
class SuiteResult:
    """All cases of one playbook file, with coverage (None when the playbook cannot run)."""

    file: str
    playbook: str
    cases: list[CaseResult]
    coverage: CoverageReport | None
    seconds: float = 0.0
    error: str | None = None
    started: float = field(default_factory=time.time)

    @property
    def failures(self) -> int:
        return sum(1 for c in self.cases if not c.passed and c.error is None)

    @property
    def errors(self) -> int:
        return sum(1 for c in self.cases if c.error is not None) + (1 if self.error else 0)

    @property
    def passed(self) -> bool:
        return self.failures == 0 and self.errors == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file, "playbook": self.playbook, "passed": self.passed,
            "error": self.error, "seconds": round(self.seconds, 4),
            "cases": [c.to_json() for c in self.cases],
            "coverage": self.coverage.to_json() if self.coverage else None,
        }


def evaluate(assertions: list[Assertion], trace: RunTrace,
             states: set[str]) -> tuple[Assertion | None, str | None, int]:
    """The first failing assertion and why, and how many were checked."""
    for number, assertion in enumerate(assertions, 1):
        reason = check(assertion, trace, states)
        if reason is not None:
            return assertion, reason, number
    return None, None, len(assertions)


async def run_case(playbook: Any, profile: Any, engine: Any = None,
                   base_dir: Path | None = None) -> CaseResult:
    """Run one profile of a compiled playbook and check its assertions."""
    from runtime.engine import Engine, options_from_profile

    engine = engine or Engine()
    options = options_from_profile(profile, speed="instant", base_dir=base_dir)
    if options.log_level not in ("DEBUG", "TRACE"):
        options.log_level = "DEBUG"
    collector = TraceCollector()
    unsubscribe = engine.bus.subscribe(collector)
    began = time.perf_counter()
    try:
        result = await engine.run(playbook, options)
    finally:
        unsubscribe()
    seconds = time.perf_counter() - began
    trace = collector.trace(result.execution_id, result.status, result.message,
                            result.transitions)
    states = set(playbook.document.definition)
    failed, reason, checked = evaluate(list(profile.assertions), trace, states)
    return CaseResult(profile.name, result.status, failed is None,
                      None if failed is None else f"{failed.label()}: {reason}", failed,
                      checked, seconds, execution_id=result.execution_id, trace=trace)


async def run_suite(path: str | Path, engine: Any = None,
                    profiles: list[str] | None = None) -> SuiteResult:
    """Load a playbook file and run its profiles (all, or those named) as a suite.

    Raises:
        runtime.loader.PlaybookLoadError: The file is not a readable playbook.
    """
    from runtime.loader import load_playbook

    loaded = load_playbook(path)
    return await run_document(loaded.document, Path(path).resolve(), engine, profiles,
                              file=str(path))


async def run_document(doc: Any, source: Path | None, engine: Any = None,
                       profiles: list[str] | None = None, *, file: str = "") -> SuiteResult:
    """Run a document's profiles as a suite (the designer calls this on its open document)."""
    from runtime.engine import CompiledPlaybook, PlaybookInvalid

    began = time.perf_counter()
    try:
        playbook = CompiledPlaybook(doc, source_path=source)
    except PlaybookInvalid as exc:
        return SuiteResult(file, doc.name, [], None, error=str(exc))
    chosen = [p for p in doc.run_profiles if profiles is None or p.name in profiles]
    cases: list[CaseResult] = []
    base = source.parent if source else None
    for profile in chosen:
        try:
            cases.append(await run_case(playbook, profile, engine, base))
        except Exception as exc:  # noqa: BLE001 - one broken case must not end the suite
            cases.append(CaseResult(profile.name, None, False,
                                    error=f"{type(exc).__name__}: {exc}"))
    coverage = measure(playbook, [c.trace for c in cases if c.trace is not None])
    return SuiteResult(file, doc.name, cases, coverage, time.perf_counter() - began)
