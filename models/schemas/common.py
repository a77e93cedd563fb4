"""Vocabulary shared by the server and the client: the enumerations every schema speaks.

Values are stable English identifiers; the words shown to people come from one module,
``models.domain.vocabulary`` (used by the server and the client alike), never from these values directly.
"""

from enum import StrEnum

# The states of a claim, its payments and a démarche belong to the domain's state machine (one machine for
# the server, the client and the demo world); they are re-exported here with the rest of the vocabulary.
from models.domain.states import (  # noqa: F401  (re-exported)
    ClaimStatus,
    Payee,
    PaymentKind,
    PaymentState,
    RequestStatus,
)

# The login's four names live apart, so that the client's login form does not build every enumeration here.
from models.schemas.login_codes import (  # noqa: F401  (re-exported: part of this vocabulary)
    CHALLENGE_REQUIRED_FIELD,
    PASSWORD_EXPIRED_CODE,
    LoginStatus,
    SecondFactorMethod,
)


class Role(StrEnum):
    member = "member"
    agent = "agent"
    supervisor = "supervisor"


class ContractKind(StrEnum):
    collective = "collective"
    individual = "individual"


class ContractLevel(StrEnum):
    base = "base"
    supplementary = "supplementary"  # surcomplémentaire: pays after the base, within its own lines


class ContractState(StrEnum):
    active = "active"
    suspended = "suspended"  # garanties suspendues (unpaid contributions, L221-7 Code de la mutualité)
    terminated = "terminated"  # résilié
    portability = "portability"  # portabilité des droits after leaving the employer


class ContractServiceKind(StrEnum):
    """What a contract includes beyond reimbursements (issue 21, item 4; MESE's « Services et outils »)."""

    assistance = "assistance"
    teleconsultation = "teleconsultation"
    second_opinion = "second_opinion"  # deuxième avis médical
    prevention = "prevention"


class ThreadStatus(StrEnum):
    sent = "sent"
    in_progress = "in_progress"
    answered = "answered"
    closed = "closed"


class Relationship(StrEnum):
    member = "member"  # assuré principal
    spouse = "spouse"  # conjoint
    child = "child"
    other = "other"


class AccountState(StrEnum):
    never_activated = "never_activated"
    email_unconfirmed = "email_unconfirmed"
    active = "active"
    locked = "locked"
    password_expired = "password_expired"
    disabled = "disabled"


class Sex(StrEnum):
    female = "F"
    male = "M"


class NoemieLinkState(StrEnum):
    active = "active"
    pending = "pending"  # requested, waiting for the AMO
    inactive = "inactive"


class SectorScope(StrEnum):
    """Which doctors a guarantee line applies to (OPTAM / non-OPTAM lines differ in real tables)."""

    any = "any"
    optam = "optam"  # secteur 1, or secteur 2 with OPTAM
    non_optam = "non_optam"


class ClaimSource(StrEnum):
    noemie = "noemie"  # télétransmission from the AMO
    paper = "paper"
    online = "online"  # sent through the portal
    third_party = "third_party"  # tiers payant flow from the professional


# --- issue 7: messagerie, démarches, notifications ---


class ThreadCategory(StrEnum):
    question = "question"  # question sur un remboursement
    explanation = "explanation"  # explication d'un rejet ou d'une prise en charge partielle
    reclamation = "reclamation"  # réclamation (ACPR 2022-R-01 deadlines)
    appointment = "appointment"  # demande de rendez-vous téléphonique (preferred slots)
    other = "other"


class ComplaintOutcome(StrEnum):
    upheld = "upheld"  # réclamation fondée: the member gets what was asked
    partial = "partial"  # partly upheld: a refusal for the rest (the médiateur is named)
    refused = "refused"  # refused (the médiateur is named)


class RequestKind(StrEnum):
    reimbursement = "reimbursement"  # demander un remboursement (facture acquittée, décompte 2e mutuelle)
    document = "document"  # dépôt de documents
    accident = "accident"  # déclarer un accident
    hospital = "hospital"  # prise en charge hospitalière
    quote = "quote"  # devis / demande de prise en charge
    # issue 8, « Mon profil »
    family_add = "family_add"  # ajout d'un ayant droit (conjoint, enfant)
    family_remove = "family_remove"  # retrait d'un ayant droit
    noemie = "noemie"  # activation de la télétransmission NOEMIE
    card_duplicate = "card_duplicate"  # duplicata de la carte de tiers payant
    address_change = "address_change"  # changement d'adresse avec justificatif de domicile
    termination = "termination"  # résiliation en ligne


class ReimbursementBasis(StrEnum):
    paid_invoice = "paid_invoice"  # facture acquittée
    other_insurer_statement = "other_insurer_statement"  # décompte d'une première mutuelle


class DocumentType(StrEnum):
    paid_invoice = "paid_invoice"
    quote = "quote"
    prescription = "prescription"
    amo_rights_certificate = "amo_rights_certificate"
    other_insurer_statement = "other_insurer_statement"
    proof_of_address = "proof_of_address"
    bank_details = "bank_details"  # RIB
    birth_certificate = "birth_certificate"
    school_certificate = "school_certificate"
    union_certificate = "union_certificate"  # issue 8: acte de mariage, PACS ou concubinage (moins de 3 mois)
    accident_report = "accident_report"
    other = "other"


class QuoteDomain(StrEnum):
    dental = "dental"
    optical = "optical"
    hearing = "hearing"


class NotificationKind(StrEnum):
    reimbursement = "reimbursement"  # nouveau remboursement
    rejection = "rejection"  # rejet
    answer = "answer"  # réponse reçue dans la messagerie
    ceiling = "ceiling"  # plafond consommé à 80 %
    request_status = "request_status"  # une démarche a changé de statut


# --- agent (re-exported by models.schemas.agent) ---


class CallerKind(StrEnum):
    member = "member"  # l'adhérent
    beneficiary = "beneficiary"  # un ayant droit
    guardian = "guardian"  # un tuteur / curateur
    professional = "professional"  # un professionnel de santé


class AlertKind(StrEnum):
    complaint_due = "complaint_due"  # réclamation à échéance (ou dépassée)
    rib_rejected = "rib_rejected"  # virement revenu : RIB rejeté
    npai = "npai"  # courrier revenu « n'habite pas à l'adresse indiquée »
    unpaid = "unpaid"  # cotisations impayées
    guardianship = "guardianship"  # tutelle / curatelle


class QueueKind(StrEnum):
    thread = "thread"
    request = "request"


class VerificationLevel(StrEnum):
    """How far a caller has been verified during a call, in order (``server.services.agent.levels``)."""

    none = "none"  # a call is open: only what tells homonyms apart
    read_only = "read_only"  # a failed check with a written reason: reads only, flagged to the supervisor
    identity = "identity"  # the caller answered the server's knowledge questions
    strong = "strong"  # the caller read back a one-time code sent to an old contact (or posted)


class IdentityQuestion(StrEnum):
    birth_date = "birth_date"  # date de naissance
    postal_code = "postal_code"  # code postal
    paid_amount = "paid_amount"  # montant d'un des trois derniers remboursements versés
    rib_last4 = "rib_last4"  # quatre derniers chiffres du RIB de remboursement


class CallCodeChannel(StrEnum):
    email = "email"
    sms = "sms"
    courrier = "courrier"  # a code posted to the postal address (MNPEM's code d'accès)


class ThirdPartyDocument(StrEnum):
    card = "card"  # carte de tiers payant
    certificate = "certificate"  # attestation d'adhésion


class CallOutcome(StrEnum):
    resolved = "resolved"  # résolu pendant l'appel
    follow_up = "follow_up"  # suite à donner
    transferred = "transferred"  # transféré (service, superviseur)
    not_verified = "not_verified"  # identité non vérifiée : rien communiqué


# --- profile (re-exported by models.schemas.profile) ---


class StatementChannel(StrEnum):
    email = "email"  # décomptes par e-mail (relevé dans l'espace, e-mail d'avis)
    post = "post"  # décomptes par courrier


class NotificationChannel(StrEnum):
    portal = "portal"  # dans l'espace (toujours)
    email = "email"
    sms = "sms"


class BankAccountPurpose(StrEnum):
    reimbursement = "reimbursement"  # RIB de remboursement
    direct_debit = "direct_debit"  # RIB de prélèvement (cotisations, contrat individuel) + mandat SEPA


class ContactChannel(StrEnum):
    email = "email"
    mobile = "mobile"


class ContactChangeOrigin(StrEnum):
    """Who made a change of e-mail or mobile: the member in their space, or a conseiller on the phone."""

    member = "member"
    agent = "agent"


class StepUpMethod(StrEnum):
    totp = "totp"
    email = "email"
    sms = "sms"


class UnionKind(StrEnum):
    marriage = "marriage"
    pacs = "pacs"
    cohabitation = "cohabitation"  # concubinage


class ContributionsKind(StrEnum):
    individual = "individual"
    collective = "collective"
    none = "none"


# --- claims (re-exported by models.schemas.claims) ---


class ClaimSortKey(StrEnum):
    care_date = "care_date"
    charged = "charged"
    amc_paid = "amc_paid"  # remboursé par la mutuelle
    amo_paid = "amo_paid"
    out_of_pocket = "out_of_pocket"
    beneficiary = "beneficiary"
    status = "status"


class SortOrder(StrEnum):
    asc = "asc"
    desc = "desc"


# --- dashboard (re-exported by models.schemas.dashboard) ---


class DashboardAlertKind(StrEnum):
    guarantees_suspended = "guarantees_suspended"  # garanties suspendues (L221-7 Code de la mutualité)
    unpaid_instalment = "unpaid_instalment"  # échéance impayée, garanties not (yet) suspended
    contract_terminated = "contract_terminated"  # contrat résilié since a date
    portability_ending = "portability_ending"  # portabilité des droits ending soon
