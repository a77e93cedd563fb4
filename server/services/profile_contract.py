"""Contract life (portabilité, futur(e) retraité(e), résiliation en ligne), documents contractuels, and
« Mes données » (everything the portal holds about the member, GDPR art. 15 and 20) — issue 8."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from models.domain.dates import add_months, add_years, format_date
from models.schemas.common import ContractKind, ContractLevel, ContractState, RequestKind, ThreadCategory
from models.schemas.messaging import ThreadCreate
from models.schemas.profile import (
    ContractDocument,
    ContractDocuments,
    ContractLife,
    ContractLifeItem,
    RequestCreated,
    RetirementQuestion,
    TerminationCreate,
    ThreadOpened,
)
from models.tables import (
    Account,
    AgentCall,
    AuditEvent,
    AuthSession,
    BankAccount,
    Beneficiary,
    CallCode,
    CallLog,
    Claim,
    ClaimLine,
    ContactChange,
    Contract,
    ContractBeneficiary,
    ContributionInstalment,
    ContributionSchedule,
    Document,
    IdentityCheck,
    InternalNote,
    Member,
    MemberAlert,
    MemberPreferences,
    MemberRequest,
    Message,
    MessageThread,
    Notification,
    Payment,
    SavedSimulation,
    TrustedDevice,
)
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.security.crypto import decrypt_optional
from server.services import audit, messaging
from server.services import viewer as viewers
from server.services.profile import invalid
from server.services.requests import _acknowledge, _new_request
from server.settings import Settings

LOI_EVIN_MONTHS = 6
TERMINATION_NOTICE_MONTHS = 1  # résiliation infra-annuelle (L221-10-2): effective one month after the notice

RETIREMENT = [
    "Votre contrat collectif s'arrête avec votre contrat de travail, le jour de votre départ en retraite.",
    "Loi Évin (article 4) : vous pouvez garder les mêmes garanties à titre individuel si vous le demandez dans "
    "les 6 mois qui suivent votre départ ; la mutuelle doit vous le proposer et ne peut pas vous le refuser, "
    "sans questionnaire de santé ni délai d'attente.",
    "Le tarif est encadré : au plus le tarif des actifs la 1re année, 125 % la 2e, 150 % la 3e (décret 2017-372).",
    "Vous payez alors seul(e) toute la cotisation, par prélèvement : pensez à donner un RIB de prélèvement.",
    "Un conseiller peut comparer avec nos contrats « Santé Retraités » : demandez-lui par la messagerie.",
]


def _owned_contract(session: Session, member: Member, contract_id: int) -> Contract:
    contract = session.get(Contract, contract_id)
    if contract is None or contract.member_id != member.id:
        raise ApiError(404, "not_found", "Ce contrat n'existe pas dans votre espace.")
    return contract


def termination_rule(contract: Contract, today: date) -> tuple[bool, str]:
    if contract.state == ContractState.terminated:
        end = f" le {format_date(contract.end_date)}" if contract.end_date else ""
        return False, f"Contrat résilié{end}."
    if contract.kind == ContractKind.collective:
        return False, (
            "Contrat collectif : votre adhésion suit votre contrat de travail ; la résiliation passe par votre "
            "employeur."
        )
    one_year = add_years(contract.start_date, 1)
    if today < one_year:
        return False, (
            f"Résiliation en ligne possible à partir du {format_date(one_year)} (un an d'adhésion), ou à l'échéance "
            "annuelle avec un préavis de 2 mois."
        )
    return True, (
        "Résiliation en ligne possible à tout moment (loi du 14 juillet 2019) : elle prend effet un mois après votre "
        "demande. Si vous rejoignez une autre mutuelle, elle peut s'en charger pour vous."
    )


def _retirement_applies(contract: Contract) -> bool:
    """What « Futur(e) retraité(e) » explains (loi Evin) is the end of an active collective base contract."""
    return (
        contract.kind == ContractKind.collective
        and contract.state == ContractState.active
        and contract.level == ContractLevel.base
    )


def contract_life(session: Session, clock: Clock, member: Member) -> ContractLife:
    today = paris_today(clock)
    contracts = session.exec(
        select(Contract).where(Contract.member_id == member.id).order_by(col(Contract.start_date), col(Contract.id))
    ).all()
    items = []
    for c in contracts:
        allowed, message = termination_rule(c, today)
        items.append(
            ContractLifeItem(
                id=c.id or 0,
                name=c.name,
                kind=c.kind,
                state=c.state,
                start_date=c.start_date,
                end_date=c.end_date,
                employer=c.employer,
                portability_end=c.end_date if c.state == ContractState.portability else None,
                retirement=RETIREMENT if _retirement_applies(c) else [],
                termination_allowed=allowed,
                termination_message=message,
            )
        )
    return ContractLife(contracts=items)


def request_termination(
    session: Session, clock: Clock, settings: Settings, member: Member, body: TerminationCreate
) -> RequestCreated:
    contract = _owned_contract(session, member, body.contract_id)
    allowed, message = termination_rule(contract, paris_today(clock))
    if not allowed:
        raise ApiError(403, "termination_not_allowed", message)
    pending = session.exec(
        select(MemberRequest.id).where(
            MemberRequest.member_id == member.id,
            MemberRequest.kind == RequestKind.termination,
            col(MemberRequest.answered_at).is_(None),
        )
    ).first()
    if pending is not None:
        raise invalid("contract_id", "déjà demandée", "Une demande de résiliation est déjà en cours de traitement.")
    effective = add_months(paris_today(clock), TERMINATION_NOTICE_MONTHS)
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.termination,
        f"Résiliation du contrat {contract.name}"[:200],
        beneficiary=None,
        description=body.reason.strip(),
        details={"contract_id": contract.id, "effective_date": effective.isoformat()},
    )
    _acknowledge(session, clock, member, row, 0)
    return RequestCreated(
        id=row.id or 0,
        reference=row.reference,
        title=row.title,
        message=f"Demande {row.reference} enregistrée : la résiliation prendra effet le {format_date(effective)}. Un "
        "courrier de confirmation vous sera envoyé.",
    )


def ask_retirement(
    session: Session, clock: Clock, settings: Settings, member: Member, account: Account, body: RetirementQuestion
) -> ThreadOpened:
    contract = _owned_contract(session, member, body.contract_id)
    if not _retirement_applies(contract):
        raise invalid(
            "contract_id",
            "pas un contrat collectif en cours",
            "Cette question concerne un contrat collectif d'entreprise en cours (la complémentaire, pas une "
            "surcomplémentaire).",
        )
    when = f" (départ prévu le {format_date(body.retirement_date)})" if body.retirement_date else ""
    detail = messaging.create_thread(
        session,
        clock,
        settings,
        viewers.principal(session, member),
        account,
        ThreadCreate(
            subject="Futur(e) retraité(e) : garder ma complémentaire santé",
            category=ThreadCategory.question,
            body=f"Contrat {contract.name}{when}.\n\n{body.question.strip()}",
        ),
    )
    return ThreadOpened(
        thread_id=detail.id,
        message="Votre question est envoyée à un conseiller : la réponse arrivera dans votre messagerie.",
    )


def contract_documents(session: Session, member: Member) -> ContractDocuments:
    return ContractDocuments(
        items=[
            ContractDocument(
                title="Tableau de garanties",
                description="Vos garanties poste par poste, en euros, et vos plafonds (PDF)",
                path="/api/v1/me/guarantees/pdf",
            ),
            ContractDocument(
                title="Règlement mutualiste (extrait)",
                description="Adhésion, cotisations, résiliation, réclamations et médiation (PDF)",
                path="/api/v1/me/contract-documents/reglement-mutualiste",
            ),
            ContractDocument(
                title="Attestation d'adhésion",
                description="À remettre à un employeur ou à un organisme (PDF)",
                path="/api/v1/me/certificate/pdf",
            ),
            ContractDocument(
                title="Carte de tiers payant",
                description="À présenter au pharmacien et aux professionnels de santé (PDF)",
                path="/api/v1/me/card/pdf",
            ),
        ]
    )


def certificate_rows(session: Session, member: Member) -> list[tuple[Contract, list[Beneficiary]]]:
    """Each contract of the member with the people it covers: what the attestation d'adhésion lists."""
    contracts = session.exec(
        select(Contract).where(Contract.member_id == member.id).order_by(col(Contract.start_date))
    ).all()
    return [
        (
            contract,
            list(
                session.exec(
                    select(Beneficiary)
                    .join(ContractBeneficiary, ContractBeneficiary.beneficiary_id == Beneficiary.id)  # type: ignore[arg-type]
                    .where(ContractBeneficiary.contract_id == contract.id)
                    .order_by(col(Beneficiary.birth_date))
                ).all()
            ),
        )
        for contract in contracts
    ]


# --- Mes données ----------------------------------------------------------------------------------------

SECRET_FIELDS = {
    "password_hash",
    "token_hash",
    "code_hash",
    "totp_secret",
    "totp_last_step",
    "access_code_hash",
    "nir_hash",
    "content",
}


def _rows(session: Session, model: type[SQLModel], *where: Any) -> list[dict[str, Any]]:
    rows = session.exec(select(model).where(*where)).all()
    return [row.model_dump(mode="json", exclude=SECRET_FIELDS) for row in rows]


def data_export(session: Session, clock: Clock, settings: Settings, member: Member, account: Account) -> dict[str, Any]:
    """Every row about the member, secrets left out (hashes, codes, TOTP secret), NIR and IBAN decrypted."""
    mid = member.id
    identity = member.model_dump(mode="json", exclude=SECRET_FIELDS)
    identity["nir"] = decrypt_optional(settings, member.nir)
    beneficiaries = _rows(session, Beneficiary, Beneficiary.member_id == mid)
    for row, b in zip(
        beneficiaries, session.exec(select(Beneficiary).where(Beneficiary.member_id == mid)).all(), strict=True
    ):
        row["nir"] = decrypt_optional(settings, b.nir)
    banks = []
    for b in session.exec(select(BankAccount).where(BankAccount.member_id == mid)).all():
        row = b.model_dump(mode="json", exclude=SECRET_FIELDS)
        row["iban"] = decrypt_optional(settings, b.iban)
        banks.append(row)
    contract_ids = [c.id for c in session.exec(select(Contract).where(Contract.member_id == mid)).all()]
    schedule_ids = [
        s.id
        for s in session.exec(
            select(ContributionSchedule).where(col(ContributionSchedule.contract_id).in_(contract_ids))
        ).all()
    ]
    # issue 21: the assuré principal's data, without the care hidden at a beneficiary's request nor the
    # conversations of a beneficiary's own access (theirs to export, not the principal's)
    viewer = viewers.principal(session, member)
    claim_ids = [c.id for c in session.exec(select(Claim).where(*viewer.claim_conditions())).all()]
    threads = messaging.thread_conditions(viewer)
    thread_ids = [t.id for t in session.exec(select(MessageThread).where(*threads)).all()]
    visible_documents = (
        Document.member_id == mid,
        col(Document.claim_id).is_(None) | col(Document.claim_id).in_(claim_ids),
        col(Document.thread_id).is_(None) | col(Document.thread_id).in_(thread_ids),
    )
    audit.record(session, clock, "data_export", actor_account_id=account.id, target_type="member", target_id=mid)
    session.commit()
    return {
        "format": "espace-adherent/mes-donnees/1",
        "exported_at": clock.now().isoformat(),
        "member": identity,
        "account": account.model_dump(mode="json", exclude=SECRET_FIELDS),
        "preferences": _rows(session, MemberPreferences, MemberPreferences.member_id == mid),
        "contact_changes": _rows(session, ContactChange, ContactChange.member_id == mid),
        "beneficiaries": beneficiaries,
        "contracts": _rows(session, Contract, Contract.member_id == mid),
        "contribution_schedules": _rows(session, ContributionSchedule, col(ContributionSchedule.id).in_(schedule_ids)),
        "contribution_instalments": _rows(
            session, ContributionInstalment, col(ContributionInstalment.schedule_id).in_(schedule_ids)
        ),
        "bank_accounts": banks,
        "claims": _rows(session, Claim, col(Claim.id).in_(claim_ids)),
        "claim_lines": _rows(session, ClaimLine, col(ClaimLine.claim_id).in_(claim_ids)),
        "payments": _rows(session, Payment, col(Payment.claim_id).in_(claim_ids)),
        "requests": _rows(session, MemberRequest, MemberRequest.member_id == mid),
        "message_threads": _rows(session, MessageThread, col(MessageThread.id).in_(thread_ids)),
        "messages": _rows(session, Message, col(Message.thread_id).in_(thread_ids)),
        "notifications": _rows(session, Notification, Notification.member_id == mid),
        "documents": _rows(session, Document, *visible_documents),
        "saved_simulations": _rows(session, SavedSimulation, SavedSimulation.member_id == mid),
        "sessions": _rows(session, AuthSession, AuthSession.account_id == account.id),
        "trusted_devices": _rows(session, TrustedDevice, TrustedDevice.account_id == account.id),
        "security_events": _rows(session, AuditEvent, AuditEvent.actor_account_id == account.id),
        # issue 16: what the service adhérent holds about the member's calls. The internal notes are in it too:
        # the right of access (RGPD art. 15) covers every note about a person, and the CNIL counts free-text
        # comments in it — so conseillers write them as the member may read them (the note form says so).
        "staff_actions": _rows(
            session, AuditEvent, AuditEvent.target_type == "member", AuditEvent.target_id == str(mid)
        ),
        "calls": _rows(session, AgentCall, AgentCall.member_id == mid),
        "call_logs": _rows(session, CallLog, CallLog.member_id == mid),
        "identity_checks": _rows(session, IdentityCheck, IdentityCheck.member_id == mid),
        "verification_codes": _rows(session, CallCode, CallCode.member_id == mid),
        "alerts": _rows(session, MemberAlert, MemberAlert.member_id == mid),
        "internal_notes": _rows(session, InternalNote, InternalNote.member_id == mid),
    }
