"""Test setup: Qt offscreen, and every user-data location (history, recovery, settings) in a
temporary folder so tests never touch the real ones."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SANDBOX = Path(tempfile.mkdtemp(prefix="playbook-studio-tests-"))
os.environ["PLAYBOOK_STUDIO_HISTORY"] = str(_SANDBOX / "history.sqlite3")
os.environ["PLAYBOOK_STUDIO_RECOVERY"] = str(_SANDBOX / "recovery")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "data")
os.environ["XDG_CACHE_HOME"] = str(_SANDBOX / "cache")
os.environ["PLAYBOOK_STUDIO_CACHE"] = str(_SANDBOX / "cache" / "playbook-studio")

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"

# Shared test helpers (not tests) that modules in other folders import by name.
_TESTS = Path(__file__).resolve().parent
for _folder in ("runtime", "designer/inspector", "designer/run"):
    if str(_TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / _folder))


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own recovery folder and (when Qt is loaded) its own QSettings."""
    monkeypatch.setenv("PLAYBOOK_STUDIO_RECOVERY", str(tmp_path / "recovery"))
    import sys

    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication, QSettings

        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                          str(tmp_path / "settings"))
        QCoreApplication.setOrganizationName("PlaybookStudioTests")
        QCoreApplication.setApplicationName("Playbook Studio Tests")


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch):
    """A modal QMessageBox offscreen would wait forever and hang the suite (CI has a time cap).

    Unexpected ones answer at once instead: Discard for a save prompt, No for another
    question, Ok otherwise. Tests that script an answer monkeypatch the same functions
    themselves, which overrides this.
    """
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        yield
        return
    from PySide6.QtWidgets import QMessageBox

    button = QMessageBox.StandardButton

    def answer(kind: str):
        def box(*args, **kwargs):
            buttons = next((a for a in args if isinstance(a, button)), None)
            if kind == "question" and buttons is not None and buttons & button.Discard:
                return button.Discard
            if kind == "question":
                return button.No
            return button.Ok
        return staticmethod(box)

    for kind in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, answer(kind))
    yield
