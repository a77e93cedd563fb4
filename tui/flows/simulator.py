"""The simulateur de reste à charge as a Textual-free flow: what to ask (the beneficiary, the poste,
the act from a searchable French list, the amount, and the question a member can answer instead of
"secteur 2 OPTAM"), what to check, what to send, and the result in words. Both faces use it.

The questions are declared once (issue 18), as the ``forms.Ask`` of ``Questions``: the linear mode asks
them through its ``Face`` (``ask_simulation``: only a wrong answer is asked again, no recap — a simulation
sends nothing that changes data), the full-screen simulator builds its in-screen form from the same
fields (labels, hints, choices, which field is shown when) and says the same problems under them.
Glasses are several items of one équipement (a frame, two lenses, lenses of different paniers): they are
simulated together, so that they share the équipement's ceilings (issue 19)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
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
from tui.flows import retry
from tui.flows.forms import CHOICE, Ask, Face, Form, Problem, Values
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
BR_QUESTION = "Base de remboursement en euros"
BR_HINT = "indiquée sur la feuille de soins ou le devis"
AMOUNT_QUESTION = "Montant facturé en euros"
BR_WHAT = "Base de remboursement (elle figure sur la feuille de soins)"
AMOUNT_HINT = "par exemple 60 ou 60,50"
WHO_QUESTION = "Pour qui ?"
POSTE_QUESTION = "Quel poste de soins ?"
SEARCH_QUESTION = "Rechercher l'acte"
SEARCH_HINT = "quelques lettres, ou rien pour tout voir"
SEARCH_ALL = "tout"  # typed after a search that found nothing (Entrée would keep that search)
ACT_QUESTION = "Quel acte ?"
WHO, POSTE, SEARCH, ACT, CHARGED, BR, BASKET, EXCESS, OPTAM = (
    "who",
    "poste",
    "search",
    "act",
    "charged",
    "br",
    "basket",
    "excess",
    "optam",
)
OPTICS = "optique"


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


def _amount_sentence(what: str, text: str) -> str | None:
    """« Montant facturé : « 1e5 » n'est pas un montant… » — or None when the amount reads."""
    if not str(text or "").strip():
        return f"{what} : indiquez-le en euros, {AMOUNT_HINT}."
    problem = amount_problem(str(text))
    return f"{what} : {problem}." if problem else None


def _not_found(text: str) -> str:
    return f"Aucun acte ne correspond à « {text.strip()} » dans ce poste : essayez un autre mot, ou « {SEARCH_ALL} »."


def doctor_asks(when: Callable[[Values], bool]) -> tuple[Ask, Ask]:
    """Dépassements d'honoraires, then OPTAM when there are some: asked for a doctor's act (``when``)."""
    return (
        Ask(EXCESS, EXCESS_QUESTION, CHOICE, ANSWERS, when=when),
        Ask(OPTAM, OPTAM_QUESTION, CHOICE, ANSWERS, when=lambda v: when(v) and v.get(EXCESS) == YES),
    )


@dataclass(frozen=True)
class Questions:
    """The simulator's questions for one act, declared once for both faces (issue 18). ``people``: whom the
    simulation may be for (asked first); ``known_sector``: the practitioner's sector from the care finder
    (the questions on dépassements are then not asked); ``poste``: fixed, not asked (the next item of an
    optical équipement)."""

    known: tuple[ActChoice, ...]
    people: tuple[tuple[int, str], ...] = ()
    known_sector: str | None = None
    poste: str | None = None

    def act_of(self, values: Values) -> ActChoice | None:
        code = values.get(ACT)
        return next((a for a in self.known if a.code == code), None) if code else None

    def found(self, values: Values) -> tuple[ActChoice, ...]:
        """The acts of the poste chosen whose label holds the words searched (all of them for « tout »)."""
        text = str(values.get(SEARCH) or "")
        if _fold(text).strip() == SEARCH_ALL:
            text = ""
        return search(self.known, self.poste or values.get(POSTE) or None, text)

    def _doctor(self, values: Values) -> bool:
        act = self.act_of(values)
        return act is not None and act.doctor and self.known_sector is None

    @property
    def who(self) -> Ask:
        return Ask(WHO, WHO_QUESTION, CHOICE, tuple((str(pid), name) for pid, name in self.people))

    def asks(self, *, who: bool = True) -> tuple[Ask, ...]:
        """In the order asked; ``when`` says which are asked for the answers so far."""
        head = (self.who,) if who else ()
        poste = () if self.poste else (Ask(POSTE, POSTE_QUESTION, CHOICE, POSTES),)
        return (
            *head,
            *poste,
            Ask(SEARCH, SEARCH_QUESTION, hint=SEARCH_HINT, required=False),
            Ask(ACT, ACT_QUESTION, CHOICE, options=lambda v: tuple((a.code, a.label) for a in self.found(v))),
            Ask(CHARGED, AMOUNT_QUESTION, hint=AMOUNT_HINT),
            Ask(BR, BR_QUESTION, hint=BR_HINT, when=lambda v: bool((act := self.act_of(v)) and act.needs_br)),
            Ask(
                BASKET,
                BASKET_QUESTION,
                CHOICE,
                options=lambda v: act.baskets if (act := self.act_of(v)) else (),
                when=lambda v: bool((act := self.act_of(v)) and act.baskets),
            ),
            *doctor_asks(self._doctor),
        )

    def problems(self, values: Values, *, who: bool = True) -> list[Problem]:
        """Everything missing or wrong, in the order of the form, each with its field: the full-screen form
        says each under its field, the linear mode asks the first wrong field again."""
        found: list[Problem] = []
        if who and not values.get(WHO):
            found.append(Problem("Choisissez la personne soignée.", WHO))
        act = self.act_of(values)
        if act is None:
            text = str(values.get(SEARCH) or "")
            if text.strip() and not self.found(values):
                found.append(Problem(_not_found(text), SEARCH))
            else:
                found.append(Problem("Choisissez l'acte dans la liste.", ACT))
        if said := _amount_sentence("Montant facturé", values.get(CHARGED, "")):
            found.append(Problem(said, CHARGED))
        br = _amount_sentence(BR_WHAT, values.get(BR, "")) if act is not None and act.needs_br else None
        if br:
            found.append(Problem(br, BR))
        if act is not None and act.baskets and values.get(BASKET) not in {key for key, _ in act.baskets}:
            found.append(Problem("Choisissez le panier.", BASKET))
        return found

    def form(self, title: str, intro: tuple[str, ...] = (), *, who: bool = True) -> Form:
        """No recap: a simulation sends nothing that changes data (only the wrong answer is asked again)."""

        def check(values: Values) -> Problem | None:
            problems = self.problems(values, who=who)
            return problems[0] if problems else None

        return Form(title, intro, self.asks(who=who), check=check, submit="Simuler", recap=False)


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

    def questions(self, known: tuple[ActChoice, ...] = ()) -> Questions:
        """The questions this form answers (``known``: the acts to choose from; the act chosen is known)."""
        acts = known if self.act is None or self.act in known else (*known, self.act)
        return Questions(tuple(acts), known_sector=self.known_sector)

    def values(self) -> Values:
        """The answers as the declared questions name them (``Questions``)."""
        return {
            WHO: "" if self.beneficiary_id is None else str(self.beneficiary_id),
            POSTE: self.poste or "",
            ACT: self.act.code if self.act else "",
            CHARGED: self.charged,
            BR: self.br,
            BASKET: self.basket or "",
            EXCESS: self.excess or "",
            OPTAM: self.optam or "",
        }

    def take(self, values: Values, questions: Questions) -> None:
        """The answers of the declared form, kept as this form's fields (a field not asked stays empty)."""
        if values.get(WHO):
            self.beneficiary_id = int(values[WHO])
        self.poste = questions.poste or values.get(POSTE) or None
        self.act = questions.act_of(values)
        self.charged = str(values.get(CHARGED) or "")
        act = self.act
        self.br = str(values.get(BR) or "") if act is not None and act.needs_br else ""
        self.basket = (values.get(BASKET) or None) if act is not None and act.baskets else None
        self.excess = (values.get(EXCESS) or None) if self.asks_excess else None
        self.optam = (values.get(OPTAM) or None) if self.asks_optam else None

    def field_problems(self) -> list[tuple[str, str]]:
        """What is missing or wrong, in French, in the order of the form, each with its field (the declared
        questions' names, ``Questions.problems``): the full-screen form says it beside that field (issue 19)."""
        return [(p.field or "", p.message) for p in self.questions().problems(self.values())]

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


BASKET_WORDS = {"100-sante": "100 % Santé", "maitrise": "tarif maîtrisé", "libre": "tarif libre"}


def item_label(form: SimulatorForm) -> str:
    """« Verre simple, tarif libre »: the act, and its panier when it has one (two lenses may differ)."""
    assert form.act is not None
    return form.act.label + (f", {BASKET_WORDS.get(form.basket, form.basket)}" if form.basket else "")


@dataclass
class CareEvent:
    """Several acts of one care (the console's simulation): each act the form describes is added as one
    line, and the lines are simulated together, sharing the ceilings they draw on."""

    labels: list[str] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    title: str = "Actes ajoutés"

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
        self.labels.append(item_label(form))
        self.lines.append(scenarios[0])
        form.act, form.charged, form.br, form.basket = None, "", "", None
        return []

    def item_lines(self) -> list[str]:
        """The summary for the ear: the count, then one short line per item (no line over 80 characters)."""
        acts = zip(self.labels, self.lines, strict=True)
        return [
            f"{self.title} ({len(self.lines)}) :",
            *(f"{n}. {label}, {format_eur(Decimal(line['charged']))}" for n, (label, line) in enumerate(acts, 1)),
        ]

    def summary(self) -> str:
        acts = zip(self.labels, self.lines, strict=True)
        return f"{self.title} ({len(self.lines)}) : " + " ; ".join(
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


TOTALS = (("amo_paid", "Sécurité sociale"), ("amc_paid", "Mutuelle"), ("out_of_pocket", None))


@dataclass(frozen=True)
class CareView:
    """Several lines of one care simulated together: each with its heading and its own figures, then the
    totals (« Sécurité sociale », « Mutuelle », what remains to pay)."""

    items: tuple[tuple[str, ResultView], ...]
    totals: tuple[str, ...]


def care_view(headings: Sequence[str], results: Sequence[SimulationResult], *, rest: str = MEMBER_REST) -> CareView:
    items = tuple((h, result_view([{}], [r], rest=rest)) for h, r in zip(headings, results, strict=True))
    totals = tuple(
        f"{words or rest} : {format_eur(sum((Decimal(getattr(r, key)) for r in results), Decimal('0.00')))}"
        for key, words in TOTALS
    )
    return CareView(items, totals)


def care_lines(view: CareView) -> list[str]:
    """The result as text (the screen, the console): each line's heading, its figures indented, the totals."""
    lines = [RESULT_HEADING]
    for heading, item in view.items:
        lines += [heading, *(f"  {line}" for line in result_lines(item)[1:])]
    return [*lines, "Total : " + " ; ".join(view.totals)]


GLASSES_TITLE = "Éléments des lunettes"
MORE_ITEMS = "Ajouter un élément à ces lunettes ?"  # short: the menu reminder stays under 80
NEXT_ITEM = "Élément suivant des lunettes"
NOT_SAVED_SEVERAL = "Une simulation de plusieurs éléments ne s'enregistre pas dans votre espace."


GLASSES_ONLY = "Des lunettes réunissent une monture et des verres : choisissez un acte du poste Optique, ou Simuler."


def item_problems(glasses: CareEvent, form: SimulatorForm) -> list[tuple[str, str]]:
    """Why the form's act cannot be one more item of the glasses (an act of another poste)."""
    if glasses.lines and form.act is not None and form.act.poste != OPTICS:
        return [(ACT, GLASSES_ONLY)]
    return []


def item_headings(event: CareEvent) -> list[str]:
    """« Élément 1 : Monture de lunettes, tarif libre, 150,00 € »."""
    return [
        f"Élément {n} : {label}, {format_eur(Decimal(line['charged']))}"
        for n, (label, line) in enumerate(zip(event.labels, event.lines, strict=True), start=1)
    ]


@dataclass(frozen=True)
class Outcome:
    """A simulation done: what was sent, the engine's answers, and the words to show."""

    requests: list[dict[str, Any]]
    results: list[SimulationResult]
    single: ResultView | None = None
    several: CareView | None = None

    @property
    def can_save(self) -> bool:
        """Only one act is kept in « Mes simulations enregistrées » (the server keeps one act a simulation)."""
        return self.several is None

    def lines(self) -> list[str]:
        if self.several is not None:
            return [*care_lines(self.several), NOT_SAVED_SEVERAL]
        assert self.single is not None
        return result_lines(self.single)


async def _simulate_items(api: ApiClient, lines: list[dict[str, Any]]) -> list[SimulationResult]:
    """The items of one pair of glasses, one request per panier, the results back in the items' order: the
    items of a panier share its ceilings (the contrat responsable's, the forfait par équipement), while a
    100 % Santé item and a tarif libre one are paid by different guarantee lines — often of different
    contracts, which one request cannot mix — and share no ceiling."""
    groups: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        groups.setdefault(str(line.get("basket")), []).append(index)
    results: dict[int, SimulationResult] = {}
    for indexes in groups.values():
        answered = await api.simulate_care([lines[i] for i in indexes])
        results.update(zip(indexes, answered, strict=True))
    return [results[i] for i in range(len(lines))]


async def simulate(api: ApiClient, form: SimulatorForm, glasses: CareEvent | None = None) -> Outcome:
    """One act (two requests for a range), or the items of one pair of glasses (``_simulate_items``)."""
    if glasses is not None and len(glasses.lines) > 1:
        results = await _simulate_items(api, list(glasses.lines))
        return Outcome(list(glasses.lines), results, several=care_view(item_headings(glasses), results))
    requests = form.scenarios() if glasses is None or not glasses.lines else list(glasses.lines)
    results = [await api.simulate(request) for request in requests]
    return Outcome(requests, results, single=result_view(requests, results))


# -- asked through a Face (the linear mode) -------------------------------------------------------------

ACT_TITLE = "Acte à simuler"
GIVEN_UP = "Simulation abandonnée : rien n'a été calculé."
SAVE_QUESTION = "Enregistrer cette simulation dans votre espace ?"
SAVED = "Simulation enregistrée dans votre espace."


async def ask_simulation(
    face: Face, questions: Questions, form: SimulatorForm, intro: tuple[str, ...] = ()
) -> CareEvent | None:
    """The member's questions into ``form``; for glasses, the next items too (« Ajouter un autre élément »),
    each with only the questions of an item. The glasses' items (none for one act), or None when given up."""
    values = await face.form(questions.form(HEADING, intro))
    if values is None:
        return None
    form.take(values, questions)
    glasses = CareEvent(title=GLASSES_TITLE)
    if form.act is None or form.act.poste != OPTICS:
        return glasses
    item_questions = replace(questions, poste=OPTICS)
    while await face.confirm(MORE_ITEMS):
        if not glasses.lines:
            glasses.add(replace(form))  # the first item, as asked (``add`` empties the form it is given)
        answers = await face.form(item_questions.form(NEXT_ITEM, who=False))
        if answers is None:
            break
        item = SimulatorForm(beneficiary_id=form.beneficiary_id)
        item.take(answers, item_questions)
        glasses.add(item)
        for line in glasses.item_lines():
            face.say(line)
    return glasses


async def ask_who(face: Face, questions: Questions, form: SimulatorForm) -> bool:
    """« Pour qui ? » alone (the console asks it once for all the acts of one care); False: back."""
    who = questions.who
    index = await face.pick(who.label, [words for _, words in who.choices])
    if index is None:
        return False
    form.beneficiary_id = int(who.choices[index][0])
    return True


async def ask_act(face: Face, questions: Questions, form: SimulatorForm) -> bool:
    """The questions of one act (no « Pour qui ? »): the console asks them for each act of one care."""
    values = await face.form(questions.form(ACT_TITLE, who=False))
    if values is None:
        return False
    form.take(values, questions)
    return True


async def ask_doctor(face: Face, form: SimulatorForm) -> None:
    """Dépassements d'honoraires, then OPTAM, asked again (the console: « Je ne sais pas » is not one act)."""
    if not form.asks_excess:
        return
    values = await face.form(Form("Dépassements d'honoraires", (), doctor_asks(lambda _: True), recap=False))
    if values is not None:
        form.excess = values.get(EXCESS) or None
        form.optam = (values.get(OPTAM) or None) if form.asks_optam else None


async def offer_save(api: ApiClient, face: Face, form: SimulatorForm, requests: list[dict[str, Any]]) -> bool:
    """« Enregistrer ? »; when the server does not answer, asked again and sent with the same key (saved
    once). True when saved."""
    question = SAVE_QUESTION
    while await face.confirm(question):
        try:
            await api.save_simulation(requests, form.save_key(requests))
        except errors.ApiError as exc:
            if not retry.is_unreachable(exc):
                face.error(exc.message)
                return False
            face.error(retry.kept_sentence(exc, SAVE_KEPT))
            question = "L'enregistrer maintenant ?"  # the same simulation, with the same key
            continue
        form.saving.done()
        face.say(SAVED)
        return True
    return False


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
