"""Issue 18 ("performance, second round"): every row of its table, measured now, beside the
figure the issue started from and the target, with met / not met.

Prints figures only; nothing here is a test. The machine is shared (2 cores), so each figure
is the best (minimum time, maximum rate) of ``--repeat`` runs: the run least disturbed by
others. The peers' figures (statelint, asl-validator, moto) are measured by
``bench/peers/run.py``, which installs them into its own folder when asked and prints them
beside these.

Rows:
  validate process   ``python -m runtime.cli validate FILE`` as a whole process, 2,300 states
                     (bytecode cached, as an installed copy has it)
  load + validate    in process, native document and server definition, 2,300 states
  growth 1k -> 10k   load + validate (native) and auto-layout, time at 10,000 / time at 1,000
  executions/s       10-state playbook, sequential, history file inline / with writer thread
  transitions/s      10,000-state pass chain, history at INFO persisted (flushed in the timing)
  layout             crossings against Graphviz dot on every bench graph (dot when installed),
                     and time at 1,000 states

Usage: python bench/round2.py [--repeat 5] [--skip process,layout,...]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from validate_process import write_files  # noqa: E402
from validate_scale import generate, native_text  # noqa: E402

from runtime.catalog import load_catalog  # noqa: E402
from runtime.jsonio import loads_bounded  # noqa: E402
from runtime.layout import count_crossings, flow_graph, layout_definition  # noqa: E402
from runtime.loader import playbook_from_data  # noqa: E402
from runtime.validate import validate_document  # noqa: E402

#: The issue's "today" column (its measurements, before this round).
BEFORE = {
    "validate process": "241 ms",
    "load+validate native": "48.5 ms",
    "load+validate server": "106 ms",
    "growth validate": "22x",
    "growth layout": "22x",
    "executions inline": "5.2k/s",
    "executions writer": "-",
    "chain transitions": "160k/s",
    "layout crossings": "24 (canvas graph)",
}


def best_ms(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def process_env(folder: Path) -> dict[str, str]:
    """The environment of a user's ``playbook`` process: bytecode cached (outside the tree)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    env["PYTHONPATH"] = str(ROOT)
    return env


def time_process(argv: list[str], repeat: int, env: dict[str, str] | None = None,
                 cwd: Path | None = None) -> float:
    """Best wall time of a whole process, ms (one unmeasured run first warms the caches)."""
    subprocess.run(argv, capture_output=True, env=env, cwd=cwd, check=False)
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        subprocess.run(argv, capture_output=True, env=env, cwd=cwd, check=False)
        best = min(best, time.perf_counter() - began)
    return best * 1000


def measure_validate_process(folder: Path, states: int, repeat: int) -> dict[str, float]:
    files = write_files(folder, states)
    env = process_env(folder)
    return {form: time_process([sys.executable, "-m", "runtime.cli", "validate", str(path)],
                               repeat, env, ROOT)
            for form, path in files.items()}


def load_and_validate(text: str) -> None:
    """What ``playbook validate`` does with a file's text (no layout: nothing is drawn)."""
    validate_document(playbook_from_data(loads_bounded(text), layout=False).document)


def measure_in_process(states: int, repeat: int) -> dict[str, float]:
    load_catalog()
    definition = generate(states)
    texts = {"native": native_text(definition), "server": json.dumps(definition, indent=2)}
    return {form: best_ms(lambda t=text: load_and_validate(t), repeat)  # type: ignore[misc]
            for form, text in texts.items()}


def measure_growth(repeat: int) -> dict[str, float]:
    small, large = generate(1000), generate(10_000)
    validate_ratio = (best_ms(lambda: load_and_validate(native_text(large)), max(2, repeat // 2))
                      / best_ms(lambda: load_and_validate(native_text(small)), repeat))
    docs = [playbook_from_data(loads_bounded(native_text(d))).document for d in (small, large)]
    times = [best_ms(lambda d=d: layout_definition(d.definition, d.start_state()),  # type: ignore[misc]
                     max(2, repeat // 2)) for d in docs]
    return {"validate": validate_ratio, "layout": times[1] / times[0]}


def measure_executions(repeat: int, executions: int = 2000) -> dict[str, float]:
    from runtime_throughput import PAYLOAD, chain_definition, compile_definition

    from runtime.engine import Engine, RunOptions
    from runtime.history import HistoryStore

    playbook = compile_definition(chain_definition(10), "ten")
    options = RunOptions(payload=PAYLOAD, log_level="INFO")
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="round2-") as tmp:
        for label, background in (("inline", False), ("writer", True)):
            best = float("inf")
            for round_ in range(repeat):
                store = HistoryStore(Path(tmp) / f"{label}-{round_}.sqlite3",
                                     background=background)

                async def body(engine: Engine) -> None:
                    for _ in range(executions):
                        await engine.run(playbook, options)

                began = time.perf_counter()
                asyncio.run(body(Engine(store)))
                store.flush()
                best = min(best, time.perf_counter() - began)
                store.close()
            rates[label] = executions / best
    return rates


def measure_chain(repeat: int, states: int = 10_000) -> float:
    from runtime_throughput import PAYLOAD, chain_definition, compile_definition

    from runtime.engine import Engine, RunOptions
    from runtime.history import HistoryStore

    playbook = compile_definition(chain_definition(states), "chain")
    options = RunOptions(payload=PAYLOAD, log_level="INFO", max_transitions=10**9)
    best = float("inf")
    with tempfile.TemporaryDirectory(prefix="round2-") as tmp, \
            HistoryStore(Path(tmp) / "chain.sqlite3") as store:
        for _ in range(repeat):
            began = time.perf_counter()
            result = asyncio.run(Engine(store).run(playbook, options))
            store.flush()
            best = min(best, time.perf_counter() - began)
            assert result.status == "success", result.message
    return states / best


# -- layout against dot ----------------------------------------------------------------------

def bench_graphs() -> dict[str, Any]:
    """Every definition the benches lay out: name -> (definition, start)."""
    from runtime.model import load_document

    graphs: dict[str, Any] = {}
    doc = playbook_from_data(loads_bounded(native_text(generate(1000)))).document
    graphs["validate_scale 1,000"] = doc
    spec = importlib.util.spec_from_file_location("canvas_scale", ROOT / "bench" / "canvas_scale.py")
    if spec is not None and spec.loader is not None:
        try:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)  # imports PySide6 (offscreen); only to generate
            graphs["canvas_scale 1,000"] = playbook_from_data(module.generate(1000)).document
        except ImportError:
            pass
    dataflow_spec = importlib.util.spec_from_file_location(
        "dataflow_lint", ROOT / "bench" / "dataflow_lint.py")
    if dataflow_spec is not None and dataflow_spec.loader is not None:
        module = importlib.util.module_from_spec(dataflow_spec)
        dataflow_spec.loader.exec_module(module)
        graphs["dataflow_lint 50"] = module.playbook(50)
    for path in sorted((ROOT / "resources" / "examples").glob("*.playbook.json")):
        graphs[f"example {path.name.split('.')[0]}"] = load_document(path)
    return {name: doc for name, doc in graphs.items() if doc is not None}


def dot_crossings(doc: Any) -> int | None:
    """Crossings of Graphviz dot's left-to-right layout of the same control-flow graph."""
    if shutil.which("dot") is None:
        return None
    graph = flow_graph(doc.definition)
    names = {name: f"n{i}" for i, name in enumerate(graph.nodes)}
    lines = ["digraph G { rankdir=LR;"]
    lines += [f"{names[n]};" for n in graph.nodes]
    lines += [f"{names[u]} -> {names[v]};" for u, v in graph.edges]
    lines.append("}")
    done = subprocess.run(["dot", "-Tplain"], input="\n".join(lines), capture_output=True,
                          text=True, timeout=600, check=False)
    if done.returncode != 0:
        return None
    back = {v: k for k, v in names.items()}
    positions: dict[str, tuple[float, float]] = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            positions[back[parts[1]]] = (round(float(parts[2]), 2), -float(parts[3]))
    return count_crossings(doc.definition, positions)


def measure_layout(repeat: int) -> list[tuple[str, int, int | None, float]]:
    """Per bench graph: (name, our crossings, dot's crossings, our layout ms)."""
    rows = []
    for name, doc in bench_graphs().items():
        start = doc.start_state()
        result = layout_definition(doc.definition, start)
        ours = count_crossings(doc.definition, result.positions)
        took = best_ms(lambda d=doc, s=start: layout_definition(d.definition, s), repeat)  # type: ignore[misc]
        rows.append((name, ours, dot_crossings(doc), took))
    return rows


# -- the table -------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def row(measure: str, before: str, now: str, target: str, ok: bool | None) -> None:
    mark = "" if ok is None else verdict(ok)
    print(f"  {measure:44} {before:>18} {now:>22} {target:>22}  {mark}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip", default="", help="comma-separated: process,inprocess,"
                        "growth,executions,chain,layout")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    print(f"Issue 18, second round: best of {args.repeat} runs on a shared machine "
          f"({os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start)")
    print(f"  {'measure':44} {'issue (before)':>18} {'now':>22} {'target':>22}")
    with tempfile.TemporaryDirectory(prefix="round2-") as tmp:
        if "process" not in skip:
            p = measure_validate_process(Path(tmp), 2300, args.repeat)
            row("playbook validate, process, 2,300, native", BEFORE["validate process"],
                f"{p['native']:.0f} ms", "<= 110 ms", p["native"] <= 110)
            row("playbook validate, process, 2,300, server", "-", f"{p['server']:.0f} ms",
                "<= 110 ms", p["server"] <= 110)
    if "inprocess" not in skip:
        m = measure_in_process(2300, args.repeat)
        row("load + validate in process, native", BEFORE["load+validate native"],
            f"{m['native']:.1f} ms", "<= 20 ms", m["native"] <= 20)
        row("load + validate in process, server", BEFORE["load+validate server"],
            f"{m['server']:.1f} ms", "<= 35 ms", m["server"] <= 35)
    if "growth" not in skip:
        g = measure_growth(args.repeat)
        row("growth 1k -> 10k, load + validate", BEFORE["growth validate"],
            f"{g['validate']:.1f}x", "<= 11x", g["validate"] <= 11)
        row("growth 1k -> 10k, layout", BEFORE["growth layout"], f"{g['layout']:.1f}x",
            "<= 11x", g["layout"] <= 11)
    if "executions" not in skip:
        e = measure_executions(args.repeat)
        row("executions/s, 10 states, inline history", BEFORE["executions inline"],
            f"{e['inline']:,.0f}/s", ">= 10,000/s", e["inline"] >= 10_000)
        row("executions/s, 10 states, writer thread", BEFORE["executions writer"],
            f"{e['writer']:,.0f}/s", ">= 20,000/s", e["writer"] >= 20_000)
    if "chain" not in skip:
        c = measure_chain(args.repeat)
        row("transitions/s, 10k chain, history persisted", BEFORE["chain transitions"],
            f"{c:,.0f}/s", ">= 300,000/s", c >= 300_000)
    if "layout" not in skip:
        for name, ours, dot, took in measure_layout(max(3, args.repeat)):
            ok = None if dot is None else ours <= dot
            row(f"layout crossings, {name}", "", f"{ours} ({took:.0f} ms)",
                "<= dot" + ("" if dot is None else f" ({dot})"), ok)
        if shutil.which("dot") is None:
            print("  (Graphviz dot is not installed: apt-get install graphviz for its column)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
