"""Reading and writing native documents: bounded parse, migrate, validate, atomic save.

:func:`document_from_data` turns raw JSON data into a :class:`PlaybookDocument`, converting
every pydantic error into a :class:`DocumentError` whose message starts with the JSON pointer
of the bad value. :func:`save_document` writes deterministically (stable key order, indent 2)
and atomically.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.jsonio import (
    JsonInputError,
    dump_text,
    iter_json_pointer,
    read_json_file,
    write_atomic,
)
from runtime.model.document import PlaybookDocument
from runtime.model.fastbuild import SlowPath, build
from runtime.model.migrations import MigrationError, migrate
from runtime.model.states import STATE_TYPES, UNKNOWN_TAG, invalid_state

if TYPE_CHECKING:
    from runtime.model.mirror import ValidationError

MAX_STATES_LOADABLE = 20_000


class DocumentError(ValueError):
    """A document that cannot be loaded; the message names the place."""


def _pointer(loc: tuple[Any, ...]) -> str:
    parts = list(loc)
    if len(parts) >= 3 and parts[0] == "definition" and parts[2] in (*STATE_TYPES, UNKNOWN_TAG):
        del parts[2]
    return iter_json_pointer(parts) or "/"


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        return f"{tag!r} is not a state type (expected one of {', '.join(STATE_TYPES)})"
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        if not isinstance(error.get("input"), dict):
            return "a state is a JSON object with a 'type'" + _found(error.get("input"))
        return "a state needs a 'type' (text, one of " + ", ".join(STATE_TYPES) + ")"
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (this build does not know it)"
    return str(error.get("msg", "invalid value"))


def _found(value: Any) -> str:
    """``, found a list`` (the JSON type of a value pydantic refused)."""
    kinds = {dict: "an object", list: "a list", str: "a text", bool: "true/false",
             int: "a number", float: "a number", type(None): "null"}
    kind = kinds.get(type(value))
    return f", found {kind}" if kind else ""


def format_validation_error(exc: ValidationError, *, source: str = "", limit: int = 5) -> str:
    """A readable, located message for a pydantic ValidationError (first few problems)."""
    errors = exc.errors()
    lines = [f"{_pointer(tuple(e['loc']))}: {_message(dict(e))}" for e in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"... and {len(errors) - limit} more")
    prefix = f"{source}: " if source else ""
    return prefix + "; ".join(lines)


def document_from_data(data: Any, *, source: str = "") -> PlaybookDocument:
    """Build a document from parsed JSON (migrating older formats).

    Raises:
        DocumentError: With a located message for anything wrong.
    """
    prefix = f"{source}: " if source else ""
    if not isinstance(data, dict):
        raise DocumentError(f"{prefix}/: a playbook is a JSON object, not {type(data).__name__}")
    try:
        data, _ = migrate(data)
    except MigrationError as exc:
        raise DocumentError(f"{prefix}{exc}") from None
    definition = data.get("definition")
    if isinstance(definition, dict) and len(definition) > MAX_STATES_LOADABLE:
        raise DocumentError(
            f"{prefix}/definition: {len(definition):,} states; the limit is "
            f"{MAX_STATES_LOADABLE:,}"
        )
    try:
        return build(PlaybookDocument, data)  # canonical data: no pydantic schema needed
    except SlowPath:
        pass
    except RecursionError:
        raise DocumentError(f"{prefix}/: nesting is too deep") from None
    from runtime.model.mirror import ValidationError, validate_slowly  # pydantic: only here

    try:
        return typing.cast(PlaybookDocument, validate_slowly(PlaybookDocument, data))
    except ValidationError as exc:
        repaired = _open_for_repair(data, exc)
        if repaired is None:
            raise DocumentError(format_validation_error(exc, source=source)) from None
        return repaired
    except RecursionError:
        raise DocumentError(f"{prefix}/: nesting is too deep") from None


def _open_for_repair(data: dict[str, Any], exc: ValidationError) -> PlaybookDocument | None:
    """The document with each state whose fields cannot be read kept as an ``InvalidState``
    (see :class:`runtime.model.states.InvalidState`), or None when something other than such
    states is wrong (the playbook's own fields, run profiles, a state that is not an object).
    """
    definition = data.get("definition")
    if not isinstance(definition, dict):
        return None
    reasons: dict[str, tuple[str, str]] = {}
    for error in exc.errors():
        loc = tuple(error["loc"])
        if len(loc) < 2 or loc[0] != "definition" or not isinstance(definition.get(loc[1]), dict):
            return None
        inner = [p for p in loc[2:] if p not in (*STATE_TYPES, UNKNOWN_TAG)]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in inner).lstrip(".")
        found = "" if str(error.get("type", "")).startswith("union_tag") else _found(
            error.get("input"))
        reasons.setdefault(str(loc[1]), (field or "type", _message(dict(error)) + found))
    placeholder = {"type": "pass"}
    patched = dict(data)
    patched["definition"] = {
        name: ({**placeholder, "start": state.get("start") is True} if name in reasons else state)
        for name, state in definition.items()
    }
    from runtime.model.mirror import ValidationError

    try:
        doc = PlaybookDocument.model_validate(patched)
    except (ValidationError, RecursionError):
        return None
    for name, (field, reason) in reasons.items():
        doc.definition[name] = invalid_state(definition[name], field, reason)
    return doc


def load_document(path: str | Path) -> PlaybookDocument:
    """Read a native document from disk (bounded, strict, migrated)."""
    try:
        data = read_json_file(path)
    except JsonInputError as exc:
        raise DocumentError(str(exc)) from None
    return document_from_data(data, source=str(path))


def dumps_document(doc: PlaybookDocument) -> str:
    """The file text of a document: deterministic, so files diff well."""
    return dump_text(doc.to_dict())


def save_document(doc: PlaybookDocument, path: str | Path) -> None:
    """Save atomically (temp file, fsync, replace)."""
    write_atomic(path, dumps_document(doc))
