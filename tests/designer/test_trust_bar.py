"""Restricted mode in the designer: a playbook file with custom Functions that this user has not
trusted opens with the restricted-mode bar; Run is refused with a message pointing at it;
clicking Trust (a real mouse click) hides the bar, remembers the file's content and lets the run
start. A playbook saved by this user is trusted; a shared file without Functions needs nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_run_support import qloop, wait_until

from runtime.sandbox.trust import TRUST_ENV, TrustStore

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]
__all__ = ["qloop"]


@pytest.fixture(autouse=True)
def trust_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "trust.json"
    monkeypatch.setenv(TRUST_ENV, str(path))
    return path


@pytest.fixture
def window(main_window):
    win = main_window((1200, 800), activate=False, settle_ms=0)
    yield win
    win.run_ui.shutdown()
    win.close()


def shared(tmp_path: Path, functions: bool = True) -> Path:
    definition = {"Go": {"start": True, "type": "function", "function_id": "calc",
                         "next": "End"}} if functions else {
        "Go": {"start": True, "type": "pass", "next": "End"}}
    path = tmp_path / "shared.playbook.json"
    path.write_text(json.dumps({
        "format_version": 1, "name": "shared", "definition": definition,
        "functions": {"calc": {"source": "def handler(p):\n    return 1\n"}} if functions
        else {}}))
    return path


def test_untrusted_file_opens_restricted_and_one_click_trusts_it(qtbot, qloop, window,
                                                                 tmp_path):
    path = shared(tmp_path)
    assert window.files.load(path)
    bar = window.files.trust_bar
    assert bar.isVisible()
    assert "calc" in bar.message.text() and "not trusted" in bar.message.text()
    refused: list[str] = []
    window.run_ui.controller.runRefused.connect(refused.append)
    assert window.run_ui.controller.run() is None
    assert refused and "click Trust" in refused[0]

    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert TrustStore().is_trusted(path)
    controller = window.run_ui.controller
    execution_id = controller.run()  # the run starts now, and its Function runs
    assert execution_id is not None, refused[1:]
    wait_until(qloop, lambda: (controller.live(execution_id) or None) is not None
               and controller.live(execution_id).confirmed, timeout=20)
    assert window.run_ui.source.record(execution_id).status == "success"

    # Another session: the trust is remembered for this content...
    assert window.files.load(path)
    assert not bar.isVisible()
    # ...and lost when someone else changes the file.
    path.write_text(path.read_text().replace("return 1", "return 2"))
    assert window.files.load(path)
    assert bar.isVisible()


def test_what_this_user_saves_stays_trusted(window, tmp_path):
    assert window.files.load(shared(tmp_path))
    window.files.trust_bar.button.click()
    target = tmp_path / "mine.playbook.json"
    assert window.files.save_as(target)
    assert target.exists() and not window.files.trust_bar.isVisible()
    assert TrustStore().is_trusted(target)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_restricted_save_as_stays_restricted(window, tmp_path):
    assert window.files.load(shared(tmp_path))
    target = tmp_path / "copy.playbook.json"
    assert window.files.save_as(target)
    assert window.files.trust_bar.isVisible()
    assert not TrustStore().is_trusted(target)


def test_a_shared_file_without_functions_is_not_restricted(window, tmp_path):
    assert window.files.load(shared(tmp_path, functions=False))
    assert not window.files.trust_bar.isVisible()


def test_the_inspectors_test_function_button_waits_for_trust(qtbot, window, tmp_path):
    assert window.files.load(shared(tmp_path))
    window.context.select(["Go"])
    editor = window.inspector.current_page().body
    qtbot.mouseClick(editor.test, Qt.MouseButton.LeftButton)
    assert "Restricted mode" in editor.test_status.text() and editor.test.isEnabled()
    assert editor.output.toPlainText() == ""
    qtbot.mouseClick(window.files.trust_bar.button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.test.isEnabled(), timeout=20000)
    assert editor.test_status.text() == "Passed", editor.output.toPlainText()
