"""The console conseiller without Textual: the lines of the search results, the banner, the dossier, the
queue and a thread; the identity checklist and its validation; the console's actions. Both front ends
(the full screen and the linear mode) call these functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from models.domain.dates import format_date
from models.domain.money import format_eur
from models.schemas.agent import (
    Banner,
    CallerKind,
    Dossier,
    IdentityCheckCreate,
    IdentityCheckOut,
    MemberHit,
    QueueItem,
    QueueThread,
)
from models.schemas.common import ContractKind, ContractState
from tui.flows.wording import status_words

PARIS_HINT = "JJ/MM/AAAA"
KIND = {ContractKind.collective: "collectif", ContractKind.individual: "individuel"}
STATE = {
    ContractState.active: "actif",
    ContractState.suspended: "garanties suspendues",
    ContractState.terminated: "résilié",
    ContractState.portability: "portabilité",
}

# The console's single keys, by action id (the registry in ``tui.flows.actions`` carries the same ids).
CONSOLE_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("agent_search", "ctrl+f", "Nouvel appel : qui appelle ?"),
    ("agent_unlock", "u", "Débloquer l'accès de l'adhérent"),
    ("agent_reset_link", "l", "Envoyer un lien de réinitialisation"),
    ("agent_activation", "a", "Renvoyer l'activation (e-mail ou code par courrier)"),
    ("agent_revoke", "x", "Déconnecter appareils de confiance et sessions"),
    ("agent_contact", "c", "Changer l'e-mail ou le mobile"),
    ("agent_call_log", "j", "Noter l'appel (journal)"),
    ("agent_queue", "f", "File : messages, réclamations, démarches"),
)

SHORT = {
    "agent_search": "Nouvel appel",
    "agent_unlock": "Débloquer",
    "agent_reset_link": "Lien mdp",
    "agent_activation": "Activation",
    "agent_revoke": "Déconnecter",
    "agent_contact": "Coordonnées",
    "agent_call_log": "Journal",
    "agent_queue": "File",
}


def hit_line(hit: MemberHit) -> str:
    contracts = "; ".join(hit.contracts) or "aucun contrat"
    return (
        f"{hit.last_name} {hit.first_name} — né(e) en {hit.birth_year} ({hit.age} ans) — {hit.city or '?'} "
        f"— n° {hit.member_number} — {contracts}"
    )


def caller_words(kind: CallerKind) -> str:
    return status_words(kind)


def banner_lines(b: Banner) -> list[str]:
    contract = (
        f"{b.contract_name} ({KIND[b.contract_kind]}, {STATE[b.contract_state]})"
        if b.contract_kind is not None and b.contract_state is not None
        else "aucun contrat"
    )
    lines = [
        f"{b.last_name} {b.first_name} — né(e) le {format_date(b.birth_date)} — n° {b.member_number}",
        f"Contrat : {contract} — Compte : {b.account_words}",
        ("✓ " if b.identity_checked else "⚠ ") + b.identity_words,
    ]
    if b.alerts:
        lines.append("Alertes : " + " ; ".join(a.text for a in b.alerts))
    lines.append(f"Dernier contact : {b.last_contact or 'aucun'}")
    if b.last_reimbursements:
        lines.append(
            "Derniers remboursements : "
            + " ; ".join(
                f"{format_date(r.care_date)} {r.label} {format_eur(r.amc_paid)}" for r in b.last_reimbursements
            )
        )
    return lines


def _at(moment: datetime) -> str:
    return f"{format_date(moment.date())} {moment:%H:%M}"


def dossier_lines(d: Dossier) -> list[str]:
    lines = [
        f"Profil : {d.profile.email or 'pas d’e-mail'} — {d.profile.mobile or 'pas de mobile'} — {d.profile.address}"
    ]
    for c in d.contracts:
        lines.append(f"Contrat {c.name} ({KIND[c.kind]}, {STATE[c.state]}), depuis le {format_date(c.start_date)}")
    if d.profile.beneficiaries:
        lines.append(
            "Bénéficiaires : "
            + ", ".join(f"{b.first_name} ({status_words(b.relationship)})" for b in d.profile.beneficiaries)
        )
    lines.append(f"Appareils de confiance : {len(d.trusted_devices)} — sessions ouvertes : {len(d.sessions)}")
    if d.lockouts:
        lines.append("Blocages : " + ", ".join(_at(e.at) for e in d.lockouts))
    if d.logins:
        lines.append("Connexions : " + ", ".join(f"{_at(e.at)} ({e.result})" for e in d.logins[:5]))
    lines.append("Appels :" if d.calls else "Appels : aucun")
    for call in d.calls[:5]:
        lines.append(
            f"  {_at(call.at)} {call.agent_name} — {call.motif} — {status_words(call.outcome)}"
            + (f" — {call.note}" if call.note else "")
        )
    return lines


def queue_line(item: QueueItem) -> str:
    what = (
        status_words(item.category)
        if item.category is not None
        else status_words(item.request_kind)
        if item.request_kind
        else ""
    )
    due = (
        f"échéance {format_date(item.due_at.date())}"
        if item.due_at
        else f"reçu le {format_date(item.received_at.date())}"
    )
    flags = " EN RETARD" if item.overdue else ""
    who = f" — pris par {item.assigned_to}" if item.assigned_to else ""
    slots = f" — créneaux : {item.preferred_slots}" if item.preferred_slots else ""
    return f"{due}{flags} — {what} — {item.member_name} — {item.title}{slots}{who}"


def thread_lines(t: QueueThread) -> list[str]:
    lines = [queue_line(t.item), ""]
    for m in t.messages:
        author = m.get("author_name", "")
        lines.append(f"{author} : {m.get('body', '')}")
    if t.notes:
        lines.append("")
        lines.append("Notes internes (jamais montrées à l'adhérent) :")
        lines += [f"  {n.agent_name} : {n.body}" for n in t.notes]
    return lines


# --- the identity checklist ----------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    found = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", text)
    if not found:
        return None
    day, month, year = (int(x) for x in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_amount(text: str) -> Decimal | None:
    cleaned = text.replace("€", "").replace(" ", "").replace("\u202f", "").replace(",", ".").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value >= 0 else None


@dataclass
class Checklist:
    """What the caller confirmed, as typed; ``build`` gives the request or the French errors."""

    caller_kind: CallerKind = CallerKind.member
    last_name: str = ""
    first_name: str = ""
    birth_date: str = ""
    last_reimbursement: str = ""  # a date (JJ/MM/AAAA) or an amount (6,94)
    nir: str = ""
    reason: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def build(self) -> IdentityCheckCreate | None:
        self.errors = {}
        birth = parse_date(self.birth_date) if self.birth_date.strip() else None
        if self.birth_date.strip() and birth is None:
            self.errors["birth_date"] = f"Date de naissance : {PARIS_HINT}"
        last_date = last_amount = None
        text = self.last_reimbursement.strip()
        if text:
            last_date = parse_date(text) if "/" in text else None
            last_amount = None if "/" in text else parse_amount(text)
            if last_date is None and last_amount is None:
                self.errors["last_reimbursement"] = "Dernier remboursement : une date (JJ/MM/AAAA) ou un montant (6,94)"
        if not self.nir.strip() and not (self.last_name.strip() and self.first_name.strip() and birth):
            self.errors.setdefault("last_name", "Nom, prénom et date de naissance (ou le NIR avec le nom)")
        if self.errors:
            return None
        return IdentityCheckCreate(
            caller_kind=self.caller_kind,
            last_name=self.last_name.strip() or None,
            first_name=self.first_name.strip() or None,
            birth_date=birth,
            last_reimbursement_date=last_date,
            last_reimbursement_amount=last_amount,
            nir=self.nir.replace(" ", "") or None,
            reason=self.reason.strip() or None,
        )


def check_lines(result: IdentityCheckOut) -> list[str]:
    labels = {
        "nom": "Nom",
        "prenom": "Prénom",
        "date_naissance": "Date de naissance",
        "dernier_remboursement_date": "Date du dernier remboursement",
        "dernier_remboursement_montant": "Montant du dernier remboursement",
        "dernier_remboursement": "Dernier remboursement (non demandé)",
        "nir": "NIR",
    }
    return [
        f"[{'x' if ok else ' '}] {labels.get(k, k)} : {'concordant' if ok else 'NON concordant'}"
        for k, ok in result.checks.items()
    ] + [result.message]
