"""Ayants droit, télétransmission NOEMIE, cotisations and the carte de tiers payant (issue 8).

Adding or removing an ayant droit and activating NOEMIE are démarches of issue 7 (``member_request``),
answered later by a conseiller, with their justificatifs checked by issue 7's upload checks. On a
collective contract, the employer declares the family (Mutuelle de Marseille, Mieux-Être): the portal
says so and takes no request.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from models.domain.dates import format_date
from models.domain.identifiers import NirError, validate_nir
from models.domain.money import format_eur
from models.domain.vocabulary import care_hidden_from_principal, inline_words
from models.schemas.common import (
    ContractLevel,
    ContractState,
    DocumentType,
    NoemieLinkState,
    Relationship,
    RequestKind,
)
from models.schemas.errors import ErrorDetail
from models.schemas.profile import (
    Card,
    CardBeneficiary,
    Contributions,
    ContributionsKind,
    Family,
    FamilyAdd,
    FamilyMember,
    FamilyRemove,
    Instalment,
    Justificatif,
    NoemieActivation,
    PendingFamilyRequest,
    RequestCreated,
)
from models.tables import (
    Beneficiary,
    Contract,
    ContractBeneficiary,
    ContributionInstalment,
    ContributionSchedule,
    GuaranteeLine,
    Member,
    MemberRequest,
)
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.security.crypto import decrypt_optional, encrypt
from server.services import documents, family_access
from server.services.profile import (
    _member_beneficiary,
    collective_contract,
    contracts_in_force,
    individual_contract,
    invalid,
)
from server.services.requests import _acknowledge, _new_request
from server.services.viewer import Viewer
from server.settings import Settings

AMC_NUMBER = "775 659 923"  # n° AMC of the demo mutuelle (the pharmacist keys it in)
OPERATOR = "Viamedis"  # the tiers-payant operator of the demo mutuelle
UNION_DOCUMENT_MAX_AGE = timedelta(days=92)  # « de moins de 3 mois »
SCHOOL_CERTIFICATE_FROM_AGE = 16
FAMILY_KINDS = (RequestKind.family_add, RequestKind.family_remove, RequestKind.noemie, RequestKind.card_duplicate)

DOMAINS = {
    "pharmacie": ("PHAR",),
    "optique": ("OPTI",),
    "dentaire": ("DENT",),
    "hospitalisation": ("HOSP",),
    "aides_auditives": ("AUDI",),
    "soins_courants": ("MEDE", "LABO", "RADL", "AUXM"),
}
DOMAINS_LEGEND = {
    "PHAR": "pharmacie",
    "MEDE": "médecins",
    "LABO": "laboratoires d'analyses",
    "RADL": "radiologie",
    "AUXM": "auxiliaires médicaux",
    "DENT": "dentaire",
    "OPTI": "optique",
    "AUDI": "audioprothèses",
    "HOSP": "hospitalisation",
}
DOMAIN_ORDER = list(DOMAINS_LEGEND)


def employer_message(contract: Contract) -> str:
    employer = f" ({contract.employer})" if contract.employer else ""
    return (
        f"Votre contrat « {contract.name} » est un contrat collectif d'entreprise : l'ajout ou le retrait d'un "
        f"ayant droit passe par votre employeur{employer}, qui transmet la demande et les justificatifs à la "
        "mutuelle. L'espace en ligne ne peut pas l'enregistrer."
    )


def mask_nir(nir: str | None) -> str | None:
    """2 80 05 ** *** *** 73: the sex, year and month of birth and the key; the rest hidden."""
    if not nir or len(nir) != 15:
        return None
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} ** *** *** {nir[13:]}"


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _beneficiaries(session: Session, member: Member) -> list[Beneficiary]:
    order = {Relationship.member: 0, Relationship.spouse: 1, Relationship.child: 2, Relationship.other: 3}
    rows = session.exec(select(Beneficiary).where(Beneficiary.member_id == member.id)).all()
    return sorted(rows, key=lambda b: (order[b.relationship], b.birth_date, b.id or 0))


def family(session: Session, clock: Clock, settings: Settings, member: Member) -> Family:
    collective = collective_contract(session, member)
    requests = session.exec(
        select(MemberRequest)
        .where(MemberRequest.member_id == member.id, col(MemberRequest.kind).in_(FAMILY_KINDS))
        .order_by(col(MemberRequest.created_at).desc(), col(MemberRequest.id).desc())
        .limit(50)
    ).all()
    today = paris_today(clock)
    accounts = family_access.household_accounts(session, member.id or 0)
    people = _beneficiaries(session, member)
    return Family(
        members=[
            FamilyMember(
                id=b.id or 0,
                relationship=b.relationship,
                first_name=b.first_name,
                last_name=b.last_name,
                birth_date=b.birth_date,
                sex=b.sex,
                nir_masked=mask_nir(decrypt_optional(settings, b.nir)),
                noemie=b.noemie_link,
                ald=b.ald,
                access=accounts[b.id].state if b.id in accounts else None,
                access_allowed=family_access.access_refusal(b, today) is None,
                access_refusal=family_access.access_refusal(b, today),
                care_hidden=b.care_private_since is not None,
            )
            for b in people
        ],
        notices=[care_hidden_from_principal(b.first_name) for b in people if b.care_private_since is not None],
        collective=collective is not None,
        requests_allowed=collective is None and bool(contracts_in_force(session, member)),
        employer_message=employer_message(collective) if collective else None,
        requests=[
            PendingFamilyRequest(
                id=r.id or 0,
                reference=r.reference,
                kind=r.kind.value,
                title=r.title,
                status=r.status.value,
                created_at=r.created_at,
            )
            for r in requests
        ],
    )


def _require_family_requests(session: Session, member: Member) -> None:
    collective = collective_contract(session, member)
    if collective is not None:
        raise ApiError(403, "employer_required", employer_message(collective))
    if not contracts_in_force(session, member):
        raise ApiError(403, "no_contract", "Vous n'avez plus de contrat en cours : aucune demande n'est possible.")


def _check_justificatifs(
    given: list[Justificatif], required: dict[DocumentType, str], settings: Settings
) -> list[tuple[DocumentType, list[documents.CheckedFile]]]:
    kinds = {j.type for j in given}
    missing = [words for kind, words in required.items() if kind not in kinds]
    if missing:
        raise ApiError(
            422,
            "missing_documents",
            "Justificatifs manquants : " + ", ".join(missing) + " (PDF, JPEG ou PNG).",
            details=[ErrorDetail(field="justificatifs", message=f"manque : {w}") for w in missing],
        )
    checked = documents.check_files([j.file for j in given], settings, field="justificatifs")
    return [(j.type, [c]) for j, c in zip(given, checked, strict=True)]


def _store(
    session: Session,
    clock: Clock,
    member: Member,
    row: MemberRequest,
    files: list[tuple[DocumentType, list[documents.CheckedFile]]],
) -> None:
    for index, (kind, checked) in enumerate(files, start=1):
        documents.store(
            session,
            clock,
            member.id or 0,
            checked,
            kind=kind.value,
            stem=f"{kind.value.replace('_', '-')}-{row.id}-{index}",
            request_id=row.id,
        )


def _created(row: MemberRequest, message: str) -> RequestCreated:
    return RequestCreated(id=row.id or 0, reference=row.reference, title=row.title, message=message)


def request_addition(
    session: Session, clock: Clock, settings: Settings, member: Member, body: FamilyAdd
) -> RequestCreated:
    _require_family_requests(session, member)
    today = paris_today(clock)
    if body.birth_date > today:
        raise invalid("birth_date", "date future", "La date de naissance ne peut pas être dans le futur.")
    nir = None
    if body.nir:
        try:
            nir = validate_nir(body.nir)
        except NirError as error:
            raise invalid("nir", error) from None
    required: dict[DocumentType, str]
    if body.relationship == Relationship.spouse:
        if body.union is None:
            raise invalid("union", "champ obligatoire", "Précisez : mariage, PACS ou concubinage.")
        has_spouse = session.exec(
            select(Beneficiary.id).where(
                Beneficiary.member_id == member.id, Beneficiary.relationship == Relationship.spouse
            )
        ).first()
        if has_spouse is not None:
            raise invalid("relationship", "conjoint déjà couvert", "Un conjoint est déjà couvert par votre contrat.")
        required = {
            DocumentType.union_certificate: f"{inline_words(body.union, 'proof')} de moins de 3 mois",
            DocumentType.amo_rights_certificate: inline_words(DocumentType.amo_rights_certificate, "proof"),
        }
        title = f"Ajout d'un conjoint : {body.first_name} {body.last_name}"
    elif body.relationship == Relationship.child:
        required = {DocumentType.birth_certificate: inline_words(DocumentType.birth_certificate, "proof")}
        if _age(body.birth_date, today) >= SCHOOL_CERTIFICATE_FROM_AGE:
            required[DocumentType.school_certificate] = inline_words(DocumentType.school_certificate, "proof")
        title = f"Ajout d'un enfant : {body.first_name} {body.last_name}"
    else:
        raise invalid(
            "relationship", "conjoint ou enfant", "On peut ajouter un conjoint (spouse) ou un enfant (child)."
        )
    files = _check_justificatifs(body.justificatifs, required, settings)
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.family_add,
        title[:200],
        beneficiary=None,
        details={
            "relationship": body.relationship.value,
            "first_name": body.first_name.strip(),
            "last_name": body.last_name.strip().upper(),
            "birth_date": body.birth_date.isoformat(),
            "sex": body.sex.value,
            "union": body.union.value if body.union else None,
            "nir_encrypted": encrypt(settings, nir) if nir else None,  # never in clear at rest
        },
    )
    _store(session, clock, member, row, files)
    _acknowledge(session, clock, member, row, len(files))
    return _created(
        row,
        f"Demande {row.reference} enregistrée : un conseiller vérifie les justificatifs et vous répond dans « Mes "
        "démarches ». La personne sera couverte à la date indiquée dans la réponse.",
    )


def request_removal(
    session: Session, clock: Clock, settings: Settings, member: Member, body: FamilyRemove
) -> RequestCreated:
    beneficiary = _member_beneficiary(session, member, body.beneficiary_id, "beneficiary_id")
    _require_family_requests(session, member)
    if beneficiary.relationship == Relationship.member:
        raise invalid("beneficiary_id", "assuré principal", "Vous ne pouvez pas vous retirer : c'est une résiliation.")
    files = _check_justificatifs(body.justificatifs, {}, settings)
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.family_remove,
        f"Retrait de {beneficiary.first_name} {beneficiary.last_name}"[:200],
        beneficiary=beneficiary,
        description=body.reason.strip(),
    )
    _store(session, clock, member, row, files)
    _acknowledge(session, clock, member, row, len(files))
    # issue 21: asking for the person's removal ends their own access at once (not when the request is answered)
    ended = family_access.end_access(session, clock, beneficiary, None, "removal_requested")
    message = f"Demande {row.reference} enregistrée : un conseiller vous répond dans « Mes démarches »."
    if ended:
        message += f" L'accès personnel de {beneficiary.first_name} est fermé."
    return _created(row, message)


def request_noemie(
    session: Session, clock: Clock, settings: Settings, member: Member, body: NoemieActivation
) -> RequestCreated:
    beneficiary = _member_beneficiary(session, member, body.beneficiary_id, "beneficiary_id")
    if beneficiary.noemie_link == NoemieLinkState.active:
        raise invalid("beneficiary_id", "déjà active", "La télétransmission est déjà active pour cette personne.")
    if beneficiary.noemie_link == NoemieLinkState.pending:
        raise invalid(
            "beneficiary_id", "déjà demandée", "La télétransmission est déjà demandée : elle est en cours d'activation."
        )
    checked = documents.check_files([body.attestation], settings, field="attestation")
    row = _new_request(
        session,
        clock,
        member,
        RequestKind.noemie,
        f"Télétransmission pour {beneficiary.first_name} {beneficiary.last_name}"[:200],
        beneficiary=beneficiary,
    )
    _store(session, clock, member, row, [(DocumentType.amo_rights_certificate, checked)])
    beneficiary.noemie_link = NoemieLinkState.pending
    session.add(beneficiary)
    _acknowledge(session, clock, member, row, 1)
    return _created(
        row,
        f"Demande {row.reference} enregistrée : la mutuelle transmet la demande à l'Assurance Maladie ; la "
        "télétransmission est en général active sous 3 semaines. D'ici là, envoyez vos décomptes.",
    )


def request_card_duplicate(
    session: Session, clock: Clock, settings: Settings, member: Member, _: object
) -> RequestCreated:
    if not contracts_in_force(session, member):
        raise ApiError(403, "no_contract", "Vous n'avez plus de contrat en cours : pas de carte de tiers payant.")
    row = _new_request(
        session, clock, member, RequestKind.card_duplicate, "Duplicata de la carte de tiers payant", beneficiary=None
    )
    _acknowledge(session, clock, member, row, 0)
    return _created(
        row,
        f"Demande {row.reference} enregistrée : la carte vous sera envoyée par courrier sous 8 jours. D'ici là, la "
        "carte en PDF de votre espace est valable : montrez-la à l'écran ou imprimez-la.",
    )


# --- cotisations ----------------------------------------------------------------------------------------


def contributions(session: Session, clock: Clock, member: Member) -> Contributions:
    today = paris_today(clock)
    zero = Decimal("0.00")
    individual = individual_contract(session, member)
    if individual is None:
        collective = collective_contract(session, member)
        if collective is not None and collective.state == ContractState.portability:
            message = "Portabilité des droits : vos garanties sont maintenues sans cotisation" + (
                f" jusqu'au {format_date(collective.end_date)}." if collective.end_date else "."
            )
        elif collective is not None:
            employer = f" par {collective.employer}" if collective.employer else ""
            message = (
                f"Vos cotisations sont prélevées sur votre bulletin de salaire{employer} : la mutuelle ne vous "
                "demande rien directement."
            )
        else:
            message = "Aucun contrat en cours : aucune cotisation."
        return Contributions(
            kind=ContributionsKind.collective if collective else ContributionsKind.none,
            year=today.year,
            contract_name=collective.name if collective else None,
            message=message,
            due_this_year=zero,
            paid=zero,
            unpaid=zero,
            instalments=[],
        )
    schedules = session.exec(
        select(ContributionSchedule.id).where(
            ContributionSchedule.contract_id == individual.id, ContributionSchedule.year == today.year
        )
    ).all()
    rows = session.exec(
        select(ContributionInstalment)
        .where(col(ContributionInstalment.schedule_id).in_(list(schedules)))
        .order_by(col(ContributionInstalment.due_date))
    ).all()
    instalments = [
        Instalment(
            due_date=r.due_date,
            amount=r.amount,
            paid=r.paid_at is not None,
            overdue=r.paid_at is None and r.due_date < today,
        )
        for r in rows
    ]
    due = sum((i.amount for i in instalments), zero)
    paid = sum((i.amount for i in instalments if i.paid), zero)
    unpaid = sum((i.amount for i in instalments if i.overdue), zero)
    if unpaid:
        message = (
            f"Montant impayé : {format_eur(unpaid)}. Réglez-le pour garder vos garanties (sans paiement, elles sont "
            "suspendues 30 jours après la mise en demeure, article L221-7 du Code de la mutualité)."
        )
    else:
        message = "Vos cotisations sont à jour."
    return Contributions(
        kind=ContributionsKind.individual,
        year=today.year,
        contract_name=individual.name,
        message=message,
        due_this_year=due,
        paid=paid,
        unpaid=unpaid,
        instalments=instalments,
    )


# --- carte de tiers payant ------------------------------------------------------------------------------


def _domains(session: Session, contracts: list[Contract]) -> list[str]:
    categories = session.exec(
        select(GuaranteeLine.care_category).where(
            col(GuaranteeLine.table_id).in_([c.guarantee_table_id for c in contracts])
        )
    ).all()
    found = {code for category in categories for code in DOMAINS.get(category, ())}
    return [d for d in DOMAIN_ORDER if d in found]


def card(session: Session, clock: Clock, settings: Settings, member: Member) -> Card:
    today = paris_today(clock)
    contracts = [c for c in contracts_in_force(session, member) if c.level == ContractLevel.base]
    base = contracts[0] if contracts else None
    empty = Card(
        available=False,
        message=None,
        amc_number=AMC_NUMBER,
        operator=OPERATOR,
        contract_name=base.name if base else None,
        member_number=member.member_number,
        valid_from=None,
        valid_to=None,
        domains_legend=DOMAINS_LEGEND,
        beneficiaries=[],
    )
    if base is None:
        return empty.model_copy(update={"message": "Aucun contrat en cours : pas de carte de tiers payant."})
    if base.state == ContractState.suspended:
        return empty.model_copy(
            update={
                "message": "Vos garanties sont suspendues (cotisations impayées) : la carte de tiers payant n'est pas "
                "valable tant que le montant dû n'est pas réglé."
            }
        )
    all_contracts = [c for c in contracts_in_force(session, member) if c.id == base.id or c.base_contract_id == base.id]
    valid_from = max(date(today.year, 1, 1), base.start_date)
    valid_to = date(today.year, 12, 31)
    if base.end_date is not None:
        valid_to = min(valid_to, base.end_date)
    domains = _domains(session, all_contracts)
    people = session.exec(
        select(Beneficiary)
        .join(ContractBeneficiary, ContractBeneficiary.beneficiary_id == Beneficiary.id)  # type: ignore[arg-type]
        .where(ContractBeneficiary.contract_id == base.id)
    ).all()
    order = {Relationship.member: 0, Relationship.spouse: 1, Relationship.child: 2, Relationship.other: 3}
    people = sorted(people, key=lambda b: (order[b.relationship], b.birth_date))
    return Card(
        available=True,
        message=None,
        amc_number=AMC_NUMBER,
        operator=OPERATOR,
        contract_name=base.name,
        member_number=member.member_number,
        valid_from=valid_from,
        valid_to=valid_to,
        domains_legend=DOMAINS_LEGEND,
        beneficiaries=[
            CardBeneficiary(
                name=f"{b.last_name} {b.first_name}",
                relationship=b.relationship,
                nir=decrypt_optional(settings, b.nir),
                birth_date=b.birth_date,
                domains=domains,
            )
            for b in people
        ],
    )


def viewer_card(session: Session, clock: Clock, settings: Settings, viewer: Viewer) -> Card:
    """The household's card; a beneficiary's own access shows only their own line (issue 21): the others'
    NIR and birth dates are not theirs to read."""
    found = card(session, clock, settings, viewer.member)
    if viewer.beneficiary is None:
        return found
    person = viewer.beneficiary
    own = f"{person.last_name} {person.first_name}"
    return found.model_copy(update={"beneficiaries": [b for b in found.beneficiaries if b.name == own]})


def card_valid_label(card_: Card) -> str:
    if card_.valid_from and card_.valid_to:
        return f"du {format_date(card_.valid_from)} au {format_date(card_.valid_to)}"
    return "non valable"
