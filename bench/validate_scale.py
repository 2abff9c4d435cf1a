"""Load + validate at scale: generated 50-, 2,300- and 5,000-state definitions.

Prints figures only (no pass/fail). Targets (issue 18): load + validate a 2,300-state definition
in 20 ms or less as a native document, 35 ms as a server definition (statelint: 142 ms in
process on the equivalent ASL); ``bench/round2.py`` prints them beside the figures. The
definitions are realistic rather than chains of Pass states: blocks of actions with literal and dynamic parameters, a
branch with compound conditions, a parallel containment with two paths, a batch over log
sources, a wait, a custom function, incident creation, on_error retries and fallbacks to one
shared handler, success and failure. Each is written as raw JSON text twice: as a native
document (``*.playbook.json``) and as a server definition (snake_case flat map, whose load also
infers nothing but lays the graph out, as import does).

Phases (median of --repeat runs, ms):
  parse     runtime.jsonio.loads_bounded on the text (size/depth caps, strict JSON)
  model     runtime.loader.playbook_from_data on the parsed data (pydantic, import for server)
  load      parse + model
  validate  runtime.validate.validate_document on the loaded document
  total     load + validate, timed as one (and the best of the runs, for a loaded machine)

Definitions over 50 states get a ``limit.states`` error (the server's limit); that is expected,
the timing is what matters. The layout figures (runtime.layout.layout_definition at 1,000
states, edge crossings by runtime.layout.count_crossings) follow the table.

Usage: python bench/validate_scale.py [--sizes 50,2300,5000] [--repeat 9] [--layout 1000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime.jsonio import loads_bounded  # noqa: E402
from runtime.layout import count_crossings, layout_definition  # noqa: E402
from runtime.loader import playbook_from_data  # noqa: E402
from runtime.validate import validate_document  # noqa: E402

HANDLER = "Handle Error"
DONE = "Done"
NOTIFY = "Notify SOC"
BLOCK = 12


def _handler(kind: str, target: str, *, retry: bool = False) -> list[dict[str, Any]]:
    handler: dict[str, Any] = {"error_type": kind, "fallback": {"next": target}}
    if retry:
        handler["retry"] = {"delay": 5, "attempt": 3, "step_delay": 2}
    return [handler]


def _block(i: int, after: str) -> dict[str, dict[str, Any]]:
    """Twelve states: triage, decide, contain (parallel), per-source batch, wait, enrich, open."""
    p = f"B{i:04d}"
    n = {key: f"{p} {key}" for key in (
        "Get Alerts", "Risk Score", "Decide", "Contain", "Isolate USB", "Warn User",
        "Containment failed", "Each Source", "Fetch Source", "Cool Down", "Enrich", "Open Incident",
    )}
    return {
        n["Get Alerts"]: {
            "type": "action", "action": "get_alerts",
            "parameters": {"query": "$.alert.query", "limit": 100, "severity": ["critical"],
                           "start_time": "$.window.start", "end_time": "2030-01-01T00:00:00Z"},
            "result_path": "$.alerts", "on_error": _handler("timeout_error", HANDLER, retry=True),
            "next": n["Risk Score"]},
        n["Risk Score"]: {
            "type": "action", "action": "risk_score",
            "parameters": {"entity_name": "$.alert.user", "entity_type": 0},
            "result_selector": {"score": "$.data.score"}, "result_path": "$.risk",
            "on_error": _handler("execution_error", HANDLER), "next": n["Decide"]},
        n["Decide"]: {
            "type": "branch",
            "conditions": [
                {"condition": "$.risk.score > 70 && $.alerts.count >= 1", "next": n["Contain"]},
                {"condition": "$.alert.severity == 'critical' || !$.muted", "next": n["Each Source"]},
            ],
            "default": after},
        n["Contain"]: {
            "type": "parallel",
            "paths": [{"name": "usb", "root": n["Isolate USB"]},
                      {"name": "user", "root": n["Warn User"]}],
            "result_path": "$.containment", "next": n["Each Source"]},
        n["Isolate USB"]: {
            "type": "action", "action": "disable_usb",
            "parameters": {"destination_device": "$.alert.host", "dismount_all_drive": True},
            "on_error": [{"error_type": "custom_error", "error_codes": ["10001108"],
                          "fallback": {"next": n["Containment failed"]}}]},
        n["Warn User"]: {
            "type": "action", "action": "send_popup_message",
            "parameters": {"message": "Your session is under review by the SOC.",
                           "destination_device": "$.alert.host"},
            "on_error": _handler("execution_error", n["Containment failed"])},
        n["Containment failed"]: {"type": "pass", "result": {"contained": False},
                                  "result_path": "$.containment_error"},
        n["Each Source"]: {
            "type": "batch", "collection_path": "$.log_sources", "collection_variable": "source",
            "root": n["Fetch Source"], "batch_size": 5, "result_path": "$.sources",
            "next": n["Cool Down"]},
        n["Fetch Source"]: {
            "type": "action", "action": "get_log_sources",
            "parameters": {"log_source": "$.source.name", "limit": 10, "sort": "log_source"}},
        n["Cool Down"]: {"type": "wait", "duration": 60, "next": n["Enrich"]},
        n["Enrich"]: {
            "type": "function", "function_id": "enrich_user",
            "parameters": {"user": "$.alert.user", "depth": 2},
            "on_error": _handler("timeout_error", HANDLER, retry=True), "next": n["Open Incident"]},
        n["Open Incident"]: {
            "type": "action", "action": "create_incident",
            "parameters": {"name": "$.alert.name", "severity": "critical", "status": "open",
                           "description": "Opened by the triage playbook.",
                           "notes": ["auto-triage"], "due_date": "2030-01-01T00:00:00Z"},
            "input_path": "$", "output_path": "$",
            "on_error": _handler("authorization_error", HANDLER), "next": after},
    }


def generate(size: int) -> dict[str, dict[str, Any]]:
    """A definition of exactly ``size`` states (size >= 4)."""
    tail = 3  # Notify SOC (circuit), Handle Error (failure), Done (success)
    blocks = (size - tail) // BLOCK
    fillers = size - tail - blocks * BLOCK
    firsts = [f"B{i:04d} Get Alerts" for i in range(blocks)]
    filler_names = [f"Tag {j:04d}" for j in range(fillers)]
    chain = firsts + filler_names + [NOTIFY]
    definition: dict[str, dict[str, Any]] = {}
    for i in range(blocks):
        definition.update(_block(i, chain[i + 1]))
    for j, name in enumerate(filler_names):
        definition[name] = {"type": "pass", "result": {"tag": j}, "result_path": f"$.tags.t{j}",
                            "next": chain[blocks + j + 1]}
    definition[NOTIFY] = {"type": "circuit", "circuit_id": "notify-soc",
                          "parameters": {"summary": "$.risk"},
                          "on_error": _handler("execution_error", HANDLER), "next": DONE}
    definition[HANDLER] = {"type": "failure", "error": "TriageFailed",
                           "cause": "a step failed after its retries"}
    definition[DONE] = {"type": "success"}
    first = next(iter(definition))
    definition[first] = {"start": True, **definition[first]}
    assert len(definition) == size, (len(definition), size)
    return definition


def native_text(definition: dict[str, Any]) -> str:
    return json.dumps({
        "format": "playbook-studio", "format_version": 1, "name": "Generated triage",
        "description": "", "applies_to": "alert", "log_level": "INFO", "max_runtime": 3600,
        "definition": definition,
        "functions": {"enrich_user": {"source": "def handler(p):\n    return p\n",
                                      "description": ""}},
        "layout": {"positions": {}, "notes": []}, "run_profiles": [],
    }, indent=2)


def timings_ms(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    return statistics.median(timings_ms(fn, repeat))


def measure(text: str, repeat: int) -> dict[str, float]:
    data = loads_bounded(text)
    doc = playbook_from_data(data).document

    def total() -> None:
        validate_document(playbook_from_data(loads_bounded(text)).document)

    totals = timings_ms(total, repeat)
    return {
        "parse": median_ms(lambda: loads_bounded(text), repeat),
        "model": median_ms(lambda: playbook_from_data(data), repeat),
        "load": median_ms(lambda: playbook_from_data(loads_bounded(text)), repeat),
        "validate": median_ms(lambda: validate_document(doc), repeat),
        "total": statistics.median(totals),
        "best": min(totals),
    }


def summary(text: str) -> str:
    problems = validate_document(playbook_from_data(loads_bounded(text)).document)
    counts = Counter(p.code for p in problems)
    return ", ".join(f"{code} ×{n}" for code, n in sorted(counts.items())) or "clean"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,2300,5000")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--layout", type=int, default=1000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    validate_document(playbook_from_data(loads_bounded(native_text(generate(50)))).document)
    print(f"load + validate, median of {args.repeat} runs, ms (targets at 2,300: ≤ 20 ms native, ≤ 35 ms server)")
    print(f"{'states':>7} {'form':7} {'KiB':>7} {'parse':>8} {'model':>8} {'load':>8} "
          f"{'validate':>9} {'total':>8} {'(best)':>8}  problems")
    for size in sizes:
        definition = generate(size)
        for form, text in (("native", native_text(definition)),
                           ("server", json.dumps(definition, indent=2))):
            m = measure(text, args.repeat)
            print(f"{size:>7,} {form:7} {len(text.encode()) / 1024:>7,.0f} {m['parse']:>8.1f} "
                  f"{m['model']:>8.1f} {m['load']:>8.1f} {m['validate']:>9.1f} "
                  f"{m['total']:>8.1f} {m['best']:>8.1f}  {summary(text)}")

    definition = playbook_from_data(loads_bounded(native_text(generate(args.layout)))).document
    states = definition.definition
    start = definition.start_state()
    layout_ms = median_ms(lambda: layout_definition(states, start), max(3, args.repeat // 3))
    result = layout_definition(states, start)
    crossings = count_crossings(states, result.positions)
    print()
    print(f"layout, {len(states):,} states: {layout_ms:.1f} ms (budget ≤ 100 ms), "
          f"{len(result.layers)} layers, {crossings:,} edge crossings "
          "(target: ≤ dot's on every bench graph; bench/round2.py compares)")


if __name__ == "__main__":
    main()
