"""The peers of issue 18, measured in the same run as ours: statelint, asl-validator and moto.

Nothing is installed unless asked: ``--install`` creates ``bench/peers/.venv`` (gitignored)
with ``moto[stepfunctions]==5.2.5`` and ``statelint==3.1.0`` from the package index pip is
configured with, and, when ``npm`` works, ``asl-validator@4.0.0`` into
``bench/peers/node_modules``. Without ``--install`` a peer that is not installed is reported
as such. Never run by ``make test``; prints figures only.

Figures (best of ``--repeat``; the machine is shared):
  validate, whole process, 2,300 states: ``playbook validate`` (native and server files)
      beside ``statelint FILE`` and ``asl-validator --json-path FILE`` on the equivalent ASL
      (the same 12-state blocks written as Task/Choice/Parallel/Map/Wait/Pass states with
      Retry/Catch to one shared Fail state; a Parallel path's fallback target is copied into
      each branch, so an ASL block has 13 states; Pass fillers make 2,300 in all);
  validate, in process: our load + validate beside ``statelint``'s ``Linter.validate``;
  executions/s, 10-state Pass chain: ours (inline history, writer thread) beside moto's
      Step Functions interpreter through its API (create, start, poll until finished);
  transitions/s, a chain of ``--chain`` Pass states: ours (10,000 states, history
      persisted) beside moto's (default 1,000 states: moto runs 2-4 k/s, so 10,000 would take
      several seconds a run; the rate is what compares).

Usage: python bench/peers/run.py [--install] [--repeat 5] [--executions 100] [--chain 1000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import round2  # noqa: E402

VENV = HERE / ".venv"
PEER_PYTHON = VENV / "bin" / "python"
ASL_VALIDATOR = HERE / "node_modules" / ".bin" / "asl-validator"
PACKAGES = ["moto[stepfunctions]==5.2.5", "statelint==3.1.0"]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


# -- installing, only when asked --------------------------------------------------------------

def install() -> None:
    """Create the peers' venv and node_modules here (idempotent)."""
    if not PEER_PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(PEER_PYTHON), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    if shutil.which("npm") is None:
        print("npm not found: asl-validator is skipped")
        return
    done = subprocess.run(["npm", "install", "--prefix", str(HERE), "--no-audit", "--no-fund",
                           "asl-validator@4.0.0"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"npm install asl-validator failed (skipped): {done.stderr.strip()[-300:]}")


# -- the equivalent ASL -------------------------------------------------------------------------

def _task(resource: str, nxt: str | None, *, retry: bool = False, catch: str | None = None,
          **extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": ARN + resource, **extra}
    if retry:
        state["Retry"] = [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 5,
                           "MaxAttempts": 3, "BackoffRate": 2.0}]
    if catch is not None:
        state["Catch"] = [{"ErrorEquals": ["States.TaskFailed"], "Next": catch,
                           "ResultPath": "$.error"}]
    if nxt is None:
        state["End"] = True
    else:
        state["Next"] = nxt
    return state


def _branch(root: str, resource: str, params: dict[str, Any]) -> dict[str, Any]:
    failed = f"{root} failed"
    return {"StartAt": root, "States": {
        root: _task(resource, None, catch=failed, Parameters=params),
        failed: {"Type": "Pass", "Result": {"contained": False},
                 "ResultPath": "$.containment_error", "End": True},
    }}


def _asl_block(i: int, after: str) -> dict[str, Any]:
    """bench/validate_scale.py's block as ASL (13 states: see the module doc)."""
    p = f"B{i:04d}"
    n = {k: f"{p} {k}" for k in ("Get Alerts", "Risk Score", "Decide", "Contain",
                                 "Each Source", "Cool Down", "Enrich", "Open Incident")}
    handler = "Handle Error"
    return {
        n["Get Alerts"]: _task("get_alerts", n["Risk Score"], retry=True, catch=handler,
                               Parameters={"query.$": "$.alert.query", "limit": 100,
                                           "severity": ["critical"],
                                           "start_time.$": "$.window.start",
                                           "end_time": "2030-01-01T00:00:00Z"},
                               ResultPath="$.alerts"),
        n["Risk Score"]: _task("risk_score", n["Decide"], catch=handler,
                               Parameters={"entity_name.$": "$.alert.user", "entity_type": 0},
                               ResultSelector={"score.$": "$.data.score"}, ResultPath="$.risk"),
        n["Decide"]: {"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.risk.score", "NumericGreaterThan": 70},
                     {"Variable": "$.alerts.count", "NumericGreaterThanEquals": 1}],
             "Next": n["Contain"]},
            {"Or": [{"Variable": "$.alert.severity", "StringEquals": "critical"},
                    {"Not": {"Variable": "$.muted", "BooleanEquals": True}}],
             "Next": n["Each Source"]}],
            "Default": after},
        n["Contain"]: {"Type": "Parallel", "Branches": [
            _branch(f"{p} Isolate USB", "disable_usb",
                    {"destination_device.$": "$.alert.host", "dismount_all_drive": True}),
            _branch(f"{p} Warn User", "send_popup_message",
                    {"message": "Your session is under review by the SOC.",
                     "destination_device.$": "$.alert.host"})],
            "ResultPath": "$.containment", "Next": n["Each Source"]},
        n["Each Source"]: {"Type": "Map", "ItemsPath": "$.log_sources", "MaxConcurrency": 5,
                           "ResultPath": "$.sources", "Next": n["Cool Down"],
                           "Iterator": {"StartAt": f"{p} Fetch Source", "States": {
                               f"{p} Fetch Source": _task(
                                   "get_log_sources", None,
                                   Parameters={"log_source.$": "$.name", "limit": 10,
                                               "sort": "log_source"})}}},
        n["Cool Down"]: {"Type": "Wait", "Seconds": 60, "Next": n["Enrich"]},
        n["Enrich"]: _task("enrich_user", n["Open Incident"], retry=True, catch=handler,
                           Parameters={"user.$": "$.alert.user", "depth": 2}),
        n["Open Incident"]: _task("create_incident", after, catch=handler,
                                  Parameters={"name.$": "$.alert.name", "severity": "critical",
                                              "status": "open", "notes": ["auto-triage"]},
                                  InputPath="$", OutputPath="$"),
    }


def asl_definition(size: int) -> dict[str, Any]:
    """An ASL state machine with ``size`` states in all (nested ones counted)."""
    blocks = (size - 3) // 13
    fillers = size - 3 - blocks * 13
    firsts = [f"B{i:04d} Get Alerts" for i in range(blocks)]
    names = firsts + [f"Tag {j:04d}" for j in range(fillers)] + ["Notify SOC"]
    states: dict[str, Any] = {}
    for i in range(blocks):
        states.update(_asl_block(i, names[i + 1]))
    for j in range(fillers):
        states[f"Tag {j:04d}"] = {"Type": "Pass", "Result": {"tag": j},
                                  "ResultPath": f"$.tags.t{j}", "Next": names[blocks + j + 1]}
    states["Notify SOC"] = _task("notify_soc", "Done", catch="Handle Error",
                                 Parameters={"summary.$": "$.risk"})
    states["Handle Error"] = {"Type": "Fail", "Error": "TriageFailed",
                              "Cause": "a step failed after its retries"}
    states["Done"] = {"Type": "Succeed"}
    return {"Comment": "bench/validate_scale.py's generated triage, as ASL",
            "StartAt": names[0], "States": states}


def pass_chain(states: int) -> dict[str, Any]:
    chain = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(states - 1)}
    chain[f"S{states - 1}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "S0", "States": chain}


# -- peer measurements (run in the peers' venv) -------------------------------------------------

STATELINT_IN_PROCESS = r"""
import sys, time
from statelint.config import Config
from statelint.linter import Linter
path, repeat = sys.argv[1], int(sys.argv[2])
config = Config([], False, False)
problems = Linter.validate(path, config)
best = min((lambda t: (Linter.validate(path, config), time.perf_counter() - t)[1])(
    time.perf_counter()) for _ in range(repeat))
print(f"{best * 1000:.2f} {len(problems)}")
"""

MOTO = r"""
import json, sys, time
import boto3
from moto import mock_aws
definition_10, definition_chain = sys.argv[1], sys.argv[2]
executions, repeat, chain = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

names = iter(range(10**9))

def start(client, arn):
    return client.start_execution(stateMachineArn=arn, name=f"e{next(names)}")["executionArn"]

def wait(client, arn):
    while True:
        status = client.describe_execution(executionArn=arn)["status"]
        if status != "RUNNING":
            return status
        time.sleep(0.0005)

with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
    client = boto3.client("stepfunctions", region_name="us-east-1")
    role = "arn:aws:iam::123456789012:role/bench"
    ten = client.create_state_machine(name="ten", definition=definition_10,
                                      roleArn=role)["stateMachineArn"]
    long = client.create_state_machine(name="chain", definition=definition_chain,
                                       roleArn=role)["stateMachineArn"]
    assert wait(client, start(client, ten)) == "SUCCEEDED"
    best_rate = 0.0
    for _ in range(repeat):
        began = time.perf_counter()
        for _ in range(executions):
            status = wait(client, start(client, ten))
        best_rate = max(best_rate, executions / (time.perf_counter() - began))
    best_chain = 0.0
    for _ in range(max(1, repeat // 2)):
        began = time.perf_counter()
        status = wait(client, start(client, long))
        best_chain = max(best_chain, chain / (time.perf_counter() - began))
    print(f"{best_rate:.1f} {best_chain:.1f} {status}")
"""


def peer_python(code: str, *args: str, timeout: float = 900) -> str | None:
    if not PEER_PYTHON.exists():
        return None
    done = subprocess.run([str(PEER_PYTHON), "-c", code, *args], capture_output=True,
                          text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        print(f"  (peer run failed: {done.stderr.strip()[-400:]})")
        return None
    return done.stdout.strip()


def line(what: str, ours: str, peer: str, target: str, ok: bool | None) -> None:
    mark = "" if ok is None else round2.verdict(ok)
    print(f"  {what:46} {ours:>20} {peer:>30} {target:>16}  {mark}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true",
                        help="create bench/peers/.venv and node_modules first")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--states", type=int, default=2300)
    parser.add_argument("--executions", type=int, default=100)
    parser.add_argument("--chain", type=int, default=1000)
    args = parser.parse_args()
    if args.install:
        install()
    if not PEER_PYTHON.exists():
        print("The peers are not installed: run with --install (creates bench/peers/.venv).")
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        folder = Path(tmp)
        asl = folder / "generated.asl.json"
        definition = asl_definition(args.states)
        asl.write_text(json.dumps(definition, indent=2))
        print(f"Issue 18 against the peers: best of {args.repeat} runs "
              f"(ASL file: {args.states:,} states, {asl.stat().st_size / 1024:,.0f} KiB)")
        print(f"  {'measure':46} {'ours':>20} {'peer':>30} {'target':>16}")

        ours_process = round2.measure_validate_process(folder, args.states, args.repeat)
        statelint_ms = None
        if (VENV / "bin" / "statelint").exists():
            statelint_ms = round2.time_process([str(VENV / "bin" / "statelint"), str(asl)],
                                               args.repeat)
        validator_ms = None
        if ASL_VALIDATOR.exists():
            validator_ms = round2.time_process([str(ASL_VALIDATOR), "--json-path", str(asl)],
                                               args.repeat)
        for form in ("native", "server"):
            line(f"validate, whole process, {form}", f"{ours_process[form]:.0f} ms",
                 "-" if statelint_ms is None else f"statelint {statelint_ms:.0f} ms",
                 "<= 110 ms", ours_process[form] <= 110)
            if statelint_ms is not None:  # the target's meaning: half of statelint's time
                share = ours_process[form] / statelint_ms
                line("  share of statelint's time, same run", f"{share:.2f}x", "",
                     "<= 0.50x", share <= 0.5)
        if validator_ms is not None:
            line("", "", f"asl-validator {validator_ms:.0f} ms", "", None)

        ours_in = round2.measure_in_process(args.states, args.repeat)
        out = peer_python(STATELINT_IN_PROCESS, str(asl), str(args.repeat))
        peer = "-" if out is None else f"statelint {float(out.split()[0]):.1f} ms"
        line("load + validate in process, native", f"{ours_in['native']:.1f} ms", peer,
             "<= 20 ms", ours_in["native"] <= 20)
        line("load + validate in process, server", f"{ours_in['server']:.1f} ms", "",
             "<= 35 ms", ours_in["server"] <= 35)

        ours_ex = round2.measure_executions(max(1, args.repeat // 2))
        moto = peer_python(MOTO, json.dumps(pass_chain(10)), json.dumps(pass_chain(args.chain)),
                           str(args.executions), str(max(1, args.repeat // 2)), str(args.chain))
        moto_ex, moto_chain = (None, None) if moto is None else map(float, moto.split()[:2])
        line("executions/s, 10 states, inline history", f"{ours_ex['inline']:,.0f}/s",
             "-" if moto_ex is None else f"moto API {moto_ex:,.0f}/s", ">= 10,000/s",
             ours_ex["inline"] >= 10_000)
        line("executions/s, 10 states, writer thread", f"{ours_ex['writer']:,.0f}/s", "",
             ">= 20,000/s", ours_ex["writer"] >= 20_000)
        ours_chain = round2.measure_chain(max(1, args.repeat // 2))
        line("transitions/s, chain, history persisted", f"{ours_chain:,.0f}/s",
             "-" if moto_chain is None else f"moto {moto_chain:,.0f}/s ({args.chain:,})",
             ">= 300,000/s", ours_chain >= 300_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
