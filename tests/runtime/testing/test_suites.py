"""Run profiles as test cases: assertions in the file, ``playbook test``, coverage, JUnit XML.

The examples each carry a small suite that must pass; ``tests/fixtures/testing`` holds a
playbook with a deliberately wrong assertion and a branch condition no profile reaches, whose
coverage figures are known by hand (7 states + 3 branch outcomes, 6 + 2 exercised: 80 %).
The JUnit output is checked against the structure of the common JUnit schema (the Ant /
"windyroad" JUnit.xsd CI servers read) with xml.etree, since lxml is not installed.
"""

from __future__ import annotations

import asyncio
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from runtime.cli import EXIT_ERRORS, EXIT_INPUT, EXIT_OK, main
from runtime.model import document_from_data, dumps_document
from runtime.model.assertions import Assertion
from runtime.testing import json_contains, json_equal, run_suite
from runtime.testing.checks import check
from runtime.testing.trace import RunTrace, TraceStep

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "resources" / "examples").glob("*.playbook.json"))
GAP = REPO / "tests" / "fixtures" / "testing" / "triage-with-gap.playbook.json"


def _doc(profiles: list[dict[str, Any]], definition: dict[str, Any] | None = None) -> Any:
    return document_from_data({
        "format_version": 1, "name": "t",
        "definition": definition or {"A": {"type": "pass", "start": True, "next": "B"},
                                     "B": {"type": "success"}},
        "run_profiles": profiles,
    })


# --- the stored form ---------------------------------------------------------------------

def test_assertions_round_trip_through_save_and_load() -> None:
    assertions = [
        {"kind": "status", "value": "partial"},
        {"kind": "reached", "state": "A"},
        {"kind": "not_reached", "state": "B"},
        {"kind": "output", "state": "A", "path": "$.x[0].y", "op": "contains", "value": {"k": 1}},
        {"kind": "output", "state": "A", "path": "$.s", "op": "matches", "value": "^ab+$"},
        {"kind": "retries", "state": "A", "count": 2},
    ]
    doc = _doc([{"name": "p", "assertions": assertions}, {"name": "q"}])
    text = dumps_document(doc)
    again = document_from_data(json.loads(text))
    assert again == doc
    stored = json.loads(text)["run_profiles"]
    assert stored[0]["assertions"] == assertions
    assert "assertions" not in stored[1]  # empty lists stay out of the file


@pytest.mark.parametrize("bad, words", [
    ({"kind": "status", "value": "done"}, "success, partial or failed"),
    ({"kind": "reached"}, "needs a state"),
    ({"kind": "retries", "state": "A"}, "needs a count"),
    ({"kind": "output", "state": "A", "value": 1}, "needs op"),
    ({"kind": "output", "state": "A", "op": "matches", "value": "(("}, "pattern"),
    ({"kind": "output", "state": "A", "op": "equals", "path": "$..", "value": 1}, "path"),
    ({"kind": "eventually", "state": "A"}, "kind"),
])
def test_bad_assertions_are_refused_on_load(bad: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        _doc([{"name": "p", "assertions": [bad]}])


# --- checks ------------------------------------------------------------------------------

def test_json_equality_and_contains() -> None:
    assert json_equal(1, 1.0) and not json_equal(True, 1) and not json_equal(0, False)
    assert json_equal({"a": [1, {"b": None}]}, {"a": [1.0, {"b": None}]})
    assert not json_equal({"a": 1}, {"a": 1, "b": 2})
    assert json_contains("hello world", "lo w") and not json_contains("hello", 1)
    assert json_contains([1, 2, {"a": 1, "b": 2}], {"a": 1})
    assert not json_contains([1, 2], 3)
    assert json_contains({"a": 1, "b": 2}, {"b": 2}) and json_contains({"a": 1}, "a")
    assert not json_contains({"a": 1}, {"a": 2})


def _trace(status: str = "success") -> RunTrace:
    steps = [TraceStep(1, "A", "pass", "success", None, None, None, None, None,
                       {"x": 1}, {"x": 1, "name": "WS-FIN-014", "n": 3}),
             TraceStep(2, "B", "action", "success", None, None, None, None, None,
                       retries=2)]
    return RunTrace("e", status, "Failed: boom" if status == "failed" else None, steps)


@pytest.mark.parametrize("data, expected", [
    ({"kind": "status", "value": "success"}, None),
    ({"kind": "status", "value": "partial"}, "status was success"),
    ({"kind": "reached", "state": "B"}, None),
    ({"kind": "reached", "state": "C"}, "C never ran"),
    ({"kind": "not_reached", "state": "A"}, "A ran 1 time(s)"),
    ({"kind": "reached", "state": "Nope"}, "no state named 'Nope'"),
    ({"kind": "retries", "state": "B", "count": 2}, None),
    ({"kind": "retries", "state": "B", "count": 1}, "B was retried 2 time(s)"),
    ({"kind": "output", "state": "A", "path": "$.n", "op": "equals", "value": 3.0}, None),
    ({"kind": "output", "state": "A", "path": "$.n", "op": "equals", "value": 4},
     "$.n of A was 3"),
    ({"kind": "output", "state": "A", "path": "$.name", "op": "matches", "value": "^WS-"}, None),
    ({"kind": "output", "state": "A", "path": "$.n", "op": "matches", "value": "3"},
     "not a string"),
    ({"kind": "output", "state": "A", "path": "$.missing", "op": "equals", "value": 1},
     "$.missing names nothing"),
    ({"kind": "output", "state": "B", "op": "equals", "value": 1}, "no recorded output"),
    ({"kind": "output", "state": "C", "op": "equals", "value": 1}, "C never ran"),
])
def test_check_each_kind(data: dict[str, Any], expected: str | None) -> None:
    reason = check(Assertion(**data), _trace(), {"A", "B", "C"})
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


# --- suites on the engine ----------------------------------------------------------------

def test_every_example_suite_passes_and_has_assertions() -> None:
    for path in EXAMPLES:
        suite = asyncio.run(run_suite(path))
        assert suite.error is None, path
        assert suite.cases and all(case.checked >= 3 for case in suite.cases), path
        assert [c.failure for c in suite.cases if not c.passed] == [], path


def test_broken_example_fails_with_the_assertion_named() -> None:
    suite = asyncio.run(run_suite(GAP))
    high, low = suite.cases
    assert not high.passed and low.passed
    assert high.assertion is not None and high.assertion.kind == "output"
    assert high.failure == ('output of Escalate at $.outcome.verdict equals "escalate": '
                            '$.outcome.verdict of Escalate was "escalated"')
    assert high.checked == 3  # status and reached held; the third one failed


def test_coverage_on_a_playbook_with_a_known_uncovered_branch() -> None:
    cov = asyncio.run(run_suite(GAP)).coverage
    assert cov is not None
    assert cov.by_kind() == {"state": (6, 7), "condition": (2, 3)}
    assert cov.percent == pytest.approx(80.0)
    assert [i.label for i in cov.uncovered("condition")] == [
        "Triage: condition 2 ($.severity == 0) → Ignore"]
    assert cov.state_hits == {"Classify": 2, "Triage": 2, "Escalate": 1, "Ignore": 0,
                              "Close": 1, "Escalated": 1, "Closed": 1}
    only_high = asyncio.run(run_suite(GAP, profiles=["High severity"])).coverage
    assert only_high is not None
    assert [i.key for i in only_high.uncovered("condition")] == [2, "default"]


def test_coverage_counts_paths_retries_and_fallbacks() -> None:
    suite = asyncio.run(run_suite(REPO / "resources/examples/suspicious-logon-triage"
                                  ".playbook.json"))
    cov = suite.coverage
    assert cov is not None
    kinds = cov.by_kind()
    assert kinds["path"] == (2, 2) and kinds["retry"] == (2, 2)
    # Offline host takes the custom_error fallbacks; no profile raises an execution_error.
    assert kinds["fallback"] == (2, 4)
    assert {i.label for i in cov.uncovered("fallback")} == {
        "Stop suspicious process: fallback on execution_error → Note host unreachable",
        "Warn user: fallback on execution_error → Note popup not shown"}
    offline = asyncio.run(run_suite(REPO / "resources/examples/suspicious-logon-triage"
                                    ".playbook.json", profiles=["Offline host"])).coverage
    assert offline is not None and offline.by_kind()["condition"] == (1, 2)


def test_profile_without_assertions_passes_and_invalid_playbook_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.playbook.json"
    path.write_text(dumps_document(_doc([{"name": "plain"}])), encoding="utf-8")
    suite = asyncio.run(run_suite(path))
    assert suite.passed and suite.cases[0].checked == 0
    broken = _doc([{"name": "p"}], {"A": {"type": "pass", "start": True, "next": "Gone"}})
    path.write_text(dumps_document(broken), encoding="utf-8")
    suite = asyncio.run(run_suite(path))
    assert not suite.passed and suite.error and "validation errors" in suite.error


# --- the command -------------------------------------------------------------------------

def _check_junit(text: str) -> ET.Element:
    """The structure the common JUnit schema requires (Ant / windyroad JUnit.xsd)."""
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    stamp = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
    number = re.compile(r"\d+(\.\d+)?")
    for suite in root:
        assert suite.tag == "testsuite"
        for attr in ("name", "package", "id", "timestamp", "hostname", "tests", "failures",
                     "errors", "time"):
            assert suite.get(attr) is not None, attr
        assert stamp.fullmatch(suite.get("timestamp", ""))
        assert number.fullmatch(suite.get("time", ""))
        tags = [child.tag for child in suite]
        assert tags[0] == "properties" and tags[-2:] == ["system-out", "system-err"]
        assert set(tags[1:-2]) <= {"testcase"}
        for prop in suite.find("properties") or []:
            assert prop.tag == "property" and prop.get("name") and prop.get("value") is not None
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "-1")) == len(cases)
        failures = errors = 0
        for case in cases:
            assert case.get("name") and case.get("classname") is not None
            assert number.fullmatch(case.get("time", ""))
            for outcome in case:
                assert outcome.tag in ("failure", "error")
                assert outcome.get("message") is not None and outcome.get("type")
                failures += outcome.tag == "failure"
                errors += outcome.tag == "error"
        assert int(suite.get("failures", "-1")) == failures
        assert int(suite.get("errors", "-1")) == errors
    return root


def test_cli_test_examples_pass_with_junit(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "out.xml"
    code = main(["test", *map(str, EXAMPLES), "--junit", str(junit)])
    text = capsys.readouterr().out
    assert code == EXIT_OK, text
    assert "✗" not in text and re.search(r"^\d+ passed, 0 failed$", text, re.M)
    assert "coverage 90.9% (states 12/12" in text
    root = _check_junit(junit.read_text(encoding="utf-8"))
    assert len(root) == len(EXAMPLES)
    assert root.get("failures") == "0" and int(root.get("tests", "0")) >= 8


def test_cli_test_names_the_failing_assertion(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "out.xml"
    code = main(["test", str(GAP), "--junit", str(junit)])
    text = capsys.readouterr().out
    assert code == EXIT_ERRORS
    assert ('✗ High severity: output of Escalate at $.outcome.verdict equals "escalate"'
            in text)
    assert "✓ Low severity (success, 3 assertions)" in text
    assert "coverage 80.0% (states 6/7, branch conditions 2/3)" in text
    assert "uncovered branch conditions:\n    Triage: condition 2 ($.severity == 0) → Ignore" \
        in text
    root = _check_junit(junit.read_text(encoding="utf-8"))
    failure = root.find("testsuite/testcase[@name='High severity']/failure")
    assert failure is not None and failure.get("type") == "AssertionFailed"
    assert "equals \"escalate\"" in (failure.get("message") or "")
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["coverage"] == "80.0" and props["coverage.condition"] == "2/3"


def test_cli_test_json_and_exit_codes(tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", str(GAP), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == EXIT_ERRORS and data["passed"] is False
    suite = data["suites"][0]
    assert suite["coverage"]["percent"] == 80.0
    assert [c["passed"] for c in suite["cases"]] == [False, True]
    assert suite["cases"][0]["assertion"].startswith("output of Escalate")
    assert main(["test", str(GAP), "--profile", "Low severity"]) == EXIT_OK
    capsys.readouterr()
    junk = tmp_path / "junk.json"
    junk.write_text("{not json", encoding="utf-8")
    assert main(["test", str(junk)]) == EXIT_INPUT
    assert "junk.json" in capsys.readouterr().err
    assert main(["test", str(tmp_path / "missing.json")]) == EXIT_INPUT


def test_cli_test_invalid_playbook_is_a_junit_error(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.playbook.json"
    path.write_text(dumps_document(_doc([{"name": "p"}], {
        "A": {"type": "pass", "start": True, "next": "Gone"}})), encoding="utf-8")
    junit = tmp_path / "out.xml"
    assert main(["test", str(path), "--junit", str(junit)]) == EXIT_ERRORS
    assert "cannot run" in capsys.readouterr().out
    root = _check_junit(junit.read_text(encoding="utf-8"))
    assert root.find("testsuite/testcase/error") is not None


# --- one state alone ---------------------------------------------------------------------

def test_try_one_state_alone_with_the_tenant_a_mock_and_a_bad_input() -> None:
    from runtime.engine import CompiledPlaybook
    from runtime.loader import load_playbook
    from runtime.testing.single import try_state

    path = REPO / "resources/examples/suspicious-logon-triage.playbook.json"
    playbook = CompiledPlaybook(load_playbook(path).document, source_path=path)
    done = asyncio.run(try_state(playbook, "Risk Score",
                                 {"user": "mlee", "domain": "corp.acme.local"}))
    assert done.ok and done.output["risk"] == {"score": 12, "level": "low"}
    assert done.output["user"] == "mlee" and done.step is not None
    assert done.step.state == "Risk Score" and done.step.transition == "next"
    mocked = asyncio.run(try_state(playbook, "Risk Score", {"user": "x", "domain": "d"},
                                   mocked=True, mock_output={"data": {"risk_score": 99,
                                                                      "risk_level": "high"}}))
    assert mocked.ok and mocked.message == "mocked response (run profile)"
    assert mocked.output["risk"] == {"score": 99, "level": "high"}
    bad = asyncio.run(try_state(playbook, "Risk Score", {"domain": "corp.acme.local"}))
    assert not bad.ok and bad.error_code == "JSON_SCHEMA_VALIDATION_FAILED"
    assert "entity_name" in (bad.message or "")
    with pytest.raises(KeyError):
        asyncio.run(try_state(playbook, "Nope", {}))


def test_observed_assertions_pin_the_run_and_hold() -> None:
    from runtime.loader import load_playbook
    from runtime.testing.observe import record_profile

    path = REPO / "resources/examples/suspicious-logon-triage.playbook.json"
    doc = load_playbook(path).document
    profile = doc.profile("Offline host")
    found = asyncio.run(record_profile(doc, path, profile))
    labels = [a.label() for a in found]
    assert labels[0] == "status equals partial"
    assert "reached Contained" in labels and "not reached Benign" in labels
    assert "retries of Stop suspicious process equal 2" in labels
    # The recorded assertions hold when the profile runs as a test case.
    pinned = doc.model_copy(update={"run_profiles": [
        profile.model_copy(update={"assertions": found})]})
    from runtime.testing import run_document

    suite = asyncio.run(run_document(pinned, path))
    assert suite.passed and suite.cases[0].checked == len(found)
