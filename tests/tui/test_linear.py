"""The linear mode: standard input in, an append-only transcript out, errors on standard error."""

from __future__ import annotations

import io

from tests.tui.transcripts import ACCUEIL, ACCUEIL_AGAIN, code_then_not_trusted
from tui.linear import LinearClient

from .conftest import ScriptedInput, challenge_answer, menu_number, unreachable_api

EXPECTED_LOGIN = (
    "Espace Adhérent – mode linéaire\n"
    + ACCUEIL
    + """\
== Connexion ==
N° adhérent ou adresse e-mail :
Mot de passe :
Connexion en cours…
"""
    + ACCUEIL_AGAIN
    + """\
== Connexion ==
N° adhérent ou adresse e-mail (Entrée pour garder 1204587) :
Mot de passe :
Vérification de sécurité (pour s'assurer qu'une personne se connecte) : Combien font six plus neuf ? \
Répondez en chiffres.
Vérification de sécurité : votre réponse :
Connexion en cours…
"""
    + code_then_not_trusted("c****l@example.fr")
    + """== Tableau de bord ==
Bienvenue dans votre espace, Coralie
N° adhérent : 1204587
== Mon contrat (1) ==
Santé Salariés : Contrat collectif (par votre employeur, Manufacture Arverne de Pneumatiques) ; \
Actif depuis le 1er septembre 2014
Personnes couvertes : Coralie VIDAL (vous), Enzo VIDAL (enfant), Lina VIDAL (enfant)
== Mes derniers remboursements (3) ==
Date : 18 novembre 2026 ; Pour : Coralie VIDAL ; Acte : Frais de santé ; Remboursé : 6,94\u00a0€ ; \
Statut : Remboursé ; Paiement : Versé sur votre compte …8145 le 22 novembre 2026
Date : 4 novembre 2026 ; Pour : Lina VIDAL ; Acte : Consultation chez le médecin généraliste ; \
Remboursé : 10,50\u00a0€ ; Statut : Remboursé ; Paiement : Versé sur votre compte …8145 le 10 novembre 2026
Date : 3 novembre 2026 ; Pour : Enzo VIDAL ; Acte : Pharmacie ; Remboursé : 6,01\u00a0€ ; \
Statut : Remboursé ; Paiement : Réglé à votre pharmacien le 9 novembre 2026
== Messagerie ==
Aucun message non lu
== Que voulez-vous faire ? ==
"""
)

EXPECTED_END = "Déconnexion effectuée.\n" + ACCUEIL_AGAIN + "Au revoir.\n"


async def test_linear_transcript(api, coralie, token_store, read_code, fixed_challenges):
    """Against the real app: a wrong password, then the human check, the code read from the outbox,
    « Non merci », the tableau de bord, a wrong menu choice, Se déconnecter."""
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [
            "1",
            coralie.member_number,
            "mauvais",
            "1",
            "",
            coralie.password,
            challenge_answer(stdout),
            lambda: read_code(coralie.member_number),
            "2",
            "99",
            menu_number(stdout, "Se déconnecter"),
        ]
    )
    code = await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    assert code == 0
    out = stdout.getvalue()
    assert out.startswith(EXPECTED_LOGIN), out
    assert out.endswith(EXPECTED_END)
    errors = stderr.getvalue().splitlines()
    assert errors[0].startswith("Erreur : Identifiant ou mot de passe incorrect. Après 3 essais")
    assert errors[1].startswith("Erreur : choix invalide : « 99 ». Tapez un nombre de 1 à ") and len(errors) == 2
    assert "\x1b" not in out  # no colour, no cursor movement
    assert api.token is None and token_store.get(api.base_url) is None


async def test_linear_help_and_quit(api, coralie, token_store, read_code):
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [
            "1",
            coralie.email,
            coralie.password,
            lambda: read_code(coralie.email),
            "2",
            menu_number(stdout, "Aide : comment répondre, et ce menu"),
            menu_number(stdout, "Quitter"),
        ]
    )
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    out = stdout.getvalue()
    help_text = out.split("== Aide ==\n", 1)[1]
    # how to answer here (the commands every question knows), then this menu, in words
    assert "0 ou « retour » : revenir en arrière." in help_text and "Ctrl+C : annuler la question" in help_text
    assert "Ce menu (18 choix) :\n1. Tableau de bord\n" in help_text and "\n18. Quitter\n" in help_text
    # not the full-screen client's keys: they do nothing here
    assert "Ctrl+L" not in help_text and "F1" not in help_text and "o : Changer le tri" not in out
    # « Quitter » with a session kept nowhere (no keyring): ended on the server, not left open
    assert out.endswith("Déconnexion effectuée.\nAu revoir.\n") and stderr.getvalue() == ""
    assert api.token is None


async def test_linear_network_error_goes_to_stderr(client_clock, token_store):
    stdin = io.StringIO("1\n1204587\nsecret\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    api = unreachable_api(client_clock)
    code = await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    assert code == 0
    assert stderr.getvalue() == (
        "Erreur : Le serveur ne répond pas. Vérifiez que le service est démarré (espace serve) puis réessayez.\n"
    )
    assert stdout.getvalue().endswith("Connexion en cours…\n" + ACCUEIL_AGAIN + "Au revoir.\n")


async def test_linear_empty_answers_are_refused_in_words(api, token_store):
    stdin = io.StringIO("1\n\n1204587\n\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    assert stderr.getvalue() == (
        "Erreur : Indiquez votre n° adhérent ou votre adresse e-mail.\nErreur : Indiquez votre mot de passe.\n"
    )


async def test_linear_password_is_read_without_echo_on_a_terminal(api, coralie, token_store, read_code):
    asked = []

    class Tty(ScriptedInput):
        def isatty(self) -> bool:
            return True

    def secret(prompt: str) -> str:
        asked.append(prompt)
        return coralie.password

    stdin = Tty(["1", coralie.member_number, lambda: read_code(coralie.member_number), "2", "99"])
    stdout = io.StringIO()
    client = LinearClient(
        api, stdin=stdin, stdout=stdout, stderr=io.StringIO(), token_store=token_store, read_secret=secret
    )
    await client.run()
    assert asked == ["Mot de passe : "] and coralie.password not in stdout.getvalue()
    assert "Connexion réussie." in stdout.getvalue()


def test_linear_output_never_passes_control_characters_to_the_terminal(api):
    """Text from elsewhere (a message, a typed value echoed in an error) may hold ESC sequences: printed
    as is, they would move the cursor, rewrite the line or retitle the terminal."""
    stdout, stderr = io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=io.StringIO(""), stdout=stdout, stderr=stderr)
    client.say("Objet : \x1b]0;pwned\x07 rendez-vous\r\n\tfin")
    client.error("Date « \x1b[2J01/02/2026 » inconnue\x9b")
    assert stdout.getvalue() == "Objet : \ufffd]0;pwned\ufffd rendez-vous\ufffd\n\tfin\n"
    assert stderr.getvalue() == "Erreur : Date « \ufffd[2J01/02/2026 » inconnue\ufffd\n"
