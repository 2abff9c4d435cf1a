"""State definitions: one model class per server ``type``, in one discriminated union.

The shape is the server's snake_case definition (``../shared/spec/server-format.md``): a flat
map from state name to state, with edges held as fields (``next``, ``default``,
``conditions[i].next``, ``paths[i].root``, ``root``, ``on_error[i].fallback.next``). Every model
keeps unknown keys (``extra="allow"``) so that import → export is lossless. Values that the
validator judges (durations, sizes, parameter values) are typed loosely here on purpose: a
wrong value is a validation problem with a rule code, not a load failure.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from runtime.model.base import Discriminated, Field, Model

END = "End"
STATE_TYPES = (
    "pass", "branch", "parallel", "wait", "batch", "success", "failure",
    "function", "circuit", "action",
)
ERROR_TYPES = ("timeout_error", "execution_error", "authorization_error", "custom_error")
TERMINAL_TYPES = frozenset({"success", "failure"})
ON_ERROR_TYPES = frozenset({"function", "circuit", "action"})
DATA_PATH_FIELDS = (
    "input_path", "result_selector", "result_path", "output_path", "error_selector", "error_path",
)


class _Model(Model, extra="allow"):
    pass


class Retry(_Model):
    delay: Any = 1
    attempt: Any = 1
    step_delay: Any = 1


class Fallback(_Model):
    next: str


class OnError(_Model):
    error_type: str
    error_codes: list[str] | None = None
    retry: Retry | None = None
    fallback: Fallback | None = None


class Condition(_Model):
    condition: str
    next: str


class ParallelPath(_Model):
    name: str
    root: str


class _State(_Model):
    start: bool = False
    comment: str | None = None
    input_path: str | None = None
    output_path: str | None = None

    def targets(self) -> Iterator[tuple[str, str]]:
        """Yield ``(field_path, target)`` for every edge this state holds (``End`` included)."""
        fields = self.__dict__
        if "next" in fields:
            nxt = fields["next"]
        else:  # a terminal state keeps an unknown ``next`` as extra data
            nxt = (self.__pydantic_extra__ or {}).get("next")
        if isinstance(nxt, str):
            yield "next", nxt

    def flow_targets(self) -> Iterator[tuple[str, str]]:
        """Edges of the control flow proper (no ``on_error`` fallbacks)."""
        for path, target in self.targets():
            if not path.startswith("on_error"):
                yield path, target


class PassState(_State):
    type: Literal["pass"]
    next: str | None = None
    result: Any = None
    result_path: str | None = None


class WaitState(_State):
    type: Literal["wait"]
    duration: Any = None
    next: str | None = None


class BranchState(_State):
    type: Literal["branch"]
    conditions: list[Condition] = Field(default_factory=list)
    default: str | None = None

    def targets(self) -> Iterator[tuple[str, str]]:
        for index, cond in enumerate(self.conditions):
            yield f"conditions[{index}].next", cond.next
        if self.default is not None:
            yield "default", self.default


class ParallelState(_State):
    type: Literal["parallel"]
    paths: list[ParallelPath] = Field(default_factory=list)
    next: str | None = None
    result_path: str | None = None

    def targets(self) -> Iterator[tuple[str, str]]:
        for index, path in enumerate(self.paths):
            yield f"paths[{index}].root", path.root
        yield from super().targets()


class BatchState(_State):
    type: Literal["batch"]
    collection_path: str | None = None
    collection_variable: str | None = None
    root: str | None = None
    batch_size: Any = None
    result_path: str | None = None
    next: str | None = None

    def targets(self) -> Iterator[tuple[str, str]]:
        if self.root is not None:
            yield "root", self.root
        yield from super().targets()


class SuccessState(_State):
    type: Literal["success"]


class FailureState(_State):
    type: Literal["failure"]
    error: str | None = None
    cause: str | None = None


class _TaskState(_State):
    parameters: dict[str, Any] = Field(default_factory=dict)
    next: str | None = None
    on_error: list[OnError] = Field(default_factory=list)
    result_selector: Any = None
    result_path: str | None = None
    error_selector: Any = None
    error_path: str | None = None

    def targets(self) -> Iterator[tuple[str, str]]:
        yield from super().targets()
        for index, handler in enumerate(self.on_error):
            if handler.fallback is not None:
                yield f"on_error[{index}].fallback.next", handler.fallback.next


class FunctionState(_TaskState):
    type: Literal["function"]
    function_id: str | None = None


class CircuitState(_TaskState):
    type: Literal["circuit"]
    circuit_id: str | None = None


class ActionState(_TaskState):
    type: Literal["action"]
    action: str | None = None


class UnknownState(_State):
    """A state whose ``type`` this build does not know (a newer server, a typo).

    It loads so that the playbook opens for repair: every field is kept as it came (``extra``)
    and written back unchanged; validation reports it (``state.unknown-type``), so it cannot
    be run or exported until it is fixed or removed.
    """

    type: str


class InvalidState(UnknownState):
    """A state whose known fields this build cannot read (a list where a name belongs, a text
    where a list belongs, no ``type`` at all).

    It loads so that the playbook opens for repair: ``raw`` keeps the state exactly as it came
    and is written back unchanged; ``reason`` says what is wrong, at which field. Its ``type``
    is :data:`INVALID_TYPE` (never a state type), so no code mistakes it for a state of its
    declared type; validation reports it (``state.invalid``), so it cannot be run or exported
    until it is fixed or removed. Made only by the loader (:func:`invalid_state`).
    """

    declared_type: str | None = None
    field: str = ""  # the first field that cannot be read ("next", "conditions[0].next")
    reason: str = ""
    raw: dict[str, Any] = Field(default_factory=dict)

    def targets(self) -> Iterator[tuple[str, str]]:
        """Whatever names a state where an edge belongs, so the flow around it still reads."""
        raw = self.raw

        def named(path: str, value: Any) -> Iterator[tuple[str, str]]:
            if isinstance(value, str):
                yield path, value
            elif isinstance(value, list):  # e.g. a list where one name belongs
                for index, item in enumerate(value):
                    if isinstance(item, str):
                        yield f"{path}[{index}]", item

        def items(key: str) -> Iterator[tuple[int, dict[str, Any]]]:
            value = raw.get(key)
            if isinstance(value, list):
                yield from ((i, v) for i, v in enumerate(value) if isinstance(v, dict))

        yield from named("next", raw.get("next"))
        yield from named("default", raw.get("default"))
        yield from named("root", raw.get("root"))
        for i, cond in items("conditions"):
            yield from named(f"conditions[{i}].next", cond.get("next"))
        for i, path in items("paths"):
            yield from named(f"paths[{i}].root", path.get("root"))
        for i, rule in items("on_error"):
            fallback = rule.get("fallback")
            if isinstance(fallback, dict):
                yield from named(f"on_error[{i}].fallback.next", fallback.get("next"))


INVALID_TYPE = "(invalid)"


def invalid_state(raw: dict[str, Any], field: str, reason: str) -> InvalidState:
    """An :class:`InvalidState` keeping ``raw`` as it came."""
    declared = raw.get("type")
    return InvalidState.model_construct(
        type=INVALID_TYPE, declared_type=declared if isinstance(declared, str) else None,
        field=field, reason=reason, raw=dict(raw), start=raw.get("start") is True)


UNKNOWN_TAG = "unknown"


def _state_tag(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    if kind in STATE_TYPES:
        return str(kind)
    if isinstance(value, UnknownState) or isinstance(kind, str):
        return UNKNOWN_TAG
    return None  # no type, or one that is not text: a load error naming the state


AnyState = (
    PassState | WaitState | BranchState | ParallelState | BatchState | SuccessState
    | FailureState | FunctionState | CircuitState | ActionState | UnknownState
)

#: A state as a field's type: the ``type`` key picks the class (an unknown text type loads as
#: an :class:`UnknownState`; no type, or one that is not text, is a load error).
State = Annotated[AnyState, Discriminated(_state_tag, {
    "pass": PassState, "wait": WaitState, "branch": BranchState, "parallel": ParallelState,
    "batch": BatchState, "success": SuccessState, "failure": FailureState,
    "function": FunctionState, "circuit": CircuitState, "action": ActionState,
    UNKNOWN_TAG: UnknownState,
}, key="type")]


def state_from_data(data: Any) -> AnyState:
    """A state from JSON data, checked as a document's states are.

    Raises:
        pydantic.ValidationError: With located messages for what is wrong.
    """
    from runtime.model.fastbuild import SlowPath, converter

    try:
        return typing.cast(AnyState, converter(State)(data))
    except SlowPath:
        from runtime.model.mirror import validate_annotation

        return typing.cast(AnyState, validate_annotation(State, data))


# Key order of a state when written, so that files diff well; unknown keys follow in the order
# they came in.
KEY_ORDER = (
    "start", "type", "comment", "action", "function_id", "circuit_id", "duration",
    "collection_path", "collection_variable", "batch_size", "root", "paths", "conditions",
    "default", "error", "cause", "result", "parameters", "input_path", "result_selector",
    "result_path", "output_path", "error_selector", "error_path", "on_error", "next",
)
_KEY_RANK = {key: rank for rank, key in enumerate(KEY_ORDER)}


def state_to_dict(state: AnyState) -> dict[str, Any]:
    """The state as a plain snake_case dict, in canonical key order, unknown keys kept."""
    if isinstance(state, InvalidState):  # as it came; only a start mark given since is added
        kept = dict(state.raw)
        if state.start and kept.get("start") is not True:
            kept = {"start": True, **kept}
        return kept
    raw = state.model_dump(mode="json", exclude_unset=True)
    raw["type"] = state.type
    for key in [k for k, v in raw.items() if v is None and k in _KEY_RANK and k != "result"]:
        del raw[key]
    known = sorted((k for k in raw if k in _KEY_RANK), key=_KEY_RANK.__getitem__)
    extra = [k for k in raw if k not in _KEY_RANK]
    return {k: raw[k] for k in known + extra}


def catalog_id(state: AnyState) -> str:
    """The catalog entry id of a state: its type, or the action id for actions."""
    if isinstance(state, ActionState):
        return state.action or ""
    return state.type
