"""Tests for runtime.paths: the JSONPath subset, compiled once, with copy-little writes.

Covers parsing (every segment form), syntax errors with their positions, get / find on present
and missing data, wildcards, set semantics (only the written branch is copied; the original is
never changed), and the ``$$`` literal escape of :func:`classify_value`.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.paths import (
    MAX_PATH_LENGTH,
    WILDCARD,
    JsonPath,
    PathMissing,
    PathSyntaxError,
    classify_value,
    compile_path,
    is_dynamic,
)

DATA: dict[str, Any] = {
    "alert": {"severity": "critical", "host": {"name": "srv-01", "ip": "10.0.0.5"}},
    "items": [{"id": 1, "tags": ["a"]}, {"id": 2}, {"id": 3, "tags": []}],
    "odd key": {"x.y": 7},
    "empty": None,
}


# --- parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("$", ()),
        ("$.alert", ("alert",)),
        ("$.alert.host.name", ("alert", "host", "name")),
        ("$['odd key']", ("odd key",)),
        ('$["odd key"]["x.y"]', ("odd key", "x.y")),
        ("$['it\\'s']", ("it's",)),
        ("$.items[0]", ("items", 0)),
        ("$.items[-1]", ("items", -1)),
        ("$.items[ 2 ]", ("items", 2)),
        ("$.items[*].id", ("items", WILDCARD, "id")),
        ("$.items.*", ("items", WILDCARD)),
        ("$[0]", (0,)),
        ("$.a-b", ("a-b",)),
        ("$.$ref", ("$ref",)),
        ("$._x1", ("_x1",)),
        ("$.@timestamp", ("@timestamp",)),
    ],
)
def test_parses(text: str, segments: tuple[Any, ...]) -> None:
    path = compile_path(text)
    assert path.text == text
    assert path.segments == segments
    assert path.is_root == (segments == ())
    assert path.has_wildcard == (WILDCARD in segments)


def test_compile_is_cached() -> None:
    assert compile_path("$.alert.host") is compile_path("$.alert.host")


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("alert.severity", 0, "starts with $"),
        ("", 0, "starts with $"),
        ("$.", 2, "expected a name"),
        ("$..a", 2, "expected a name"),
        ("$.1a", 2, "expected a name"),
        ("$.a[", 3, "expected [index]"),
        ("$.a[x]", 3, "expected [index]"),
        ("$.a['unterminated]", 3, "expected [index]"),
        ("$.a b", 3, "unexpected ' '"),
        ("$.a.b)", 5, "unexpected ')'"),
        ("$a", 1, "unexpected 'a'"),
    ],
)
def test_syntax_errors_name_the_position(text: str, position: int, reason: str) -> None:
    with pytest.raises(PathSyntaxError) as info:
        compile_path(text)
    exc = info.value
    assert exc.position == position
    assert reason in exc.reason
    assert f"at character {position + 1}" in str(exc)
    assert exc.path == text


def test_too_long_path_is_refused_quickly() -> None:
    with pytest.raises(PathSyntaxError, match=f"longer than {MAX_PATH_LENGTH}"):
        compile_path("$" + ".a" * MAX_PATH_LENGTH)


def test_non_string_path_is_a_syntax_error() -> None:
    with pytest.raises(PathSyntaxError, match="must be a string"):
        compile_path(42)  # type: ignore[arg-type]


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$", DATA),
        ("$.alert.severity", "critical"),
        ("$.alert.host.ip", "10.0.0.5"),
        ("$.items[1].id", 2),
        ("$.items[-1].id", 3),
        ("$['odd key']['x.y']", 7),
        ("$.items[*].id", [1, 2, 3]),
        ("$.items[*].tags", [["a"], []]),  # elements without the key are skipped
        ("$.alert.*", ["critical", {"name": "srv-01", "ip": "10.0.0.5"}]),
        ("$.empty", None),
    ],
)
def test_get(text: str, expected: Any) -> None:
    assert compile_path(text).get(DATA) == expected


@pytest.mark.parametrize(
    "text",
    [
        "$.missing",
        "$.alert.missing",
        "$.alert.severity.deeper",  # into a string
        "$.items[9]",
        "$.items[-9]",
        "$.items.id",  # a name into a list
        "$.alert[0]",  # an index into an object
        "$.alert.severity[*]",  # a wildcard over a scalar
    ],
)
def test_missing_raises_path_missing_and_find_gives_default(text: str) -> None:
    path = compile_path(text)
    with pytest.raises(PathMissing):
        path.get(DATA)
    assert path.find(DATA) is None
    assert path.find(DATA, "fallback") == "fallback"


def test_index_does_not_treat_booleans_or_strings_as_lists() -> None:
    with pytest.raises(PathMissing):
        compile_path("$[0]").get("abc")
    with pytest.raises(PathMissing):
        compile_path("$.a").get(["a"])


# --- writing ----------------------------------------------------------------------------------


def test_set_copies_only_the_written_branch() -> None:
    original = copy.deepcopy(DATA)
    result = compile_path("$.alert.host.name").set(DATA, "srv-02")
    assert result["alert"]["host"]["name"] == "srv-02"
    assert original == DATA  # the input is never changed
    assert result is not DATA
    assert result["alert"] is not DATA["alert"]
    assert result["alert"]["host"] is not DATA["alert"]["host"]
    # Siblings of the written branch are shared, not copied.
    assert result["items"] is DATA["items"]
    assert result["odd key"] is DATA["odd key"]
    assert result["alert"]["host"]["ip"] == "10.0.0.5"


def test_set_creates_missing_objects() -> None:
    result = compile_path("$.result.enrichment.score").set({"a": 1}, 42)
    assert result == {"a": 1, "result": {"enrichment": {"score": 42}}}


def test_set_into_a_list_element_copies_the_list_only() -> None:
    result = compile_path("$.items[1].id").set(DATA, 20)
    assert result["items"][1] == {"id": 20}
    assert DATA["items"][1] == {"id": 2}
    assert result["items"] is not DATA["items"]
    assert result["items"][0] is DATA["items"][0]


def test_set_root_replaces_the_document() -> None:
    assert compile_path("$").set(DATA, {"new": True}) == {"new": True}


def test_set_out_of_range_index_is_missing() -> None:
    with pytest.raises(PathMissing):
        compile_path("$.items[7]").set(DATA, 1)
    with pytest.raises(PathMissing):
        compile_path("$.alert[0]").set(DATA, 1)


def test_set_with_wildcard_is_refused() -> None:
    with pytest.raises(PathSyntaxError, match="cannot contain"):
        compile_path("$.items[*].id").set(DATA, 1)


def test_set_on_a_non_object_input_builds_an_object() -> None:
    assert compile_path("$.a").set("scalar", 1) == {"a": 1}


# --- dynamic values and the $$ escape ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "payload"),
    [
        ("$", "dynamic", "$"),
        ("$.alert.host", "dynamic", "$.alert.host"),
        ("$[0]", "dynamic", "$[0]"),
        ("$$", "literal", "$"),
        ("$$.alert", "literal", "$.alert"),  # the escape: a literal that starts with $
        ("$$$x", "literal", "$$x"),
        ("$100 fee", "literal", "$100 fee"),  # $ not followed by . or [ is plain text
        ("plain", "literal", "plain"),
        ("", "literal", ""),
        (3, "literal", 3),
        (None, "literal", None),
        (["$.a"], "literal", ["$.a"]),
    ],
)
def test_classify_value(value: Any, kind: str, payload: Any) -> None:
    assert classify_value(value) == (kind, payload)
    assert is_dynamic(value) == (kind == "dynamic")


# --- properties -------------------------------------------------------------------------------

_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
_segments = st.lists(
    st.one_of(
        _names.map(lambda n: (f".{n}", n)),
        st.integers(-5, 50).map(lambda i: (f"[{i}]", i)),
        st.text(alphabet="ab c.-'", max_size=6).map(
            lambda s: ("['" + s.replace("'", "\\'") + "']", s)
        ),
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(_segments)
def test_generated_paths_parse_to_their_segments(parts: list[tuple[str, Any]]) -> None:
    text = "$" + "".join(p for p, _ in parts)
    assert compile_path(text).segments == tuple(seg for _, seg in parts)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text_only_raises_path_syntax_error(text: str) -> None:
    try:
        path = compile_path(text)
    except PathSyntaxError as exc:
        assert 0 <= exc.position <= len(text)
        return
    assert isinstance(path, JsonPath)


@settings(max_examples=100, deadline=None)
@given(st.lists(_names, min_size=1, max_size=5), st.integers())
def test_set_then_get_returns_the_value(names: list[str], value: int) -> None:
    path = compile_path("$." + ".".join(names))
    base = {"keep": [1, 2]}
    written = path.set(base, value)
    assert path.get(written) == value
    assert base == {"keep": [1, 2]}
    assert written["keep"] is base["keep"] or names[0] == "keep"
