"""Fuzz the ``playbook`` command with mutated playbooks and server files; print exit codes.

Each file is a mutation of an example (``resources/examples/*.json``) or of its exported
server JSON: values replaced by awkward ones (lone surrogates, 5,000-digit integers, ``1e999``,
lists where a name is expected, a state's own name as its ``next``, unknown types, broken
JSONPath, secrets), keys and states removed or duplicated as start, or the text itself cut,
spliced or corrupted. Every file goes through ``validate``, ``export``, ``import``, ``run``
(at most 20 transitions, a temporary history), ``diff`` against its original and ``test``,
in-process through :func:`runtime.cli.main`.

Prints the count of each exit code per command and the internal errors (exit 70, a traceback
in the output, or JSON output that is not strict JSON) with their file; internal errors must be
0. ``tests/runtime/test_fuzz.py`` runs the same mutations under hypothesis with a fixed budget.

Usage: python bench/fuzz_files.py [-n 10000] [--seed 15] [--keep DIR] [--commands validate,...]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import functools
import io
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COMMANDS = ("validate", "export", "import", "run", "diff", "test")
INTERNAL = 70

# Placeholders replaced in the text after json.dumps, for values json.dumps cannot write.
_RAW = {
    '"@@INF@@"': "1e999",
    '"@@NEGINF@@"': "-1e999",
    '"@@BIGINT@@"': "9" * 5000,
    '"@@BIGFLOAT@@"': "1." + "5" * 5000,
    '"@@SURROGATE@@"': '"a\\ud800b"',
    '"@@LOWSURR@@"': '"\\udfff"',
    '"@@NAN@@"': "NaN",
}
NASTY: tuple[Any, ...] = (
    "@@INF@@", "@@NEGINF@@", "@@BIGINT@@", "@@BIGFLOAT@@", "@@SURROGATE@@", "@@LOWSURR@@",
    "@@NAN@@", None, True, False, 0, -1, 2**63, 1.5, "", " ", "End", "$", "$.", "$.[[[",
    "$..a", "$$x", "$.a[", "$.a.b", "a" * 300, "é\u202e\u0000", ["a", "b"], [], {}, {"a": 1},
    [{"next": "End"}], {"type": "pass"}, "Bearer abcdefghijklmnop", "https://u:pw@h.example/x",
    "AKIAABCDEFGHIJKLMNOP", "1 == 1 &&", "$.x == ", "P1D", "-5", 10**30,
)
UNKNOWN_TYPES = ("mystery", "Pass", "", "end", "task", "map", "choice")


def examples() -> list[tuple[str, Any]]:
    """The seeds: each example as a native document and as its exported server JSON."""
    from runtime.model.io import document_from_data
    from runtime.serverformat import export_playbook

    seeds: list[tuple[str, Any]] = []
    for path in sorted((ROOT / "resources" / "examples").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        seeds.append((path.name, data))
        doc = document_from_data(data)
        for dialect in ("snake", "camel"):
            server = export_playbook(doc, dialect, check=False).definition
            seeds.append((f"{path.stem}.{dialect}.server.json", server))
    return seeds


def _containers(value: Any, out: list[tuple[Any, Any]]) -> None:
    """Every (container, key) pair in a JSON value, depth first."""
    if isinstance(value, dict):
        for key in list(value):
            out.append((value, key))
            _containers(value[key], out)
    elif isinstance(value, list):
        for index in range(len(value)):
            out.append((value, index))
            _containers(value[index], out)


def _states(data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and isinstance(data.get("definition"), dict):
        return data["definition"]  # type: ignore[no-any-return]
    return data if isinstance(data, dict) else {}


def _mutate_tree(rng: random.Random, data: Any) -> Any:
    states = _states(data)
    names = [n for n, s in states.items() if isinstance(s, dict)]
    kind = rng.randrange(12)
    if kind <= 3:  # replace any value by a nasty one
        places: list[tuple[Any, Any]] = []
        _containers(data, places)
        if places:
            container, key = rng.choice(places)
            container[key] = copy.deepcopy(rng.choice(NASTY))
    elif kind == 4 and names:  # a state's next names itself, or several things
        name = rng.choice(names)
        states[name]["next"] = rng.choice((name, [name, "End"], "Nowhere", "End"))
    elif kind == 5 and names:  # two starts, or none
        if rng.random() < 0.5:
            for name in rng.sample(names, min(2, len(names))):
                states[name]["start"] = True
        else:
            for name in names:
                states[name].pop("start", None)
    elif kind == 6 and names:  # unknown type
        states[rng.choice(names)]["type"] = rng.choice(UNKNOWN_TYPES)
    elif kind == 7 and names:  # remove a state (its names dangle) or a key
        victim = rng.choice(names)
        if rng.random() < 0.5:
            del states[victim]
        elif states[victim]:
            del states[victim][rng.choice(list(states[victim]))]
    elif kind == 8 and names:  # rename a state to an awkward name
        old = rng.choice(names)
        new = rng.choice(("@@SURROGATE@@", "End", "", "x" * 100, "a/b~c", old + " "))
        states[new] = states.pop(old)
    elif kind == 9:  # put a key somewhere
        places = []
        _containers(data, places)
        dicts = [c[k] for c, k in places if isinstance(c[k], dict)] or [data]
        target = rng.choice(dicts)
        if isinstance(target, dict):
            key = rng.choice(("next", "parameters", "on_error", "result_selector", "type",
                              "start", "conditions", "paths", "root", "default", "@@x"))
            target[key] = copy.deepcopy(rng.choice(NASTY))
    elif kind == 10 and names:  # an invalid path in a Function's parameters
        name = rng.choice(names)
        params = states[name].setdefault("parameters", {})
        if isinstance(params, dict):
            params[rng.choice(("a", "password", "url"))] = rng.choice(("$.[[[", "$.a[", "$..."))
    else:  # wrap or unwrap
        return rng.choice(([data], {"definition": data}, "text", 1, None, states))
    return data


def _dump(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for token, raw in _RAW.items():
        text = text.replace(token, raw)
    return text


def _mutate_text(rng: random.Random, text: str) -> str:
    kind = rng.randrange(5)
    pos = rng.randrange(len(text) + 1)
    if kind == 0:
        return text[:pos]
    if kind == 1:
        return text[:pos] + rng.choice(("{", "}", "[", "]", ",", '"', "\\", ":", "\x00",
                                        "\ufeff", "1e999", "[" * 80)) + text[pos:]
    if kind == 2:
        end = min(len(text), pos + rng.randrange(1, 40))
        return text[:pos] + text[end:]
    if kind == 3:
        return text.replace('"next"', '"next"', 1) if "next" in text else text + text
    return "[" * 70 + text + "]" * 70


def mutate(rng: random.Random, seeds: list[tuple[str, Any]]) -> tuple[str, str | bytes, Any]:
    """One mutated file: ``(seed name, file content, the seed)``."""
    name, seed = rng.choice(seeds)
    data = copy.deepcopy(seed)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data = _mutate_tree(rng, data)
    text = _dump(data)
    if rng.random() < 0.15:
        text = _mutate_text(rng, text)
    if rng.random() < 0.03:
        return name, text.encode("utf-8", "surrogatepass")[: rng.randrange(1, 400)] + b"\xff", seed
    return name, text, seed


@contextlib.contextmanager
def small_runs(max_transitions: int = 20) -> Iterator[None]:
    """Runs stop after ``max_transitions`` (the engine's cap, lowered for speed)."""
    import runtime.engine as engine

    original = engine.options_from_profile
    engine.options_from_profile = functools.partial(original, max_transitions=max_transitions)
    try:
        yield
    finally:
        engine.options_from_profile = original


def _strict_json(text: str) -> bool:
    from runtime.jsonio import JsonInputError, loads_bounded

    try:
        loads_bounded(text)
    except JsonInputError:
        return False
    return True


def invoke(argv: list[str]) -> tuple[int, str, str]:
    """Run ``playbook ARGV`` in-process: ``(exit code, stdout, stderr)``."""
    from runtime.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, stdout.getvalue(), stderr.getvalue()


def check_file(path: Path, original: Path, work: Path,
               commands: tuple[str, ...] = COMMANDS) -> Iterator[tuple[str, int, str]]:
    """Run every command on one file: ``(command, exit code, problem or "")``."""
    history = str(work / "history.db")
    argvs: dict[str, list[str]] = {
        "validate": ["validate", "--format", "json", str(path)],
        "export": ["export", str(path)],
        "import": ["import", str(path)],
        "run": ["run", "--history", history, "--format", "json", str(path)],
        "diff": ["diff", str(original), str(path)],
        "test": ["test", "--format", "json", str(path)],
    }
    for command in commands:
        code, stdout, stderr = invoke(argvs[command])
        trouble = ""
        if code == INTERNAL:
            trouble = stderr.strip().splitlines()[-1] if stderr.strip() else "exit 70"
        elif "Traceback (most recent call last)" in stdout + stderr:
            trouble = "traceback printed"
        elif code == 0 and command in ("export", "import") and not _strict_json(stdout):
            trouble = "output is not strict JSON"
        elif command in ("run", "validate") and stdout.strip() and not _strict_json(stdout):
            trouble = "--format json output is not strict JSON"
        yield command, code, trouble


def fuzz(n: int, seed: int, *, keep: Path | None = None, commands: tuple[str, ...] = COMMANDS,
         progress: Callable[[int], None] | None = None) -> tuple[Counter[tuple[str, int]],
                                                                 list[str]]:
    """Mutate ``n`` files and run them; ``(counts per (command, exit), internal errors)``."""
    rng = random.Random(seed)
    seeds = examples()
    counts: Counter[tuple[str, int]] = Counter()
    internal: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pbs-fuzz-") as tmp, small_runs():
        work = Path(tmp)
        originals = {}
        for name, data in seeds:
            originals[name] = work / f"orig-{name}"
            originals[name].write_text(json.dumps(data), encoding="utf-8")
        for index in range(n):
            name, content, _ = mutate(rng, seeds)
            path = work / f"case-{index}.json"
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_bytes(content.encode("utf-8", "surrogatepass"))
            bad = False
            for command, code, trouble in check_file(path, originals[name], work, commands):
                counts[(command, code)] += 1
                if trouble:
                    bad = True
                    internal.append(f"case-{index} ({name}) {command}: {trouble}")
            if bad and keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / path.name).write_bytes(path.read_bytes())
            path.unlink()
            if progress is not None:
                progress(index + 1)
    return counts, internal


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="number of files (10,000)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="copy files that cause internal errors here")
    parser.add_argument("--commands", default=",".join(COMMANDS))
    args = parser.parse_args()
    commands = tuple(c for c in args.commands.split(",") if c)
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 500 == 0:
            print(f"  {done:,} files, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    counts, internal = fuzz(args.n, args.seed, keep=args.keep, commands=commands,
                            progress=progress)
    elapsed = time.perf_counter() - started
    print(f"{args.n:,} files (seed {args.seed}), {sum(counts.values()):,} commands, "
          f"{elapsed:.0f} s")
    codes = sorted({code for _, code in counts})
    print(f"{'command':10}" + "".join(f"{'exit ' + str(c):>10}" for c in codes))
    for command in commands:
        print(f"{command:10}" + "".join(f"{counts[(command, c)]:>10,}" for c in codes))
    total = Counter(code for (_, code), k in counts.items() for _ in range(k))
    print(f"{'all':10}" + "".join(f"{total[c]:>10,}" for c in codes))
    print(f"internal errors: {len(internal)}")
    for line in internal[:50]:
        print(f"  {line}")
    return 1 if internal else 0


if __name__ == "__main__":
    sys.exit(main())
