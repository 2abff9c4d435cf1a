"""Unique names: the one rule for naming something new beside names already taken.

A wanted name is kept when it is free; otherwise it gets the first free number from 2, written
by a template: ``"{base} {n}"`` for states (``Get Alerts 2``), ``"{base} ({n})"`` for run
profiles (``Benign user (2)``). Qt-free, and it knows no document: callers pass the names taken.
"""

from __future__ import annotations

from collections.abc import Container

STATE_NUMBERING = "{base} {n}"  # Get Alerts 2
PROFILE_NUMBERING = "{base} ({n})"  # Benign user (2)


def free_name(base: str, taken: Container[str], template: str = STATE_NUMBERING) -> str:
    """``base`` if it is not taken, else ``template`` filled with the first free ``n`` >= 2.

    Args:
        base: The name wanted.
        taken: The names in use (a set, for speed).
        template: How a numbered name is written, with ``{base}`` and ``{n}``.

    Returns:
        A name not in ``taken``.
    """
    if base not in taken:
        return base
    n = 2
    while template.format(base=base, n=n) in taken:
        n += 1
    return template.format(base=base, n=n)
