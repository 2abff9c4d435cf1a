"""JUnit XML for CI servers: one ``<testsuite>`` per playbook, one ``<testcase>`` per profile.

The shape follows the common JUnit schema (the Apache Ant / "windyroad" JUnit.xsd that Jenkins,
GitLab and GitHub reporters accept): ``<testsuites>`` holding ``<testsuite>`` elements with
``name``, ``package``, ``id``, ``timestamp`` (``YYYY-MM-DDTHH:MM:SS``, no zone), ``hostname``,
``tests``, ``failures``, ``errors``, ``skipped`` and ``time``; children in the order
``properties``, ``testcase``*, ``system-out``, ``system-err``. A failing case carries
``<failure message=… type=…>``; a case that could not run carries ``<error>``. Coverage is
given as properties of its suite and in ``system-out``.
"""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runtime.testing.suite import SuiteResult


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def junit_xml(suites: list[SuiteResult]) -> str:
    """The JUnit XML document (UTF-8 text with an XML declaration) for ``suites``."""
    root = ET.Element("testsuites", {
        "name": "playbook test",
        "tests": str(sum(len(s.cases) for s in suites)),
        "failures": str(sum(s.failures for s in suites)),
        "errors": str(sum(s.errors for s in suites)),
        "time": _seconds(sum(s.seconds for s in suites)),
    })
    host = socket.gethostname() or "localhost"
    for number, suite in enumerate(suites):
        _suite(root, suite, number, host)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(root: ET.Element, suite: SuiteResult, number: int, host: str) -> None:
    stamp = datetime.fromtimestamp(suite.started, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    tests = len(suite.cases) + (1 if suite.error else 0)
    element = ET.SubElement(root, "testsuite", {
        "name": suite.playbook, "package": suite.file or suite.playbook, "id": str(number),
        "timestamp": stamp, "hostname": host, "tests": str(tests),
        "failures": str(suite.failures), "errors": str(suite.errors), "skipped": "0",
        "time": _seconds(suite.seconds),
    })
    props = ET.SubElement(element, "properties")
    ET.SubElement(props, "property", {"name": "file", "value": suite.file})
    lines: list[str] = []
    if suite.coverage is not None:
        cov = suite.coverage
        ET.SubElement(props, "property", {"name": "coverage", "value": f"{cov.percent:.1f}"})
        for kind, (done, total) in cov.by_kind().items():
            ET.SubElement(props, "property",
                          {"name": f"coverage.{kind}", "value": f"{done}/{total}"})
        lines.append(f"coverage {cov.percent:.1f}%")
        lines.extend(f"uncovered {item.kind}: {item.label}" for item in cov.uncovered())
    if suite.error:
        case = ET.SubElement(element, "testcase", {
            "name": "(load)", "classname": suite.playbook, "time": "0.000"})
        ET.SubElement(case, "error", {"message": suite.error, "type": "PlaybookInvalid"}).text = (
            suite.error)
    for result in suite.cases:
        case = ET.SubElement(element, "testcase", {
            "name": result.profile, "classname": suite.playbook,
            "time": _seconds(result.seconds)})
        if result.error is not None:
            ET.SubElement(case, "error", {"message": result.error,
                                          "type": "RunError"}).text = result.error
        elif not result.passed:
            ET.SubElement(case, "failure", {
                "message": result.failure or "", "type": "AssertionFailed"}).text = (
                f"{result.failure}\nexecution {result.execution_id} ended {result.status}")
    ET.SubElement(element, "system-out").text = "\n".join(lines)
    ET.SubElement(element, "system-err").text = ""
