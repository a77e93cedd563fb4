"""« Mon profil » without Textual: the sections, each rendered as plain lines (statuses in words), the
carte de tiers payant drawn with box characters, and the RIB change with its step-up. Shared by the
full-screen screen and the linear mode."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from models.domain.contact import ContactError, validate_bic, validate_iban
from models.domain.dates import format_date
from models.domain.money import format_eur
from models.schemas.common import ContractKind, Relationship
from models.schemas.profile import BankAccountOut, Card
from tui.api.profile import ProfileApi
from tui.flows.wording import status_words


@dataclass(frozen=True)
class Section:
    id: str
    title: str


SECTIONS: tuple[Section, ...] = (
    Section("contact", "Coordonnées"),
    Section("preferences", "Préférences"),
    Section("bank", "RIB de remboursement et de prélèvement"),
    Section("family", "Ayants droit et télétransmission"),
    Section("contributions", "Cotisations"),
    Section("card", "Carte de tiers payant"),
    Section("documents", "Attestation et documents contractuels"),
    Section("contract", "Vie du contrat"),
    Section("data", "Mes données"),
    Section("security", "Sécurité"),
)
HEADING = "Mon profil"
LOADING = "Chargement…"
SECURITY_LINES = [
    "Votre mot de passe, votre application d'authentification, vos appareils de confiance et vos sessions :",
    "F7 : changer mon mot de passe",
    "F8 : mes appareils de confiance et mes sessions ouvertes",
    "Ctrl+T : activer une application d'authentification (code à 6 chiffres)",
]
DATA_LINES = [
    "Tout ce que l'espace conserve sur vous (identité, contrats, remboursements, démarches, messages, RIB,",
    "connexions) en un fichier JSON, comme le prévoit le RGPD (droit d'accès et de portabilité).",
]


def _bank_line(row: BankAccountOut) -> str:
    who = row.beneficiary_name or "tout le contrat"
    line = f"{row.iban_masked} – {row.bic} – titulaire {row.holder} – pour {who} – depuis le {format_date(row.since)}"
    if row.mandate_rum:
        signed = format_date(row.mandate_signed_on) if row.mandate_signed_on else "?"
        line += f" – mandat SEPA {row.mandate_rum} signé le {signed}"
    return line


def draw_card(card: Card, width: int = 76) -> list[str]:
    """The card as a box: what the pharmacist keys in, then one line per beneficiary."""
    if not card.available:
        return [card.message or "Carte non valable."]
    inner = width - 4
    valid = (
        f"du {format_date(card.valid_from)} au {format_date(card.valid_to)}"
        if card.valid_from and card.valid_to
        else ""
    )

    def row(text: str) -> str:
        return "\n".join(f"│ {part.ljust(inner)} │" for part in textwrap.wrap(text, inner) or [""])

    lines = [
        "┌" + "─" * (width - 2) + "┐",
        row(f"CARTE DE TIERS PAYANT – valable {valid}"),
        row(f"N° AMC {card.amc_number}   Opérateur {card.operator}   N° adhérent {card.member_number}"),
        "├" + "─" * (width - 2) + "┤",
    ]
    for b in card.beneficiaries:
        nir = b.nir or "–"
        lines.append(row(f"{b.name} – né(e) le {format_date(b.birth_date)} – NIR {nir}"))
        lines.append(row("   " + " ".join(b.domains)))
    lines.append("└" + "─" * (width - 2) + "┘")
    lines.append("Domaines : " + " ; ".join(f"{k} {v}" for k, v in card.domains_legend.items()))
    return lines


async def section_lines(api: ProfileApi, section: str, *, width: int = 76) -> list[str]:
    if section == "contact":
        p = await api.profile()
        lines = [f"{p.first_name} {p.last_name} – n° adhérent {p.member_number} – né(e) le {format_date(p.birth_date)}"]
        if p.address:
            lines.append(
                "Adresse : "
                + ", ".join(
                    x for x in (p.address.line1, p.address.line2, f"{p.address.postal_code} {p.address.city}") if x
                )
            )
        else:
            lines.append("Adresse : aucune adresse enregistrée")
        lines.append(f"E-mail : {p.email or 'aucune adresse'}")
        lines.append(f"Mobile : {p.mobile or 'aucun numéro'}")
        for pending in p.pending:
            lines.append(
                f"En attente de confirmation : {status_words(pending.channel)} {pending.destination} "
                f"(code valable jusqu'au {format_date(pending.expires_at.date())})"
            )
        if p.collective:
            lines.append(f"Contrat collectif ({p.employer or 'votre employeur'}) : prévenez aussi votre employeur.")
        return lines
    if section == "preferences":
        prefs = (await api.profile()).preferences
        return [
            f"Décomptes : {status_words(prefs.statements).lower()}",
            "Notifications : " + ", ".join(status_words(c).lower() for c in prefs.channels),
        ]
    if section == "bank":
        accounts = await api.bank_accounts()
        lines = ["RIB de remboursement :"]
        lines += [f"  {_bank_line(r)}" for r in accounts.reimbursement] or ["  aucun RIB enregistré"]
        lines.append("RIB de prélèvement des cotisations :")
        if accounts.direct_debit:
            lines.append(f"  {_bank_line(accounts.direct_debit)}")
        else:
            lines.append("  " + (accounts.message or "aucun RIB de prélèvement enregistré"))
        lines.append("Changer un RIB demande un code (second facteur) donné dans les 5 dernières minutes.")
        return lines
    if section == "family":
        family = await api.family()
        lines = []
        for m in family.members:
            who = "vous" if m.relationship is Relationship.member else status_words(m.relationship).lower()
            lines.append(f"{m.first_name} {m.last_name} ({who}), né(e) le {format_date(m.birth_date)}")
            lines.append(f"  {status_words(m.noemie)}")
        if family.employer_message:
            lines.append(family.employer_message)
        for r in family.requests:
            lines.append(f"Demande {r.reference} : {r.title} – {r.status}")
        return lines
    if section == "contributions":
        c = await api.contributions()
        lines = [c.message]
        if c.kind.value == "individual":
            lines.append(
                f"{c.year} : dû {format_eur(c.due_this_year)}, payé {format_eur(c.paid)}, impayé {format_eur(c.unpaid)}"
            )
            for i in c.instalments:
                state = "payée" if i.paid else ("impayée" if i.overdue else "à venir")
                lines.append(f"  {format_date(i.due_date)} : {format_eur(i.amount)} – {state}")
        return lines
    if section == "card":
        return draw_card(await api.card(), width)
    if section == "documents":
        docs = await api.documents()
        return [f"{d.title} : {d.description}" for d in docs.items]
    if section == "contract":
        lines = []
        for c in (await api.contract_life()).contracts:
            lines.append(f"{c.name} – {status_words(c.kind)} – {status_words(c.state)}")
            if c.portability_end:
                lines.append(f"  Portabilité des droits jusqu'au {format_date(c.portability_end)}")
            if c.kind is ContractKind.collective and c.retirement:
                lines.append("  Futur(e) retraité(e) :")
                lines += [f"  – {line}" for line in c.retirement]
            lines.append(f"  {c.termination_message}")
        return lines
    if section == "data":
        return DATA_LINES
    return SECURITY_LINES


def check_rib(iban: str, bic: str) -> str | None:
    """The French message of the first problem, or None: the form checks as the member types."""
    try:
        compact = validate_iban(iban)
        validate_bic(bic, compact)
    except ContactError as error:
        return str(error)
    return None
