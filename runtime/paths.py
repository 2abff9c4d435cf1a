"""The JSONPath subset used for dynamic values and data-flow paths, compiled once.

A path is ``$`` followed by segments: ``.name``, ``['quoted name']`` / ``["quoted"]``,
``[3]`` / ``[-1]`` (array index) and ``[*]`` / ``.*`` (every element). That covers what the
server's Input/Output pages use. :func:`compile_path` parses a path once into a
:class:`JsonPath` whose :meth:`~JsonPath.get` walks plain tuples (about a tenth of a
microsecond per segment) and whose :meth:`~JsonPath.set` copies only the branch it writes, so
the engine never re-parses a path per step and never deep-copies a payload.

Dynamic parameter values are strings starting with ``$.`` (or exactly ``$``); a literal that
must start with ``$`` is written ``$$...`` (see :func:`classify_value`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

WILDCARD = object()
MAX_PATH_LENGTH = 1000

_NAME = re.compile(r"[A-Za-z_@$\-][\w@$\-]*")
_INDEX = re.compile(r"\[\s*(-?\d+)\s*\]")
_QUOTED = re.compile(r"""\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]""")


class PathSyntaxError(ValueError):
    """A path that does not parse; ``position`` is the 0-based offset of the problem."""

    def __init__(self, path: str, position: int, reason: str) -> None:
        self.path = path
        self.position = position
        self.reason = reason
        super().__init__(f"invalid path {path!r} at character {position + 1}: {reason}")


class PathMissing(LookupError):
    """A path that names nothing in the data it is applied to."""


@dataclass(frozen=True, slots=True)
class JsonPath:
    """A compiled path: ``text`` as written and ``segments`` (str keys, int indexes, WILDCARD)."""

    text: str
    segments: tuple[Any, ...]

    @property
    def is_root(self) -> bool:
        return not self.segments

    @property
    def has_wildcard(self) -> bool:
        return any(seg is WILDCARD for seg in self.segments)

    def get(self, data: Any) -> Any:
        """Return the value at the path; raise PathMissing when any step is absent."""
        value = data
        for index, seg in enumerate(self.segments):
            if seg is WILDCARD:
                return _get_wildcard(value, self.segments[index + 1 :], self.text)
            try:
                if isinstance(seg, str):
                    if type(value) is not dict:
                        raise KeyError(seg)
                    value = value[seg]
                else:
                    if type(value) is not list:
                        raise KeyError(seg)
                    value = value[seg]
            except (KeyError, IndexError):
                raise PathMissing(self.text) from None
        return value

    def find(self, data: Any, default: Any = None) -> Any:
        """Like :meth:`get` but returns ``default`` when the path names nothing."""
        try:
            return self.get(data)
        except PathMissing:
            return default

    def set(self, data: Any, value: Any) -> Any:
        """Return a copy of ``data`` with ``value`` placed at the path.

        Only the dictionaries along the path are copied; missing objects are created. ``$``
        replaces the whole document.
        """
        if not self.segments:
            return value
        return _set_in(data, self.segments, value, self.text)


def _get_wildcard(value: Any, rest: tuple[Any, ...], text: str) -> list[Any]:
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        raise PathMissing(text)
    sub = JsonPath(text, rest)
    out = []
    for item in items:
        try:
            out.append(sub.get(item))
        except PathMissing:
            continue
    return out


def _set_in(node: Any, segments: tuple[Any, ...], value: Any, text: str) -> Any:
    seg = segments[0]
    if seg is WILDCARD:
        raise PathSyntaxError(text, 0, "a path that writes cannot contain *")
    if isinstance(seg, int):
        if not isinstance(node, list) or not -len(node) <= seg < len(node):
            raise PathMissing(text)
        copy = list(node)
        copy[seg] = value if len(segments) == 1 else _set_in(node[seg], segments[1:], value, text)
        return copy
    copy_d = dict(node) if isinstance(node, dict) else {}
    if len(segments) == 1:
        copy_d[seg] = value
    else:
        copy_d[seg] = _set_in(copy_d.get(seg), segments[1:], value, text)
    return copy_d


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@lru_cache(maxsize=8192)
def compile_path(text: str) -> JsonPath:
    """Parse a path once. Raises PathSyntaxError with the position of the problem."""
    if not isinstance(text, str):
        raise PathSyntaxError(str(text), 0, "a path must be a string")
    if len(text) > MAX_PATH_LENGTH:
        raise PathSyntaxError(text[:40] + "…", 0, f"longer than {MAX_PATH_LENGTH} characters")
    if not text.startswith("$"):
        raise PathSyntaxError(text, 0, "a path starts with $")
    segments: list[Any] = []
    pos = 1
    while pos < len(text):
        ch = text[pos]
        if ch == ".":
            if text.startswith(".*", pos):
                segments.append(WILDCARD)
                pos += 2
                continue
            match = _NAME.match(text, pos + 1)
            if not match:
                raise PathSyntaxError(text, pos + 1, "expected a name after '.'")
            segments.append(match.group(0))
            pos = match.end()
        elif ch == "[":
            pos = _parse_bracket(text, pos, segments)
        else:
            raise PathSyntaxError(text, pos, f"unexpected {ch!r}")
    return JsonPath(text, tuple(segments))


def _parse_bracket(text: str, pos: int, segments: list[Any]) -> int:
    if re.match(r"\[\s*\*\s*\]", text[pos:]):
        segments.append(WILDCARD)
        return text.index("]", pos) + 1
    match = _INDEX.match(text, pos)
    if match:
        segments.append(int(match.group(1)))
        return match.end()
    match = _QUOTED.match(text, pos)
    if match:
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        segments.append(_unescape(raw))
        return match.end()
    raise PathSyntaxError(text, pos, "expected [index], ['name'] or [*]")


def is_dynamic(value: Any) -> bool:
    """True for a dynamic value: a string starting with ``$.``, ``$[`` or exactly ``$``."""
    return (
        isinstance(value, str)
        and value.startswith("$")
        and (len(value) == 1 or value[1] in ".[")
    )


def dynamic_text(value: Any) -> str | None:
    """The path of a dynamic value, None for anything else (a literal, ``$$text`` included):
    the dynamic case of :func:`classify_value` in one call, for loops over many values."""
    if isinstance(value, str) and value[:1] == "$" and value[1:2] in ("", ".", "["):
        return value
    return None


def classify_value(value: Any) -> tuple[str, Any]:
    """Split a parameter value into ``("dynamic", path_text)`` or ``("literal", value)``.

    ``$$text`` is the escape for a literal string beginning with ``$``: it becomes ``$text``.
    """
    if isinstance(value, str) and value.startswith("$"):
        if value.startswith("$$"):
            return "literal", value[1:]
        if is_dynamic(value):
            return "dynamic", value
    return "literal", value
