"""Did-you-mean suggestions of the data-flow lint: the same as difflib's, from a cache."""

from __future__ import annotations

import difflib

from hypothesis import given
from hypothesis import strategies as st

from runtime.dataflow.lint import suggestions
from runtime.dataflow.shape import Shape

WORDS = st.sampled_from(["alert", "alerts", "host", "user", "risk", "score", "data", "n"])
TREES = st.recursive(st.just(1), lambda kids: st.dictionaries(WORDS, kids, max_size=4),
                     max_leaves=20)


@given(TREES, st.lists(WORDS, min_size=1, max_size=3))
def test_suggestions_are_difflibs_close_matches(tree: object, words: list[str]) -> None:
    shape = Shape.of_value(tree)
    path = "$." + ".".join(words)
    known = [text for text, _type, _definite in shape.paths()]
    scores: dict[tuple[str, str], float] = {}
    expected = difflib.get_close_matches(path, known, n=3, cutoff=0.5)
    assert suggestions(shape, path, scores=scores) == expected
    assert suggestions(shape, path, scores=scores) == expected  # from the cache


def test_a_cached_score_is_reused_across_shapes() -> None:
    scores: dict[tuple[str, str], float] = {}
    suggestions(Shape.of_value({"alerts": 1}), "$.alert", scores=scores)
    scores[("$.alert", "$.alerts")] = 0.0  # poisoned: proves the second call reads the cache
    assert suggestions(Shape.of_value({"alerts": 1, "x": 2}), "$.alert", scores=scores) == []
