"""Mes remboursements, without Textual: the filters and the sort as a pure model (each key press makes a
new `ClaimFilterModel`), the filter bar written out in words, the table's rows, the totals line, the
détail as labelled lines with "Pourquoi ce reste à charge ?", and where downloaded files go.

Both faces (full-screen and linear) use these; a screen only lays them out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from models.domain import money, vocabulary
from models.domain.dates import format_date, format_date_long, parse_date
from models.domain.money import format_eur, format_percent, read_typed_amount
from models.schemas.claims import (
    DEFAULT_MONTHS,
    ClaimDetail,
    ClaimList,
    ClaimListItem,
    ClaimOptions,
    ClaimQuery,
    ClaimSortKey,
    ClaimTotals,
    PaymentDetail,
    SortOrder,
    care_category_label,
)
from models.schemas.common import ClaimStatus, Payee, PaymentKind, PaymentState
from tui.flows import forms, wording
from tui.flows.actions import SCREEN_ACTIONS, Action
from tui.flows.dashboard import LabelledField
from tui.flows.forms import DATE, Ask, Face, Form, Problem, Values

if TYPE_CHECKING:
    from tui.api.client import Download

HEADING = "Mes remboursements"
LOADING = "Chargement des remboursements…"
NO_CLAIMS = "Aucun remboursement ne correspond à ces filtres."
WHY_HEADING = "Pourquoi ce reste à charge ?"
PAGE_SIZE = 50

# Where a status icon helps the eye; the word is always there too (never colour or icon alone).
STATUS_ICONS: dict[ClaimStatus, str] = {
    ClaimStatus.received: "○",
    ClaimStatus.awaiting_document: "!",
    ClaimStatus.processing: "…",
    ClaimStatus.paid: "✓",
    ClaimStatus.rejected: "✗",
}
STATUS_CYCLE: tuple[tuple[ClaimStatus, ...], ...] = (
    (),
    (ClaimStatus.paid,),
    (ClaimStatus.processing, ClaimStatus.received),
    (ClaimStatus.awaiting_document,),
    (ClaimStatus.rejected,),
)
SORT_CYCLE = (
    ClaimSortKey.care_date,
    ClaimSortKey.charged,
    ClaimSortKey.amc_paid,
    ClaimSortKey.out_of_pocket,
    ClaimSortKey.beneficiary,
    ClaimSortKey.status,
)
SORT_WORDS = {key: wording.status_words(key) for key in ClaimSortKey}  # the words live in tui.flows.wording
PAYEE_WORDS = {payee: wording.payee_totals_words(payee) for payee in Payee}

# The keys of the Mes remboursements screen: declared in THE registry (`tui.flows.actions.SCREEN_ACTIONS`,
# ids "claims.…", remappable from the config file); here, the same actions for the linear mode's menu.
CLAIMS_ACTIONS: tuple[Action, ...] = tuple(a for a in SCREEN_ACTIONS if a.screen == "claims")


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Period:
    label: str
    date_from: date | None
    date_to: date | None
    span: str = ""
    """How the summary says it (« 75 remboursements sur 24 mois »); the label when empty."""

    @property
    def words(self) -> str:
        return self.span or self.label


def period_presets(today: date) -> tuple[Period, ...]:
    """The periods offered by the period key, in order; the first one is the server's default."""
    return (
        Period(f"{DEFAULT_MONTHS} derniers mois", None, None, f"sur {DEFAULT_MONTHS} mois"),
        Period("12 derniers mois", months_before(today, 12), today, "sur 12 mois"),
        Period("3 derniers mois", months_before(today, 3), today, "sur 3 mois"),
        Period(f"Année {today.year}", date(today.year, 1, 1), date(today.year, 12, 31), f"en {today.year}"),
        Period(
            f"Année {today.year - 1}", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), f"en {today.year - 1}"
        ),
        Period("7 dernières années", date(today.year - 6, 1, 1), today, "sur 7 ans"),
    )


class DateRangeError(ValueError):
    """A French sentence for a date range that cannot be read."""


DATE_RANGE_HINT = "écrivez par exemple « du 01/01/2026 au 31/03/2026 », « du 01/01/2026 » ou « au 31/03/2026 »"
_DATE_RANGE_SEPARATOR = re.compile(r"\s*(?:\bau\b|\bà\b|–|\s-\s)\s*", re.IGNORECASE)


def parse_date_range(text: str, today: date) -> Period:
    """« du 01/01/2026 au 31/03/2026 », « du 01/01/2026 » (until today), « au 31/03/2026 » (from the first
    claim kept, seven years): a period of the member's own choosing."""
    body = re.sub(r"^\s*du\s+", "", text.strip(), flags=re.IGNORECASE)
    parts = _DATE_RANGE_SEPARATOR.split(f" {body}", maxsplit=1)
    start_text, end_text = parts[0], parts[1] if len(parts) > 1 else ""
    if not start_text.strip() and not end_text.strip():
        raise DateRangeError(f"dates illisibles : {DATE_RANGE_HINT}")
    bounds: list[date | None] = []
    for typed, which in ((start_text, "date de début"), (end_text, "date de fin")):
        if not typed.strip():
            bounds.append(None)
            continue
        day = parse_date(typed)
        if day is None:
            raise DateRangeError(f"{which} illisible : « {typed.strip()} » ; {DATE_RANGE_HINT}")
        bounds.append(day)
    start, end = bounds
    start = start or date(today.year - 6, 1, 1)
    end = end or today
    if end < start:
        raise DateRangeError("la date de fin précède la date de début")
    return Period(f"du {format_date(start)} au {format_date(end)}", start, end)


class AmountError(ValueError):
    """A French sentence for an amount range that cannot be read."""


_SEPARATOR = re.compile(r"\s*(?:-|\bà\b|\ba\b)\s*", re.IGNORECASE)
RANGE_HINT = "écrivez par exemple « 20-100 », « 20- » ou « -100 » (en euros)"


_DIGITS = re.compile(r"^[\d\s\u00a0\u202f.,€]+$")


def _bound(text: str, which: str) -> Decimal | None:
    if not text.strip():
        return None
    if not _DIGITS.match(text):  # not even a number: say how a filter is written
        raise AmountError(f"montant illisible : « {text.strip()} » n'est pas un montant ; {RANGE_HINT}")
    try:  # each amount is read as in every form (models.domain.money): « 1 200,50 », « 60 € »
        return read_typed_amount(text, allow_zero=True)
    except money.AmountError as exc:
        raise AmountError(f"{which} : {exc}") from None


def parse_amount_range(text: str) -> tuple[Decimal | None, Decimal | None]:
    """ "20-100", "20 à 100", "20-" (at least), "-100" (at most), "45,50" (exactly): euros, decimal comma
    or point, thousands spaces. Empty: no amount filter. A leading « - » is « at most », never a sign."""
    if not text.strip():
        return None, None
    body = re.sub(r"^\s*de\s+", "", text, flags=re.IGNORECASE)
    parts = _SEPARATOR.split(body.strip(), maxsplit=1)
    if len(parts) == 1:
        exactly = _bound(parts[0], "montant")
        return exactly, exactly
    if not parts[0].strip() and not parts[1].strip():
        raise AmountError(f"montant illisible : {RANGE_HINT}")
    low, high = _bound(parts[0], "montant minimum"), _bound(parts[1], "montant maximum")
    if low is not None and high is not None and high < low:
        raise AmountError("le montant minimum dépasse le maximum")
    return low, high


def _cycle(values: Sequence[object], current: object) -> object:
    items = list(values)
    index = items.index(current) if current in items else -1
    return items[(index + 1) % len(items)]


@dataclass(frozen=True)
class ClaimFilterModel:
    """The list's filters, sort and page. Every change answers a new model, back on page 1 (except the
    page moves themselves)."""

    today: date
    period_index: int = 0
    custom_period: Period | None = None
    """« du … au … » typed by the member (issue 19); replaces the presets until the next preset or a reset."""
    beneficiary_id: int | None = None
    care_category: str | None = None
    status: tuple[ClaimStatus, ...] = ()
    regularisation: bool | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    payee: Payee | None = None
    text: str = ""
    sort: ClaimSortKey = ClaimSortKey.care_date
    order: SortOrder = SortOrder.desc
    page: int = 1
    page_size: int = PAGE_SIZE

    def _new(self, **changes: object) -> ClaimFilterModel:
        return replace(self, page=1, **changes)  # type: ignore[arg-type]

    @property
    def period(self) -> Period:
        return self.custom_period or period_presets(self.today)[self.period_index]

    def next_period(self) -> ClaimFilterModel:
        if self.custom_period is not None:  # from one's own dates, the presets start again at the first
            return self._new(custom_period=None, period_index=0)
        return self._new(period_index=(self.period_index + 1) % len(period_presets(self.today)))

    def with_dates(self, text: str) -> ClaimFilterModel:
        """A period typed « du … au … »; empty: back to the default period."""
        if not text.strip():
            return self._new(custom_period=None, period_index=0)
        return self._new(custom_period=parse_date_range(text, self.today))

    def with_period(self, index: int) -> ClaimFilterModel:
        """One of ``period_presets`` (by its place), instead of one's own dates."""
        return self._new(custom_period=None, period_index=index)

    def with_range(self, start: date, end: date) -> ClaimFilterModel:
        """One's own dates, given as two dates (the « du … au … » form, ``dates_form``)."""
        return self._new(custom_period=Period(f"du {format_date(start)} au {format_date(end)}", start, end))

    def with_status(self, status: tuple[ClaimStatus, ...]) -> ClaimFilterModel:
        return self._new(status=tuple(status))

    def with_beneficiary(self, beneficiary_id: int | None) -> ClaimFilterModel:
        return self._new(beneficiary_id=beneficiary_id)

    def with_category(self, code: str | None) -> ClaimFilterModel:
        return self._new(care_category=code)

    def with_payee(self, payee: Payee | None) -> ClaimFilterModel:
        return self._new(payee=payee)

    def with_regularisation(self, only: bool | None) -> ClaimFilterModel:
        return self._new(regularisation=only or None)

    def with_sort(self, sort: ClaimSortKey) -> ClaimFilterModel:
        """A name or a status reads best A to Z; amounts and dates, the largest or newest first."""
        order = SortOrder.asc if sort is ClaimSortKey.beneficiary or sort is ClaimSortKey.status else SortOrder.desc
        return self._new(sort=sort, order=order)

    def next_status(self) -> ClaimFilterModel:
        return self._new(status=_cycle(STATUS_CYCLE, self.status))

    def next_beneficiary(self, options: ClaimOptions) -> ClaimFilterModel:
        return self._new(beneficiary_id=_cycle([None, *(b.id for b in options.beneficiaries)], self.beneficiary_id))

    def next_category(self, options: ClaimOptions) -> ClaimFilterModel:
        return self._new(care_category=_cycle([None, *(c.code for c in options.care_categories)], self.care_category))

    def next_payee(self) -> ClaimFilterModel:
        return self._new(payee=_cycle([None, Payee.member, Payee.provider], self.payee))

    def toggle_regularisation(self) -> ClaimFilterModel:
        return self._new(regularisation=None if self.regularisation else True)

    def with_text(self, text: str) -> ClaimFilterModel:
        return self._new(text=text.strip())

    def with_amounts(self, text: str) -> ClaimFilterModel:
        low, high = parse_amount_range(text)
        return self._new(amount_min=low, amount_max=high)

    def next_sort(self) -> ClaimFilterModel:
        return self.with_sort(_cycle(SORT_CYCLE, self.sort))  # type: ignore[arg-type]

    def reversed(self) -> ClaimFilterModel:
        return self._new(order=SortOrder.asc if self.order is SortOrder.desc else SortOrder.desc)

    def cleared(self) -> ClaimFilterModel:
        """Everything back as on opening, the sort included (issue 19: `x` resets everything)."""
        return ClaimFilterModel(self.today, page_size=self.page_size)

    def next_page(self, pages: int) -> ClaimFilterModel:
        return replace(self, page=min(self.page + 1, max(1, pages)))

    def previous_page(self) -> ClaimFilterModel:
        return replace(self, page=max(1, self.page - 1))

    def query(self) -> ClaimQuery:
        period = self.period
        return ClaimQuery(
            date_from=period.date_from,
            date_to=period.date_to,
            beneficiary_id=self.beneficiary_id,
            care_category=self.care_category,
            status=list(self.status),
            regularisation=self.regularisation,
            amount_min=self.amount_min,
            amount_max=self.amount_max,
            payee=self.payee,
            text=self.text or None,
            sort=self.sort,
            order=self.order,
            page=self.page,
            page_size=self.page_size,
        )

    def describe(self, options: ClaimOptions | None = None) -> list[str]:
        """The active filters written out, the period always first, then the sort."""
        parts = [f"Période : {self.period.label}"]
        if self.beneficiary_id is not None:
            names = {b.id: b.name for b in options.beneficiaries} if options else {}
            parts.append(f"Pour : {names.get(self.beneficiary_id, 'bénéficiaire choisi')}")
        if self.care_category is not None:
            parts.append(f"Poste : {care_category_label(self.care_category)}")
        if self.status:
            parts.append("Statut : " + " ou ".join(wording.status_words(s) for s in self.status))
        if self.payee is not None:
            parts.append(f"Paiements {PAYEE_WORDS[self.payee]}")
        if self.regularisation:
            parts.append("Avec régularisation (trop-perçu)")
        if self.amount_min is not None or self.amount_max is not None:
            parts.append("Montant dépensé : " + amount_range_words(self.amount_min, self.amount_max))
        if self.text:
            parts.append(f"Texte : « {self.text} »")
        direction = wording.status_words(self.order)
        parts.append(f"Tri : {SORT_WORDS[self.sort]}, {direction}")
        return parts

    def sentence(self, options: ClaimOptions | None = None) -> str:
        return " ; ".join(self.describe(options))


def amount_range_words(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"exactement {format_eur(low)}" if low == high else f"de {format_eur(low)} à {format_eur(high)}"
    if low is not None:
        return f"au moins {format_eur(low)}"
    return f"au plus {format_eur(high or Decimal(0))}"


# -- the list ---------------------------------------------------------------------------------------------

COLUMNS = ("Date", "Pour", "Acte", "Dépensé", "Mutuelle", "Reste à charge", "Statut")
NARROW_COLUMNS = ("Date", "Acte", "Mutuelle", "Statut")
WIDE_FROM = 110
"""Below this many columns the table keeps date, act, mutuelle and status (the rest is in the totals
line and the détail): at 80×24 every column stays visible, no horizontal scrolling."""
NARROW_LABEL = 24
WIDE_LABEL = 28


def columns(width: int) -> tuple[str, ...]:
    return COLUMNS if width >= WIDE_FROM else NARROW_COLUMNS


def status_cell(status: ClaimStatus, payment_state: PaymentState | None = None) -> str:
    if payment_state is PaymentState.returned:
        # short for the table (« ! » as for a claim waiting on the member); the détail says what to do
        return f"! {wording.status_words(PaymentState.returned)}"
    return f"{STATUS_ICONS[status]} {wording.status_words(status)}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def row_cells(item: ClaimListItem, width: int = WIDE_FROM) -> tuple[str, ...]:
    suffix = " (régularisé)" if item.regularisation else ""
    if width < WIDE_FROM:
        return (
            format_date(item.care_date),
            _shorten(item.label, NARROW_LABEL - len(suffix)) + suffix,
            wording.share_words(item.status, item.amc_paid),
            status_cell(item.status, item.payment_state),
        )
    return (
        format_date(item.care_date),
        item.beneficiary_name.split(" ")[0],
        _shorten(item.label, WIDE_LABEL - len(suffix)) + suffix,
        format_eur(item.charged),
        wording.share_words(item.status, item.amc_paid),
        wording.share_words(item.status, item.out_of_pocket),
        status_cell(item.status, item.payment_state),
    )


def count_words(count: int) -> str:
    return "Aucun remboursement" if count == 0 else f"{count} remboursement{'s' if count > 1 else ''}"


def amounts_line(totals: ClaimTotals) -> str:
    return (
        f"Dépensé : {format_eur(totals.charged)} ; Sécurité sociale : {format_eur(totals.amo_paid)} ; "
        f"Mutuelle : {format_eur(totals.amc_paid)} ; Reste à charge : {format_eur(totals.out_of_pocket)}"
    )


def totals_line(totals: ClaimTotals) -> str:
    return f"{count_words(totals.count)} ; {amounts_line(totals)}"


def summary_line(result: ClaimList, model: ClaimFilterModel) -> str:
    """What a list is, before any of it is read (issue 18, « lists for the ear »): « 75 remboursements sur
    24 mois, page 1 sur 2. » — the page only when there are several."""
    page = f", page {result.page} sur {result.pages}" if result.pages > 1 else ""
    return f"{count_words(result.totals.count)} {model.period.words}{page}."


def page_line(result: ClaimList) -> str:
    return f"Page {result.page} sur {result.pages}"


def heading(result: ClaimList | None) -> str:
    return f"{HEADING} ({result.totals.count})" if result is not None else HEADING


def list_record(item: ClaimListItem, dates: Callable[[date], str] = format_date) -> str:
    """One claim as one labelled line (linear mode)."""
    fields = [
        LabelledField("Date", dates(item.care_date)),
        LabelledField("Pour", item.beneficiary_name),
        LabelledField("Acte", item.label),
        LabelledField("Dépensé", format_eur(item.charged)),
        LabelledField("Sécurité sociale", wording.share_words(item.status, item.amo_paid)),
        LabelledField("Mutuelle", wording.share_words(item.status, item.amc_paid)),
        LabelledField("Reste à charge", wording.share_words(item.status, item.out_of_pocket)),
        LabelledField("Statut", wording.claim_status_sentence(item)),
        LabelledField("Paiement", wording.payment_sentence(item, dates)),
    ]
    if item.regularisation:
        fields.append(LabelledField("Régularisation", "oui (trop-perçu)"))
    return " ; ".join(str(f) for f in fields)


def short_status(item: ClaimListItem) -> str:
    """The status in words with the amount reimbursed (Sécurité sociale and mutuelle) once decided:
    « remboursé 18,82 € », « rejeté », « en traitement »."""
    reimbursed = item.amo_paid + item.amc_paid
    if item.payment_state is PaymentState.returned:
        return f"{_first_lower(wording.RETURNED_TRANSFER)}, {format_eur(reimbursed)}"
    words = wording.inline_words(item.status)
    if item.status is ClaimStatus.paid:
        return f"{words} {format_eur(reimbursed)}"
    if item.status is ClaimStatus.rejected and reimbursed:
        return f"{words}, {format_eur(reimbursed)} remboursés"
    return words


def short_line(number: int, item: ClaimListItem, dates: Callable[[date], str] = format_date_long) -> str:
    """One claim in one short line (the linear mode's list): « 3. 18 novembre 2026, Frais de santé,
    Coralie : remboursé 18,82 € » — the rest is in its détail (« détail 3 »)."""
    suffix = " (régularisé)" if item.regularisation else ""
    person = item.beneficiary_name.split(" ")[0]
    return f"{number}. {dates(item.care_date)}, {item.label}{suffix}, {person} : {short_status(item)}"


def first_number(result: ClaimList) -> int:
    """The number the page's first claim is read with (numbers run on from page to page)."""
    return (result.page - 1) * result.page_size + 1


# -- the détail ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...] = field(default_factory=tuple)


def detail_payment_sentence(payment: PaymentDetail, dates: Callable[[date], str] = format_date) -> str:
    return vocabulary.payment_line(
        payment.state,
        payment.payee,
        payment.payment_date,
        payment.amount,
        payee_label=payment.payee_label,
        account_suffix=payment.account_suffix,
        kind=payment.kind,
        return_reason=payment.return_reason,
        dates=dates,
    )


def statement_payment(detail: ClaimDetail) -> PaymentDetail | None:
    """The payment whose relevé the détail offers: the latest transfer that was not returned."""
    payments = [p for p in detail.payments if p.kind is PaymentKind.payment and p.state is not PaymentState.returned]
    return payments[-1] if payments else None


def detail_sections(detail: ClaimDetail, *, long_dates: bool = False, icons: bool = True) -> list[Section]:
    """The détail as labelled lines, readable at 80 columns and line by line; ``icons`` off for the ear (a
    screen reader would say « coche » before « Remboursé »)."""
    dates = format_date_long if long_dates else format_date
    totals = detail.totals
    transfers = [p for p in detail.payments if p.kind is PaymentKind.payment]
    returned = bool(transfers) and transfers[-1].state is PaymentState.returned
    status = f"! {wording.RETURNED_TRANSFER}" if returned else status_cell(detail.status)
    if not icons:
        status = wording.RETURNED_TRANSFER if returned else wording.status_words(detail.status)
    summary = [
        f"Référence : {detail.reference}",
        f"Date des soins : {dates(detail.care_date)}",
        f"Pour : {detail.beneficiary_name}",
        f"Poste de soins : {care_category_label(detail.care_category)}",
        f"Statut : {status}",
        f"Reçu le : {dates(detail.received_date)} ({_first_lower(wording.status_words(detail.source))})",
    ]
    if detail.provider_name:
        summary.append(f"Professionnel de santé : {detail.provider_name}")
    if detail.status is ClaimStatus.rejected:
        summary.append(f"Motif du rejet : {detail.rejection_reason or 'non précisé'}")
        summary.append(f"Que faire : {detail.next_step or 'écrivez au service adhérent depuis la messagerie'}")
    elif detail.status is ClaimStatus.awaiting_document:
        summary.append(f"Que faire : {detail.next_step or 'déposez le justificatif demandé dans votre espace'}")
    sections = [
        Section(f"Remboursement du {dates(detail.care_date)} – {detail.label}", tuple(summary)),
        Section(
            "Répartition",
            (
                f"Montant dépensé : {format_eur(totals.charged)}",
                f"Remboursé par la Sécurité sociale : {wording.share_words(detail.status, totals.amo_paid)}",
                f"Remboursé par votre mutuelle : {wording.share_words(detail.status, totals.amc_paid)}",
                f"Reste à votre charge : {wording.share_words(detail.status, totals.out_of_pocket)}",
            ),
        ),
    ]
    for number, line in enumerate(detail.lines, start=1):
        rows = [
            f"Acte : {line.label}" + (f", quantité {line.quantity}" if line.quantity != 1 else ""),
            f"Date des soins : {dates(line.care_date)} ; Pour : {line.beneficiary_name}",
            f"Montant dépensé : {format_eur(line.charged)}",
            f"Base de remboursement : {format_eur(line.br)} ; Taux de la Sécurité sociale : "
            f"{format_percent(line.amo_rate)}",
        ]
        for deduction in line.deductions:
            rows.append(f"{deduction.label} (retenue par la Sécurité sociale) : {format_eur(deduction.amount)}")
        rows.append(f"Part Sécurité sociale : {format_eur(line.amo_paid)}")
        if line.amc:
            for share in line.amc:
                rows.append(f"Part mutuelle, {share.contract_name} : {format_eur(share.amount)}")
        else:
            rows.append(f"Part mutuelle : {format_eur(line.amc_paid)}")
        rows.append(f"Reste à charge : {format_eur(line.out_of_pocket)}")
        title = f"Ligne {number} sur {len(detail.lines)}" if len(detail.lines) > 1 else "Détail de l'acte"
        sections.append(Section(title, tuple(rows)))
        if line.explanation:
            sections.append(Section(WHY_HEADING, tuple(f"– {text}" for text in line.explanation)))
    if detail.payments:
        sections.append(Section("Paiements", tuple(detail_payment_sentence(p, dates) for p in detail.payments)))
    else:
        sections.append(Section("Paiements", (vocabulary.no_payment_sentence(detail.status),)))
    if detail.documents:
        sections.append(
            Section(
                "Documents joints",
                tuple(
                    f"{d.filename} ({wording.size_words(d.size)}, déposé le {dates(d.created_at.date())})"
                    for d in detail.documents
                ),
            )
        )
    return sections


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def detail_text(detail: ClaimDetail, *, long_dates: bool = False, icons: bool = True) -> list[str]:
    """Every line of the détail, headings as "== … ==" (the linear mode prints this)."""
    out: list[str] = []
    for section in detail_sections(detail, long_dates=long_dates, icons=icons):
        out.append(f"== {section.title} ==")
        out.extend(section.lines)
    return out


# -- downloads -------------------------------------------------------------------------------------------


def download_dir(environ: Mapping[str, str] | None = None, home: Path | None = None) -> Path:
    """Where exported files go: $ESPACE_DOWNLOAD_DIR (tests, or a choice of the member), else
    $XDG_DOWNLOAD_DIR, else ~/Téléchargements when it exists (a French desktop), else ~/Downloads."""
    env = os.environ if environ is None else environ
    for name in ("ESPACE_DOWNLOAD_DIR", "XDG_DOWNLOAD_DIR"):
        value = env.get(name, "").strip()
        if value:
            return Path(os.path.expandvars(value)).expanduser()
    base = home or Path.home()
    french = base / "Téléchargements"
    return french if french.is_dir() else base / "Downloads"


def save_download(content: bytes, filename: str, directory: Path) -> Path:
    """Write the file without overwriting: "releve.pdf", then "releve (2).pdf"…"""
    directory.mkdir(parents=True, exist_ok=True)
    name = Path(filename).name or "fichier"
    target = directory / name
    stem, suffix = target.stem, target.suffix
    number = 2
    while target.exists():
        target = directory / f"{stem} ({number}){suffix}"
        number += 1
    target.write_bytes(content)
    return target


def saved_sentence(path: Path, what: str) -> str:
    return f"{what} enregistré : {path}"


NO_DOCUMENTS = "Aucun document joint à ce remboursement."
DOCUMENT_WHAT = "Document joint"


class DocumentSource(Protocol):
    async def member_document(self, document_id: int, filename: str) -> Download: ...


async def save_documents(api: DocumentSource, detail: ClaimDetail, directory: Path | None = None) -> list[str]:
    """Download every document linked to the claim into the download folder (never over an existing
    file): one sentence per file with its path. An ApiError (a 404 for a document that is no longer the
    member's) stops here, the files already saved stay."""
    target = directory or download_dir()
    sentences = []
    for document in detail.documents:
        download = await api.member_document(document.id, document.filename)
        path = save_download(download.content, download.filename, target)
        sentences.append(saved_sentence(path, DOCUMENT_WHAT))
    return sentences


# -- one dispatch for both faces (issue 18) ------------------------------------------------------------------
# Every action of Mes remboursements — the registry's "claims.…" (the list) and "claim.…" (one claim) — runs
# here and asks what it needs through a ``Face``: the full screen's keys and the linear mode's numbered menu
# both call ``run``, so a filter's values, a form's checks and an export's sentences exist once.

MENU_QUESTION = "Mes remboursements : que voulez-vous faire ?"
DETAIL_QUESTION = "Ce remboursement : que voulez-vous faire ?"
LIST_BACK = "claims.back"
DETAIL_BACK = "claim.back"
DETAIL_ACTIONS: tuple[Action, ...] = tuple(a for a in SCREEN_ACTIONS if a.screen == "claim")
CURRENT = " (actuel)"
"""Beside the value a filter has now, in the list of its values."""
CUSTOM_DATES = "Choisir les dates : du … au …"
FIRST_PAGE = "Vous êtes à la première page."
LAST_PAGE = "Vous êtes à la dernière page."
UNCHANGED = "Rien n'a changé : les mêmes filtres."
READ_HINT = "Le détail d'un remboursement : « détail », puis son numéro."
BY_YEAR = "Relevé annuel des prestations : quelle année ?"


def menu_actions() -> tuple[Action, ...]:
    """The linear mode's menu of the list: the registry's claims actions offered there, in its order."""
    return tuple(a for a in CLAIMS_ACTIONS if a.linear)


def detail_actions(detail: ClaimDetail) -> tuple[Action, ...]:
    """What can be done with this claim, « Revenir » last: the relevé only when a payment has one, the
    documents only when some are linked (the full screen hides the same keys)."""
    live = {"claim.payment_statement": statement_payment(detail) is not None, "claim.documents": bool(detail.documents)}
    back = [a for a in DETAIL_ACTIONS if a.id == DETAIL_BACK]
    return (*(a for a in DETAIL_ACTIONS if a.linear and live.get(a.id, False)), *back)


@dataclass
class ClaimsState:
    """What the face shows now: the filters, the claims' options, the page loaded, the claim opened."""

    model: ClaimFilterModel
    options: ClaimOptions | None = None
    result: ClaimList | None = None
    detail: ClaimDetail | None = None
    selected: int | None = None
    """The claim under the full screen's cursor: « Voir le détail » opens it without asking its number."""


@dataclass(frozen=True)
class Outcome:
    """A new filter (the face loads the list again) or a claim to show; neither when all was said."""

    model: ClaimFilterModel | None = None
    claim_id: int | None = None


Choice = tuple[object, str]


def status_choice_words(status: Sequence[ClaimStatus]) -> str:
    if not status:
        return "Tous les statuts"
    first, *others = status
    return " ou ".join([wording.status_words(first), *(wording.inline_words(s) for s in others)])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class ValueFilter:
    """A filter offered as the list of its values (never « au choix suivant »)."""

    question: str
    choices: Callable[[ClaimFilterModel, ClaimOptions | None], list[Choice]]
    current: Callable[[ClaimFilterModel], object]
    apply: Callable[[ClaimFilterModel, object], ClaimFilterModel]


def _period_choices(model: ClaimFilterModel, _options: ClaimOptions | None) -> list[Choice]:
    presets: list[Choice] = [(n, p.label) for n, p in enumerate(period_presets(model.today))]
    return [*presets, ("dates", CUSTOM_DATES)]


VALUE_FILTERS: dict[str, ValueFilter] = {
    "claims.status": ValueFilter(
        "Filtrer par statut : lequel ?",
        lambda m, o: [(s, status_choice_words(s)) for s in STATUS_CYCLE],
        lambda m: m.status,
        lambda m, v: m.with_status(v),  # type: ignore[arg-type]
    ),
    "claims.person": ValueFilter(
        "Filtrer par bénéficiaire : qui ?",
        lambda m, o: [(None, "Tous les bénéficiaires"), *((b.id, b.name) for b in (o.beneficiaries if o else []))],
        lambda m: m.beneficiary_id,
        lambda m, v: m.with_beneficiary(v),  # type: ignore[arg-type]
    ),
    "claims.category": ValueFilter(
        "Filtrer par poste de soins : lequel ?",
        lambda m, o: [
            (None, "Tous les postes de soins"),
            *((c.code, c.label) for c in (o.care_categories if o else [])),
        ],
        lambda m: m.care_category,
        lambda m, v: m.with_category(v),  # type: ignore[arg-type]
    ),
    "claims.payee": ValueFilter(
        "Filtrer par destinataire du paiement : lequel ?",
        lambda m, o: [(None, "Tous les paiements"), *((p, wording.status_words(p)) for p in Payee)],
        lambda m: m.payee,
        lambda m, v: m.with_payee(v),  # type: ignore[arg-type]
    ),
    "claims.regularisation": ValueFilter(
        "Régularisations (trop-perçus) : lesquelles ?",
        lambda m, o: [(None, "Tous les remboursements"), (True, "Seulement les régularisations (trop-perçus)")],
        lambda m: m.regularisation,
        lambda m, v: m.with_regularisation(v),  # type: ignore[arg-type]
    ),
    "claims.sort": ValueFilter(
        "Trier par : quoi ?",
        lambda m, o: [(k, _capital(SORT_WORDS[k])) for k in SORT_CYCLE],
        lambda m: m.sort,
        lambda m, v: m.with_sort(v),  # type: ignore[arg-type]
    ),
    "claims.period": ValueFilter(
        "Quelle période ?",
        _period_choices,
        lambda m: "dates" if m.custom_period is not None else m.period_index,
        lambda m, v: m.with_period(v),  # type: ignore[arg-type]
    ),
}


def filter_choices(action_id: str, model: ClaimFilterModel, options: ClaimOptions | None) -> list[str]:
    """The values of one filter in words, the current one said so."""
    value_filter = VALUE_FILTERS[action_id]
    now = value_filter.current(model)
    return [words + (CURRENT if value == now else "") for value, words in value_filter.choices(model, options)]


# The forms of the list, declared once (a search, amounts, two dates, a claim's number).


def search_form() -> Form:
    hint = "acte, personne, statut, professionnel, montant ; vide : tous"
    return Form("Chercher", (), (Ask("text", "Chercher", hint=hint, required=False),), submit="Chercher", recap=False)


def _amount_check(values: Values) -> Problem | None:
    try:
        parse_amount_range(str(values.get("amount") or ""))
    except AmountError as exc:
        return Problem(_capital(str(exc)) + ".", "amount")
    return None


def amount_form() -> Form:
    ask = Ask("amount", "Montant dépensé", hint="20-100, 20- ou -100 ; vide : tous", required=False)
    return Form("Filtrer par montant dépensé", (), (ask,), check=_amount_check, submit="Filtrer", recap=False)


def dates_form(today: date) -> Form:
    """« du … au … » as two dates, each checked as typed; the end is today unless changed."""

    def check(values: Values) -> Problem | None:
        start, end = parse_date(str(values.get("date_from") or "")), parse_date(str(values.get("date_to") or ""))
        if start is not None and start > today:
            return Problem(f"La date de début est après aujourd'hui ({format_date(today)}).", "date_from")
        if start is not None and end is not None and end < start:
            return Problem(f"La date de fin précède la date de début ({format_date(start)}).", "date_to")
        return None

    return Form(
        CUSTOM_DATES,
        ("Les remboursements dont les soins sont entre ces deux dates, comprises.",),
        (
            Ask("date_from", "Date de début", kind=DATE, hint="JJ/MM/AAAA"),
            Ask("date_to", "Date de fin", kind=DATE, hint="JJ/MM/AAAA", default=format_date(today)),
        ),
        check=check,
        submit="Filtrer",
        recap=False,
    )


def number_form(result: ClaimList) -> Form:
    first, last = first_number(result), first_number(result) + len(result.items) - 1
    return forms.number_form("Détail d'un remboursement", "Numéro du remboursement", first, last)


class ClaimsApi(Protocol):
    async def claims_csv(self, query: ClaimQuery) -> Download: ...
    async def period_statement(self, date_from: date | None, date_to: date | None) -> Download: ...
    async def annual_statement(self, year: int) -> Download: ...
    async def payment_statement(self, payment_id: int) -> Download: ...
    async def member_document(self, document_id: int, filename: str) -> Download: ...


async def save_with(face: Face, call: Awaitable[Download], what: str) -> None:
    """Say that it is under way, then where it was saved (never over an existing file)."""
    face.say(f"{what} : préparation en cours…")
    download = await call
    face.say(saved_sentence(save_download(download.content, download.filename, download_dir()), what))


def say_page(face: Face, result: ClaimList | None) -> None:
    """The page's claims, one short line each, numbered as « détail N » asks them."""
    if result is None or not result.items:
        face.say(NO_CLAIMS)
        return
    for number, item in enumerate(result.items, start=first_number(result)):
        face.say(short_line(number, item))
    face.say(READ_HINT)


async def run(action_id: str, api: ClaimsApi, face: Face, state: ClaimsState) -> Outcome:
    """One action of Mes remboursements, from its question to what it changed. API errors
    (``tui.api.errors.ApiError``) are left to the face, which says them in French."""
    model = state.model
    if action_id in VALUE_FILTERS:
        value_filter = VALUE_FILTERS[action_id]
        values = [value for value, _words in value_filter.choices(model, state.options)]
        index = await face.pick(value_filter.question, filter_choices(action_id, model, state.options))
        if index is None:
            return Outcome()
        if values[index] == "dates":
            return await run("claims.dates", api, face, state)
        return Outcome(value_filter.apply(model, values[index]))
    if action_id == "claims.dates":
        answers = await face.form(dates_form(model.today))
        if answers is None:
            return Outcome()
        start, end = parse_date(answers["date_from"]), parse_date(answers["date_to"])
        assert start is not None and end is not None  # the form checked them
        return Outcome(model.with_range(start, end))
    if action_id == "claims.search":
        answers = await face.form(search_form())
        return Outcome(model.with_text(answers["text"])) if answers is not None else Outcome()
    if action_id == "claims.amount":
        answers = await face.form(amount_form())
        return Outcome(model.with_amounts(answers["amount"])) if answers is not None else Outcome()
    if action_id == "claims.reverse":
        return Outcome(model.reversed())
    if action_id == "claims.clear":
        return Outcome(model.cleared())
    if action_id in ("claims.next_page", "claims.previous_page"):
        return _page(action_id, face, state)
    if action_id == "claims.read":
        say_page(face, state.result)
        return Outcome()
    if action_id == OPEN:
        return await _open(face, state)
    if action_id.startswith(("claims.", "claim.")) and action_id not in (LIST_BACK, DETAIL_BACK):
        await _export(action_id, api, face, state)
        return Outcome()
    if action_id in (LIST_BACK, DETAIL_BACK):
        return Outcome()
    raise KeyError(action_id)


def _page(action_id: str, face: Face, state: ClaimsState) -> Outcome:
    model, pages = state.model, state.result.pages if state.result else 1
    if action_id == "claims.next_page":
        if model.page >= pages:
            face.say(LAST_PAGE)
            return Outcome()
        return Outcome(model.next_page(pages))
    if model.page <= 1:
        face.say(FIRST_PAGE)
        return Outcome()
    return Outcome(model.previous_page())


OPEN = "claims.open"


def claim_at(result: ClaimList | None, number: int | None, face: Face) -> int | None:
    """The id of the claim numbered ``number`` on the page loaded (« détail 3 » typed at the linear menu);
    None without a number, or with one not on the page (said: the flow then asks it)."""
    if number is None or result is None or not result.items:
        return None
    first = first_number(result)
    if not first <= number < first + len(result.items):
        face.error(forms.wrong_number(number, first, first + len(result.items) - 1).message)
        return None
    return result.items[number - first].id


async def _open(face: Face, state: ClaimsState) -> Outcome:
    if state.selected is not None:
        return Outcome(claim_id=state.selected)
    result = state.result
    if result is None or not result.items:
        face.say(NO_CLAIMS)
        return Outcome()
    number = forms.chosen_line(await face.form(number_form(result)))
    if number is None:
        return Outcome()
    return Outcome(claim_id=result.items[number - first_number(result)].id)


async def _export(action_id: str, api: ClaimsApi, face: Face, state: ClaimsState) -> None:
    model, detail = state.model, state.detail
    if action_id == "claims.export_csv":
        await save_with(face, api.claims_csv(model.query()), "Fichier CSV")
    elif action_id == "claims.period_statement":
        period = model.period
        start = period.date_from or (state.options.default_date_from if state.options else None)
        await save_with(face, api.period_statement(start, period.date_to), "Relevé de prestations")
    elif action_id == "claims.annual_statement":
        options = state.options
        years = options.statement_years if options else [model.today.year - n for n in range(7)]
        index = await face.pick(BY_YEAR, [f"Année {year}" for year in years])
        if index is not None:
            await save_with(face, api.annual_statement(years[index]), f"Relevé annuel {years[index]}")
    elif action_id == "claim.payment_statement":
        payment = statement_payment(detail) if detail else None
        if detail is None or payment is None:
            # why there is none, by the claim's state (a rejected claim will never have one)
            face.say(wording.no_statement_sentence(detail.status) if detail else NO_DOCUMENTS)
            return
        await save_with(face, api.payment_statement(payment.id), "Relevé de prestations")
    elif action_id == "claim.documents":
        if detail is None or not detail.documents:
            face.say(NO_DOCUMENTS)
            return
        face.say("Documents joints : enregistrement en cours…")
        for sentence in await save_documents(api, detail):
            face.say(sentence)
    else:
        raise KeyError(action_id)
