"""The linear mode's issue 4 flows, fed on standard input, against the REAL server app (demo world):
codes are read from the outbox when asked, menu numbers from the output, human-check questions are
seeded (``fixed_challenges``) so that the transcripts stay the same from run to run."""

from __future__ import annotations

import io

from sqlmodel import select

from fixtures.world import DEMO_PASSWORD
from models.schemas.common import AccountState
from models.tables import Account
from tests.tui.transcripts import ACCUEIL, ACCUEIL_AGAIN, code_then_not_trusted

from .conftest import challenge_answer, log_in_api, menu_number, run_linear_scripted

NEW_PASSWORD = "Glycine-Bleue-2027?"
NATHALIE_EMAIL = "nathalie.rousseau@example.fr"


_run = run_linear_scripted


ACTIVATION = (
    """\
Espace Adhérent – mode linéaire
"""
    + ACCUEIL
    + """== Première connexion ==
1. Avec mon code d'accès (courrier de bienvenue)
2. Avec mon identité (n° de sécurité sociale)
Votre choix (1 à 2) :
== Première connexion – étape 1 sur 3 : Mes infos ==
Pour votre première connexion, nous avons besoin de quelques informations pour créer votre compte. Elles \
figurent sur votre carte de tiers payant et sur le courrier de bienvenue.
N° adhérent (chiffres seulement) :
Code d'accès (8 lettres) :
Adresse e-mail :
"""
)

VALIDATION_TO_LOGIN = (
    """== Première connexion – étape 2 sur 3 : Validation ==
Code reçu par e-mail :
Votre compte est activé. Vous pouvez maintenant vous connecter avec votre n° adhérent ou votre adresse \
e-mail et le mot de passe choisi. L'accès personnel d'un ayant droit se connecte avec son adresse e-mail.
== Première connexion – étape 3 sur 3 : Bienvenue ==
"""
    + ACCUEIL_AGAIN
    + """== Connexion ==
N° adhérent ou adresse e-mail (Entrée pour garder 1203356) :
Mot de passe :
Connexion en cours…
"""
    + code_then_not_trusted("n****u@example.fr")
    + """== Tableau de bord ==
Bienvenue dans votre espace, Nathalie
N° adhérent : 1203356
"""
)


async def test_linear_activation_of_nathalie_then_login_with_the_code(api, token_store, read_code, fixed_challenges):
    """Nathalie ROUSSEAU (1203356), never activated, code d'accès « lavandes »: a password the policy
    refuses, then the right one, the confirmation code from the outbox, Bienvenue, then her first login
    (the identifier kept, the second-factor code from the outbox, « Non merci »)."""

    def answers(out):
        return [
            "2",
            "1",
            "1203356",
            "lavandes",
            NATHALIE_EMAIL,
            "court",
            "court",
            "1",
            challenge_answer(out),
            "",
            "",
            "",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "1",
            challenge_answer(out),
            lambda: read_code(NATHALIE_EMAIL),
            "1",
            "",
            NEW_PASSWORD,
            lambda: read_code("1203356"),
            "2",
            menu_number(out, "Quitter"),
        ]

    out, err = await _run(api, token_store, answers)
    assert out.startswith(ACTIVATION), out
    assert "À corriger : Ajoutez au moins une lettre majuscule." in out
    assert err.startswith("Erreur : ")
    assert err.splitlines()[0] == "Erreur : " + err.splitlines()[0].removeprefix("Erreur : ")
    assert out.count("À corriger :") == 4 and out.count("Le mot de passe respecte toutes les règles.") == 1
    assert out.count("Vérification de sécurité (pour s'assurer qu'une personne se connecte) : Combien font") == 2
    assert f"Un e-mail de confirmation vous a été envoyé à {NATHALIE_EMAIL}." in out
    assert VALIDATION_TO_LOGIN in out
    assert out.endswith("Au revoir.\n") and "\x1b" not in out


async def test_linear_login_with_code_trust_then_again_without_code(api, coralie, token_store, read_code):
    def answers(out):
        return [
            "1",
            coralie.member_number,
            coralie.password,
            lambda: read_code(coralie.member_number),
            "1",
            menu_number(out, "Se déconnecter"),
            "1",
            coralie.member_number,
            coralie.password,
            menu_number(out, "Quitter"),
        ]

    out, err = await _run(api, token_store, answers)
    assert err == ""
    assert out.count("== Code de connexion ==") == 1  # the second login: a trusted device, no code
    assert "Cet appareil est maintenant un appareil de confiance jusqu'au 21 février 2027. Connexion réussie." in out
    assert out.count("== Tableau de bord ==") == 2
    assert out.endswith("Au revoir.\n")


async def test_linear_three_bad_passwords_lock_then_reset_then_login(
    api, coralie, token_store, read_code, fixed_challenges
):
    number = coralie.member_number

    def answers(out):
        return [
            "1",
            number,
            "mauvais",
            "1",
            "",
            "mauvais",
            challenge_answer(out),
            "1",
            "",
            "mauvais",
            challenge_answer(out),
            "1",
            "",
            coralie.password,
            challenge_answer(out),  # locked: even the right one is refused
            menu_number(out, "Mot de passe oublié ?"),
            number,
            challenge_answer(out),
            lambda: read_code(number),
            NEW_PASSWORD,
            NEW_PASSWORD,
            "1",
            "",
            NEW_PASSWORD,
            challenge_answer(out),
            lambda: read_code(number),
            "2",
            menu_number(out, "Quitter"),
        ]

    out, err = await _run(api, token_store, answers)
    assert err.count("Erreur : Identifiant ou mot de passe incorrect. Après 3 essais, l'accès est bloqué") == 2
    assert err.count("Erreur : Après 3 essais, l'accès est suspendu 15 minutes ; si ce compte existe") == 2
    assert "== Mot de passe oublié ==" in out
    assert "Le mot de passe respecte toutes les règles." in out
    assert "Votre mot de passe est changé et votre compte débloqué." in out
    assert "Cet appareil n'est pas retenu : le code sera demandé à la prochaine connexion. Connexion réussie." in out
    assert "Bienvenue dans votre espace, Coralie" in out


async def test_linear_a_403_password_expired_on_another_route_forces_the_change(
    api, coralie, token_store, read_code, demo_session
):
    """Logged in with a fresh password; while the menu is shown, the password expires on the server
    (a conseiller's decision, or its age): the next route, Mes garanties, answers 403 password_expired
    and the linear mode asks for the change, then goes on with the new password."""
    await log_in_api(api, read_code, coralie.member_number, coralie.password)
    token_store.set(api.base_url, api.token)

    def expire_then_choose(out):
        choose = menu_number(out, "Mes garanties")

        def answer() -> str:
            account = demo_session.exec(select(Account).where(Account.login_email == coralie.email)).one()
            account.state = AccountState.password_expired
            demo_session.add(account)
            demo_session.commit()
            return choose()

        return answer

    def answers(out):
        return [expire_then_choose(out), DEMO_PASSWORD, NEW_PASSWORD, NEW_PASSWORD, menu_number(out, "Quitter")]

    out, err = await _run(api, token_store, answers)
    assert out.startswith("Espace Adhérent – mode linéaire\nSession précédente reprise.")
    forced = out.index("== Changer mon mot de passe ==")
    assert "== Mes garanties" not in out[:forced]
    assert "Votre mot de passe a expiré" in out[forced:]
    assert out.count("== Tableau de bord ==") == 2  # shown again after the change
    assert out.endswith("Au revoir.\n")
    assert err.startswith("Erreur : Votre mot de passe a expiré : changez-le pour accéder à votre espace")
    assert err.count("\n") == 1


async def test_the_code_can_be_received_another_way_as_on_the_full_screen(api, token_store, coralie, read_code, clock):
    """« a » at the code question: the other ways the server offers (the full screen's « Code par SMS »
    button), then the code sent that way opens the session; the e-mailed one no longer does."""
    emailed: list[str] = []

    def answers(out: io.StringIO) -> list:
        def first_code() -> str:
            emailed.append(read_code(coralie.member_number))
            clock.advance(seconds=31)  # the server's wait between two codes
            return "a"

        return [
            menu_number(out, "Se connecter"),
            coralie.member_number,
            coralie.password,
            first_code,
            menu_number(out, "Code par SMS"),
            lambda: read_code(coralie.member_number),
            menu_number(out, "Non merci"),
            menu_number(out, "Se déconnecter"),
            menu_number(out, "Quitter"),
        ]

    out, err = await _run(api, token_store, answers)
    assert err == ""
    assert "Ou tapez « r » pour renvoyer un code ou « a » pour le recevoir autrement.\nCode reçu (6 chiffres) :" in out
    assert "== Recevoir le code autrement ==\n1. Code par SMS\n2. Garder ce moyen\n" in out
    assert "Nouveau code envoyé. Un code à 6 chiffres a été envoyé par SMS à 06 ** ** ** 78." in out
    assert "Bienvenue dans votre espace, Coralie" in out
    assert read_code(coralie.member_number) != emailed[0]  # the SMS one, read from the outbox
