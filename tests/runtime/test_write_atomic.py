"""``write_atomic`` leaves no temporary file behind on any failure path, and a later process
sweeps the ones a SIGKILLed writer left (recognisable by their prefix and dead writer)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from runtime import jsonio
from runtime.jsonio import TEMP_PREFIX, sweep_temp_files, write_atomic

REPO = Path(__file__).resolve().parents[2]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_success_leaves_only_the_file(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.json", "{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


@pytest.mark.parametrize("breaks", ["fdopen", "write", "fsync", "replace"])
def test_every_failure_path_removes_the_temp_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 breaks: str) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    target = tmp_path / "a.json"
    target.write_text("old")
    if breaks == "fdopen":
        monkeypatch.setattr(jsonio.os, "fdopen", boom)
    elif breaks == "fsync":
        monkeypatch.setattr(jsonio.os, "fsync", boom)
    elif breaks == "replace":
        monkeypatch.setattr(jsonio.os, "replace", boom)
    with pytest.raises((OSError, TypeError)):
        write_atomic(target, 42 if breaks == "write" else "new")  # type: ignore[arg-type]
    assert leftovers(tmp_path) == []
    assert target.read_text() == "old"


def test_keyboard_interrupt_mid_write_removes_the_temp_file(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(jsonio.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "a.json", "x" * 100_000)
    assert leftovers(tmp_path) == []


SAVER = textwrap.dedent("""
    import sys
    from runtime.jsonio import write_atomic
    target = sys.argv[1]
    data = "x" * 8_000_000
    print("saving", flush=True)
    while True:
        write_atomic(target, data)
""")


def test_temp_files_of_killed_writers_are_swept_by_the_next_process(tmp_path: Path) -> None:
    target = tmp_path / "big.playbook.json"
    # Savers run together (each one's first save sweeps only dead writers' files), then all
    # are SIGKILLed at once, most of them mid-save.
    savers = [subprocess.Popen([sys.executable, "-c", SAVER, str(target)], cwd=REPO,
                               stdout=subprocess.PIPE, text=True) for _ in range(6)]
    for saver in savers:
        saver.stdout.readline()
    time.sleep(0.3)
    for saver in savers:
        saver.send_signal(signal.SIGKILL)
    for saver in savers:
        saver.wait()
    left = [n for n in leftovers(tmp_path) if n.startswith(TEMP_PREFIX)]
    assert left, "no SIGKILL landed mid-save (the sweep would have nothing to do)"
    (tmp_path / "notes.tmp").write_text("someone else's")  # not ours: kept
    alive = tmp_path / f"{TEMP_PREFIX}{os.getppid()}-big.playbook.json.abcdefgh.tmp"
    alive.write_text("a live writer's")  # its process (our parent) runs: kept
    code = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from runtime.jsonio import write_atomic
        write_atomic({str(tmp_path / 'other.json')!r}, "{{}}")
    """)], cwd=REPO).returncode
    assert code == 0
    assert leftovers(tmp_path) == sorted(["notes.tmp", alive.name])
    assert sweep_temp_files(tmp_path) == 0
