"""The Qt-free ring stays Qt-free: importing ``runtime`` loads no PySide6 (nor qasync).

Runs in a fresh interpreter (the test process itself may have Qt loaded by designer tests). The
listed entry points are imported, then every module under ``runtime`` (so a Qt import anywhere in
the package is caught, not only on the CLI's path), and the ``playbook`` parser is built. A
control run importing PySide6 shows the check can fail.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, json, pkgutil, sys
import runtime, runtime.cli, runtime.engine, runtime.validate, runtime.serverformat
imported = []
for info in pkgutil.walk_packages(runtime.__path__, "runtime."):
    importlib.import_module(info.name)
    imported.append(info.name)
runtime.cli.build_parser()
EXTRA
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "qasync", "shiboken6"))
print(json.dumps({"imported": imported, "qt": bad}))
"""


def _probe(extra: str = "") -> dict[str, list[str]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, "-c", PROBE.replace("EXTRA", extra)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_runtime_imports_no_qt() -> None:
    report = _probe()
    for module in ("runtime.cli", "runtime.engine.interpreter", "runtime.validate.graph",
                   "runtime.serverformat.camel", "runtime.layout", "runtime.loader"):
        assert module in report["imported"]
    assert report["qt"] == [], f"runtime pulled in Qt modules: {report['qt']}"


@pytest.mark.skipif(importlib.util.find_spec("PySide6") is None, reason="PySide6 not installed")
def test_the_probe_would_see_qt() -> None:
    report = _probe("import PySide6.QtCore")
    assert "PySide6.QtCore" in report["qt"]
