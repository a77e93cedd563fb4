"""How a numbered menu reads an answer in the linear mode (issue 18): the same words in every menu.

A number chooses; so do the first letters of an entry, accent- and case-blind (« rem » for
« Mes remboursements » when no other entry starts so); « 0 » or « retour » goes back; « r » reads the menu
again; « ? » or « aide » explains. Textual-free and without I/O, so that the rule is tested once and every
menu of the linear mode (and any other line front end) obeys it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum

from models.domain.identifiers import fold_name

BACK_WORDS = ("0", "retour")
REPEAT_WORDS = ("r", "relire", "repeter")
HELP_WORDS = ("?", "aide")
BACK_LABELS = ("retour", "revenir")
"""An entry that goes back (« Retour », « Revenir à la liste ») is what « 0 » chooses in a menu that has one."""

COMMANDS_HELP = (
    "Tapez le numéro d'un choix, ou ses premières lettres, puis Entrée.",
    "0 ou « retour » : revenir en arrière. « r » : relire le menu. « ? » ou « aide » : cette aide.",
    "Ctrl+C : annuler la question en cours (rien n'est envoyé).",
    "Ctrl+D : dans un formulaire, l'annuler ; au menu principal, quitter.",
    "Dans un formulaire : « annuler » à une question l'abandonne ; avant l'envoi, les réponses sont relues,"
    " « modifier » et un numéro en change une.",
)


class Kind(Enum):
    CHOSEN = "chosen"
    BACK = "back"
    REPEAT = "repeat"
    HELP = "help"
    WRONG = "wrong"


@dataclass(frozen=True)
class MenuAnswer:
    kind: Kind
    index: int = -1
    problem: str = ""
    number: int | None = None
    """« détail 3 »: an entry's first letters then a number, for the entry that asks a number (a claim's
    détail): the number given at once instead of being asked after."""


_WORDS_THEN_NUMBER = re.compile(r"^(\D*\D)\s+(\d+)$")


def _fold(text: str) -> str:
    return fold_name(text).strip(" .«»")


def read_answer(answer: str, options: list[str], numbered: frozenset[int] = frozenset()) -> MenuAnswer:
    """What ``answer`` (as typed) means in a menu of ``options``; ``index`` is 0-based. ``numbered``: the
    entries that take a number after their first letters (« détail 3 »)."""
    words_then_number = _WORDS_THEN_NUMBER.match(_fold(answer))
    if words_then_number is not None and numbered:
        chosen = read_answer(words_then_number.group(1), options)
        if chosen.kind is Kind.CHOSEN and chosen.index in numbered:
            return replace(chosen, number=int(words_then_number.group(2)))
    typed = _fold(answer)
    count = len(options)
    exact = [i for i, option in enumerate(options) if typed and _fold(option) == typed]
    if len(exact) == 1:  # an entry's own words, « Retour » when « Retour à l'accueil » is there too
        return MenuAnswer(Kind.CHOSEN, exact[0])
    if typed in BACK_WORDS:
        back = [i for i, option in enumerate(options) if _fold(option).startswith(BACK_LABELS)]
        return MenuAnswer(Kind.CHOSEN, back[-1]) if back else MenuAnswer(Kind.BACK)
    if typed in REPEAT_WORDS:
        return MenuAnswer(Kind.REPEAT)
    if typed in HELP_WORDS:
        return MenuAnswer(Kind.HELP)
    if typed.isdigit():
        if 1 <= int(typed) <= count:
            return MenuAnswer(Kind.CHOSEN, int(typed) - 1)
        return MenuAnswer(Kind.WRONG, problem=f"choix invalide : « {typed} ». Tapez un nombre de 1 à {count}.")
    if not typed:
        return MenuAnswer(Kind.WRONG, problem=f"tapez un nombre de 1 à {count}, ou « ? » pour l'aide.")
    starting = [i for i, option in enumerate(options) if _fold(option).startswith(typed)]
    if not starting:  # « remb » also finds « Mes remboursements »: the first letters of any word
        starting = [i for i, option in enumerate(options) if any(w.startswith(typed) for w in _fold(option).split())]
    if len(starting) == 1:
        return MenuAnswer(Kind.CHOSEN, starting[0])
    if not starting:
        return MenuAnswer(Kind.WRONG, problem=f"aucun choix ne commence par « {answer.strip()} ». Tapez son numéro.")
    numbers = ", ".join(str(i + 1) for i in starting)
    problem = f"« {answer.strip()} » désigne plusieurs choix ({numbers}) : tapez le numéro."
    return MenuAnswer(Kind.WRONG, problem=problem)


def reminder(heading: str, count: int) -> str:
    """A menu already read in full, said again in one line (menu reprints were a third of all lines)."""
    return f"{heading} ({count} choix ; « r » : les relire)"
