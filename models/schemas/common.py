"""Vocabulary shared by the server and the client: the enumerations every schema speaks.

Values are stable English identifiers; the words shown to people come from one function in
``tui.flows.wording`` (and the server's own French messages), never from these values directly.
"""

from enum import StrEnum


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


class ClaimStatus(StrEnum):
    received = "received"  # reçu
    awaiting_document = "awaiting_document"  # en attente de justificatif
    processing = "processing"  # en traitement
    paid = "paid"  # remboursé
    rejected = "rejected"  # rejeté (with a reason)


class Payee(StrEnum):
    member = "member"  # versé à l'adhérent
    provider = "provider"  # réglé au professionnel de santé (tiers payant)


class PaymentState(StrEnum):
    planned = "planned"
    done = "done"
    returned = "returned"  # transfer returned by the bank (bad RIB)


class PaymentKind(StrEnum):
    payment = "payment"
    overpayment_recovery = "overpayment_recovery"  # trop-perçu: a negative payment attached to a claim


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
