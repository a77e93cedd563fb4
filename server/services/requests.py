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

from models.domain import finess, vocabulary
from models.domain.dates import format_date
from models.domain.money import format_eur
from models.domain.request import InvalidRequest
from models.schemas.common import (
    ClaimSource,
    ClaimStatus,
    DocumentType,
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
    ClaimLine,
    ClaimLineAmc,
    Member,
    MemberRequest,
)
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.notify.outbox import enqueue_mail
from server.services import documents
from server.settings import Settings

# The words are the vocabulary's (one word for one thing on the screen, in the e-mail and in the console).
DOCUMENT_WORDS = {kind: vocabulary.status_words(kind) for kind in DocumentType}
LIST_LIMIT = 200
ZERO = Decimal("0.00")
PENDING = "Montants calculés au traitement de votre demande, avec vos garanties."


def pending_line(claim_id: int, act: str, label: str, charged: Decimal) -> ClaimLine:
    """The line of a claim asked for online before it is computed: what was spent, no share yet."""
    return ClaimLine(
        claim_id=claim_id,
        act=act,
        label=label,
        charged=charged,
        br=ZERO,
        amo_rate=ZERO,
        amo_gross=ZERO,
        amo_paid=ZERO,
        amc_paid=ZERO,
        out_of_pocket=charged,
        engine_result={"explanation": [PENDING]},
        tariff_version="",
    )


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
    # What was spent is known from the start (« Montant dépensé ») ; the shares are computed when the claim
    # is processed (server.services.lifecycle), until then they read « à venir ».
    session.add(pending_line(claim.id or 0, payload.act or "", payload.label, payload.amount))
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
            "le fax ou l'e-mail du service d'admission est obligatoire",
            "Il est nécessaire de saisir au moins le fax ou l'e-mail du service d'admission afin de "
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


# A quote names no basket: the engine then prices the act « libre », as the simulator does by default.
QUOTE_BASKET = "libre"
BASKET_ACTS = frozenset({"PROTHESE", "MONTURE", "VERRE_SIMPLE", "VERRE_COMPLEXE", "VERRE_TRES_COMPLEXE", "AUDIO"})
ASK_AGENT = "un conseiller vous répond avec le montant"
NEEDS_BR = (
    "son remboursement se calcule sur sa base de remboursement exacte (colonne « Base de remboursement » du "
    f"devis) : {ASK_AGENT}"
)
NOT_COVERED = "aucune garantie de vos contrats ne couvre cet acte à cette date : la mutuelle ne rembourserait rien"


def _item(beneficiary: Beneficiary, act: str, charged: Decimal, day: date) -> dict[str, Any]:
    item: dict[str, Any] = {
        "act": act,
        "charged": str(charged),
        "date": day.isoformat(),
        "beneficiary_id": str(beneficiary.id),
    }
    if act in BASKET_ACTS:
        item["basket"] = QUOTE_BASKET
    return item


def estimate(
    session: Session, clock: Clock, member: Member, beneficiary: Beneficiary, lines: list[tuple[str, str, Decimal]]
) -> QuoteEstimate:
    """The engine's estimate of each (act, label, charged) on the member's own cover — the simulator's
    answer for the same act: the beneficiary's guarantee lines, what their ceilings have paid this year,
    the renewal period of an équipement. Lines the engine cannot price are named with why, and the totals
    are over the estimated lines only."""
    from models.domain.refusals import member_words
    from models.domain.tariffs import tariff_set_for
    from server.services.guarantees import member_line, price_lines

    today = paris_today(clock)
    tariffs = tariff_set_for(today)
    context: dict[str, Any] = {}
    out: list[QuoteEstimateLine | None] = [None] * len(lines)
    priced: list[tuple[int, Any]] = []
    for index, (act, label, charged) in enumerate(lines):
        tariff = tariffs.acts.get(act)
        reason = None
        if tariff is None:
            reason = f"le code « {act} » n'est pas dans le barème du simulateur : {ASK_AGENT}"
        elif tariff.br_from == "request":
            reason = NEEDS_BR
        else:
            try:
                item = _item(beneficiary, act, charged, today)
                priced.append((index, member_line(session, member, item, today, context)))
            except ApiError as exc:
                # a line the engine cannot price does not refuse the member's devis: it is named with why
                reason = NOT_COVERED if exc.code == "not_covered" else f"{exc.message.rstrip('.')} ; {ASK_AGENT}"
        if reason is not None:
            out[index] = QuoteEstimateLine(act=act, label=label, charged=charged, estimated=False, reason=reason)
    try:
        results = price_lines([line for _, line in priced])
    except InvalidRequest as exc:
        words = member_words(exc)  # the member's words, never the contract's field names
        raise _field_error("lines", words, f"Devis : {words}") from exc
    for (index, _), result in zip(priced, results, strict=True):
        act, label, charged = lines[index]
        out[index] = QuoteEstimateLine(
            act=act,
            label=label,
            charged=charged,
            amo_paid=result.amo_paid,
            amc_paid=result.amc_paid,
            out_of_pocket=result.out_of_pocket,
            explanation=list(result.explanation),
        )
    done = [line for line in out if line is not None]
    estimated = [line for line in done if line.estimated]
    zero = Decimal("0.00")
    return QuoteEstimate(
        lines=done,
        charged=sum((x.charged for x in estimated), zero),
        amo_paid=sum((x.amo_paid or zero for x in estimated), zero),
        amc_paid=sum((x.amc_paid or zero for x in estimated), zero),
        out_of_pocket=sum((x.out_of_pocket or zero for x in estimated), zero),
        quote_total=sum((x.charged for x in done), zero),
    )


def price_online_claim(session: Session, clock: Clock, claim: Claim, row: MemberRequest) -> None:
    """The claim of a « demander un remboursement », computed on the member's own cover (typed engine call,
    the simulator's answer for the same act on the date of care): its line holds the engine's whole result
    (history is never recomputed) and each contract's share. Raises 422 when the act is not known."""
    from server.services.guarantees import member_line, price_lines

    details = row.details or {}
    act = details.get("act")
    member = session.get(Member, claim.member_id)
    beneficiary = session.get(Beneficiary, claim.beneficiary_id)
    assert member is not None and beneficiary is not None
    if not act:
        raise ApiError(
            422,
            "act_unknown",
            "Le soin n'a pas de code d'acte : le remboursement ne peut pas être calculé. Refusez la démarche en "
            "disant quel justificatif renvoyer.",
        )
    charged = Decimal(str(details["amount"]))
    today = paris_today(clock)
    try:
        line = member_line(session, member, _item(beneficiary, act, charged, claim.care_date), today, {})
        [result] = price_lines([line])
        pairs = list(zip(line.contract_ids, (share.amount for share in _shares(result, line.names)), strict=True))
        figures = result.to_json()
    except ApiError as exc:
        if exc.code != "not_covered":
            raise
        figures = {"explanation": [f"{NOT_COVERED[:1].upper()}{NOT_COVERED[1:]}."]}
        pairs = []
        result = None
    stored = session.exec(select(ClaimLine).where(ClaimLine.claim_id == claim.id)).first()
    stored = stored or pending_line(claim.id or 0, act, claim.label, charged)
    stored.act = act
    if result is not None:
        stored.br, stored.amo_rate, stored.amo_gross = result.br, result.amo_rate, result.amo_gross
        stored.deductions = sum((d.amount for d in result.deductions), ZERO)
        stored.amo_paid, stored.amc_paid, stored.out_of_pocket = result.amo_paid, result.amc_paid, result.out_of_pocket
        stored.tariff_version = result.tariff_version
    stored.engine_result = figures
    session.add(stored)
    session.flush()
    for contract_id, amount in pairs:
        if amount > 0:
            session.add(ClaimLineAmc(claim_line_id=stored.id or 0, contract_id=contract_id, amount=amount))
    session.flush()


def _shares(result: Any, names: tuple[str, ...]) -> list[Any]:
    """Each paying contract's share in paying order, 0 for one the engine left out (it paid nothing)."""
    from models.domain.simulation import ContractPayment

    paid = {p.contract: p for p in result.amc}
    return [paid.get(name, ContractPayment(name, ZERO)) for name in names]


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
        f"Devis {vocabulary.inline_words(payload.domain, 'quote_title')} : {payload.provider_name.strip()}",
        beneficiary=beneficiary,
        details={
            "domain": payload.domain.value,
            "provider_name": payload.provider_name.strip(),
            "lines": [line.model_dump(mode="json") for line in payload.lines],
        },
        description=f"{len(payload.lines)} ligne(s), {format_eur(figures.quote_total or figures.charged)} au total",
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
