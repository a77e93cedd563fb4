"""The demo job: the back office of the demo. It moves démarches, online claims and messages forward so
that every status and every notification can be shown (``espace jobs run``; also run by the demo). It runs
only when ``settings.demo_mode`` is on; each item moves one step per pass, and only once it has waited
``settings.demo_step`` since its last change — a message ``settings.demo_message_step``, as the conseiller
console answers messages: the job answers only those left waiting, so that a message sent in the demo is
still in the console's queue when the person demoing logs in as a conseiller.

- démarche: reçue -> en cours de traitement -> acceptée (answer written; a devis is confirmed with the
  engine's figures) or refusée (a devis none of whose acts is covered);
- online claim (demander un remboursement): reçu -> en traitement -> remboursé (computed by the engine
  with the member's guarantee lines, paid to the member) or rejeté (no act given: the reason and what to
  do next); its démarche follows it (server.services.lifecycle: one state machine, never set apart);
- thread: envoyé -> répondu; a réclamation: envoyé -> en cours (accusé de réception) -> répondu,
  partially upheld, so the médiateur's paragraph shows.
Each change goes through ``server.services.lifecycle`` and writes one notification and its email (outbox),
in the same transaction; the words are the vocabulary's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from models.domain.money import format_eur
from models.schemas.common import (
    ClaimSource,
    ClaimStatus,
    ComplaintOutcome,
    RequestKind,
    RequestStatus,
    Role,
    ThreadCategory,
    ThreadStatus,
)
from models.tables import (
    Account,
    Beneficiary,
    Claim,
    Member,
    MemberRequest,
    MessageThread,
)
from server.clock import Clock, paris_today
from server.db import SessionScope
from server.services import ceiling_alerts, lifecycle, messaging
from server.services.requests import price_online_claim
from server.settings import Settings


@dataclass
class DemoReport:
    requests: int = 0
    claims: int = 0
    threads: int = 0


def _agent_id(session: Session) -> int | None:
    return session.exec(select(Account.id).where(Account.role == Role.agent).order_by(col(Account.id))).first()


def _answer(row: MemberRequest) -> tuple[RequestStatus, str]:
    details = row.details or {}
    if row.kind == RequestKind.hospital:
        where = " et ".join(
            f"{how} {value}"
            for how, value in (
                ("par fax au", details.get("admission_fax")),
                ("par e-mail à", details.get("admission_email")),
            )
            if value
        )
        return RequestStatus.accepted, (
            f"Prise en charge accordée et envoyée {where} (service des admissions de {details.get('establishment')}). "
            "Vous n'avancez pas les frais d'hospitalisation, sauf les dépassements d'honoraires et le confort "
            "(télévision, téléphone)."
        )
    if row.kind == RequestKind.quote:
        figures = row.estimate or {}
        if Decimal(str(figures.get("amc_paid", "0"))) <= 0:
            return RequestStatus.refused, (
                "Aucun acte de ce devis n'est couvert par vos garanties : la mutuelle ne peut rien rembourser. "
                "Vous pouvez demander un devis alternatif à votre professionnel, ou nous écrire dans la messagerie."
            )
        row.answer_estimate = figures
        rest = (
            " sur les lignes estimées ; les autres lignes seront chiffrées avec leur base de remboursement"
            if any(not line.get("estimated", True) for line in figures.get("lines", []))
            else ""
        )
        return RequestStatus.accepted, (
            f"Devis accepté : nous confirmons l'estimation, soit {format_eur(Decimal(str(figures['amc_paid'])))} "
            f"remboursés par la mutuelle et {format_eur(Decimal(str(figures['out_of_pocket'])))} à votre charge"
            f"{rest}."
        )
    if row.kind == RequestKind.accident:
        return RequestStatus.accepted, (
            "Déclaration enregistrée. Si un tiers est responsable, nous demanderons le remboursement des frais à "
            "son assureur ; vos soins continuent d'être remboursés normalement."
        )
    return RequestStatus.accepted, "Documents enregistrés dans votre dossier. Merci."


def _advance_request(session: Session, clock: Clock, settings: Settings, row: MemberRequest) -> None:
    if row.status == RequestStatus.received:
        lifecycle.advance_request(session, clock, settings, row, RequestStatus.in_progress)
        return
    status, answer = _answer(row)
    lifecycle.advance_request(session, clock, settings, row, status, answer)


def _advance_claim(
    session: Session, clock: Clock, settings: Settings, claim: Claim, request: MemberRequest | None
) -> None:
    """reçu -> en traitement -> remboursé (priced on the member's own cover, paid to the member) or rejeté
    (no act given: the reason and what to do next). The démarche follows the claim (server.services.lifecycle)."""
    if claim.status == ClaimStatus.received:
        lifecycle.start_processing(session, clock, settings, claim)
        return
    act = ((request.details if request else None) or {}).get("act")
    if request is None or not act:
        lifecycle.reject(
            session,
            clock,
            settings,
            claim,
            "Le justificatif ne permet pas d'identifier le soin (acte non précisé).",
            "Renvoyez une facture acquittée lisible qui détaille les actes, depuis « Mes démarches ».",
        )
        return
    member = session.get(Member, claim.member_id)
    beneficiary = session.get(Beneficiary, claim.beneficiary_id)
    assert member is not None and beneficiary is not None
    today = paris_today(clock)
    before = ceiling_alerts.snapshot(session, member, beneficiary.id or 0, today)
    price_online_claim(session, clock, claim, request)
    lifecycle.reimburse(session, clock, settings, claim)
    ceiling_alerts.notify_crossed(session, clock, settings, member, beneficiary, before, today, claim_id=claim.id)


def _advance_thread(
    session: Session, clock: Clock, settings: Settings, thread: MessageThread, agent: int | None
) -> None:
    if thread.category == ThreadCategory.reclamation:
        if thread.status == ThreadStatus.sent and thread.acknowledged_at is None:
            messaging.acknowledge_complaint(session, clock, settings, thread, agent)
            return
        messaging.answer_thread(
            session,
            clock,
            settings,
            thread,
            "Après réexamen de votre dossier, nous faisons droit à une partie de votre demande : la part "
            "conforme à votre devis accepté sera remboursée ; le reste est refusé, le plafond annuel étant atteint.",
            agent,
            outcome=ComplaintOutcome.partial,
        )
        return
    messaging.answer_thread(
        session,
        clock,
        settings,
        thread,
        "Bonjour, merci pour votre message. Un conseiller a étudié votre demande : vous trouverez le détail "
        "dans votre espace. Bien cordialement, le service adhérent.",
        agent,
    )


def advance_demo(session_scope: SessionScope, clock: Clock, settings: Settings) -> DemoReport:
    report = DemoReport()
    if not settings.demo_mode:
        return report
    ready = clock.now() - settings.demo_step
    with session_scope() as session:
        agent = _agent_id(session)
        for row in session.exec(
            select(MemberRequest)
            .where(
                col(MemberRequest.status).in_([RequestStatus.received, RequestStatus.in_progress]),
                MemberRequest.updated_at <= ready,
                col(MemberRequest.claim_id).is_(None),  # a remboursement's démarche follows its claim
            )
            .order_by(col(MemberRequest.id))
        ).all():
            _advance_request(session, clock, settings, row)
            report.requests += 1
        requests_by_claim = {
            r.claim_id: r
            for r in session.exec(select(MemberRequest).where(col(MemberRequest.claim_id).is_not(None))).all()
        }
        for claim in session.exec(
            select(Claim)
            .where(
                Claim.source == ClaimSource.online,
                col(Claim.status).in_([ClaimStatus.received, ClaimStatus.processing]),
            )
            .order_by(col(Claim.id))
        ).all():
            request = requests_by_claim.get(claim.id)
            if request is not None and request.created_at > ready:
                continue
            _advance_claim(session, clock, settings, claim, request)
            report.claims += 1
        for thread in session.exec(
            select(MessageThread)
            .where(
                col(MessageThread.status).in_([ThreadStatus.sent, ThreadStatus.in_progress]),
                col(MessageThread.last_message_at).is_not(None),
                col(MessageThread.last_message_at) <= clock.now() - settings.demo_message_step,
            )
            .order_by(col(MessageThread.id))
        ).all():
            _advance_thread(session, clock, settings, thread, agent)
            report.threads += 1
        session.commit()
    return report
