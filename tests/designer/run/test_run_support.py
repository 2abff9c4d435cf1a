"""Shared set-up of the run UI tests: a qasync loop per module, a temp history, an example
open in a main window with the run docks, and waiting on the loop (no test functions here).

Runs go through the real engine on the qasync loop: a test starts one from the UI (the Run
action, as F5 does) and then spins the loop with :func:`wait_until`, so timers, the engine's
task and the history writer all make progress, exactly as in the app.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QMainWindow

from designer.context import DesignerContext
from designer.document import EditableDocument
from runtime.history import HistoryStore
from runtime.loader import load_playbook

EXAMPLES = Path(__file__).resolve().parents[3] / "resources" / "examples"
QT_MARKS = [pytest.mark.qt_log_level_fail("WARNING"),
            pytest.mark.qt_log_ignore("propagateSizeHints")]


def example(name: str) -> Path:
    return EXAMPLES / f"{name}.playbook.json"


@pytest.fixture(scope="module")
def qloop(qapp: Any) -> Iterator[qasync.QEventLoop]:
    """One qasync loop for the module, set as the current asyncio loop."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture(autouse=True)
def settings_tmp(tmp_path: Path) -> Iterator[Path]:
    """QSettings go to a temp folder under a test organisation."""
    folder = tmp_path / "settings"
    QCoreApplication.setOrganizationName("PlaybookStudioTests")
    QCoreApplication.setApplicationName("run-ui")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder))
    QSettings().clear()
    yield folder
    QSettings().clear()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    history = HistoryStore(tmp_path / "history.sqlite3", background=True)
    yield history
    history.close()


def wait_until(loop: Any, predicate: Callable[[], Any], timeout: float = 15.0) -> None:
    """Spin the qasync loop until ``predicate()`` holds (AssertionError on timeout)."""

    async def poll() -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
            await asyncio.sleep(0.01)

    loop.run_until_complete(poll())


def spin(loop: Any, seconds: float) -> None:
    loop.run_until_complete(asyncio.sleep(seconds))


class RunWindow:
    """A main window with the run UI over one example playbook."""

    def __init__(self, qtbot: Any, loop: Any, store: HistoryStore, path: Path,
                 doc: Any = None) -> None:
        from designer.canvas import CanvasView, PlaybookScene
        from designer.run import install_run_ui

        self.loop = loop
        self.store = store
        document = doc if doc is not None else load_playbook(path).document
        self.context = DesignerContext(EditableDocument(document, path=path))
        self.window = QMainWindow()
        self.scene = PlaybookScene(self.context)
        self.window.setCentralWidget(CanvasView(self.scene))
        self.ui = install_run_ui(self.window, self.context, store)
        qtbot.addWidget(self.window)
        self.window.resize(1400, 900)
        self.window.show()
        qtbot.waitExposed(self.window)

    def run(self, profile: str | None = None, *, wait: bool = True) -> str:
        """Choose a profile and press Run (the F5 action); wait for the outcome."""
        if profile is not None:
            self.context.set_profile(profile)
        started: list[str] = []
        self.ui.controller.executionStarted.connect(started.append)
        self.ui.run_action.trigger()
        self.ui.controller.executionStarted.disconnect(started.append)
        assert started, "the run did not start"
        execution_id = started[0]
        if wait:
            self.wait_finished(execution_id)
        return execution_id

    def wait_finished(self, execution_id: str, timeout: float = 20.0) -> None:
        controller = self.ui.controller

        def done() -> bool:
            live = controller.live(execution_id)
            return live is not None and live.confirmed

        wait_until(self.loop, done, timeout)
        spin(self.loop, 0.15)  # the list's debounced refresh and the last flush

    def close(self) -> None:
        self.ui.shutdown()
        self.window.close()
