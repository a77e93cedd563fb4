"""Lines for the ear and for the fingers (issue 18): what the linear mode prints goes through here.

A screen reader reads « 1204587 » as « un million deux cent quatre mille… », « 10 h 10 » as « dix ache
dix », « …8145 » without its meaning and « c****l » as four « astérisque »; a 40-cell braille display
needs several pans for a line of 120 characters. So, in this mode only (the full-screen client keeps the
written forms): identifiers read digit by digit, times in words, masked values said as masked, amounts as
« 6 euros 94 », « N° » as « numéro », and lines cut at 80 characters between words, a continuation line
starting with two spaces. Checked by ear with espeak-ng's French voice (``python -m bench.espeak_transcript``)."""

from __future__ import annotations

import re
import textwrap

WIDTH = 80
BY_DEFAULT = True
"""The linear mode renders for speech unless told otherwise. The test suite's transcripts check the flows'
words as written (tests/tui/conftest.py turns this off); tests/tui/test_linear_speech.py checks this
rendering over whole sessions."""
_TIME = re.compile(r"\b(\d{1,2}) h (\d{2})\b")
_HOUR = re.compile(r"\b(\d{1,2}) h\b(?! \d)")
_LAST_DIGITS = re.compile(r"…(\d{2,})")
_MASK = re.compile(r"\*+(?:\s\*+)*")
_IDENTIFIER = re.compile(r"(?i)(\bn° (?:adhérent|amc)\s*:?\s*)(\d(?: ?\d){5,})")
_NIR = re.compile(r"(\bNIR\s*:?\s*)(\d{1,3}(?: \d{1,3}){3,})")
_NUMBER_SIGN = re.compile(r"(?i)\bn°\s?")
_SPACE = "[ \u00a0\u202f]"
_EUROS = re.compile(rf"(?<![\d,])(\d{{1,3}}(?:{_SPACE}\d{{3}})*),(\d{{2}}){_SPACE}?€")


def _hours(hours: str) -> str:
    return f"{hours} heure" + ("s" if int(hours) > 1 else "")


def _digits(match: re.Match[str]) -> str:
    return match.group(1) + " ".join(match.group(2).replace(" ", ""))


def _nir_groups(match: re.Match[str]) -> str:
    """« 1 10 12 63 113 530 45 » was heard « … soixante-trois millions cent treize mille… » (espeak-ng):
    the groups of the NIR read one by one, a comma between them."""
    return match.group(1) + ", ".join(match.group(2).split(" "))


def _euros(match: re.Match[str]) -> str:
    """« 6,94 € » -> « 6 euros 94 », as a person says it (espeak-ng said « six virgule quatre-vingt-quatorze
    euros »); « 0,50 € » -> « 50 centimes », « 1,00 € » -> « 1 euro »."""
    whole, cents = match.group(1), match.group(2)
    if re.sub(r"\D", "", whole) == "0":
        return f"{int(cents)} centime" + ("s" if int(cents) > 1 else "")
    words = whole + (" euro" if re.sub(r"\D", "", whole) == "1" else " euros")
    return words if cents == "00" else f"{words} {cents}"


def spoken(line: str) -> str:
    line = _TIME.sub(lambda m: f"{_hours(m.group(1))} {m.group(2)}", line)
    line = _HOUR.sub(lambda m: _hours(m.group(1)), line)
    line = _LAST_DIGITS.sub(r"se terminant par \1", line)
    line = _MASK.sub(" (masqué) ", line).replace("  ", " ")
    line = _IDENTIFIER.sub(_digits, line)
    line = _NIR.sub(_nir_groups, line)
    line = _EUROS.sub(_euros, line)
    # « N° » is read « enne » by espeak-ng's French voice (checked): the word, as a person says it
    return _NUMBER_SIGN.sub("numéro ", line)


ABBREVIATIONS = {
    "BR": "base de remboursement",
    "RO": "régime obligatoire : la Sécurité sociale",
    "AMO": "assurance maladie obligatoire",
    "AMC": "assurance maladie complémentaire",
    "NIR": "numéro de sécurité sociale",
    "NOEMIE": "télétransmission de l'Assurance Maladie",
    "OPTAM": "option de pratique tarifaire maîtrisée",
    "RIB": "relevé d'identité bancaire",
    "FINESS": "répertoire des établissements sanitaires et sociaux",
    "RGPD": "règlement général sur la protection des données",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b(?! \()")


def explained(line: str, said: set[str]) -> str:
    """Each abbreviation followed by its meaning the first time this run says it (``said`` remembers)."""

    def first_use(match: re.Match[str]) -> str:
        word = match.group(1)
        if word in said:
            return word
        said.add(word)
        return f"{word} ({ABBREVIATIONS[word]})"

    return _ABBREVIATION.sub(first_use, line)


def lines_of(text: str, width: int | None = WIDTH, said: set[str] | None = None) -> list[str]:
    """``text`` spoken (abbreviations explained at first use when ``said`` is given), then cut at ``width``
    (None: not cut) between words; a word longer than the line (an address, a path) stays whole."""
    out: list[str] = []
    for line in text.split("\n"):
        line = spoken(line)
        if said is not None:
            line = explained(line, said)
        if width is None or len(line) <= width:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        out.extend(
            textwrap.wrap(
                line,
                width,
                initial_indent="",
                subsequent_indent=" " * (indent + 2),
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return out
