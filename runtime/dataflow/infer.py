"""Forward data-flow inference: the shape of every state's input, over the whole graph.

The trigger's sample payload (the run profiles' payloads; none → an open, unknown input) flows
from the start state through each state's life cycle as the engine runs it
(:mod:`runtime.engine.states.base`): ``input_path`` selects, the state makes a result (an
action's documented success shape, a Pass result, a Function or Circuit's mocked responses —
else an open result —, a Parallel's object of path outputs, a Batch's array of body outputs),
``result_selector`` reshapes it, ``result_path`` places it (none: it replaces the input; a
Pass merges), ``output_path`` selects. An ``on_error`` fallback receives the raw input with the
error object at ``error_path``; a batch body receives the item at ``$.<collection_variable>``.
Where flows meet, shapes are joined (a path on some incoming flows only becomes *maybe*).
Loops are iterated to a fixpoint (bounded).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from runtime.catalog import Catalog
from runtime.dataflow.shape import ITEM, Segments, Shape, normalise
from runtime.model.document import PlaybookDocument
from runtime.model.states import END, AnyState, UnknownState
from runtime.paths import PathSyntaxError, classify_value, compile_path

MAX_PASSES = 12
ERROR_SAMPLE = {"code": "", "message": "", "error_type": "", "error": "", "cause": ""}
_ERROR_SHAPE = Shape.of_value(ERROR_SAMPLE)
#: What a state's transfer reads besides its type, its edges and its input (see
#: :meth:`_Flow.transfer`).
_TRANSFER_FIELDS = (
    "input_path", "output_path", "result_path", "result_selector", "error_selector",
    "error_path", "result", "action", "collection_path", "collection_variable",
)


def segments_of(path: Any) -> Segments | None:
    """Normalised segments of a path text (None: unparsable; ``$`` / unset: the root)."""
    if path is None or path in ("", "$"):
        return ()
    if not isinstance(path, str):  # an unknown key of another type, kept for repair
        return None
    return _segments_of_text(path)


@functools.lru_cache(maxsize=4096)
def _segments_of_text(path: str) -> Segments | None:
    """Parsed once per distinct text: a playbook reads the same few paths in many states."""
    try:
        return normalise(compile_path(path).segments)
    except PathSyntaxError:
        return None


def _select(shape: Shape, path: Any) -> Shape:
    segs = segments_of(path)
    return shape if segs is None else shape.sub(segs)


def _template(template: Any, result: Shape) -> Shape:
    """The shape a result/error selector makes of ``result``."""
    if isinstance(template, str):
        return _select(result, template)
    if isinstance(template, dict):
        out = Shape("object")
        for key, value in template.items():
            if isinstance(value, str) and classify_value(value)[0] == "dynamic" or isinstance(value, dict):
                part = _template(value, result)
            else:
                part = Shape.of_value(value)
            out = out.place((str(key),), part)
        return out
    return Shape.of_value(template)


_SUCCESS_SHAPES: dict[str, Shape] = {}


def _success_shape(entry: Any) -> Shape:
    """An action's documented success shape (cached per catalog entry; shapes are never
    changed in place)."""
    if entry is None or entry.success_response is None:
        return Shape.unknown()
    shape = _SUCCESS_SHAPES.get(entry.id)
    if shape is None:
        shape = _SUCCESS_SHAPES[entry.id] = Shape.of_value(entry.success_response)
    return shape


def join_all(shapes: Iterable[Shape]) -> Shape | None:
    """The join of ``shapes`` (None: no shapes). Many flows into one state (every action's
    fallback to a shared error handler) carry equal shapes: each distinct shape is joined
    once, as the join is idempotent."""
    items = shapes if isinstance(shapes, list) else list(shapes)
    if len(items) > 2:
        unique: dict[tuple[Any, ...], Shape] = {}
        for shape in items:
            unique.setdefault(shape.fingerprint(), shape)
        items = list(unique.values())
    out: Shape | None = None
    for shape in items:
        out = shape if out is None else out.join(shape)
    return out


@dataclass
class Inference:
    """The inferred input of every reachable state."""

    inputs: dict[str, Shape] = field(default_factory=dict)  # raw input
    selected: dict[str, Shape] = field(default_factory=dict)  # after input_path

    def reads(self, name: str) -> Shape | None:
        """The shape a state's dynamic values and conditions read (None: not reached)."""
        return self.selected.get(name)


class _Flow:
    def __init__(self, doc: PlaybookDocument, catalog: Catalog, payload: Shape,
                 mocks: dict[str, Shape]) -> None:
        self.states: dict[str, AnyState] = dict(doc.definition)  # type: ignore[arg-type]
        self.catalog = catalog
        self.payload = payload
        self.mocks = mocks
        self.start = doc.start_state()
        self.body_ends: dict[str, Shape | None] = {}
        self.edges: dict[str, list[tuple[str, str]]] = {}
        self.members = {root: self._body(root) for root in self._roots()}
        self.containers = {n for n, s in self.states.items() if s.type in ("parallel", "batch")}
        self.interned: dict[tuple[Any, ...], Shape] = {}
        self.transfers: dict[tuple[Any, ...], list[tuple[int, Shape]]] = {}
        self.joins: dict[tuple[int, ...], Shape] = {}
        self.configs: dict[str, tuple[Any, ...] | None] = {}

    def _roots(self) -> set[str]:
        roots: set[str] = set()
        for name in self.states:
            for edge, target in self.targets(name):
                if (edge == "root" or edge.startswith("paths[")) and target in self.states:
                    roots.add(target)
        return roots

    def _body(self, root: str) -> set[str]:
        seen = {root}
        todo = [root]
        while todo:
            for edge, target in self.targets(todo.pop()):
                if edge == "root" or edge.startswith("paths[") or target not in self.states:
                    continue
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return seen

    # -- one state's transfer ----------------------------------------------------------------
    def result_of(self, name: str, state: AnyState, sel: Shape) -> Shape:
        kind = state.type
        if name in self.mocks and kind in ("function", "circuit", "action"):
            result = self.mocks[name]
        elif kind == "action":
            entry = self.catalog.for_state("action", getattr(state, "action", None))
            result = _success_shape(entry)
        elif kind == "parallel":
            result = Shape("object")
            for path in getattr(state, "paths", []):
                end = self.body_ends.get(path.root)
                result = result.place((path.name,), end if end is not None else Shape.unknown())
        elif kind == "batch":
            end = self.body_ends.get(getattr(state, "root", None) or "")
            result = Shape("array").place((ITEM,), end if end is not None else Shape.unknown())
            result.nodes[(ITEM,)] = result.nodes[(ITEM,)]._replace(definite=False)
        else:
            result = Shape.unknown()
        selector = getattr(state, "result_selector", None)
        return result if selector is None else _template(selector, result)

    def intern(self, shape: Shape) -> Shape:
        """The one shape object kept for shapes equal to ``shape`` (see :meth:`transfer`)."""
        return self.interned.setdefault(shape.fingerprint(), shape)

    def transfer(self, name: str, data: Shape) -> list[tuple[str, str, Shape]]:
        """``(edge, target, shape)`` for every edge out of ``name`` given its raw input.

        States configured alike (same type, paths, selectors, result, action and edge fields)
        given the same input make the same shapes, so their results are kept per
        (configuration, input): a large playbook repeats its blocks, and with every shape
        interned the next block's input is the very same object, so it is not computed again.
        A container's results also depend on the shapes its bodies end with, which are part of
        its key; mocked states are not kept.
        """
        key = self._transfer_key(name, data)
        if key is not None:
            edges = self.targets(name)
            shapes = self.transfers.get(key)
            if shapes is None:  # kept as (index into the state's edges, shape)
                index = {pair: j for j, pair in enumerate(edges)}
                shapes = self.transfers[key] = [
                    (index[(edge, target)], self.intern(shape))
                    for edge, target, shape in self._transfer(name, data)]
            return [(*edges[j], shape) for j, shape in shapes]
        return [(edge, target, self.intern(shape))
                for edge, target, shape in self._transfer(name, data)]

    def _transfer_key(self, name: str, data: Shape) -> tuple[Any, ...] | None:
        config = self.configs.get(name, self)
        if config is self:
            config = self.configs[name] = self._config(name)
        if config is None:
            return None
        if name in self.containers:  # and the shapes its bodies end with (interned)
            ends = self.body_ends
            roots = tuple(target for edge, target in self.targets(name)
                          if edge == "root" or edge.startswith("paths["))
            return (config, id(data), tuple(id(ends.get(root)) for root in roots))
        return (config, id(data))

    def _joined_end(self, flows: dict[tuple[str, str], Shape]) -> Shape | None:
        joined = join_all(list(flows.values()))
        return None if joined is None else self.intern(joined)

    def _config(self, name: str) -> tuple[Any, ...] | None:
        """What the transfer of ``name`` depends on besides its input and, for a container,
        its bodies' ends (None: not kept)."""
        state = self.states[name]
        if name in self.mocks or isinstance(state, UnknownState):
            return None
        fields = state.__dict__
        config = tuple(value if value is None or type(value) is str else repr(value)
                       for value in map(fields.get, _TRANSFER_FIELDS))
        edges = tuple(edge for edge, _target in self.targets(name))
        names = tuple(path.name for path in fields.get("paths") or ())
        return (state.type, config, edges, names, "result" in state.model_fields_set)

    def targets(self, name: str) -> list[tuple[str, str]]:
        """The edges of a state (read once)."""
        edges = self.edges.get(name)
        if edges is None:
            edges = self.edges[name] = list(self.states[name].targets())
        return edges

    def join(self, flows: list[Shape]) -> Shape | None:
        """:func:`join_all` of interned shapes, interned, kept per tuple of inputs."""
        if len(flows) < 2:
            return flows[0] if flows else None
        key = tuple(map(id, flows))
        joined = self.joins.get(key)
        if joined is None:
            result = join_all(flows)
            assert result is not None
            joined = self.joins[key] = self.intern(result)
        return joined

    def _transfer(self, name: str, data: Shape) -> list[tuple[str, str, Shape]]:
        state = self.states[name]
        if isinstance(state, UnknownState):  # kept for repair: nothing is known past it
            return [(edge, target, Shape.unknown()) for edge, target in state.targets()]
        sel = _select(data, state.input_path)
        kind = state.type
        if kind in ("success", "failure"):
            return []
        if kind == "pass":
            placed = self._pass(state, sel)
        elif kind in ("wait", "branch"):
            placed = sel
        else:
            result = self.result_of(name, state, sel)
            segs = segments_of(getattr(state, "result_path", None))
            placed = data if segs is None else data.place(segs, result)
        out = _select(placed, state.output_path)
        edges: list[tuple[str, str, Shape]] = []
        for edge, target in self.targets(name):
            if edge.startswith("on_error"):
                edges.append((edge, target, self._error(state, data)))
            elif edge.startswith("paths["):
                edges.append((edge, target, sel))
            elif edge == "root":
                edges.append((edge, target, self._body_input(state, sel)))
            else:
                edges.append((edge, target, out))
        return edges

    @staticmethod
    def _pass(state: Any, sel: Shape) -> Shape:
        if "result" not in state.model_fields_set or state.result is None:
            return sel
        result = Shape.of_value(state.result)
        segs = segments_of(state.result_path)
        if state.result_path is not None and segs is not None:
            return sel.place(segs, result)
        if sel.root == "object" and result.root == "object":
            return sel.merge(result)
        return result

    @staticmethod
    def _error(state: Any, data: Shape) -> Shape:
        error = _ERROR_SHAPE
        if getattr(state, "error_selector", None) is not None:
            error = _template(state.error_selector, error)
        segs = segments_of(getattr(state, "error_path", None) or "$.error")
        return data if segs is None else data.place(segs, error)

    @staticmethod
    def _body_input(state: Any, sel: Shape) -> Shape:
        collection = segments_of(state.collection_path or "$")
        if collection is None:
            return Shape.unknown()
        items = sel.sub((*collection, ITEM))
        base = sel.without_key(collection[0]) if collection else Shape("object")
        if collection and (*collection, ITEM) not in sel.nodes and sel.status(
                collection) == "missing":
            items = Shape.unknown()  # the batch fails before its body: the lint says so
        out = base.place((state.collection_variable or "item",), items)
        return out.place(("batch_index",), Shape("number"))

    # -- the fixpoint ------------------------------------------------------------------------
    def run(self) -> Inference:
        inputs: dict[str, Shape] = {}
        if self.start is None:
            return Inference()
        order = self._order()
        contrib: dict[str, dict[tuple[str, str], Shape]] = {
            self.start: {("", "trigger"): self.intern(self.payload)}}
        ends: dict[str, dict[tuple[str, str], Shape]] = {}
        memo: dict[str, list[tuple[str, str, Shape]]] = {}
        dirty = set(order)  # states whose incoming flows changed since their last join
        # Every shape here is interned, so equal shapes are the same object (``is`` compares).
        states, containers, join, transfer = self.states, self.containers, self.join, self.transfer
        no_flows: dict[tuple[str, str], Shape] = {}
        for _ in range(MAX_PASSES):
            for name in order:
                if name in dirty:
                    dirty.discard(name)
                    data = join(list(contrib.get(name, no_flows).values()))
                else:
                    data = inputs.get(name)
                if data is None:
                    continue
                outs = memo.get(name)
                if outs is None or name in containers or inputs.get(name) is not data:
                    outs = memo[name] = transfer(name, data)
                inputs[name] = data
                for edge, target, shape in outs:
                    if target in states:
                        slot = contrib.get(target)
                        if slot is None:
                            slot = contrib[target] = {}
                        if slot.get((name, edge)) is not shape:
                            slot[(name, edge)] = shape
                            dirty.add(target)
                    elif target == END:  # a body's end: its container sees it after the pass
                        for root, members in self.members.items():
                            if name in members:
                                ends.setdefault(root, {})[(name, edge)] = shape
            new_ends = {root: self._joined_end(ends.get(root, {})) for root in self.members}
            ends_changed = new_ends != self.body_ends
            self.body_ends = new_ends
            # A flow that changed reached a state later in the order, which took it in this
            # pass; one reaching a state already passed (a loop) left it dirty. Nothing dirty
            # and the same body ends: the fixpoint.
            if not dirty and not ends_changed:
                break
        selections: dict[tuple[int, Any], Shape] = {}
        selected: dict[str, Shape] = {}
        for name, shape in inputs.items():
            path = self.states[name].input_path
            key = (id(shape), path)
            chosen = selections.get(key)
            if chosen is None:
                chosen = selections[key] = _select(shape, path)
            selected[name] = chosen
        return Inference(inputs, selected)

    def _order(self) -> list[str]:
        """Reverse post-order from the start (then any other state), so most flows are
        computed before the states they reach."""
        seen: set[str] = set()
        post: list[str] = []
        starts = [self.start] + [n for n in self.states if n != self.start]
        for first in starts:
            if first is None or first in seen:
                continue
            stack: list[tuple[str, Any]] = [(first, iter(self._succ(first)))]
            seen.add(first)
            while stack:
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    stack.pop()
                    post.append(node)
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, iter(self._succ(nxt))))
        return post[::-1]

    def _succ(self, name: str) -> list[str]:
        return [t for _e, t in self.targets(name) if t in self.states]


def profile_inputs(doc: PlaybookDocument, profile: Any = None) -> tuple[Shape, dict[str, Shape]]:
    """The trigger payload shape and mocked results: from ``profile`` when given, else from
    every run profile that starts at the start state (none: an unknown payload)."""
    start = doc.start_state()
    profiles = [profile] if profile is not None else [
        p for p in doc.run_profiles if p.target in (None, start)]
    payload = join_all(Shape.of_value(p.payload) for p in profiles) or Shape.unknown()
    mocks: dict[str, list[Shape]] = {}
    for p in profiles:
        for name, responses in p.mocks.items():
            for response in responses:
                if not response.error_code:
                    mocks.setdefault(name, []).append(Shape.of_value(response.output))
    return payload, {name: join_all(shapes) or Shape.unknown() for name, shapes in mocks.items()}


def infer(doc: PlaybookDocument, catalog: Catalog, profile: Any = None, *,
          payload: Shape | None = None) -> Inference:
    """Infer the input shape of every state (see the module docstring).

    Args:
        doc: The playbook.
        catalog: The state catalog (actions' success shapes).
        profile: One run profile to take the payload and mocks from; None: all profiles that
            start at the start state.
        payload: Overrides the payload shape (e.g. :meth:`Shape.unknown` with no profile).
    """
    sample, mocks = profile_inputs(doc, profile)
    return _Flow(doc, catalog, payload or sample, mocks).run()
