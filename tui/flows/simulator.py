"""The simulateur de reste à charge as a Textual-free flow: what to ask (the beneficiary, the poste,
the act from a searchable French list, the amount, and the question a member can answer instead of
"secteur 2 OPTAM"), what to check, what to send, and the result in words. Both faces use it."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from decimal import Decimal
from typing import Any

from models.domain.dates import format_date, format_date_long
from models.domain.directory import sector_words
from models.domain.money import AmountError, format_eur, read_typed_amount
from models.domain.tariffs import tariff_set_for
from models.schemas.dashboard import BeneficiarySummary
from models.schemas.guarantees import BeneficiaryCover, SavedSimulationOut
from models.schemas.simulation import SimulationResult
from tui.api import errors
from tui.api.client import ApiClient
from tui.clock import paris
from tui.flows.retry import Submission

HEADING = "Simulateur de remboursement"
POSTES: tuple[tuple[str, str], ...] = (
    ("soins_courants", "Consultations et soins courants"),
    ("pharmacie", "Pharmacie"),
    ("dentaire", "Dentaire"),
    ("optique", "Optique"),
    ("aides_auditives", "Aides auditives"),
    ("hospitalisation", "Hospitalisation"),
)
# the tariff data's own categories, grouped as the postes of a tableau de garanties
_POSTE_OF = {
    "consultations": "soins_courants",
    "auxiliaires": "soins_courants",
    "biologie": "soins_courants",
    "transport": "soins_courants",
    "actes_techniques": "soins_courants",
}

EXCESS_QUESTION = "Votre médecin pratique-t-il des dépassements d'honoraires ?"
OPTAM_QUESTION = (
    "A-t-il signé l'OPTAM, l'option de pratique tarifaire maîtrisée (dépassements modérés, mieux "
    "remboursés ; indiqué sur annuaire.ameli.fr) ?"
)
YES, NO, UNKNOWN = "oui", "non", "nsp"
ANSWERS: tuple[tuple[str, str], ...] = ((YES, "Oui"), (NO, "Non"), (UNKNOWN, "Je ne sais pas"))
BASKET_QUESTION = "Quel panier ?"
_FULL = ("100-sante", "100 % Santé (sans reste à charge)")
_FREE = ("libre", "Tarif libre")
BASKETS = {  # in words: no « classe A / B », « classe I / II » (issue 19)
    "PROTHESE": (_FULL, ("maitrise", "Tarif maîtrisé"), _FREE),
    "optique": (_FULL, _FREE),
    "AUDIO": (_FULL, _FREE),
}
BR_QUESTION = "Base de remboursement indiquée sur la feuille de soins ou le devis (en euros)"
AMOUNT_QUESTION = "Montant facturé (en euros)"


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if unicodedata.category(c) != "Mn")


@dataclass(frozen=True)
class ActChoice:
    code: str
    label: str
    poste: str
    doctor: bool
    needs_br: bool
    baskets: tuple[tuple[str, str], ...]


def acts(today: date) -> tuple[ActChoice, ...]:
    """Every act the engine knows on ``today``, with its French label, sorted by label."""
    found = []
    for act in tariff_set_for(today).acts.values():
        poste = _POSTE_OF.get(act.care_category, act.care_category)
        baskets = BASKETS.get(act.code) or (BASKETS["optique"] if poste == "optique" else ())
        found.append(ActChoice(act.code, act.label, poste, act.doctor, act.br_from == "request", baskets))
    return tuple(sorted(found, key=lambda a: _fold(a.label)))


def search(choices: tuple[ActChoice, ...], poste: str | None, text: str = "") -> tuple[ActChoice, ...]:
    """The acts of ``poste`` whose label (accents and case ignored) holds every word of ``text``."""
    words = _fold(text).split()
    return tuple(a for a in choices if (poste is None or a.poste == poste) and all(w in _fold(a.label) for w in words))


def sectors(excess: str | None, optam: str | None) -> list[str]:
    """The doctor's sector(s) to simulate from the member's answers; two give the range."""
    if excess == NO:
        return ["1"]
    if excess == YES and optam == YES:
        return ["2-optam"]
    if excess == YES and optam == NO:
        return ["2"]
    return ["2-optam", "2"]


def amount_problem(text: str) -> str | None:
    """Why a typed amount is refused, in the words of every form (models.domain.money); None when it reads."""
    try:
        read_typed_amount(text, allow_zero=True)
    except AmountError as exc:
        return str(exc)
    return None


def parse_euros(text: str) -> Decimal | None:
    """The amount typed (« 60 », « 60,50 », « 60 € », « 1 200,50 »), or None when ``amount_problem`` says why."""
    try:
        return read_typed_amount(text, allow_zero=True)
    except AmountError:
        return None


SAVE_KEPT = "votre simulation est gardée"
ONE_CASE = (
    "La simulation d'un conseiller porte sur un cas précis : répondez Oui ou Non à la question sur les "
    "dépassements d'honoraires (et sur l'OPTAM) ; « Je ne sais pas » donnerait une fourchette."
)
SEVERAL_ACTS = (
    "Pour simuler plusieurs actes, répondez Oui ou Non aux questions sur les dépassements "
    "d'honoraires et l'OPTAM : « Je ne sais pas » donne une fourchette, pas un acte parmi d'autres."
)


@dataclass
class SimulatorForm:
    beneficiary_id: int | None = None
    poste: str | None = None
    act: ActChoice | None = None
    charged: str = ""
    br: str = ""
    excess: str | None = None
    optam: str | None = None
    basket: str | None = None
    saving: Submission = field(default_factory=Submission)  # the Idempotency-Key of « Enregistrer »
    # issue 21: « Simuler » from the care finder: the practitioner's sector, when the directory knows it, is
    # used instead of the questions on dépassements and OPTAM
    known_sector: str | None = None
    practitioner: str = ""

    def sector_note(self) -> str | None:
        """What the simulation takes from the care finder, said before the form."""
        if not self.practitioner:
            return None
        if self.known_sector is None:
            return (
                f"{self.practitioner} : secteur non renseigné dans l'annuaire ; répondez aux questions sur les "
                "dépassements d'honoraires."
            )
        return f"{self.practitioner} : {sector_words(self.known_sector)} (repris de l'annuaire)."

    def save_key(self, scenarios: list[dict[str, Any]]) -> str:
        """The same key while the same simulation is saved again (after a network error): saved once."""
        return self.saving.key_for({"scenarios": scenarios})

    @property
    def asks_excess(self) -> bool:
        return self.act is not None and self.act.doctor and self.known_sector is None

    @property
    def asks_optam(self) -> bool:
        return self.asks_excess and self.excess == YES

    def field_problems(self) -> list[tuple[str, str]]:
        """What is missing or wrong, in French, in the order of the form, each with its field ("who",
        "search", "charged", "br", "basket"): the full-screen form says it beside that field (issue 19)."""
        found = []
        if self.beneficiary_id is None:
            found.append(("who", "Choisissez la personne soignée."))
        if self.act is None:
            found.append(("search", "Choisissez l'acte dans la liste."))
        if parse_euros(self.charged) is None:
            found.append(("charged", f"Montant facturé : {amount_problem(self.charged)}."))
        if self.act is not None and self.act.needs_br and parse_euros(self.br) is None:
            found.append(
                ("br", f"Base de remboursement (elle figure sur la feuille de soins) : {amount_problem(self.br)}.")
            )
        if self.act is not None and self.act.baskets and self.basket is None:
            found.append(("basket", "Choisissez le panier."))
        return found

    def problems(self) -> list[str]:
        """The same, as sentences (the linear mode asks the fields again in order)."""
        return [message for _, message in self.field_problems()]

    def scenarios(self) -> list[dict[str, Any]]:
        """The member-form request(s): one, or two (OPTAM and not) when the member does not know."""
        assert not self.problems() and self.act is not None
        base: dict[str, Any] = {
            "beneficiary_id": str(self.beneficiary_id),
            "act": self.act.code,
            "charged": str(parse_euros(self.charged)),
        }
        if self.act.needs_br:
            base["br"] = str(parse_euros(self.br))
        if self.basket is not None:
            base["basket"] = self.basket
        if self.act.doctor and self.known_sector is not None:
            return [{**base, "sector": self.known_sector}]
        if not self.asks_excess:
            return [base]
        return [{**base, "sector": sector} for sector in sectors(self.excess, self.optam)]


@dataclass
class CareEvent:
    """Several acts of one care (the console's simulation): each act the form describes is added as one
    line, and the lines are simulated together, sharing the ceilings they draw on."""

    labels: list[str] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)

    def add(self, form: SimulatorForm) -> str | None:
        """Add the form's act, or say in French what is missing; the form is then ready for the next act."""
        problems = self.add_problems(form)
        return " ".join(message for _, message in problems) if problems else None

    def add_problems(self, form: SimulatorForm) -> list[tuple[str, str]]:
        """Add the form's act, or say what is missing, field by field (see `SimulatorForm.field_problems`)."""
        problems = form.field_problems()
        if problems:
            return problems
        scenarios = form.scenarios()
        if len(scenarios) > 1:  # a range is one act simulated twice, not an act of the care
            field = "optam" if form.excess == YES else "excess"
            if not self.lines:  # one act so far: nothing about « plusieurs actes » (issue 19)
                return [(field, ONE_CASE)]
            return [(field, SEVERAL_ACTS)]
        assert form.act is not None
        self.labels.append(form.act.label)
        self.lines.append(scenarios[0])
        form.act, form.charged, form.br, form.basket = None, "", "", None
        return []

    def summary(self) -> str:
        acts = zip(self.labels, self.lines, strict=True)
        return f"Actes ajoutés ({len(self.lines)}) : " + " ; ".join(
            f"{label}, {format_eur(Decimal(line['charged']))}" for label, line in acts
        )


@dataclass(frozen=True)
class ResultView:
    figures: tuple[str, ...]
    explanations: tuple[tuple[str, tuple[str, ...]], ...]
    """(heading, sentences) per scenario."""
    is_range: bool = False
    notes: tuple[str, ...] = field(default=())


def _span(values: list[Decimal]) -> str:
    low, high = min(values), max(values)
    return format_eur(low) if low == high else f"de {format_eur(low)} à {format_eur(high)}"


SCENARIO_HEADINGS = {
    "2-optam": "Si votre médecin est adhérent à l'OPTAM",
    "2": "Si votre médecin n'est pas adhérent à l'OPTAM",
}


MEMBER_REST = "Reste à votre charge"


def result_view(
    requests: list[dict[str, Any]], results: list[SimulationResult], *, rest: str = MEMBER_REST
) -> ResultView:
    """Sécurité sociale, each contract of the mutuelle, what remains to pay (``rest`` names who pays it:
    the member reads « votre », the conseiller « l'adhérent »); min–max for a range."""
    is_range = len(results) > 1
    figures = [f"Sécurité sociale : {_span([Decimal(r.amo_paid) for r in results])}"]
    contracts: list[str] = []
    for result in results:
        for share in result.amc:
            if share.contract not in contracts:
                contracts.append(share.contract)
    for name in contracts:
        amounts = [sum((Decimal(s.amount) for s in r.amc if s.contract == name), Decimal("0.00")) for r in results]
        figures.append(f"{name} : {_span(amounts)}")
    if not contracts:
        figures.append("Votre mutuelle : 0,00\u00a0€")
    figures.append(f"{rest} : {_span([Decimal(r.out_of_pocket) for r in results])}")
    explanations = []
    for request, result in zip(requests, results, strict=True):
        heading = (
            SCENARIO_HEADINGS.get(request.get("sector", ""), "Détail du calcul") if is_range else "Détail du calcul"
        )
        explanations.append((heading, tuple(result.explanation)))
    notes = ("Vous ne savez pas si votre médecin adhère à l'OPTAM : voici la fourchette.",) if is_range else ()
    return ResultView(tuple(figures), tuple(explanations), is_range, notes)


RESULT_HEADING = "Résultat de la simulation"


def result_lines(view: ResultView) -> list[str]:
    """The result as the simulator shows it: the figures, then each scenario's explanation."""
    lines = [RESULT_HEADING, *view.notes, *view.figures]
    for heading, sentences in view.explanations:
        lines.append(f"{heading} :")
        lines.extend(f"  {s}" for s in sentences)
    return lines


def beneficiary_choices(people: Sequence[BeneficiaryCover | BeneficiarySummary]) -> list[tuple[int, str]]:
    """The people to simulate for, by name: the member's own (Mes garanties) or a dossier's (the console)."""
    return [(p.id, f"{p.first_name} {p.last_name}") for p in people]


# -- Mes simulations enregistrées ------------------------------------------------------------------------

SAVED_TITLE = "Mes simulations enregistrées"
SAVED_LOADING = "Chargement de vos simulations enregistrées…"
NO_SAVED = "Aucune simulation enregistrée. Après une simulation, choisissez « Enregistrer » pour la retrouver ici."


def saved_heading(count: int) -> str:
    return f"{SAVED_TITLE} ({count})"


def saved_line(item: SavedSimulationOut, *, long_dates: bool = False) -> str:
    """One saved simulation as one labelled line, its figures recomputed in words (min–max for a range)."""
    dates = format_date_long if long_dates else format_date
    rest = next(f for f in result_view(item.requests, item.results).figures if f.startswith(MEMBER_REST))
    created = item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=UTC)
    return (
        f"Le : {dates(created.astimezone(paris()).date())} ; Pour : {item.beneficiary_name} ; "
        f"Acte : {item.act_label} ; Montant : {format_eur(item.charged)} ; {rest}"
    )


@dataclass(frozen=True)
class SavedList:
    lines: tuple[str, ...]
    error: str | None = None

    @property
    def heading(self) -> str:
        return saved_heading(len(self.lines))


async def load_saved(api: ApiClient, *, long_dates: bool = False) -> SavedList:
    """The member's saved simulations, newest first, without having to save a new one."""
    try:
        saved = await api.saved_simulations()
    except errors.ApiError as exc:
        return SavedList((), exc.message)
    return SavedList(tuple(saved_line(item, long_dates=long_dates) for item in saved))
