"""Files joined to a message, a démarche or a profile change, read from a path the user types (with
completion). Its own module because every form that takes a file checks it the same way (``tui.flows.forms``)."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pydantic comes with the first file read, not with every form (nor with « quitter »)
    from models.schemas.messaging import UploadedFile

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ACCEPTED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


class AttachmentError(ValueError):
    """A French sentence: what is wrong with the file and what to do."""


def load_attachment(path: str) -> UploadedFile:
    """The file at ``path`` (``~`` allowed) as an upload; only its base name is sent (the server renames it)."""
    target = Path(os.path.expanduser(path.strip()))
    if not path.strip():
        raise AttachmentError("Indiquez le chemin du fichier à joindre.")
    if not target.is_file():
        raise AttachmentError(f"Fichier introuvable : {target}. Vérifiez le chemin (Tab complète le nom).")
    if target.suffix.lower() not in ACCEPTED_SUFFIXES:
        raise AttachmentError("Seuls les fichiers PDF, JPEG ou PNG sont acceptés.")
    size = target.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentError("Fichier trop volumineux : 10 Mo au plus. Réduisez la résolution du scan.")
    try:
        content = target.read_bytes()
    except OSError as exc:
        raise AttachmentError(f"Le fichier n'a pas pu être lu : {exc.strerror or exc}.") from exc
    from models.schemas.messaging import UploadedFile

    return UploadedFile(filename=target.name, content_base64=base64.b64encode(content).decode())


def complete_path(prefix: str, limit: int = 50) -> list[str]:
    """Completions of a path being typed: directories end with "/", files are PDF, JPEG or PNG."""
    expanded = os.path.expanduser(prefix) if prefix else ""
    directory, start = os.path.split(expanded)
    base = Path(directory or ".")
    try:
        entries = sorted(base.iterdir(), key=lambda p: p.name.lower())
    except OSError:
        return []
    shown_dir = prefix[: len(prefix) - len(start)]
    out = []
    for entry in entries:
        if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
            continue
        if entry.is_dir():
            out.append(f"{shown_dir}{entry.name}/")
        elif entry.suffix.lower() in ACCEPTED_SUFFIXES:
            out.append(f"{shown_dir}{entry.name}")
        if len(out) >= limit:
            break
    return out


def picker_start(typed: str, home: Path | None = None) -> Path:
    """Where the file picker opens (issue 19): the folder typed (or the typed file's), else the member's
    Documents folder, else their home — never the program's own folder."""
    path = Path(os.path.expanduser(typed.strip())) if typed.strip() else None
    for candidate in (path, path.parent if path is not None else None):
        if candidate is not None and candidate.is_absolute() and candidate.is_dir():
            return candidate
    base = home or Path.home()
    documents = base / "Documents"
    return documents if documents.is_dir() else base
