"""THE wording of statuses: every enumeration value the API speaks becomes plain French here, and only
here. Both front ends call these functions; a test fails when a status has no words.

A status says who got the money; a rejection says why and what to do next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING

from models.domain.dates import format_date
from models.domain.money import format_eur
from models.schemas.common import (
    AccountState,
    ClaimSource,
    ClaimStatus,
    ComplaintOutcome,
    ContractKind,
    ContractLevel,
    ContractState,
    DocumentType,
    NoemieLinkState,
    NotificationKind,
    Payee,
    PaymentKind,
    PaymentState,
    QuoteDomain,
    ReimbursementBasis,
    Relationship,
    RequestKind,
    RequestStatus,
    Role,
    SectorScope,
    Sex,
    ThreadCategory,
    ThreadStatus,
)

if TYPE_CHECKING:  # Pydantic is not loaded at start-up (issue 11)
    from models.schemas.dashboard import BeneficiarySummary, ClaimSummary, ContractSummary

DateFormat = Callable[[date], str]

# Keyed by enumeration, then member: StrEnum members of different enumerations that share a value
# (ContractState.active, AccountState.active) compare and hash equal, so one flat dict would mix them.
WORDS: dict[type[Enum], dict[str, str]] = {
    Role: {
        Role.member.name: "Adhérent",
        Role.agent.name: "Conseiller",
        Role.supervisor.name: "Superviseur",
    },
    ContractKind: {
        ContractKind.collective.name: "Contrat collectif (par votre employeur)",
        ContractKind.individual.name: "Contrat individuel",
    },
    ContractLevel: {
        ContractLevel.base.name: "Complémentaire santé",
        ContractLevel.supplementary.name: "Surcomplémentaire (rembourse en plus de votre complémentaire)",
    },
    ContractState: {
        ContractState.active.name: "Actif",
        ContractState.suspended.name: "Garanties suspendues",
        ContractState.terminated.name: "Résilié",
        ContractState.portability.name: "Portabilité",
    },
    ClaimStatus: {
        ClaimStatus.received.name: "Reçu",
        ClaimStatus.awaiting_document.name: "En attente de justificatif",
        ClaimStatus.processing.name: "En traitement",
        ClaimStatus.paid.name: "Remboursé",
        ClaimStatus.rejected.name: "Rejeté",
    },
    Payee: {
        Payee.member.name: "Versé à vous",
        Payee.provider.name: "Réglé au professionnel de santé (tiers payant)",
    },
    PaymentState: {
        PaymentState.planned.name: "Paiement prévu",
        PaymentState.done.name: "Paiement effectué",
        PaymentState.returned.name: "Virement revenu impayé",
    },
    PaymentKind: {
        PaymentKind.payment.name: "Remboursement",
        PaymentKind.overpayment_recovery.name: "Récupération d'un trop-perçu",
    },
    ThreadStatus: {
        ThreadStatus.sent.name: "Envoyé",
        ThreadStatus.in_progress.name: "En cours de traitement",
        ThreadStatus.answered.name: "Réponse reçue",
        ThreadStatus.closed.name: "Clos",
    },
    # issue 7: messagerie, démarches, notifications
    ThreadCategory: {
        ThreadCategory.question.name: "Question sur un remboursement",
        ThreadCategory.explanation.name: "Explication d'un rejet ou d'une prise en charge partielle",
        ThreadCategory.reclamation.name: "Réclamation",
        ThreadCategory.appointment.name: "Demande de rendez-vous téléphonique",
        ThreadCategory.other.name: "Autre demande",
    },
    ComplaintOutcome: {
        ComplaintOutcome.upheld.name: "Réclamation acceptée",
        ComplaintOutcome.partial.name: "Réclamation acceptée en partie (le reste est refusé)",
        ComplaintOutcome.refused.name: "Réclamation refusée",
    },
    RequestKind: {
        RequestKind.reimbursement.name: "Demande de remboursement",
        RequestKind.document.name: "Dépôt de documents",
        RequestKind.accident.name: "Déclaration d'accident",
        RequestKind.hospital.name: "Prise en charge hospitalière",
        RequestKind.quote.name: "Devis (demande de prise en charge)",
    },
    RequestStatus: {
        RequestStatus.received.name: "Reçue (accusé de réception envoyé par email)",
        RequestStatus.in_progress.name: "En cours de traitement",
        RequestStatus.accepted.name: "Acceptée",
        RequestStatus.refused.name: "Refusée",
    },
    ReimbursementBasis: {
        ReimbursementBasis.paid_invoice.name: "Facture acquittée",
        ReimbursementBasis.other_insurer_statement.name: "Décompte d'une autre mutuelle (première mutuelle)",
    },
    DocumentType: {
        DocumentType.paid_invoice.name: "Facture acquittée",
        DocumentType.quote.name: "Devis",
        DocumentType.prescription.name: "Prescription médicale",
        DocumentType.amo_rights_certificate.name: "Attestation de droits de l'Assurance Maladie",
        DocumentType.other_insurer_statement.name: "Décompte d'une autre mutuelle",
        DocumentType.proof_of_address.name: "Justificatif de domicile",
        DocumentType.bank_details.name: "RIB (relevé d'identité bancaire)",
        DocumentType.birth_certificate.name: "Acte de naissance",
        DocumentType.school_certificate.name: "Certificat de scolarité",
        DocumentType.accident_report.name: "Constat ou déclaration d'accident",
        DocumentType.other.name: "Autre document",
    },
    QuoteDomain: {
        QuoteDomain.dental.name: "Dentaire",
        QuoteDomain.optical.name: "Optique",
        QuoteDomain.hearing.name: "Aides auditives",
    },
    NotificationKind: {
        NotificationKind.reimbursement.name: "Nouveau remboursement",
        NotificationKind.rejection.name: "Remboursement rejeté",
        NotificationKind.answer.name: "Réponse reçue",
        NotificationKind.ceiling.name: "Plafond consommé à 80 %",
        NotificationKind.request_status.name: "Démarche mise à jour",
    },
    Relationship: {
        Relationship.member.name: "Assuré principal",
        Relationship.spouse.name: "Conjoint",
        Relationship.child.name: "Enfant",
        Relationship.other.name: "Autre bénéficiaire",
    },
    AccountState: {
        AccountState.never_activated.name: "Compte pas encore activé",
        AccountState.email_unconfirmed.name: "Adresse e-mail à confirmer",
        AccountState.active.name: "Actif",
        AccountState.locked.name: "Bloqué temporairement",
        AccountState.password_expired.name: "Mot de passe à renouveler",
        AccountState.disabled.name: "Fermé",
    },
    Sex: {
        Sex.female.name: "Femme",
        Sex.male.name: "Homme",
    },
    NoemieLinkState: {
        NoemieLinkState.active.name: "Télétransmission active : l'Assurance Maladie nous envoie vos remboursements",
        NoemieLinkState.pending.name: "Télétransmission demandée, en attente de l'Assurance Maladie",
        NoemieLinkState.inactive.name: "Télétransmission inactive : envoyez-nous vos décomptes de l'Assurance Maladie",
    },
    SectorScope: {
        SectorScope.any.name: "Tous les médecins",
        SectorScope.optam.name: "Médecins de secteur 1 ou signataires de l'OPTAM (dépassements maîtrisés)",
        SectorScope.non_optam.name: "Médecins non signataires de l'OPTAM (dépassements d'honoraires libres)",
    },
    ClaimSource: {
        ClaimSource.noemie.name: "Transmis automatiquement par l'Assurance Maladie",
        ClaimSource.paper.name: "Envoyé par courrier",
        ClaimSource.online.name: "Envoyé depuis votre espace",
        ClaimSource.third_party.name: "Transmis par le professionnel de santé (tiers payant)",
    },
}


def status_words(value: Enum) -> str:
    """The French words for any status of the API. Raises KeyError for a value without words (a test
    walks every enumeration so that this never happens in the field)."""
    return WORDS[type(value)][value.name]


def born_word(sex: Sex | None) -> str:
    """« né » or « née » when the sex is known; « né(e) » only when it is not."""
    if sex is None:
        return "né(e)"
    return "née" if sex is Sex.female else "né"


def instalment_words(paid: bool, overdue: bool) -> str:
    """An échéance de cotisation: the API gives two facts, the member reads one word."""
    return "payée" if paid else ("impayée" if overdue else "à venir")


def amount(value: Decimal) -> str:
    return format_eur(value)


RETURNED_TRANSFER = "Virement revenu impayé : mettez à jour votre RIB"


def claim_status_words(status: ClaimStatus, payment_state: PaymentState | None) -> str:
    """The status in one word, unless the transfer came back: a claim the bank returned is not « Remboursé »."""
    return RETURNED_TRANSFER if payment_state is PaymentState.returned else status_words(status)


def claim_status_sentence(claim: ClaimSummary) -> str:
    """The status, with the reason and the next step for a rejection."""
    words = claim_status_words(claim.status, claim.payment_state)
    if claim.status is ClaimStatus.rejected:
        reason = (claim.rejection_reason or "motif non précisé").rstrip(".")
        return f"{words} – {reason}. Pour en savoir plus ou contester, écrivez au service adhérent"
    if claim.status is ClaimStatus.awaiting_document:
        return f"{words} : déposez-le dans votre espace ou envoyez-le par courrier"
    return words


def payment_sentence(claim: ClaimSummary, dates: DateFormat = format_date) -> str:
    """Who got the money, and when: "Versé sur votre compte …1234 le 15/07/2025"."""
    when = f" le {dates(claim.payment_date)}" if claim.payment_date else ""
    to_provider = claim.payee is Payee.provider
    if claim.payment_state is PaymentState.returned:
        return "Virement revenu impayé : RIB à vérifier (envoyez un nouveau RIB au service adhérent)"
    if claim.payment_state is PaymentState.done:
        if to_provider:
            return f"Réglé à {claim.payee_label or 'votre professionnel de santé'}{when}"
        account = f" …{claim.account_suffix}" if claim.account_suffix else ""
        return f"Versé sur votre compte{account}{when}"
    if claim.payment_state is PaymentState.planned:
        if to_provider:
            return f"Paiement prévu{when}, à {claim.payee_label or 'votre professionnel de santé'}"
        return f"Paiement prévu{when}"
    if claim.status is ClaimStatus.rejected:
        return "Aucun paiement"
    if claim.status is ClaimStatus.paid:
        return "Remboursé, paiement en préparation"
    return "Paiement après traitement de votre demande"


def person_name(beneficiary: BeneficiarySummary) -> str:
    return f"{beneficiary.first_name} {beneficiary.last_name}"


def contract_state_sentence(contract: ContractSummary, dates: DateFormat = format_date) -> str:
    state = contract.state
    if state is ContractState.active:
        return f"Actif depuis le {dates(contract.start_date)}"
    if state is ContractState.suspended:
        return (
            "Garanties suspendues : des cotisations sont impayées et vos soins ne sont plus remboursés "
            "jusqu'au paiement ; contactez le service adhérent pour régulariser"
        )
    if state is ContractState.terminated:
        end = f" le {dates(contract.end_date)}" if contract.end_date else ""
        return f"Résilié{end} : vos soins postérieurs ne sont plus remboursés"
    end = f" jusqu'au {dates(contract.end_date)}" if contract.end_date else ""
    return f"Portabilité : vos garanties sont maintenues après votre départ de l'employeur{end}"


def contract_kind_sentence(contract: ContractSummary) -> str:
    if contract.kind is ContractKind.collective and contract.employer:
        return f"Contrat collectif (par votre employeur, {contract.employer})"
    return status_words(contract.kind)


def contract_sentence(contract: ContractSummary, dates: DateFormat = format_date) -> str:
    """One sentence: "Santé Socle : Contrat collectif (par votre employeur, Michelin) ; Actif depuis le …"."""
    parts = [contract_kind_sentence(contract)]
    if contract.level is ContractLevel.supplementary:
        parts.append(status_words(contract.level))
    parts.append(contract_state_sentence(contract, dates))
    return f"{contract.name} : " + " ; ".join(parts)


def beneficiaries_sentence(contract: ContractSummary) -> str:
    if not contract.beneficiaries:
        return "Personnes couvertes : aucune"
    people = [
        f"{person_name(b)} ("
        + ("vous" if b.relationship is Relationship.member else status_words(b.relationship).lower())
        + ")"
        for b in contract.beneficiaries
    ]
    return "Personnes couvertes : " + ", ".join(people)


def unread_sentence(count: int) -> str:
    if count <= 0:
        return "Aucun message non lu"
    if count == 1:
        return "Vous avez 1 message non lu"
    return f"Vous avez {count} messages non lus"


# --- issue 9: console conseiller ------------------------------------------------------------------

from models.schemas.common import AlertKind, CallerKind, CallOutcome, QueueKind  # noqa: E402

WORDS.update(
    {
        CallerKind: {
            CallerKind.member.name: "l'adhérent",
            CallerKind.beneficiary.name: "un ayant droit",
            CallerKind.guardian.name: "un tuteur",
            CallerKind.professional.name: "un professionnel de santé",
        },
        CallOutcome: {
            CallOutcome.resolved.name: "résolu",
            CallOutcome.follow_up.name: "suite à donner",
            CallOutcome.transferred.name: "transféré",
            CallOutcome.not_verified.name: "identité non vérifiée, rien communiqué",
        },
        AlertKind: {
            AlertKind.complaint_due.name: "réclamation à échéance",
            AlertKind.rib_rejected.name: "RIB rejeté",
            AlertKind.npai.name: "courrier revenu NPAI",
            AlertKind.unpaid.name: "cotisations impayées",
            AlertKind.guardianship.name: "tutelle",
        },
        QueueKind: {QueueKind.thread.name: "message", QueueKind.request.name: "démarche"},
    }
)


# --- issue 8, « Mon profil » -----------------------------------------------------------------------
from models.schemas.common import (  # noqa: E402
    BankAccountPurpose,
    ContactChangeOrigin,
    ContactChannel,
    ContributionsKind,
    NotificationChannel,
    StatementChannel,
    StepUpMethod,
    UnionKind,
)

WORDS[RequestKind].update(
    {
        RequestKind.family_add.name: "Ajout d'un ayant droit",
        RequestKind.family_remove.name: "Retrait d'un ayant droit",
        RequestKind.noemie.name: "Activation de la télétransmission",
        RequestKind.card_duplicate.name: "Duplicata de la carte de tiers payant",
        RequestKind.address_change.name: "Changement d'adresse",
        RequestKind.termination.name: "Résiliation",
    }
)
WORDS[DocumentType][DocumentType.union_certificate.name] = "Acte de mariage, PACS ou concubinage"
WORDS.update(
    {
        StatementChannel: {StatementChannel.email.name: "Par e-mail", StatementChannel.post.name: "Par courrier"},
        NotificationChannel: {
            NotificationChannel.portal.name: "Dans l'espace",
            NotificationChannel.email.name: "Par e-mail",
            NotificationChannel.sms.name: "Par SMS",
        },
        BankAccountPurpose: {
            BankAccountPurpose.reimbursement.name: "RIB de remboursement",
            BankAccountPurpose.direct_debit.name: "RIB de prélèvement",
        },
        ContactChannel: {ContactChannel.email.name: "Adresse e-mail", ContactChannel.mobile.name: "Mobile"},
        # issue 16: who made a change of e-mail or mobile (the history, « qui a agi sur mon dossier »)
        ContactChangeOrigin: {
            ContactChangeOrigin.member.name: "par vous, dans votre espace",
            ContactChangeOrigin.agent.name: "par un conseiller, au téléphone",
        },
        StepUpMethod: {
            StepUpMethod.totp.name: "Application d'authentification",
            StepUpMethod.email.name: "Code par e-mail",
            StepUpMethod.sms.name: "Code par SMS",
        },
        UnionKind: {
            UnionKind.marriage.name: "Mariage",
            UnionKind.pacs.name: "PACS",
            UnionKind.cohabitation.name: "Concubinage",
        },
        ContributionsKind: {
            ContributionsKind.individual.name: "Contrat individuel",
            ContributionsKind.collective.name: "Contrat collectif",
            ContributionsKind.none.name: "Aucun contrat",
        },
    }
)


# --- issue 10: the enumerations still worded elsewhere, brought here ----------------------------------
from models.schemas.common import (  # noqa: E402
    ClaimSortKey,
    DashboardAlertKind,
    LoginStatus,
    SecondFactorMethod,
    SortOrder,
)

WORDS.update(
    {
        SecondFactorMethod: {  # "Un code … a été envoyé par e-mail"
            SecondFactorMethod.email.name: "par e-mail",
            SecondFactorMethod.sms.name: "par SMS",
            SecondFactorMethod.totp.name: "par l'application d'authentification",
        },
        LoginStatus: {
            LoginStatus.authenticated.name: "Connecté·e",
            LoginStatus.second_factor_required.name: "Code de connexion demandé",
        },
        ClaimSortKey: {  # "Tri : date des soins, décroissant"
            ClaimSortKey.care_date.name: "date des soins",
            ClaimSortKey.charged.name: "montant dépensé",
            ClaimSortKey.amc_paid.name: "remboursé par la mutuelle",
            ClaimSortKey.amo_paid.name: "remboursé par la Sécurité sociale",
            ClaimSortKey.out_of_pocket.name: "reste à charge",
            ClaimSortKey.beneficiary.name: "bénéficiaire",
            ClaimSortKey.status.name: "statut",
        },
        SortOrder: {SortOrder.asc.name: "croissant", SortOrder.desc.name: "décroissant"},
        DashboardAlertKind: {
            DashboardAlertKind.guarantees_suspended.name: "Garanties suspendues",
            DashboardAlertKind.unpaid_instalment.name: "Cotisation impayée",
            DashboardAlertKind.contract_terminated.name: "Contrat résilié",
            DashboardAlertKind.portability_ending.name: "Fin de la portabilité des droits",
        },
    }
)

PAYEE_TOTALS: dict[str, str] = {
    Payee.member.name: "versés à vous",
    Payee.provider.name: "réglés aux professionnels de santé",
}
"""The claims filter bar's plural ("Paiements versés à vous"), beside `status_words(Payee…)`."""


def payee_totals_words(payee: Payee) -> str:
    return PAYEE_TOTALS[payee.name]


INLINE_WORDS: dict[str, dict[type[Enum], dict[str, str]]] = {
    # the console's dossier: "Santé Pro (collectif, actif)"
    "console": {
        ContractKind: {ContractKind.collective.name: "collectif", ContractKind.individual.name: "individuel"},
        ContractState: {
            ContractState.active.name: "actif",
            ContractState.suspended.name: "garanties suspendues",
            ContractState.terminated.name: "résilié",
            ContractState.portability.name: "portabilité",
        },
    },
    # Mes garanties: "Santé Salariés : Complémentaire santé, en cours, depuis le …"
    "guarantees": {
        ContractState: {
            ContractState.active.name: "en cours",
            ContractState.suspended.name: "garanties suspendues",
            ContractState.terminated.name: "résilié",
            ContractState.portability.name: "portabilité des droits",
        },
    },
}
"""Lower-case forms used inside a sentence, by where they are shown: still here, never elsewhere."""


def inline_words(value: Enum, where: str) -> str:
    return INLINE_WORDS[where][type(value)][value.name]
