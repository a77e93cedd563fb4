"""A status line that says what happened in words: "Erreur : …", never colour alone."""

from __future__ import annotations

from tui.widgets.text import Static

ERROR_PREFIX = "Erreur : "
INFO_PREFIX = "Information : "


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: auto; }
    StatusLine.-empty { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes="-empty")

    def error(self, message: str) -> None:
        self._show(ERROR_PREFIX + message, "-error")

    def info(self, message: str) -> None:
        self._show(message, "-info")

    def clear(self) -> None:
        self.update("")
        self.set_classes("-empty")

    def _show(self, text: str, kind: str) -> None:
        self.update(text)
        self.set_classes(kind)

    @property
    def text(self) -> str:
        return str(self.render())
