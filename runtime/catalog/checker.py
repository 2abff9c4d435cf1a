"""Parameter schemas compiled into plain Python checks, with the server's message shapes.

The catalog describes parameters with a JSON Schema subset (see
``resources/catalog/meta-schema.json``). Calling ``jsonschema`` for every state of a large
playbook costs milliseconds per state, so each schema is compiled once into a list of small
closures. The messages are the reference's ``JSON_SCHEMA_VALIDATION_FAILED`` shapes, verbatim:

- ``$.<param>: must have a maximum value of <n>`` (maxLength and maximum alike)
- ``$: required property '<param>' not found``
- ``$.<param>: string found, number expected`` (an integer parameter is a *number* in the
  reference's words; a fractional number where an integer is needed says ``integer expected``)

and the same style for the cases the reference does not spell out (enum, minimum, date-time,
array items). The designer, the validator and the runtime all use these, so a user reads the
same words everywhere. ``tests/catalog`` cross-checks the compiled checks against
``jsonschema`` on generated values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

Check = Callable[[str, Any], "str | None"]

_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$"
)


def json_type_name(value: Any) -> str:
    """The JSON type name of a Python value, as validators print it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _expected_word(expected: str, found: str) -> str:
    """The reference says ``number expected`` for a numeric parameter; only a fractional number
    given for an integer parameter is told ``integer expected``."""
    if expected == "integer" and found != "number":
        return "number"
    return expected


def _type_ok(expected: str, value: Any) -> bool:
    if expected == "string":
        return isinstance(value, str)
    if expected == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "array":
        return isinstance(value, list)
    if expected == "object":
        return isinstance(value, dict)
    return True


@lru_cache(maxsize=1024)
def parse_date_time(text: str) -> datetime | None:
    """Parse an ISO 8601 date-time (offset optional, naive means UTC); None when invalid.
    (Kept per text: a playbook repeats its dates, and datetimes are immutable.)"""
    if not _DATE_TIME.match(text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _enum_equal(value: Any, allowed: Any) -> bool:
    """JSON equality, as JSON Schema's ``enum`` uses: 1.0 is 1, but true is not 1."""
    if isinstance(value, bool) or isinstance(allowed, bool):
        return type(value) is type(allowed) and value == allowed
    if isinstance(value, (int, float)) and isinstance(allowed, (int, float)):
        return value == allowed
    return type(value) is type(allowed) and value == allowed


def _scalar_checks(spec: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    if "maxLength" in spec:
        limit = spec["maxLength"]
        checks.append(
            lambda p, v: f"{p}: must have a maximum value of {limit}"
            if isinstance(v, str) and len(v) > limit
            else None
        )
    if "minLength" in spec:
        low = spec["minLength"]
        checks.append(
            lambda p, v: f"{p}: must have a minimum length of {low}"
            if isinstance(v, str) and len(v) < low
            else None
        )
    if "maximum" in spec:
        top = spec["maximum"]
        checks.append(lambda p, v: f"{p}: must have a maximum value of {top}" if v > top else None)
    if "minimum" in spec:
        bottom = spec["minimum"]
        checks.append(
            lambda p, v: f"{p}: must have a minimum value of {bottom}" if v < bottom else None
        )
    if "enum" in spec:
        allowed = list(spec["enum"])
        shown = ", ".join(str(a) for a in allowed)
        # A text equals (in JSON) exactly the allowed values that are texts: looked up in a set.
        texts = frozenset(a for a in allowed if type(a) is str)
        checks.append(
            lambda p, v: None
            if (v in texts if type(v) is str else any(_enum_equal(v, a) for a in allowed))
            else f"{p}: does not have a value in the enumeration [{shown}]"
        )
    if spec.get("format") == "date-time":
        checks.append(_date_time_check(spec.get("formatMinimum")))
    if "x-maxSerializedLength" in spec:
        size = spec["x-maxSerializedLength"]
        checks.append(
            lambda p, v: f"{p}: must have a maximum value of {size}"
            if len(json.dumps(v, separators=(",", ":"), ensure_ascii=False)) > size
            else None
        )
    return checks


def _date_time_check(floor_text: str | None) -> Check:
    floor = parse_date_time(floor_text) if floor_text else None

    def check(path: str, value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        parsed = parse_date_time(value)
        if parsed is None:
            return (
                f"{path}: {value!r} is not an ISO 8601 date-time "
                "(e.g. 2024-03-15T10:30:00Z or 2024-03-15T10:30:00+05:30)"
            )
        if floor is not None and parsed < floor:
            return f"{path}: must be greater than or equal to {floor_text}"
        return None

    return check


#: The Python type whose values always have a JSON type (``type(value) is``: no subclass).
_EXACT_TYPES: dict[str, type] = {
    "string": str, "integer": int, "boolean": bool, "array": list, "object": dict,
}


@dataclass(slots=True)
class ValueChecker:
    """The compiled checks of one parameter (or of an array's items)."""

    expected: str
    checks: list[Check]
    items: ValueChecker | None = None
    max_items: int | None = None
    exact: type | None = field(default=None, init=False)  # see _EXACT_TYPES

    def __post_init__(self) -> None:
        self.exact = _EXACT_TYPES.get(self.expected)

    def check(self, path: str, value: Any, out: list[str]) -> None:
        if type(value) is not self.exact and not _type_ok(self.expected, value):
            found = json_type_name(value)
            out.append(f"{path}: {found} found, {_expected_word(self.expected, found)} expected")
            return
        for check in self.checks:
            message = check(path, value)
            if message:
                out.append(message)
        if self.expected == "array":
            if self.max_items is not None and len(value) > self.max_items:
                out.append(f"{path}: there must be a maximum of {self.max_items} items in the array")
            if self.items is not None:
                for index, item in enumerate(value):
                    self.items.check(f"{path}[{index}]", item, out)


def compile_value(spec: dict[str, Any]) -> ValueChecker:
    """Compile one parameter's schema."""
    items = spec.get("items")
    return ValueChecker(
        expected=spec.get("type", "any"),
        checks=_scalar_checks(spec),
        items=compile_value(items) if isinstance(items, dict) else None,
        max_items=spec.get("maxItems"),
    )


@dataclass(slots=True)
class ObjectChecker:
    """The compiled checks of a ``parameters`` (or ``fields``) object schema."""

    properties: dict[str, ValueChecker]
    required: tuple[str, ...]
    additional: bool
    paths: dict[str, str] = field(default_factory=dict, init=False)  # name → "$.name"

    def __post_init__(self) -> None:
        self.paths = {name: f"$.{name}" for name in self.properties}

    def check(self, values: dict[str, Any], *, required: bool = True) -> list[str]:
        """Check a whole object of already-resolved values.

        Args:
            values: Parameter id → value (``None`` values count as missing).
            required: Also report missing required properties.

        Returns:
            Messages in the reference's shapes, in schema order; empty when valid.
        """
        out: list[str] = []
        if required:
            for name in self.required:
                if values.get(name) is None:
                    out.append(f"$: required property '{name}' not found")
        for name, value in values.items():
            if value is None:
                continue
            checker = self.properties.get(name)
            if checker is None:
                if not self.additional:
                    out.append(
                        f"$.{name}: is not defined in the schema and the schema does not allow "
                        "additional properties"
                    )
                continue
            checker.check(self.paths[name], value, out)
        return out

    def check_one(self, name: str, value: Any) -> list[str]:
        """Check a single property value (used by the inspector as the user types)."""
        out: list[str] = []
        checker = self.properties.get(name)
        if checker is not None and value is not None:
            checker.check(f"$.{name}", value, out)
        return out


def compile_object(schema: dict[str, Any]) -> ObjectChecker:
    """Compile an object schema of the catalog subset into an :class:`ObjectChecker`."""
    props = schema.get("properties", {})
    return ObjectChecker(
        properties={name: compile_value(spec) for name, spec in props.items()},
        required=tuple(schema.get("required", ())),
        additional=bool(schema.get("additionalProperties", True)),
    )
