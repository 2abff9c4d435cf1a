"""The ``playbook test`` command: every run profile of each FILE is a test case.

Each profile runs on the embedded engine and its assertions are checked; a case fails on the
first assertion that does not hold, which is named. The coverage the suite gives (states,
branch conditions, Parallel paths, fallbacks, retries) is printed per playbook with the
branch conditions no case took. ``--junit OUT.xml`` writes JUnit XML for CI servers. Exit: 0
when every case passes, 1 when any fails (or a playbook has validation errors), 3 when a file
cannot be read.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from runtime.cli.common import EXIT_ERRORS, EXIT_INPUT, EXIT_OK, CliError, out, write_output

KIND_NAMES = {"state": "states", "condition": "branch conditions", "path": "paths",
              "fallback": "fallbacks", "retry": "retries"}


def cmd_test(args: argparse.Namespace) -> int:
    import asyncio

    from runtime.loader import PlaybookLoadError
    from runtime.testing import junit_xml, run_suite

    suites = []
    for path in args.files:
        try:
            suites.append(asyncio.run(run_suite(path, profiles=args.profile or None)))
        except PlaybookLoadError as exc:
            raise CliError(str(exc), EXIT_INPUT) from None
    if args.junit:
        write_output(junit_xml(suites), args.junit)
    if args.format == "json":
        out(json.dumps({"passed": all(s.passed for s in suites),
                        "suites": [s.to_json() for s in suites]}, indent=2, default=str))
    else:
        for suite in suites:
            _print_suite(suite)
        passed = sum(1 for s in suites for c in s.cases if c.passed)
        failed = sum(1 for s in suites for c in s.cases if not c.passed)
        broken = sum(1 for s in suites if s.error)
        out(f"{passed} passed, {failed} failed" + (f", {broken} not runnable" if broken else ""))
    return EXIT_OK if all(s.passed for s in suites) else EXIT_ERRORS


def _print_suite(suite: Any) -> None:
    out(f"{suite.playbook} ({suite.file})")
    if suite.error:
        out(f"  ✗ cannot run: {suite.error}")
        return
    if not suite.cases:
        out("  (no run profiles)")
    for case in suite.cases:
        if case.error:
            out(f"  ✗ {case.profile}: error: {case.error}")
        elif not case.passed:
            out(f"  ✗ {case.profile}: {case.failure}")
        else:
            note = f"{case.checked} assertion{'s' if case.checked != 1 else ''}" if (
                case.checked) else "no assertions"
            out(f"  ✓ {case.profile} ({case.status}, {note})")
    cov = suite.coverage
    if cov is None:
        return
    parts = ", ".join(f"{KIND_NAMES[k]} {done}/{total}"
                      for k, (done, total) in cov.by_kind().items())
    out(f"  coverage {cov.percent:.1f}% ({parts})")
    conditions = cov.uncovered("condition")
    if conditions:
        out("  uncovered branch conditions:")
        for item in conditions:
            out(f"    {item.label}")
    others = [i for i in cov.uncovered() if i.kind != "condition"]
    if others:
        out("  not exercised: " + "; ".join(i.label for i in others))


def add_commands(sub: Any) -> None:
    """Register ``test`` on the main parser's sub-parsers."""
    p = sub.add_parser("test", help="run each playbook's run profiles as test cases, with "
                       "coverage and optional JUnit XML")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.add_argument("--junit", metavar="OUT.xml", help="write JUnit XML for CI servers")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--profile", metavar="NAME", action="append",
                   help="run only this profile (repeatable)")
    p.set_defaults(func=cmd_test)
