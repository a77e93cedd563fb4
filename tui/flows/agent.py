"""The console conseiller without Textual: the lines of the search results, the banner, the dossier, the
queue and a thread; the identity checklist and its validation; the console's actions. Both front ends
(the full screen and the linear mode) call these functions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from models.domain.audit_words import QUESTION_WORDS
from models.domain.dates import format_date, format_date_long
from models.domain.money import format_eur
from models.domain.vocabulary import quote_estimate_sentences, share_words
from models.schemas.agent import (
    AuditPage,
    Banner,
    CallerKind,
    CallOutcome,
    Dossier,
    FlaggedCheck,
    IdentityCheckOut,
    MemberHit,
    QueueItem,
    QueueThread,
    StaffOut,
)
from models.schemas.claims import ClaimList
from models.schemas.common import ContractKind, ContractState
from models.schemas.guarantees import MyGuarantees
from models.schemas.messaging import ThreadDetail
from models.schemas.simulation import SimulationResult
from tui.clock import paris
from tui.flows import claims as claims_flow
from tui.flows import contract_services
from tui.flows import dashboard as dashboard_flow
from tui.flows import guarantees as guarantees_flow
from tui.flows import messaging as messaging_flow
from tui.flows import simulator as simulator_flow
from tui.flows.retry import is_unreachable, kept_sentence
from tui.flows.wording import CONSOLE, born_word, claim_status_words, inline_words, size_words, status_words

PARIS_HINT = "JJ/MM/AAAA"
KIND = {kind: inline_words(kind, "console") for kind in ContractKind}  # words: tui.flows.wording
STATE = {state: inline_words(state, "console") for state in ContractState}

# The console's actions (ids, keys, French words) are declared in the single registry,
# ``tui.flows.actions.AGENT_ACTIONS`` (context "agent"): bindings, footer, help, palette and linear menu.

CALLERS: tuple[tuple[CallerKind, str], ...] = tuple((kind, status_words(kind)) for kind in CallerKind)
OUTCOMES: tuple[tuple[str, str], ...] = tuple((outcome.value, status_words(outcome)) for outcome in CallOutcome)
ALERTS: tuple[tuple[str, bool, str], ...] = (
    ("npai", False, "Courrier revenu NPAI (n'habite pas à l'adresse indiquée)"),
    ("guardianship", False, "Sous tutelle ou curatelle (avec la mesure et le tuteur)"),
    ("npai", True, "Lever l'alerte NPAI (adresse corrigée)"),
    ("guardianship", True, "Lever l'alerte tutelle ou curatelle"),
)
MIN_REASON = 3
NOTE_TITLE = "Note interne (hors de la messagerie de l'adhérent)"
NOTE_HINT = "écrite comme s'il la lisait : elle figure dans « Mes données » s'il les demande (RGPD)"
FORM_KEPT = "rien n'est perdu, le formulaire garde ce que vous avez saisi"
FORM_AGAIN = "renvoyez-le (Entrée sur le dernier champ)"


def unsent_sentence(error: Exception) -> str | None:
    """What to say when a send got no answer (the form is shown again, filled in): None for any other
    error. ``tui.api.agent`` sends the same body again with the same Idempotency-Key."""
    return kept_sentence(error, FORM_KEPT, FORM_AGAIN) if is_unreachable(error) else None


def reason_problem(reason: str) -> str | None:
    if len(reason.strip()) < MIN_REASON:
        return "Un motif (3 caractères au moins) est obligatoire."
    return None


def hit_line(hit: MemberHit) -> str:
    contracts = "; ".join(hit.contracts) or "aucun contrat"
    return (
        f"{hit.last_name} {hit.first_name} — né(e) en {hit.birth_year} ({hit.age} ans) — département "
        f"{hit.department} — n° {hit.member_number} — {contracts}"
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
        f"{b.last_name} {b.first_name} — {born_word(b.sex)} le {format_date(b.birth_date)} — n° {b.member_number}",
        f"Contrat : {contract} — Compte : {b.account_words}",
        ("✓ " if b.level in ("identity", "strong") else "⚠ ") + f"Vérification : {b.identity_words}",
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
    local = moment.astimezone(paris()) if moment.tzinfo is not None else moment  # the conseiller reads Paris time
    return f"{format_date(local.date())} {local:%H:%M}"


# --- the dossier's sections: what the member sees, through the member's own flows ----------------

SECTIONS: tuple[tuple[str, str], ...] = (
    ("contracts", "Contrats et garanties"),
    ("claims", "Remboursements"),
    ("threads", "Messages"),
    ("requests", "Démarches"),
    ("profile", "Profil"),
    ("security", "Connexions et appareils"),
    ("calls", "Appels"),
)
SECTION_TITLES = dict(SECTIONS)
NO_THREADS = "Aucune conversation."
NO_REQUESTS = "Aucune démarche."


def _dates(long_dates: bool) -> Callable[[date], str]:
    return format_date_long if long_dates else format_date


def contracts_lines(d: Dossier, guarantees: MyGuarantees | None, *, long_dates: bool = False) -> list[str]:
    """The contracts as on the member's dashboard, then the garanties as on « Mes garanties »: each
    person's ceilings (bar and sentence), the next équipement, each contract's postes."""
    lines: list[str] = []
    for contract in d.contracts:
        view = dashboard_flow.contract_view(contract, long_dates=long_dates, voice=CONSOLE)
        lines += [v for v in (view.warning, f"Contrat : {view.title}", view.sentence, view.people) if v]
        # the services the member may ask about on the phone (assistance, téléconsultation…), how to reach each
        lines.append(f"  {contract_services.HEADING} :" if contract.services else f"  {contract_services.NONE}")
        lines += [f"    {row}" for service in contract.services for row in contract_services.service_lines(service)]
    if not d.contracts:
        lines.append(dashboard_flow.NO_CONTRACT)
    if guarantees is None:
        return lines
    view = guarantees_flow.build_view(guarantees, long_dates=long_dates)
    for person in view.people:
        lines.append(f"Plafonds de {person.name.removesuffix(' (vous)')}")
        lines += [f"  {c.sentence}" if long_dates else f"  {c.bar} {c.sentence}" for c in person.ceilings]
        lines += [f"  {sentence}" for sentence in person.equipment]
    for contract in view.contracts:
        lines.append(f"Garanties : {contract.sentence}")
        for category in contract.categories:
            lines.append(f"  {category.label}")
            lines += [f"    {row}" for line in category.lines for row in line.lines()]
    return lines


def claims_records(result: ClaimList, *, long_dates: bool = False) -> list[str]:
    """One labelled line per reimbursement, as in the member's linear « Mes remboursements »."""
    totals = claims_flow.totals_line(result.totals)
    lines = [totals + (f" ; {claims_flow.page_line(result)}" if result.pages > 1 else "")]
    if not result.items:
        lines.append(claims_flow.NO_CLAIMS)
    first = first_number(result)
    lines += [
        f"{n}. " + claims_flow.list_record(item, _dates(long_dates)) for n, item in enumerate(result.items, start=first)
    ]
    return lines


def first_number(result: ClaimList) -> int:
    """The number of a page's first reimbursement: they are numbered across pages, as in « Mes remboursements »."""
    return (result.page - 1) * result.page_size + 1


def thread_detail_lines(thread: ThreadDetail, *, long_dates: bool = False) -> list[str]:
    """A conversation as the member reads it (head, then each message)."""
    dates = _dates(long_dates)
    lines = messaging_flow.thread_lines(thread, dates)
    for block in messaging_flow.message_lines(thread, dates):
        lines += ["", *block]
    return lines


def profile_lines(d: Dossier, *, long_dates: bool = False) -> list[str]:
    p = d.profile
    lines = [
        f"E-mail : {p.email or 'aucun (l’adhérent ne reçoit pas nos e-mails)'}",
        f"Mobile : {p.mobile or 'aucun'}",
        f"Adresse : {p.address or 'inconnue'}",
    ]
    lines += [
        f"Bénéficiaire {n} : {b.first_name} {b.last_name} ; {status_words(b.relationship)} ; "
        f"né(e) le {_dates(long_dates)(b.birth_date)}"
        for n, b in enumerate(p.beneficiaries, start=1)
    ]
    return lines + household_lines(d)


def household_lines(d: Dossier) -> list[str]:
    """Issue 21: who in the household has their own access to the Espace Adhérent, and its state."""
    if not d.household_accounts:
        return []
    lines = ["Comptes du foyer (accès à l'Espace Adhérent) :"]
    for person in d.household_accounts:
        state = status_words(person.access).lower() if person.access is not None else "pas de compte"
        line = f"  {person.name} ({status_words(person.relationship).lower()}) : {state}"
        if person.care_private:
            line += " ; soins masqués à l'assuré principal, à sa demande"
        lines.append(line)
    return lines


def security_lines(d: Dossier) -> list[str]:
    lines = [f"Compte : {d.banner.account_words}"]
    lines.append("Connexions récentes :" if d.logins else "Connexions récentes : aucune")
    lines += [
        f"  {_at(e.at)} ; {LOGIN_RESULTS.get(e.result or '', e.result or '—')}" + (f" ; IP {e.ip}" if e.ip else "")
        for e in d.logins
    ]
    lines.append("Blocages :" if d.lockouts else "Blocages : aucun")
    lines += [f"  {_at(e.at)}" + (f" ; IP {e.ip}" if e.ip else "") for e in d.lockouts]
    lines.append("Appareils de confiance :" if d.trusted_devices else "Appareils de confiance : aucun")
    lines += [
        f"  {t.name} ; ajouté le {_at(t.created_at)} ; expire le {_at(t.expires_at)}"
        + (f" ; utilisé le {_at(t.last_used_at)}" if t.last_used_at else "")
        for t in d.trusted_devices
    ]
    lines.append("Sessions ouvertes :" if d.sessions else "Sessions ouvertes : aucune")
    lines += [
        f"  depuis le {_at(x.created_at)} ; vue le {_at(x.last_seen_at)}"
        + (f" ; {x.user_agent}" if x.user_agent else "")
        + (f" ; IP {x.ip}" if x.ip else "")
        for x in d.sessions
    ]
    return lines


LOGIN_RESULTS = {  # the server's reasons (server.services.auth.login), in words
    "ok": "mot de passe accepté",
    "wrong_password": "mot de passe erroné",
    "locked": "refusée : compte verrouillé",
    "address_limit": "refusée : trop d'essais depuis cette adresse",
    "challenge": "refusée : vérification anti-robot manquée",
    "state": "refusée : compte pas encore activé ou désactivé",
}


def calls_lines(d: Dossier) -> list[str]:
    if not d.calls:
        return ["Aucun appel noté."]
    return [
        f"Le : {_at(c.at)} ; Conseiller : {c.agent_name} ; Appelant : {status_words(c.caller_kind)} ; "
        f"Motif : {c.motif} ; Issue : {status_words(c.outcome)}"
        + (f" ; Note : {c.note}" if c.note else "")
        + (f" ; Ticket : {c.ticket}" if c.ticket else "")
        for c in d.calls
    ]


def estimate_lines(request: object) -> list[str]:
    """A devis in the queue: the estimate the member was given, in the vocabulary's words."""
    estimate = getattr(request, "estimate", None)
    return quote_estimate_sentences(estimate, for_agent=True) if estimate is not None else []


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
        # the member's own view names the member « Vous »: to the conseiller, it is the member
        author = t.item.member_name if m.get("from_member") else m.get("author_name", "")
        lines.append(f"{author} : {m.get('body', '')}")
        lines += [f"Pièce jointe : {a['filename']} ({size_words(a['size'])})" for a in m.get("attachments") or []]
    if t.notes:
        lines.append("")
        lines.append("Notes internes (hors de sa messagerie ; communiquées s'il demande ses données) :")
        lines += [f"  {n.agent_name} : {n.body}" for n in t.notes]
    return lines


# --- the identity check's answer ------------------------------------------------------------------------------


def check_lines(result: IdentityCheckOut) -> list[str]:
    """One line per question asked, « concordant » or not (never the answer), then the server's sentence."""
    return [
        f"[{'x' if ok else ' '}] {QUESTION_WORDS.get(k, k).capitalize()} : {'concordant' if ok else 'NON concordant'}"
        for k, ok in result.checks.items()
    ] + [result.message]


# --- labelled lines (the linear mode; one record per line) ---------------------------------------


def hit_record(number: int, hit: MemberHit) -> str:
    contracts = ", ".join(hit.contracts) or "aucun contrat"
    return (
        f"{number}. Nom : {hit.last_name} {hit.first_name} ; Né(e) en : {hit.birth_year} ({hit.age} ans) ; "
        f"Département : {hit.department} ; N° adhérent : {hit.member_number} ; Contrats : {contracts}"
    )


def banner_records(b: Banner) -> list[str]:
    contract = (
        f"{b.contract_name} ({KIND[b.contract_kind]}, {STATE[b.contract_state]})"
        if b.contract_kind is not None and b.contract_state is not None
        else "aucun contrat"
    )
    lines = [
        f"Nom : {b.last_name} {b.first_name}",
        f"{born_word(b.sex).capitalize()} le : {format_date_long(b.birth_date)}",
        f"N° adhérent : {b.member_number}",
        f"Contrat : {contract}",
        f"Compte : {b.account_words}",
        f"Vérification : {b.identity_words}",
        "Alertes : " + (" ; ".join(a.text for a in b.alerts) if b.alerts else "aucune"),
        f"Dernier contact : {b.last_contact or 'aucun'}",
    ]
    if not b.last_reimbursements:
        lines.append("Derniers remboursements : aucun")
    for r in b.last_reimbursements:
        lines.append(
            f"Remboursement : Date : {format_date_long(r.care_date)} ; Acte : {r.label} ; "
            f"Remboursé : {share_words(r.status, r.amc_paid)} ; "
            f"Statut : {claim_status_words(r.status, r.payment_state)}"
        )
    return lines


def queue_record(number: int, item: QueueItem) -> str:
    what = (
        status_words(item.category)
        if item.category is not None
        else status_words(item.request_kind)
        if item.request_kind
        else ""
    )
    parts = [
        f"{number}. Type : {what}",
        f"Adhérent : {item.member_name} (n° {item.member_number})",
        f"Objet : {item.title}",
        f"Reçu le : {format_date_long(item.received_at.date())}",
    ]
    if item.due_at:
        parts.append(f"Échéance : {format_date_long(item.due_at.date())}" + (" (en retard)" if item.overdue else ""))
    if item.preferred_slots:
        parts.append(f"Créneaux : {item.preferred_slots}")
    parts.append(f"Pris par : {item.assigned_to or 'personne'}")
    return " ; ".join(parts)


AGENT_REST = "Reste à charge de l'adhérent"


def simulation_lines(result: object, labels: list[str] | None = None) -> list[str]:
    """The engine's answer as the member's simulator shows it (Sécurité sociale, each contract, what the
    member pays, the explanation); several lines of one care each get a heading (the act's label when
    ``labels`` gives it), then the totals."""
    rows = [SimulationResult.model_validate(r) for r in (result if isinstance(result, list) else [result])]
    if len(rows) == 1:
        return simulator_flow.result_lines(simulator_flow.result_view([{}], rows, rest=AGENT_REST))
    named = labels if labels and len(labels) == len(rows) else [""] * len(rows)
    headings = [f"Acte {n} : {label}" if label else f"Ligne {n}" for n, label in enumerate(named, start=1)]
    return simulator_flow.care_lines(simulator_flow.care_view(headings, rows, rest=AGENT_REST))


# --- supervision ---------------------------------------------------------------------------------


def audit_lines(page: AuditPage) -> list[str]:
    if not page.items:
        return ["Aucune ligne pour ces filtres."]
    lines = [
        f"Le : {_at(row.at)} ; Conseiller : {row.actor_name or '—'} ; Action : {row.action_words} ; "
        f"Adhérent : {row.member_number or '—'}" + (f" ; {row.detail_words}" if row.detail_words else "")
        for row in page.items
    ]
    if page.truncated:
        lines.append("(liste tronquée : affinez les filtres)")
    return lines


def flagged_lines(checks: list[FlaggedCheck]) -> list[str]:
    if not checks:
        return ["Aucun dossier ouvert sur motif, aucun canal fermé."]
    return [
        f"Le : {_at(c.at)} ; Conseiller : {c.agent_name} ; Adhérent : {c.member_name} (n° {c.member_number}) ; "
        f"{c.words}" + (f" ; Motif : {c.reason}" if c.reason else "")
        for c in checks
    ]


def staff_lines(staff: list[StaffOut]) -> list[str]:
    return [
        f"Nom : {s.display_name} ; E-mail : {s.email or '—'} ; Rôle : {ROLE_WORDS.get(s.role, s.role)} ; "
        f"État : {'désactivé' if s.state == 'disabled' else 'actif'} ; "
        f"Application d'authentification : {'oui' if s.totp_enrolled else 'non'}"
        for s in staff
    ]


ROLE_WORDS = {"agent": "conseiller", "supervisor": "superviseur", "member": "adhérent"}
