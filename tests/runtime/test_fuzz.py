"""Fuzz every ``playbook`` entry point with mutated examples and exported server JSON.

Hypothesis draws the mutations (``bench/fuzz_files.py`` holds them: awkward values, self and
list ``next``, several or no start, unknown types, removed states, broken JSONPath, cut or
corrupted text) with a fixed seed and budget, so a new crash class fails CI deterministically.
Each file goes through validate, export, import, run (20 transitions at most), diff and test;
none may end in exit 70, print a traceback, or print JSON that is not strict JSON.
``bench/fuzz_files.py -n 10000`` is the long run.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def _load_fuzzer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_files", ROOT / "bench" / "fuzz_files.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_files"] = module
    spec.loader.exec_module(module)
    return module


FUZZ = _load_fuzzer()
SEEDS: list[tuple[str, Any]] = FUZZ.examples()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    for name, data in SEEDS:
        (folder / f"orig-{name}").write_text(FUZZ._dump(data), encoding="utf-8")
    return folder


def _check(work: Path, rng: random.Random) -> None:
    name, content, _ = FUZZ.mutate(rng, SEEDS)
    path = work / "case.json"
    raw = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    path.write_bytes(raw)
    with FUZZ.small_runs():
        for command, code, trouble in FUZZ.check_file(path, work / f"orig-{name}", work):
            assert not trouble, f"{command} on a mutation of {name}: {trouble}\n{raw[:2000]!r}"
            assert code in (0, 1, 3, 4), (command, code)


@seed(15)
@settings(max_examples=800, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_no_internal_error_on_mutated_files(work: Path, rng: random.Random) -> None:
    _check(work, rng)


@pytest.mark.parametrize("text", [
    '{"A": {"start": true, "type": "pass", "result": ' + "9" * 5000 + "}}",
    '{"A": {"start": true, "type": "pass", "result": 1e999}}',
    '{"A": {"start": true, "type": "pass", "comment": "\\ud800"}}',
    '{"A\\udfff": {"start": true, "type": "pass"}}',
    '{"A": {"start": true, "type": "pass", "next": "A"}}',
    '{"A": {"start": true, "type": "success", "next": ["A", "End"]}}',
    '{"A": {"start": true, "type": "function", "function_id": "f", '
    '"parameters": {"x": "$.[[["}, "next": "End"}}',
])
def test_known_crash_classes(work: Path, text: str) -> None:
    path = work / "known.json"
    path.write_text(text, encoding="utf-8")
    with FUZZ.small_runs():
        for command, code, trouble in FUZZ.check_file(path, path, work):
            assert not trouble and code in (0, 1, 3), (command, code, trouble)


@pytest.mark.parametrize(("text", "words"), [
    ('{"A": {"type": "pass", "result": ' + "9" * 5000 + "}}",
     "an integer of 5,000 digits is too long (the limit is 4,300) at line 1, column 34"),
    ('{"A": {"type": "pass",\n "result": -1e999}}', "-1e999 is out of range"),
    ('{"A": {"type": "pass", "comment": "x\\ud800"}}', "/A/comment: a lone UTF-16 surrogate"),
])
def test_bad_numbers_and_surrogates_are_exit_3_naming_the_place(
    work: Path, text: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from runtime.cli import main

    path = work / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 3
    err = capsys.readouterr().err
    assert words in err and err.startswith(str(path))
