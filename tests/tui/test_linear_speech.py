"""The linear mode's lines for speech and braille (issue 18), over a whole session of Coralie against the real
app — login with its code, tableau de bord, Mes remboursements, Mes garanties, the carte de tiers payant, the
help, « Quitter » — rendered as the mode renders them for a person (`tui.linear.speech`):
no escape code, no box drawing, no line over 80 characters (two pans of a 40-cell braille display), times in
words, masked values said as masked, the member number read digit by digit, each abbreviation explained the
first time only, no « ·e » form, the main menu read in full once."""

from __future__ import annotations

import io
import re

from tui.linear import LinearClient
from tui.linear.speech import lines_of, spoken

from .conftest import ScriptedInput, menu_number

BOX = re.compile("[\u2500-\u257f]")


def test_the_rules_one_by_one():
    assert spoken("Code valable jusqu'à 10 h 10.") == "Code valable jusqu'à 10 heures 10."
    assert spoken("à 1 h 05, vers 14 h.") == "à 1 heure 05, vers 14 heures."
    assert spoken("Versé sur votre compte …8145") == "Versé sur votre compte se terminant par 8145"
    assert spoken("envoyé à c****l@example.fr ou au 06 ** ** ** 12") == (
        "envoyé à c (masqué) l@example.fr ou au 06 (masqué) 12"
    )
    assert spoken("N° adhérent : 1204587") == "numéro adhérent : 1 2 0 4 5 8 7"
    assert spoken("Montant : 1\u202f204\u202f587,00\u00a0€") == "Montant : 1\u202f204\u202f587 euros"  # a number
    assert spoken("N° AMC : 775 659 923 ; NIR : 1 10 12 63 113 530 45") == (
        "numéro AMC : 7 7 5 6 5 9 9 2 3 ; NIR : 1, 10, 12, 63, 113, 530, 45"
    )
    assert spoken("Remboursé : 6,94 € ; 0,50 € ; 1,00 € ; 1,05 €") == (
        "Remboursé : 6 euros 94 ; 50 centimes ; 1 euro ; 1 euro 05"
    )
    said: set[str] = set()
    assert lines_of("150 % BR", None, said) == ["150 % BR (base de remboursement)"]
    assert lines_of("100 % BR", None, said) == ["100 % BR"]
    long = "mot " * 40
    cut = lines_of(long.strip())
    assert all(len(line) <= 80 for line in cut) and cut[1].startswith("  mot")
    assert " ".join(part.strip() for part in cut) == long.strip()  # nothing lost, no word split


async def test_a_whole_session_reads_well(api, coralie, token_store, read_code):
    out, err = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [
            "1",
            coralie.member_number,
            coralie.password,
            lambda: read_code(coralie.member_number),
            "2",  # « Non merci »
            menu_number(out, "Mes remboursements"),
            menu_number(out, "Revenir au menu principal"),
            menu_number(out, "Mes garanties"),
            "mon profil",  # the first letters of an entry
            menu_number(out, "Carte de tiers payant"),
            "0",  # back, as in every menu
            "retour",
            "?",  # how to answer, here
            menu_number(out, "Aide : comment répondre, et ce menu"),
            menu_number(out, "Quitter"),
        ]
    )
    client = LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store, for_speech=True)
    assert await client.run() == 0
    text = out.getvalue() + err.getvalue()
    print(text)  # `pytest -s` shows the transcript, e.g. to hear it: python -m bench.espeak_transcript
    lines = text.splitlines()
    assert "== Mes garanties" in text and "Carte de tiers payant, valable du " in text and "== Aide ==" in text
    assert "\x1b" not in text and not BOX.search(text)
    too_long = [line for line in lines if len(line) > 80]
    assert not too_long, too_long
    assert "·e" not in text and "****" not in text and "…8145" not in text
    assert "se terminant par 8145" in text and "jusqu'à 10 heures 10" in text
    assert "numéro adhérent : 1 2 0 4 5 8 7" in text and "N°" not in text
    assert "Remboursé : 6 euros 94" in text and "6,94" not in text
    assert text.count("BR (base de remboursement)") == 1 and text.count("NIR (numéro de sécurité sociale)") == 1
    assert text.count("== Que voulez-vous faire ? ==\n1. Tableau de bord") == 1  # read once, then reminded
    assert "== Que voulez-vous faire ? == (" in text
    assert err.getvalue() == ""
