"""Graph rules on the whole definition: start, targets, reachability, bodies, cycles, limits.

Edges are the states' fields (``next``, conditions, default, path roots, batch root, on_error
fallbacks). Reachability is a plain breadth-first walk over an adjacency dict; cycles are the
strongly connected components of a networkx view (linear time), so 2,300 states cost a few
milliseconds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping

import networkx as nx

from runtime.model.states import END, AnyState, BatchState, BranchState, ParallelState
from runtime.validate.problems import Problem, problem

MAX_STATES = 50
MAX_NAME = 80


def adjacency(definition: Mapping[str, AnyState]) -> dict[str, list[str]]:
    """State → existing targets (all edges, End excluded)."""
    return {
        name: [t for _, t in state.targets() if t in definition]
        for name, state in definition.items()
    }


def _reach(adj: Mapping[str, list[str]], roots: list[str]) -> set[str]:
    seen = set(roots)
    queue = deque(roots)
    while queue:
        for target in adj.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def check_graph(definition: Mapping[str, AnyState]) -> Iterator[Problem]:
    """Every whole-graph problem of a definition."""
    count = len(definition)
    if not 1 <= count <= MAX_STATES:
        yield problem("limit.states", None, "",
                      f"the definition has {count} states; the server allows 1 to {MAX_STATES}")
    yield from _check_names(definition)
    starts = [n for n, s in definition.items() if s.start]
    if not starts and definition:
        yield problem("start.missing", None, "", "no state is marked as the start")
    for extra in starts[1:]:
        yield problem("start.multiple", extra, "start",
                      f"{len(starts)} states are marked start ({', '.join(starts[:5])})")
    yield from _check_targets(definition)
    adj = adjacency(definition)
    if starts:
        reached = _reach(adj, [starts[0]])
        for name in definition:
            if name not in reached:
                yield problem("state.unreachable", name, "",
                              "no path from the start reaches this state")
        yield from _check_bodies(definition, adj, starts[0])
    yield from _check_cycles(definition, adj)


def _check_names(definition: Mapping[str, AnyState]) -> Iterator[Problem]:
    for name in definition:
        if not name.strip() or len(name) > MAX_NAME or name == END:
            yield problem("name.invalid", name, "",
                          f"state name {name[:40]!r} must be 1 to {MAX_NAME} characters and "
                          "not 'End'")


def _check_targets(definition: Mapping[str, AnyState]) -> Iterator[Problem]:
    for name, state in definition.items():
        for path, target in state.targets():
            if target != END and target not in definition:
                yield problem("target.missing", name, path,
                              f"{path} names {target!r}, which is not a state")
        yield from _check_shape(name, state)


def _check_shape(name: str, state: AnyState) -> Iterator[Problem]:
    if state.type in ("success", "failure") and state.model_extra and (
        "next" in state.model_extra
    ):
        yield problem("terminal.next", name, "next",
                      f"a {state.type} state ends the execution; remove its next")
    if isinstance(state, BranchState):
        if not state.conditions and state.default is None:
            yield problem("flow.dead-end", name, "", "the branch has no conditions and no default")
        if state.default is None:
            yield problem("branch.no-default", name, "default", "the branch has no default target")
        for path, target in state.targets():
            if target == END:
                yield problem("branch.to-end", name, path,
                              "a branch may not lead to End; add a Success or Failure state")
    elif isinstance(state, ParallelState) and not state.paths:
        yield problem("flow.dead-end", name, "paths", "the parallel state has no paths")
    elif isinstance(state, BatchState) and not state.root:
        yield problem("flow.dead-end", name, "root", "the batch has no body (root state)")


def _main_flow(definition: Mapping[str, AnyState], start: str) -> set[str]:
    """States reachable from the start without entering parallel or batch bodies."""
    adj: dict[str, list[str]] = {}
    for name, state in definition.items():
        adj[name] = [
            t for p, t in state.targets()
            if t in definition and not p.startswith("paths[") and p != "root"
        ]
    return _reach(adj, [start])


def _check_bodies(
    definition: Mapping[str, AnyState], adj: Mapping[str, list[str]], start: str
) -> Iterator[Problem]:
    main = _main_flow(definition, start)
    for name, state in definition.items():
        roots: list[tuple[str, str]] = []
        if isinstance(state, ParallelState):
            roots = [(f"paths[{i}].root", p.root) for i, p in enumerate(state.paths)]
        elif isinstance(state, BatchState) and state.root:
            roots = [("root", state.root)]
        for path, root in roots:
            if root not in definition:
                continue
            if root == END:
                continue
            body = _reach(adj, [root])
            escaped = sorted((body & main) | ({name} & body))
            if escaped:
                yield problem(
                    "body.escape", name, path,
                    f"the body starting at {root!r} leads out of it to "
                    f"{', '.join(repr(e) for e in escaped[:3])}; a body ends with End "
                    "(or a missing next)",
                )


def _check_cycles(
    definition: Mapping[str, AnyState], adj: Mapping[str, list[str]]
) -> Iterator[Problem]:
    graph = nx.DiGraph()
    graph.add_nodes_from(definition)
    graph.add_edges_from((u, v) for u, targets in adj.items() for v in targets)
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            node = next(iter(component))
            if not graph.has_edge(node, node):
                continue
        if any(definition[n].type == "wait" for n in component):
            continue
        first = min(component)
        yield problem(
            "cycle.no-wait", first, "",
            f"loop through {', '.join(sorted(component)[:4])} has no Wait; it will run into "
            "the 1,000-transition cap",
        )
