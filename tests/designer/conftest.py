"""Designer test fixtures: a main window on a fresh execution history."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from designer.main_window import MainWindow
from runtime.history import HistoryStore


@pytest.fixture
def main_window(qtbot, tmp_path) -> Iterator[Callable[..., MainWindow]]:  # noqa: ANN001
    """``main_window(size=(1366, 768), activate=True, settle_ms=50)``: a quiet main window on
    a history of its own; shown at ``size`` (``None``: not shown), made the active window and
    given ``settle_ms`` for its deferred sizing. Afterwards its undo stack is marked clean (no
    "save changes?" on close) and its history closed."""
    made: list[tuple[MainWindow, HistoryStore]] = []

    def make(size: tuple[int, int] | None = (1366, 768), *, activate: bool = True,
             settle_ms: int = 50) -> MainWindow:
        store = HistoryStore(tmp_path / f"history-{len(made)}.sqlite3")
        win = MainWindow(store)
        win.setProperty("quiet", True)
        qtbot.addWidget(win)
        made.append((win, store))
        if size is not None:
            win.resize(*size)
            win.show()
            qtbot.waitExposed(win)
            if activate:
                win.activateWindow()
            if settle_ms:
                qtbot.wait(settle_ms)
        return win

    yield make
    for win, store in made:
        win.context.undo_stack.setClean()
        store.close()
