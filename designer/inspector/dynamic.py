"""Dynamic values: the literal ↔ ``$.path`` switch every parameter field has, and path entry
with completion.

A parameter value is a literal or a dynamic value, a string starting with ``$.`` (or exactly
``$``) read from the state's input at run time (``runtime.paths.classify_value``). A literal
string that itself begins with ``$`` is stored escaped as ``$$…``; :class:`DynamicSwitch` does
the escaping and unescaping, so the literal editors only ever see the text the user means; a
literal finished as a valid ``$.path`` makes it ask whether a dynamic value was meant.
:class:`PathEdit` completes from :class:`~designer.inspector.sources.PathSources` (the run
profile's payload and upstream states' documented responses); its list is as wide as the
longest path.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QFocusEvent, QFontMetrics
from PySide6.QtWidgets import (
    QCompleter,
    QLineEdit,
    QMessageBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from designer.inspector.editors import ValueEditor
from designer.inspector.widgets.code_editor import monospace_font
from runtime.paths import PathSyntaxError, classify_value, compile_path

MAX_POPUP_WIDTH = 720


class PathCompleter(QCompleter):
    """Prefix completion over a list of ``$.`` paths."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._model = QStringListModel(self)
        self.setModel(self._model)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setMaxVisibleItems(12)

    def set_paths(self, paths: list[str]) -> None:
        if self._model.stringList() != paths:
            self._model.setStringList(paths)
            self._fit_popup(paths)

    def _fit_popup(self, paths: list[str]) -> None:
        """Make the list at least as wide as its longest entry (up to :data:`MAX_POPUP_WIDTH`);
        by default it is only as wide as the line edit, which cut the paths off."""
        popup = self.popup()
        if popup is None:  # never: QCompleter makes its popup on first ask
            return
        metrics = QFontMetrics(popup.font())
        widest = max((metrics.horizontalAdvance(p) for p in paths), default=0)
        extra = popup.verticalScrollBar().sizeHint().width() + 2 * popup.frameWidth() + 16
        popup.setMinimumWidth(min(MAX_POPUP_WIDTH, widest + extra) if paths else 0)

    def paths(self) -> list[str]:
        return self._model.stringList()


class PathEdit(QLineEdit):
    """A monospace line edit for ``$.`` paths, completing from the state's data sources."""

    focusLost = Signal()
    picked = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, start_with_root: bool = True) -> None:
        super().__init__(parent)
        self.setFont(monospace_font())
        self.setPlaceholderText("$.path.in.input")
        self.path_completer = PathCompleter(self)
        self.setCompleter(self.path_completer)
        popup = self.path_completer.popup()
        if popup is not None:
            popup.setFont(self.font())  # measured and shown in monospace
        self.path_completer.activated[str].connect(self.picked)  # type: ignore[index]
        self._start_with_root = start_with_root

    def set_paths(self, paths: list[str]) -> None:
        self.path_completer.set_paths(paths)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        if self._start_with_root and not self.text():
            self.setText("$.")
            self.path_completer.setCompletionPrefix("$.")
            self.path_completer.complete()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.focusLost.emit()


class PathEditor(ValueEditor):
    """A :class:`ValueEditor` for path-valued state fields (collection path, result path)."""

    kind = "path"

    def __init__(self, spec: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.line = PathEdit(self, start_with_root=False)
        self.line.textEdited.connect(lambda _text: self._emit(True))
        self.line.picked.connect(lambda _text: self._emit(True))
        self.line.editingFinished.connect(self.finished)
        self._layout.addWidget(self.line)

    def value(self) -> Any:
        return self.line.text().strip() or None

    def _show(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))

    def set_paths(self, paths: list[str]) -> None:
        self.line.set_paths(paths)

    def input_widget(self) -> QWidget:
        return self.line


def looks_like_path(text: str) -> bool:
    """Whether literal text would be a valid ``$.`` path (so it may be meant as one)."""
    if classify_value(text)[0] != "dynamic" or text.strip() in ("$", "$."):
        return False
    try:
        compile_path(text.strip())
    except PathSyntaxError:
        return False
    return True


def escape_literal(value: Any) -> Any:
    """A literal as stored: strings starting with ``$`` get the ``$$`` escape."""
    if isinstance(value, str) and value.startswith("$"):
        return "$" + value
    return value


class DynamicSwitch(QWidget):
    """A literal editor and a ``$.path`` edit in one place, with a toggle between them.

    ``toggle`` is a checkable button the owner places next to the field label. Emits
    ``edited(stored_value, typing)`` with the value as the document stores it.
    """

    edited = Signal(object, bool)
    finished = Signal()
    modeChanged = Signal(bool)

    def __init__(self, literal: ValueEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.literal = literal
        self.path = PathEdit(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(literal)
        self.stack.addWidget(self.path)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.toggle = QToolButton(self)
        self.toggle.setText("$.")
        self.toggle.setCheckable(True)
        self.toggle.setFont(monospace_font())
        self.toggle.setToolTip(
            "Dynamic value: read this parameter from the state's input with a $.path "
            "(click again for a fixed value)"
        )
        self.toggle.toggled.connect(self._on_toggle)
        literal.edited.connect(lambda value, typing: self.edited.emit(escape_literal(value), typing))
        literal.finished.connect(self._literal_finished)
        self._asked: str | None = None  # the literal last asked about (asked once)
        self.path.textEdited.connect(self._path_edited)
        self.path.picked.connect(self._path_edited)
        self.path.focusLost.connect(self.finished)
        self._loading = False
        self._fit_stack()

    # -- state -------------------------------------------------------------------------------
    def is_dynamic(self) -> bool:
        return self.toggle.isChecked()

    def value(self) -> Any:
        """The value as stored in the document."""
        if self.is_dynamic():
            text = self.path.text().strip()
            return text if classify_value(text)[0] == "dynamic" else None
        return escape_literal(self.literal.value())

    def set_value(self, stored: Any) -> None:
        """Show a document value: dynamic values switch to the path edit."""
        kind, payload = classify_value(stored)
        self._loading = True
        try:
            if kind == "dynamic":
                self.toggle.setChecked(True)
                if self.path.text().strip() != payload:
                    self.path.setText(payload)
            elif stored is None and self.is_dynamic():
                # Dynamic mode without a path yet: keep the literal's text for switching back.
                if not self.path.hasFocus():
                    self.path.clear()
            else:
                self.toggle.setChecked(False)
                self.literal.set_value(payload)
        finally:
            self._loading = False

    def set_paths(self, paths: list[str]) -> None:
        self.path.set_paths(paths)

    # -- reactions ---------------------------------------------------------------------------
    def _fit_stack(self) -> None:
        current = self.stack.currentWidget()
        for index in range(self.stack.count()):
            widget = self.stack.widget(index)
            if widget is None:
                continue
            policy = widget.sizePolicy()
            policy.setVerticalPolicy(policy.Policy.Preferred if widget is current
                                     else policy.Policy.Ignored)
            widget.setSizePolicy(policy)
        self.stack.adjustSize()

    def _on_toggle(self, dynamic: bool) -> None:
        self.stack.setCurrentIndex(1 if dynamic else 0)
        self._fit_stack()
        self.modeChanged.emit(dynamic)
        if self._loading:
            return
        if dynamic:
            self.path.setFocus()
            text = self.path.text().strip()
            complete = text != "$." and classify_value(text)[0] == "dynamic"
            self.edited.emit(text if complete else None, False)
        else:
            self.edited.emit(escape_literal(self.literal.value()), False)

    def _literal_finished(self) -> None:
        """A literal typed as ``$.something`` is probably meant as a path: ask, once."""
        value = self.literal.value()
        if (not self._loading and isinstance(value, str) and value != self._asked
                and looks_like_path(value)):
            self._asked = value
            answer = QMessageBox.question(
                self, "Dynamic value?",
                f"“{value}” looks like a path into the state's input.\n\n"
                "Yes: read it from the input at run time (a dynamic value, as with the $. "
                "button).\nNo: keep it as this literal text (stored escaped as "
                f"“${value}”).",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes)
            if answer == QMessageBox.StandardButton.Yes:
                self._loading = True
                try:
                    self.path.setText(value)
                    self.toggle.setChecked(True)
                finally:
                    self._loading = False
                self.edited.emit(value, True)  # merges with the typing: one undo step
        self.finished.emit()

    def _path_edited(self, _text: str) -> None:
        if self._loading:
            return
        text = self.path.text().strip()
        if not text:
            self.edited.emit(None, True)
        elif classify_value(text)[0] == "dynamic":
            self.edited.emit(text, True)
