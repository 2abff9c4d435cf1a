"""Graph rules on the whole definition: start, targets, reachability, bodies, cycles, limits.

Edges are the states' fields (``next``, conditions, default, path roots, batch root, on_error
fallbacks), read once per validation into an :class:`~runtime.validate.outline.Outline`
(shared with the data-flow rules), which numbers the states in definition order: the walks run
over lists of numbers. Reachability is a plain depth-first walk; cycles are the strongly
connected components (an iterative Tarjan over the same lists; building a networkx graph per
validation cost more than the rules themselves), and which states can end comes from the same
pass over the components. :func:`graph_view` gives tools the networkx view.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, cast

from runtime.model.states import END, AnyState, BatchState, BranchState, ParallelState
from runtime.validate.outline import Edges, Outline
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


def edges_of(definition: Mapping[str, AnyState]) -> Edges:
    """State → its ``(field path, target)`` edges."""
    return {name: list(state.targets()) for name, state in definition.items()}


def adjacency(definition: Mapping[str, AnyState], edges: Edges | None = None) -> dict[str, list[str]]:
    """State → existing targets (all edges, End excluded)."""
    edges = edges if edges is not None else edges_of(definition)
    return {name: [t for _, t in out if t in definition] for name, out in edges.items()}


def _body_reach(outline: Outline, root: int, main: bytearray, owner: int) -> set[int]:
    """States reachable from a body's ``root``; main-flow states and the ``owner`` are
    reached, not passed."""
    seen = {root}
    todo = [root] if not main[root] and root != owner else []
    succ = outline.succ
    while todo:
        for target in succ[todo.pop()]:
            if target not in seen:
                seen.add(target)
                if not main[target] and target != owner:
                    todo.append(target)
    return seen


_CONTAINER_KINDS: dict[type, str] = {}


def _container_kind(state: AnyState) -> str:
    """``"branch"``, ``"parallel"``, ``"batch"`` or ``""``: the isinstance tests of the
    rules below, answered once per class."""
    cls = type(state)
    kind = _CONTAINER_KINDS.get(cls)
    if kind is None:
        kind = _CONTAINER_KINDS[cls] = (
            "branch" if issubclass(cls, BranchState) else "parallel"
            if issubclass(cls, ParallelState) else "batch" if issubclass(cls, BatchState)
            else "")
    return kind


def check_graph(
    definition: Mapping[str, AnyState], outline: Outline | None = None
) -> Iterator[Problem]:
    """Every whole-graph problem of a definition (``outline``: its :class:`Outline`, when
    the caller has it already)."""
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
    outline = outline if outline is not None else Outline(definition)
    yield from _check_targets(definition, outline)
    reached: bytearray | None = None
    if starts:
        reached = outline.reach([outline.index[starts[0]]])
        for name, flag in zip(outline.names, reached, strict=True):
            if not flag:
                yield problem("state.unreachable", name, "",
                              "no path from the start reaches this state")
        yield from _check_bodies(outline, starts[0])
    yield from _check_endless(outline, starts[0] if starts else None, reached)


def _check_names(definition: Mapping[str, AnyState]) -> Iterator[Problem]:
    for name in definition:
        if not name.strip() or len(name) > MAX_NAME or name == END:
            yield problem("name.invalid", name, "",
                          f"state name {name[:40]!r} must be 1 to {MAX_NAME} characters and "
                          "not 'End'")


def _check_targets(definition: Mapping[str, AnyState], outline: Outline) -> Iterator[Problem]:
    strays = outline.strays
    for i, (name, state) in enumerate(zip(outline.names, outline.states, strict=True)):
        if strays[i]:
            for path, target in outline.edges[i]:
                if target != END and target not in definition:
                    yield problem("target.missing", name, path,
                                  f"{path} names {target!r}, which is not a state")
        if state.type in ("success", "failure") or _container_kind(state):
            yield from _check_shape(name, state, outline.edges[i])


def _check_shape(name: str, state: AnyState, out: list[tuple[str, str]]) -> Iterator[Problem]:
    if state.type in ("success", "failure") and state.model_extra and (
        "next" in state.model_extra
    ):
        yield problem("terminal.next", name, "next",
                      f"a {state.type} state ends the execution; remove its next")
    kind = _container_kind(state)
    if kind == "branch":
        branch = cast(BranchState, state)
        if not branch.conditions and branch.default is None:
            yield problem("flow.dead-end", name, "", "the branch has no conditions and no default")
        if branch.default is None:
            yield problem("branch.no-default", name, "default", "the branch has no default target")
        for path, target in out:
            if target == END:
                yield problem("branch.to-end", name, path,
                              "a branch may not lead to End; add a Success or Failure state")
    elif kind == "parallel" and not cast(ParallelState, state).paths:
        yield problem("flow.dead-end", name, "paths", "the parallel state has no paths")
    elif kind == "batch" and not cast(BatchState, state).root:
        yield problem("flow.dead-end", name, "root", "the batch has no body (root state)")


def _check_bodies(outline: Outline, start: str) -> Iterator[Problem]:
    """A parallel path or a batch body leads back into the main flow (the states reachable
    from the start without entering a body) or to its own container."""
    main: bytearray | None = None
    index, names, states = outline.index, outline.names, outline.states
    for owner, body_roots in enumerate(outline.roots):
        if not body_roots:  # no body, or none whose root is a state
            continue
        name, state = names[owner], states[owner]
        kind = _container_kind(state)
        roots: list[tuple[str, str]]
        if kind == "parallel":
            roots = [(f"paths[{i}].root", p.root)
                     for i, p in enumerate(cast(ParallelState, state).paths)]
        elif kind == "batch" and (root := cast(BatchState, state).root):
            roots = [("root", root)]
        else:
            continue
        for path, root in roots:
            first = index.get(root)
            if first is None:
                continue
            if main is None:
                main = outline.reach([index[start]], flow_only=True)
            body = _body_reach(outline, first, main, owner)
            escaped = sorted(names[i] for i in body if main[i] or i == owner)
            if escaped:
                yield problem(
                    "body.escape", name, path,
                    f"the body starting at {root!r} leads out of it to "
                    f"{', '.join(repr(e) for e in escaped[:3])}; a body ends with End "
                    "(or a missing next)",
                )


def _components(succ: list[list[int]]) -> list[list[int]]:
    """Strongly connected components of numbered states, in Tarjan's order (iterative, linear
    time, no recursion): a component comes after every component it leads to."""
    components: list[list[int]] = []
    count = len(succ)
    index = [-1] * count
    low = [0] * count
    on_stack = bytearray(count)
    stack: list[int] = []
    counter = 0
    for root in range(count):
        if index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        path = [root]  # the depth-first path, and the next child to visit of each node on it
        cursor = [0]
        while path:
            node = path[-1]
            children = succ[node]
            at = cursor[-1]
            if at < len(children):
                cursor[-1] = at + 1
                child = children[at]
                if index[child] < 0:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack[child] = 1
                    path.append(child)
                    cursor.append(0)
                elif on_stack[child] and index[child] < low[node]:
                    low[node] = index[child]
                continue
            path.pop()
            cursor.pop()
            if path and low[node] < low[path[-1]]:
                low[path[-1]] = low[node]
            if low[node] == index[node]:
                member = stack.pop()
                on_stack[member] = 0
                component = [member]
                while member != node:
                    member = stack.pop()
                    on_stack[member] = 0
                    component.append(member)
                components.append(component)
    return components


def strongly_connected(adj: Mapping[str, list[str]]) -> Iterator[list[str]]:
    """Strongly connected components of a name adjacency (Tarjan's order, every component)."""
    names = list(adj)
    index = {name: i for i, name in enumerate(names)}
    succ: list[list[int]] = [[index[t] for t in adj[name] if t in index] for name in names]
    for component in _components(succ):
        yield [names[i] for i in component]


def can_end(definition: Mapping[str, AnyState], edges: Edges) -> set[str]:
    """States from which some path reaches an end: End (or a missing ``next``), a Success or
    a Failure, over the control flow and ``on_error`` fallbacks. A container's body ending at
    End is no way out (the container goes on to its ``next``), but a body that can reach a
    Success or a Failure is: those end the whole execution wherever they are."""
    outline = Outline(definition, edges)
    flags, _loops = _ending_and_loops(outline)
    return {name for name, flag in zip(outline.names, flags, strict=True) if flag}


def _ending_and_loops(outline: Outline) -> tuple[bytearray, list[list[int]]]:
    """:func:`can_end` as a flag per numbered state, and the loops (the components with a
    cycle, in Tarjan's order).

    Both come from one pass over the strongly connected components: a component comes after
    every component it leads to, so what its edges leaving it reach is known by then. A
    component's states all reach a Success or a Failure over any edge, or none does; over
    the flow edges (no body roots) a loop is walked backwards from the states that end."""
    count = len(outline.names)
    succ, flow, roots = outline.succ, outline.flow, outline.roots
    terminal = bytearray(count)  # a Success or a Failure
    ends = bytearray(count)  # ends a pathway: those, End, a missing next
    for i, state in enumerate(outline.states):
        kind = state.type
        if kind in ("success", "failure"):
            terminal[i] = ends[i] = 1
        elif outline.exits[i] or (kind != "branch" and getattr(state, "next", None) is None):
            ends[i] = 1
    finishes = bytearray(count)  # reaches a Success or a Failure over any edge
    ending = bytearray(count)
    loops: list[list[int]] = []
    for component in _components(succ):
        if len(component) > 1:
            _loop_ending(component, outline, terminal, ends, finishes, ending)
            loops.append(component)
            continue
        node = component[0]  # (its own flags are still 0: a self-loop adds nothing)
        done = terminal[node]
        if not done:
            for target in succ[node]:
                if finishes[target]:
                    done = 1
                    break
        finishes[node] = done
        done = ends[node]
        if not done:
            for root in roots[node]:  # a body that ends the whole execution
                if finishes[root]:
                    done = 1
                    break
        if not done:
            for target in flow[node]:
                if ending[target]:
                    done = 1
                    break
        ending[node] = done
        if node in succ[node]:
            loops.append(component)
    return ending, loops


def _loop_ending(component: list[int], outline: Outline, terminal: bytearray, ends: bytearray,
                 finishes: bytearray, ending: bytearray) -> None:
    """:func:`_ending_and_loops` for a component of several states."""
    succ, flow, roots = outline.succ, outline.flow, outline.roots
    done = any(terminal[i] for i in component) or any(
        finishes[j] for i in component for j in succ[i])
    for i in component:
        finishes[i] = done
    members = set(component)
    back: dict[int, list[int]] = {}  # flow edges inside the component, reversed
    todo = []
    for i in component:
        if (ends[i] or any(finishes[r] for r in roots[i])
                or any(ending[j] for j in flow[i] if j not in members)):
            ending[i] = 1
            todo.append(i)
        for j in flow[i]:
            if j in members:
                back.setdefault(j, []).append(i)
    while todo:
        for source in back.get(todo.pop(), ()):
            if not ending[source]:
                ending[source] = 1
                todo.append(source)


def _check_endless(
    outline: Outline, start: str | None, reached: bytearray | None = None,
) -> Iterator[Problem]:
    """Flows that can never end are errors; loops that can end but have no Wait warn."""
    self_next: set[str] = set()
    for name, out in zip(outline.names, outline.edges, strict=True):
        for path, target in out:
            if target == name and path == "next":
                self_next.add(name)
                break
    for name in sorted(self_next):
        yield problem("flow.self-next", name, "next",
                      f"next names {name!r} itself: the state would run forever")
    ending, loops = _ending_and_loops(outline)
    if reached is None:
        reached = (outline.reach([outline.index[start]]) if start is not None
                   else bytearray(b"\x01" * len(outline.names)))
    names, states = outline.names, outline.states
    for component in loops:
        members = sorted(names[i] for i in component)
        listed = ", ".join(repr(m) for m in members[:4]) + (" ..." if len(members) > 4 else "")
        if not any(ending[i] for i in component):
            if not any(reached[i] for i in component):
                continue
            waits = any(states[i].type == "wait" for i in component)
            limit = ("the playbook's maximum runtime" if waits
                     else "the 1,000-transition cap")
            yield problem(
                "flow.never-ends", members[0], "",
                f"the loop through {listed} has no way out to End, a Success or a Failure: "
                f"the execution can never end and would run until {limit} stops it",
            )
        elif len(component) != 1 or members[0] not in self_next:
            if any(states[i].type == "wait" for i in component):
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
