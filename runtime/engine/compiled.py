"""A playbook compiled for the engine: one handler per state, every path and condition parsed.

Compiling happens once per load (DESIGN.md, "compile once"): after it, running a step never
parses a JSONPath, a condition or a schema. A document with validation errors is refused with
the problems attached, so the engine never meets a dangling target.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from runtime.catalog import Catalog, load_catalog
from runtime.engine.states.action import ActionHandler
from runtime.engine.states.base import StateHandler
from runtime.engine.states.batch import BatchHandler
from runtime.engine.states.branch import BranchHandler
from runtime.engine.states.circuit import CircuitHandler
from runtime.engine.states.failure import FailureHandler
from runtime.engine.states.function import FunctionHandler
from runtime.engine.states.parallel import ParallelHandler
from runtime.engine.states.pass_ import PassHandler
from runtime.engine.states.success import SuccessHandler
from runtime.engine.states.wait import WaitHandler
from runtime.model.document import PlaybookDocument

HANDLERS: dict[str, type[StateHandler]] = {
    "pass": PassHandler,
    "branch": BranchHandler,
    "parallel": ParallelHandler,
    "wait": WaitHandler,
    "batch": BatchHandler,
    "success": SuccessHandler,
    "failure": FailureHandler,
    "function": FunctionHandler,
    "circuit": CircuitHandler,
    "action": ActionHandler,
}


class PlaybookInvalid(ValueError):
    """The playbook has validation errors and cannot run; ``problems`` lists them."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"the playbook has validation errors: {first}{more}")


class CompiledPlaybook:
    """Handlers by state name plus what a run needs from the document."""

    def __init__(
        self,
        doc: PlaybookDocument,
        *,
        catalog: Catalog | None = None,
        source_path: Path | None = None,
        check: bool = True,
    ) -> None:
        self.catalog = catalog or load_catalog()
        if check:
            from runtime.validate import validate_document

            errors = [p for p in validate_document(doc, self.catalog) if p.severity == "error"]
            if errors:
                raise PlaybookInvalid(errors)
        self.document = doc
        self.name = doc.name
        self.log_level = doc.log_level
        self.max_runtime = float(doc.max_runtime)
        self.source_path = source_path
        self.functions = {fid: f.source for fid, f in doc.functions.items()}
        self.start = doc.start_state()
        self.content_hash = doc.content_hash()
        self.handlers: dict[str, StateHandler] = {}
        for name, state in doc.definition.items():
            self.handlers[name] = HANDLERS[state.type](name, state, self)
