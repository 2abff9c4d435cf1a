"""The plain model classes (runtime.model.base) behave as the pydantic models they replaced:
the same dumps (values and key order) as their pydantic mirrors, the same coercions and
refusals on construction, and copies that are equal and independent."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from runtime.model import PlaybookDocument, Point, RunProfile
from runtime.model.assertions import Assertion
from runtime.model.mirror import mirror
from runtime.model.states import ActionState, PassState, SuccessState, state_from_data

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.playbook.json"))
DUMPS = [{}, {"mode": "json"}, {"exclude_unset": True}, {"exclude_none": True},
         {"mode": "json", "exclude_none": True}]


def _ordered(value: Any) -> str:
    return json.dumps(value)  # key order matters: files are written in it


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("options", DUMPS, ids=str)
def test_dumps_match_the_pydantic_mirror(path: Path, options: dict[str, Any]) -> None:
    data = json.loads(path.read_text())
    mine = PlaybookDocument.model_validate(data)
    theirs = mirror(PlaybookDocument).model_validate(data)
    assert _ordered(mine.model_dump(**options)) == _ordered(theirs.model_dump(**options))
    for profile in mine.run_profiles:
        twin = mirror(RunProfile).model_validate(profile.model_dump())
        assert profile.model_dump(mode="json", exclude_none=True) == twin.model_dump(
            mode="json", exclude_none=True)


def test_construction_coerces_and_refuses_as_pydantic() -> None:
    point = Point(x=1, y="2.5")  # type: ignore[arg-type]
    assert (point.x, point.y) == (1.0, 2.5) and isinstance(point.x, float)
    with pytest.raises(ValidationError, match="x"):
        Point(x="left", y=0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="String should have at least 1 character"):
        RunProfile(name="")
    with pytest.raises(ValidationError, match="needs a state"):
        Assertion(kind="reached")
    assert Assertion(kind="reached", state="A").model_fields_set == {"kind", "state"}


def test_states_keep_unknown_keys_and_read_them_as_attributes() -> None:
    state = state_from_data({"type": "success", "next": "B", "x-note": 1})
    assert isinstance(state, SuccessState)
    assert state.model_extra == {"next": "B", "x-note": 1}
    assert state.next == "B"  # type: ignore[attr-defined]
    assert state.model_fields_set == {"type", "next", "x-note"}
    with pytest.raises(AttributeError):
        _ = state.result  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        state_from_data({"type": "pass", "next": 5})


def test_assignment_marks_fields_set_and_closed_models_refuse_unknown_fields() -> None:
    state = PassState(type="pass")
    assert state.model_fields_set == {"type"}
    state.next = "B"
    state.colour = "red"  # an open model keeps it as an unknown key
    assert state.model_fields_set == {"type", "next", "colour"}
    assert state.model_dump(exclude_unset=True) == {"type": "pass", "next": "B",
                                                    "colour": "red"}
    point = Point(x=0, y=0)
    with pytest.raises(ValueError, match="no field"):
        point.z = 1  # type: ignore[attr-defined]


def test_copies_are_equal_and_independent() -> None:
    state = ActionState.model_validate({"type": "action", "action": "get_alerts",
                                        "parameters": {"limit": [1]}, "x": {"y": 1}})
    for twin in (copy.deepcopy(state), pickle.loads(pickle.dumps(state)),
                 state.model_copy(deep=True)):
        assert twin == state and twin is not state
        twin.parameters["limit"].append(2)
        twin.model_extra["x"]["y"] = 2  # type: ignore[index]
        assert state.parameters == {"limit": [1]} and state.model_extra == {"x": {"y": 1}}
        assert twin.model_fields_set == state.model_fields_set
    shallow = state.model_copy(update={"next": "B"})
    assert shallow.next == "B" and "next" in shallow.model_fields_set
    assert state.next is None and "next" not in state.model_fields_set
    assert shallow != state
    assert PassState(type="pass") != SuccessState(type="success")


def test_construct_fills_defaults_unchecked() -> None:
    built = RunProfile.model_construct(name="x", speed=5)
    assert built.speed == 5 and built.payload == {} and built.model_fields_set == {"name", "speed"}
    assert repr(Point(x=1, y=2)) == "Point(x=1.0, y=2.0)"
