"""Render the main window with each bundled example into docs/screenshots/ (``make screenshots``).

Runs offscreen (no display needed), with throwaway settings and history, so the pictures in the
README and the guide always show the current build. One picture per example with the canvas,
palette, inspector and docks in their default layout, plus one with a finished run of the
suspicious-logon example coloured on the Execution Graph.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="ps-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(scratch / "config")
    os.environ["PLAYBOOK_STUDIO_RECOVERY"] = str(scratch / "recovery")
    sys.path.insert(0, str(ROOT))
    import qasync
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("PlaybookStudioScreenshots")
    QCoreApplication.setApplicationName("Playbook Studio")
    app = QApplication([])
    from designer.app import apply_scheme

    apply_scheme(app)  # Fusion and the theme's style sheet, as the app has them
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    from designer.main_window import MainWindow
    from runtime.history import HistoryStore

    OUT.mkdir(parents=True, exist_ok=True)
    store = HistoryStore(scratch / "history.sqlite3", background=True)

    async def shoot() -> None:
        for example in sorted((ROOT / "resources" / "examples").glob("*.playbook.json")):
            window = MainWindow(store)
            window.setProperty("quiet", True)
            window.resize(1600, 1000)
            window.open_path(example)
            window.show()
            await asyncio.sleep(0.6)
            name = example.name.removesuffix(".playbook.json")
            target = OUT / f"main-{name}.png"
            window.grab().save(str(target))
            print(f"wrote {target.relative_to(ROOT)}")
            if name == "suspicious-logon-triage":
                await run_and_shoot(window)
            window.context.undo_stack.setClean()
            window.close()

    async def run_and_shoot(window: MainWindow) -> None:
        controller = window.run_ui.controller
        execution_id = controller.run()
        if not execution_id:
            return
        await controller.wait(execution_id)
        await asyncio.sleep(0.4)
        window.run_ui.open_execution(execution_id)
        await asyncio.sleep(0.4)
        target = OUT / "main-run-finished.png"
        window.grab().save(str(target))
        print(f"wrote {target.relative_to(ROOT)}")

    with loop:
        loop.run_until_complete(shoot())
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
