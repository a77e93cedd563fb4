"""Messagerie sécurisée (issue 7). Thin: parse, call one service function, return a schema."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from models.schemas.messaging import Inbox, MessageCreate, ThreadCreate, ThreadDetail
from server.deps import ClockDep, CurrentAccount, CurrentViewer, MemberContext, SessionDep, SettingsDep
from server.errors import error_responses
from server.routes._body import ParsedBody, json_body, json_body_openapi
from server.routes._files import DOCUMENT_RESPONSE, document_response
from server.routes._idempotency import IdempotencyDep
from server.services import documents, messaging

router = APIRouter(tags=["messagerie"])


@router.get(
    "/me/threads",
    response_model=Inbox,
    responses=error_responses(401, 403),
    summary="Mes conversations, avec les messages non lus",
)
async def my_threads(context: MemberContext) -> Inbox:
    clock = context.clock
    return await context.as_member(lambda call: messaging.inbox(call.session, clock, call.viewer))


@router.post(
    "/me/threads",
    status_code=201,
    response_model=ThreadDetail,
    responses=error_responses(401, 403, 413, 415, 422),
    openapi_extra=json_body_openapi(ThreadCreate),
    summary="Écrire un nouveau message (pièces jointes en base64 ; Idempotency-Key accepté)",
)
def create_thread(
    viewer: CurrentViewer,
    account: CurrentAccount,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    body: Annotated[ParsedBody[ThreadCreate], Depends(json_body(ThreadCreate))],
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        account,
        body,
        lambda: messaging.create_thread(session, clock, settings, viewer, account, body.value),
    )


@router.get(
    "/me/threads/{thread_id}",
    response_model=ThreadDetail,
    responses=error_responses(401, 403, 404),
    summary="Lire une conversation (ses messages deviennent lus)",
)
async def read_thread(thread_id: int, context: MemberContext) -> ThreadDetail:
    clock, settings = context.clock, context.settings
    # opening a conversation marks its messages read: the sessions that write
    return await context.as_member(
        lambda call: messaging.read_thread(call.session, clock, settings, call.viewer, thread_id), writes=True
    )


@router.post(
    "/me/threads/{thread_id}/messages",
    status_code=201,
    response_model=ThreadDetail,
    responses=error_responses(401, 403, 404, 409, 413, 415, 422),
    openapi_extra=json_body_openapi(MessageCreate),
    summary="Répondre dans une conversation (Idempotency-Key accepté)",
)
def post_message(
    thread_id: int,
    viewer: CurrentViewer,
    account: CurrentAccount,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    body: Annotated[ParsedBody[MessageCreate], Depends(json_body(MessageCreate))],
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        account,
        body,
        lambda: messaging.post_message(session, clock, settings, viewer, account, thread_id, body.value),
    )


@router.get(
    "/me/documents/{document_id}",
    response_class=Response,
    responses={**DOCUMENT_RESPONSE, **error_responses(401, 403, 404)},
    summary="Télécharger une de mes pièces (pièce jointe ou document déposé)",
)
def download_document(document_id: int, viewer: CurrentViewer, session: SessionDep) -> Response:
    return document_response(documents.member_document(session, viewer, document_id))
