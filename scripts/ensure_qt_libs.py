"""Check that Qt can load here; on Debian/Ubuntu as root, install the missing system libraries.

PySide6 wheels bring Qt itself but rely on a few system libraries (EGL, GL, xkbcommon,
fontconfig, D-Bus; xcb-cursor for a real X display). A fresh container may lack them. This runs
once from ``make`` after the virtual environment is set up; it never fails the build on its own:
the tests say clearly what is missing if Qt still cannot load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = [
    "libegl1", "libgl1", "libxkbcommon0", "libfontconfig1", "libdbus-1-3",
    "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
    "libxcb-shape0", "libxcb-xinerama0", "libxcb-randr0", "libxcb-render-util0",
    "libxcb-image0",
]
PROBE = (
    "import os; os.environ['QT_QPA_PLATFORM']='offscreen';"
    "from PySide6.QtWidgets import QApplication; QApplication([])"
)


def qt_loads() -> tuple[bool, str]:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    lines = (result.stderr or "").strip().splitlines()
    return result.returncode == 0, lines[-1] if lines else ""


def xcb_missing() -> list[str]:
    """The X11 plugin's unresolved libraries (the offscreen probe cannot see those)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    try:
        from designer.qt_check import missing_xcb_libraries
    except ImportError:
        return []
    return missing_xcb_libraries()


def main() -> int:
    ok, why = qt_loads()
    missing = xcb_missing()
    if ok and not missing:
        return 0
    if not ok:
        print(f"Qt cannot load yet ({why}).")
    if missing:
        print(f"Qt's X11 plugin lacks {', '.join(missing)} (needed to open a real window).")
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("Install these system packages: " + " ".join(PACKAGES))
        return 0
    print("Installing Qt's system libraries with apt-get ...")
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
        check=False,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    ok, why = qt_loads()
    print("Qt loads now." if ok else f"Qt still cannot load: {why}")
    missing = xcb_missing()
    if missing:
        print(f"Still missing for a real window: {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
