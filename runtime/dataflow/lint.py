"""The data-flow rules: a dynamic value or branch condition that reads a path nothing provides.

For every state the inference reaches, each ``$.`` path it reads — a task's dynamic parameter
values, a Branch's condition paths, a Batch's ``collection_path`` — is looked up in the shape
of its selected input: absent on every flow into the state → ``dataflow.unknown-path``; present
on some flows only → ``dataflow.maybe-missing``. The message names the nearest existing paths
(difflib). Unparsable paths are left to the syntax rules.
"""

from __future__ import annotations

import difflib
import heapq
from collections.abc import Iterator
from typing import Any

from runtime.catalog import Catalog
from runtime.dataflow.infer import Inference, infer, segments_of
from runtime.dataflow.rules import DATAFLOW_RULES
from runtime.dataflow.shape import Shape, path_text
from runtime.expressions import ExpressionError, compile_condition
from runtime.model.document import PlaybookDocument
from runtime.paths import dynamic_text
from runtime.validate.outline import Outline
from runtime.validate.problems import RULES, Problem, problem

RULES.update(DATAFLOW_RULES)


def reads_of(state: Any) -> Iterator[tuple[str, str]]:
    """``(field path, $.path)`` for every path a state reads from its selected input."""
    for path, where in _reads(state):
        yield _field(where), path


def _field(where: str | int | None) -> str:
    """The field path of a read (see :func:`_reads`)."""
    if isinstance(where, str):
        return f"parameters.{where}"
    if isinstance(where, int):
        return f"conditions[{where}].condition"
    return "collection_path"


def _reads(state: Any) -> list[tuple[str, str | int | None]]:
    """:func:`reads_of` with the place of each read left for :func:`_field` to spell: a
    parameter's key, a condition's index, or None for the collection path (most reads are
    fine, and their field paths are never shown)."""
    reads: list[tuple[str, str | int | None]] = []
    fields = state.__dict__
    params = fields.get("parameters")
    if params is None and "parameters" not in fields:  # a non-task state may carry any extra
        params = (state.model_extra or {}).get("parameters")  # (getattr, without raising)
    if isinstance(params, dict):
        for key, value in params.items():
            path = dynamic_text(value)
            if path is not None:
                reads.append((path, key))
    kind = state.type
    if kind == "branch":
        for index, cond in enumerate(getattr(state, "conditions", None) or []):
            try:
                paths = compile_condition(cond.condition).paths
            except ExpressionError:
                continue
            for path in paths:
                reads.append((path, index))
    elif kind == "batch" and state.collection_path not in (None, "$"):
        reads.append((state.collection_path, None))
    return reads


def suggestions(shape: Shape, path: str, limit: int = 3,
                scores: dict[tuple[str, str], float] | None = None) -> list[str]:
    """The known paths of ``shape`` nearest to ``path``, best first: exactly
    :func:`difflib.get_close_matches` (cutoff 0.5), with each pair's ratio kept in
    ``scores`` when given, as the same unknown path is often read under many shapes."""
    scores = {} if scores is None else scores
    ranked: list[tuple[float, str]] = []
    matcher: difflib.SequenceMatcher[str] | None = None
    for segs in shape.nodes:
        text = path_text(segs)
        key = (path, text)
        score = scores.get(key)
        if score is None:
            if matcher is None:
                matcher = difflib.SequenceMatcher()
                matcher.set_seq2(path)
            matcher.set_seq1(text)
            score = 0.0
            if (matcher.real_quick_ratio() >= 0.5 and matcher.quick_ratio() >= 0.5):
                score = matcher.ratio()
            scores[key] = score
        if score >= 0.5:
            ranked.append((score, text))
    return [text for _score, text in heapq.nlargest(limit, ranked)]


def _message(name: str, field: str, path: str, status: str, shape: Shape,
             scores: dict[tuple[str, str], float], hints: dict[tuple[int, str], str]) -> str:
    if status != "missing":
        return f"{field} of {name!r} reads {path}, which is provided on some paths to it only"
    text = (f"{field} of {name!r} reads {path}, which no upstream state or trigger "
            "payload provides on any path to it")
    hint = hints.get((id(shape), path))
    if hint is None:  # the same path is often read under the same (shared) shape
        near = [s for s in suggestions(shape, path, scores=scores) if s != path]
        hint = hints[(id(shape), path)] = (
            "; did you mean " + " or ".join(f"`{s}`" for s in near) + "?" if near else "")
    return text + hint


def check_dataflow(doc: PlaybookDocument, catalog: Catalog, inference: Inference | None = None,
                   *, outline: Outline | None = None) -> list[Problem]:
    """The data-flow warnings of a document (see the module docstring); ``outline``: the
    definition's :class:`~runtime.validate.outline.Outline` when the caller has it."""
    result = inference or infer(doc, catalog, outline=outline)
    selected = result.selected
    out: list[Problem] = []
    scores: dict[tuple[str, str], float] = {}
    hints: dict[tuple[int, str], str] = {}  # (shape, path) → the did-you-mean of a message
    # (shape, path) → status; None: the path does not parse. Shapes are shared between
    # states (interned) and a playbook reads the same paths again and again.
    statuses: dict[tuple[int, str], str | None] = {}
    for name, state in doc.definition.items():
        shape = selected.get(name)
        if shape is None:
            continue
        for path, where in _reads(state):
            status = statuses.get((id(shape), path), "")
            if status == "":
                segs = segments_of(path)
                status = statuses[(id(shape), path)] = None if segs is None else shape.status(segs)
            if status is None or status == "definite":
                continue
            field = _field(where)
            code = "dataflow.unknown-path" if status == "missing" else "dataflow.maybe-missing"
            message = _message(name, field, path, status, shape, scores, hints)
            out.append(problem(code, name, field, message))
    return out


__all__ = ["DATAFLOW_RULES", "check_dataflow", "path_text", "reads_of", "suggestions"]
