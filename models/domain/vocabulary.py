"""THE vocabulary of the product: every word a person reads for a status, a payment, a care, a month, an
amount or a date comes from here, on the server (CSV, PDF relevés, e-mails, SMS, notifications, the
console's answers) and in the client (screens and linear mode, through ``tui.flows.wording``).

Pure and light: no enumeration is imported to key the tables (they are keyed by the enumeration's class
name and the member's name), so the client loads this module with its first screen that shows a status,
and the server without any client code. Amounts and dates are written by ``models.domain.money`` and
``models.domain.dates`` (one function each), re-exported here so that a caller needs one import.

One word for one thing: « Remboursé » is a claim the mutuelle decided to pay; before that decision its
shares are « après traitement », never an amount that looks paid.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Protocol

from models.domain.dates import MONTHS, format_date, format_date_long
from models.domain.money import format_eur
from models.domain.states import UNDECIDED, ClaimStatus, Payee, PaymentKind, PaymentState, RequestStatus

__all__ = [
    "ACT_LABELS",
    "CARE_CATEGORY_LABELS",
    "MONTHS",
    "amount",
    "contract_service_reach",
    "contract_service_title",
    "date_long",
    "date_short",
    "payment_sentence",
    "service_unavailable_reason",
    "status_words",
]

DateFormat = Callable[[date], str]

amount = format_eur
"""« 1 234,56 € » (no-break spaces): the one way an amount is written."""
date_short = format_date
"""« 15/07/2025 »: tables, PDFs, CSV, e-mails, SMS."""
date_long = format_date_long
"""« 15 juillet 2025 »: read out by the linear mode."""

# --------------------------------------------------------------------------------------------------
# Care: acts and postes de soins.

ACT_LABELS: dict[str, str] = {
    "G": "Consultation chez le médecin généraliste",
    "TCG": "Téléconsultation avec le médecin généraliste",
    "CS": "Consultation chez un spécialiste",
    "APC": "Avis ponctuel de consultant",
    "CNPSY": "Consultation chez le psychiatre",
    "PH7": "Médicaments remboursés à 65 %",
    "PH4": "Médicaments remboursés à 30 %",
    "PH2": "Médicaments remboursés à 15 %",
    "PH1": "Médicaments remboursés à 100 %",
    "AMK": "Séance de kinésithérapie",
    "AMI": "Soins infirmiers",
    "B": "Analyses de biologie",
    "SC": "Soins dentaires",
    "PROTHESE": "Couronne dentaire",
    "MONTURE": "Monture de lunettes",
    "VERRE_SIMPLE": "Verre simple",
    "VERRE_COMPLEXE": "Verre complexe",
    "VERRE_TRES_COMPLEXE": "Verre très complexe",
    "AUDIO": "Aide auditive (une oreille)",
    "ADC": "Acte de chirurgie",
    "ADA": "Acte d'anesthésie",
    "ATM": "Acte technique médical",
    "ACO": "Acte d'obstétrique",
    "ADI": "Radiologie, scanner ou IRM",
    "ADE": "Échographie",
    "FJH": "Forfait journalier hospitalier",
    "FORFAIT_24": "Forfait actes lourds",
    "FPU": "Forfait patient urgences",
    "TAXI": "Transport en taxi conventionné",
}
"""The French name of each act code of the engine: claim lines, the simulator's list, explanations."""

CARE_CATEGORY_LABELS: dict[str, str] = {
    "hospitalisation": "Hospitalisation",
    "soins_courants": "Soins courants",
    "dentaire": "Dentaire",
    "optique": "Optique",
    "aides_auditives": "Aides auditives",
    "pharmacie": "Pharmacie",
    "medecines_douces": "Médecines douces",
    "prevention": "Prévention",
}
"""Postes de soins, in the order of a tableau de garanties."""


SERVICE_UNAVAILABLE: dict[str, str] = {
    "suspended": (
        "Garanties suspendues : ce service reprend dès que les cotisations dues sont réglées (voir le bandeau du "
        "tableau de bord)."
    ),
    "terminated": "Contrat résilié : ce service n'est plus accessible.",
}
"""Why a contract's services cannot be used now, by the contract's state; a state not listed keeps them
(garanties suspendues suspend them too, L221-7 Code de la mutualité; portabilité keeps every right)."""


def service_unavailable_reason(contract_state: Enum) -> str | None:
    return SERVICE_UNAVAILABLE.get(contract_state.name)


def contract_service_title(label: str, name: str, *, short: bool = False) -> str:
    """« Téléconsultation – Ma Question Médicale » (« Téléconsultation (Ma Question Médicale) » when
    ``short``); the label alone when the service has no other name."""
    if name == label:
        return label
    return f"{label} ({name})" if short else f"{label} – {name}"


def contract_service_reach(phone: str | None, hours: str | None, web: str | None) -> str | None:
    """How to reach a contract's service, in one phrase (Mes garanties, the dashboard, the console, the
    PDF): « Téléphone : 01 99 00 21 15 (tous les jours de 8 h à minuit) ; en ligne : https://… »."""
    parts = []
    if phone:
        parts.append(f"Téléphone : {phone}" + (f" ({hours})" if hours else ""))
    elif hours:
        parts.append(f"Horaires : {hours}")
    if web:
        parts.append(f"en ligne : {web}" if parts else f"En ligne : {web}")
    return " ; ".join(parts) or None


CLAIM_EVENT_LABELS: dict[str, str] = {
    "soins_courants": "Soins courants",
    "pharmacie": "Pharmacie",
    "dentaire": "Soins et prothèses dentaires",
    "optique": "Équipement optique",
    "aides_auditives": "Aides auditives",
    "hospitalisation": "Hospitalisation",
}
"""The label of a claim of several lines (one care event), by its poste de soins."""

DEDUCTION_LABELS: dict[str, str] = {
    "participation_forfaitaire": "Participation forfaitaire",
    "franchise": "Franchise médicale",
}


def act_label(code: str) -> str | None:
    return ACT_LABELS.get(code)


def care_category_label(code: str) -> str:
    return CARE_CATEGORY_LABELS.get(code, code.replace("_", " ").capitalize())


def deduction_label(kind: str) -> str:
    return DEDUCTION_LABELS.get(kind, kind.replace("_", " ").capitalize())


# --------------------------------------------------------------------------------------------------
# Statuses: every enumeration the API speaks, keyed by class name then member name. (Members of different
# enumerations share values — ContractState.active, AccountState.active — so values cannot be the keys.)

WORDS: dict[str, dict[str, str]] = {
    "Role": {"member": "Adhérent", "agent": "Conseiller", "supervisor": "Superviseur"},
    "ContractKind": {"collective": "Contrat collectif (par votre employeur)", "individual": "Contrat individuel"},
    "ContractLevel": {
        "base": "Complémentaire santé",
        "supplementary": "Surcomplémentaire (rembourse en plus de votre complémentaire)",
    },
    # the services a contract includes beyond reimbursements (issue 21)
    "ContractServiceKind": {
        "assistance": "Assistance",
        "teleconsultation": "Téléconsultation",
        "second_opinion": "Deuxième avis médical",
        "prevention": "Prévention santé",
    },
    "ContractState": {
        "active": "Actif",
        "suspended": "Garanties suspendues",
        "terminated": "Résilié",
        "portability": "Portabilité",
    },
    "ClaimStatus": {
        "received": "Reçu",
        "awaiting_document": "En attente de justificatif",
        "processing": "En traitement",
        "paid": "Remboursé",
        "rejected": "Rejeté",
    },
    "Payee": {"member": "Versé à vous", "provider": "Réglé au professionnel de santé (tiers payant)"},
    "PaymentState": {
        "planned": "Paiement prévu",
        "done": "Paiement effectué",
        "returned": "Virement revenu impayé",
    },
    "PaymentKind": {"payment": "Remboursement", "overpayment_recovery": "Récupération d'un trop-perçu"},
    "ThreadStatus": {
        "sent": "Envoyé",
        "in_progress": "En cours de traitement",
        "answered": "Réponse reçue",
        "closed": "Clos",
    },
    "ThreadCategory": {
        "question": "Question sur un remboursement",
        "explanation": "Explication d'un rejet ou d'une prise en charge partielle",
        "reclamation": "Réclamation",
        "appointment": "Demande de rendez-vous téléphonique",
        "other": "Autre demande",
    },
    "ComplaintOutcome": {
        "upheld": "Réclamation acceptée",
        "partial": "Réclamation acceptée en partie (le reste est refusé)",
        "refused": "Réclamation refusée",
    },
    "RequestKind": {
        "reimbursement": "Demande de remboursement",
        "document": "Dépôt de documents",
        "accident": "Déclaration d'accident",
        "hospital": "Prise en charge hospitalière",
        "quote": "Devis (demande de prise en charge)",
        "family_add": "Ajout d'un ayant droit",
        "family_remove": "Retrait d'un ayant droit",
        "noemie": "Activation de la télétransmission",
        "card_duplicate": "Duplicata de la carte de tiers payant",
        "address_change": "Changement d'adresse",
        "termination": "Résiliation",
    },
    "RequestStatus": {
        "received": "Reçue (accusé de réception envoyé par e-mail)",
        "in_progress": "En cours de traitement",
        "accepted": "Acceptée",
        "refused": "Refusée",
    },
    "ReimbursementBasis": {
        "paid_invoice": "Facture acquittée",
        "other_insurer_statement": "Décompte d'une autre mutuelle (première mutuelle)",
    },
    "DocumentType": {
        "paid_invoice": "Facture acquittée",
        "quote": "Devis",
        "prescription": "Prescription médicale",
        "amo_rights_certificate": "Attestation de droits de l'Assurance Maladie",
        "other_insurer_statement": "Décompte d'une autre mutuelle",
        "proof_of_address": "Justificatif de domicile",
        "bank_details": "RIB (relevé d'identité bancaire)",
        "birth_certificate": "Acte de naissance",
        "school_certificate": "Certificat de scolarité",
        "union_certificate": "Acte de mariage, PACS ou concubinage",
        "accident_report": "Constat ou déclaration d'accident",
        "other": "Autre document",
    },
    "QuoteDomain": {"dental": "Dentaire", "optical": "Optique", "hearing": "Aides auditives"},
    "NotificationKind": {
        "reimbursement": "Nouveau remboursement",
        "rejection": "Remboursement rejeté",
        "answer": "Réponse reçue",
        "ceiling": "Plafond consommé à 80 %",
        "request_status": "Démarche mise à jour",
    },
    "Relationship": {
        "member": "Assuré principal",
        "spouse": "Conjoint",
        "child": "Enfant",
        "other": "Autre bénéficiaire",
    },
    "AccountState": {
        "never_activated": "Compte pas encore activé",
        "email_unconfirmed": "Adresse e-mail à confirmer",
        "active": "Actif",
        "locked": "Bloqué temporairement",
        "password_expired": "Mot de passe à renouveler",
        "disabled": "Fermé",
    },
    "Sex": {"female": "Femme", "male": "Homme"},
    "NoemieLinkState": {
        "active": "Télétransmission active : l'Assurance Maladie nous envoie vos remboursements",
        "pending": "Télétransmission demandée, en attente de l'Assurance Maladie",
        "inactive": "Télétransmission inactive : envoyez-nous vos décomptes de l'Assurance Maladie",
    },
    "SectorScope": {
        "any": "Tous les médecins",
        "optam": "Médecins de secteur 1 ou signataires de l'OPTAM (dépassements maîtrisés)",
        "non_optam": "Médecins non signataires de l'OPTAM (dépassements d'honoraires libres)",
    },
    "ClaimSource": {
        "noemie": "Transmis automatiquement par l'Assurance Maladie",
        "paper": "Envoyé par courrier",
        "online": "Envoyé depuis votre espace",
        "third_party": "Transmis par le professionnel de santé (tiers payant)",
    },
    # the console conseiller (issue 9)
    "CallerKind": {
        "member": "l'adhérent",
        "beneficiary": "un ayant droit",
        "guardian": "un tuteur ou un curateur",
        "professional": "un professionnel de santé",
    },
    "CallOutcome": {
        "resolved": "résolu pendant l'appel",
        "follow_up": "suite à donner",
        "transferred": "transféré",
        "not_verified": "identité non vérifiée : rien communiqué",
    },
    "AlertKind": {
        "complaint_due": "réclamation à échéance",
        "rib_rejected": "RIB rejeté",
        "npai": "courrier revenu NPAI",
        "unpaid": "cotisations impayées",
        "guardianship": "tutelle ou curatelle",
    },
    "QueueKind": {"thread": "message", "request": "démarche"},
    # the call and its verification level (issue 16)
    "VerificationLevel": {
        "none": "aucune vérification",
        "read_only": "lecture seule (vérification manquée, motif écrit)",
        "identity": "identité vérifiée",
        "strong": "vérification forte",
    },
    "IdentityQuestion": {
        "birth_date": "date de naissance",
        "postal_code": "code postal",
        "paid_amount": "montant d'un remboursement versé",
        "rib_last4": "fin du RIB",
    },
    "CallCodeChannel": {"email": "par e-mail", "sms": "par SMS", "courrier": "par courrier"},
    "ThirdPartyDocument": {"card": "carte de tiers payant", "certificate": "attestation"},
    # « Mon profil » (issue 8)
    "StatementChannel": {"email": "Par e-mail", "post": "Par courrier"},
    "NotificationChannel": {"portal": "Dans l'espace", "email": "Par e-mail", "sms": "Par SMS"},
    "BankAccountPurpose": {"reimbursement": "RIB de remboursement", "direct_debit": "RIB de prélèvement"},
    "ContactChannel": {"email": "Adresse e-mail", "mobile": "Mobile"},
    # issue 16: who made a change of e-mail or mobile (the history, « qui a agi sur mon dossier »)
    "ContactChangeOrigin": {"member": "par vous, dans votre espace", "agent": "par un conseiller, au téléphone"},
    "StepUpMethod": {
        "totp": "Application d'authentification",
        "email": "Code par e-mail",
        "sms": "Code par SMS",
    },
    "UnionKind": {"marriage": "Mariage", "pacs": "PACS", "cohabitation": "Concubinage"},
    "ContributionsKind": {
        "individual": "Contrat individuel",
        "collective": "Contrat collectif",
        "none": "Aucun contrat",
    },
    # issue 21: what the care finder searches
    "DirectoryKind": {
        "practitioner": "Un professionnel de santé (médecin, dentiste, kiné, opticien…)",
        "establishment": "Un établissement (hôpital, clinique, centre de santé, pharmacie)",
    },
    # issue 10: the enumerations once worded elsewhere
    "SecondFactorMethod": {  # "Un code … a été envoyé par e-mail"
        "email": "par e-mail",
        "sms": "par SMS",
        "totp": "par l'application d'authentification",
    },
    "LoginStatus": {"authenticated": "Session ouverte", "second_factor_required": "Code de connexion demandé"},
    "ClaimSortKey": {  # "Tri : date des soins, décroissant"
        "care_date": "date des soins",
        "charged": "montant dépensé",
        "amc_paid": "remboursé par la mutuelle",
        "amo_paid": "remboursé par la Sécurité sociale",
        "out_of_pocket": "reste à charge",
        "beneficiary": "bénéficiaire",
        "status": "statut",
    },
    "SortOrder": {"asc": "croissant", "desc": "décroissant"},
    "DashboardAlertKind": {
        "guarantees_suspended": "Garanties suspendues",
        "unpaid_instalment": "Cotisation impayée",
        "contract_terminated": "Contrat résilié",
        "portability_ending": "Fin de la portabilité des droits",
    },
}

INLINE_WORDS: dict[str, dict[str, dict[str, str]]] = {
    # inside a sentence, lower case: « Démarche D2026-000001 : acceptée », « votre démarche est refusée »
    "sentence": {
        "RequestStatus": {
            "received": "reçue",
            "in_progress": "en cours de traitement",
            "accepted": "acceptée",
            "refused": "refusée",
        },
        "ClaimStatus": {
            "received": "reçu",
            "awaiting_document": "en attente de justificatif",
            "processing": "en traitement",
            "paid": "remboursé",
            "rejected": "rejeté",
        },
    },
    # the attestation d'adhésion's table of covered people
    "certificate": {
        "Relationship": {
            "member": "adhérent(e)",
            "spouse": "conjoint(e)",
            "child": "enfant",
            "other": "autre ayant droit",
        },
    },
    # what to attach to an « ajout d'un ayant droit »
    "proof": {
        "UnionKind": {
            "marriage": "acte de mariage",
            "pacs": "attestation de PACS",
            "cohabitation": "attestation de concubinage",
        },
        "DocumentType": {
            "amo_rights_certificate": "attestation de droits de l'Assurance Maladie du conjoint",
            "birth_certificate": "acte de naissance (ou livret de famille)",
            "school_certificate": "certificat de scolarité de l'année en cours (plus de 16 ans)",
        },
    },
    # « Exemple : pour une consultation chez un spécialiste (médecin adhérent à l'OPTAM) à 60,00 € »
    "example": {
        "SectorScope": {
            "any": "",
            "optam": " (médecin adhérent à l'OPTAM)",
            "non_optam": " (médecin non adhérent à l'OPTAM)",
        },
    },
    # a devis's title: « Devis dentaire : Dr Martin »
    "quote_title": {"QuoteDomain": {"dental": "dentaire", "optical": "optique", "hearing": "auditif"}},
    # the console's dossier: "Santé Pro (collectif, actif)", « Compte : e-mail non confirmé »
    "console": {
        "AccountState": {
            "email_unconfirmed": "e-mail non confirmé",
            "active": "actif",
            "locked": "actif (verrou expiré)",
            "password_expired": "mot de passe expiré",
            "disabled": "désactivé",
        },
        "ContractKind": {"collective": "collectif", "individual": "individuel"},
        "ContractState": {
            "active": "actif",
            "suspended": "garanties suspendues",
            "terminated": "résilié",
            "portability": "portabilité",
        },
    },
    # Mes garanties: "Santé Salariés : Complémentaire santé, en cours, depuis le …"
    "guarantees": {
        "ContractState": {
            "active": "en cours",
            "suspended": "garanties suspendues",
            "terminated": "résilié",
            "portability": "portabilité des droits",
        },
    },
}
"""Lower-case forms used inside a sentence, by where they are shown."""

LEVEL_HOW_TO: dict[str, str] = {
    "read_only": "ouvrez un appel pour cet adhérent (« Qui appelle ? »)",
    "identity": "posez les questions de vérification d'identité (un motif écrit ne suffit pas)",
    "strong": (
        "après les questions, envoyez un code à un contact enregistré depuis assez longtemps (ou par courrier) "
        "et faites-le relire par l'appelant"
    ),
}
"""What a conseiller does to reach a verification level (said when an operation asks for more)."""

PAYEE_TOTALS: dict[str, str] = {"member": "versés à vous", "provider": "réglés aux professionnels de santé"}
"""The claims filter bar's plural ("Paiements versés à vous"), beside ``status_words(Payee…)``."""


SECTOR_WORDS: dict[str, str] = {
    "1": "Secteur 1 : tarifs de la Sécurité sociale, sans dépassement",
    "2-optam": "Secteur 2, adhérent OPTAM : dépassements modérés, mieux remboursés",
    "2": "Secteur 2 : dépassements d'honoraires libres",
    "3": "Non conventionné : très peu remboursé par la Sécurité sociale",
}
"""A doctor's convention sector (the engine's codes, models.domain.tariffs.SECTORS) as the care finder says it."""
SECTOR_UNKNOWN = "Secteur non renseigné"


def status_words(value: Enum) -> str:
    """The French words for any status of the API. Raises KeyError for a value without words (a test walks
    every enumeration so that this never happens in the field)."""
    return WORDS[type(value).__name__][value.name]


def inline_words(value: Enum, where: str = "sentence") -> str:
    return INLINE_WORDS[where][type(value).__name__][value.name]


def payee_totals_words(payee: Enum) -> str:
    return PAYEE_TOTALS[payee.name]


# --------------------------------------------------------------------------------------------------
# Claims and payments: the sentences every output shares.

RETURNED_TRANSFER = "Virement revenu impayé : mettez à jour votre RIB"
AFTER_PROCESSING = "à venir"
"""A share of a claim not decided yet (reçu, en traitement, en attente de justificatif)."""


def claim_status_words(status: ClaimStatus, payment_state: PaymentState | None = None) -> str:
    """The status in one word, unless the transfer came back: a claim the bank returned is not « Remboursé »."""
    return RETURNED_TRANSFER if payment_state is PaymentState.returned else status_words(status)


def claim_status_sentence(
    status: ClaimStatus, payment_state: PaymentState | None = None, rejection_reason: str | None = None
) -> str:
    """The status, with the reason and the next step for a rejection."""
    words = claim_status_words(status, payment_state)
    if status is ClaimStatus.rejected:
        reason = (rejection_reason or "motif non précisé").rstrip(".")
        return f"{words} – {reason}. Pour en savoir plus ou contester, écrivez au service adhérent"
    if status is ClaimStatus.awaiting_document:
        return f"{words} : déposez-le dans votre espace ou envoyez-le par courrier"
    return words


def share_words(status: ClaimStatus, value: Decimal) -> str:
    """What a share of a claim reads: its amount once decided, « à venir » before (nothing is « remboursé »
    until the mutuelle has decided)."""
    return AFTER_PROCESSING if status in UNDECIDED else format_eur(value)


def payment_sentence(
    state: PaymentState,
    payee: Payee,
    when: date,
    *,
    payee_label: str | None = None,
    account_suffix: str | None = None,
    kind: PaymentKind = PaymentKind.payment,
    value: Decimal | None = None,
    return_reason: str | None = None,
    dates: DateFormat = format_date,
) -> str:
    """One payment, who got the money and when — the same words on the screen, the relevé PDF, the CSV,
    the e-mail and the console: « Versé sur votre compte …1234 le 15/07/2025 »."""
    day = dates(when)
    if kind is PaymentKind.overpayment_recovery or (value is not None and value < 0):
        recovered = f" de {format_eur(abs(value))}" if value is not None else ""
        return f"Récupération d'un trop-perçu{recovered} le {day}"
    if state is PaymentState.returned:
        reason = f" ({return_reason.rstrip('.')})" if return_reason else ""
        return f"Virement du {day} revenu impayé{reason} : RIB à vérifier (envoyez un nouveau RIB au service adhérent)"
    to = payee_label or "votre professionnel de santé"
    account = f" …{account_suffix}" if account_suffix else ""
    if state is PaymentState.done:
        return f"Réglé à {to} le {day}" if payee is Payee.provider else f"Versé sur votre compte{account} le {day}"
    if payee is Payee.provider:
        return f"Paiement prévu le {day}, à {to}"
    return f"Paiement prévu le {day}, sur votre compte{account}"


def payment_line(
    state: PaymentState,
    payee: Payee,
    when: date,
    value: Decimal,
    *,
    payee_label: str | None = None,
    account_suffix: str | None = None,
    kind: PaymentKind = PaymentKind.payment,
    return_reason: str | None = None,
    dates: DateFormat = format_date,
) -> str:
    """A payment with its amount (a claim's détail, the relevé): the sentence, then « : 19,00 € »."""
    sentence = payment_sentence(
        state,
        payee,
        when,
        payee_label=payee_label,
        account_suffix=account_suffix,
        kind=kind,
        value=value,
        return_reason=return_reason,
        dates=dates,
    )
    if kind is PaymentKind.overpayment_recovery or value < 0:
        return sentence  # the amount is already in it
    return f"{sentence} : {format_eur(value)}"


class ClaimPaymentFacts(Protocol):
    """What a claim row carries about its latest payment (the list, the dashboard, the CSV, the console)."""

    status: ClaimStatus
    payee: Payee | None
    payee_label: str | None
    payment_state: PaymentState | None
    payment_date: date | None
    account_suffix: str | None


def claim_payment_sentence(claim: ClaimPaymentFacts, dates: DateFormat = format_date) -> str:
    """The « Paiement » of a claim row: its latest payment's sentence, or why there is none."""
    if claim.payment_state is None or claim.payment_date is None or claim.payee is None:
        return no_payment_sentence(claim.status)
    return payment_sentence(
        claim.payment_state,
        claim.payee,
        claim.payment_date,
        payee_label=claim.payee_label,
        account_suffix=claim.account_suffix,
        dates=dates,
    )


def no_payment_sentence(status: ClaimStatus) -> str:
    """A claim without a payment, by its status (never « pas encore » for a claim that will not be paid)."""
    if status is ClaimStatus.rejected:
        return "Aucun paiement : ce remboursement est rejeté"
    if status is ClaimStatus.paid:
        return "Aucun paiement : votre mutuelle ne prend rien en charge sur ces soins"
    return "Paiement après traitement de votre demande"


def no_statement_sentence(status: ClaimStatus) -> str:
    """Why there is no relevé of payment to download for this claim."""
    if status in UNDECIDED:
        return "Pas encore de paiement : le relevé sera disponible après le paiement."
    if status is ClaimStatus.rejected:
        return "Ce remboursement est rejeté : aucun paiement, donc pas de relevé de paiement."
    return "Votre mutuelle ne prend rien en charge sur ces soins : aucun paiement, donc pas de relevé de paiement."


# --------------------------------------------------------------------------------------------------
# Démarches and notifications: the title and sentence of a change, derived from the new state.


def request_change_title(reference: str, status: RequestStatus) -> str:
    """« Démarche D2026-000001 : acceptée »."""
    return f"Démarche {reference} : {inline_words(status)}"


def request_change_sentence(title: str, status: RequestStatus, answer: str | None = None) -> str:
    sentence = f"Votre démarche « {title} » est maintenant {inline_words(status)}."
    if answer and status in (RequestStatus.accepted, RequestStatus.refused):
        sentence += f" {answer}"
    return sentence


def claim_change_title(reference: str, label: str, status: ClaimStatus) -> str:
    """The notification's title for a claim that changed: the status word of the claims list, in a sentence."""
    if status is ClaimStatus.paid:
        return f"Nouveau remboursement : {label}"
    return f"Remboursement {reference} : {inline_words(status)}"


def claim_change_sentence(
    label: str,
    status: ClaimStatus,
    *,
    amc_paid: Decimal | None = None,
    payment: str | None = None,
    rejection_reason: str | None = None,
    next_step: str | None = None,
) -> str:
    if status is ClaimStatus.paid:
        share = f"La mutuelle vous rembourse {format_eur(amc_paid or Decimal(0))} pour « {label} »"
        return f"{share} ; {payment[:1].lower()}{payment[1:]}." if payment else f"{share}."
    if status is ClaimStatus.rejected:
        reason = (rejection_reason or "motif non précisé").rstrip(".")
        return f"Votre demande de remboursement « {label} » est rejetée : {reason}." + (
            f" {next_step}" if next_step else ""
        )
    return f"Votre demande de remboursement « {label} » est {inline_words(status)}."


# --------------------------------------------------------------------------------------------------
# A devis's estimate: the member's confirmation and the conseiller's view say the same.


def _unestimated(line: object) -> bool:
    return not getattr(line, "estimated", True) or getattr(line, "amc_paid", None) is None


# The engine's sentences that say why the mutuelle pays less than its line (a ceiling consumed, the renewal
# period of an équipement, a contrat responsable cap): a devis line repeats them beside its figures.
LIMIT_SENTENCES = (
    "Il reste ",
    "Plafond du contrat responsable",
    "Votre mutuelle ne rembourse pas",
    "Prochain équipement",
    "Médecin non adhérent",
    "Hors parcours",
    "Tarif maîtrisé",
    "Acte lourd",
)


def quote_estimate_sentences(estimate: object, *, for_agent: bool = False) -> list[str]:
    """The estimate of a devis in sentences: the totals over the lines the engine could estimate (never
    mixed with the others), then each line with why the mutuelle pays less when it does; a line without
    an estimate is named with why."""
    lines = list(getattr(estimate, "lines", []))
    unestimated = [line for line in lines if _unestimated(line)]
    counted = len(lines) - len(unestimated)
    out: list[str] = []
    if counted:
        scope = f" (sur {counted} ligne{'s' if counted > 1 else ''} estimée{'s' if counted > 1 else ''})"
        who = "il resterait à l'adhérent" if for_agent else "il vous resterait"
        pays = "la mutuelle rembourserait" if for_agent else "la mutuelle vous rembourserait"
        e = estimate
        out.append(
            f"Estimation immédiate{scope if unestimated else ''} : {pays} {format_eur(e.amc_paid)}, "  # type: ignore[attr-defined]
            f"la Sécurité sociale {format_eur(e.amo_paid)} ; {who} {format_eur(e.out_of_pocket)} à payer "  # type: ignore[attr-defined]
            f"sur {format_eur(e.charged)}."  # type: ignore[attr-defined]
        )
    else:
        out.append("Aucune ligne de ce devis n'a pu être estimée automatiquement.")
    if not for_agent:
        out.append("Un conseiller confirmera ou corrigera ce montant.")
    for line in lines:
        head = f"{line.label} : {format_eur(line.charged)}"
        if _unestimated(line):
            reason = getattr(line, "reason", None) or (line.explanation[0] if line.explanation else "")
            out.append(f"{head} ; pas d'estimation : {reason.rstrip('.')}.")
            continue
        why = [s for s in line.explanation if s.startswith(LIMIT_SENTENCES)]
        out.append(
            f"{head} ; mutuelle {format_eur(line.amc_paid)} ; Sécurité sociale {format_eur(line.amo_paid)} ; "
            f"reste à charge {format_eur(line.out_of_pocket)}" + "".join(f" ; {s}" for s in why)
        )
    return out


# --------------------------------------------------------------------------------------------------
# Family access (issue 21): the confidentiality of an adult beneficiary's care, said on both sides.


def care_hidden_from_principal(first_name: str) -> str:
    """What the assuré principal reads where the hidden care would have been."""
    return f"Les soins de {first_name} ne sont plus visibles ici, à sa demande."


def care_hidden_by_me(principal_name: str) -> str:
    """What the beneficiary reads while their care is hidden."""
    return (
        f"Vos soins ne sont plus visibles par {principal_name} (assuré principal), à votre demande. "
        "Vous pouvez revenir sur ce choix dans « Mon accès »."
    )
