"""Say clearly, before Qt starts, when the X11 platform plugin cannot load here.

When a system library of Qt's xcb plugin is missing, Qt prints a hint that may name the wrong
package and then aborts the interpreter (SIGABRT), which a user sees as a crash. This module
asks ``ldd`` which of the plugin's libraries do not resolve, without loading Qt, so that the
designer can name the missing files and the Debian/Ubuntu packages that provide them and exit
with an ordinary error. No Qt import here: it runs before any QApplication exists.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

# soname → Debian/Ubuntu package (the libraries the PySide6 xcb plugin links to).
PACKAGE_OF = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-sync.so.1": "libxcb-sync1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xinput.so.0": "libxcb-xinput0", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1", "libdbus-1.so.3": "libdbus-1-3",
}


def xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.origin:
        return None
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.is_file() else None


def missing_xcb_libraries(plugin: Path | None = None) -> list[str]:
    """The sonames the xcb plugin needs that the dynamic loader cannot find ([] if unknown)."""
    plugin = plugin or xcb_plugin()
    ldd = shutil.which("ldd")
    if plugin is None or ldd is None or not sys.platform.startswith("linux"):
        return []
    try:
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=15,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split()[0] for line in out.splitlines()
                   if "not found" in line and line.split()})


def uses_xcb(environ: dict[str, str] | None = None) -> bool:
    """Whether Qt would pick the X11 plugin: a DISPLAY, and no Wayland or explicit choice."""
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0] == "xcb"
    return bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")


def display_problem(environ: dict[str, str] | None = None,
                    missing: list[str] | None = None) -> str | None:
    """A message for the user when the designer could not open a window here, else None."""
    if not uses_xcb(environ):
        return None
    missing = missing_xcb_libraries() if missing is None else missing
    if not missing:
        return None
    packages = sorted({PACKAGE_OF.get(name, name) for name in missing})
    return (
        "Playbook Studio cannot open a window: Qt's X11 plugin needs system libraries that "
        f"are not installed: {', '.join(missing)}.\n"
        f"On Debian/Ubuntu: sudo apt-get install {' '.join(packages)}\n"
        "Everything else works without a display: see `playbook --help`."
    )
