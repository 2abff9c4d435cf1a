"""Data-flow lint at the server's 50-state limit: inference + rules, per call.

Prints figures only (no pass/fail). Budget (issue 20): ≤ 20 ms for a 50-state playbook, so
the lint can run on every edit.

The playbook is generated with a realistic shape: a branch on the trigger payload fans into
lanes of segments (Get Alerts with a result path, a Pass, a branch whose two actions rejoin,
a parallel with two paths, a batch over the alerts with a body reading the item), every action
reading ``$.`` paths, every action outside a body falling back to one shared error handler,
and a run profile with a payload and a mocked Function.

Usage: python bench/dataflow_lint.py [--states 50] [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime.catalog import load_catalog  # noqa: E402
from runtime.dataflow import check_dataflow, infer  # noqa: E402
from runtime.model.document import PlaybookDocument  # noqa: E402

PAYLOAD = {"alert": {"host": "WS-1", "user": "bob", "severity": "critical",
                     "uuids": ["a", "b"]}, "tenant": {"name": "acme"}}
GUARD = [{"error_type": "execution_error", "fallback": {"next": "Handle error"}}]


def _segment(i: int, nxt: str) -> dict[str, Any]:
    p = f"S{i}"
    return {
        f"{p} alerts": {"type": "action", "action": "get_alerts",
                        "parameters": {"query": "$.alert.user", "limit": 10},
                        "result_path": f"$.r{i}", "on_error": GUARD, "next": f"{p} mark"},
        f"{p} mark": {"type": "pass", "result": {"stage": i}, "result_path": f"$.mark{i}",
                      "next": f"{p} route"},
        f"{p} route": {"type": "branch", "default": f"{p} low",
                       "conditions": [{"condition": f"$.r{i}.meta.total_items > 0",
                                       "next": f"{p} high"}]},
        f"{p} high": {"type": "function", "function_id": "enrich",
                      "parameters": {"host": "$.alert.host"}, "result_path": f"$.fn{i}",
                      "next": f"{p} fan"},
        f"{p} low": {"type": "pass", "next": f"{p} fan"},
        f"{p} fan": {"type": "parallel", "result_path": f"$.par{i}", "next": f"{p} each",
                     "paths": [{"name": "ping", "root": f"{p} ping"},
                               {"name": "score", "root": f"{p} score"}]},
        f"{p} ping": {"type": "action", "action": "ping_device",
                      "parameters": {"destination_device": "$.alert.host"}, "next": "End"},
        f"{p} score": {"type": "wait", "duration": 5, "next": "End"},
        f"{p} each": {"type": "batch", "collection_path": f"$.r{i}.data",
                      "collection_variable": "al", "batch_size": 5, "root": f"{p} body",
                      "result_path": f"$.batch{i}", "next": nxt},
        f"{p} body": {"type": "action", "action": "ping_device",
                      "parameters": {"destination_device": "$.al.host"}, "next": "End"},
    }


def playbook(states: int) -> PlaybookDocument:
    definition: dict[str, Any] = {
        "Start": {"start": True, "type": "branch", "default": "S0 alerts",
                  "conditions": [{"condition": "$.alert.severity == 'critical'",
                                  "next": "S0 alerts"}]},
        "Handle error": {"type": "failure", "error": "Failed", "cause": "an action failed"},
        "Done": {"type": "success"},
    }
    segments = max(1, (states - 3) // 10)
    for i in range(segments):
        definition.update(_segment(i, f"S{i + 1} alerts" if i + 1 < segments else "Tail 0"))
    tail = max(1, states - len(definition))
    for j in range(tail):  # plain Pass states up to the requested size
        definition[f"Tail {j}"] = {"type": "pass", "next": f"Tail {j + 1}" if j + 1 < tail
                                   else "Done"}
    profile = {"name": "p", "payload": PAYLOAD,
               "mocks": {f"S{i} high": [{"output": {"score": 7}}] for i in range(segments)}}
    return PlaybookDocument.model_validate(
        {"definition": definition, "functions": {"enrich": {"source": "def handler(p):\n"
                                                             "    return p\n"}},
         "run_profiles": [profile]})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--states", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    catalog = load_catalog()
    doc = playbook(args.states)
    problems = check_dataflow(doc, catalog)
    times, infer_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        infer(doc, catalog)
        t1 = time.perf_counter()
        check_dataflow(doc, catalog)
        t2 = time.perf_counter()
        infer_times.append((t1 - t0) * 1000)
        times.append((t2 - t1) * 1000)
    nodes = max(len(s.nodes) for s in infer(doc, catalog).inputs.values())
    print(f"states: {len(doc.definition)}  problems: {len(problems)}  "
          f"largest input shape: {nodes} paths")
    print(f"infer only:       median {statistics.median(infer_times):6.2f} ms  "
          f"p95 {sorted(infer_times)[int(0.95 * len(infer_times))]:6.2f} ms")
    print(f"lint (infer+rules): median {statistics.median(times):6.2f} ms  "
          f"p95 {sorted(times)[int(0.95 * len(times))]:6.2f} ms  (budget 20 ms)")


if __name__ == "__main__":
    main()
