"""The linear mode: standard input in, an append-only transcript out, errors on standard error."""

from __future__ import annotations

import io

from tui.linear import LinearClient

from .conftest import unreachable_api

EXPECTED_STDOUT = """\
Espace Adhérent – mode linéaire
== Connexion ==
N° adhérent ou adresse e-mail :
Mot de passe :
Connexion en cours…
N° adhérent ou adresse e-mail (Entrée pour garder 1204587) :
Mot de passe :
Connexion en cours…
Vous êtes connecté·e.
== Tableau de bord ==
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
1. Tableau de bord
2. Actualiser l'écran
3. Se déconnecter
4. Aide : liste des touches
5. Quitter
Votre choix (1 à 5) :
== Que voulez-vous faire ? ==
1. Tableau de bord
2. Actualiser l'écran
3. Se déconnecter
4. Aide : liste des touches
5. Quitter
Votre choix (1 à 5) :
Vous êtes déconnecté·e.
== Connexion ==
N° adhérent ou adresse e-mail :
Au revoir.
"""

EXPECTED_STDERR = """\
Erreur : Identifiant ou mot de passe incorrect.
Erreur : choix invalide : « 9 ». Tapez un nombre de 1 à 5.
"""


async def test_linear_transcript(api, coralie, token_store):
    stdin = io.StringIO(f"{coralie.member_number}\nmauvais\n\n{coralie.password}\n9\n3\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    assert code == 0
    assert stdout.getvalue() == EXPECTED_STDOUT
    assert stderr.getvalue() == EXPECTED_STDERR
    assert "\x1b" not in stdout.getvalue()  # no colour, no cursor movement
    assert api.token is None and token_store.get(api.base_url) is None


async def test_linear_help_and_quit(api, coralie, token_store):
    stdin = io.StringIO(f"{coralie.email}\n{coralie.password}\n4\n5\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    out = stdout.getvalue()
    assert "== Aide ==\n" in out and "Ctrl+L : Se déconnecter\n" in out and "F1 ou ? : Aide" in out
    assert out.endswith("Votre choix (1 à 5) :\nAu revoir.\n") and stderr.getvalue() == ""


async def test_linear_network_error_goes_to_stderr(client_clock, token_store):
    stdin = io.StringIO("1204587\nsecret\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    api = unreachable_api(client_clock)
    code = await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    assert code == 0
    assert stderr.getvalue() == (
        "Erreur : Le serveur ne répond pas. Vérifiez que le service est démarré (espace serve) puis réessayez.\n"
    )
    assert stdout.getvalue().endswith("(Entrée pour garder 1204587) :\nAu revoir.\n")


async def test_linear_empty_answers_are_refused_in_words(api, token_store):
    stdin = io.StringIO("\n1204587\n\n")
    stdout, stderr = io.StringIO(), io.StringIO()
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    assert stderr.getvalue() == (
        "Erreur : Indiquez votre n° adhérent ou votre adresse e-mail.\nErreur : Indiquez votre mot de passe.\n"
    )


async def test_linear_password_is_read_without_echo_on_a_terminal(api, coralie, token_store):
    asked = []

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    def secret(prompt: str) -> str:
        asked.append(prompt)
        return coralie.password

    stdin = Tty(f"{coralie.member_number}\n5\n")
    stdout = io.StringIO()
    client = LinearClient(api, stdin=stdin, stdout=stdout, stderr=io.StringIO(), token_store=token_store,
                          read_secret=secret)
    await client.run()
    assert asked == ["Mot de passe : "] and coralie.password not in stdout.getvalue()
    assert "Vous êtes connecté·e." in stdout.getvalue()
