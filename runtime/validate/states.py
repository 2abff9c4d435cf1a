"""Per-state rules: parameters and fields against the catalog, paths, conditions, on_error,
unknown types (secret-looking literals: :mod:`runtime.validate.secrets`).

Parameters are checked with the catalog's compiled checkers (no jsonschema call per state).
Dynamic values (``$.path``) are checked for JSONPath syntax only; their content is checked at
run time, once resolved. Literal ``$$text`` values are checked as ``$text``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from runtime.catalog import Catalog, CatalogEntry
from runtime.expressions import ExpressionError, compile_condition
from runtime.model.states import (
    DATA_PATH_FIELDS,
    ERROR_TYPES,
    ON_ERROR_TYPES,
    STATE_TYPES,
    ActionState,
    AnyState,
    BatchState,
    BranchState,
    InvalidState,
    ParallelState,
    UnknownState,
)
from runtime.paths import PathSyntaxError, classify_value, compile_path
from runtime.validate.problems import RULES, Problem, Severity, problem

_PATH_FIELDS = tuple(f for f in DATA_PATH_FIELDS if f not in ("result_selector", "error_selector"))
_PATH_FIELDS_BATCH = (*_PATH_FIELDS, "collection_path")


STATE_RULES: dict[str, tuple[Severity, str]] = {
    "state.unknown-type": ("error", "every state's type is one this build knows (kept as is)"),
    "state.invalid": ("error", "every state's known fields have the right JSON type (kept as is)"),
}
RULES.update(STATE_RULES)


def check_state(name: str, state: AnyState, catalog: Catalog) -> Iterator[Problem]:
    """Every per-state problem of one state."""
    if isinstance(state, InvalidState):
        declared = f"this {state.declared_type} state" if state.declared_type else "this state"
        yield problem(
            "state.invalid", name, state.field,
            f"{state.reason}; {declared} is kept exactly as it came, but cannot be read, run "
            "or exported until this field is fixed",
        )
        return
    if isinstance(state, UnknownState):
        yield problem(
            "state.unknown-type", name, "type",
            f"{state.type!r} is not a state type this build knows ({', '.join(STATE_TYPES)}); "
            "its fields are kept unchanged: change the type or replace the state",
        )
        return
    fields = state.__dict__
    entry = catalog.for_state(state.type, fields.get("action"))
    if isinstance(state, ActionState) and entry is None:
        shown = state.action or "(none)"
        yield problem("action.unknown", name, "action", f"unknown action {shown!r}")
    checked = False
    if entry is not None:
        yield from _check_fields(name, state, entry)
        if state.type in ON_ERROR_TYPES and entry.parameters.get("properties"):
            checked = True
            yield from check_parameters(name, fields.get("parameters") or {}, entry)
    if state.type in ON_ERROR_TYPES and not checked:
        yield from _check_free_parameters(name, fields.get("parameters"))
    if state.type in ON_ERROR_TYPES:
        for key in ("result_selector", "error_selector"):
            yield from _check_selector(name, key, fields.get(key))
    yield from _check_paths(name, state)
    if isinstance(state, BranchState):
        yield from _check_conditions(name, state)
    if state.type in ON_ERROR_TYPES:
        yield from _check_on_error(name, state, entry)
    elif state.model_extra and "on_error" in state.model_extra:
        yield problem(
            "on-error.not-allowed", name, "on_error",
            f"a {state.type} state cannot have error handling (function, circuit and action "
            "states only)",
        )


def _field_values(state: AnyState, entry: CatalogEntry) -> dict[str, Any]:
    names = entry.fields.get("properties", {})
    fields = state.__dict__
    return {key: fields.get(key) for key in names}


def _check_fields(name: str, state: AnyState, entry: CatalogEntry) -> Iterator[Problem]:
    if not entry.fields.get("properties"):
        return
    code = {"wait": "limit.wait", "batch": "limit.batch-size"}.get(state.type, "schema.field")
    for message in entry.field_checker.check(_field_values(state, entry)):
        field = message.split(":", 1)[0].removeprefix("$.").removeprefix("$")
        if "required property" in message:
            field = message.split("'")[1]
        rule = code if field in ("duration", "batch_size") else "schema.field"
        yield problem(rule, name, field, message)


def check_parameters(
    name: str, params: dict[str, Any], entry: CatalogEntry
) -> Iterator[Problem]:
    """Check an action's parameters: literals against the schema, dynamics for syntax."""
    literals: dict[str, Any] = {}
    present: set[str] = set()
    for key, value in params.items():
        kind, payload = classify_value(value)
        if value is not None:
            present.add(key)
        if kind == "dynamic":
            try:
                compile_path(payload)
            except PathSyntaxError as exc:
                yield problem(
                    "schema.dynamic-path", name, f"parameters.{key}",
                    f"$.{key}: invalid dynamic value: {exc.reason} (character {exc.position + 1})",
                )
        else:
            literals[key] = payload  # secret-looking literals: runtime.validate.secrets
    checker = entry.parameter_checker
    for required in checker.required:
        if required not in present:
            yield problem(
                "schema.required", name, f"parameters.{required}",
                f"$: required property '{required}' not found",
            )
    for message in checker.check(literals, required=False):
        key = message.split(":", 1)[0].removeprefix("$.").split("[", 1)[0]
        rule = "schema.unknown-parameter" if "not defined in the schema" in message else (
            "schema.parameter"
        )
        yield problem(rule, name, f"parameters.{key}", message)


def _check_free_parameters(name: str, params: Any) -> Iterator[Problem]:
    """Parameters with no catalog schema (Functions, Circuits): dynamic values must parse."""
    if not isinstance(params, dict):
        return
    for key, value in params.items():
        kind, payload = classify_value(value)
        if kind != "dynamic":
            continue
        try:
            compile_path(payload)
        except PathSyntaxError as exc:
            yield problem(
                "schema.dynamic-path", name, f"parameters.{key}",
                f"$.{key}: invalid dynamic value: {exc.reason} (character {exc.position + 1})",
            )


def _check_selector(name: str, field: str, value: Any, where: str = "") -> Iterator[Problem]:
    """A result or error selector: a path, or an object whose ``$``-values are paths."""
    place = f"{field}{where}"
    if isinstance(value, str):
        try:
            compile_path(value)
        except PathSyntaxError as exc:
            yield problem("path.syntax", name, place, f"{place}: {exc}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) or (
                isinstance(item, str) and classify_value(item)[0] == "dynamic"
            ):
                yield from _check_selector(name, field, item, f"{where}.{key}")


def _check_paths(name: str, state: AnyState) -> Iterator[Problem]:
    values = state.__dict__
    for field in _PATH_FIELDS_BATCH if isinstance(state, BatchState) else _PATH_FIELDS:
        value = values.get(field)
        if not isinstance(value, str):
            continue
        try:
            compile_path(value)
        except PathSyntaxError as exc:
            yield problem("path.syntax", name, field, f"{field}: {exc}")
    if isinstance(state, ParallelState):
        seen: set[str] = set()
        for index, path in enumerate(state.paths):
            if not path.name.strip() or path.name in seen:
                yield problem(
                    "parallel.path-names", name, f"paths[{index}].name",
                    f"path name {path.name!r} is empty or used twice",
                )
            seen.add(path.name)


def _check_conditions(name: str, state: BranchState) -> Iterator[Problem]:
    for index, cond in enumerate(state.conditions):
        try:
            compile_condition(cond.condition)
        except ExpressionError as exc:
            yield problem(
                "branch.condition-syntax", name, f"conditions[{index}].condition",
                f"condition {index + 1} does not parse: {exc}",
            )


def _check_on_error(name: str, state: Any, entry: CatalogEntry | None) -> Iterator[Problem]:
    handlers = state.on_error
    if not handlers and entry is not None and entry.side_effect == "endpoint-change":
        yield problem(
            "on-error.endpoint-unguarded", name, "on_error",
            f"{entry.title} changes an endpoint but has no error handling; an offline or "
            "unknown device fails the whole path",
        )
    for index, handler in enumerate(handlers):
        where = f"on_error[{index}]"
        if handler.error_type not in ERROR_TYPES:
            yield problem(
                "on-error.type", name, f"{where}.error_type",
                f"unknown error type {handler.error_type!r} ({', '.join(ERROR_TYPES)})",
            )
        if handler.error_type == "custom_error":
            yield from _check_codes(name, where, handler.error_codes, entry)
        if handler.retry is not None:
            yield from _check_retry(name, where, handler.retry)


def _check_codes(
    name: str, where: str, codes: list[str] | None, entry: CatalogEntry | None
) -> Iterator[Problem]:
    if not codes:
        yield problem("on-error.codes", name, f"{where}.error_codes",
                      "a custom error lists the error codes it catches")
        return
    if entry is None or not entry.errors:
        return
    known = {e.code for e in entry.errors}
    for code in codes:
        if code not in known:
            yield problem(
                "on-error.unknown-code", name, f"{where}.error_codes",
                f"{entry.title} has no error code {code}",
            )


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_retry(name: str, where: str, retry: Any) -> Iterator[Problem]:
    checks = (
        ("delay", retry.delay, 0, 86400, "a delay of 0 to 86,400 seconds"),
        ("attempt", retry.attempt, 0, 10, "0 to 10 attempts"),
        ("step_delay", retry.step_delay, 1, 10, "a step delay factor of 1 to 10"),
    )
    for key, value, low, high, wanted in checks:
        if not _number(value) or not low <= value <= high:
            yield problem("on-error.retry", name, f"{where}.retry.{key}",
                          f"retry {key} is {value!r}; expected {wanted}")
