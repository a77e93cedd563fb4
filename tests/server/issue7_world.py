"""Member A's objects of the messagerie and démarches, for the access matrix (issue 7)."""

from __future__ import annotations

import base64
from typing import Any

from sqlmodel import Session

from models.schemas.common import NotificationKind, RequestKind, RequestStatus, ThreadStatus
from models.tables import Document, Member, MemberRequest, Message, MessageThread, Notification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def upload(name: str = "facture.pdf", content: bytes = PDF) -> dict[str, str]:
    return {"filename": name, "content_base64": b64(content)}


def issue7_objects(session: Session, clock: Any, member: Member, beneficiary_id: int) -> dict[str, Any]:
    now = clock.now()
    thread = MessageThread(
        member_id=member.id or 0,
        subject="Question",
        category="question",
        status=ThreadStatus.answered,
        created_at=now,
        last_message_at=now,
    )
    session.add(thread)
    session.flush()
    message = Message(thread_id=thread.id or 0, body="Réponse", sent_at=now)
    session.add(message)
    session.flush()
    document = Document(
        member_id=member.id or 0,
        kind="message_attachment",
        filename="piece-jointe-1-1.pdf",
        content_type="application/pdf",
        content=PDF,
        size=len(PDF),
        created_at=now,
        thread_id=thread.id,
        message_id=message.id,
    )
    request = MemberRequest(
        reference="D2026-MATRIX",
        member_id=member.id or 0,
        beneficiary_id=beneficiary_id,
        kind=RequestKind.document,
        status=RequestStatus.received,
        title="Dépôt : RIB",
        created_at=now,
        updated_at=now,
    )
    session.add_all([document, request])
    session.flush()
    notification = Notification(
        member_id=member.id or 0,
        kind=NotificationKind.answer,
        title="Réponse reçue",
        body="…",
        created_at=now,
        thread_id=thread.id,
    )
    session.add(notification)
    session.commit()
    params = {
        "thread_id": thread.id,
        "document_id": document.id,
        "request_id": request.id,
        "notification_id": notification.id,
    }
    bodies = {
        ("POST", "/api/v1/me/threads"): {"subject": "Ma question", "category": "question", "body": "Bonjour"},
        ("POST", "/api/v1/me/threads/{thread_id}/messages"): {"body": "Merci", "attachments": [upload()]},
        ("POST", "/api/v1/me/requests/reimbursements"): {
            "basis": "paid_invoice",
            "beneficiary_id": beneficiary_id,
            "care_date": "2026-11-10",
            "label": "Ostéopathie",
            "amount": "60",
            "file": upload(),
        },
        ("POST", "/api/v1/me/requests/documents"): {
            "document_type": "bank_details",
            "beneficiary_id": beneficiary_id,
            "description": "Nouveau RIB",
            "files": [upload("rib.png", PNG)],
        },
        ("POST", "/api/v1/me/requests/accidents"): {
            "beneficiary_id": beneficiary_id,
            "accident_date": "2026-11-20",
            "place": "Clermont-Ferrand",
            "circumstances": "Chute à vélo",
        },
        ("POST", "/api/v1/me/requests/hospital-covers"): {
            "member_number": member.member_number,
            "beneficiary_id": beneficiary_id,
            "establishment": "CHU de Clermont-Ferrand",
            "finess": "750712184",
            "entry_date": "2026-12-01",
            "admission_email": "admissions@chu.example",
        },
        ("POST", "/api/v1/me/requests/quotes"): {
            "domain": "dental",
            "beneficiary_id": beneficiary_id,
            "provider_name": "Dr Martin",
            "lines": [{"act": "G", "charged": "30"}],
        },
    }
    return {"path_params": params, "bodies": bodies}


# Rows: anonymous, member A, member B, agent, supervisor. Bodies name member A's beneficiary, so member B
# gets 422 ("not one of your beneficiaries"), never a request on A's behalf; A's objects are 404 to B.
ISSUE7_ROWS: dict[tuple[str, str], tuple[int, int, int, int, int]] = {
    ("GET", "/api/v1/me/threads"): (401, 200, 200, 403, 403),
    ("POST", "/api/v1/me/threads"): (401, 201, 201, 403, 403),
    ("GET", "/api/v1/me/threads/{thread_id}"): (401, 200, 404, 403, 403),
    ("POST", "/api/v1/me/threads/{thread_id}/messages"): (401, 201, 404, 403, 403),
    ("GET", "/api/v1/me/documents/{document_id}"): (401, 200, 404, 403, 403),
    ("GET", "/api/v1/me/requests"): (401, 200, 200, 403, 403),
    ("GET", "/api/v1/me/requests/{request_id}"): (401, 200, 404, 403, 403),
    ("POST", "/api/v1/me/requests/reimbursements"): (401, 201, 422, 403, 403),
    ("POST", "/api/v1/me/requests/documents"): (401, 201, 422, 403, 403),
    ("POST", "/api/v1/me/requests/accidents"): (401, 201, 422, 403, 403),
    ("POST", "/api/v1/me/requests/hospital-covers"): (401, 201, 422, 403, 403),
    ("POST", "/api/v1/me/requests/quotes"): (401, 201, 422, 403, 403),
    ("GET", "/api/v1/me/notifications"): (401, 200, 200, 403, 403),
    ("POST", "/api/v1/me/notifications/{notification_id}/read"): (401, 200, 404, 403, 403),
}
