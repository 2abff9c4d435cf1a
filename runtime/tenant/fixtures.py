"""Loading tenant fixtures.

This module owns turning a fixture document into a validated :class:`TenantState`: reading the
packaged default fixture set (``resources/fixtures/default_tenant.json`` through
``importlib.resources``), overlaying a caller's fixtures on it (each top-level collection the
caller gives replaces the default one), validating the result with the pydantic models, and
translating validation errors into :class:`FixtureError` messages that name the place
(``fixtures.devices[2].os: must be one of windows, linux, mac``). It also checks what a schema
cannot: unique incident ids and names, unique alert profile ids and log uuids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from typing import Any

from pydantic import ValidationError

from runtime.tenant.errors import FixtureError
from runtime.tenant.model import TenantState

MAX_REPORTED_PROBLEMS = 10
_TYPE_MESSAGES: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be a list",
    "datetime_type": "must be an ISO 8601 date-time",
    "datetime_parsing": "must be an ISO 8601 date-time",
    "datetime_from_date_parsing": "must be an ISO 8601 date-time",
}


@lru_cache(maxsize=1)
def _default_text() -> str:
    """The packaged default fixture document, read once."""
    resource = files("resources") / "fixtures" / "default_tenant.json"
    return resource.read_text(encoding="utf-8")


def default_fixtures() -> dict[str, Any]:
    """Return a fresh copy of the packaged default fixture document.

    Returns:
        The parsed ``default_tenant.json`` (a new object on every call).
    """
    return json.loads(_default_text())


def load_state(fixtures: dict[str, Any] | None, base: str) -> TenantState:
    """Build a validated tenant state from a base fixture set and an overlay.

    Args:
        fixtures: Collections to use; each one given replaces the base's collection.
        base: ``"default"`` to start from the packaged fixtures, ``"empty"`` to start from none.

    Returns:
        The validated state.

    Raises:
        FixtureError: The merged fixtures are not a valid tenant.
        ValueError: ``base`` is neither "default" nor "empty".
    """
    if base not in ("default", "empty"):
        raise ValueError(f"base must be 'default' or 'empty', not {base!r}")
    if fixtures is not None and not isinstance(fixtures, dict):
        raise FixtureError(["fixtures: must be an object"])
    merged: dict[str, Any] = default_fixtures() if base == "default" else {}
    merged.update(fixtures or {})
    try:
        state = TenantState.model_validate(merged)
    except ValidationError as error:
        raise FixtureError(_located_problems(error.errors())) from None
    problems = _semantic_problems(state)
    if problems:
        raise FixtureError(problems[:MAX_REPORTED_PROBLEMS])
    return state


def _located_problems(errors: Iterable[Any]) -> list[str]:
    """Turn pydantic errors into ``fixtures.<place>: <message>`` lines."""
    problems: list[str] = []
    for error in errors:
        problems.append(f"{_place(error['loc'])}: {_message(error)}")
        if len(problems) == MAX_REPORTED_PROBLEMS:
            break
    return problems


def _place(loc: Iterable[Any]) -> str:
    """Render a pydantic location as ``fixtures.devices[2].os``."""
    place = "fixtures"
    for part in loc:
        place += f"[{part}]" if isinstance(part, int) else f".{part}"
    return place


def _message(error: Any) -> str:
    """A short, lower-case message for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"must be one of {allowed}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return _TYPE_MESSAGES.get(kind, error["msg"][:1].lower() + error["msg"][1:])


def _semantic_problems(state: TenantState) -> list[str]:
    """Check the uniqueness rules a schema cannot express."""
    problems = _duplicates("incidents", "id", [i.id for i in state.incidents])
    problems += _duplicates(
        "incidents", "name", [i.name.strip().casefold() for i in state.incidents]
    )
    problems += _duplicates(
        "alert_profiles", "profile_id", [p.profile_id for p in state.alert_profiles]
    )
    problems += _duplicates("alerts", "uuid", [a.uuid for a in state.alerts])
    problems += _duplicates("logs", "uuid", [r.uuid for r in state.logs])
    problems += _duplicates(
        "log_sources", "log_source_id", [s.log_source_id for s in state.log_sources]
    )
    return problems


def _duplicates(collection: str, field: str, values: list[Any]) -> list[str]:
    """Report each value that repeats an earlier one, at the repeating place."""
    seen: set[Any] = set()
    problems: list[str] = []
    for index, value in enumerate(values):
        if value in seen:
            problems.append(f"fixtures.{collection}[{index}].{field}: duplicate value {value!r}")
        seen.add(value)
    return problems
