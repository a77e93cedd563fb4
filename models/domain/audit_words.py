"""The audit trail in words: what a supervisor reads in the journal, and what a member reads in « Qui a consulté
mon dossier ». One table for the server (which answers with the words) and both front ends (whose filter lists
the actions by these words): a raw code such as ``thread_opened`` or ``date_naissance`` never reaches a person.
The words of the values inside a row (a question, a channel, a caller) are the vocabulary's."""

from __future__ import annotations

from collections.abc import Mapping

from models.domain.vocabulary import WORDS

# The supervisor's words, for every action the journal holds about staff work and account security.
ACTION_WORDS: dict[str, str] = {
    "call_started": "appel ouvert",
    "call_ended": "appel terminé",
    "call_logged": "appel noté",
    "identity_check": "vérification d'identité",
    "call_code_sent": "code de vérification forte envoyé",
    "call_code_refused": "code de vérification forte refusé",
    "strong_verified": "vérification forte réussie",
    "phone_channel_reopened": "canal téléphonique rouvert",
    "dossier_opened": "ouverture du dossier",
    "dossier_read": "lecture du dossier",
    "document_opened": "pièce ouverte",
    "thread_opened": "lecture d'un message",
    "thread_answered": "réponse à un message",
    "request_opened": "lecture d'une démarche",
    "request_decided": "démarche traitée",
    "internal_note": "note interne",
    "queue_assigned": "prise dans la file",
    "staff_created": "conseiller créé",
    "staff_disabled": "conseiller désactivé",
    "agent_unlock": "déblocage",
    "agent_reset_link": "lien de réinitialisation",
    "agent_activation_resent": "activation renvoyée",
    "agent_access_code_posted": "code d'accès par courrier",
    "agent_contact_started": "changement de coordonnées demandé",
    "agent_contact_changed": "coordonnées changées",
    "agent_sessions_revoked": "appareils et sessions déconnectés",
    "agent_document_sent": "document envoyé",
    "agent_alert_recorded": "alerte enregistrée",
    "agent_alert_cleared": "alerte levée",
    "agent_simulation": "simulation",
    "agent_thread_opened": "conversation ouverte",
}

# The member's words: staff reads and actions on their dossier (« Julien ROCHE a consulté votre dossier »).
MEMBER_WORDS: dict[str, str] = {
    "call_started": "a ouvert un appel à votre nom",
    "identity_check": "a vérifié votre identité au téléphone",
    "call_code_sent": "vous a envoyé un code de vérification",
    "strong_verified": "a vérifié le code que vous avez lu",
    "dossier_opened": "a ouvert votre dossier",
    "dossier_read": "a consulté votre dossier",
    "document_opened": "a ouvert une de vos pièces",
    "agent_unlock": "a débloqué votre accès",
    "agent_reset_link": "vous a envoyé un lien de réinitialisation",
    "agent_activation_resent": "vous a renvoyé l'e-mail de confirmation",
    "agent_access_code_posted": "vous a envoyé un code d'accès par courrier",
    "agent_contact_started": "a demandé le changement de vos coordonnées",
    "agent_contact_changed": "a changé vos coordonnées",
    "agent_sessions_revoked": "a déconnecté vos appareils et sessions",
    "agent_simulation": "a fait une simulation sur votre contrat",
    "agent_thread_opened": "a ouvert une conversation pour vous",
    "agent_document_sent": "a envoyé un de vos documents",
    "agent_alert_recorded": "a enregistré une alerte sur votre dossier",
    "agent_alert_cleared": "a levé une alerte de votre dossier",
    "thread_opened": "a lu votre message",
    "thread_answered": "a répondu à votre message",
    "request_opened": "a consulté votre démarche",
    "request_decided": "a traité votre démarche",
}

SECTION_WORDS = {
    "claims": "remboursements",
    "claim": "détail d'un remboursement",
    "guarantees": "garanties",
    "threads": "messages",
    "thread": "une conversation",
    "requests": "démarches",
    "request": "une démarche",
}
# The questions of the console's first version, still in older journal rows; today's come from the vocabulary.
OLD_QUESTION_WORDS = {
    "nom": "nom",
    "prenom": "prénom",
    "date_naissance": "date de naissance",
    "dernier_remboursement_date": "date du dernier remboursement",
    "dernier_remboursement_montant": "montant du dernier remboursement",
    "dernier_remboursement": "dernier remboursement",
    "nir": "NIR",
}
QUESTION_WORDS = {**WORDS["IdentityQuestion"], **OLD_QUESTION_WORDS}
CHANNEL_WORDS = WORDS["CallCodeChannel"]
CALLER_WORDS = WORDS["CallerKind"]
DOCUMENT_WORDS = WORDS["ThirdPartyDocument"]
ALERT_WORDS = {kind: WORDS["AlertKind"][kind] for kind in ("npai", "guardianship")}
OUTCOME_WORDS = WORDS["CallOutcome"]
VIA_WORDS = {"queue": "depuis la file", "call": "pendant un appel"}
CALL_END_WORDS = {"next_call": "appel suivant ouvert", "logged": "avec sa note", "ended": "sans note"}


def action_words(action: str) -> str:
    """The supervisor's word for an action; an unknown one is said as « autre action » rather than its code."""
    return ACTION_WORDS.get(action, "autre action")


def sent_to(detail: Mapping[str, object]) -> str | None:
    """The exact address something was sent to, if the action sent anything."""
    to = detail.get("to")
    return str(to) if to else None


def detail_words(detail: Mapping[str, object]) -> str:
    """The journal row's detail in words: the reason, the ticket, the address used, what was read or checked."""
    parts: list[str] = []
    if detail.get("caller_kind"):
        who = CALLER_WORDS.get(str(detail["caller_kind"]), "un appelant")
        parts.append(f"appelant : {who}" + (f" ({detail['caller_name']})" if detail.get("caller_name") else ""))
    checks = detail.get("checks")
    if isinstance(checks, Mapping) and checks:
        parts.append(
            ", ".join(
                f"{QUESTION_WORDS.get(str(k), 'autre question')} {'concordant' if ok else 'NON concordant'}"
                for k, ok in checks.items()
            )
        )
    if "passed" in detail:
        parts.append("réussie" if detail["passed"] else "manquée")
    if detail.get("flagged"):
        parts.append("lecture seule sur motif, signalée")
    if detail.get("section"):
        parts.append(f"section : {SECTION_WORDS.get(str(detail['section']), 'autre')}")
    if detail.get("via"):
        parts.append(VIA_WORDS.get(str(detail["via"]), ""))
    if detail.get("document"):
        parts.append(DOCUMENT_WORDS.get(str(detail["document"]), "document"))
    if detail.get("kind") in ALERT_WORDS:
        parts.append(ALERT_WORDS[str(detail["kind"])])
    if detail.get("channel"):
        parts.append(CHANNEL_WORDS.get(str(detail["channel"]), ""))
    if detail.get("to"):
        parts.append(f"envoyé à : {detail['to']}")
    if detail.get("finess"):
        parts.append(f"FINESS {detail['finess']}")
    if detail.get("motif"):
        parts.append(f"motif de l'appel : {detail['motif']}")
    if detail.get("outcome") in OUTCOME_WORDS:
        parts.append(f"issue : {OUTCOME_WORDS[str(detail['outcome'])]}")
    if detail.get("why") in CALL_END_WORDS:
        parts.append(CALL_END_WORDS[str(detail["why"])])
    if detail.get("reason"):
        parts.append(f"motif : {detail['reason']}")
    if detail.get("ticket"):
        parts.append(f"ticket : {detail['ticket']}")
    return " ; ".join(p for p in parts if p)
