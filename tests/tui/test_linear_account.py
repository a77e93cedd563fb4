"""The linear mode's issue 4 flows, fed on standard input, against the fake of the auth contract."""

from __future__ import annotations

import io

from tests.conftest import TEST_NOW
from tui.api.token_store import MemoryTokenStore
from tui.flows.clock import FrozenClock
from tui.linear import LinearClient

from .fake_auth import FakeAuthServer

PASSWORD = "Tilleul-Azur-2026!"


async def _run(fake: FakeAuthServer, lines: list[str], store=None) -> tuple[str, str]:
    stdin = io.StringIO("".join(f"{line}\n" for line in lines))
    stdout, stderr = io.StringIO(), io.StringIO()
    client = LinearClient(fake.api(), stdin=stdin, stdout=stdout, stderr=stderr,
                          token_store=store or MemoryTokenStore())
    client.show_dashboard = _no_dashboard(client)  # the fake has no tableau de bord
    await client.run()
    return stdout.getvalue(), stderr.getvalue()


def _no_dashboard(client):
    async def show(session):
        client.heading("Tableau de bord")
        return ["dashboard"]

    return show


LOGIN_WITH_CODE = """\
Espace Adhérent – mode linéaire
== Accueil ==
1. Se connecter
2. Première connexion : activer mon compte
3. Mot de passe oublié ?
4. Identifiant oublié ?
5. Quitter
Votre choix (1 à 5) :
== Connexion ==
N° adhérent ou adresse e-mail :
Mot de passe :
Connexion en cours…
== Code de connexion ==
Un code à 6 chiffres a été envoyé par e-mail à c****e@example.fr.
Code valable jusqu'à 10 h 10.
Renvois possibles : 3 renvois restants.
Code reçu (6 chiffres) (ou « r » pour renvoyer un code) :
Nouveau code envoyé. Un code à 6 chiffres a été envoyé par e-mail à c****e@example.fr. Code valable jusqu'à 10 h 10.
Code reçu (6 chiffres) (ou « r » pour renvoyer un code) :
Sur un appareil de confiance, le code n'est plus demandé pendant 3 mois. Répondez « Non merci » sur un \
ordinateur partagé.
== Se fier à cet appareil ? ==
1. Oui
2. Non merci
Votre choix (1 à 2) :
Vérification du code…
Cet appareil est maintenant un appareil de confiance jusqu'au 21 février 2027. Vous êtes connecté·e.
== Tableau de bord ==
"""


async def test_linear_login_with_code_resend_and_trust():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    out, err = await _run(fake, ["1", "1204587", PASSWORD, "r", "314160", "1"])
    assert out.startswith(LOGIN_WITH_CODE), out
    assert err == ""
    assert "\x1b" not in out


async def test_linear_lockout_then_reset_then_login():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    lines = ["1", "1204587", "mauvais", "1", "", "mauvais", "5", "1", "", "mauvais", "5", "1", "", PASSWORD, "5",
             "3", "1204587", "5", "771204", "Glycine-Bleue-2027?", "Glycine-Bleue-2027?",
             "1", "", "Glycine-Bleue-2027?", "5", "314159", "2", "5"]
    out, err = await _run(fake, lines)
    assert err.count("Erreur : Identifiant ou mot de passe incorrect. Après 3 essais, l'accès est bloqué") == 4
    assert "Vérification de sécurité (pour s'assurer qu'une personne se connecte) : Combien font deux plus trois" in out
    assert "== Mot de passe oublié ==" in out
    assert "Si un compte correspond, un e-mail vous a été envoyé." in out
    assert "Le mot de passe respecte toutes les règles." in out
    assert "Votre mot de passe est changé et votre compte débloqué." in out
    assert "Cet appareil n'est pas retenu : le code sera demandé à la prochaine connexion. Vous êtes connecté·e." in out


async def test_linear_activation_in_three_steps():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    lines = ["2", "1", "1203356", "lavandes", "nathalie.rousseau@example.fr", "court", "court", "1", "5",
             "", "", "", "Glycine-Bleue-2027?", "Glycine-Bleue-2027?", "1", "5", "482913", "5"]
    out, err = await _run(fake, lines)
    assert "== Première connexion – étape 1 sur 3 : Mes infos ==" in out
    assert "À corriger : Ajoutez au moins une lettre majuscule." in out
    assert "Erreur : Le mot de passe ne respecte pas les règles" in err
    assert "== Première connexion – étape 2 sur 3 : Validation ==" in out
    assert "Un e-mail de confirmation vous a été envoyé à nathalie.rousseau@example.fr." in out
    assert "== Première connexion – étape 3 sur 3 : Bienvenue ==" in out
    assert fake.accounts["1203356"].active
