"""Review of the plain model classes against the pydantic models they replaced: each test is a
place where they behaved differently (checked against pydantic 2 with the old models)."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest
from pydantic import ValidationError

from runtime.model import (
    DocumentError,
    Layout,
    Note,
    PlaybookDocument,
    Point,
    RunProfile,
    document_from_data,
    dumps_document,
)
from runtime.model.base import Model, fields_of
from runtime.model.states import (
    ActionState,
    PassState,
    SuccessState,
    invalid_state,
    state_from_data,
    state_to_dict,
)


def test_fields_are_resolved_safely_by_several_threads_at_once() -> None:
    """Two threads building the same model for the first time (a load on a worker thread while
    the window builds a state) both resolve its annotations; one used to read the text the
    other had just replaced with a type (TypeError: eval() arg 1 must be a string)."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    errors: list[BaseException] = []
    try:
        for round_ in range(30):
            annotations = {f"f{i}": f"int if {round_ * 100 + i + 1} else str" for i in range(40)}
            cls: Any = type(f"Fresh{round_}", (Model,),
                            {"__annotations__": annotations, "__module__": __name__})
            barrier = threading.Barrier(8)

            def resolve(cls: Any = cls, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                try:
                    fields_of(cls)
                except BaseException as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)

            threads = [threading.Thread(target=resolve) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert {info.annotation for info in fields_of(cls).values()} == {int}
    finally:
        sys.setswitchinterval(previous)
    assert errors == []


def test_an_integer_too_large_for_a_float_field_is_a_located_error() -> None:
    """pydantic refuses it (float_parsing); the fast path's float() raised OverflowError, so a
    file with a 400-digit coordinate stopped 'playbook validate' with an internal error."""
    huge = 10**400
    with pytest.raises(ValidationError, match="x"):
        Point.model_validate({"x": huge, "y": 0})
    with pytest.raises(ValidationError):
        Point(x=huge, y=0)
    data = {"format": "playbook-studio", "format_version": 1,
            "layout": {"positions": {"A": {"x": huge, "y": 0}}}}
    with pytest.raises(DocumentError, match="positions"):
        document_from_data(data)


@pytest.mark.parametrize("data", [
    {"definition": {1: {"type": "pass"}}},
    {"definition": {"A": {"type": "action", "parameters": {1: "x"}}}},
    {"layout": {"positions": {(1, 2): {"x": 0, "y": 0}}}},
    {"run_profiles": [{"name": "p", "mocks": {None: []}}]},
    {"functions": {2: {"source": ""}}},
], ids=["definition", "parameters", "positions", "mocks", "functions"])
def test_keys_that_are_not_text_are_refused_as_pydantic_refuses_them(data: dict[Any, Any]) -> None:
    """A ``dict[str, ...]`` field took any key on the fast path (pydantic: 'Input should be a
    valid string'); the document then held keys a file cannot (1 written back as "1")."""
    with pytest.raises(ValidationError):
        PlaybookDocument.model_validate(data)


def test_an_unknown_key_that_is_not_text_is_refused_as_pydantic_refuses_it() -> None:
    """An open model kept it as an unknown key (pydantic: 'Keys should be strings')."""
    with pytest.raises(ValidationError, match="Keys should be strings"):
        PassState.model_validate({"type": "pass", 1: "x"})
    with pytest.raises(ValidationError, match="Keys should be strings"):
        state_from_data({"type": "success", None: "x"})


def _slow(extra: dict[str, Any]) -> dict[str, Any]:
    """Document data that takes pydantic's path (a text where a number belongs is coerced)."""
    return {"max_runtime": "60", **extra}


def test_instances_inside_data_are_kept_as_they_are_on_the_slow_path() -> None:
    """pydantic takes a model instance found where its class belongs as it is. The mirrors
    dumped it and validated the dump again: an InvalidState came back as an UnknownState
    (its 'type' is '(invalid)'), every instance was a new object, and a value assigned since
    (unchecked, as pydantic's assignment is) made the whole document refuse to build."""
    kept = invalid_state({"type": "pass", "next": ["B"]}, "next", "a list")
    assigned = PassState(type="pass")
    assigned.next = 5  # type: ignore[assignment]
    layout = Layout(notes=[Note(id="n")])
    for data in ({"definition": {"A": kept, "B": assigned}, "layout": layout},
                 _slow({"definition": {"A": kept, "B": assigned}, "layout": layout})):
        doc = PlaybookDocument.model_validate(data)
        assert doc.definition["A"] is kept and doc.definition["B"] is assigned
        assert doc.layout is layout
    profile = RunProfile(name="p")
    doc = PlaybookDocument.model_validate(_slow({"run_profiles": [profile]}))
    assert doc.run_profiles[0] is profile
    assert state_from_data(kept) is kept


def test_an_instance_of_another_class_is_refused_as_pydantic_refuses_it() -> None:
    with pytest.raises(ValidationError, match="valid dictionary or instance of Point") as info:
        Point.model_validate(Note(id="n"))
    assert info.value.error_count() == 1
    with pytest.raises(ValidationError, match="valid dictionary or instance of Layout"):
        PlaybookDocument.model_validate(_slow({"layout": Point(x=0, y=0)}))


def test_deep_values_build_on_the_slow_path() -> None:
    """pydantic keeps an Any value as it is; the mirrors' results were rebuilt all the way
    down, one Python frame per level (RecursionError from about 500 levels)."""
    value: Any = 1
    for _ in range(2000):
        value = [value]
    doc = PlaybookDocument.model_validate(_slow({"definition": {"A": {"type": "pass",
                                                                        "result": value}}}))
    assert doc.state("A").result is value  # type: ignore[union-attr]


def test_names_that_are_not_fields_are_set_and_kept_out_of_the_data_as_pydantic_does() -> None:
    """pydantic sets a name starting with '_' as a plain attribute (closed models refused it;
    open ones kept it as an unknown key, written to the file), sets a name the class already
    has as an attribute rather than an unknown key, and a model_copy(update=...) key that is
    no field of a closed model is held, not dumped, compared or shown."""
    point = Point(x=1, y=2)
    point._cache = "kept"  # type: ignore[attr-defined]
    assert point._cache == "kept"  # type: ignore[attr-defined]
    state = SuccessState(type="success")
    state._seen = True  # type: ignore[attr-defined]
    state.targets = None  # type: ignore[assignment,method-assign]
    assert state.model_extra == {} and state.model_fields_set == {"type"}
    assert state_to_dict(state) == {"type": "success"}
    assert state == SuccessState(type="success")
    copied = Point(x=1, y=2).model_copy(update={"z": 3})
    assert copied.z == 3  # type: ignore[attr-defined]
    for twin in (point, copied):
        assert twin.model_dump() == {"x": 1.0, "y": 2.0} and repr(twin) == "Point(x=1.0, y=2.0)"
        assert twin == Point(x=1, y=2)
    with pytest.raises(ValueError, match='"Point" object has no field "z"'):
        point.z = 1  # type: ignore[attr-defined]


def test_construct_sets_only_the_fields_given_as_pydantic_does() -> None:
    """pydantic's model_construct: the fields set are the declared fields given (unknown keys
    are kept by an open model, dropped by a closed one), a required field not given is not
    set at all (its dump leaves it out) instead of holding a marker object."""
    state = PassState.model_construct(type="pass", colour="red")
    assert state.model_fields_set == {"type"} and state.model_extra == {"colour": "red"}
    point = Point.model_construct(x=1, z=2)
    assert point.model_fields_set == {"x"} and point.model_extra is None
    assert point.model_dump() == {"x": 1} and repr(point) == "Point(x=1)"
    with pytest.raises(AttributeError):
        _ = point.y


def test_json_dumps_write_what_pydantic_wrote_for_values_json_cannot_hold() -> None:
    """In mode="json" pydantic writes an infinite or NaN number of a free-form value as null and
    a True key as "true". They were kept, so a parameter cell reading '1e999' (json.loads ->
    inf) made saving fail (the file writer refuses NaN/Infinity) where it used to write null.
    A field declared float keeps its number, as with pydantic."""
    inf = float("inf")
    state = ActionState(type="action", parameters={"a": inf, "b": [float("nan")]},
                        result_selector={True: 1, False: 2}, extra_note=-inf)
    dumped = state_to_dict(state)
    assert dumped["parameters"] == {"a": None, "b": [None]}
    assert dumped["result_selector"] == {"true": 1, "false": 2}
    assert dumped["extra_note"] is None
    assert state.model_dump()["parameters"]["a"] == inf  # python mode keeps it
    assert Note(id="n", x=inf).model_dump(mode="json")["x"] == inf
    doc = PlaybookDocument(definition={"A": state})
    assert '"a": null' in dumps_document(doc)


class _Defaults(Model, extra="forbid"):
    """A model with mutable defaults given as values (docs/architecture.md's recipe allows it)."""

    tags: list[list[str]] = [["a"]]  # noqa: RUF012 - a default, as pydantic takes it
    meta: dict[str, Any] = {"k": {"v": 1}}  # noqa: RUF012
    where: Point = Point(x=0, y=0)


def test_a_mutable_default_is_copied_for_each_instance_as_pydantic_does() -> None:
    """pydantic deep-copies a default value for each instance; only its outer list or dict was
    copied here, so one instance's change to a nested value (or to a model default, not copied
    at all) showed in every instance built since."""
    for make in (lambda: _Defaults.model_validate({}), _Defaults, _Defaults.model_construct):
        first, second = make(), make()
        first.tags[0].append("b")
        first.meta["k"]["v"] = 2
        first.where.x = 5
        assert (second.tags, second.meta, second.where.x) == ([["a"]], {"k": {"v": 1}}, 0)
        assert fields_of(_Defaults)["tags"].default == [["a"]]
        assert fields_of(_Defaults)["where"].default.x == 0
