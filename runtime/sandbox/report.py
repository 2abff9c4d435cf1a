"""What this machine's sandbox confines, in words the designer and the CLI show.

Owns :class:`ConfinementReport` and :func:`confinement_report`: the probe of the kernel's
Landlock ABI and of libseccomp (through ``pyseccomp``), and the honest summary of what a custom
Function can and cannot do here. ``docs/guide.md`` ("Confinement") has the table per platform.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cache

from runtime.sandbox.confine import probe


@dataclass(frozen=True)
class ConfinementReport:
    """What a custom Function is held to on this machine.

    Attributes:
        platform: ``sys.platform``.
        confined: True when every layer is in force (Linux with Landlock and seccomp).
        layers: The layers in force, e.g. ``landlock-7``, ``seccomp``.
        missing: Human descriptions of what is not confined here.
    """

    platform: str
    confined: bool
    layers: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One paragraph for a dialog or the terminal."""
        if self.confined:
            return ("Custom Functions run confined: " + ", ".join(self.layers) + ".")
        text = "Custom Functions are NOT fully confined on this machine: "
        return text + "; ".join(self.missing) + "."


@cache
def confinement_report() -> ConfinementReport:
    """Probe this machine once and say what a custom Function is confined by."""
    found = probe()
    if not sys.platform.startswith("linux"):
        return ConfinementReport(sys.platform, False, ["resource limits", "own session"], [
            "this platform has no sandbox profile yet: a Function can read and write your "
            "files, open network connections and start processes",
        ])
    layers = ["resource limits", "own session", "dies with its parent", "no capabilities"]
    missing: list[str] = []
    if found["landlock_abi"]:
        layers.append(f"landlock-{found['landlock_abi']}")
    else:
        missing.append("the kernel has no Landlock: a Function can read your files and write "
                       "where you can")
    if found["seccomp"]:
        layers.append("seccomp")
    else:
        missing.append("libseccomp (pyseccomp) is missing: a Function can open network "
                       "connections, start processes and signal your processes")
    return ConfinementReport(sys.platform, not missing, layers, missing)
