"""The abstract shape of a state's input: which ``$.`` paths it holds, their types, and
whether each is there on every path (``definite``) or on some only.

A :class:`Shape` is a flat map from normalised path segments (``("data", ITEM, "host")``;
array indexes and ``*`` become :data:`ITEM`) to a :class:`Node` (JSON type names joined with
``|``, and the definite flag), plus *open* prefixes under which anything may appear (a custom
function's result with no mock, a circuit's result, an unknown trigger payload). Shapes are
immutable by convention: every operation returns a new one, so the inference can compare the
shape of one pass with the next.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from runtime.paths import WILDCARD

ITEM = "[]"  # any array element, in normalised segment tuples
MAX_NODES = 2000
MAX_DEPTH = 10
MAX_PATH_DEPTH = 12  # longer inferred paths become an open prefix
MAX_SAMPLED_ITEMS = 20
Segments = tuple[str, ...]
Status = Literal["definite", "maybe", "missing"]
_IDENT = re.compile(r"^[A-Za-z_@$\-][\w@$\-]*$")


class Node(NamedTuple):
    type: str  # JSON type name(s): object, array, string, number, boolean, null, any; a|b
    definite: bool


def normalise(segments: tuple[Any, ...]) -> Segments:
    """Path segments with array indexes and wildcards replaced by :data:`ITEM`."""
    return tuple(ITEM if (s is WILDCARD or isinstance(s, int)) else s for s in segments)


@functools.lru_cache(maxsize=8192)
def path_text(segments: Segments) -> str:
    """Display text of a normalised path (``$.data[0].host``)."""
    parts = ["$"]
    for seg in segments:
        if seg == ITEM:
            parts.append("[0]")
        elif _IDENT.match(seg):
            parts.append("." + seg)
        else:
            escaped = seg.replace("\\", "\\\\").replace("'", "\\'")
            parts.append(f"['{escaped}']")
    return "".join(parts)


def json_type(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null" if value is None else "any"


def join_types(a: str, b: str) -> str:
    if a == b:
        return a
    return "|".join(sorted(set(a.split("|")) | set(b.split("|"))))


@dataclass(eq=True)
class Shape:
    """What may be in a JSON value: typed nodes by path and open prefixes (see module doc)."""

    root: str = "object"
    nodes: dict[Segments, Node] = field(default_factory=dict)
    opens: dict[Segments, bool] = field(default_factory=dict)  # prefix → definite

    # -- building --------------------------------------------------------------------------
    @classmethod
    def of_value(cls, value: Any) -> Shape:
        """The shape of a sample value (arrays: the join of their first items)."""
        shape = cls(json_type(value))
        shape._add_value((), value, True, 0)
        return shape

    @classmethod
    def unknown(cls, definite: bool = True) -> Shape:
        """Anything at all (an open root)."""
        return cls("any", {}, {(): definite})

    def _add_value(self, prefix: Segments, value: Any, definite: bool, depth: int) -> None:
        if len(self.nodes) >= MAX_NODES or depth > MAX_DEPTH:
            if prefix:
                self.opens[prefix] = definite
            return
        if isinstance(value, dict):
            for key, item in value.items():
                self._put((*prefix, str(key)), json_type(item), definite)
                self._add_value((*prefix, str(key)), item, definite, depth + 1)
        elif isinstance(value, list):
            items = value[:MAX_SAMPLED_ITEMS]
            if not items:
                self.opens[(*prefix, ITEM)] = False
                return
            sub = Shape.of_value(items[0])
            for item in items[1:]:
                sub = sub.join(Shape.of_value(item))
            self._put((*prefix, ITEM), sub.root, definite)
            for segs, node in sub.nodes.items():
                self._put((*prefix, ITEM, *segs), node.type, definite and node.definite)
            for segs, flag in sub.opens.items():
                self.opens[(*prefix, ITEM, *segs)] = definite and flag

    def _put(self, segs: Segments, type_: str, definite: bool) -> None:
        old = self.nodes.get(segs)
        if old is None:
            self.nodes[segs] = Node(type_, definite)
        else:
            self.nodes[segs] = Node(join_types(old.type, type_), old.definite or definite)

    # -- reading ---------------------------------------------------------------------------
    def status(self, segs: Segments) -> Status:
        """Whether ``segs`` is there on every path, on some, or on none.

        An open prefix answers for what lies under it, unless a known node sits between
        (a known object whose keys are all known does not have the one asked for)."""
        if not segs:
            return "definite"
        node = self.nodes.get(segs)
        if node is not None:
            return "definite" if node.definite else "maybe"
        opens = self.opens
        for cut in range(len(segs), -1, -1):
            flag = opens.get(segs[:cut])
            if flag is not None:
                return "definite" if flag else "maybe"
            if cut < len(segs) and cut and segs[:cut] in self.nodes:
                return "missing"
        return "missing"

    def fingerprint(self) -> tuple[Any, ...]:
        """A hashable value equal for equal shapes."""
        return (self.root, frozenset(self.nodes.items()), frozenset(self.opens.items()))

    def type_at(self, segs: Segments) -> str:
        if not segs:
            return self.root
        node = self.nodes.get(segs)
        return node.type if node is not None else "any"

    def paths(self) -> list[tuple[str, str, bool]]:
        """``(display path, type, definite)`` for every known node, shallow first."""
        out = [(path_text(s), n.type, n.definite) for s, n in self.nodes.items()]
        out.sort(key=lambda t: (t[0].count(".") + t[0].count("["), t[0]))
        return out

    # -- operations ------------------------------------------------------------------------
    def sub(self, prefix: Segments) -> Shape:
        """The shape of the value at ``prefix`` (input_path, output_path, selectors)."""
        if not prefix:
            return self
        node = self.nodes.get(prefix)
        if node is None:
            found = self.status(prefix)
            if found == "missing":
                return Shape("object")  # a path that names nothing selects {}
            return Shape.unknown(found == "definite")
        n = len(prefix)
        out = Shape(node.type)
        for segs, child in self.nodes.items():
            if len(segs) > n and segs[:n] == prefix:
                out.nodes[segs[n:]] = child if node.definite else Node(child.type, False)
        for segs, flag in self.opens.items():
            if len(segs) >= n and segs[:n] == prefix:
                out.opens[segs[n:]] = flag and node.definite
        return out

    def place(self, prefix: Segments, value: Shape) -> Shape:
        """This shape with ``value`` written at ``prefix`` (result_path, error_path)."""
        if not prefix:
            return value
        n = len(prefix)
        keep = self.root in ("object", "array") and (self.root == "array") == (prefix[0] == ITEM)
        out = Shape(self.root if keep else ("array" if prefix[0] == ITEM else "object"))
        if prefix in self.nodes or prefix in self.opens:
            out.nodes = {s: v for s, v in self.nodes.items() if s[:n] != prefix}
            out.opens = {s: v for s, v in self.opens.items() if s[:n] != prefix}
        else:  # nothing there yet (the usual result_path): a plain copy
            out.nodes = dict(self.nodes)
            out.opens = {s: v for s, v in self.opens.items() if s[:n] != prefix}
        for cut in range(1, n):
            old = out.nodes.get(prefix[:cut])
            out.nodes[prefix[:cut]] = Node("object" if old is None else old.type, True)
        out.nodes[prefix] = Node(value.root, True)
        for segs, node in value.nodes.items():
            if n + len(segs) <= MAX_PATH_DEPTH:
                out.nodes[prefix + segs] = node
            else:  # a shape that nests itself (a loop through a body): cut it off, open
                capped = (prefix + segs)[:MAX_PATH_DEPTH]
                out.opens[capped] = out.opens.get(capped, True) and node.definite
        for segs, flag in value.opens.items():
            out.opens[(prefix + segs)[:MAX_PATH_DEPTH]] = flag
        return out

    def merge(self, value: Shape) -> Shape:
        """A shallow merge of an object ``value`` into this object (Pass without a path)."""
        keys = {s[0] for s in value.nodes}
        out = Shape(self.root)
        out.nodes = {s: v for s, v in self.nodes.items() if s[0] not in keys}
        out.opens = {s: v for s, v in self.opens.items() if not s or s[0] not in keys}
        out.nodes.update(value.nodes)
        out.opens.update(value.opens)
        return out

    def without_key(self, key: str) -> Shape:
        out = Shape(self.root)
        out.nodes = {s: v for s, v in self.nodes.items() if s[0] != key}
        out.opens = {s: v for s, v in self.opens.items() if not s or s[0] != key}
        return out

    def join(self, other: Shape) -> Shape:
        """What holds after either this or ``other`` (control-flow merge)."""
        if other is self or other == self:
            return self
        out = Shape(join_types(self.root, other.root))
        mine, theirs_all, nodes = self.nodes, other.nodes, out.nodes
        for segs, node in mine.items():
            theirs = theirs_all.get(segs)
            if theirs == node:
                nodes[segs] = node
            elif theirs is None:
                found = other.status(segs)
                nodes[segs] = Node(node.type, node.definite and found == "definite")
                if found != "missing":  # the other side may hold anything there
                    out.opens[segs] = found == "definite"
            else:
                nodes[segs] = Node(join_types(node.type, theirs.type),
                                   node.definite and theirs.definite)
        for segs, node in theirs_all.items():
            if segs not in mine:
                found = self.status(segs)
                nodes[segs] = Node(node.type, node.definite and found == "definite")
                if found != "missing":
                    out.opens[segs] = found == "definite"
        for segs, flag in self.opens.items():
            out.opens[segs] = flag and other.status(segs) == "definite" \
                and out.opens.get(segs, True)
        for segs, flag in other.opens.items():
            have = out.opens.get(segs)
            out.opens[segs] = (flag and self.status(segs) == "definite") if have is None \
                else (have and flag)
        return out
