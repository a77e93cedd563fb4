"""Démarches en ligne: demander un remboursement, dépôt de documents, déclarer un accident, prise en
charge hospitalière, devis; "Mes démarches" lists them all with their status.

Each creation adds the request, its documents (stored in the database, same transaction), the accusé de
réception mail (outbox, same transaction) and, for a remboursement, the claim with status "reçu"; the
caller commits once (``idempotent_create.run_once``). A beneficiary must be one of the member's.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from models.domain import finess
from models.domain.dates import format_date
from models.domain.money import format_eur
from models.schemas.common import (
    ClaimSource,
    ClaimStatus,
    ContractLevel,
    ContractState,
    DocumentType,
    QuoteDomain,
    ReimbursementBasis,
    RequestKind,
    RequestStatus,
)
from models.schemas.errors import ErrorDetail
from models.schemas.requests import (
    AccidentCreate,
    DocumentDepositCreate,
    HospitalCoverCreate,
    QuoteCreate,
    QuoteEstimate,
    QuoteEstimateLine,
    ReimbursementRequestCreate,
    RequestDetail,
    RequestList,
    RequestSummary,
)
from models.tables import (
    Beneficiary,
    Claim,
    Contract,
    ContractBeneficiary,
    GuaranteeLine,
    Member,
    MemberRequest,
)
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.notify.outbox import enqueue_mail
from server.services import documents
from server.settings import Settings

KIND_WORDS = {
    RequestKind.reimbursement: "Demande de remboursement",
    RequestKind.document: "Dépôt de documents",
    RequestKind.accident: "Déclaration d'accident",
    RequestKind.hospital: "Prise en charge hospitalière",
    RequestKind.quote: "Devis",
}
DOCUMENT_WORDS = {
    DocumentType.paid_invoice: "Facture acquittée",
    DocumentType.quote: "Devis",
    DocumentType.prescription: "Prescription médicale",
    DocumentType.amo_rights_certificate: "Attestation de droits de l'Assurance Maladie",
    DocumentType.other_insurer_statement: "Décompte d'une autre mutuelle",
    DocumentType.proof_of_address: "Justificatif de domicile",
    DocumentType.bank_details: "RIB",
    DocumentType.birth_certificate: "Acte de naissance",
    DocumentType.school_certificate: "Certificat de scolarité",
    DocumentType.union_certificate: "Acte de mariage, PACS ou concubinage",
    DocumentType.accident_report: "Constat ou déclaration d'accident",
    DocumentType.other: "Autre document",
}
DOMAIN_WORDS = {QuoteDomain.dental: "dentaire", QuoteDomain.optical: "optique", QuoteDomain.hearing: "auditif"}
LIST_LIMIT = 200


def _field_error(field: str, message: str, sentence: str) -> ApiError:
    return ApiError(422, "invalid_request", sentence, details=[ErrorDetail(field=field, message=message)])


def _beneficiary(session: Session, member: Member, beneficiary_id: int) -> Beneficiary:
    beneficiary = session.get(Beneficiary, beneficiary_id)
    if beneficiary is None or beneficiary.member_id != member.id:
        raise _field_error(
            "beneficiary_id", "bénéficiaire inconnu", "Cette personne n'est pas un bénéficiaire de vos contrats."
        )
    return beneficiary


def _name(b: Beneficiary | None) -> str | None:
    return f"{b.first_name} {b.last_name}" if b else None


def _new_request(
    session: Session,
    clock: Clock,
    member: Member,
    kind: RequestKind,
    title: str,
    *,
    beneficiary: Beneficiary | None,
    description: str | None = None,
    details: dict[str, Any] | None = None,
) -> MemberRequest:
    now = clock.now()
    row = MemberRequest(
        reference=uuid.uuid4().hex[:32],  # replaced once the id is known
        member_id=member.id or 0,
        beneficiary_id=beneficiary.id if beneficiary else None,
        kind=kind,
        status=RequestStatus.received,
        title=title,
        description=description,
        details=details or {},
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    row.reference = f"D{now:%Y}-{row.id:06d}"
    session.add(row)
    return row


def _acknowledge(session: Session, clock: Clock, member: Member, row: MemberRequest, files: int) -> None:
    if not member.email:
        return
    pieces = f" avec {files} pièce{'s' if files > 1 else ''} jointe{'s' if files > 1 else ''}" if files else ""
    enqueue_mail(
        session,
        clock,
        to=member.email,
        subject=f"Accusé de réception : {row.title} ({row.reference})",
        body=(
            f"Bonjour {member.first_name} {member.last_name},\n\nNous avons bien reçu votre demande « {row.title} »"
            f"{pieces}, le {format_date(paris_today(clock))}, sous la référence {row.reference}.\n\n"
            "Vous suivez son avancement dans « Mes démarches » de votre Espace Adhérent."
        ),
    )


def _claim_status(session: Session, claim_id: int | None) -> ClaimStatus | None:
    claim = session.get(Claim, claim_id) if claim_id else None
    return claim.status if claim else None


def _summary(session: Session, row: MemberRequest) -> dict[str, Any]:
    beneficiary = session.get(Beneficiary, row.beneficiary_id) if row.beneficiary_id else None
    return {
        "id": row.id or 0,
        "reference": row.reference,
        "kind": row.kind,
        "status": row.status,
        "title": row.title,
        "beneficiary_name": _name(beneficiary),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "claim_id": row.claim_id,
        "claim_status": _claim_status(session, row.claim_id),
    }


def detail_of(session: Session, row: MemberRequest) -> RequestDetail:
    return RequestDetail.model_validate(
        {
            **_summary(session, row),
            "description": row.description,
            "details": row.details,
            "estimate": row.estimate,
            "answer": row.answer,
            "answer_estimate": row.answer_estimate,
            "answered_at": row.answered_at,
            "documents": [documents.info(d) for d in documents.documents_of(session, request_id=row.id or 0)],
        }
    )


def list_requests(session: Session, member: Member) -> RequestList:
    rows = session.exec(
        select(MemberRequest)
        .where(MemberRequest.member_id == member.id)
        .order_by(col(MemberRequest.updated_at).desc(), col(MemberRequest.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    return RequestList(items=[RequestSummary.model_validate(_summary(session, r)) for r in rows])


def get_request(session: Session, member: Member, request_id: int) -> RequestDetail:
    row = session.get(MemberRequest, request_id)
    if row is None or row.member_id != member.id:
        raise ApiError(404, "not_found", "Cette démarche n'existe pas dans votre espace.")
    return detail_of(session, row)


# -- creations --------------------------------------------------------------------------------------------


def create_reimbursement(
    session: Session, clock: Clock, settings: Settings, member: Member, payload: ReimbursementRequestCreate
) -> RequestDetail:
    beneficiary = _beneficiary(session, member, payload.beneficiary_id)
    today = paris_today(clock)
    if payload.care_date > today:
        raise _field_error("care_date", "date future", "La date des soins ne peut pas être dans le futur.")
    if payload.basis == ReimbursementBasis.other_insurer_statement and not (payload.other_insurer or "").strip():
        raise _field_error(
            "other_insurer",
            "champ obligatoire avec le décompte d'une autre mutuelle",
            "Indiquez le nom de votre première mutuelle, qui a émis le décompte.",
        )
    files = documents.check_files([payload.file], settings, field="file")
    basis_words = (
        "facture acquittée" if payload.basis == ReimbursementBasis.paid_invoice else "décompte d'une autre mutuelle"
    )
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.reimbursement,
        f"Remboursement : {payload.label}",
        beneficiary=beneficiary,
        details={
            "basis": payload.basis.value,
            "care_date": payload.care_date.isoformat(),
            "amount": str(payload.amount),
            "act": payload.act,
            "other_insurer": payload.other_insurer,
        },
        description=f"{basis_words.capitalize()} de {format_eur(payload.amount)} du {format_date(payload.care_date)}",
    )
    claim = Claim(
        reference=f"W{today:%Y%m%d}-{row.id:06d}",
        member_id=member.id or 0,
        beneficiary_id=beneficiary.id or 0,
        care_date=payload.care_date,
        received_date=today,
        label=payload.label,
        care_category="soins_courants",
        status=ClaimStatus.received,
        source=ClaimSource.online,
    )
    session.add(claim)
    session.flush()
    row.claim_id = claim.id
    session.add(row)
    kind = (
        DocumentType.paid_invoice
        if payload.basis == ReimbursementBasis.paid_invoice
        else DocumentType.other_insurer_statement
    )
    documents.store(
        session,
        clock,
        member.id or 0,
        files,
        kind=kind.value,
        stem=kind.value.replace("_", "-"),
        request_id=row.id,
        claim_id=claim.id,
    )
    _acknowledge(session, clock, member, row, len(files))
    session.flush()
    return detail_of(session, row)


def create_document_deposit(
    session: Session, clock: Clock, settings: Settings, member: Member, payload: DocumentDepositCreate
) -> RequestDetail:
    beneficiary = _beneficiary(session, member, payload.beneficiary_id)
    files = documents.check_files(payload.files, settings, field="files")
    words = DOCUMENT_WORDS[payload.document_type]
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.document,
        f"Dépôt : {words}",
        beneficiary=beneficiary,
        description=payload.description,
        details={"document_type": payload.document_type.value},
    )
    documents.store(
        session,
        clock,
        member.id or 0,
        files,
        kind=payload.document_type.value,
        stem=payload.document_type.value.replace("_", "-"),
        request_id=row.id,
        description=payload.description,
    )
    _acknowledge(session, clock, member, row, len(files))
    session.flush()
    return detail_of(session, row)


def create_accident(
    session: Session, clock: Clock, settings: Settings, member: Member, payload: AccidentCreate
) -> RequestDetail:
    beneficiary = _beneficiary(session, member, payload.beneficiary_id)
    if payload.accident_date > paris_today(clock):
        raise _field_error("accident_date", "date future", "La date de l'accident ne peut pas être dans le futur.")
    if payload.third_party and not (payload.third_party_details or "").strip():
        raise _field_error(
            "third_party_details",
            "champ obligatoire quand un tiers est en cause",
            "Indiquez le nom du tiers responsable et de son assureur, s'ils sont connus.",
        )
    files = documents.check_files(payload.files, settings, field="files")
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.accident,
        f"Accident du {format_date(payload.accident_date)}",
        beneficiary=beneficiary,
        description=payload.circumstances,
        details={
            "accident_date": payload.accident_date.isoformat(),
            "place": payload.place,
            "third_party": payload.third_party,
            "third_party_details": payload.third_party_details,
        },
    )
    documents.store(
        session,
        clock,
        member.id or 0,
        files,
        kind=DocumentType.accident_report.value,
        stem="declaration-accident",
        request_id=row.id,
    )
    _acknowledge(session, clock, member, row, len(files))
    session.flush()
    return detail_of(session, row)


def create_hospital_cover(
    session: Session, clock: Clock, settings: Settings, member: Member, payload: HospitalCoverCreate
) -> RequestDetail:
    if payload.member_number.strip() != member.member_number:
        raise _field_error(
            "member_number",
            "ce n'est pas votre n° d'adhérent",
            "Le n° d'adhérent ne correspond pas au vôtre : il figure sur votre carte de tiers payant.",
        )
    beneficiary = _beneficiary(session, member, payload.beneficiary_id)
    fax = (payload.admission_fax or "").strip() or None
    email = (payload.admission_email or "").strip() or None
    if fax is None and email is None:
        raise _field_error(
            "admission_fax",
            "le fax ou l'email du service d'admission est obligatoire",
            "Il est nécessaire de saisir au moins le fax ou l'email du service d'admission afin de "
            "pouvoir envoyer la demande.",
        )
    if email is not None and ("@" not in email or "." not in email.rsplit("@", 1)[-1]):
        raise _field_error("admission_email", "adresse email invalide", "L'email du service d'admission est invalide.")
    if fax is not None and not (10 <= sum(ch.isdigit() for ch in fax) <= 15):
        raise _field_error(
            "admission_fax", "numéro de fax invalide (10 chiffres)", "Le fax du service d'admission est invalide."
        )
    number = None
    if payload.finess and payload.finess.strip():
        try:
            number = finess.validate(payload.finess)
        except finess.InvalidFiness as exc:
            raise _field_error("finess", str(exc), f"N° FINESS refusé : {exc}.") from exc
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.hospital,
        f"Prise en charge : {payload.establishment.strip()}",
        beneficiary=beneficiary,
        details={
            "establishment": payload.establishment.strip(),
            "finess": number,
            "entry_date": payload.entry_date.isoformat(),
            "admission_fax": fax,
            "admission_email": email,
        },
        description=f"Hospitalisation à partir du {format_date(payload.entry_date)}",
    )
    _acknowledge(session, clock, member, row, 0)
    session.flush()
    return detail_of(session, row)


# A quote names no basket: the engine then prices the act « libre », so the estimate takes the lines of
# that basket (or of none), never the 100 % Santé line the engine refuses outside its basket.
QUOTE_BASKET = "libre"
UNESTIMATED = (
    "Pas d'estimation immédiate pour cet acte : son remboursement dépend de sa base de remboursement "
    "exacte (colonne « Base de remboursement » du devis). Un conseiller vous répond avec le montant."
)


def _guarantees_for(session: Session, member: Member, beneficiary: Beneficiary, act: str) -> list[str]:
    return [notation for _, notation in covering_lines(session, member, beneficiary, act, basket=QUOTE_BASKET)]


def covering_lines(
    session: Session, member: Member, beneficiary: Beneficiary, act: str, *, basket: str | None = None
) -> list[tuple[int, str]]:
    """(contract id, notation) of the line paying ``act`` in each of the beneficiary's contracts, base
    first: the order the engine pays them in (its ``amc`` list follows the guarantees given). With
    ``basket``, only the lines of that basket or of none."""
    contracts = session.exec(
        select(Contract)
        .join(ContractBeneficiary, ContractBeneficiary.contract_id == Contract.id)  # type: ignore[arg-type]
        .where(
            Contract.member_id == member.id,
            ContractBeneficiary.beneficiary_id == beneficiary.id,
            Contract.state != ContractState.terminated,
        )
    ).all()
    contracts = sorted(contracts, key=lambda c: (c.level != ContractLevel.base, c.id or 0))
    found: list[tuple[int, str]] = []
    for contract in contracts:
        for line in session.exec(
            select(GuaranteeLine)
            .where(GuaranteeLine.table_id == contract.guarantee_table_id)
            .order_by(col(GuaranteeLine.position), col(GuaranteeLine.id))
        ).all():
            if act in (line.act_codes or []) and (basket is None or line.basket in (None, basket)):
                found.append((contract.id or 0, line.notation))
                break
    return found


def estimate(
    session: Session, clock: Clock, member: Member, beneficiary: Beneficiary, lines: list[tuple[str, str, Decimal]]
) -> QuoteEstimate:
    """The engine's estimate of each (act, label, charged), with the member's own guarantee lines."""
    from models.domain.refusals import member_words
    from models.domain.request import Refusal
    from models.domain.simulation import InvalidRequest, run_simulation_json

    out: list[QuoteEstimateLine] = []
    for index, (act, label, charged) in enumerate(lines):
        notations = _guarantees_for(session, member, beneficiary, act)
        if not notations:
            out.append(
                QuoteEstimateLine(
                    act=act,
                    label=label,
                    charged=charged,
                    amc_paid=Decimal("0.00"),
                    explanation=["Aucune ligne de vos garanties ne couvre cet acte : la mutuelle ne rembourse rien."],
                )
            )
            continue
        request: dict[str, Any] = {
            "act": act,
            "charged": str(charged),
            "date": paris_today(clock).isoformat(),
            "guarantees": notations,
        }
        try:
            result = run_simulation_json(request, paris_today(clock))
        except InvalidRequest as exc:
            if exc.code is not Refusal.BR_REQUIRED:
                words = member_words(exc)  # the member's words, never the contract's field names
                raise _field_error(f"lines[{index}]", words, f"Ligne {index + 1} du devis : {words}") from exc
            # Acts without a fixed tariff (soins dentaires, actes techniques) need the base de remboursement
            # of the exact CCAM code: the devis is still taken (a conseiller answers it), only this line is
            # left without an automatic figure instead of refusing the member's whole request.
            out.append(QuoteEstimateLine(act=act, label=label, charged=charged, explanation=[UNESTIMATED]))
            continue
        assert isinstance(result, dict)
        explanation = list(result.get("explanation", []))
        out.append(
            QuoteEstimateLine(
                act=act,
                label=label,
                charged=charged,
                amo_paid=Decimal(result["amo_paid"]),
                amc_paid=Decimal(result["amc_paid"]),
                out_of_pocket=Decimal(result["out_of_pocket"]),
                explanation=explanation,
            )
        )
    zero = Decimal("0.00")
    return QuoteEstimate(
        lines=out,
        charged=sum((x.charged for x in out), zero),
        amo_paid=sum((x.amo_paid or zero for x in out), zero),
        amc_paid=sum((x.amc_paid or zero for x in out), zero),
        out_of_pocket=sum((x.out_of_pocket or zero for x in out), zero),
    )


def engine_line(
    session: Session,
    clock: Clock,
    member: Member,
    beneficiary: Beneficiary,
    act: str,
    charged: Decimal,
    care_date: date | None = None,
) -> tuple[dict[str, Any] | None, list[int]]:
    """The engine's whole result for one act (BR, AMO rate, deductions, each contract's share, tariff
    version, explanation) and the contract ids its ``amc`` list pays in order; ``None`` when no line of
    the beneficiary's contracts covers the act."""
    from models.domain.simulation import run_simulation_json

    covering = covering_lines(session, member, beneficiary, act)
    if not covering:
        return None, []
    request: dict[str, Any] = {
        "act": act,
        "charged": str(charged),
        "date": (care_date or paris_today(clock)).isoformat(),
        "guarantees": [notation for _, notation in covering],
    }
    result = run_simulation_json(request, paris_today(clock))
    assert isinstance(result, dict)
    return result, [contract_id for contract_id, _ in covering]


def create_quote(
    session: Session, clock: Clock, settings: Settings, member: Member, payload: QuoteCreate
) -> RequestDetail:
    beneficiary = _beneficiary(session, member, payload.beneficiary_id)
    files = documents.check_files([payload.file] if payload.file else [], settings, field="file")
    figures = estimate(
        session,
        clock,
        member,
        beneficiary,
        [(line.act, line.label or line.act, line.charged) for line in payload.lines],
    )
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.quote,
        f"Devis {DOMAIN_WORDS[payload.domain]} : {payload.provider_name.strip()}",
        beneficiary=beneficiary,
        details={
            "domain": payload.domain.value,
            "provider_name": payload.provider_name.strip(),
            "lines": [line.model_dump(mode="json") for line in payload.lines],
        },
        description=f"{len(payload.lines)} ligne(s), {format_eur(figures.charged)} au total",
    )
    row.estimate = figures.model_dump(mode="json")
    session.add(row)
    documents.store(
        session, clock, member.id or 0, files, kind=DocumentType.quote.value, stem="devis", request_id=row.id
    )
    _acknowledge(session, clock, member, row, len(files))
    session.flush()
    return detail_of(session, row)


def touched(row: MemberRequest, at: datetime) -> None:
    row.updated_at = at
