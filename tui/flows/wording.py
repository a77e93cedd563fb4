"""The client's door to THE vocabulary (``models.domain.vocabulary``, shared with the server): every
enumeration value the API speaks becomes plain French there, and only there. Both front ends call these
functions; the few here only take the client's view-models (a claim summary, a contract) and hand their
fields to the vocabulary, so the screen, the linear mode, the PDF, the CSV and the e-mails say the same.

A status says who got the money; a rejection says why and what to do next.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from models.domain import vocabulary
from models.domain.dates import format_date
from models.domain.vocabulary import (  # noqa: F401  (re-exported: the client's callers import them from here)
    INLINE_WORDS,
    PAYEE_TOTALS,
    RETURNED_TRANSFER,
    WORDS,
    amount,
    claim_status_words,
    inline_words,
    no_statement_sentence,
    payee_totals_words,
    share_words,
    status_words,
)
from models.schemas.common import ContractKind, ContractLevel, ContractState, Relationship, Sex

if TYPE_CHECKING:  # Pydantic is not loaded at start-up (issue 11)
    from models.schemas.dashboard import BeneficiarySummary, ClaimSummary, ContractSummary

DateFormat = Callable[[date], str]


def size_words(size: int) -> str:
    """A file's size as people read it (issue 19): « moins de 1 Ko », « 12 Ko », « 1,5 Mo » — never « 0 Ko »."""
    if size < 1024:
        return "moins de 1 Ko"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} Ko"
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def born_word(sex: Sex | None) -> str:
    """« né » or « née » when the sex is known; « né(e) » only when it is not."""
    if sex is None:
        return "né(e)"
    return "née" if sex is Sex.female else "né"


def instalment_words(paid: bool, overdue: bool) -> str:
    """An échéance de cotisation: the API gives two facts, the member reads one word."""
    return "payée" if paid else ("impayée" if overdue else "à venir")


def claim_status_sentence(claim: ClaimSummary) -> str:
    """The status, with the reason and the next step for a rejection."""
    return vocabulary.claim_status_sentence(claim.status, claim.payment_state, claim.rejection_reason)


def payment_sentence(claim: ClaimSummary, dates: DateFormat = format_date) -> str:
    """Who got the money, and when: "Versé sur votre compte …1234 le 15/07/2025" (the relevé's words)."""
    return vocabulary.claim_payment_sentence(claim, dates)


def reimbursed_words(claim: ClaimSummary) -> str:
    """The mutuelle's share as the member reads it: « après traitement » until the claim is decided."""
    return share_words(claim.status, claim.amc_paid)


def person_name(beneficiary: BeneficiarySummary) -> str:
    return f"{beneficiary.first_name} {beneficiary.last_name}"


@dataclass(frozen=True)
class Voice:
    """Who the contract sentences speak to: the member (« vos soins ») or, in the console, of the member
    (« ses soins »): a conseiller reads them about someone else (issue 19)."""

    your: str
    your_plural: str
    principal: str


MEMBER = Voice("votre", "vos", "vous")
CONSOLE = Voice("son", "ses", "assuré principal")


def contract_state_sentence(contract: ContractSummary, dates: DateFormat = format_date, voice: Voice = MEMBER) -> str:
    state = contract.state
    if state is ContractState.active:
        return f"Actif depuis le {dates(contract.start_date)}"
    if state is ContractState.suspended:
        return (
            f"Garanties suspendues : des cotisations sont impayées et {voice.your_plural} soins ne sont plus "
            "remboursés jusqu'au paiement ; contactez le service adhérent pour régulariser"
        )
    if state is ContractState.terminated:
        end = f" le {dates(contract.end_date)}" if contract.end_date else ""
        return f"Résilié{end} : {voice.your_plural} soins postérieurs ne sont plus remboursés"
    end = f" jusqu'au {dates(contract.end_date)}" if contract.end_date else ""
    return f"Portabilité : {voice.your_plural} garanties sont maintenues après {voice.your} départ de l'employeur{end}"


def contract_kind_sentence(contract: ContractSummary, voice: Voice = MEMBER) -> str:
    if contract.kind is ContractKind.collective and contract.employer:
        return f"Contrat collectif (par {voice.your} employeur, {contract.employer})"
    return status_words(contract.kind)


def contract_sentence(contract: ContractSummary, dates: DateFormat = format_date, voice: Voice = MEMBER) -> str:
    """One sentence: "Santé Socle : Contrat collectif (par votre employeur, Michelin) ; Actif depuis le …"."""
    parts = [contract_kind_sentence(contract, voice)]
    if contract.level is ContractLevel.supplementary:
        parts.append(status_words(contract.level))
    parts.append(contract_state_sentence(contract, dates, voice))
    return f"{contract.name} : " + " ; ".join(parts)


def beneficiaries_sentence(contract: ContractSummary, voice: Voice = MEMBER) -> str:
    if not contract.beneficiaries:
        return "Personnes couvertes : aucune"
    people = [
        f"{person_name(b)} ("
        + (voice.principal if b.relationship is Relationship.member else status_words(b.relationship).lower())
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
