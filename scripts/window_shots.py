"""Shared start-up for the screenshot scripts that picture the main window offscreen.

:func:`main_window_shots` sets Qt up offscreen with throw-away settings and history in a
temporary folder, opens a :class:`designer.main_window.MainWindow` of ``size`` on a qasync
loop, awaits ``shoot(window, out, tmp)`` and prints the pictures it saved.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

Shoot = Callable[[Any, Path, Path], Awaitable[list[Path]]]


def main_window_shots(name: str, size: tuple[int, int], shoot: Shoot,
                      argv: list[str] | None = None, *, quiet: bool = True) -> int:
    """Run ``shoot`` on a fresh main window; pictures go to ``argv[0]`` (docs/screenshots)."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    tmp = Path(tempfile.mkdtemp(prefix=f"{name}-screenshots-"))
    QCoreApplication.setOrganizationName("PlaybookStudioScreenshots")
    QCoreApplication.setApplicationName(name)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from designer.app import apply_scheme

    apply_scheme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    from designer.main_window import MainWindow
    from runtime.history import HistoryStore

    store = HistoryStore(tmp / "history.sqlite3", background=True)
    window = MainWindow(store)
    if quiet:
        window.setProperty("quiet", True)
    window.resize(*size)
    window.show()
    saved = loop.run_until_complete(shoot(window, out, tmp))
    for path in saved:
        print(path)
    window.context.undo_stack.setClean()
    window.run_ui.shutdown()
    store.close()
    return 0
