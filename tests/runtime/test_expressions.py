"""Tests for runtime.expressions: branch conditions by our own grammar, never ``eval``.

Covers every operator, precedence (``&&`` binds tighter than ``||``, ``!`` tighter than both),
parentheses, literals, a missing path reading as null, JSON equality (booleans are not
numbers), ordering only between like types, syntax errors with positions, hostile input
(length, deep nesting: an ExpressionError, never a RecursionError or a hang), and hypothesis
properties: generated well-formed expressions parse and evaluate like a reference evaluator,
random text raises nothing but ExpressionError.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.expressions import (
    MAX_EXPRESSION_LENGTH,
    MAX_NESTING,
    Condition,
    ExpressionError,
    compile_condition,
    tokenize,
)

PAYLOAD: dict[str, Any] = {
    "verification": "success",
    "severity": 7,
    "score": 7.5,
    "flag": True,
    "off": False,
    "zero": 0,
    "empty": "",
    "none": None,
    "list": [1, 2],
    "nolist": [],
    "user": {"name": "alice", "groups": ["admins"]},
}


def ev(text: str, data: Any = PAYLOAD) -> bool:
    return compile_condition(text).evaluate(data)


# --- operators --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$.verification == 'success'", True),
        ('$.verification == "success"', True),
        ("$.verification != 'success'", False),
        ("$.severity > 5", True),
        ("$.severity > 7", False),
        ("$.severity >= 7", True),
        ("$.severity < 7", False),
        ("$.severity <= 7", True),
        ("$.score > 7", True),
        ("$.score < 7.6", True),
        ("$.severity == 7.0", True),  # JSON equality: 7 == 7.0
        ("$.user.name == 'alice'", True),
        ("$.user.groups[0] == 'admins'", True),
        ("'abc' < 'abd'", True),  # strings order with strings
        ("$.flag && $.severity > 5", True),
        ("$.off || $.severity > 5", True),
        ("$.off || $.zero", False),
        ("!$.off", True),
        ("!$.flag", False),
        ("!!$.flag", True),
        ("!($.severity > 5)", False),
        ("-1 < 0", True),
        ("1e3 == 1000", True),
        ("2.5e-1 == 0.25", True),
    ],
)
def test_operators(text: str, expected: bool) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # && over ||: "true || (false && false)" is true; "(true || false) && false" is false.
        ("true || false && false", True),
        ("(true || false) && false", False),
        ("false && false || true", True),
        ("false && (false || true)", False),
        # ! binds tighter than && and ||.
        ("!false && false", False),
        ("!(false && false)", True),
        ("!true || true", True),
        # Comparisons bind tighter than && and ||.
        ("$.severity > 5 && $.severity < 10 || false", True),
        ("1 == 1 && 2 == 3", False),
        ("1 == 2 || 2 == 2", True),
    ],
)
def test_precedence_and_parentheses(text: str, expected: bool) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("null", False),
        ("0", False),
        ("1", True),
        ("''", False),
        ("'x'", True),
        ("$.list", True),
        ("$.nolist", False),
        ("$.user", True),
        ("$.empty", False),
        ("$.none", False),
        ("null == null", True),
        ("'it\\'s' == \"it's\"", True),
        ("'tab\\\\' != 'tab'", True),
    ],
)
def test_literals_and_truthiness(text: str, expected: bool) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$.missing == null", True),
        ("$.missing != null", False),
        ("$.missing.deeper == null", True),
        ("$.missing", False),
        ("!$.missing", True),
        ("$.missing > 1", False),
        ("$.missing < 1", False),
        ("$.user.groups[5] == null", True),
    ],
)
def test_missing_path_reads_as_null(text: str, expected: bool) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true == 1", False),
        ("false == 0", False),
        ("true != 1", True),
        ("$.flag == 1", False),
        ("$.flag == true", True),
        ("$.zero == false", False),
        ("$.zero == 0", True),
        ("'1' == 1", False),
        ("'7' > 5", False),  # ordering across types is false, not an error
        ("'7' < 5", False),
        ("true > false", False),
        ("null < 1", False),
    ],
)
def test_booleans_are_not_numbers_and_types_do_not_mix(text: str, expected: bool) -> None:
    assert ev(text) is expected


def test_non_object_input_reads_paths_as_null() -> None:
    assert ev("$.a == null", "plain string") is True
    assert ev("$ == 3", 3) is True


def test_compiled_condition_records_its_paths_and_is_cached() -> None:
    cond = compile_condition("$.a == 1 && ($.b.c || !$['d e'])")
    assert isinstance(cond, Condition)
    assert cond.paths == ("$.a", "$.b.c", "$['d e']")
    assert compile_condition("$.a == 1 && ($.b.c || !$['d e'])") is cond


def test_tokenize_kinds_and_positions() -> None:
    tokens = tokenize("$.a >= 'x' && !(1)")
    assert [(t.kind, t.value, t.pos) for t in tokens] == [
        ("path", "$.a", 0),
        ("op", ">=", 4),
        ("string", "'x'", 7),
        ("op", "&&", 11),
        ("op", "!", 14),
        ("op", "(", 15),
        ("number", "1", 16),
        ("op", ")", 17),
    ]


# --- syntax errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("$.a ==", 6, "unexpected end"),
        ("!", 1, "unexpected end"),
        ("(", 1, "unexpected end"),
        ("($.a == 1", 9, "missing ')'"),
        ("($.a == 1 true", 10, "missing ')'"),
        ("$.a == 1)", 8, "unexpected ')'"),
        ("1 == 1 == 1", 7, "unexpected '=='"),
        ("$.a = 1", 4, "unexpected character '='"),
        ("$.a & $.b", 4, "unexpected character '&'"),
        ("'a' + 'b'", 4, "unexpected character '+'"),
        ("'unterminated", 0, "unexpected character"),
        ("severity == 1", 0, "unknown word 'severity'"),
        ("True", 0, "unknown word 'True'"),
        ("$.a == && 1", 7, "expected a value"),
        ("$.a[x] == 1", 3, "expected [index]"),
        ("$.a == $[x]", 8, "expected [index]"),  # position of the bad path segment
        ("$. == 1", 1, "unexpected character '.'"),
        ("&& 1", 0, "expected a value"),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int, reason: str) -> None:
    with pytest.raises(ExpressionError) as info:
        compile_condition(text)
    exc = info.value
    assert exc.position == position, str(exc)
    assert reason in exc.reason
    assert f"at character {position + 1}" in str(exc)


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "open('/etc/passwd')",
        "().__class__",
        "eval('1')",
        "lambda: 1",
        "1 if True else 0",
        "[x for x in ()]",
        "$.a.__class__ == 1",  # parses as a path (a key), never an attribute
    ],
)
def test_python_is_never_evaluated(text: str) -> None:
    try:
        cond = compile_condition(text)
    except ExpressionError:
        return
    # Only harmless path reads may parse; they read data, nothing else.
    assert cond.evaluate({}) is False


def test_non_string_condition_is_an_expression_error() -> None:
    with pytest.raises(ExpressionError):
        compile_condition(42)  # type: ignore[arg-type]


# --- hostile input ----------------------------------------------------------------------------


def _quick_error(text: str) -> ExpressionError:
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        compile_condition(text)
    assert time.perf_counter() - started < 1.0
    return info.value


def test_very_long_expression_is_refused() -> None:
    exc = _quick_error("1 == 1 || " * 1000 + "true")
    assert f"longer than {MAX_EXPRESSION_LENGTH}" in exc.reason


def test_long_but_allowed_chains_do_not_recurse() -> None:
    text = " || ".join(["$.a == 1"] * 300)  # under the length cap, 300 operands
    assert len(text) < MAX_EXPRESSION_LENGTH
    assert ev(text, {"a": 1}) is True
    assert ev(" && ".join(["true"] * 450)) is True


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 1000, 10_000, 100_000])
def test_deep_parentheses_are_an_expression_error(depth: int) -> None:
    text = "(" * depth + "1" + ")" * depth
    exc = _quick_error(text)  # the length cap or the nesting cap, whichever comes first
    assert "nested more than" in exc.reason or "longer than" in exc.reason


def test_deep_parentheses_under_the_length_cap_are_a_nesting_error() -> None:
    exc = _quick_error("(" * 1500 + "1" + ")" * 1500)
    assert f"nested more than {MAX_NESTING}" in exc.reason
    assert exc.position == MAX_NESTING


def test_deep_negation_is_a_nesting_error() -> None:
    exc = _quick_error("!" * 3000 + "true")
    assert "nested more than" in exc.reason


def test_nesting_at_the_limit_parses() -> None:
    assert ev("(" * MAX_NESTING + "true" + ")" * MAX_NESTING) is True


# --- properties -------------------------------------------------------------------------------

_DATA = {"a": 1, "b": "x", "c": True, "d": None, "e": [1], "f": 2.5}
_OPS = ("==", "!=", ">", ">=", "<", "<=")


def _reference_value(token: str) -> Any:
    literals = {"true": True, "false": False, "null": None, "1": 1, "2": 2, "'x'": "x"}
    if token in literals:
        return literals[token]
    return _DATA.get(token[2:])  # "$.a" -> _DATA["a"]; missing reads as null


def _truth(value: Any) -> bool:
    return value not in (None, False, 0, "") and value != [] and value != {}


def _reference_compare(op: str, a: Any, b: Any) -> bool:
    if op in ("==", "!="):
        same = (type(a) is type(b) and a == b) if isinstance(a, bool) or isinstance(b, bool) else a == b
        return same if op == "==" else not same
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    strings = isinstance(a, str) and isinstance(b, str)
    if not (numbers or strings):
        return False
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]


_operand = st.sampled_from(
    ["true", "false", "null", "1", "2", "'x'", "$.a", "$.b", "$.c", "$.d", "$.e", "$.f", "$.zz"]
)
_leaf = st.one_of(
    _operand.map(lambda t: (t, _truth(_reference_value(t)))),
    st.tuples(_operand, st.sampled_from(_OPS), _operand).map(
        lambda p: (
            f"{p[0]} {p[1]} {p[2]}",
            _reference_compare(p[1], _reference_value(p[0]), _reference_value(p[2])),
        )
    ),
)


def _extend(inner: st.SearchStrategy[tuple[str, bool]]) -> st.SearchStrategy[tuple[str, bool]]:
    return st.one_of(
        inner.map(lambda e: (f"!({e[0]})", not e[1])),
        inner.map(lambda e: (f"({e[0]})", e[1])),
        st.tuples(inner, inner).map(lambda p: (f"({p[0][0]}) && ({p[1][0]})", p[0][1] and p[1][1])),
        st.tuples(inner, inner).map(lambda p: (f"({p[0][0]}) || ({p[1][0]})", p[0][1] or p[1][1])),
    )


@settings(max_examples=300, deadline=None)
@given(st.recursive(_leaf, _extend, max_leaves=12))
def test_generated_expressions_parse_and_evaluate_like_the_reference(case: tuple[str, bool]) -> None:
    text, expected = case
    try:
        cond = compile_condition(text)
    except ExpressionError as exc:
        # Only the nesting cap may refuse a well-formed expression.
        assert "nested more than" in exc.reason
        return
    assert cond.evaluate(_DATA) is expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["$.a", "1", "'x'", "true", "&&", "||", "!", "==", "<", "(", ")", " "]),
        max_size=20,
    ).map("".join)
)
def test_token_soup_raises_nothing_but_expression_error(text: str) -> None:
    try:
        cond = compile_condition(text)
    except ExpressionError as exc:
        assert 0 <= exc.position <= len(text)
        return
    assert cond.evaluate(_DATA) in (True, False)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_random_text_raises_nothing_but_expression_error(text: str) -> None:
    try:
        cond = compile_condition(text)
    except ExpressionError as exc:
        assert 0 <= exc.position <= len(text)
        return
    assert cond.evaluate(_DATA) in (True, False)
