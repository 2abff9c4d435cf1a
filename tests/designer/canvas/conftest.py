"""Canvas test fixtures: the triage example's context, and a shown canvas view of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from designer.canvas import CanvasView, PlaybookScene
from designer.context import DesignerContext
from designer.document import EditableDocument
from runtime.loader import load_playbook

TRIAGE = Path(__file__).resolve().parents[3] / "resources/examples/suspicious-logon-triage.playbook.json"


@pytest.fixture
def context(qtbot) -> DesignerContext:
    """The suspicious-logon-triage example, open for editing."""
    return DesignerContext(EditableDocument(load_playbook(TRIAGE).document))


@pytest.fixture
def show_view(qtbot) -> Callable[..., CanvasView]:
    """``show_view(context, size=(1400, 800))``: a canvas view of the context, shown."""
    def show(context: DesignerContext, size: tuple[int, int] = (1400, 800)) -> CanvasView:
        view = CanvasView(PlaybookScene(context))
        view.resize(*size)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitExposed(view)
        return view
    return show
