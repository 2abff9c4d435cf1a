"""Per-state rules: parameters and fields against the catalog, paths, conditions, on_error,
unknown types (secret-looking literals: :mod:`runtime.validate.secrets`).

Parameters are checked with the catalog's compiled checkers (no jsonschema call per state).
Dynamic values (``$.path``) are checked for JSONPath syntax only; their content is checked at
run time, once resolved. Literal ``$$text`` values are checked as ``$text``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

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


_INVALID, _UNKNOWN, _ACTION, _BRANCH, _BATCH, _PARALLEL = 1, 2, 4, 8, 16, 32
_CLASS_FLAGS: dict[type, int] = {}


def _flags(cls: type) -> int:
    """The isinstance tests of the rules below, as bits, answered once per class."""
    flags = 0
    for bit, kind in ((_INVALID, InvalidState), (_UNKNOWN, UnknownState), (_ACTION, ActionState),
                      (_BRANCH, BranchState), (_BATCH, BatchState), (_PARALLEL, ParallelState)):
        if issubclass(cls, kind):
            flags |= bit
    _CLASS_FLAGS[cls] = flags
    return flags


def check_state(name: str, state: AnyState, catalog: Catalog) -> Iterator[Problem]:
    """Every per-state problem of one state."""
    return iter(state_problems(name, state, catalog))


def state_problems(name: str, state: AnyState, catalog: Catalog) -> list[Problem]:
    """:func:`check_state` as a list (what validation calls once per state)."""
    cls = type(state)
    flags = _CLASS_FLAGS.get(cls)
    if flags is None:
        flags = _flags(cls)
    if flags & _INVALID:
        invalid = cast(InvalidState, state)
        declared = (f"this {invalid.declared_type} state" if invalid.declared_type
                    else "this state")
        return [problem(
            "state.invalid", name, invalid.field,
            f"{invalid.reason}; {declared} is kept exactly as it came, but cannot be read, run "
            "or exported until this field is fixed",
        )]
    if flags & _UNKNOWN:
        return [problem(
            "state.unknown-type", name, "type",
            f"{state.type!r} is not a state type this build knows ({', '.join(STATE_TYPES)}); "
            "its fields are kept unchanged: change the type or replace the state",
        )]
    out: list[Problem] = []
    fields = state.__dict__
    kind = state.type
    task = kind in ON_ERROR_TYPES
    entry = catalog.for_state(kind, fields.get("action"))
    if flags & _ACTION and entry is None:
        shown = fields.get("action") or "(none)"
        out.append(problem("action.unknown", name, "action", f"unknown action {shown!r}"))
    checked = False
    if entry is not None:
        if entry.fields.get("properties"):
            _check_fields(name, state, entry, out)
        if task and entry.parameters.get("properties"):
            checked = True
            _check_parameters(name, fields.get("parameters") or {}, entry, out)
    if task:
        if not checked:
            _check_free_parameters(name, fields.get("parameters"), out)
        for key in ("result_selector", "error_selector"):
            value = fields.get(key)
            if value is not None:
                _check_selector(name, key, value, "", out)
    _check_paths(name, fields, flags, out)
    if flags & _PARALLEL:
        _check_path_names(name, cast(ParallelState, state), out)
    if flags & _BRANCH:
        _check_conditions(name, cast(BranchState, state), out)
    if task:
        _check_on_error(name, state, entry, out)
    elif state.model_extra and "on_error" in state.model_extra:
        out.append(problem(
            "on-error.not-allowed", name, "on_error",
            f"a {kind} state cannot have error handling (function, circuit and action "
            "states only)",
        ))
    return out


def _check_fields(name: str, state: AnyState, entry: CatalogEntry, out: list[Problem]) -> None:
    fields = state.__dict__
    values = {key: fields.get(key) for key in entry.fields["properties"]}
    code = {"wait": "limit.wait", "batch": "limit.batch-size"}.get(state.type, "schema.field")
    for message in entry.field_checker.check(values):
        field = message.split(":", 1)[0].removeprefix("$.").removeprefix("$")
        if "required property" in message:
            field = message.split("'")[1]
        rule = code if field in ("duration", "batch_size") else "schema.field"
        out.append(problem(rule, name, field, message))


def check_parameters(
    name: str, params: dict[str, Any], entry: CatalogEntry
) -> Iterator[Problem]:
    """Check an action's parameters: literals against the schema, dynamics for syntax."""
    out: list[Problem] = []
    _check_parameters(name, params, entry, out)
    return iter(out)


def _check_parameters(
    name: str, params: dict[str, Any], entry: CatalogEntry, out: list[Problem]
) -> None:
    literals: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("$"):  # else a literal, as it is
            kind, payload = classify_value(value)
            if kind == "dynamic":
                _check_dynamic(name, key, payload, out)
                continue
            value = payload
        literals[key] = value  # secret-looking literals: runtime.validate.secrets
    checker = entry.parameter_checker
    for required in checker.required:
        if params.get(required) is None:  # absent, or null
            out.append(problem(
                "schema.required", name, f"parameters.{required}",
                f"$: required property '{required}' not found",
            ))
    for message in checker.check(literals, required=False):
        key = message.split(":", 1)[0].removeprefix("$.").split("[", 1)[0]
        rule = "schema.unknown-parameter" if "not defined in the schema" in message else (
            "schema.parameter"
        )
        out.append(problem(rule, name, f"parameters.{key}", message))


def _check_dynamic(name: str, key: str, path: str, out: list[Problem]) -> None:
    try:
        compile_path(path)
    except PathSyntaxError as exc:
        out.append(problem(
            "schema.dynamic-path", name, f"parameters.{key}",
            f"$.{key}: invalid dynamic value: {exc.reason} (character {exc.position + 1})",
        ))


def _check_free_parameters(name: str, params: Any, out: list[Problem]) -> None:
    """Parameters with no catalog schema (Functions, Circuits): dynamic values must parse."""
    if not isinstance(params, dict):
        return
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("$"):
            kind, payload = classify_value(value)
            if kind == "dynamic":
                _check_dynamic(name, key, payload, out)


def _check_selector(name: str, field: str, value: Any, where: str, out: list[Problem]) -> None:
    """A result or error selector: a path, or an object whose ``$``-values are paths."""
    if isinstance(value, str):
        try:
            compile_path(value)
        except PathSyntaxError as exc:
            place = f"{field}{where}"
            out.append(problem("path.syntax", name, place, f"{place}: {exc}"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) or (
                isinstance(item, str) and classify_value(item)[0] == "dynamic"
            ):
                _check_selector(name, field, item, f"{where}.{key}", out)


def _check_paths(name: str, values: dict[str, Any], flags: int, out: list[Problem]) -> None:
    for field in _PATH_FIELDS_BATCH if flags & _BATCH else _PATH_FIELDS:
        value = values.get(field)
        if not isinstance(value, str):
            continue
        try:
            compile_path(value)
        except PathSyntaxError as exc:
            out.append(problem("path.syntax", name, field, f"{field}: {exc}"))


def _check_path_names(name: str, state: ParallelState, out: list[Problem]) -> None:
    seen: set[str] = set()
    for index, path in enumerate(state.paths):
        if not path.name.strip() or path.name in seen:
            out.append(problem(
                "parallel.path-names", name, f"paths[{index}].name",
                f"path name {path.name!r} is empty or used twice",
            ))
        seen.add(path.name)


def _check_conditions(name: str, state: BranchState, out: list[Problem]) -> None:
    for index, cond in enumerate(state.conditions):
        try:
            compile_condition(cond.condition)
        except ExpressionError as exc:
            out.append(problem(
                "branch.condition-syntax", name, f"conditions[{index}].condition",
                f"condition {index + 1} does not parse: {exc}",
            ))


def _check_on_error(name: str, state: Any, entry: CatalogEntry | None,
                    out: list[Problem]) -> None:
    handlers = state.on_error
    if not handlers and entry is not None and entry.side_effect == "endpoint-change":
        out.append(problem(
            "on-error.endpoint-unguarded", name, "on_error",
            f"{entry.title} changes an endpoint but has no error handling; an offline or "
            "unknown device fails the whole path",
        ))
    for index, handler in enumerate(handlers):
        error_type = handler.error_type
        if error_type not in ERROR_TYPES:
            out.append(problem(
                "on-error.type", name, f"on_error[{index}].error_type",
                f"unknown error type {error_type!r} ({', '.join(ERROR_TYPES)})",
            ))
        if error_type == "custom_error":
            _check_codes(name, f"on_error[{index}]", handler.error_codes, entry, out)
        if handler.retry is not None:
            _check_retry(name, index, handler.retry, out)


def _check_codes(
    name: str, where: str, codes: list[str] | None, entry: CatalogEntry | None,
    out: list[Problem],
) -> None:
    if not codes:
        out.append(problem("on-error.codes", name, f"{where}.error_codes",
                           "a custom error lists the error codes it catches"))
        return
    if entry is None or not entry.errors:
        return
    known = {e.code for e in entry.errors}
    for code in codes:
        if code not in known:
            out.append(problem(
                "on-error.unknown-code", name, f"{where}.error_codes",
                f"{entry.title} has no error code {code}",
            ))


_RETRY_LIMITS = (
    ("delay", 0, 86400, "a delay of 0 to 86,400 seconds"),
    ("attempt", 0, 10, "0 to 10 attempts"),
    ("step_delay", 1, 10, "a step delay factor of 1 to 10"),
)


def _check_retry(name: str, index: int, retry: Any, out: list[Problem]) -> None:
    for key, low, high, wanted in _RETRY_LIMITS:
        value = getattr(retry, key)
        if (not isinstance(value, (int, float)) or isinstance(value, bool)
                or not low <= value <= high):
            out.append(problem("on-error.retry", name, f"on_error[{index}].retry.{key}",
                               f"retry {key} is {value!r}; expected {wanted}"))
