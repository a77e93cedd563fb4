"""Console conseiller (issue 9). Thin: parse, call one service function, return a schema. Every route here
demands a staff session (agent or supervisor; members get 403); the audit, the flagged checks and the
staff accounts demand a supervisor. The member's own route (who consulted my dossier) is at the end."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from models.schemas.agent import (
    ActionDone,
    ActionReason,
    AgentAnswer,
    AgentSimulation,
    AgentThreadCreate,
    AuditPage,
    Banner,
    CallLogCreate,
    CallLogOut,
    CardToProfessional,
    ContactChange,
    Dossier,
    DossierAccessList,
    FlaggedCheck,
    IdentityCheckCreate,
    IdentityCheckOut,
    InternalNoteCreate,
    InternalNoteOut,
    MemberAlertRecord,
    MemberSearch,
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
from server.routes._idempotency import IdempotencyDep
from server.services.agent import actions, calls, dossier, identity, queue, search, supervision

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


@router.post(
    "/agent/members/{member_id}/identity-checks",
    status_code=201,
    response_model=IdentityCheckOut,
    responses=ACTION_ERRORS,
    summary="Vérification d'identité de l'appelant (comparée par le serveur)",
)
def check_identity(
    member_id: int,
    body: IdentityCheckCreate,
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
        lambda: identity.check_identity(session, clock, settings, agent, member_id, body, ip=ip),
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
    responses=ACTION_ERRORS,
    summary="Changer l'e-mail ou le mobile (identité vérifiée exigée)",
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
    "/agent/members/{member_id}/card",
    response_model=ActionDone,
    responses=ACTION_ERRORS,
    summary="Envoyer la carte de tiers payant (PDF) à un professionnel de santé ; l'adhérent est prévenu",
)
def email_card(
    member_id: int,
    body: CardToProfessional,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
) -> ActionDone:
    return actions.email_card(session, clock, settings, agent, member_id, body, ip=ip)


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


@router.post(
    "/agent/members/{member_id}/calls",
    response_model=CallLogOut,
    status_code=201,
    responses=error_responses(401, 403, 404, 422),
    summary="Noter l'appel (motif, issue, note)",
)
def log_call(
    member_id: int,
    body: CallLogCreate,
    agent: Staff,
    session: SessionDep,
    clock: ClockDep,
    ip: ClientIp,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session, clock, agent, body, lambda: calls.log_call(session, clock, agent, member_id, body, ip=ip)
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
    summary="Note interne (jamais montrée à l'adhérent)",
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
def flagged(supervisor: Supervisor, session: SessionDep) -> list[FlaggedCheck]:
    return supervision.flagged_checks(session)


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
