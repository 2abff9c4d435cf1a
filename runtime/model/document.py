"""The native playbook document (``*.playbook.json``) and its run profiles.

A document holds what the server needs (the ``definition``, in the server's snake_case shape)
and what only the designer needs: custom function sources, the canvas layout (positions and
notes) and run profiles. Export writes only the definition (see :mod:`runtime.serverformat`).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from runtime.model.assertions import Assertion
from runtime.model.base import Field, Model
from runtime.model.states import AnyState, State, state_to_dict

FORMAT_NAME = "playbook-studio"
FORMAT_VERSION = 1
LOG_LEVELS = ("ERROR", "WARN", "INFO", "DEBUG", "TRACE")
APPLIES_TO = ("alert", "detection", "incident", "log_evidence")
SPEEDS_HELP = "instant, realtime, or a speed factor such as 10"

LogLevel = Literal["ERROR", "WARN", "INFO", "DEBUG", "TRACE"]
AppliesTo = Literal["alert", "detection", "incident", "log_evidence"]


class _Model(Model, extra="forbid"):
    pass


class Point(_Model):
    x: float
    y: float


class Note(_Model):
    id: str
    text: str = ""
    x: float = 0.0
    y: float = 0.0
    width: float = 220.0
    height: float = 120.0


class Layout(_Model):
    positions: dict[str, Point] = Field(default_factory=dict)
    notes: list[Note] = Field(default_factory=list)


class FunctionSource(_Model):
    source: str = ""
    description: str = ""


class MockResponse(_Model):
    """One mocked call result: a success ``output``, or an ``error_code`` (with message/type)."""

    output: Any = None
    error_code: str | None = None
    error_message: str | None = None
    error_type: str | None = None


class RunProfile(_Model):
    """Saved trigger input, tenant fixtures and mocks for a test run."""

    name: str = Field(min_length=1, max_length=120)
    applies_to: AppliesTo = "alert"
    payload: Any = Field(default_factory=dict)
    fixtures: dict[str, Any] | None = None
    fixtures_base: Literal["default", "empty"] = "default"
    mocks: dict[str, list[MockResponse]] = Field(default_factory=dict)
    target: str | None = None
    log_level: LogLevel | None = None
    speed: str = "instant"
    description: str = ""
    assertions: list[Assertion] = Field(default_factory=list, exclude_if=lambda v: not v)


class PlaybookDocument(_Model):
    """A playbook as the designer saves it."""

    format: Literal["playbook-studio"] = "playbook-studio"
    format_version: int = FORMAT_VERSION
    name: str = Field(default="Untitled playbook", min_length=1, max_length=200)
    description: str = ""
    applies_to: AppliesTo = "alert"
    log_level: LogLevel = "INFO"
    max_runtime: int = Field(default=3600, ge=1, le=30 * 86400 + 86400)
    definition: dict[str, State] = Field(default_factory=dict)
    functions: dict[str, FunctionSource] = Field(default_factory=dict)
    layout: Layout = Field(default_factory=Layout)
    run_profiles: list[RunProfile] = Field(default_factory=list)

    def state(self, name: str) -> AnyState:
        return self.definition[name]  # type: ignore[return-value]

    def profile(self, name: str) -> RunProfile | None:
        for profile in self.run_profiles:
            if profile.name == name:
                return profile
        return None

    def start_state(self) -> str | None:
        """The state marked ``start``; when none is marked, the first state."""
        for name, state in self.definition.items():
            if state.start:
                return name
        return next(iter(self.definition), None)

    def definition_dict(self) -> dict[str, dict[str, Any]]:
        """The definition as plain snake_case dicts (the server's shape)."""
        return {name: state_to_dict(state) for name, state in self.definition.items()}

    def to_dict(self) -> dict[str, Any]:
        """The whole document as plain JSON data, in the file's key order."""
        return {
            "format": self.format,
            "format_version": self.format_version,
            "name": self.name,
            "description": self.description,
            "applies_to": self.applies_to,
            "log_level": self.log_level,
            "max_runtime": self.max_runtime,
            "definition": self.definition_dict(),
            "functions": {k: v.model_dump(mode="json") for k, v in self.functions.items()},
            "layout": self.layout.model_dump(mode="json"),
            "run_profiles": [
                p.model_dump(mode="json", exclude_none=True) for p in self.run_profiles
            ],
        }

    def content_hash(self) -> str:
        """A short hash of the definition and function sources (what a run depends on)."""
        data = {
            "definition": self.definition_dict(),
            "functions": {k: v.source for k, v in self.functions.items()},
        }
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        import hashlib  # here: OpenSSL's load is 2 ms of every command's start-up

        return hashlib.sha256(text.encode()).hexdigest()[:16]
