"""The fast paths of validation give what the plain versions give.

The graph rules walk numbered states (runtime/validate/outline.py) and find which states can
end and which components loop in one pass over Tarjan's components; these tests hold them to
the straightforward algorithms they replaced (reverse walks over name adjacency, Tarjan over
names), on random definitions, in the same order. Also: the dynamic-value test of
runtime.paths, the secret scan's quick look, and the compiled enum check on texts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.catalog.checker import _enum_equal, compile_value
from runtime.model import document_from_data
from runtime.model.states import END, AnyState
from runtime.paths import classify_value, dynamic_text
from runtime.validate.graph import (
    _ending_and_loops,
    adjacency,
    can_end,
    edges_of,
    strongly_connected,
)
from runtime.validate.outline import Outline, is_body_edge
from runtime.validate.secrets import _any_secret, _walk

NAMES = ["S0", "S1", "S2", "S3", "S4", "S5", "End"]
KINDS = ["pass", "wait", "branch", "parallel", "batch", "success", "failure", "action"]


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    """Small definitions with every kind of edge: End, missing targets, self-loops, bodies
    leading anywhere, fallbacks, a state named End now and then."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=7, unique=True))
    target = st.sampled_from([*names, "End", "Nowhere"])
    definition: dict[str, Any] = {}
    for name in names:
        kind = draw(st.sampled_from(KINDS))
        state: dict[str, Any] = {"type": kind}
        if kind == "branch":
            state["conditions"] = [{"condition": "$.a == 1", "next": draw(target)}
                                   for _ in range(draw(st.integers(0, 2)))]
            if draw(st.booleans()):
                state["default"] = draw(target)
        elif draw(st.booleans()):  # (kept as an unknown key on a Success or a Failure)
            state["next"] = draw(target)
        if kind == "parallel":
            state["paths"] = [{"name": f"p{j}", "root": draw(target)}
                              for j in range(draw(st.integers(0, 2)))]
        if kind == "batch" and draw(st.booleans()):
            state["root"] = draw(target)
        if kind == "action":
            state["action"] = "ping_device"
            state["on_error"] = [{"error_type": "execution_error", "fallback": {"next": draw(target)}}
                                 for _ in range(draw(st.integers(0, 2)))]
        definition[name] = state
    definition[draw(st.sampled_from(names))]["start"] = True
    return definition


# -- the plain versions ---------------------------------------------------------------------

def plain_components(adj: Mapping[str, list[str]]) -> Iterator[list[str]]:
    """Tarjan over names, with an iterator per node on the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    counter = 0
    for root in adj:
        if root in index:
            continue
        work = [(root, iter(adj[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(adj.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                yield component


def plain_can_end(definition: Mapping[str, AnyState], edges: dict[str, list[tuple[str, str]]]
                  ) -> set[str]:
    """Backward walks from the states that end a pathway, over reversed name adjacency."""
    terminal = {n for n, s in definition.items() if s.type in ("success", "failure")}
    every: dict[str, list[str]] = {}
    flow: dict[str, list[str]] = {}
    bodies: list[tuple[str, list[str]]] = []
    ends: set[str] = set(terminal)
    for name, state in definition.items():
        roots: list[str] = []
        flows_out = False
        for path, target in edges[name]:
            body = path == "root" or path.startswith("paths[")
            if body:
                roots.append(target)
            elif target == END:
                flows_out = True
            if target in definition:
                every.setdefault(target, []).append(name)
                if not body:
                    flow.setdefault(target, []).append(name)
        if flows_out or (state.type != "branch" and getattr(state, "next", None) is None):
            ends.add(name)
        elif roots:
            bodies.append((name, roots))

    def walk_back(reverse: Mapping[str, list[str]], targets: set[str]) -> set[str]:
        seen = set(targets)
        queue = deque(targets)
        while queue:
            for source in reverse.get(queue.popleft(), ()):
                if source not in seen:
                    seen.add(source)
                    queue.append(source)
        return seen

    finishes = walk_back(every, terminal)
    ends.update(name for name, roots in bodies if any(r in finishes for r in roots))
    return walk_back(flow, ends)


# -- the tests ------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(definitions())
def test_components_and_ending_are_the_plain_walks(data: dict[str, Any]) -> None:
    definition = document_from_data({"name": "t", "definition": data}).definition
    edges = edges_of(definition)
    adj = adjacency(definition, edges)
    plain = list(plain_components(adj))
    assert list(strongly_connected(adj)) == plain  # the same components, in the same order
    outline = Outline(definition)
    ending, loops = _ending_and_loops(outline)
    assert [[outline.names[i] for i in c] for c in loops] == [
        c for c in plain if len(c) > 1 or c[0] in adj[c[0]]]
    expected = plain_can_end(definition, edges)
    assert {n for n, flag in zip(outline.names, ending, strict=True) if flag} == expected
    assert can_end(definition, edges) == expected


@settings(max_examples=200, deadline=None)
@given(definitions())
def test_the_outline_numbers_every_edge(data: dict[str, Any]) -> None:
    definition = document_from_data({"name": "t", "definition": data}).definition
    outline = Outline(definition)
    index = outline.index
    for i, (name, state) in enumerate(definition.items()):
        out = list(state.targets())
        assert outline.names[i] == name and outline.edges[i] == out
        assert outline.targets[i] == [index.get(t, -1) for _p, t in out]
        assert outline.succ[i] == [index[t] for _p, t in out if t in index]
        assert outline.flow[i] == [index[t] for p, t in out if t in index and not is_body_edge(p)]
        assert outline.roots[i] == [index[t] for p, t in out if t in index and is_body_edge(p)]
        assert outline.exits[i] == any(t == END and not is_body_edge(p) for p, t in out)
        assert outline.strays[i] == any(t != END and t not in index for _p, t in out)


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=False),
    st.text(alphabet="$.[]a$ ", max_size=5), st.sampled_from(["$", "$$", "$.", "$[0]", "$$.a"]),
)


@given(VALUES)
def test_dynamic_text_is_the_dynamic_case_of_classify_value(value: Any) -> None:
    kind, payload = classify_value(value)
    assert dynamic_text(value) == (payload if kind == "dynamic" else None)


SECRETS = st.sampled_from(["hello", "Bearer abcdefghijklmnop", "AKIAABCDEFGHIJKLMNOP",
                           "s3cr3t-value", "$.password", "$$literal", "short"])
JSON = st.recursive(
    st.one_of(st.none(), st.integers(), SECRETS),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
        st.sampled_from(["password", "token", "name", "url", "x"]), kids, max_size=3),
    max_leaves=12,
)


@given(JSON, st.sampled_from(["parameters", "password", "result", "api_key"]))
def test_the_quick_look_for_secrets_finds_what_the_walk_finds(value: Any, key: str) -> None:
    assert _any_secret(value, key) == bool(list(_walk(value, key, key)))


ENUMS = st.lists(st.sampled_from([True, False, 0, 1, 1.0, 2.5, "1", "a", "True", None]),
                 min_size=1, max_size=5)


@given(ENUMS, st.sampled_from([True, False, 0, 1, 1.0, 2.5, "1", "a", "b", "True", None]))
def test_an_enum_check_is_json_equality(allowed: list[Any], value: Any) -> None:
    out: list[str] = []
    compile_value({"enum": allowed}).check("$.p", value, out)
    assert (not out) == any(_enum_equal(value, a) for a in allowed)
