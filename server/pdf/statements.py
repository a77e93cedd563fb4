"""The relevés: relevé de prestations (one payment, or every payment of a period, in one file) and
relevé annuel des prestations (a calendar year), on the shared layout of `server.pdf.layout`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.domain import vocabulary
from models.domain.dates import MONTHS, format_date
from models.domain.money import format_eur, format_percent
from models.schemas.common import PaymentKind, PaymentState
from models.tables import Member, Payment
from server.pdf.layout import Column, Layout, MemberBlock

ZERO = Decimal("0.00")
COLUMNS = (
    Column("Date des soins", 17),
    Column("Bénéficiaire", 26),
    Column("Prestation", 46),
    Column("Dépense", 16, "RIGHT"),
    Column("Base de remb.", 16, "RIGHT"),
    Column("Taux", 10, "RIGHT"),
    Column("Part Sécurité sociale", 18, "RIGHT"),
    Column("Part mutuelle", 17, "RIGHT"),
    Column("Reste à charge", 16, "RIGHT"),
)


# The rows of the relevés, as the claims service reads them for the PDF (declared here, beside what prints them:
# the service imports the PDF, never the other way).
@dataclass(frozen=True)
class StatementLine:
    care_date: date
    beneficiary_name: str
    reference: str
    label: str
    charged: Decimal
    br: Decimal
    amo_rate: Decimal
    amo_paid: Decimal
    amc_paid: Decimal
    out_of_pocket: Decimal


@dataclass(frozen=True)
class StatementPayment:
    payment: Payment
    claim_reference: str
    lines: list[StatementLine]


def member_block(member: Member) -> MemberBlock:
    address = tuple(
        line
        for line in (member.address_line1, member.address_line2, f"{member.postal_code} {member.city}".strip())
        if line
    )
    return MemberBlock(f"{member.first_name} {member.last_name}", member.member_number, address)


def payment_sentence(payment: Payment) -> str:
    """Who got the money, and when, in the words of the member's screen (``models.domain.vocabulary``)."""
    return vocabulary.payment_sentence(
        payment.state,
        payment.payee,
        payment.payment_date,
        payee_label=payment.payee_label,
        account_suffix=payment.iban_suffix,
        kind=payment.kind,
        value=payment.amount,
        return_reason=payment.return_reason,
    )


def _row(line: StatementLine) -> list[str]:
    return [
        format_date(line.care_date),
        line.beneficiary_name,
        line.label,
        format_eur(line.charged),
        format_eur(line.br),
        format_percent(line.amo_rate),
        format_eur(line.amo_paid),
        format_eur(line.amc_paid),
        format_eur(line.out_of_pocket),
    ]


def _line_totals(lines: Sequence[StatementLine]) -> list[tuple[str, str]]:
    return [
        ("Total des dépenses", format_eur(sum((x.charged for x in lines), ZERO))),
        ("Remboursé par la Sécurité sociale", format_eur(sum((x.amo_paid for x in lines), ZERO))),
        ("Remboursé par votre mutuelle", format_eur(sum((x.amc_paid for x in lines), ZERO))),
        ("Reste à votre charge", format_eur(sum((x.out_of_pocket for x in lines), ZERO))),
    ]


def _payment_section(layout: Layout, item: StatementPayment) -> None:
    payment = item.payment
    layout.heading(f"Dossier {item.claim_reference} – {payment_sentence(payment)}")
    if payment.kind is PaymentKind.overpayment_recovery or payment.amount < 0:
        layout.paragraph("Ce montant a été retenu pour régulariser un remboursement versé en trop sur ce dossier.")
    elif item.lines:
        layout.table(COLUMNS, [_row(line) for line in item.lines])
    layout.paragraph(f"Montant de ce paiement : {format_eur(payment.amount)}")


def payment_statement_pdf(member: Member, items: Sequence[StatementPayment], issued_on: date) -> bytes:
    [item] = items
    layout = Layout(
        "Relevé de prestations",
        member_block(member),
        issued_on,
        subtitle=f"Paiement du {format_date(item.payment.payment_date)} – dossier {item.claim_reference}",
    )
    _payment_section(layout, item)
    lines = item.lines if item.payment.kind is PaymentKind.payment and item.payment.amount >= 0 else []
    layout.totals([*_line_totals(lines), ("Montant de ce paiement", format_eur(item.payment.amount))], title="Totaux")
    return layout.output()


def period_statement_pdf(
    member: Member, items: Sequence[StatementPayment], date_from: date, date_to: date, issued_on: date
) -> bytes:
    layout = Layout(
        "Relevé de prestations",
        member_block(member),
        issued_on,
        subtitle=f"Paiements du {format_date(date_from)} au {format_date(date_to)}",
    )
    if not items:
        layout.paragraph("Aucun paiement sur cette période.")
    seen: set[str] = set()
    counted: list[StatementLine] = []
    for item in items:
        _payment_section(layout, item)
        if item.payment.kind is PaymentKind.payment and item.payment.amount >= 0 and item.claim_reference not in seen:
            seen.add(item.claim_reference)
            counted.extend(item.lines)
    paid = sum((i.payment.amount for i in items if i.payment.state is not PaymentState.returned), ZERO)
    layout.totals(
        [
            *_line_totals(counted),
            ("Nombre de paiements", str(len(items))),
            ("Total des paiements de la période", format_eur(paid)),
        ],
        title="Totaux de la période",
    )
    return layout.output()


def annual_statement_pdf(member: Member, year: int, lines: Sequence[StatementLine], issued_on: date) -> bytes:
    layout = Layout(
        f"Relevé annuel des prestations {year}",
        member_block(member),
        issued_on,
        subtitle=f"Remboursements payés du 01/01/{year} au 31/12/{year}, mois par mois (date des soins)",
    )
    if not lines:
        layout.paragraph(f"Aucun remboursement payé en {year}.")
    by_month: dict[tuple[int, int], list[StatementLine]] = {}
    for line in lines:
        by_month.setdefault((line.care_date.year, line.care_date.month), []).append(line)
    for (y, m), month_lines in sorted(by_month.items()):
        layout.heading(f"{MONTHS[m - 1].capitalize()} {y}")
        layout.table(COLUMNS, [_row(line) for line in month_lines])
    layout.totals(_line_totals(lines), title=f"Totaux de l'année {year}")
    layout.paragraph(
        "Les remboursements de frais de santé ne sont pas imposables : ce relevé vous sert à justifier vos "
        "dépenses et ce qui est resté à votre charge.",
        size=8,
    )
    return layout.output()
