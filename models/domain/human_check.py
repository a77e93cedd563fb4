"""Text questions a screen reader can read (no image): small sums and "which word" questions.

Pure: the caller gives the random source (``secrets.SystemRandom()`` on the server). The expected
answer is normalised by ``normalise_answer`` on both sides.
"""

from __future__ import annotations

import random
import unicodedata

NUMBERS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"]
ORDINALS = ["premier", "deuxième", "troisième", "quatrième"]
WORDS = [
    "pomme", "soleil", "livre", "jardin", "rivière", "montagne", "fenêtre", "chocolat", "vélo", "nuage",
    "poisson", "lampe", "orange", "cerise", "forêt", "bateau", "horloge", "tulipe", "crayon", "violon",
]  # fmt: skip
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def normalise_answer(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = " ".join(folded.replace(".", " ").split())
    for value, word in enumerate(NUMBERS):  # "sept" and "7" are the same answer
        plain = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
        if folded == plain:
            return str(value)
    return folded


def make_question(rng: random.Random) -> tuple[str, str]:
    """(question, expected answer)."""
    kind = rng.randrange(3)
    if kind == 0:
        a, b = rng.randint(1, 9), rng.randint(1, 9)
        return f"Combien font {NUMBERS[a] if a <= 10 else a} plus {NUMBERS[b]} ? Répondez en chiffres.", str(a + b)
    if kind == 1:
        words = rng.sample(WORDS, 4)
        position = rng.randrange(4)
        listed = ", ".join(words)
        return f"Quel est le {ORDINALS[position]} mot de : {listed} ?", normalise_answer(words[position])
    start = rng.randrange(7)
    return f"Quel jour vient juste après le {DAYS[start]} ?", DAYS[(start + 1) % 7]
