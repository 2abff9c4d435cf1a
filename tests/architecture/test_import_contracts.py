"""The rings of DESIGN.md are enforced by import-linter contracts in pyproject.toml.

``make test`` runs ``lint-imports``; these tests show that the contracts hold on the real tree
and that each one breaks (non-zero exit, contract named) on a tree with a forbidden import, so
a newcomer's stray import fails the build instead of slipping through.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"

# A miniature of the project: every package the contracts name, each allowed import present
# so the graph knows the external packages.
BASE_TREE = {
    "runtime/__init__.py": "",
    "runtime/engine.py": "import json\n",
    "runtime/model/__init__.py": "",
    **{f"runtime/model/{name}.py": "import json\n" for name in (
        "base", "states", "document", "assertions", "fastbuild", "io", "migrations")},
    "runtime/model/mirror.py": "import pydantic\n",
    "designer/__init__.py": "",
    "designer/app.py": "import qasync\nimport PySide6\nimport shiboken6\nimport designer.run\n",
    "designer/main_window.py": "import designer.canvas\n",
    "designer/document/__init__.py": "import runtime.engine\n",
    "designer/document/edits.py": "import designer.document\n",
    "designer/canvas/__init__.py": "import PySide6\nimport designer.document\n",
    "designer/inspector/__init__.py": "import designer.document\n",
    "designer/palette/__init__.py": "import PySide6\n",
    "designer/run/__init__.py": "import designer.canvas\n",
}


def _config() -> str:
    """The [tool.importlinter] table of the real pyproject.toml, as its own file."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    table = data["tool"]["importlinter"]
    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {_toml(v)}" for k, v in table.items() if k != "contracts"]
    for contract in table["contracts"]:
        lines.append("[[tool.importlinter.contracts]]")
        lines += [f"{k} = {_toml(v)}" for k, v in contract.items()]
    return "\n".join(lines) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value) + '"'


def _lint(root: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([LINT, "--no-cache", "--no-logo", str(config)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _tree(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    for rel, text in {**BASE_TREE, **extra}.items():
        target = tmp_path / "src" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = tmp_path / "contracts.toml"
    config.write_text(_config(), encoding="utf-8")
    # Stand-ins for the external packages, so grimp can tell them apart from missing ones.
    for name in ("PySide6", "qasync", "shiboken6", "pydantic"):
        (tmp_path / "src" / name).mkdir(exist_ok=True)
        (tmp_path / "src" / name / "__init__.py").write_text("", encoding="utf-8")
    return _lint(tmp_path / "src", config)


def test_the_real_tree_keeps_every_contract() -> None:
    result = _lint(REPO, REPO / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_miniature_keeps_every_contract(tmp_path: Path) -> None:
    result = _tree(tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "text", "contract"),
    [
        ("runtime/bad.py", "import PySide6\n", "runtime imports no Qt"),
        ("runtime/bad.py", "from designer import canvas\n", "runtime imports no Qt"),
        ("runtime/bad.py", "import qasync\n", "runtime imports no Qt"),
        ("designer/document/bad.py", "import PySide6\n", "designer.document imports no Qt"),
        ("designer/document/bad.py", "import designer.canvas\n",
         "designer.document imports no Qt"),
        ("designer/canvas/bad.py", "import designer.inspector\n",
         "canvas, inspector and palette do not import each other"),
        ("designer/palette/bad.py", "from designer.canvas import x\n",
         "canvas, inspector and palette do not import each other"),
        ("designer/canvas/bad.py", "import designer.run\n", "run may use the canvas"),
        ("runtime/model/states.py", "from pydantic import BaseModel\n",
         "the playbook model imports pydantic only in its slow path"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, text: str, contract: str
) -> None:
    result = _tree(tmp_path, {module: text})
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout
