"""Console conseiller (issues 9 and 16). Thin: parse, call one service function, return a schema. Every route here
demands a staff session (agent or supervisor; members get 403); the audit, the flagged checks, the phone channel
and the staff accounts demand a supervisor. What a route may read or do for a member is decided by the level of the
conseiller's call in progress, in the service layer (``server.services.agent.levels``). The member's own route
(who consulted my dossier) is at the end."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response

from models.schemas.agent import (
    ActionDone,
    ActionReason,
    AgentAnswer,
    AgentSimulation,
    AgentThreadCreate,
    AuditPage,
    Banner,
    CallCodeCheck,
    CallCodeRequest,
    CallEnd,
    CallEnded,
    CallOut,
    CallStart,
    ContactChange,
    ContactCodeCheck,
    DocumentToThirdParty,
    Dossier,
    DossierAccessList,
    FlaggedCheck,
    IdentityAnswers,
    IdentityCheckOut,
    InternalNoteCreate,
    InternalNoteOut,
    MemberAlertRecord,
    MemberSearch,
    PartnerOut,
    PhoneChannelReopen,
    Queue,
    QueueItem,
    QueueKind,
    QueueRequest,
    QueueThread,
    RequestDecision,
    SimulationDone,
    StaffCreate,
    StaffOut,
)
from models.schemas.claims import ClaimDetail, ClaimList, ClaimQuery
from models.schemas.common import Role
from models.schemas.guarantees import MyGuarantees
from models.schemas.messaging import Inbox, ThreadDetail
from models.schemas.query import QueryDate, QueryId, QueryText
from models.schemas.requests import RequestDetail, RequestList
from models.tables import Account
from server.clock import paris_today
from server.deps import ClientIp, ClockDep, CurrentAccount, CurrentMember, SessionDep, SettingsDep
from server.errors import error_responses, forbidden
from server.routes._files import DOCUMENT_RESPONSE, document_response
from server.routes._idempotency import IdempotencyDep
from server.routes._links import response_links
from server.services.agent import actions, calls, dossier, queue, search, supervision

router = APIRouter(tags=["conseiller"])


def _staff(account: CurrentAccount) -> Account:
    if account.role not in (Role.agent, Role.supervisor):
        raise forbidden("staff_only", "Cette console est réservée aux conseillers.")
    return account


def _supervisor(account: CurrentAccount) -> Account:
    if account.role != Role.supervisor:
        raise forbidden("supervisor_only", "Réservé aux superviseurs.")
    return account


Staff = Annotated[Account, Depends(_staff)]
Supervisor = Annotated[Account, Depends(_supervisor)]
DOSSIER_ERRORS: dict[int | str, dict[str, Any]] = error_responses(401, 403, 404)
ACTION_ERRORS: dict[int | str, dict[str, Any]] = error_responses(401, 403, 404, 409, 422)


# --- who is calling ------------------------------------------------------------------------------


@router.get(
    "/agent/members",
    response_model=MemberSearch,
    responses=error_responses(401, 403, 422),
    summary="Qui appelle ? Recherche par n° adhérent, nom prénom (date), NIR, e-mail ou mobile",
)
def search_members(
    agent: Staff,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
) -> MemberSearch:
    return search.search(session, settings, q, paris_today(clock))


# --- the call and its verification level ---------------------------------------------------------------


# A call just opened is answered, verified and ended through its id; the dossier of the member it names is read
# through the member's id (the stateful fuzzing follows these links, as a client may).
CALL_TARGETS = (
    ("POST", "/agent/calls/{call_id}/identity-check"),
    ("POST", "/agent/calls/{call_id}/code"),
    ("POST", "/agent/calls/{call_id}/end"),
)
MEMBER_TARGETS = (
    ("GET", "/agent/members/{member_id}/banner"),
    ("GET", "/agent/members/{member_id}/dossier"),
    ("GET", "/agent/members/{member_id}/claims"),
    ("GET", "/agent/members/{member_id}/guarantees"),
)


def _call_links(status: int) -> dict[int | str, dict[str, Any]]:
    by_call = response_links(status, *CALL_TARGETS, parameters={"call_id": "$response.body#/id"})
    by_member = response_links(status, *MEMBER_TARGETS, parameters={"member_id": "$response.body#/summary/id"})
    return {status: {"links": {**by_call[status]["links"], **by_member[status]["links"]}}}


@router.post(
    "/agent/calls",
    status_code=201,
    response_model=CallOut,
    responses={**error_responses(401, 403, 404, 422), **_call_links(201)},
    summary="Ouvrir l'appel : qui appelle, pour quel adhérent (termine l'appel précédent) ; les questions",
)
def start_call(
    body: CallStart,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session, clock, agent, body, lambda: calls.start_call(session, clock, settings, agent, body, ip=ip)
    )


@router.get(
    "/agent/calls/current",
    response_model=CallOut,
    responses={**error_responses(401, 403, 404), **_call_links(200)},
    summary="L'appel en cours de ce conseiller, et son niveau de vérification",
)
def current_call(agent: Staff, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> CallOut:
    return calls.current_call(session, clock, settings, agent)


@router.post(
    "/agent/calls/{call_id}/identity-check",
    status_code=201,
    response_model=IdentityCheckOut,
    responses=ACTION_ERRORS,
    summary="Réponses de l'appelant aux questions du serveur (comparées par le serveur, jamais conservées)",
)
def check_identity(
    call_id: int,
    body: IdentityAnswers,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        agent,
        body,
        lambda: calls.check_identity(session, clock, settings, agent, call_id, body, ip=ip),
    )


@router.post(
    "/agent/calls/{call_id}/code",
    response_model=CallOut,
    responses=error_responses(401, 403, 404, 409, 422, 429),
    summary="Vérification forte : envoyer un code à un contact ancien (ou par courrier)",
)
def send_call_code(
    call_id: int,
    body: CallCodeRequest,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        agent,
        body,
        lambda: calls.send_code(session, clock, settings, agent, call_id, body, ip=ip),
        status_code=200,
    )


@router.post(
    "/agent/calls/{call_id}/code/check",
    response_model=CallOut,
    responses=ACTION_ERRORS,
    summary="Vérification forte : le code relu par l'appelant",
)
def check_call_code(
    call_id: int,
    body: CallCodeCheck,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> CallOut:
    return calls.check_code(session, clock, settings, agent, call_id, body, ip=ip)


@router.post(
    "/agent/calls/{call_id}/end",
    response_model=CallEnded,
    responses=error_responses(401, 403, 404, 422),
    summary="Terminer l'appel (le niveau de vérification finit avec lui), avec sa note ou sans",
)
def end_call(
    call_id: int,
    body: CallEnd,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        agent,
        body,
        lambda: calls.end_call(session, clock, settings, agent, call_id, body, ip=ip),
        status_code=200,
    )


# --- banner and dossier --------------------------------------------------------------------------


@router.get(
    "/agent/members/{member_id}/banner",
    response_model=Banner,
    responses=DOSSIER_ERRORS,
    summary="Le bandeau des dix premières secondes",
)
def member_banner(member_id: int, agent: Staff, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> Banner:
    return dossier.banner(session, clock, settings, agent, member_id)


@router.get(
    "/agent/members/{member_id}/dossier",
    response_model=Dossier,
    responses=DOSSIER_ERRORS,
    summary="Le dossier (après vérification d'identité ; ouverture journalisée)",
)
def member_dossier(
    member_id: int, agent: Staff, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> Dossier:
    return dossier.dossier(session, clock, settings, agent, member_id, ip=ip)


@router.get(
    "/agent/members/{member_id}/claims",
    response_model=ClaimList,
    responses=error_responses(401, 403, 404, 422),
    summary="Les remboursements de l'adhérent, comme il les voit",
)
def member_claims(
    member_id: int,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    ip: ClientIp,
    query: Annotated[ClaimQuery, Query()],
) -> ClaimList:
    return dossier.claims(session, clock, agent, member_id, query, ip=ip)


@router.get(
    "/agent/members/{member_id}/claims/{claim_id}",
    response_model=ClaimDetail,
    responses=DOSSIER_ERRORS,
    summary="Le détail d'un remboursement de l'adhérent",
)
def member_claim(
    member_id: int, claim_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp
) -> ClaimDetail:
    return dossier.claim(session, clock, agent, member_id, claim_id, ip=ip)


@router.get(
    "/agent/members/{member_id}/guarantees",
    response_model=MyGuarantees,
    responses=DOSSIER_ERRORS,
    summary="Les garanties de l'adhérent, comme il les voit",
)
def member_guarantees(member_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp) -> MyGuarantees:
    return dossier.guarantees(session, clock, agent, member_id, ip=ip)


@router.get(
    "/agent/members/{member_id}/threads",
    response_model=Inbox,
    responses=DOSSIER_ERRORS,
    summary="La messagerie de l'adhérent, comme il la voit",
)
def member_threads(member_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp) -> Inbox:
    return dossier.threads(session, clock, agent, member_id, ip=ip)


@router.get(
    "/agent/members/{member_id}/threads/{thread_id}",
    response_model=ThreadDetail,
    responses=DOSSIER_ERRORS,
    summary="Une conversation de l'adhérent (rien n'est marqué lu pour lui)",
)
def member_thread(
    member_id: int,
    thread_id: int,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ThreadDetail:
    return dossier.thread(session, clock, settings, agent, member_id, thread_id, ip=ip)


@router.get(
    "/agent/members/{member_id}/requests",
    response_model=RequestList,
    responses=DOSSIER_ERRORS,
    summary="Les démarches de l'adhérent",
)
def member_requests(member_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp) -> RequestList:
    return dossier.requests(session, clock, agent, member_id, ip=ip)


@router.get(
    "/agent/members/{member_id}/requests/{request_id}",
    response_model=RequestDetail,
    responses=DOSSIER_ERRORS,
    summary="Une démarche de l'adhérent",
)
def member_request(
    member_id: int, request_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp
) -> RequestDetail:
    return dossier.request(session, clock, agent, member_id, request_id, ip=ip)


# --- acting for the member -----------------------------------------------------------------------


@router.post(
    "/agent/members/{member_id}/unlock",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Débloquer l'accès (motif, ticket ; l'adhérent est prévenu)",
)
def unlock(
    member_id: int,
    body: ActionReason,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.unlock(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/reset-link",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Envoyer un lien de réinitialisation à l'adhérent (jamais vu par le conseiller)",
)
def reset_link(
    member_id: int,
    body: ActionReason,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.send_reset_link(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/activation",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Renvoyer l'e-mail de confirmation, ou un nouveau code d'accès par courrier",
)
def activation(
    member_id: int,
    body: ActionReason,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.resend_activation(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/contact",
    response_model=ActionDone,
    responses=error_responses(401, 403, 404, 409, 422, 429),
    summary="Changer l'e-mail ou le mobile (vérification forte) : un code part au nouveau contact",
)
def contact(
    member_id: int,
    body: ContactChange,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.change_contact(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/contact/confirm",
    response_model=ActionDone,
    responses=error_responses(401, 403, 404, 409, 422, 429),
    summary="Le code relu par l'appelant : le nouvel e-mail ou mobile remplace l'ancien (prévenu)",
)
def confirm_contact(
    member_id: int,
    body: ContactCodeCheck,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.confirm_contact(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/revoke",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Déconnecter les appareils de confiance et les sessions de l'adhérent",
)
def revoke(
    member_id: int,
    body: ActionReason,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.revoke_access(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/documents",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Envoyer la carte de tiers payant ou l'attestation (PDF) à un professionnel du réseau (FINESS) ou à "
    "l'adhérent ; l'adhérent est prévenu de l'adresse",
)
def send_document(
    member_id: int,
    body: DocumentToThirdParty,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.send_document(session, clock, settings, agent, member_id, body, ip=ip)


@router.get(
    "/agent/partners",
    response_model=list[PartnerOut],
    responses=error_responses(401, 403, 422),
    summary="Les professionnels du réseau de tiers payant, par n° FINESS, nom ou ville",
)
def partners(
    agent: Staff, session: SessionDep, q: Annotated[str, Query(min_length=1, max_length=100)]
) -> list[PartnerOut]:
    return actions.partners(session, q)


@router.post(
    "/agent/members/{member_id}/alerts",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Enregistrer ou lever une alerte : courrier revenu NPAI, tutelle / curatelle",
)
def record_alert(
    member_id: int,
    body: MemberAlertRecord,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.record_alert(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/simulations",
    response_model=SimulationDone,
    responses=ACTION_ERRORS,
    summary="Simulation sur les contrats de l'adhérent (formulaire adhérent)",
)
def simulate(
    member_id: int,
    body: AgentSimulation,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> SimulationDone:
    return actions.simulate(session, clock, settings, agent, member_id, body, ip=ip)


@router.post(
    "/agent/members/{member_id}/threads",
    response_model=ActionDone,
    status_code=201,
    responses=ACTION_ERRORS,
    summary="Ouvrir une conversation pour l'adhérent",
)
def open_thread(
    member_id: int,
    body: AgentThreadCreate,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        agent,
        body,
        lambda: actions.open_thread(session, clock, settings, agent, member_id, body, ip=ip),
    )


# --- the queue -----------------------------------------------------------------------------------


@router.get(
    "/agent/queue",
    response_model=Queue,
    responses=error_responses(401, 403, 422),
    summary="La file : messages par échéance, réclamations (ACPR), rendez-vous, démarches",
)
def work_queue(agent: Staff, session: SessionDep, clock: ClockDep, mine: bool = False) -> Queue:
    return queue.queue(session, clock, agent, mine=mine)


@router.post(
    "/agent/queue/{kind}/{item_id}/assign",
    response_model=QueueItem,
    responses=error_responses(401, 403, 404, 422),
    summary="M'attribuer un élément de la file",
)
def assign(
    kind: QueueKind, item_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp
) -> QueueItem:
    return queue.assign(session, clock, agent, kind, item_id, ip=ip)


@router.get(
    "/agent/threads/{thread_id}",
    response_model=QueueThread,
    responses=DOSSIER_ERRORS,
    summary="Lire une conversation de la file, avec les notes internes",
)
def queue_thread(
    thread_id: int, agent: Staff, session: SessionDep, clock: ClockDep, settings: SettingsDep, ip: ClientIp
) -> QueueThread:
    return queue.read_thread(session, clock, settings, agent, thread_id, ip=ip)


@router.post(
    "/agent/threads/{thread_id}/answer",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Répondre à l'adhérent (une réclamation refusée nomme le médiateur)",
)
def answer(
    thread_id: int,
    body: AgentAnswer,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return queue.answer(session, clock, settings, agent, thread_id, body, ip=ip)


@router.post(
    "/agent/threads/{thread_id}/notes",
    response_model=InternalNoteOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 422),
    summary="Note interne (hors de la messagerie de l'adhérent ; dans « Mes données », RGPD art. 15)",
)
def thread_note(
    thread_id: int,
    body: InternalNoteCreate,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        agent,
        body,
        lambda: queue.add_note(session, clock, agent, QueueKind.thread, thread_id, body, ip=ip),
    )


@router.get(
    "/agent/requests/{request_id}",
    response_model=QueueRequest,
    responses=DOSSIER_ERRORS,
    summary="Lire une démarche de la file, avec les notes internes",
)
def queue_request(request_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp) -> QueueRequest:
    return queue.read_request(session, clock, agent, request_id, ip=ip)


@router.post(
    "/agent/requests/{request_id}/decision",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Accepter ou refuser une démarche, avec la réponse (l'adhérent est prévenu)",
)
def decide(
    request_id: int,
    body: RequestDecision,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return queue.decide(session, clock, settings, agent, request_id, body, ip=ip)


@router.post(
    "/agent/requests/{request_id}/notes",
    response_model=InternalNoteOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 422),
    summary="Note interne sur une démarche",
)
def request_note(
    request_id: int,
    body: InternalNoteCreate,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        agent,
        body,
        lambda: queue.add_note(session, clock, agent, QueueKind.request, request_id, body, ip=ip),
    )


@router.get(
    "/agent/documents/{document_id}",
    response_class=Response,
    responses={**DOCUMENT_RESPONSE, **DOSSIER_ERRORS},
    summary="Ouvrir une pièce d'un adhérent (pièce jointe d'un message de la file, ou pendant un appel)",
)
def open_document(document_id: int, agent: Staff, session: SessionDep, clock: ClockDep, ip: ClientIp) -> Response:
    return document_response(queue.open_document(session, clock, agent, document_id, ip=ip))


# --- supervision ---------------------------------------------------------------------------------


@router.get(
    "/agent/audit",
    response_model=AuditPage,
    responses=error_responses(401, 403, 422),
    summary="Journal d'audit (superviseur) : par conseiller, adhérent, période",
)
def audit_log(
    supervisor: Supervisor,
    session: SessionDep,
    agent_id: QueryId | None = None,
    member_id: QueryId | None = None,
    date_from: QueryDate | None = None,
    date_to: QueryDate | None = None,
    action: QueryText | None = None,
) -> AuditPage:
    return supervision.audit_page(
        session, agent_id=agent_id, member_id=member_id, date_from=date_from, date_to=date_to, action=action
    )


@router.get(
    "/agent/flagged-checks",
    response_model=list[FlaggedCheck],
    responses=error_responses(401, 403),
    summary="Dossiers ouverts sans identité vérifiée (motif écrit), pour le superviseur",
)
def flagged(supervisor: Supervisor, session: SessionDep, clock: ClockDep, settings: SettingsDep) -> list[FlaggedCheck]:
    return supervision.flagged_checks(session, clock, settings)


@router.post(
    "/agent/members/{member_id}/phone-channel/reopen",
    response_model=ActionDone,
    responses=error_responses(401, 403, 404, 409, 422),
    summary="Rouvrir le canal téléphonique d'un adhérent fermé par des vérifications manquées (superviseur)",
)
def reopen_phone_channel(
    member_id: int,
    body: PhoneChannelReopen,
    supervisor: Supervisor,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return calls.reopen_phone_channel(session, clock, settings, supervisor, member_id, body, ip=ip)


@router.get(
    "/agent/staff",
    response_model=list[StaffOut],
    responses=error_responses(401, 403),
    summary="Les comptes conseillers et superviseurs",
)
def staff_list(supervisor: Supervisor, session: SessionDep) -> list[StaffOut]:
    return supervision.list_staff(session)


@router.post(
    "/agent/staff",
    response_model=StaffOut,
    status_code=201,
    responses=error_responses(401, 403, 409, 422),
    summary="Créer un compte conseiller (lien pour choisir le mot de passe envoyé à son adresse)",
)
def staff_create(
    body: StaffCreate,
    supervisor: Supervisor,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session,
        clock,
        supervisor,
        body,
        lambda: supervision.create_staff(session, clock, settings, supervisor, body, ip=ip),
    )


@router.post(
    "/agent/staff/{account_id}/disable",
    response_model=StaffOut,
    responses=error_responses(401, 403, 404, 409),
    summary="Désactiver un compte conseiller (ses sessions sont fermées)",
)
def staff_disable(
    account_id: int, supervisor: Supervisor, session: SessionDep, clock: ClockDep, ip: ClientIp
) -> StaffOut:
    return supervision.disable_staff(session, clock, supervisor, account_id, ip=ip)


# --- the member's side ---------------------------------------------------------------------------


@router.get(
    "/me/dossier-accesses",
    response_model=DossierAccessList,
    responses=error_responses(401, 403),
    summary="Qui a consulté mon dossier (conseillers), et quand",
)
def my_dossier_accesses(member: CurrentMember, session: SessionDep) -> DossierAccessList:
    return supervision.dossier_accesses(session, member)
