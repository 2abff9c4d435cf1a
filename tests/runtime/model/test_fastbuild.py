"""The load fast path (runtime.model.fastbuild): the same documents as pydantic's validation
through the mirror models (runtime.model.mirror) gives, and no pydantic imported."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runtime.model import PlaybookDocument, document_from_data
from runtime.model.fastbuild import SlowPath, build
from runtime.model.mirror import validate_slowly
from runtime.model.states import InvalidState

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "resources" / "examples").glob("*.playbook.json"))


def _same(fast: PlaybookDocument, slow: PlaybookDocument) -> None:
    assert fast == slow
    assert fast.to_dict() == slow.to_dict()
    assert fast.model_fields_set == slow.model_fields_set
    for name, state in slow.definition.items():
        mine = fast.definition[name]
        assert type(mine) is type(state)
        assert mine.model_fields_set == state.model_fields_set, name
        assert mine.model_extra == state.model_extra, name
        assert mine.__dict__ == state.__dict__, name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_build_as_pydantic_validates_them(path: Path) -> None:
    data = json.loads(path.read_text())
    _same(build(PlaybookDocument, copy.deepcopy(data)), validate_slowly(PlaybookDocument, data))


def _doc(**state: Any) -> dict[str, Any]:
    return {"name": "t", "definition": {"A": {"start": True, "type": "pass", **state}}}


def test_extra_keys_and_nested_models_kept() -> None:
    data = {"name": "t", "definition": {
        "A": {"start": True, "type": "action", "action": "get_alerts", "x-note": [1],
              "parameters": {"limit": 5},
              "on_error": [{"error_type": "custom_error", "error_codes": ["1"],
                            "retry": {"delay": 2}, "fallback": {"next": "B"}, "extra": 1}],
              "next": "B"},
        "B": {"type": "branch", "conditions": [{"condition": "$.a == 1", "next": "C"}],
              "default": "C"},
        "C": {"type": "parallel", "paths": [{"name": "p", "root": "D"}], "next": "End"},
        "D": {"type": "success"}},
        "layout": {"positions": {"A": {"x": 1, "y": 2.5}}, "notes": []}}
    _same(build(PlaybookDocument, copy.deepcopy(data)), validate_slowly(PlaybookDocument, data))
    assert isinstance(build(PlaybookDocument, data).layout.positions["A"].x, float)


@pytest.mark.parametrize("data", [
    _doc(start=1),                      # pydantic coerces 1 to True: its job
    _doc(next=5),                       # a load error, with pydantic's message
    {"name": "", "definition": {}},     # a constraint broken
    {"name": "t", "definition": {}, "surprise": 1},  # extra key on a closed model
    {"name": "t", "definition": {}, "layout": {"positions": {"A": {"x": "1", "y": 0}}}},
])
def test_anything_unusual_takes_the_slow_path(data: dict[str, Any]) -> None:
    with pytest.raises(SlowPath):
        build(PlaybookDocument, copy.deepcopy(data))


def test_unknown_type_builds_as_pydantic_reads_it() -> None:
    data = _doc(type="teleport", range=9)
    _same(build(PlaybookDocument, copy.deepcopy(data)), validate_slowly(PlaybookDocument, data))


def test_slow_path_results_are_unchanged() -> None:
    coerced = document_from_data(_doc(start=1))
    assert coerced.definition["A"].start is True
    repaired = document_from_data({"name": "t", "definition": {
        "A": {"start": True, "type": "pass", "next": ["B"]}}})
    assert isinstance(repaired.definition["A"], InvalidState)


def test_loading_and_validating_canonical_documents_imports_no_pydantic() -> None:
    code = (
        "import sys\n"
        "from runtime.model import load_document\n"
        "from runtime.validate import validate_document\n"
        f"for path in {[str(p) for p in EXAMPLES]!r}:\n"
        "    assert load_document(path).definition\n"
        "    validate_document(load_document(path))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    assert out == ["[]"]


def test_a_file_needing_the_slow_path_still_loads_and_reports_located_errors() -> None:
    from runtime.model import DocumentError

    with pytest.raises(DocumentError, match=r"^/name: String should have at least 1"):
        document_from_data({"name": "", "definition": {}})
    with pytest.raises(DocumentError, match=r"/layout/positions/A/x: Input should be a valid"):
        document_from_data({"name": "t", "definition": {},
                            "layout": {"positions": {"A": {"x": "a", "y": 0}}}})
