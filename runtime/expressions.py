"""Branch condition expressions: our own small grammar, parsed once, never ``eval``.

Grammar (the server's documented operators)::

    expr    := or
    or      := and ( '||' and )*
    and     := unary ( '&&' unary )*
    unary   := '!' unary | compare
    compare := operand ( ('==' | '!=' | '>' | '>=' | '<' | '<=') operand )?
    operand := PATH | STRING | NUMBER | 'true' | 'false' | 'null' | '(' expr ')'

``PATH`` is a JSONPath of :mod:`runtime.paths` (``$.alert.severity``); a path that names
nothing reads as ``null``. Equality is JSON equality (``1 == 1.0``, ``true != 1``); ordering
compares numbers with numbers and strings with strings, anything else is false. A bare operand
is tested for truth (not null, false, 0, "" or empty). Length and nesting are capped so a hostile
expression cannot hang or blow the stack; every syntax error names its character position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from runtime.paths import PathMissing, PathSyntaxError, compile_path

MAX_EXPRESSION_LENGTH = 4000
MAX_NESTING = 32

Evaluator = Callable[[Any], Any]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<op>==|!=|>=|<=|&&|\|\||[<>!()])
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<path>\$(?:\.\*|\.[A-Za-z_@$\-][\w@$\-]*|\[[^\]]*\])*)
  | (?P<word>[A-Za-z_]\w*)
    """,
    re.VERBOSE,
)


class ExpressionError(ValueError):
    """A condition that does not parse; ``position`` is 0-based."""

    def __init__(self, text: str, position: int, reason: str) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        super().__init__(f"{reason} at character {position + 1}")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: str
    pos: int


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: call :meth:`evaluate` with the state's input."""

    text: str
    fn: Evaluator
    paths: tuple[str, ...]

    def evaluate(self, data: Any) -> bool:
        return _truthy(self.fn(data))


def tokenize(text: str) -> list[Token]:
    """Split an expression into tokens (also used by the editor's syntax highlighter)."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise ExpressionError(text, pos, f"unexpected character {text[pos]!r}")
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(0), pos))
        pos = match.end()
    return tokens


def _truthy(value: Any) -> bool:
    return value is not None and value is not False and value != 0 and value != "" and (
        not isinstance(value, (list, dict)) or bool(value)
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _ordered(op: str) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        if not ((_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str))):
            return False
        if op == ">":
            return a > b
        if op == ">=":
            return a >= b
        if op == "<":
            return a < b
        return a <= b

    return compare


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    ">": _ordered(">"),
    ">=": _ordered(">="),
    "<": _ordered("<"),
    "<=": _ordered("<="),
}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0
        self.paths: list[str] = []

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise ExpressionError(self.text, len(self.text), "unexpected end of expression")
        self.index += 1
        return tok

    def parse(self) -> Evaluator:
        if not self.tokens:
            raise ExpressionError(self.text, 0, "the condition is empty")
        fn = self.parse_or()
        tok = self.peek()
        if tok is not None:
            raise ExpressionError(self.text, tok.pos, f"unexpected {tok.value!r}")
        return fn

    def _nest(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ExpressionError(self.text, pos, f"nested more than {MAX_NESTING} levels")

    def parse_or(self) -> Evaluator:
        parts = [self.parse_and()]
        while (tok := self.peek()) and tok.value == "||":
            self.take()
            parts.append(self.parse_and())
        if len(parts) == 1:
            return parts[0]
        return lambda data: any(_truthy(p(data)) for p in parts)

    def parse_and(self) -> Evaluator:
        parts = [self.parse_unary()]
        while (tok := self.peek()) and tok.value == "&&":
            self.take()
            parts.append(self.parse_unary())
        if len(parts) == 1:
            return parts[0]
        return lambda data: all(_truthy(p(data)) for p in parts)

    def parse_unary(self) -> Evaluator:
        tok = self.peek()
        if tok is not None and tok.value == "!":
            self.take()
            self._nest(tok.pos)
            inner = self.parse_unary()
            self.depth -= 1
            return lambda data: not _truthy(inner(data))
        return self.parse_compare()

    def parse_compare(self) -> Evaluator:
        left = self.parse_operand()
        tok = self.peek()
        if tok is None or tok.value not in _COMPARATORS:
            return left
        self.take()
        right = self.parse_operand()
        compare = _COMPARATORS[tok.value]
        return lambda data: compare(left(data), right(data))

    def parse_operand(self) -> Evaluator:
        tok = self.take()
        if tok.value == "(":
            self._nest(tok.pos)
            inner = self.parse_or()
            closing = self.peek()
            if closing is None or closing.value != ")":
                where = closing.pos if closing else len(self.text)
                raise ExpressionError(self.text, where, "missing ')'")
            self.take()
            self.depth -= 1
            return inner
        if tok.kind == "string":
            value = re.sub(r"\\(.)", r"\1", tok.value[1:-1])
            return lambda data: value
        if tok.kind == "number":
            number = float(tok.value) if any(c in tok.value for c in ".eE") else int(tok.value)
            return lambda data: number
        if tok.kind == "word":
            return self._word(tok)
        if tok.kind == "path":
            return self._path(tok)
        raise ExpressionError(self.text, tok.pos, f"expected a value, found {tok.value!r}")

    def _word(self, tok: Token) -> Evaluator:
        constants = {"true": True, "false": False, "null": None}
        if tok.value not in constants:
            raise ExpressionError(
                self.text, tok.pos, f"unknown word {tok.value!r} (quote strings: '{tok.value}')"
            )
        constant = constants[tok.value]
        return lambda data: constant

    def _path(self, tok: Token) -> Evaluator:
        try:
            path = compile_path(tok.value)
        except PathSyntaxError as exc:
            raise ExpressionError(self.text, tok.pos + exc.position, exc.reason) from None
        self.paths.append(tok.value)
        get = path.get

        def read(data: Any) -> Any:
            try:
                return get(data)
            except PathMissing:
                return None

        return read


@lru_cache(maxsize=4096)
def compile_condition(text: str) -> Condition:
    """Parse a condition once; raise ExpressionError (with position) when it does not parse."""
    if not isinstance(text, str):
        raise ExpressionError(str(text), 0, "a condition must be a string")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(text, 0, f"longer than {MAX_EXPRESSION_LENGTH} characters")
    parser = _Parser(text)
    fn = parser.parse()
    return Condition(text, fn, tuple(parser.paths))
