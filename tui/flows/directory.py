"""« Trouver un professionnel de santé » without Textual (issue 21): the search form (what, where: at least one,
checked as typed with the server's own words), the results a page at a time as labelled lines (the sector,
OPTAM and 100 % Santé when known, « Secteur non renseigné » otherwise), then what next: another page, another
search, or « Simuler » with one practitioner, which hands the caller that practitioner's sector for the
simulator. It talks to a ``Face`` (tui.flows.profile): the full-screen client and the linear mode render it."""

from __future__ import annotations

from dataclasses import dataclass

from models.domain import directory as words
from models.domain.vocabulary import SECTOR_UNKNOWN, status_words
from models.schemas.directory import DirectoryHit, DirectoryKind, DirectoryPage, DirectoryQuery
from tui.api import errors
from tui.api.directory import DirectoryApi
from tui.flows.forms import CHOICE, Ask, Face, Form, Values, problem

HEADING = "Trouver un professionnel de santé"
PAGE_SIZE = 10
KINDS: tuple[tuple[str, str], ...] = tuple((kind.value, status_words(kind)) for kind in DirectoryKind)
INTRO = (
    "Au moins un critère : un nom, une profession ou une spécialité, ou une ville, un code postal, un département.",
    "Sources publiques : Annuaire Santé (RPPS) et FINESS. Le secteur n'y figure pas : il est indiqué quand "
    "la mutuelle le connaît.",
)
NOTHING_FOUND = "Aucun résultat. Essayez un autre mot, ou seulement la ville ou le code postal."
NEXT, NEW, DONE, SIMULATE = "suivante", "nouvelle", "fin", "simuler:"


@dataclass(frozen=True)
class SimulateWith:
    """What « Simuler » hands the simulator: the practitioner's sector (None: not known) and name."""

    sector: str | None
    practitioner: str


def _check(values: Values) -> str | None:
    # « where » is absent until asked: the linear face checks after each answer
    where = values.get("where")
    return words.criteria_problem(str(values.get("q") or ""), None if where is None else str(where))


def search_form(previous: Values | None = None) -> Form:
    previous = previous or {}
    return Form(
        HEADING,
        INTRO,
        (
            Ask(
                "kind",
                "Que cherchez-vous ?",
                CHOICE,
                choices=KINDS,
                default=str(previous.get("kind") or DirectoryKind.practitioner.value),
            ),
            Ask(
                "q",
                "Nom, profession ou spécialité",
                required=False,
                hint="par exemple « cardiologue », « Durand », « clinique »",
                default=str(previous.get("q") or ""),
            ),
            Ask(
                "where",
                "Ville, code postal ou département",
                required=False,
                hint="par exemple « Marseille », « 13008 », « 75 »",
                default=str(previous.get("where") or ""),
            ),
        ),
        check=_check,
        submit="Rechercher",
        recap=False,  # a search sends nothing and changes nothing: its answers are read back as the results
    )


def query(values: Values, page: int) -> DirectoryQuery:
    return DirectoryQuery(
        kind=DirectoryKind(values.get("kind") or DirectoryKind.practitioner.value),
        q=str(values.get("q") or "").strip(),
        where=str(values.get("where") or "").strip(),
        page=page,
        page_size=PAGE_SIZE,
    )


def _phone(number: str) -> str:
    """« 04 91 00 00 37 »: read as pairs of digits."""
    digits = "".join(c for c in number if c.isdigit())
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2)) if len(digits) == 10 else number


def hit_line(number: int, hit: DirectoryHit) -> str:
    """One result, as labelled parts (one line each in the linear mode, for speech and braille)."""
    parts = [f"{number}. {hit.name}", hit.profession]
    if hit.site and hit.site != hit.name:
        parts.append(hit.site)
    place = " ".join(part for part in (hit.postcode, hit.town) if part)
    parts.append(", ".join(part for part in (hit.address, place) if part) or "adresse non renseignée")
    if hit.phone:
        parts.append(f"tél. {_phone(hit.phone)}")
    if hit.kind == DirectoryKind.practitioner:
        parts.append(hit.sector_words or SECTOR_UNKNOWN)
    if hit.cent_pour_cent_sante:
        parts.append(hit.cent_pour_cent_sante)
    return " ; ".join(parts)


def page_heading(page: DirectoryPage) -> str:
    pages = max(1, -(-page.total // page.page_size))
    found = f"{page.total} résultat{'s' if page.total > 1 else ''}"
    return f"{found} (page {page.page} sur {pages})" if pages > 1 else found


def next_form(page: DirectoryPage, *, simulate: bool) -> Form:
    start = (page.page - 1) * page.page_size
    choices: list[tuple[str, str]] = []
    if simulate:
        choices += [
            (f"{SIMULATE}{i}", f"Simuler un remboursement chez {hit.name} (n° {start + i + 1})")
            for i, hit in enumerate(page.items)
            if hit.kind == DirectoryKind.practitioner
        ]
    if page.page * page.page_size < page.total:
        choices.append((NEXT, "Page suivante"))
    choices += [(NEW, "Nouvelle recherche"), (DONE, "Terminer")]
    return Form("Et maintenant ?", (), (Ask("next", "Que faire de ces résultats ?", CHOICE, choices=tuple(choices)),))


async def run(
    api: DirectoryApi, face: Face, *, simulate: bool = True, first: Values | None = None
) -> SimulateWith | None:
    """Search until the member chooses « Simuler » (its sector is returned) or is done (None). ``first``: the
    search form's answers when the face already asked them (the full-screen form sits on the screen)."""
    previous: Values | None = None
    while True:
        values: Values | None
        if first is not None and problem(search_form(), first) is None:
            values, first = first, None
        else:
            first = None
            values = await face.form(search_form(previous))
        if values is None:
            return None
        previous = values
        number = 1
        while True:
            try:
                page = await api.search(query(values, number))
            except errors.ApiError as exc:
                face.error(exc.message)
                break
            face.say(page_heading(page))
            if not page.items:
                face.say(NOTHING_FOUND)
                break
            start = (page.page - 1) * page.page_size
            for i, hit in enumerate(page.items):
                face.say(hit_line(start + i + 1, hit))
            answer = await face.form(next_form(page, simulate=simulate))
            chosen = (answer or {}).get("next", DONE)
            if chosen == DONE:
                return None
            if chosen == NEW:
                break
            if chosen == NEXT:
                number += 1
                continue
            hit = page.items[int(chosen.removeprefix(SIMULATE))]
            return SimulateWith(hit.sector, hit.name)
