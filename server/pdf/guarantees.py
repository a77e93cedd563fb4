"""The tableau de garanties as a PDF: for each contract, each poste with its lines (notation, plain
French, example in euros), then what each beneficiary has used of the plafonds, and the dates of the
next optical or hearing équipement. On the shared layout of `server.pdf.layout`."""

from __future__ import annotations

from datetime import date

from models.domain.dates import format_date
from models.domain.money import format_eur
from models.domain.notation import table_words
from models.domain.vocabulary import contract_service_reach, contract_service_title, inline_words
from models.schemas.common import ContractLevel, Relationship
from models.schemas.guarantees import CeilingUse, EquipmentRenewal, MyGuarantees
from models.tables import Member
from server.pdf.layout import Column, Layout, MemberBlock

LINE_COLUMNS = (
    Column("Garantie", 40),
    Column("Au tableau", 27),
    Column("Ce que cela veut dire", 50),
    Column("Exemple en euros", 69),
)
SERVICE_COLUMNS = (
    Column("Service", 50),
    Column("Comment le joindre", 70),
    Column("Conditions", 66),
)
CEILING_COLUMNS = (
    Column("Plafond", 70),
    Column("Utilisé", 30, "RIGHT"),
    Column("Reste", 30, "RIGHT"),
    Column("Période", 56),
)


def ceiling_period_words(ceiling: CeilingUse) -> str:
    if ceiling.period == "year":
        return f"année {ceiling.period_start.year}" if ceiling.period_start else "cette année"
    if ceiling.period_start is None:
        return "aucun équipement en cours"
    return f"équipement du {format_date(ceiling.period_start)}"


def equipment_sentence(first_name: str, item: EquipmentRenewal, today: date) -> str:
    what = "équipement optique" if item.kind == "optics" else "aide auditive"
    if item.next_date > today:
        return (
            f"{first_name} : prochain équipement remboursable à partir du {format_date(item.next_date)} "
            f"({what} du {format_date(item.last_date)}, "
            + ("un par an)" if item.renewal_years == 1 else f"un tous les {item.renewal_years} ans)")
        )
    return f"{first_name} : nouvel équipement remboursable dès maintenant ({what} du {format_date(item.last_date)})"


def guarantees_pdf(member: Member, guarantees: MyGuarantees, holder: MemberBlock | None = None) -> bytes:
    """``holder``: whom the table is printed for when it is not the adhérent (an ayant droit's own access,
    issue 21: their name, never the adhérent's address)."""
    today = guarantees.as_of
    address = tuple(
        line
        for line in (member.address_line1, member.address_line2, f"{member.postal_code} {member.city}".strip())
        if line
    )
    layout = Layout(
        "Tableau de garanties",
        holder or MemberBlock(f"{member.first_name} {member.last_name}", member.member_number, address),
        today,
        subtitle=f"Vos garanties au {format_date(today)}",
    )
    if not guarantees.contracts:
        layout.paragraph("Aucun contrat.")
    for contract in guarantees.contracts:
        level = "surcomplémentaire" if contract.level is ContractLevel.supplementary else "contrat de base"
        layout.heading(f"{contract.name} ({contract.code}) – {level}, {inline_words(contract.state, 'guarantees')}")
        layout.paragraph(
            f"{contract.table_name}. Depuis le {format_date(contract.start_date)}"
            + (f", jusqu'au {format_date(contract.end_date)}" if contract.end_date else "")
            + ". Les montants comprennent le remboursement de la Sécurité sociale quand la garantie le dit "
            "(« Sécurité sociale incluse »).",
            size=9,
        )
        for category in contract.categories:
            layout.heading(category.label, level=2)
            layout.table(
                LINE_COLUMNS,
                [
                    [
                        line.label,
                        table_words(line.notation),
                        line.description,
                        line.example.sentence if line.example else "–",
                    ]
                    for line in category.lines
                ],
            )
        if contract.services:
            layout.heading("Services inclus dans le contrat", level=2)
            layout.table(
                SERVICE_COLUMNS,
                [
                    [
                        f"{contract_service_title(s.label, s.name)} : {s.description}",
                        contract_service_reach(s.phone, s.hours, s.web) or "–",
                        s.conditions if s.available else f"{s.unavailable_reason} {s.conditions}",
                    ]
                    for s in contract.services
                ],
            )
    layout.heading("Vos plafonds et vos équipements")
    for person in guarantees.beneficiaries:
        who = f"{person.first_name} {person.last_name}" + (
            " (vous)" if person.relationship is Relationship.member else ""
        )
        layout.heading(who, level=2)
        if person.ceilings:
            layout.table(
                CEILING_COLUMNS,
                [
                    [
                        f"{c.category_label} – {c.line_label} ({table_words(c.notation)}, {c.contract_name})",
                        format_eur(c.used),
                        format_eur(c.remaining),
                        ceiling_period_words(c),
                    ]
                    for c in person.ceilings
                ],
            )
        else:
            layout.paragraph("Aucun plafond en euros sur ses garanties en cours.", size=9)
        for item in person.equipment:
            layout.paragraph(equipment_sentence(person.first_name, item, today), size=9)
    layout.paragraph(
        "Exemples calculés pour un adulte dans le parcours de soins coordonnés, avec le barème de la "
        "Sécurité sociale en vigueur à la date d'édition ; les participations forfaitaires et franchises "
        "restent à votre charge (contrat responsable).",
        size=8,
        italic=True,
    )
    return layout.output()
