"""The designer names missing X11 libraries instead of letting Qt abort the interpreter."""

from __future__ import annotations

import shutil
import sys

import pytest

from designer import qt_check


@pytest.mark.parametrize(("environ", "expected"), [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({}, False),
])
def test_only_an_x11_session_is_checked(environ, expected) -> None:
    assert qt_check.uses_xcb(environ) is expected


def test_the_message_names_files_and_packages() -> None:
    text = qt_check.display_problem({"DISPLAY": ":0"},
                                    missing=["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    assert text is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in text
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1" in text
    assert qt_check.display_problem({"DISPLAY": ":0"}, missing=[]) is None
    assert qt_check.display_problem({"QT_QPA_PLATFORM": "offscreen"}, missing=["x"]) is None


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("ldd"),
                    reason="ldd is Linux only")
def test_ldd_output_is_read_for_unresolved_libraries(tmp_path, monkeypatch) -> None:
    fake = tmp_path / "ldd"
    fake.write_text("#!/bin/sh\necho '\tlibxcb-icccm.so.4 => not found'\n"
                    "echo '\tlibc.so.6 => /lib/libc.so.6 (0x0)'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(qt_check.shutil, "which", lambda _name: str(fake))
    assert qt_check.missing_xcb_libraries(tmp_path / "libqxcb.so") == ["libxcb-icccm.so.4"]


def test_the_designer_exits_with_the_message_instead_of_aborting(monkeypatch, capsys) -> None:
    from designer import app

    monkeypatch.setattr(qt_check, "display_problem", lambda: "cannot open a window: libX")
    assert app.main([]) == 1
    assert "cannot open a window: libX" in capsys.readouterr().err
