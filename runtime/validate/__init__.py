"""Validation: every rule over a document or a definition, returning problems, never raising.

``validate_document`` runs the per-state rules (:mod:`runtime.validate.states`), the graph rules
(:mod:`runtime.validate.graph`), the document-level rules (function sources, run profiles) and
the data-flow rules (:mod:`runtime.dataflow`).
The rule codes and their severities are listed in :data:`runtime.validate.problems.RULES`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from runtime.catalog import Catalog, load_catalog
from runtime.dataflow.rules import DATAFLOW_RULES
from runtime.gcpause import paused_gc
from runtime.model.document import PlaybookDocument
from runtime.model.states import AnyState, FunctionState
from runtime.validate.graph import GRAPH_RULES, check_graph, check_wait_runtime
from runtime.validate.outline import Outline
from runtime.validate.problems import RULES, Problem, problem
from runtime.validate.secrets import definition_secrets, document_secrets
from runtime.validate.states import check_parameters, check_state, state_problems

RULES.update(GRAPH_RULES)
RULES.update(DATAFLOW_RULES)


def validate_definition(
    definition: Mapping[str, AnyState], catalog: Catalog | None = None,
    outline: Outline | None = None,
) -> list[Problem]:
    """All problems of a definition (per-state and graph rules), errors first; ``outline``:
    the definition's :class:`~runtime.validate.outline.Outline`, when the caller has it."""
    catalog = catalog or load_catalog()
    problems: list[Problem] = []
    for name, state in definition.items():
        problems.extend(state_problems(name, state, catalog))
    problems.extend(check_graph(definition, outline))
    problems.extend(definition_secrets(definition))
    problems.sort(key=lambda p: p.severity != "error")
    return problems


def _document_rules(doc: PlaybookDocument) -> Iterator[Problem]:
    yield from check_wait_runtime(doc.definition, float(doc.max_runtime))
    yield from document_secrets(doc)
    for name, state in doc.definition.items():
        if isinstance(state, FunctionState) and state.function_id:
            source = doc.functions.get(state.function_id)
            if source is None or not source.source.strip():
                yield problem(
                    "function.no-source", name, "function_id",
                    f"custom function {state.function_id!r} has no source in this document; "
                    "test runs cannot call it",
                )
    for profile in doc.run_profiles:
        if profile.target and profile.target not in doc.definition:
            yield problem("profile.target", None, f"run_profiles[{profile.name}].target",
                          f"run profile {profile.name!r} targets unknown state {profile.target!r}")
        for mocked in profile.mocks:
            if mocked not in doc.definition:
                yield problem("profile.target", None, f"run_profiles[{profile.name}].mocks",
                              f"run profile {profile.name!r} mocks unknown state {mocked!r}")


def validate_document(doc: PlaybookDocument, catalog: Catalog | None = None) -> list[Problem]:
    """All problems of a native document, errors first; never raises for user mistakes."""
    from runtime.dataflow.lint import check_dataflow  # late: runtime.dataflow uses .problems

    catalog = catalog or load_catalog()
    with paused_gc():
        outline = Outline(doc.definition)  # the edges, read once for graph and data flow
        problems = validate_definition(doc.definition, catalog, outline)
        problems.extend(_document_rules(doc))
        problems.extend(check_dataflow(doc, catalog, outline=outline))
    problems.sort(key=lambda p: p.severity != "error")
    return problems


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


__all__ = [
    "RULES", "Problem", "check_parameters", "check_state", "has_errors", "validate_definition",
    "validate_document",
]
