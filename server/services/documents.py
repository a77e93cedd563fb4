"""Uploaded files: decoded, checked by content, renamed, stored in the database with what they belong to.

- the type comes from the first bytes (magic numbers), never from the name or a declared type: PDF,
  JPEG and PNG only, anything else is 415;
- the size of all the files of one request together is capped (``upload_max_bytes``, 10 MB): the body
  reader stops streaming past it (413), and the decoded total is checked again here;
- the client's file name is only checked (a name holding a path or a control character is refused,
  422) and then dropped: the stored name is the server's own (``facture-acquittee-1.pdf``);
- rows are added to the caller's session: they commit with their message or request, or not at all.
"""

from __future__ import annotations

import base64
import binascii
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.schemas.errors import ErrorDetail
from models.schemas.messaging import AttachmentInfo, UploadedFile
from models.tables import Claim, Document, MessageThread
from server.clock import Clock
from server.errors import ApiError
from server.services.viewer import Viewer
from server.settings import Settings

MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
ACCEPTED = "PDF, JPEG ou PNG"


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in MAGIC:
        if content.startswith(magic):
            return content_type, extension
    return None


def base64_limit(settings: Settings) -> int:
    """The largest JSON body that can carry ``upload_max_bytes`` of files (base64 + the form)."""
    return (settings.upload_max_bytes + 2) // 3 * 4 + 64 * 1024


def too_large(settings: Settings) -> ApiError:
    mb = settings.upload_max_bytes / (1024 * 1024)
    return ApiError(
        413,
        "payload_too_large",
        f"Fichiers trop volumineux : {mb:g} Mo au plus pour l'ensemble des pièces d'une demande. "
        "Réduisez la résolution du scan ou envoyez les pages en plusieurs demandes.",
    )


def _check_name(name: str, field: str) -> None:
    bad = (
        "/" in name
        or "\\" in name
        or name.strip() in ("", ".", "..")
        or any(unicodedata.category(ch).startswith("C") for ch in name)
    )
    if bad:
        raise ApiError(
            422,
            "invalid_filename",
            "Nom de fichier refusé : il ne doit contenir ni chemin (/ ou \\) ni caractère de contrôle.",
            details=[ErrorDetail(field=field, message="nom de fichier avec un chemin ou un caractère de contrôle")],
        )


def check_files(files: list[UploadedFile], settings: Settings, field: str = "attachments") -> list[CheckedFile]:
    total = 0
    checked: list[CheckedFile] = []
    for index, upload in enumerate(files):
        where = f"{field}[{index}]"
        _check_name(upload.filename, f"{where}.filename")
        try:
            content = base64.b64decode(upload.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(
                422,
                "invalid_request",
                "Le contenu du fichier n'a pas pu être lu (base64 attendu).",
                details=[ErrorDetail(field=f"{where}.content_base64", message="base64 invalide")],
            ) from exc
        total += len(content)
        if total > settings.upload_max_bytes:
            raise too_large(settings)
        kind = sniff(content)
        if kind is None:
            raise ApiError(
                415,
                "unsupported_media_type",
                f"Type de fichier non accepté : {ACCEPTED} uniquement (le contenu du fichier est vérifié, "
                "pas seulement son nom).",
                details=[ErrorDetail(field=where, message=f"le contenu n'est pas un {ACCEPTED}")],
            )
        checked.append(CheckedFile(content, *kind))
    return checked


def store(
    session: Session,
    clock: Clock,
    member_id: int,
    files: list[CheckedFile],
    *,
    kind: str,
    stem: str,
    description: str | None = None,
    thread_id: int | None = None,
    message_id: int | None = None,
    request_id: int | None = None,
    claim_id: int | None = None,
) -> list[Document]:
    rows = []
    for index, file in enumerate(files, start=1):
        row = Document(
            member_id=member_id,
            kind=kind,
            filename=f"{stem}-{index}.{file.extension}",
            content_type=file.content_type,
            content=file.content,
            size=len(file.content),
            created_at=clock.now(),
            thread_id=thread_id,
            message_id=message_id,
            request_id=request_id,
            claim_id=claim_id,
            description=description,
        )
        session.add(row)
        rows.append(row)
    return rows


def info(document: Document) -> AttachmentInfo:
    return AttachmentInfo(
        id=document.id or 0, filename=document.filename, content_type=document.content_type, size=document.size
    )


def documents_of(session: Session, **where: int) -> list[Document]:
    statement = select(Document)
    for name, value in where.items():
        statement = statement.where(getattr(Document, name) == value)
    return list(session.exec(statement.order_by(col(Document.id))).all())


def member_document(session: Session, viewer: Viewer, document_id: int) -> Document:
    """One of the household's documents, if the viewer may see what it belongs to (issue 21): a beneficiary's
    conversation or care is theirs; a document of the household's démarches is the assuré principal's."""
    document = session.get(Document, document_id)
    if document is None or document.member_id != viewer.member_id or not _visible(session, viewer, document):
        raise ApiError(404, "not_found", "Ce document n'existe pas dans votre espace.")
    return document


def _visible(session: Session, viewer: Viewer, document: Document) -> bool:
    if document.thread_id is not None:
        thread = session.get(MessageThread, document.thread_id)
        return thread is not None and thread.beneficiary_id == viewer.beneficiary_id
    if document.claim_id is not None:
        claim = session.get(Claim, document.claim_id)
        return claim is not None and viewer.sees(claim.beneficiary_id)
    return viewer.beneficiary is None
