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


class UploadedFile(BaseModel):
    filename: str = Field(
        min_length=1, max_length=255, description="Nom du fichier chez vous (jamais réutilisé tel quel)"
    )
    content_base64: str = Field(min_length=1, description="Contenu du fichier en base64 (PDF, JPEG ou PNG)")


class AttachmentInfo(BaseModel):
    id: int
    filename: str = Field(description="Nom attribué par le serveur (ex. piece-12.pdf)")
    content_type: str
    size: int


class ThreadCreate(BaseModel):
    subject: str = Field(min_length=1, max_length=200)
    category: ThreadCategory
    body: str = Field(min_length=1, max_length=5000)
    claim_id: int | None = None
    simulation_id: int | None = None
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
