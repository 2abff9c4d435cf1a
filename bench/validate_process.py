"""``playbook validate`` as a whole process: interpreter start, imports, load, validate, report.

Writes the generated 2,300-state definition of ``bench/validate_scale.py`` as a native file and
as a server definition into a temporary folder and runs ``python -m runtime.cli validate FILE``
``--repeat`` times each; prints the minimum (the machine is shared, so the minimum is the figure
least disturbed by others) and the median. Prints figures only. Target (issue 18): ≤ 110 ms,
half of statelint's whole-process time on the equivalent ASL (``bench/peers/peers.py``).

Usage: python bench/validate_process.py [--states 2300] [--repeat 9]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from validate_scale import generate, native_text  # noqa: E402


def write_files(folder: Path, states: int) -> dict[str, Path]:
    """The native and server files of a generated definition of ``states`` states."""
    definition = generate(states)
    native = folder / f"generated-{states}.playbook.json"
    native.write_text(native_text(definition))
    server = folder / f"generated-{states}.json"
    server.write_text(json.dumps(definition, indent=2))
    return {"native": native, "server": server}


#: As an installed copy runs: byte code cached (PYTHONDONTWRITEBYTECODE would make every start
#: compile the sources it imports, about 50 ms here).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def process_times_ms(argv: list[str], repeat: int) -> list[float]:
    """Wall times of ``repeat`` runs of a command (after one warm-up run, which also writes
    the byte code cache)."""
    def run() -> None:
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                       env=ENV)

    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def validate_process_ms(path: Path, repeat: int) -> list[float]:
    return process_times_ms([sys.executable, "-m", "runtime.cli", "validate", str(path)], repeat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=2300)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ps-validate-") as folder:
        files = write_files(Path(folder), args.states)
        bare = process_times_ms([sys.executable, "-c", "pass"], args.repeat)
        print(f"playbook validate as a process, {args.states:,} states, ms "
              f"(min and median of {args.repeat}; target ≤ 110 ms)")
        print(f"  {'bare interpreter':<10} min {min(bare):6.1f}  median {statistics.median(bare):6.1f}")
        for form, path in files.items():
            times = validate_process_ms(path, args.repeat)
            print(f"  {form:<16} min {min(times):6.1f}  median {statistics.median(times):6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
