"""The states of a definition numbered in order, with their edges: read once per validation.

The graph rules (:mod:`runtime.validate.graph`) and the data-flow inference
(:mod:`runtime.dataflow.infer`) walk the same edges. An :class:`Outline` reads every state's
:meth:`~runtime.model.states.AnyState.targets` once and gives each state a number (its
position in the definition), so the walks run over lists indexed by number instead of
hashing and comparing state names at every step.
"""

from __future__ import annotations

from collections.abc import Mapping

from runtime.model.states import END, AnyState

#: State → its ``(field path, target)`` edges, as :meth:`AnyState.targets` yields them.
Edges = dict[str, list[tuple[str, str]]]


def is_body_edge(path: str) -> bool:
    """Whether an edge enters a container's body (a parallel path's or a batch's root)."""
    return path == "root" or path.startswith("paths[")


class Outline:
    """A definition's states by number, with their edges.

    Attributes:
        names: State names, in definition order (a state's number is its position).
        states: The states, in the same order.
        index: Name → number.
        edges: Per state, its ``(field path, target)`` edges (End and missing targets kept).
        targets: Per state, the number of each edge's target (-1: End, or no such state).
        succ: Per state, the numbers of its existing targets, in edge order (End and
            missing targets left out, repeats kept; ``targets`` itself when none is).
        flow: The same without the edges into a body (``succ`` less ``roots``; the very same
            list when there is none: neither is to be changed).
        roots: Per state, the numbers of the existing body roots it holds.
        exits: A flag per state: an edge other than a body root names End.
        strays: A flag per state: an edge names neither a state nor End.
    """

    __slots__ = ("edges", "exits", "flow", "index", "names", "roots", "states", "strays", "succ",
                 "targets")

    def __init__(self, definition: Mapping[str, AnyState], edges: Edges | None = None) -> None:
        self.names: list[str] = list(definition)
        self.states: list[AnyState] = list(definition.values())
        self.index: dict[str, int] = {name: i for i, name in enumerate(self.names)}
        self.edges: list[list[tuple[str, str]]] = (
            [list(state.targets()) for state in self.states] if edges is None
            else [edges[name] for name in self.names])
        self.targets: list[list[int]] = []
        self.succ: list[list[int]] = []
        self.flow: list[list[int]] = []
        self.roots: list[list[int]] = []
        self.exits = bytearray(len(self.names))
        self.strays = bytearray(len(self.names))
        get = self.index.get
        no_roots: list[int] = []
        for i, out in enumerate(self.edges):
            targets: list[int] = []
            roots = no_roots
            for path, target in out:
                body = path == "root" or path.startswith("paths[")  # is_body_edge, inlined
                if target == END and not body:  # (even when a state is named End)
                    self.exits[i] = 1
                j = get(target, -1)
                targets.append(j)
                if j >= 0:
                    if body:
                        roots = [*roots, j]
                elif target != END:
                    self.strays[i] = 1
            self.targets.append(targets)
            succ = targets if -1 not in targets else [j for j in targets if j >= 0]
            self.succ.append(succ)
            self.roots.append(roots)
            self.flow.append(succ if roots is no_roots else [  # the same list: no body
                j for (path, _target), j in zip(out, targets, strict=True)
                if j >= 0 and not is_body_edge(path)])

    def reach(self, roots: list[int], *, flow_only: bool = False) -> bytearray:
        """A flag per state: reachable from ``roots`` (which count as reached), over every
        edge or over the flow edges only."""
        adj = self.flow if flow_only else self.succ
        seen = bytearray(len(adj))
        todo = list(roots)
        for root in roots:
            seen[root] = 1
        while todo:
            for target in adj[todo.pop()]:
                if not seen[target]:
                    seen[target] = 1
                    todo.append(target)
        return seen


__all__ = ["Edges", "Outline", "is_body_edge"]
