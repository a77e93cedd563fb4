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
  do next);
- thread: envoyé -> répondu; a réclamation: envoyé -> en cours (accusé de réception) -> répondu,
  partially upheld, so the médiateur's paragraph shows.
Each change writes a notification and its email (outbox), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from models.domain.dates import format_date
from models.domain.money import format_eur
from models.schemas.common import (
    ClaimSource,
    ClaimStatus,
    ComplaintOutcome,
    NotificationKind,
    Payee,
    PaymentState,
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
    ClaimLine,
    ClaimLineAmc,
    Member,
    MemberRequest,
    MessageThread,
    Payment,
)
from server.clock import Clock, paris_today
from server.db import SessionScope
from server.services import ceiling_alerts, messaging
from server.services.notifications import notify
from server.services.requests import engine_line
from server.settings import Settings

STATUS_WORDS = {
    RequestStatus.received: "reçue",
    RequestStatus.in_progress: "en cours de traitement",
    RequestStatus.accepted: "acceptée",
    RequestStatus.refused: "refusée",
}


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
                ("par email à", details.get("admission_email")),
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
        return RequestStatus.accepted, (
            f"Devis accepté : nous confirmons l'estimation, soit {format_eur(Decimal(str(figures['amc_paid'])))} "
            f"remboursés par la mutuelle et {format_eur(Decimal(str(figures['out_of_pocket'])))} à votre charge."
        )
    if row.kind == RequestKind.accident:
        return RequestStatus.accepted, (
            "Déclaration enregistrée. Si un tiers est responsable, nous demanderons le remboursement des frais à "
            "son assureur ; vos soins continuent d'être remboursés normalement."
        )
    if row.kind == RequestKind.reimbursement:
        return RequestStatus.accepted, "Demande traitée : suivez le remboursement dans « Mes remboursements »."
    return RequestStatus.accepted, "Documents enregistrés dans votre dossier. Merci."


def _advance_request(session: Session, clock: Clock, settings: Settings, row: MemberRequest) -> None:
    member = session.get(Member, row.member_id)
    assert member is not None
    now = clock.now()
    if row.status == RequestStatus.received:
        row.status = RequestStatus.in_progress
    else:
        row.status, row.answer = _answer(row)
        row.answered_at = now
    row.updated_at = now
    session.add(row)
    notify(
        session,
        clock,
        settings,
        member,
        NotificationKind.request_status,
        f"Démarche {row.reference} : {STATUS_WORDS[row.status]}",
        f"Votre démarche « {row.title} » est maintenant {STATUS_WORDS[row.status]}."
        + (f" {row.answer}" if row.answer and row.status != RequestStatus.in_progress else ""),
        request_id=row.id,
    )


def _advance_claim(
    session: Session, clock: Clock, settings: Settings, claim: Claim, request: MemberRequest | None
) -> None:
    member = session.get(Member, claim.member_id)
    assert member is not None
    if claim.status == ClaimStatus.received:
        claim.status = ClaimStatus.processing
        session.add(claim)
        notify(
            session,
            clock,
            settings,
            member,
            NotificationKind.request_status,
            f"Remboursement {claim.reference} : en traitement",
            f"Votre demande de remboursement « {claim.label} » est en traitement.",
            claim_id=claim.id,
        )
        return
    details = (request.details if request else None) or {}
    act = details.get("act")
    beneficiary = session.get(Beneficiary, claim.beneficiary_id)
    if not act or beneficiary is None:
        claim.status = ClaimStatus.rejected
        claim.rejection_reason = "Le justificatif ne permet pas d'identifier le soin (acte non précisé)."
        claim.next_step = "Renvoyez une facture acquittée lisible qui détaille les actes, depuis « Mes démarches »."
        session.add(claim)
        notify(
            session,
            clock,
            settings,
            member,
            NotificationKind.rejection,
            f"Remboursement {claim.reference} rejeté",
            f"{claim.rejection_reason} {claim.next_step}",
            claim_id=claim.id,
        )
        return
    amount = Decimal(details["amount"])
    today = paris_today(clock)
    before = ceiling_alerts.snapshot(session, member, beneficiary.id or 0, today)
    # The engine's whole result is kept on the line (BR, AMO rate, deductions, each contract's share):
    # history is never recomputed, and « Mes garanties » counts the shares against the ceilings.
    result, contract_ids = engine_line(session, clock, member, beneficiary, act, amount, claim.care_date)
    zero = Decimal("0.00")
    if result is None:
        result = {
            "br": "0.00",
            "amo_rate": "0",
            "amo_gross": "0.00",
            "deductions": [],
            "amo_paid": "0.00",
            "amc": [],
            "amc_paid": "0.00",
            "out_of_pocket": str(amount),
            "tariff_version": "demo",
            "explanation": ["Aucune ligne de vos garanties ne couvre cet acte : la mutuelle ne rembourse rien."],
        }
    claim_line = ClaimLine(
        claim_id=claim.id or 0,
        act=act,
        label=claim.label,
        charged=amount,
        br=Decimal(result["br"]),
        amo_rate=Decimal(result["amo_rate"]),
        amo_gross=Decimal(result["amo_gross"]),
        deductions=sum((Decimal(d["amount"]) for d in result.get("deductions", [])), zero),
        amo_paid=Decimal(result["amo_paid"]),
        amc_paid=Decimal(result["amc_paid"]),
        out_of_pocket=Decimal(result["out_of_pocket"]),
        engine_result={**result, "estimated_by": "demo job"},
        tariff_version=str(result["tariff_version"]),
    )
    session.add(claim_line)
    session.flush()
    for contract_id, share in zip(contract_ids, result["amc"], strict=False):
        if Decimal(share["amount"]) > 0:
            session.add(
                ClaimLineAmc(claim_line_id=claim_line.id or 0, contract_id=contract_id, amount=Decimal(share["amount"]))
            )
    session.flush()
    amc_paid = Decimal(result["amc_paid"])
    paid_on = paris_today(clock) + timedelta(days=2)
    session.add(
        Payment(
            claim_id=claim.id or 0,
            payee=Payee.member,
            payee_label="vous",
            amount=amc_paid,
            state=PaymentState.planned,
            payment_date=paid_on,
        )
    )
    claim.status = ClaimStatus.paid
    session.add(claim)
    notify(
        session,
        clock,
        settings,
        member,
        NotificationKind.reimbursement,
        f"Nouveau remboursement : {claim.label}",
        f"La mutuelle vous rembourse {format_eur(amc_paid)} pour « {claim.label} » ; virement prévu "
        f"le {format_date(paid_on)}.",
        claim_id=claim.id,
    )
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
