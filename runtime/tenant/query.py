"""The small search language of Get Alerts and Search Logs.

This module owns parsing a query once into a predicate over records (flat dicts with
lower-case keys, nested values reachable as ``process.name``) and the syntax errors, which the
handlers turn into error 10001014. The grammar (keywords case-insensitive)::

    query      := or_expr | "*" | ""               (empty or * matches everything)
    or_expr    := and_expr ("OR" and_expr)*
    and_expr   := not_expr (["AND"] not_expr)*      (adjacent terms are ANDed)
    not_expr   := "NOT" not_expr | primary
    primary    := "(" or_expr ")" | comparison | value
    comparison := field op value | field "IN" "(" value ("," value)* ")"
    op         := "=" | "==" | "!=" | ">" | ">=" | "<" | "<="
                | "CONTAINS" | "STARTSWITH" | "ENDSWITH"
    value      := "double quoted" | 'single quoted' | bare-word

A bare value is free text: it matches a record when any field contains it. Text comparisons
ignore case; ``<``/``>`` compare numbers as numbers and date-times as date-times; a list field
matches when any element does; a missing field only satisfies ``!=``. Parsing is linear, no
regex is built from user input, and nesting is capped at 32 levels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]
Predicate = Callable[[Record], bool]
MAX_DEPTH = 32
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<lparen>\() | (?P<rparen>\)) | (?P<comma>,)
      | (?P<op>==|!=|>=|<=|=|>|<)
      | "(?P<dq>(?:[^"\\]|\\.)*)" | '(?P<sq>(?:[^'\\]|\\.)*)'
      | (?P<word>[^\s()=!<>,"']+)
    )""",
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\(.)")
_WORD_OPS = {"contains", "startswith", "endswith"}
_KEYWORDS = {"and", "or", "not", "in"} | _WORD_OPS


class QuerySyntaxError(ValueError):
    """The query does not follow the grammar; the message says where."""


@dataclass(frozen=True)
class _Token:
    kind: str  # lparen, rparen, comma, op, value (quoted), word
    text: str
    position: int

    def keyword(self) -> str | None:
        """The lower-cased keyword this bare word spells, if any."""
        lowered = self.text.lower()
        return lowered if self.kind == "word" and lowered in _KEYWORDS else None


def compile_query(query: str | None) -> Predicate:
    """Parse a query into a predicate.

    Args:
        query: The query text; None, blank or ``*`` match every record.

    Returns:
        A function telling whether a record matches.

    Raises:
        QuerySyntaxError: The query does not parse.
    """
    if query is None or query.strip() in ("", "*"):
        return lambda record: True
    parser = _Parser(_tokenize(query))
    predicate = parser.or_expr(0)
    if not parser.at_end():
        raise QuerySyntaxError(f"unexpected {parser.describe()}")
    return predicate


def _tokenize(query: str) -> list[_Token]:
    """Split a query into tokens."""
    tokens: list[_Token] = []
    query = query.rstrip()
    position = 0
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None:
            where = position + len(query[position:]) - len(query[position:].lstrip()) + 1
            raise QuerySyntaxError(f"cannot read the query at character {where}")
        kind = match.lastgroup or "word"
        text, start = match.group(kind), match.start(kind)
        if kind in ("dq", "sq"):
            kind, text, start = "value", _ESCAPE.sub(r"\1", text), start - 1
        tokens.append(_Token(kind, text, start + 1))
        position = match.end()
    return tokens


class _Parser:
    """Recursive-descent parser producing closures."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def at_end(self) -> bool:
        return self.index >= len(self.tokens)

    def peek(self, ahead: int = 0) -> _Token | None:
        spot = self.index + ahead
        return self.tokens[spot] if spot < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("the query ends too early")
        self.index += 1
        return token

    def describe(self) -> str:
        token = self.peek()
        return "end of query" if token is None else f"{token.text!r} at character {token.position}"

    def or_expr(self, depth: int) -> Predicate:
        if depth > MAX_DEPTH:
            raise QuerySyntaxError(f"the query nests deeper than {MAX_DEPTH} levels")
        parts = [self.and_expr(depth)]
        while (token := self.peek()) is not None and token.keyword() == "or":
            self.take()
            parts.append(self.and_expr(depth))
        return parts[0] if len(parts) == 1 else lambda r: any(p(r) for p in parts)

    def and_expr(self, depth: int) -> Predicate:
        parts = [self.not_expr(depth)]
        while (token := self.peek()) is not None and token.kind != "rparen":
            if token.keyword() == "or" or token.kind == "comma":
                break
            if token.keyword() == "and":
                self.take()
            parts.append(self.not_expr(depth))
        return parts[0] if len(parts) == 1 else lambda r: all(p(r) for p in parts)

    def not_expr(self, depth: int) -> Predicate:
        token = self.peek()
        if token is not None and token.keyword() == "not":
            self.take()
            inner = self.not_expr(depth + 1)
            return lambda r: not inner(r)
        return self.primary(depth)

    def primary(self, depth: int) -> Predicate:
        token = self.take()
        if token.kind == "lparen":
            inner = self.or_expr(depth + 1)
            if self.take().kind != "rparen":
                raise QuerySyntaxError(f"expected ')' to close '(' at character {token.position}")
            return inner
        if token.kind not in ("word", "value") or token.keyword() not in (None, "not"):
            raise QuerySyntaxError(f"expected a condition at character {token.position}")
        following = self.peek()
        if token.kind == "word" and following is not None and _is_operator(following):
            return self.comparison(token.text.lower())
        return _free_text(token.text)

    def comparison(self, field: str) -> Predicate:
        operator = self.take()
        name = operator.text.lower()
        if name == "in":
            return _any_equal(field, self.value_list())
        value = self.value(operator)
        return _compare(field, "=" if name == "==" else name, value)

    def value(self, after: _Token) -> str:
        token = self.peek()
        if (
            token is None
            or token.kind not in ("word", "value")
            or token.keyword()
            in (
                "and",
                "or",
            )
        ):
            raise QuerySyntaxError(
                f"expected a value after {after.text!r} at character {after.position}"
            )
        self.take()
        return token.text

    def value_list(self) -> list[str]:
        opening = self.take()
        if opening.kind != "lparen":
            raise QuerySyntaxError(f"expected '(' after IN at character {opening.position}")
        values = [self.value(opening)]
        while (token := self.take()).kind == "comma":
            values.append(self.value(token))
        if token.kind != "rparen":
            raise QuerySyntaxError(f"expected ',' or ')' at character {token.position}")
        return values


def _is_operator(token: _Token) -> bool:
    return token.kind == "op" or token.keyword() in (_WORD_OPS | {"in"})


def _lookup(record: Record, field: str) -> list[Any]:
    """The values of ``field`` in ``record`` (a list field gives each element)."""
    if field in record:
        value = record[field]
    else:
        value = record
        for part in field.split("."):
            if not isinstance(value, dict):
                return []
            value = {str(k).lower(): v for k, v in value.items()}.get(part)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value).casefold() if not isinstance(value, bool) else str(value).lower()


def _ordered(left: Any, right: str) -> tuple[Any, Any]:
    """Make a field value and a literal comparable: numbers, date-times, else text."""
    if isinstance(left, datetime):
        try:
            moment = datetime.fromisoformat(right)
            return left, moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        except ValueError:
            return _as_text(left), right.casefold()
    try:
        return float(left), float(right)
    except (TypeError, ValueError):
        return _as_text(left), right.casefold()


_TESTS: dict[str, Callable[[Any, str], bool]] = {
    "=": lambda v, lit: _ordered(v, lit)[0] == _ordered(v, lit)[1],
    ">": lambda v, lit: _ordered(v, lit)[0] > _ordered(v, lit)[1],
    ">=": lambda v, lit: _ordered(v, lit)[0] >= _ordered(v, lit)[1],
    "<": lambda v, lit: _ordered(v, lit)[0] < _ordered(v, lit)[1],
    "<=": lambda v, lit: _ordered(v, lit)[0] <= _ordered(v, lit)[1],
    "contains": lambda v, lit: lit.casefold() in _as_text(v),
    "startswith": lambda v, lit: _as_text(v).startswith(lit.casefold()),
    "endswith": lambda v, lit: _as_text(v).endswith(lit.casefold()),
}


def _compare(field: str, operator: str, literal: str) -> Predicate:
    if operator == "!=":
        equal = _compare(field, "=", literal)
        return lambda record: not equal(record)
    test = _TESTS[operator]

    def predicate(record: Record) -> bool:
        try:
            return any(test(value, literal) for value in _lookup(record, field))
        except TypeError:
            return False

    return predicate


def _any_equal(field: str, literals: list[str]) -> Predicate:
    tests = [_compare(field, "=", literal) for literal in literals]
    return lambda record: any(test(record) for test in tests)


def _free_text(literal: str) -> Predicate:
    needle = literal.casefold()

    def predicate(record: Record) -> bool:
        return any(needle in _as_text(value) for value in _leaves(record))

    return predicate


def _leaves(value: Any) -> list[Any]:
    """Every scalar inside a record."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [] if value is None else [value]
