"""The cheap paths of runtime.jsonio.loads_bounded: the C-only depth test and integers left to
the C parser give the same verdicts as the exact checks."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.jsonio import JsonInputError, _shallow, loads_bounded


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


_texts = st.text(alphabet='[]{}"\\ab', max_size=6)
_values = st.recursive(
    st.none() | st.integers() | _texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts, inner, max_size=3),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(_values, st.integers(min_value=0, max_value=12))
def test_shallow_never_says_yes_for_a_deeper_value(value: Any, limit: int) -> None:
    raw = json.dumps(value).encode()
    if _shallow(raw, limit):
        assert _depth(value) <= limit


@pytest.mark.parametrize("key", ['a\\"[[[[', "b\\\\", "[[[[[[[[[[", "]]]]]]"])
def test_brackets_and_escapes_in_strings_do_not_change_the_verdict(key: str) -> None:
    deep = '{"' + key + '": ' * 1 + "[" * 70 + "]" * 70 + "}"
    with pytest.raises(JsonInputError, match="nesting is 71 levels deep"):
        loads_bounded(deep)
    shallow = '{"' + key + '": [[1]], "x": "' + key + '"}'
    assert loads_bounded(shallow)["x"] == json.loads('"' + key + '"')


def test_long_integers_are_refused_with_the_place_even_without_pythons_own_limit() -> None:
    text = '{"a": [1, ' + "7" * 4301 + "]}"
    before = sys.get_int_max_str_digits()
    try:
        for limit in (0, 640, before):
            sys.set_int_max_str_digits(limit)
            with pytest.raises(JsonInputError, match="an integer of 4,301 digits is too long"):
                loads_bounded(text)
    finally:
        sys.set_int_max_str_digits(before)
