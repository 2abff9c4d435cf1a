"""Tests for runtime.jsonio: bounded strict parsing, located messages, deterministic atomic writes.

Every hostile input must be refused with a JsonInputError naming the problem (and its place)
and must finish quickly: the `fast` helper asserts each case takes under a second, a generous
guard against a hang, not a benchmark.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime import jsonio
from runtime.jsonio import (
    MAX_BYTES,
    MAX_DEPTH,
    JsonInputError,
    dump_text,
    iter_json_pointer,
    loads_bounded,
    read_json_file,
    write_atomic,
)


def fast(fn: Callable[[], Any]) -> Any:
    """Run ``fn``; fail when it takes a second or more (a hang guard)."""
    started = time.perf_counter()
    try:
        return fn()
    finally:
        elapsed = time.perf_counter() - started
        assert elapsed < 1.0, f"took {elapsed:.2f} s"


def refused(raw: bytes | str, **kwargs: Any) -> JsonInputError:
    """Parse ``raw`` expecting a JsonInputError; return it (and check it was quick)."""

    def run() -> JsonInputError:
        with pytest.raises(JsonInputError) as info:
            loads_bounded(raw, source="input.json", **kwargs)
        return info.value

    return fast(run)


# --- accepted input ---------------------------------------------------------------------------


def test_plain_json_parses() -> None:
    assert loads_bounded(b'{"a": [1, 2.5, "x", true, null]}') == {"a": [1, 2.5, "x", True, None]}


def test_text_input_is_accepted_too() -> None:
    assert loads_bounded('{"caf\u00e9": "\u2603"}') == {"caf\u00e9": "\u2603"}


def test_utf8_bom_is_allowed() -> None:
    assert loads_bounded(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"s": "[" * 500 + "{" * 500, "t": 'quote \\" [[['})
    assert loads_bounded(text, max_depth=2)["s"].startswith("[[[")


def test_nesting_exactly_at_the_limit_parses() -> None:
    raw = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    value = loads_bounded(raw)
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


def test_the_words_nan_and_infinity_inside_strings_are_fine() -> None:
    assert loads_bounded(b'{"NaN": "Infinity", "x": "-Infinity"}') == {
        "NaN": "Infinity",
        "x": "-Infinity",
    }


def test_same_key_in_different_objects_is_not_a_duplicate() -> None:
    assert loads_bounded(b'{"a": {"a": 1}, "b": {"a": 2}}') == {"a": {"a": 1}, "b": {"a": 2}}


# --- size -------------------------------------------------------------------------------------


def test_size_cap_is_checked_before_parsing() -> None:
    raw = b"[" + b"1," * (MAX_BYTES // 2) + b"1]"
    exc = refused(raw)
    assert "bytes; the limit is" in str(exc)
    assert f"{MAX_BYTES:,}" in str(exc)
    assert str(exc).startswith("input.json: ")


def test_size_cap_is_configurable() -> None:
    exc = refused(b'{"a": "' + b"x" * 100 + b'"}', max_bytes=50)
    assert "the limit is 50 bytes" in str(exc)


def test_read_json_file_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(20 * 1024 * 1024)  # sparse: 20 MB that cost nothing to create
    with pytest.raises(JsonInputError) as info:
        fast(lambda: read_json_file(path))
    assert "20,971,520 bytes" in str(info.value)
    assert str(path) in str(info.value)


# --- depth ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"[{" * 50_000,
    ],
    ids=["open-brackets", "balanced-brackets", "nested-objects", "mixed"],
)
def test_deep_nesting_is_refused_before_parsing(raw: bytes) -> None:
    exc = refused(raw)
    assert "nesting is 100000 levels deep" in str(exc)
    assert f"the limit is {MAX_DEPTH}" in str(exc)


def test_depth_one_over_the_limit_is_refused() -> None:
    exc = refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert f"nesting is {MAX_DEPTH + 1} levels deep" in str(exc)


# --- duplicate keys, NaN, Infinity ------------------------------------------------------------


def test_duplicate_key_names_the_key_and_line() -> None:
    exc = refused(b'{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}')
    assert 'duplicate key "a"' in str(exc)
    assert "line 4, column 3" in str(exc)


def test_duplicate_key_in_a_nested_object_is_located_where_it_is() -> None:
    raw = (
        '{\n'
        '  "state": {"type": "pass"},\n'
        '  "other": {\n'
        '    "type": "wait",\n'
        '    "type": "pass"\n'
        '  }\n'
        '}\n'
    )
    exc = refused(raw)
    assert 'duplicate key "type"' in str(exc)
    assert "line 5" in str(exc), str(exc)


def test_duplicate_key_text_inside_a_string_does_not_mislead_the_location() -> None:
    raw = '{\n  "note": "\\"a\\": 1",\n  "a": 1,\n  "a": 2\n}'
    exc = refused(raw)
    assert 'duplicate key "a"' in str(exc)
    assert "line 4" in str(exc), str(exc)


@pytest.mark.parametrize(
    ("raw", "word", "where"),
    [
        (b'{"x": NaN}', "NaN", "line 1, column 7"),
        (b'{"x": Infinity}', "Infinity", "line 1, column 7"),
        (b'{"x": [1, -Infinity]}', "-Infinity", "line 1, column 11"),
        (b'{\n "note": "not a NaN here",\n "x": NaN\n}', "NaN", "line 3, column 7"),
    ],
)
def test_nan_and_infinity_are_refused_with_their_place(raw: bytes, word: str, where: str) -> None:
    exc = refused(raw)
    assert f"{word} is not allowed in JSON" in str(exc)
    assert where in str(exc), str(exc)


# --- not JSON text at all ---------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"   \n\t  ", ""])
def test_empty_input_is_refused(raw: bytes | str) -> None:
    assert "the file is empty" in str(refused(raw))


def test_binary_input_is_refused() -> None:
    exc = refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "binary file" in str(exc)


def test_not_utf8_names_the_offset() -> None:
    exc = refused(b'{"a": "caf\xe9"}')
    assert "not UTF-8" in str(exc)
    assert "offset 10" in str(exc)


def test_syntax_error_gives_line_and_column() -> None:
    exc = refused(b'{\n  "a": [1, 2\n}')
    assert "invalid JSON at line 3, column 1" in str(exc)


def test_error_carries_source_and_detail() -> None:
    exc = refused(b"{")
    assert exc.source == "input.json"
    assert str(exc) == f"input.json: {exc.detail}"


def test_wrong_root_type_parses_but_the_loader_refuses_it() -> None:
    from runtime.loader import PlaybookLoadError, playbook_from_data

    for raw, kind in ((b"[1, 2]", "list"), (b"42", "int"), (b'"text"', "str"), (b"null", "NoneType")):
        data = loads_bounded(raw)
        with pytest.raises(PlaybookLoadError) as info:
            playbook_from_data(data, source="x.json")
        message = str(info.value)
        assert "not a playbook" in message and kind in message


def test_empty_object_root_is_refused_by_the_loader() -> None:
    from runtime.loader import PlaybookLoadError, playbook_from_data

    with pytest.raises(PlaybookLoadError, match="no states"):
        playbook_from_data(loads_bounded(b"{}"))


# --- reading files ----------------------------------------------------------------------------


def test_read_json_file_missing_folder_and_ok(tmp_path: Path) -> None:
    with pytest.raises(JsonInputError, match="no such file"):
        read_json_file(tmp_path / "nope.json")
    with pytest.raises(JsonInputError, match="folder"):
        read_json_file(tmp_path)
    good = tmp_path / "good.json"
    good.write_text('{"a": 1}', encoding="utf-8")
    assert read_json_file(good) == {"a": 1}


def test_read_json_file_names_the_file_in_parse_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": NaN}')
    with pytest.raises(JsonInputError) as info:
        read_json_file(bad)
    assert str(info.value).startswith(f"{bad}: NaN is not allowed")


# --- writing ----------------------------------------------------------------------------------


def test_dump_text_is_deterministic_and_readable() -> None:
    value = {"b": 1, "a": {"z": [1, 2], "y": "caf\u00e9"}}
    text = dump_text(value)
    assert text == dump_text(json.loads(text))
    assert text == dump_text(dict(value))
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '\n  "b": 1,' in text  # indent 2, keys in the order given
    assert text.index('"b"') < text.index('"a"')
    assert "caf\u00e9" in text  # UTF-8, not \u escapes


def test_dump_text_refuses_nan() -> None:
    with pytest.raises(ValueError):
        dump_text({"x": float("nan")})


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10)
        | st.floats(allow_nan=False, allow_infinity=False),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
        max_leaves=20,
    )
)
def test_dump_then_load_round_trips(value: Any) -> None:
    text = dump_text(value)
    assert loads_bounded(text) == value
    assert dump_text(loads_bounded(text)) == text


def test_write_atomic_writes_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "doc.playbook.json"
    write_atomic(target, "first\n")
    write_atomic(target, b"second\n")
    assert target.read_bytes() == b"second\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.playbook.json"]


def test_write_atomic_failure_keeps_the_old_file_and_removes_the_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "doc.json"
    target.write_text("old\n", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonio.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_write_atomic_into_a_missing_folder_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "x.json", "x")
    assert not (tmp_path / "missing").exists()
    assert os.listdir(tmp_path) == []


def test_iter_json_pointer_escapes() -> None:
    assert iter_json_pointer(["definition", "a/b", "c~d", 3]) == "/definition/a~1b/c~0d/3"
    assert iter_json_pointer([]) == ""


# --- property: arbitrary bytes only ever raise JsonInputError ---------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | st.text(alphabet='[]{}",:0123456789 aeNInf-.\\\n', max_size=200))
def test_arbitrary_input_only_raises_json_input_error(raw: bytes | str) -> None:
    try:
        loads_bounded(raw, max_depth=8)
    except JsonInputError:
        pass


# --- numbers and text Python cannot carry through (issue 15) ----------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ('{"a": [1, ' + "7" * 4301 + "]}", "an integer of 4,301 digits is too long"),
    ('{"a": -' + "7" * 5000 + "}", "an integer of 5,000 digits is too long"),
    ('{"a":\n  1e999}', "1e999 is out of range (not a finite number) at line 2, column 3"),
    ('{"a": -1E+400}', "-1E+400 is out of range"),
    ('{"a": "x\\ud800"}', "/a: a lone UTF-16 surrogate"),
    ('{"k\\udc00": 1}', "/k\\udc00: a lone UTF-16 surrogate"),
    ('{"a": [{"b": ["ok", "\\udfff"]}]}', "/a/0/b/1: a lone UTF-16 surrogate"),
])
def test_values_python_cannot_carry_are_refused_with_the_place(text: str, words: str) -> None:
    with pytest.raises(JsonInputError) as info:
        loads_bounded(text, source="f.json")
    assert words in str(info.value) and str(info.value).startswith("f.json: ")


def test_limits_themselves_and_surrogate_pairs_are_fine() -> None:
    assert loads_bounded('{"a": ' + "7" * 4300 + "}")["a"] > 0
    assert loads_bounded('{"a": 1e308, "b": 1e-999}') == {"a": 1e308, "b": 0.0}
    assert loads_bounded('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}
    with pytest.raises(JsonInputError, match="/a: a lone UTF-16 surrogate"):
        loads_bounded('{"a": "\ud800"}')  # text (not bytes) holding a raw lone surrogate


@pytest.mark.parametrize(("code", "words"), [
    (28, "the disk is full"), (30, "read-only"), (13, "permission denied"),
    (2, "the folder does not exist"), (99999, "Unknown error 99999 (99999)"),
])
def test_describe_os_error(code: int, words: str) -> None:
    from runtime.jsonio import describe_os_error

    assert words in describe_os_error(OSError(code, f"Unknown error {code}"))
