"""The carte de tiers payant as a PDF, on the shared layout: what a pharmacist keys in (n° AMC, the
operator, the n° adhérent, the validity), then per beneficiary the name, NIR, birth date and domaines. The card
sent to a professional by a conseiller leaves out the NIR and the birth date: the professional reads them from
the patient's carte Vitale (``server.services.agent.actions`` says why)."""

from __future__ import annotations

from datetime import date

from models.domain.dates import format_date
from models.domain.identifiers import spaced_nir
from models.schemas.profile import Card
from models.tables import Member
from server.pdf.layout import Column, Layout, MemberBlock

COLUMNS = (
    Column("Bénéficiaire", 46),
    Column("N° de sécurité sociale", 42),
    Column("Né(e) le", 24),
    Column("Domaines", 74),
)


PROFESSIONAL_COLUMNS = (Column("Bénéficiaire", 80), Column("Domaines", 106))


def card_pdf(member: Member, card: Card, today: date, *, for_professional: bool = False) -> bytes:
    layout = Layout(
        "Carte de tiers payant",
        MemberBlock(f"{member.first_name} {member.last_name}", member.member_number),
        today,
        subtitle=f"Valable du {format_date(card.valid_from)} au {format_date(card.valid_to)}"
        if card.valid_from and card.valid_to
        else "Carte non valable",
    )
    if not card.available:
        layout.paragraph(card.message or "Carte non valable.")
        return layout.output()
    layout.totals(
        [
            ("N° AMC (organisme complémentaire)", card.amc_number),
            ("Opérateur de tiers payant", card.operator),
            ("N° adhérent", card.member_number),
            ("Contrat", card.contract_name or "–"),
        ],
        title="Pour le professionnel de santé",
    )
    if for_professional:
        layout.table(PROFESSIONAL_COLUMNS, [[b.name, " ".join(b.domains)] for b in card.beneficiaries])
    else:
        layout.table(
            COLUMNS,
            [[b.name, spaced_nir(b.nir), format_date(b.birth_date), " ".join(b.domains)] for b in card.beneficiaries],
        )
    layout.paragraph(
        "Domaines : " + " ; ".join(f"{code} {words}" for code, words in card.domains_legend.items()) + ".", size=8
    )
    if for_professional:
        layout.paragraph(
            "Carte transmise par le service adhérent à la demande de l'adhérent. Le n° de sécurité sociale et la date "
            "de naissance se lisent sur la carte Vitale du patient.",
            size=8,
            italic=True,
        )
        return layout.output()
    layout.paragraph(
        "Présentez cette carte avec votre carte Vitale : le professionnel est payé directement, dans la limite de vos "
        "garanties. En cas de perte, demandez un duplicata dans votre Espace Adhérent.",
        size=8,
        italic=True,
    )
    return layout.output()
