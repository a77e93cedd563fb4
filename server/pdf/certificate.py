"""The attestation d'adhésion and the extract of the règlement mutualiste, on the shared layout."""

from __future__ import annotations

from datetime import date

from models.domain import vocabulary
from models.domain.dates import format_date
from models.schemas.common import ContractKind, ContractState
from models.tables import Beneficiary, Contract, Member
from server.pdf.layout import MUTUELLE, Column, Layout, MemberBlock


def _address(member: Member) -> tuple[str, ...]:
    lines = (member.address_line1, member.address_line2, f"{member.postal_code} {member.city}".strip())
    return tuple(line for line in lines if line)


def certificate_pdf(member: Member, contracts: list[tuple[Contract, list[Beneficiary]]], today: date) -> bytes:
    layout = Layout(
        "Attestation d'adhésion",
        MemberBlock(f"{member.first_name} {member.last_name}", member.member_number, _address(member)),
        today,
    )
    in_force = [(c, people) for c, people in contracts if c.state != ContractState.terminated]
    if not in_force:
        layout.paragraph(f"{MUTUELLE} atteste que {member.first_name} {member.last_name} n'a plus de contrat en cours.")
        return layout.output()
    layout.paragraph(
        f"{MUTUELLE} atteste que {member.first_name} {member.last_name}, né(e) le {format_date(member.birth_date)}, "
        f"n° adhérent {member.member_number}, est adhérent(e) au {format_date(today)} des contrats de complémentaire "
        "santé ci-dessous, qui couvrent les personnes indiquées."
    )
    for contract, people in in_force:
        kind = (
            f"contrat collectif ({contract.employer})"
            if contract.kind == ContractKind.collective
            else "contrat individuel"
        )
        until = f" jusqu'au {format_date(contract.end_date)}" if contract.end_date else ""
        layout.heading(f"{contract.name} ({contract.code})", level=2)
        layout.paragraph(
            f"{kind[0].upper()}{kind[1:]}, depuis le {format_date(contract.start_date)}{until} – "
            f"{vocabulary.inline_words(contract.state, 'guarantees')}.",
            size=9,
        )
        layout.table(
            (Column("Personne couverte", 80), Column("Qualité", 50), Column("Née(e) le", 56)),
            [
                [
                    f"{p.first_name} {p.last_name}",
                    vocabulary.inline_words(p.relationship, "certificate"),
                    format_date(p.birth_date),
                ]
                for p in people
            ],
        )
    layout.paragraph("Attestation délivrée pour servir et valoir ce que de droit.", italic=True)
    return layout.output()


REGLEMENT = [
    (
        "Article 1 – Adhésion",
        "L'adhésion prend effet à la date indiquée au certificat d'adhésion. Elle couvre "
        "l'adhérent et les ayants droit déclarés (conjoint, enfants de moins de 28 ans à charge).",
    ),
    (
        "Article 2 – Cotisations",
        "Les cotisations d'un contrat individuel sont payables d'avance, par prélèvement "
        "mensuel ou trimestriel. À défaut de paiement, les garanties sont suspendues trente jours après la mise en "
        "demeure, puis le contrat peut être résilié dix jours plus tard (article L221-7 du Code de la mutualité). Les "
        "cotisations d'un contrat collectif sont précomptées par l'employeur sur le bulletin de salaire.",
    ),
    (
        "Article 3 – Ayants droit",
        "L'ajout d'un conjoint demande un acte de mariage, une attestation de PACS ou de "
        "concubinage de moins de trois mois et son attestation de droits à l'Assurance Maladie ; l'ajout d'un enfant, "
        "un acte de naissance, et après 16 ans un certificat de scolarité.",
    ),
    (
        "Article 4 – Résiliation",
        "Après un an d'adhésion, l'adhérent d'un contrat individuel peut résilier à tout "
        "moment ; la résiliation prend effet un mois après sa notification (loi n° 2019-733 du 14 juillet 2019).",
    ),
    (
        "Article 5 – Anciens salariés",
        "L'ancien salarié qui part en retraite, ou qui perçoit un revenu de "
        "remplacement, peut demander dans les six mois le maintien de ses garanties à titre individuel (loi Évin, "
        "article 4).",
    ),
    (
        "Article 6 – Réclamations et médiation",
        "Une réclamation reçoit un accusé de réception sous dix jours "
        "ouvrables et une réponse sous deux mois au plus ; ensuite, l'adhérent peut saisir le Médiateur de la "
        "Mutualité française.",
    ),
]


def reglement_pdf(today: date) -> bytes:
    layout = Layout("Règlement mutualiste (extrait)", None, today, subtitle="Les articles qui concernent votre espace")
    for title, text in REGLEMENT:
        layout.heading(title, level=2)
        layout.paragraph(text)
    layout.paragraph("Le règlement complet est disponible sur demande auprès du service adhérent.", italic=True)
    return layout.output()
