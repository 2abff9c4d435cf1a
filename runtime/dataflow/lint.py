"""The data-flow rules: a dynamic value or branch condition that reads a path nothing provides.

For every state the inference reaches, each ``$.`` path it reads — a task's dynamic parameter
values, a Branch's condition paths, a Batch's ``collection_path`` — is looked up in the shape
of its selected input: absent on every flow into the state → ``dataflow.unknown-path``; present
on some flows only → ``dataflow.maybe-missing``. The message names the nearest existing paths
(difflib). Unparsable paths are left to the syntax rules.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from runtime.catalog import Catalog
from runtime.dataflow.infer import Inference, infer, segments_of
from runtime.dataflow.rules import DATAFLOW_RULES
from runtime.dataflow.shape import Shape, path_text
from runtime.expressions import ExpressionError, compile_condition
from runtime.model.document import PlaybookDocument
from runtime.paths import classify_value
from runtime.validate.problems import RULES, Problem, problem

RULES.update(DATAFLOW_RULES)


def reads_of(state: Any) -> Iterator[tuple[str, str]]:
    """``(field path, $.path)`` for every path a state reads from its selected input."""
    params = getattr(state, "parameters", None)  # a non-task state may carry any extra value
    for key, value in (params.items() if isinstance(params, dict) else ()):
        kind, payload = classify_value(value)
        if kind == "dynamic":
            yield f"parameters.{key}", payload
    conditions = getattr(state, "conditions", None) if state.type == "branch" else None
    for index, cond in enumerate(conditions or []):
        try:
            paths = compile_condition(cond.condition).paths
        except ExpressionError:
            continue
        for path in paths:
            yield f"conditions[{index}].condition", path
    if state.type == "batch" and state.collection_path not in (None, "$"):
        yield "collection_path", state.collection_path


def suggestions(shape: Shape, path: str, limit: int = 3) -> list[str]:
    known = [text for text, _t, _d in shape.paths()]
    return difflib.get_close_matches(path, known, n=limit, cutoff=0.5)


def _message(name: str, field: str, path: str, status: str, shape: Shape) -> str:
    if status == "missing":
        text = (f"{field} of {name!r} reads {path}, which no upstream state or trigger "
                "payload provides on any path to it")
    else:
        text = f"{field} of {name!r} reads {path}, which is provided on some paths to it only"
    near = [s for s in suggestions(shape, path) if s != path]
    if near and status == "missing":
        text += "; did you mean " + " or ".join(f"`{s}`" for s in near) + "?"
    return text


def check_dataflow(doc: PlaybookDocument, catalog: Catalog,
                   inference: Inference | None = None) -> list[Problem]:
    """The data-flow warnings of a document (see the module docstring)."""
    result = inference or infer(doc, catalog)
    out: list[Problem] = []
    for name, state in doc.definition.items():
        shape = result.reads(name)
        if shape is None:
            continue
        for field, path in reads_of(state):
            segs = segments_of(path)
            if segs is None:
                continue
            status = shape.status(segs)
            if status == "definite":
                continue
            code = "dataflow.unknown-path" if status == "missing" else "dataflow.maybe-missing"
            out.append(problem(code, name, field, _message(name, field, path, status, shape)))
    return out


__all__ = ["DATAFLOW_RULES", "check_dataflow", "path_text", "reads_of", "suggestions"]
