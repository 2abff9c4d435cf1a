"""Playbooks tested like code: run profiles as test cases with assertions, coverage, JUnit XML.

:func:`run_suite` runs a playbook file's profiles on the embedded engine and checks their
assertions (:mod:`runtime.testing.checks`); :func:`measure` says which states, branch
conditions, Parallel paths, fallbacks and retries the runs exercised; :func:`junit_xml`
writes the result for CI servers. Qt-free, like all of ``runtime``.
"""

from runtime.testing.checks import check, json_contains, json_equal
from runtime.testing.coverage import CoverageItem, CoverageReport, coverage_items, measure
from runtime.testing.junit import junit_xml
from runtime.testing.suite import CaseResult, SuiteResult, run_case, run_document, run_suite
from runtime.testing.trace import RunTrace, TraceCollector, TraceStep

__all__ = [
    "CaseResult", "CoverageItem", "CoverageReport", "RunTrace", "SuiteResult", "TraceCollector",
    "TraceStep", "check", "coverage_items", "json_contains", "json_equal", "junit_xml",
    "measure", "run_case", "run_document", "run_suite",
]
