"""Messagerie sécurisée: threads, messages and their attachments (issue 7).

Files travel as base64 inside the JSON body (``UploadedFile``): a message and its attachments, or a
démarche and its documents, are one request, stored in one transaction, replayed as one by
``Idempotency-Key``. The server reads the body while streaming it and stops at the size limit (413),
then checks each file's type by its first bytes (415).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from models.schemas.common import ComplaintOutcome, ThreadCategory, ThreadStatus
from models.schemas.ids import Id

# The declared contract of an upload, as the server checks it (server/services/documents.py): the patterns
# are documentation (the server keeps its own French messages, and 415 for a file of another type), and
# anything they allow is accepted. A name has no path, no control character and is not « . » or « .. » (the
# class below is a readable subset of what is allowed: Latin letters with French accents, digits, usual
# punctuation); the content is base64 (RFC 4648, padded) starting with the magic bytes of a PDF (« %PDF- »),
# a JPEG (FF D8 FF) or a PNG (89 50 4E 47 0D 0A 1A 0A) and at least one more byte.
_NAME_CHAR = "A-Za-z0-9À-ÖØ-öø-ÿŒœ_"
FILENAME_PATTERN = rf"^[{_NAME_CHAR} .,()'+&-]*[{_NAME_CHAR}][{_NAME_CHAR} .,()'+&-]*$"
_BASE64 = "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
CONTENT_PATTERN = rf"^(?:JVBERi[0-3][A-Za-z0-9+/]|/9j/|iVBORw0KGg[o-r][A-Za-z0-9+/]){_BASE64}$"


class UploadedFile(BaseModel):
    filename: str = Field(
        min_length=1,
        max_length=255,
        description="Nom du fichier chez vous (jamais réutilisé tel quel)",
        json_schema_extra={"pattern": FILENAME_PATTERN},
    )
    content_base64: str = Field(
        min_length=1,
        description="Contenu du fichier en base64 (PDF, JPEG ou PNG)",
        json_schema_extra={"pattern": CONTENT_PATTERN},
    )


class AttachmentInfo(BaseModel):
    id: int
    filename: str = Field(description="Nom attribué par le serveur (ex. piece-12.pdf)")
    content_type: str
    size: int


class ThreadCreate(BaseModel):
    subject: str = Field(min_length=1, max_length=200)
    category: ThreadCategory
    body: str = Field(min_length=1, max_length=5000)
    claim_id: Id | None = None
    simulation_id: Id | None = None
    preferred_slots: str | None = Field(default=None, max_length=300, description="Créneaux souhaités (rendez-vous)")
    attachments: list[UploadedFile] = Field(default_factory=list, max_length=5)


class MessageCreate(BaseModel):
    body: str = Field(min_length=1, max_length=5000)
    attachments: list[UploadedFile] = Field(default_factory=list, max_length=5)


class MessageOut(BaseModel):
    id: int
    from_member: bool
    author_name: str
    body: str
    sent_at: datetime
    read: bool = Field(description="Lu par vous (toujours vrai pour vos propres messages)")
    attachments: list[AttachmentInfo] = Field(default_factory=list)


class Mediator(BaseModel):
    name: str
    address: str
    website: str


class ComplaintDeadlines(BaseModel):
    """ACPR recommendation 2022-R-01: acknowledged within 10 jours ouvrables, answered within 2 months;
    a refusal (total or partial) names the médiateur and how to reach him."""

    acknowledge_due_at: datetime
    acknowledged_at: datetime | None
    answer_due_at: datetime
    outcome: ComplaintOutcome | None
    mediator: Mediator | None = Field(default=None, description="Présent dès qu'un refus, même partiel, est notifié")


class ThreadSummary(BaseModel):
    id: int
    subject: str
    category: ThreadCategory
    status: ThreadStatus
    created_at: datetime
    last_message_at: datetime
    unread_count: int
    answer_due_at: datetime | None
    overdue: bool = Field(description="La date de réponse promise est passée sans réponse")
    claim_id: int | None = None
    simulation_id: int | None = None


class ThreadDetail(ThreadSummary):
    preferred_slots: str | None = None
    messages: list[MessageOut]
    complaint: ComplaintDeadlines | None = None


class Inbox(BaseModel):
    unread_total: int
    threads: list[ThreadSummary]
