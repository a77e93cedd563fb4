"""The text search of a list over the words the list shows (issue 19): a claim is found by its label, its
acts, the person, its status word, the professional and its amounts as a member types them (« 6,94 »,
« 6.94 », « 1 234,56 € »), whatever the case and the accents (« / optique » finds « Équipement optique »,
« frais de sant » finds « Frais de santé »).

Pure: the server applies it to a household's claims (a few hundred at most) before paging, identically on
SQLite and PostgreSQL (neither folds accents the same way by itself); the tests apply it without a UI.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache

from models.domain.money import format_eur
from models.domain.states import ClaimStatus, PaymentState
from models.domain.vocabulary import claim_status_words

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\t": " ", "\n": " "})


class _WithoutMarks(dict[int, int | None]):
    """``str.translate``'s table that drops the combining marks (the accents NFKD takes apart), filled as
    characters are met: building it for every code point would cost a third of a second at import."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_MARKS = _WithoutMarks()


def fold(text: str) -> str:
    """Case and accents ignored, every kind of space one plain space: what is compared."""
    text = text.translate(_SPACES).casefold()
    if not text.isascii():  # ASCII has nothing to decompose (most amounts, many labels)
        text = unicodedata.normalize("NFKD", text).translate(_WITHOUT_MARKS)
    return " ".join(text.split())


def terms(query: str) -> list[str]:
    """The words searched for: each must be found (« optique bellecour »: the act and the optician)."""
    return fold(query).split()


@lru_cache(maxsize=4096)
def amount_words(value: Decimal) -> tuple[str, ...]:
    """An amount as the list shows it and as people type it: « 1 234,56 € », « 1234,56 », « 1234.56 ».
    Kept for the amounts met again (a household's claims repeat a few tariffs): equal amounts read alike."""
    plain = f"{value:.2f}"
    return (format_eur(value), plain.replace(".", ","), plain)


def claim_words(
    *,
    label: str,
    line_labels: Iterable[str] = (),
    beneficiary_name: str,
    status: ClaimStatus,
    payment_state: PaymentState | None = None,
    professionals: Iterable[str | None] = (),
    amounts: Iterable[Decimal] = (),
) -> list[str]:
    """Every word a claim's row (and its détail's first lines) shows, for `matches`."""
    words = [label, *line_labels, beneficiary_name, claim_status_words(status, payment_state)]
    words += [name for name in professionals if name]
    for value in amounts:
        words += amount_words(value)
    return words


def matches(query: str, words: Iterable[str]) -> bool:
    """True when every searched word is found in the row's words (an empty search finds everything)."""
    return matcher(query)(words)


def matcher(query: str) -> Callable[[Iterable[str]], bool]:
    """``matches`` for one query and many rows: the query folded once, each word folded once for all the rows
    that show it (labels, names, status words and amounts come back from row to row)."""
    searched = terms(query)

    def found(words: Iterable[str]) -> bool:
        haystack = " | ".join(map(_folded, words))
        return all(term in haystack for term in searched)

    return found


_folded = lru_cache(maxsize=8192)(fold)
