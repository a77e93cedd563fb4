"""The verification levels of a call, and what each one allows: the one table every staff route that reads or
acts on a member's dossier goes through (``require``). README « Console conseiller » prints it, and
tests/server/test_access_matrix.py walks every staff route at every level against it.

A level belongs to a call (``AgentCall``): it lasts for the call and ends with it. In order:
*none* (a call is open: only what tells homonyms apart, and the questions), *read_only* (a failed check with a
written reason, flagged to the supervisor: reads, never an action), *identity* (the caller answered the server's
knowledge questions), *strong* (the caller also read back a one-time code sent to a contact on file for long
enough, or posted to the postal address)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from models.domain.vocabulary import LEVEL_HOW_TO, status_words
from models.schemas.common import VerificationLevel
from models.tables import Account, AgentCall, Member
from server.clock import Clock
from server.errors import ApiError

RANK = {
    VerificationLevel.none: 0,
    VerificationLevel.read_only: 1,
    VerificationLevel.identity: 2,
    VerificationLevel.strong: 3,
}


@dataclass(frozen=True)
class Operation:
    level: VerificationLevel
    words: str  # what the conseiller does, in French (messages, the README's table)


OPERATIONS: dict[str, Operation] = {
    "call": Operation(
        VerificationLevel.none, "voir ce qui distingue les homonymes, poser les questions, noter l'appel"
    ),
    "read": Operation(
        VerificationLevel.read_only,
        "lire le dossier : bandeau, contrats, remboursements, messages et pièces jointes, démarches, profil, "
        "connexions, appels",
    ),
    "unlock": Operation(VerificationLevel.identity, "débloquer l'accès"),
    "reset_link": Operation(VerificationLevel.identity, "envoyer un lien de réinitialisation au contact enregistré"),
    "activation": Operation(
        VerificationLevel.identity, "renvoyer l'activation (e-mail enregistré, ou code d'accès par courrier)"
    ),
    "revoke": Operation(VerificationLevel.identity, "déconnecter les appareils de confiance et les sessions"),
    "alert": Operation(VerificationLevel.identity, "enregistrer ou lever une alerte (NPAI, tutelle)"),
    "simulation": Operation(VerificationLevel.identity, "faire une simulation (résumé à l'e-mail enregistré)"),
    "thread": Operation(VerificationLevel.identity, "ouvrir une conversation dans la messagerie de l'adhérent"),
    "contact": Operation(VerificationLevel.strong, "changer l'e-mail ou le mobile"),
    "send_document": Operation(
        VerificationLevel.strong,
        "envoyer la carte de tiers payant ou l'attestation (à un professionnel du réseau ou à l'adhérent)",
    ),
}


def at_least(level: VerificationLevel | str, needed: VerificationLevel) -> bool:
    return RANK[VerificationLevel(level)] >= RANK[needed]


def allowed(level: VerificationLevel | str) -> list[str]:
    """The operations a call at ``level`` may do (the client shows them; the server checks them again)."""
    return [name for name, op in OPERATIONS.items() if at_least(level, op.level)]


def no_call() -> ApiError:
    """A dossier read or an action without an open call for this member: the same 404 as an unknown id."""
    return ApiError(
        404,
        "not_found",
        "Adhérent introuvable, ou pas d'appel en cours pour lui : ouvrez l'appel (« Qui appelle ? »).",
    )


def open_call(session: Session, agent: Account, now: datetime) -> AgentCall | None:
    """This conseiller's call in progress (at most one), if it has not run out."""
    return session.exec(
        select(AgentCall)
        .where(
            AgentCall.agent_account_id == agent.id,
            col(AgentCall.ended_at).is_(None),
            col(AgentCall.expires_at) > now,
        )
        .order_by(col(AgentCall.id).desc())
    ).first()


def require(session: Session, clock: Clock, agent: Account, member_id: int, operation: str) -> tuple[Member, AgentCall]:
    """The member and the call, if this conseiller's call in progress is about this member and has the level
    ``operation`` needs. Reads answer 404 without it (as for an unknown id); actions say the level missing."""
    need = OPERATIONS[operation]
    call = open_call(session, agent, clock.now())
    if call is None or call.member_id != member_id:
        raise no_call()
    if not at_least(call.level, need.level):
        if not at_least(need.level, VerificationLevel.identity):
            raise no_call()
        raise ApiError(
            403,
            "level_required",
            f"{need.words.capitalize()} demande : {status_words(need.level)} (appel en cours : "
            f"{status_words(VerificationLevel(call.level))}). Pour cela, {LEVEL_HOW_TO[need.level.value]}.",
        )
    member = session.get(Member, member_id)
    if member is None:  # pragma: no cover - a call always names an existing member (foreign key)
        raise no_call()
    return member, call


def levels_table() -> list[tuple[str, str]]:
    """(level words, what it allows) in order — the README's table, checked against it by a test."""
    return [
        (status_words(level), " ; ".join(op.words for op in OPERATIONS.values() if op.level == level))
        for level in RANK
        if any(op.level == level for op in OPERATIONS.values())
    ]
