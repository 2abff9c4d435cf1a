"""Errors of the simulated tenant.

This module owns the two exceptions the tenant raises: :class:`ActionError`, the failure of
one action call carrying a Log360 Cloud error code from the reference's error tables, and
:class:`FixtureError`, a fixture document that does not describe a valid tenant (its message
names the place, e.g. ``fixtures.devices[2].os: must be one of windows, linux, mac``).
"""

from __future__ import annotations


class ActionError(Exception):
    """An action call failed with a Log360 Cloud error code.

    Attributes:
        code: The error code as the reference spells it (``"10001068"``, ``"0000107"``, ...).
        message: What the tenant says about this particular failure, or None. The engine
            always reports the catalog's (the reference's) message for ``code`` and keeps this
            text beside it as the error's ``detail``.
    """

    def __init__(self, code: str, message: str | None = None) -> None:
        """Create the error.

        Args:
            code: The reference's error code.
            message: A specific message, or None to use the catalog's message for the code.
        """
        super().__init__(code if message is None else f"{code}: {message}")
        self.code = code
        self.message = message


class FixtureError(ValueError):
    """A fixture document is not a valid tenant.

    Attributes:
        problems: One located message per problem, e.g.
            ``"fixtures.devices[2].os: must be one of windows, linux, mac"``.
    """

    def __init__(self, problems: list[str]) -> None:
        """Create the error from located problem messages.

        Args:
            problems: At least one located message; the exception text joins them with "; ".
        """
        super().__init__("; ".join(problems))
        self.problems = problems
