"""Layered (Sugiyama-style) auto-layout of a playbook, Qt-free.

Only control-flow edges are laid out (``next``, conditions, default, parallel path roots, batch
roots); ``on_error`` fallbacks and loop back-edges are drawn afterwards as an overlay, because
edges from every action to one shared error handler make layered layouts explode (DESIGN.md).

Steps: the flow graph is built as plain dicts (:func:`flow_graph` gives tools the networkx
view); back edges found by one DFS are reversed; each
state gets the layer of its longest path from a root; edges spanning several layers get dummy
nodes; a few barycentre sweeps order each layer to reduce crossings, then a transpose pass
swaps neighbours in a layer while that removes crossings (as dot does); coordinates come from the
layer (x, flow runs left to right) and the order (y). Used by import and by the designer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from runtime.gcpause import paused_gc
from runtime.model.states import END, AnyState

if TYPE_CHECKING:
    import networkx as nx

COLUMN = 280.0
ROW = 130.0
SWEEPS = 4
TRANSPOSE_ROUNDS = 24  # transpose passes stop earlier as soon as one changes nothing


@dataclass(frozen=True)
class LayoutResult:
    positions: dict[str, tuple[float, float]]
    layers: list[list[str]]


def flow_graph(definition: Mapping[str, AnyState]) -> nx.DiGraph:
    """The control-flow graph laid out (fallbacks only to otherwise unreached handlers)."""
    import networkx as nx  # loaded on first use: 0.3 s of start-up

    succ = _flow_adjacency(definition)
    graph = nx.DiGraph()
    graph.add_nodes_from(succ)
    graph.add_edges_from((source, target) for source, targets in succ.items()
                         for target in targets)
    return graph


Adjacency = dict[str, dict[str, None]]


def _flow_adjacency(definition: Mapping[str, AnyState]) -> Adjacency:
    """:func:`flow_graph` as plain dicts (state → successors in insertion order): the layout's
    own graph, with no networkx objects to build (a third of the layout at 10,000 states)."""
    succ: Adjacency = {name: {} for name in definition}
    has_pred: set[str] = set()
    fallbacks: list[tuple[str, str]] = []
    for name, state in definition.items():
        for path, target in state.targets():
            if target == END or target not in definition:
                continue
            if path.startswith("on_error"):
                fallbacks.append((name, target))
            else:
                succ[name][target] = None
                has_pred.add(target)
    for source, target in fallbacks:
        if target not in has_pred and target != source:
            succ[source][target] = None
            has_pred.add(target)
    return succ


def _roots(succ: Adjacency, start: str | None) -> list[str]:
    has_pred = {t for targets in succ.values() for t in targets}
    roots: list[str] = [start] if start is not None and start in succ else []
    roots += [n for n in succ if n not in has_pred and n != start]
    return roots


def _preorder(succ: Adjacency, root: str) -> list[str]:
    """Depth-first preorder from ``root`` (successors in order, as networkx gives it)."""
    seen = {root}
    order = [root]
    stack = [iter(succ[root])]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child not in seen:
            seen.add(child)
            order.append(child)
            stack.append(iter(succ[child]))
    return order


def _acyclic_edges(succ: Adjacency, roots: list[str]) -> list[tuple[str, str]]:
    """Edges with back edges reversed (iterative DFS, gray = on the stack)."""
    state: dict[str, int] = {}
    edges: list[tuple[str, str]] = []
    order = roots + [n for n in succ if n not in roots]
    for root in order:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                continue
            if child == node:  # a self-loop (``next`` naming itself) has no layer to span
                continue
            mark = state.get(child)
            if mark == 1:
                edges.append((child, node))
                continue
            edges.append((node, child))
            if mark is None:
                state[child] = 1
                stack.append((child, iter(succ[child])))
    return edges


def _assign_layers(nodes: Iterable[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Each node's longest path from a root (Kahn's topological order over ``edges``)."""
    outs: dict[str, list[str]] = {node: [] for node in nodes}
    waiting: dict[str, int] = dict.fromkeys(outs, 0)
    for u, v in edges:
        outs[u].append(v)
        waiting[v] += 1
    layer: dict[str, int] = dict.fromkeys(outs, 0)
    ready = [node for node, count in waiting.items() if count == 0]
    while ready:
        node = ready.pop()
        below = layer[node] + 1
        for target in outs[node]:
            if layer[target] < below:
                layer[target] = below
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return layer


def _with_dummies(
    edges: list[tuple[str, str]], layer: dict[str, int]
) -> tuple[dict[object, int], list[tuple[object, object]]]:
    all_layer: dict[object, int] = {}
    all_layer.update(layer)
    split: list[tuple[object, object]] = []
    for index, (u, v) in enumerate(edges):
        span = layer[v] - layer[u]
        prev: object = u
        for step in range(1, span):
            dummy = ("dummy", index, step)
            all_layer[dummy] = layer[u] + step
            split.append((prev, dummy))
            prev = dummy
        split.append((prev, v))
    return all_layer, split


def _order_layers(
    all_layer: dict[object, int], edges: list[tuple[object, object]], seed: list[str]
) -> list[list[object]]:
    depth = max(all_layer.values(), default=-1) + 1
    rank: dict[object, int] = {node: i for i, node in enumerate(seed)}
    layers: list[list[object]] = [[] for _ in range(depth)]
    for node in sorted(all_layer, key=lambda n: rank.get(n, len(rank))):
        layers[all_layer[node]].append(node)
    ups: dict[object, list[object]] = {n: [] for n in all_layer}
    downs: dict[object, list[object]] = {n: [] for n in all_layer}
    for u, v in edges:
        downs[u].append(v)
        ups[v].append(u)
    # Every edge joins neighbouring layers (dummies split the longer ones), so a node's
    # neighbours above (below) are all in the layer above (below): one position map serves.
    pos = {node: p for layer in layers for p, node in enumerate(layer)}
    at = pos.__getitem__
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        indices = range(1, depth) if forward else range(depth - 2, -1, -1)
        neighbours = ups if forward else downs
        for i in indices:
            layer = layers[i]
            if len(layer) < 2:
                continue
            keys: dict[object, float] = {}
            for p, node in enumerate(layer):
                linked = neighbours[node]
                keys[node] = sum(map(at, linked)) / len(linked) if linked else p
            layer.sort(key=keys.__getitem__)
            for p, node in enumerate(layer):
                pos[node] = p
    _transpose(layers, ups, downs)
    return layers


def _crossings_between(upper: list[int], lower: list[int]) -> int:
    """Crossings of the edges of two neighbouring nodes (``upper`` above ``lower``) toward one
    adjacent layer, given the positions there of each node's neighbours."""
    return sum(1 for p in upper for q in lower if p > q)


def _transpose(
    layers: list[list[object]], ups: dict[object, list[object]],
    downs: dict[object, list[object]],
) -> None:
    """Swap neighbours within a layer while that removes crossings (dot's transpose step)."""
    pos = {node: p for layer in layers for p, node in enumerate(layer)}
    for _round in range(TRANSPOSE_ROUNDS):
        improved = False
        for layer in layers:
            for j in range(len(layer) - 1):
                a, b = layer[j], layer[j + 1]
                au, bu = [pos[n] for n in ups[a]], [pos[n] for n in ups[b]]
                ad, bd = [pos[n] for n in downs[a]], [pos[n] for n in downs[b]]
                keep = _crossings_between(au, bu) + _crossings_between(ad, bd)
                if keep and _crossings_between(bu, au) + _crossings_between(bd, ad) < keep:
                    layer[j], layer[j + 1] = b, a
                    pos[a], pos[b] = j + 1, j
                    improved = True
        if not improved:
            return


def layout_definition(
    definition: Mapping[str, AnyState], start: str | None = None
) -> LayoutResult:
    """Lay out a definition; returns top-left positions per state and the layers.

    The cyclic garbage collector is paused meanwhile: the graph, dummies and orderings are
    many small objects and no garbage cycles, and at 10,000 states its full passes over the
    heap made the layout grow twice as fast as the playbook.
    """
    if not definition:
        return LayoutResult({}, [])
    with paused_gc():
        return _layout(definition, start)


def _layout(definition: Mapping[str, AnyState], start: str | None) -> LayoutResult:
    succ = _flow_adjacency(definition)
    roots = _roots(succ, start)
    seed = _preorder(succ, roots[0]) if roots else []
    seen = set(seed)
    seed += [n for n in succ if n not in seen]
    edges = _acyclic_edges(succ, roots)
    layer = _assign_layers(succ, edges)
    all_layer, split = _with_dummies(edges, layer)
    ordered = _order_layers(all_layer, split, seed)
    positions: dict[str, tuple[float, float]] = {}
    layers: list[list[str]] = []
    for index, nodes in enumerate(ordered):
        offset = (len(nodes) - 1) * ROW / 2
        names = []
        for row, node in enumerate(nodes):
            if isinstance(node, str):
                positions[node] = (index * COLUMN, row * ROW - offset)
                names.append(node)
        layers.append(names)
    return LayoutResult(positions, layers)


def count_crossings(
    definition: Mapping[str, AnyState], positions: Mapping[str, tuple[float, float]]
) -> int:
    """Edge crossings between adjacent columns of a left-to-right layout (for benchmarks)."""
    graph = flow_graph(definition)
    segments = []
    for u, v in graph.edges:
        (x1, y1), (x2, y2) = positions[u], positions[v]
        if x2 > x1:
            segments.append((x1, y1, x2, y2))
    segments.sort()
    crossings = 0
    by_column: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for x1, y1, x2, y2 in segments:
        by_column.setdefault((x1, x2), []).append((y1, y2))
    for pairs in by_column.values():
        for i in range(len(pairs)):
            a1, a2 = pairs[i]
            for j in range(i + 1, len(pairs)):
                b1, b2 = pairs[j]
                if (a1 - b1) * (a2 - b2) < 0:
                    crossings += 1
    return crossings
