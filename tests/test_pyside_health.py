"""PySide6 on this interpreter is not the build that aborts Python (DESIGN.md, known issues).

PySide6(-Essentials) 6.12.0 on CPython 3.11 drops a reference to ``None`` on every
void-returning call such as ``QPainter.setPen``; a paint loop soon ends in "Fatal Python error:
none_dealloc". This is the check of ``../shared/known-issues/pyside6_6_12_none_refcount.py``,
copied here so CI does not depend on that folder: 1,000 ``setPen`` calls in a fresh offscreen
interpreter, and the change in ``None``'s reference count must stay above -100. A failure means
the installed PySide6 is outside the pin ``PySide6-Essentials>=6.8,<6.12`` in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest

CHECK = """
import sys
import PySide6
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication

app = QApplication([])
image = QImage(20, 20, QImage.Format.Format_ARGB32)
painter = QPainter(image)
pen = QPen()
before = sys.getrefcount(None)
for _ in range(1000):
    painter.setPen(pen)
delta = sys.getrefcount(None) - before
painter.end()
print(f"PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}: delta {delta}")
print(delta)
"""

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("PySide6") is None, reason="PySide6 is not installed"
)


def test_void_calls_do_not_drop_references_to_none() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=120,
        check=False,
    )
    assert result.returncode == 0, (
        f"the PySide6 check crashed the interpreter (exit {result.returncode}); this is the "
        f"6.12.0 none_dealloc abort; pin PySide6-Essentials<6.12.\n{result.stderr[-2000:]}"
    )
    lines = result.stdout.strip().splitlines()
    delta = int(lines[-1])
    assert delta > -100, f"{lines[0]}: None loses references (pin PySide6-Essentials<6.12)"
