"""The attachment component of the messagerie and the démarche forms: a path typed with completion (Tab or
→ accepts the suggestion, Entrée joins the file), the list of joined files, and a directory tree to pick a
file by keyboard (Ctrl+O). The file is checked by ``tui.flows.messaging.load_attachment``; a problem is
posted as ``AttachmentPicker.Problem`` for the screen's status line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Footer, Input

from tui.bindings import help_binding, screen_bindings
from tui.flows import attachments
from tui.widgets.text import Static


class PathSuggester(Suggester):
    """Completes the attachment path (Tab or → accepts the suggestion)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        options = attachments.complete_path(value, limit=1)
        return options[0] if options else None


class _AcceptedFiles(DirectoryTree):
    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in attachments.ACCEPTED_SUFFIXES)
        ]


class FilePickerScreen(ModalScreen[str | None]):
    """A directory tree of PDF, JPEG and PNG files: arrows move, Entrée opens a folder or picks a file."""

    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings("file_picker"), help_binding()]
    ACTION_SCREEN = "file_picker"

    def __init__(self, start: str) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="file-picker"):
            yield Static("== Choisir un fichier (PDF, JPEG ou PNG) ==", classes="heading", markup=False)
            yield _AcceptedFiles(self.start, id="file-tree")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#file-tree", DirectoryTree).focus()

    @on(DirectoryTree.FileSelected)
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(str(event.path))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class AttachmentPicker(Vertical):
    """Joined files are kept in ``paths`` (the list given, changed in place, e.g. a draft's)."""

    DEFAULT_CSS = """
    AttachmentPicker { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "browse", "Parcourir les dossiers", id="browse"),
    ]

    class Problem(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Changed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(
        self,
        paths: list[str] | None = None,
        *,
        limit: int = 5,
        placeholder: str = "Chemin d'une pièce jointe (Tab complète, Entrée joint, Ctrl+O parcourt)",
        input_id: str = "attachment",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.paths = paths if paths is not None else []
        self.limit = limit
        self.placeholder = placeholder
        self.input_id = input_id

    def compose(self) -> ComposeResult:
        self.suggester = PathSuggester()
        yield Input(placeholder=self.placeholder, id=self.input_id, suggester=self.suggester)
        # The completion in words too: the field shows it only dimmed after the cursor.
        suggestion = Static("", classes="attachment-suggestion", markup=False)
        suggestion.display = False
        yield suggestion
        yield Static(self.summary(), classes="attachments", markup=False)

    @on(Input.Changed)
    async def _suggest(self, event: Input.Changed) -> None:
        suggestion = await self.suggester.get_suggestion(event.value) if event.value.strip() else None
        line = self.query_one(".attachment-suggestion", Static)
        line.display = bool(suggestion and suggestion != event.value)
        line.update(f"Tab complète : {suggestion}" if line.display else "")

    def summary(self) -> str:
        if not self.paths:
            return "Pièces jointes : aucune (PDF, JPEG ou PNG, 10 Mo au plus)"
        return "Pièces jointes : " + ", ".join(self.paths)

    def _refresh(self, said: str) -> None:
        self.query_one(".attachments", Static).update(self.summary())
        self.post_message(self.Changed(said))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.attach()

    def attach(self, path: str | None = None) -> bool:
        field = self.query_one(Input)
        value = (field.value if path is None else path).strip()
        if len(self.paths) >= self.limit:
            self.post_message(self.Problem(f"{self.limit} fichier{'s' if self.limit > 1 else ''} au plus."))
            return False
        try:
            attachments.load_attachment(value)
        except attachments.AttachmentError as exc:
            self.post_message(self.Problem(str(exc)))
            return False
        self.paths.append(value)
        field.value = ""
        self._refresh(f"Pièce jointe ajoutée : {os.path.basename(value)}.")
        return True

    def drop_last(self) -> None:
        if self.paths:
            removed = self.paths.pop()
            self._refresh(f"Pièce jointe retirée : {os.path.basename(removed)}.")

    def action_browse(self) -> None:
        start = str(attachments.picker_start(self.query_one(Input).value))

        def picked(path: str | None) -> None:
            if path:
                self.attach(path)
            self.query_one(Input).focus()

        self.app.push_screen(FilePickerScreen(start), picked)
