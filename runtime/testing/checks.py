"""Evaluate a run profile's assertions against a :class:`~runtime.testing.trace.RunTrace`.

:func:`check` returns None when an assertion holds and a one-line reason when it does not.
Equality is JSON equality (``1 == 1.0``, ``true != 1``). ``contains``: a substring of a
string, an element of an array (for an object element: one that has the given keys and
values), or, for an object, a sub-object (every key given has an equal
value) or a key name. ``matches``: a regular expression searched in a string value. An output
assertion reads the state's last run (highest seq).
"""

from __future__ import annotations

import json
import re
from typing import Any

from runtime.model.assertions import Assertion
from runtime.paths import PathMissing, PathSyntaxError, compile_path
from runtime.testing.trace import RunTrace

MAX_MATCH_TEXT = 100_000


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: numbers by value, booleans only equal booleans, deep for containers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def json_contains(actual: Any, wanted: Any) -> bool:
    """``contains`` as described in the module docstring."""
    if isinstance(actual, str):
        return isinstance(wanted, str) and wanted in actual
    if isinstance(actual, list):
        return any(json_equal(item, wanted) or (
            isinstance(item, dict) and isinstance(wanted, dict) and json_contains(item, wanted))
            for item in actual)
    if isinstance(actual, dict):
        if isinstance(wanted, str):
            return wanted in actual
        if isinstance(wanted, dict):
            return all(k in actual and json_equal(actual[k], v) for k, v in wanted.items())
    return False


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def check(assertion: Assertion, trace: RunTrace, states: set[str] | None = None) -> str | None:
    """None when ``assertion`` holds for ``trace``, else why not (one line).

    Args:
        assertion: The assertion.
        trace: The profile's run.
        states: The playbook's state names, to tell "never ran" from "no such state".
    """
    kind = assertion.kind
    if kind == "status":
        return None if trace.status == assertion.value else (
            f"status was {trace.status}" + (f" ({trace.message})" if trace.message else ""))
    name = assertion.state or ""
    if states is not None and name not in states:
        return f"the playbook has no state named {name!r}"
    if kind == "reached":
        return None if name in trace.reached() else f"{name} never ran"
    if kind == "not_reached":
        runs = trace.runs_of(name)
        return None if not runs else f"{name} ran {len(runs)} time(s)"
    if kind == "retries":
        done = trace.retries_of(name)
        return None if done == assertion.count else f"{name} was retried {done} time(s)"
    return _check_output(assertion, trace, name)


def _check_output(assertion: Assertion, trace: RunTrace, name: str) -> str | None:
    runs = [s for s in trace.runs_of(name) if s.has_output]
    if not runs:
        ran = trace.runs_of(name)
        return f"{name} never ran" if not ran else f"{name} has no recorded output"
    output = runs[-1].output
    where = assertion.path or "$"
    try:
        actual = compile_path(where).get(output)
    except PathMissing:
        return f"{where} names nothing in the output of {name}"
    except PathSyntaxError as exc:
        return f"path {where!r}: {exc}"
    wanted = assertion.value
    if assertion.op == "equals":
        ok = json_equal(actual, wanted)
    elif assertion.op == "contains":
        ok = json_contains(actual, wanted)
    else:
        if not isinstance(actual, str):
            return f"{where} of {name} is {_shown(actual)}, not a string"
        ok = re.search(str(wanted), actual[:MAX_MATCH_TEXT]) is not None
    return None if ok else f"{where} of {name} was {_shown(actual)}"
