"""A file the server sends: the one way a route answers with a download — its name, never kept in a cache (it
is personal data) — and how the OpenAPI document describes it."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from models.tables import Document

BINARY = {"schema": {"type": "string", "format": "binary"}}
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": BINARY}, "description": "Le document en PDF"}
}
DOCUMENT_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": BINARY, "image/jpeg": BINARY, "image/png": BINARY},
        "description": "Le fichier (PDF, JPEG ou PNG)",
    }
}


def file_response(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def document_response(document: Document) -> Response:
    """A member's stored file (an attachment, a justificatif), under the name it was stored with."""
    return file_response(document.content, document.content_type, document.filename)
