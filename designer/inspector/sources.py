"""What a state can read: the ``$.`` paths its input may hold, with their types (Qt-free).

This is a thin view over :mod:`runtime.dataflow`, the same inference the validator's
``dataflow.*`` rules use, so completion offers exactly the paths the lint accepts: the run
profile's payload as changed by every state on the way (an action's documented success shape,
a Pass result, a mocked Function result, result selectors, ``result_path`` / ``output_path``,
branches, parallel paths, batch items at ``$.<collection_variable>``). Without a run profile
the trigger payload is unknown: nothing read from it is flagged, but once a state replaces the
whole input (an action with no ``result_path``), reads are checked against what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.catalog import Catalog
from runtime.dataflow import ITEM, Shape, infer, normalise, path_text
from runtime.model.document import PlaybookDocument, RunProfile
from runtime.paths import PathSyntaxError, compile_path

__all__ = ["ITEM", "PathSources", "normalise", "path_text", "sources_for"]


@dataclass
class PathSources:
    """The inferred input of one state: its paths and types, and what it may read."""

    shape: Shape | None = None  # None: the state is not reached from the start
    types: dict[str, str] = field(default_factory=dict)  # display path → JSON type(s)

    def __post_init__(self) -> None:
        if self.shape is not None and not self.types:
            self.types = {text: type_ for text, type_, _d in self.shape.paths()}

    def completions(self) -> list[str]:
        """Every path the state's input holds, shallow first."""
        return list(self.types)

    def typed_completions(self) -> list[tuple[str, str]]:
        """``(path, type)`` pairs, in :meth:`completions` order."""
        return list(self.types.items())

    def status(self, path: str) -> str:
        """``definite``, ``maybe`` or ``missing`` (unparsable or unreached: ``definite``)."""
        if self.shape is None:
            return "definite"
        try:
            segments = normalise(compile_path(path).segments)
        except PathSyntaxError:
            return "definite"
        return self.shape.status(segments)

    def provides(self, path: str) -> bool:
        """True when some flow into the state can provide ``path``."""
        return self.status(path) != "missing"


def _profile_for(doc: PlaybookDocument, payload: Any) -> RunProfile | None:
    for profile in doc.run_profiles:
        if profile.payload is payload:
            return profile
    return None


def sources_for(
    doc: PlaybookDocument, catalog: Catalog, name: str, payload: Any = None, *,
    has_profile: bool = True, profile: RunProfile | None = None,
) -> PathSources:
    """The paths the input of state ``name`` may hold (see the module docstring).

    Args:
        doc: The playbook.
        catalog: The state catalog.
        name: The state.
        payload: The selected run profile's payload (its mocks are used when it is one of the
            document's profiles, or pass ``profile``).
        has_profile: False when no run profile is selected (the payload is then unknown).
        profile: The selected run profile, when the caller has it.
    """
    if not has_profile:
        result = infer(doc, catalog, payload=Shape.unknown())
    else:
        chosen = profile or _profile_for(doc, payload) or RunProfile(name="(payload)",
                                                                     payload=payload)
        result = infer(doc, catalog, chosen)
    return PathSources(result.reads(name))
