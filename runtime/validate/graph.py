"""Graph rules on the whole definition: start, targets, reachability, bodies, cycles, limits.

Edges are the states' fields (``next``, conditions, default, path roots, batch root, on_error
fallbacks). Reachability is a plain breadth-first walk over an adjacency dict; cycles are the
strongly connected components (an iterative Tarjan over the same adjacency; building a networkx
graph per validation cost more than the rules themselves). :func:`graph_view` gives tools the
networkx view.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Set
from typing import TYPE_CHECKING

from runtime.model.states import END, AnyState, BatchState, BranchState, ParallelState
from runtime.validate.problems import Problem, Severity, problem

if TYPE_CHECKING:
    import networkx as nx

MAX_STATES = 50
MAX_NAME = 80

#: The graph rules this module adds to :data:`runtime.validate.problems.RULES` (registered by
#: :mod:`runtime.validate`).
GRAPH_RULES: dict[str, tuple[Severity, str]] = {
    "flow.never-ends": ("error", "every loop has a way out to End, a Success or a Failure"),
    "flow.self-next": ("error", "a state's next does not name the state itself"),
    "wait.past-max-runtime": ("warning", "a Wait is shorter than the playbook's maximum runtime"),
}


Edges = dict[str, list[tuple[str, str]]]


def edges_of(definition: Mapping[str, AnyState]) -> Edges:
    """State → its ``(field path, target)`` edges, computed once per validation."""
    return {name: list(state.targets()) for name, state in definition.items()}


def adjacency(definition: Mapping[str, AnyState], edges: Edges | None = None) -> dict[str, list[str]]:
    """State → existing targets (all edges, End excluded)."""
    edges = edges if edges is not None else edges_of(definition)
    return {name: [t for _, t in out if t in definition] for name, out in edges.items()}


def _reach(
    adj: Mapping[str, list[str]], roots: list[str], stop: Set[str] = frozenset(),
    owner: str | None = None,
) -> set[str]:
    """States reachable from ``roots``; ``stop`` states and ``owner`` are reached, not passed."""
    seen = set(roots)
    queue = deque(r for r in roots if r not in stop and r != owner)
    while queue:
        for target in adj.get(queue.popleft(), ()):
            if target not in seen:
                seen.add(target)
                if target not in stop and target != owner:
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
    edges = edges_of(definition)
    yield from _check_targets(definition, edges)
    adj = adjacency(definition, edges)
    reached: set[str] | None = None
    if starts:
        reached = _reach(adj, [starts[0]])
        for name in definition:
            if name not in reached:
                yield problem("state.unreachable", name, "",
                              "no path from the start reaches this state")
        yield from _check_bodies(definition, edges, adj, starts[0])
    yield from _check_endless(definition, edges, adj, starts[0] if starts else None, reached)


def _check_names(definition: Mapping[str, AnyState]) -> Iterator[Problem]:
    for name in definition:
        if not name.strip() or len(name) > MAX_NAME or name == END:
            yield problem("name.invalid", name, "",
                          f"state name {name[:40]!r} must be 1 to {MAX_NAME} characters and "
                          "not 'End'")


def _check_targets(definition: Mapping[str, AnyState], edges: Edges) -> Iterator[Problem]:
    for name, state in definition.items():
        for path, target in edges[name]:
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


def _main_flow(definition: Mapping[str, AnyState], edges: Edges, start: str) -> set[str]:
    """States reachable from the start without entering parallel or batch bodies."""
    adj = {
        name: [t for p, t in out if t in definition and not p.startswith("paths[") and p != "root"]
        for name, out in edges.items()
    }
    return _reach(adj, [start])


def _check_bodies(
    definition: Mapping[str, AnyState], edges: Edges, adj: Mapping[str, list[str]], start: str
) -> Iterator[Problem]:
    main: set[str] | None = None
    for name, state in definition.items():
        roots: list[tuple[str, str]] = []
        if isinstance(state, ParallelState):
            roots = [(f"paths[{i}].root", p.root) for i, p in enumerate(state.paths)]
        elif isinstance(state, BatchState) and state.root:
            roots = [("root", state.root)]
        for path, root in roots:
            if root not in definition:
                continue
            if main is None:
                main = _main_flow(definition, edges, start)
            body = _reach(adj, [root], stop=main, owner=name)
            escaped = sorted((body & main) | ({name} & body))
            if escaped:
                yield problem(
                    "body.escape", name, path,
                    f"the body starting at {root!r} leads out of it to "
                    f"{', '.join(repr(e) for e in escaped[:3])}; a body ends with End "
                    "(or a missing next)",
                )


def strongly_connected(adj: Mapping[str, list[str]]) -> Iterator[list[str]]:
    """Strongly connected components (iterative Tarjan, linear time, no recursion)."""
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


def can_end(definition: Mapping[str, AnyState], edges: Edges) -> set[str]:
    """States from which some path reaches an end: End (or a missing ``next``), a Success or
    a Failure. Walks the control flow and ``on_error`` fallbacks backwards from the states
    that end a pathway. A container's body ending at End is no way out (the container goes
    on to its ``next``), but a body that can reach a Success or a Failure is: those end the
    whole execution wherever they are."""
    terminal = {n for n, s in definition.items() if s.type in ("success", "failure")}
    every: dict[str, list[str]] = {}  # target → sources, body roots included
    flow: dict[str, list[str]] = {}  # the same without body roots
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
    ends_execution = _walk_back(every, terminal)
    ends.update(name for name, roots in bodies if any(r in ends_execution for r in roots))
    return _walk_back(flow, ends)


def _walk_back(reverse: Mapping[str, list[str]], targets: set[str]) -> set[str]:
    """``targets`` and every state with a path to one of them over ``reverse``."""
    seen = set(targets)
    queue = deque(targets)
    while queue:
        for source in reverse.get(queue.popleft(), ()):
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen


def _check_endless(
    definition: Mapping[str, AnyState], edges: Edges, adj: Mapping[str, list[str]],
    start: str | None, reached: set[str] | None = None,
) -> Iterator[Problem]:
    """Flows that can never end are errors; loops that can end but have no Wait warn."""
    self_next = {name for name, out in edges.items() if ("next", name) in out}
    for name in sorted(self_next):
        yield problem("flow.self-next", name, "next",
                      f"next names {name!r} itself: the state would run forever")
    ending = can_end(definition, edges)
    if reached is None:
        reached = _reach(adj, [start]) if start is not None else set(definition)
    for component in strongly_connected(adj):
        if len(component) == 1 and component[0] not in adj.get(component[0], ()):
            continue
        members = sorted(component)
        listed = ", ".join(repr(m) for m in members[:4]) + (" ..." if len(members) > 4 else "")
        if not (set(component) & ending):
            if not set(component) & reached:
                continue
            waits = any(definition[n].type == "wait" for n in component)
            limit = ("the playbook's maximum runtime" if waits
                     else "the 1,000-transition cap")
            yield problem(
                "flow.never-ends", members[0], "",
                f"the loop through {listed} has no way out to End, a Success or a Failure: "
                f"the execution can never end and would run until {limit} stops it",
            )
        elif component != [members[0]] or members[0] not in self_next:
            if any(definition[n].type == "wait" for n in component):
                continue
            yield problem(
                "cycle.no-wait", members[0], "",
                f"loop through {', '.join(members[:4])} has no Wait; it will run into "
                "the 1,000-transition cap",
            )


def check_wait_runtime(definition: Mapping[str, AnyState], max_runtime: float) -> Iterator[Problem]:
    """A Wait longer than the playbook's maximum runtime: the session reaper stops the
    execution before the Wait ends (warning, naming both figures)."""
    for name, state in definition.items():
        if state.type != "wait":
            continue
        try:
            duration = float(getattr(state, "duration", None) or 0)
        except (TypeError, ValueError):
            continue
        if duration > max_runtime:
            yield problem(
                "wait.past-max-runtime", name, "duration",
                f"the Wait lasts {_human(duration)} ({duration:.0f} s) but the playbook's maximum "
                f"runtime is {_human(max_runtime)} ({max_runtime:.0f} s): the execution will be "
                "stopped before the Wait ends; raise the maximum runtime or shorten the Wait",
            )


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def graph_view(definition: Mapping[str, AnyState]) -> nx.DiGraph:
    """The whole definition as a networkx graph (all edges), for tools and the designer."""
    import networkx as nx  # loaded on first use: 0.3 s of start-up
    graph = nx.DiGraph()
    graph.add_nodes_from(definition)
    graph.add_edges_from((u, v) for u, targets in adjacency(definition).items() for v in targets)
    return graph
