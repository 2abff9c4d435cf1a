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
from runtime.validate.outline import Outline, is_body_edge

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


_UNREAD: Any = object()  # an input path not read (see _Flow._config)


class _Flow:
    """One inference. States are known by their number in the :class:`Outline` (their
    position in the definition); the per-state tables are lists indexed by it."""

    def __init__(self, doc: PlaybookDocument, catalog: Catalog, payload: Shape,
                 mocks: dict[str, Shape], outline: Outline | None = None) -> None:
        outline = outline if outline is not None else Outline(doc.definition)
        self.names = outline.names
        self.states = outline.states
        self.index = outline.index
        self.edges = outline.edges
        self.outline = outline
        self.catalog = catalog
        self.payload = payload
        self.mocks = mocks
        start = doc.start_state()
        self.start = None if start is None else outline.index[start]
        self.body_ends: dict[int, Shape | None] = {}  # body root → the join of its ends
        self.body_roots: dict[int, list[int]] = {}  # container → its body roots
        self.members = {root: self._body(root) for root in self._roots()}
        self.containers = bytearray(s.type in ("parallel", "batch") for s in self.states)
        self.interned: dict[tuple[Any, ...], Shape] = {}
        self.transfers: dict[tuple[int, ...], list[Shape]] = {}
        self.joins: dict[tuple[int, ...], Shape] = {}
        self.configs: dict[tuple[Any, ...], int] = {}  # configuration → its number
        self.config_of: list[int | None] = []  # per state: its configuration's number (run())
        self.input_paths: list[Any] = [_UNREAD] * len(self.names)  # per state, as read there

    def _roots(self) -> list[int]:
        """Every state that is the root of a body, by number."""
        seen = bytearray(len(self.names))
        for roots in self.outline.roots:
            for root in roots:
                seen[root] = 1
        return [i for i, flag in enumerate(seen) if flag]

    def _body(self, root: int) -> set[int]:
        """The states of the body starting at ``root`` (its control flow, no inner body)."""
        seen = {root}
        todo = [root]
        flow = self.outline.flow
        while todo:
            for target in flow[todo.pop()]:
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
                end = self._body_end(path.root)
                result = result.place((path.name,), end if end is not None else Shape.unknown())
        elif kind == "batch":
            end = self._body_end(getattr(state, "root", None) or "")
            result = Shape("array").place((ITEM,), end if end is not None else Shape.unknown())
            result.nodes[(ITEM,)] = result.nodes[(ITEM,)]._replace(definite=False)
        else:
            result = Shape.unknown()
        selector = getattr(state, "result_selector", None)
        return result if selector is None else _template(selector, result)

    def _body_end(self, root: str) -> Shape | None:
        """What the body starting at state ``root`` ends with (None: not known yet)."""
        number = self.index.get(root)
        return None if number is None else self.body_ends.get(number)

    def intern(self, shape: Shape) -> Shape:
        """The one shape object kept for shapes equal to ``shape`` (see :meth:`transfer`)."""
        return self.interned.setdefault(shape.fingerprint(), shape)

    def transfer(self, i: int, data: Shape) -> list[Shape]:
        """The shape sent along each edge out of state ``i`` given its raw input, in the
        order of its edges (none out of a Success or a Failure).

        States configured alike (same type, paths, selectors, result, action and edge fields)
        given the same input make the same shapes, so their results are kept per
        (configuration, input): a large playbook repeats its blocks, and with every shape
        interned the next block's input is the very same object, so it is not computed again.
        A container's results also depend on the shapes its bodies end with, which are part of
        its key; mocked states are not kept.
        """
        config = self.config_of[i]
        intern = self.intern
        if config is None:
            return [intern(shape) for shape in self._transfer(i, data)]
        key: tuple[int, ...] = (config, id(data))
        if self.containers[i]:  # and the shapes its bodies end with (interned)
            ends = self.body_ends
            key = (*key, *[id(ends.get(root)) for root in self._root_numbers(i)])
        shapes = self.transfers.get(key)
        if shapes is None:
            shapes = self.transfers[key] = [intern(shape) for shape in self._transfer(i, data)]
        return shapes

    def _root_numbers(self, i: int) -> list[int]:
        """The body roots of container ``i``, by number (-1: no such state; read once)."""
        roots = self.body_roots.get(i)
        if roots is None:
            roots = self.body_roots[i] = [
                target for (edge, _name), target in zip(self.edges[i], self.outline.targets[i],
                                                        strict=True)
                if is_body_edge(edge)]
        return roots

    def _joined_end(self, flows: dict[int, Shape]) -> Shape | None:
        joined = join_all(list(flows.values()))
        return None if joined is None else self.intern(joined)

    def _config(self, i: int) -> tuple[Any, ...] | None:
        """What the transfer of state ``i`` depends on besides its input and, for a
        container, its bodies' ends (None: not kept)."""
        state = self.states[i]
        if (self.mocks and self.names[i] in self.mocks) or isinstance(state, UnknownState):
            return None
        fields = state.__dict__
        extra = state.__pydantic_extra__
        # read as the transfer reads them (getattr: e.g. a Parallel's result_selector is an
        # unknown key); a Parallel's paths are always its own field
        read = {**extra, **fields} if extra else fields
        self.input_paths[i] = read.get("input_path", _UNREAD)  # for run(), without coming back
        config = tuple([value if value is None or type(value) is str else repr(value)
                        for value in map(read.get, _TRANSFER_FIELDS)])
        edges = tuple([edge for edge, _target in self.edges[i]])
        names = tuple([path.name for path in fields.get("paths") or ()])
        kind = state.type
        # (whether a result is set: what a Pass reads, see _pass)
        return (kind, config, edges, names, kind == "pass" and "result" in state.model_fields_set)

    def _config_number(self, i: int) -> int | None:
        """:meth:`_config` of state ``i`` as a number (equal configurations, equal numbers),
        so that the keys of :attr:`transfers` hash quickly."""
        config = self._config(i)
        return None if config is None else self.configs.setdefault(config, len(self.configs))

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

    def _transfer(self, i: int, data: Shape) -> list[Shape]:
        """:meth:`transfer`, computed."""
        state = self.states[i]
        edges = self.edges[i]
        if isinstance(state, UnknownState):  # kept for repair: nothing is known past it
            return [Shape.unknown() for _edge in edges]
        sel = _select(data, state.input_path)
        kind = state.type
        if kind in ("success", "failure"):
            return []
        if kind == "pass":
            placed = self._pass(state, sel)
        elif kind in ("wait", "branch"):
            placed = sel
        else:
            result = self.result_of(self.names[i], state, sel)
            segs = segments_of(getattr(state, "result_path", None))
            placed = data if segs is None else data.place(segs, result)
        out = _select(placed, state.output_path)
        shapes: list[Shape] = []
        for edge, _target in edges:
            if edge.startswith("on_error"):
                shapes.append(self._error(state, data))
            elif edge.startswith("paths["):
                shapes.append(sel)
            elif edge == "root":
                shapes.append(self._body_input(state, sel))
            else:
                shapes.append(out)
        return shapes

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
        if self.start is None:
            return Inference()
        order = self._order()
        count = len(self.names)
        # Every state's configuration, in definition order: the states are read one after
        # the other, as they lie in memory, rather than in the order of the flow.
        self.config_of = [self._config_number(i) for i in range(count)]
        bodies_of: dict[int, list[int]] = {}  # a body's state → the roots of its bodies
        for root, members in self.members.items():
            for member in members:
                bodies_of.setdefault(member, []).append(root)
        edges, targets = self.edges, self.outline.targets
        stride = max(map(len, edges), default=0) + 1  # the flow along edge j of state i: i*stride+j
        contrib: list[dict[int, Shape] | None] = [None] * count  # per state: flow → shape
        contrib[self.start] = {-1: self.intern(self.payload)}  # the trigger
        inputs: list[Shape | None] = [None] * count
        reached: list[int] = []  # the states with an input, in the order they got it
        ends: dict[int, dict[int, Shape]] = {}
        memo: list[list[Shape] | None] = [None] * count
        dirty = bytearray(b"\x01" * count)  # incoming flows changed since the last join
        dirty_count = count
        # Every shape here is interned, so equal shapes are the same object (``is`` compares).
        containers, join, transfer = self.containers, self.join, self.transfer
        for _ in range(MAX_PASSES):
            for i in order:
                data = inputs[i]
                if dirty[i]:
                    dirty[i] = 0
                    dirty_count -= 1
                    flows = contrib[i]
                    if flows is None:
                        continue
                    if len(flows) == 1:  # the usual single flow in, as it is
                        (data,) = flows.values()
                    else:
                        data = join(list(flows.values()))
                if data is None:
                    continue
                if memo[i] is not None and inputs[i] is data and not containers[i]:
                    continue  # the same flows out as last time: sent already
                shapes = memo[i] = transfer(i, data)
                if inputs[i] is None:
                    reached.append(i)
                inputs[i] = data
                key = i * stride
                # (no shapes out of a Success or a Failure, whatever edges it keeps)
                for target, shape in zip(targets[i], shapes, strict=False):
                    if target >= 0:
                        slot = contrib[target]
                        if slot is None:
                            slot = contrib[target] = {}
                        if slot.get(key) is not shape:
                            slot[key] = shape
                            if not dirty[target]:
                                dirty[target] = 1
                                dirty_count += 1
                    elif edges[i][key % stride][1] == END:  # (key % stride: the edge's place)
                        for root in bodies_of.get(i, ()):  # a body's end: seen after the pass
                            ends.setdefault(root, {})[key] = shape
                    key += 1
            new_ends = {root: self._joined_end(ends.get(root, {})) for root in self.members}
            ends_changed = new_ends != self.body_ends
            self.body_ends = new_ends
            # A flow that changed reached a state later in the order, which took it in this
            # pass; one reaching a state already passed (a loop) left it dirty. Nothing dirty
            # and the same body ends: the fixpoint.
            if not dirty_count and not ends_changed:
                break
        selections: dict[tuple[int, Any], Shape] = {}
        by_name: dict[str, Shape] = {}
        selected: dict[str, Shape] = {}
        names, states, input_paths = self.names, self.states, self.input_paths
        for i in reached:
            raw = inputs[i]
            assert raw is not None
            path = input_paths[i]
            if path is _UNREAD:
                path = states[i].input_path
            chosen = selections.get((id(raw), path))
            if chosen is None:
                chosen = selections[(id(raw), path)] = _select(raw, path)
            by_name[names[i]] = raw
            selected[names[i]] = chosen
        return Inference(by_name, selected)

    def _order(self) -> list[int]:
        """Reverse post-order from the start (then any other state), so most flows are
        computed before the states they reach."""
        succ = self.outline.succ
        seen = bytearray(len(succ))
        post: list[int] = []
        first_ones = [self.start] if self.start is not None else []
        for first in [*first_ones, *range(len(succ))]:
            if seen[first]:
                continue
            seen[first] = 1
            path = [first]  # the depth-first path, and the next child to visit of each node
            cursor = [0]
            while path:
                node = path[-1]
                children = succ[node]
                at = cursor[-1]
                while at < len(children) and seen[children[at]]:
                    at += 1
                if at < len(children):
                    child = children[at]
                    cursor[-1] = at + 1
                    seen[child] = 1
                    path.append(child)
                    cursor.append(0)
                else:
                    path.pop()
                    cursor.pop()
                    post.append(node)
        return post[::-1]


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
          payload: Shape | None = None, outline: Outline | None = None) -> Inference:
    """Infer the input shape of every state (see the module docstring).

    Args:
        doc: The playbook.
        catalog: The state catalog (actions' success shapes).
        profile: One run profile to take the payload and mocks from; None: all profiles that
            start at the start state.
        payload: Overrides the payload shape (e.g. :meth:`Shape.unknown` with no profile).
        outline: The definition's :class:`~runtime.validate.outline.Outline` (its states
            numbered, with their edges) when the caller has it already.
    """
    sample, mocks = profile_inputs(doc, profile)
    return _Flow(doc, catalog, payload or sample, mocks, outline).run()
