"""The ``playbook-studio`` entry point: QApplication on a qasync loop, one main window.

The asyncio engine runs on the same loop as the UI (qasync), so runs play live on the graph
without threads. The window follows the system's light or dark scheme (Fusion style with a
matching palette) and offers to restore autosaved work after a crash.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

ORGANIZATION = "PlaybookStudio"
APPLICATION = "Playbook Studio"


def apply_scheme(app: object) -> None:
    """Fusion style with a palette that follows the system's colour scheme, live
    (:mod:`designer.theme`)."""
    from designer.theme import install

    install(app)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="playbook-studio",
                                     description="Design, test-run and export SOAR playbooks.")
    parser.add_argument("file", nargs="?", help="a playbook or server definition to open")
    parser.add_argument("--history", metavar="PATH", help="execution history database")
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Start the designer."""
    args = build_parser().parse_args(argv)
    from designer.qt_check import display_problem

    problem = display_problem()
    if problem:  # Qt would abort the interpreter; say what is missing instead
        print(problem, file=sys.stderr)
        return 1
    import qasync
    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_scheme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    from designer.icons import app_icon
    from designer.main_window import MainWindow
    from runtime.history import HistoryStore, default_history_path

    QApplication.setWindowIcon(app_icon())  # static: the stubs type `app` as a QCoreApplication
    if isinstance(app, QApplication):
        # Wayland compositors and docks match the window to packaging/linux's desktop entry.
        app.setDesktopFileName("playbook-studio")
    store = HistoryStore(args.history or default_history_path(), background=True)
    window = MainWindow(store)
    from designer.crash import install as install_crash_reporter

    install_crash_reporter(lambda: window)  # no exception is swallowed (designer/crash.py)
    restored = window.files.offer_recovery() if not args.screenshot else False
    if args.file and not restored:
        window.open_path(args.file)
    window.show()
    if args.screenshot:
        QTimer.singleShot(1500, lambda: (window.grab().save(args.screenshot), app.quit()))
    closing = asyncio.Event()
    app.aboutToQuit.connect(closing.set)
    with loop:
        loop.run_until_complete(closing.wait())
    store.close()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_AUTO_SCREEN_SCALE_FACTOR", "1")
    sys.exit(main())
