"""Tests for runtime.catalog.checker: compiled parameter checks agree with jsonschema.

The compiled checks replace per-state jsonschema calls in the hot path, so they must judge
exactly as jsonschema would. For every catalog entry (parameters and state fields), hypothesis
generates objects of valid, boundary and wrong-typed values (and unknown or missing keys) and
compares ``bool(messages)`` with a Draft 2020-12 validator on the same schema. jsonschema does not
know the catalog's own keys, so the oracle adds them here, written independently: ``date-time``
(strict RFC 3339), ``formatMinimum`` and ``x-maxSerializedLength``. The reference's exact message
shapes are pinned separately.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from runtime.catalog import load_catalog
from runtime.catalog.checker import (
    compile_object,
    compile_value,
    json_type_name,
    parse_date_time,
)

CATALOG = load_catalog()
SCHEMAS = [
    pytest.param(entry.id, kind, id=f"{entry.id}.{kind}")
    for entry in CATALOG.entries()
    for kind in ("parameters", "fields")
    if getattr(entry, kind).get("properties") or kind == "parameters"
]

# --- the oracle: jsonschema plus the catalog's own keys ---------------------------------------

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$"
)


def _oracle_datetime(text: str) -> datetime | None:
    if not _RFC3339.match(text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _format_minimum(validator: Any, floor: str, instance: Any, schema: dict[str, Any]) -> Any:
    if schema.get("format") != "date-time" or not isinstance(instance, str):
        return
    parsed = _oracle_datetime(instance)
    if parsed is not None and parsed < datetime.fromisoformat(floor.replace("Z", "+00:00")):
        yield ValidationError(f"{instance!r} is before {floor}")


def _max_serialized(validator: Any, size: int, instance: Any, schema: dict[str, Any]) -> Any:
    if isinstance(instance, dict):
        text = json.dumps(instance, separators=(",", ":"), ensure_ascii=False)
        if len(text) > size:
            yield ValidationError(f"serialized length {len(text)} > {size}")


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(lambda value: not isinstance(value, str) or bool(_oracle_datetime(value)))
Oracle = validators.extend(
    Draft202012Validator,
    {"formatMinimum": _format_minimum, "x-maxSerializedLength": _max_serialized},
)


@cache
def oracle(entry_id: str, kind: str) -> Any:
    schema = getattr(CATALOG.entry(entry_id), kind)
    Oracle.check_schema(schema)
    return Oracle(schema, format_checker=_FORMATS)


@cache
def checker(entry_id: str, kind: str) -> Any:
    entry = CATALOG.entry(entry_id)
    return entry.parameter_checker if kind == "parameters" else entry.field_checker


# --- value strategies -------------------------------------------------------------------------

_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=8),
)
_any_json = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


def _sized_text(limit: int | None) -> st.SearchStrategy[str]:
    if limit is None:
        return st.text(max_size=12)
    around = st.integers(max(0, limit - 2), limit + 2).map(lambda n: "x" * n)
    return st.one_of(around, st.text(max_size=min(limit + 2, 12)))


def _date_times() -> st.SearchStrategy[str]:
    moments = st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
    rfc = moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
    offset = st.tuples(moments, st.sampled_from(["+05:30", "-08:00", "+00:00"])).map(
        lambda p: p[0].strftime("%Y-%m-%dT%H:%M:%S") + p[1]
    )
    edges = st.sampled_from([
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59Z",
        "1970-01-01T05:29:59+05:30",  # before the floor once the offset is applied
        "2024-13-01T00:00:00Z",
        "2024-02-30T10:00:00Z",
        "2024-03-15",
        "yesterday",
        "",
    ])
    garbage = st.text(max_size=10).filter(lambda s: not s[:1].isdigit())
    return st.one_of(rfc, offset, edges, garbage)


def _integers(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    low, high = spec.get("minimum", -1000), spec.get("maximum", 10**6)
    near = st.integers(low - 2, high + 2)
    return st.one_of(
        near,
        near.map(float),  # 5.0 is an integer in JSON Schema
        st.floats(low - 2, high + 2, allow_nan=False).filter(lambda f: not f.is_integer()),
    )


def _typed(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    kind = spec["type"]
    if "enum" in spec:
        base = st.sampled_from(spec["enum"])
        if kind == "integer":
            return st.one_of(base, base.map(float), _integers(spec))
        return st.one_of(base, base.map(lambda v: v.upper() if isinstance(v, str) else v),
                         _sized_text(spec.get("maxLength")))
    if kind == "string":
        if spec.get("format") == "date-time":
            return _date_times()
        return _sized_text(spec.get("maxLength"))
    if kind == "integer":
        return _integers(spec)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        item = _typed(spec.get("items", {"type": "string"}))
        wrong_item = st.one_of(st.integers(), st.booleans())
        limit = spec.get("maxItems")
        sizes = st.integers(max(0, limit - 1), limit + 1) if limit is not None else st.integers(0, 3)
        return sizes.flatmap(
            lambda n: st.lists(st.one_of(item, wrong_item) if n < 5 else item, min_size=n, max_size=n)
        )
    if kind == "object":
        size = spec.get("x-maxSerializedLength")
        if size is None:
            return st.dictionaries(st.text(max_size=4), _json_scalars, max_size=3)
        # {"k":"xxx"} is 8 characters plus the x's.
        return st.integers(size - 10, size - 6).map(lambda n: {"k": "x" * n})
    return _any_json


def _value(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    wrong = _any_json.filter(lambda v: v is not None)  # None means "missing" to the checker
    return st.one_of(_typed(spec), _typed(spec), wrong)


def _valid(spec: dict[str, Any]) -> Any:
    """One value the schema accepts (the baseline that single changes are made to)."""
    if "enum" in spec:
        return spec["enum"][0]
    if spec.get("format") == "date-time":
        return "2024-03-15T10:30:00Z"
    return {"string": "x", "integer": spec.get("minimum", 1), "boolean": False, "array": [],
            "object": {}}[spec["type"]]


def baseline(schema: dict[str, Any]) -> dict[str, Any]:
    """The required properties, each with a valid value."""
    props = schema.get("properties", {})
    return {name: _valid(props[name]) for name in schema.get("required", ())}


@cache
def objects(entry_id: str, kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of the schema, half of them a valid baseline with one change (one property set
    to a valid, boundary or wrong-typed value, or one required property removed), so the verdict
    hangs on that change; the other half any subset of properties with any values, and
    sometimes a key the schema does not define."""
    schema = getattr(CATALOG.entry(entry_id), kind)
    props = schema.get("properties", {})
    base = baseline(schema)
    changes = [
        _value(spec).map(lambda v, name=name: {**base, name: v}) for name, spec in props.items()
    ]
    changes += [st.just({k: v for k, v in base.items() if k != name}) for name in base]
    unknown = _json_scalars.filter(lambda v: v is not None)  # None means "unset" to the checker
    changes.append(unknown.map(lambda v: {**base, "not_a_parameter": v}))
    optional = {name: _value(spec) for name, spec in props.items()}
    optional["not_a_parameter"] = unknown
    return st.one_of(st.one_of(changes), st.fixed_dictionaries({}, optional=optional))


# --- agreement --------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry_id", "kind"), SCHEMAS)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_compiled_checker_agrees_with_jsonschema(entry_id: str, kind: str, data: st.DataObject) -> None:
    values = data.draw(objects(entry_id, kind), label="values")
    messages = checker(entry_id, kind).check(values)
    errors = [e.message for e in oracle(entry_id, kind).iter_errors(values)]
    assert bool(messages) == bool(errors), f"checker: {messages}\njsonschema: {errors}"


@pytest.mark.parametrize(("entry_id", "kind"), SCHEMAS)
def test_the_baseline_is_valid_for_both(entry_id: str, kind: str) -> None:
    values = baseline(getattr(CATALOG.entry(entry_id), kind))
    assert checker(entry_id, kind).check(values) == []
    assert oracle(entry_id, kind).is_valid(values)


@pytest.mark.parametrize(("entry_id", "kind"), SCHEMAS)
def test_every_property_is_compiled(entry_id: str, kind: str) -> None:
    schema = getattr(CATALOG.entry(entry_id), kind)
    compiled = checker(entry_id, kind)
    assert list(compiled.properties) == list(schema.get("properties", {}))
    assert compiled.required == tuple(schema.get("required", ()))
    assert compiled.additional == schema.get("additionalProperties", True)


# --- the reference's message shapes -----------------------------------------------------------


def test_reference_message_max_length() -> None:
    messages = CATALOG.entry("create_incident").parameter_checker.check({"name": "x" * 251})
    assert messages == ["$.name: must have a maximum value of 250"]


def test_reference_message_required() -> None:
    messages = CATALOG.entry("create_incident").parameter_checker.check({"severity": "critical"})
    assert messages == ["$: required property 'name' not found"]


def test_reference_message_wrong_type() -> None:
    messages = CATALOG.entry("list_incident").parameter_checker.check({"limit": "10"})
    assert messages == ["$.limit: string found, number expected"]


def test_reference_message_maximum() -> None:
    messages = CATALOG.entry("list_incident").parameter_checker.check({"limit": 101})
    assert messages == ["$.limit: must have a maximum value of 100"]


def test_boundaries_are_inclusive() -> None:
    check = CATALOG.entry("create_incident").parameter_checker.check
    assert check({"name": "x" * 250}) == []
    assert CATALOG.entry("list_incident").parameter_checker.check({"limit": 100}) == []


@pytest.mark.parametrize(
    ("entry_id", "values", "message"),
    [
        ("list_incident", {"limit": -1}, "$.limit: must have a minimum value of 0"),
        ("list_incident", {"limit": 2.5}, "$.limit: number found, integer expected"),
        ("list_incident", {"limit": True}, "$.limit: boolean found, number expected"),
        ("list_incident", {"limit": None}, None),  # None means unset
        ("create_incident", {"name": "n", "severity": "high"},
         "$.severity: does not have a value in the enumeration [critical, trouble, attention]"),
        ("create_incident", {"name": "n", "notes": ["ok", 3]},
         "$.notes[1]: integer found, string expected"),
        ("list_incident", {"status": ["open", "gone"]},
         "$.status[1]: does not have a value in the enumeration [open, in_progress, closed]"),
        ("create_incident", {"name": "n", "due_date": "1969-12-31T23:59:59Z"},
         "$.due_date: must be greater than or equal to 1970-01-01T00:00:00Z"),
        ("create_incident", {"name": "n", "extra": 1},
         "$.extra: is not defined in the schema and the schema does not allow additional "
         "properties"),
        ("search_logs",
         {"query": "q", "start_time": "2024-01-01T00:00:00Z", "end_time": "2024-01-02T00:00:00Z",
          "log_types": ["t"] * 101},
         "$.log_types: there must be a maximum of 100 items in the array"),
        ("invoke_url_via_agent",
         {"url": "u", "http_method": "GET", "destination_device": "d", "connection_name": "Jira",
          "body": {"k": "x" * 5000}},
         "$.body: must have a maximum value of 5000"),
        ("risk_score", {"entity_name": "e", "entity_type": True},
         "$.entity_type: boolean found, number expected"),
    ],
)
def test_other_message_shapes(entry_id: str, values: dict[str, Any], message: str | None) -> None:
    messages = CATALOG.entry(entry_id).parameter_checker.check(values)
    assert messages == ([message] if message else [])


def test_enum_uses_json_equality() -> None:
    check = CATALOG.entry("risk_score").parameter_checker.check
    assert check({"entity_name": "e", "entity_type": 1.0}) == []  # 1.0 is the integer 1
    assert check({"entity_name": "e", "entity_type": 1}) == []
    assert check({"entity_name": "e", "entity_type": 2}) == [
        "$.entity_type: does not have a value in the enumeration [0, 1]"
    ]


def test_date_time_message_gives_an_example() -> None:
    messages = CATALOG.entry("create_incident").parameter_checker.check(
        {"name": "n", "due_date": "next tuesday"}
    )
    assert len(messages) == 1
    assert messages[0].startswith("$.due_date: 'next tuesday' is not an ISO 8601 date-time")
    assert "2024-03-15T10:30:00Z" in messages[0]


def test_required_false_skips_required_and_check_one_checks_one() -> None:
    compiled = CATALOG.entry("create_incident").parameter_checker
    assert compiled.check({}, required=False) == []
    assert compiled.check_one("name", "x" * 300) == ["$.name: must have a maximum value of 250"]
    assert compiled.check_one("name", None) == []
    assert compiled.check_one("unknown", 1) == []


def test_messages_follow_schema_required_then_value_order() -> None:
    compiled = CATALOG.entry("execute_script").parameter_checker
    messages = compiled.check({"timeout": 121, "script_type": "Perl"})
    assert messages[:2] == [
        "$: required property 'script_file_name' not found",
        "$: required property 'destination_device' not found",
    ]
    assert "$.timeout: must have a maximum value of 120" in messages
    assert any(m.startswith("$.script_type: does not have a value") for m in messages)


# --- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "name"),
    [(None, "null"), (True, "boolean"), (3, "integer"), (3.0, "integer"), (3.5, "number"),
     ("s", "string"), ([], "array"), ({}, "object")],
)
def test_json_type_name(value: Any, name: str) -> None:
    assert json_type_name(value) == name


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2024-03-15T10:30:00Z", True),
        ("2024-03-15T10:30:00+05:30", True),
        ("2024-03-15T10:30:00.123456Z", True),
        ("2024-03-15T10:30", True),  # naive and without seconds: read as UTC
        ("2024-03-15", False),
        ("2024-02-30T10:00:00Z", False),
        ("15/03/2024 10:30", False),
        ("", False),
    ],
)
def test_parse_date_time(text: str, ok: bool) -> None:
    parsed = parse_date_time(text)
    assert (parsed is not None) == ok
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_compile_value_of_an_untyped_spec_accepts_anything() -> None:
    out: list[str] = []
    compile_value({}).check("$.x", {"anything": [1]}, out)
    assert out == []


def test_compile_object_defaults() -> None:
    compiled = compile_object({"type": "object", "properties": {}})
    assert compiled.check({"free": 1}) == []
