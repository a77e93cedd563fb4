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
from tui.flows.account import FORGOT_INTRO

from .conftest import challenge_answer, log_in_api, menu_number, recap_send, run_linear_scripted

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
Code d'accès (8 lettres, sur le courrier de bienvenue) :
Code d'accès (8 lettres, sur le courrier de bienvenue) (Entrée : lavande5) :
Adresse e-mail (elle servira aussi d'identifiant) :
Règles du mot de passe : Au moins 12 caractères avec une majuscule, une minuscule, un chiffre et un caractère \
spécial (ou 14 caractères sans caractère spécial) ; sans accent ; sans votre n° adhérent, nom ni date de naissance.
Choisissez votre mot de passe :
Choisissez votre mot de passe :
Confirmez le mot de passe :
Conditions générales d'utilisation de l'Espace Adhérent (version 2026-01)
"""
)

RECAP = """\
Récapitulatif avant envoi :
1. N° adhérent : 1203356
2. Code d'accès : lavandes
3. Adresse e-mail : nathalie.rousseau@example.fr
4. Choisissez votre mot de passe : (masqué)
5. Confirmez le mot de passe : (masqué)
6. J'ai lu et j'accepte les conditions générales d'utilisation : Oui
"""

REFUSED_CHECK_ASKED_AGAIN = """\
Entrée : créer mon compte ; « modifier » et le numéro d'une ligne ; « annuler » :
== Première connexion – étape 1 sur 3 : Mes infos ==
Vérification de sécurité (pour s'assurer qu'une personne se connecte) : Quel jour vient juste après le samedi ?
Vérification de sécurité : votre réponse :
Récapitulatif avant envoi :
"""

VALIDATION_TO_LOGIN = (
    """== Première connexion – étape 2 sur 3 : Validation ==
Code reçu par e-mail :
== Première connexion – étape 2 sur 3 : Validation ==
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
    """Nathalie ROUSSEAU (1203356), never activated, code d'accès « lavandes »: each mistake asks again only
    its field — a code d'accès with a digit (what was typed offered back), a password the policy refuses
    (asked again alone, never echoed), a wrong answer to the human check refused by the server (only the new
    question asked: the n° adhérent, the code, the e-mail and the password kept) — then the confirmation
    code (a wrong one first, asked again alone), Bienvenue, and her first login (the identifier kept, « Non merci »)."""

    def answers(out):
        return [
            "2",
            "1",
            "1203356",
            "lavande5",
            "lavandes",
            NATHALIE_EMAIL,
            "court",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "1",
            "999",
            recap_send(out),
            challenge_answer(out),
            recap_send(out),
            "00000000",  # a wrong confirmation code: only it is asked again
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
    assert out.count(RECAP) == 2
    assert RECAP + "7. Vérification de sécurité : votre réponse : 999\n" + REFUSED_CHECK_ASKED_AGAIN in out
    assert out.count("N° adhérent (chiffres seulement) :") == 1 and out.count("Adresse e-mail (elle") == 1
    assert out.count("Choisissez votre mot de passe :\n") == 2 and out.count("Confirmez le mot de passe :\n") == 1
    assert out.count("Vérification de sécurité (pour s'assurer qu'une personne se connecte) :") == 2
    assert f"Un e-mail de confirmation vous a été envoyé à {NATHALIE_EMAIL}." in out
    assert VALIDATION_TO_LOGIN in out
    assert err == (
        "Erreur : Le code d'accès ne contient que des lettres (exemple : abcdefgh).\n"
        "Erreur : Le mot de passe ne respecte pas les règles : Le mot de passe doit faire au moins 12 caractères "
        "(ou 14 sans caractère spécial). Ajoutez au moins une lettre majuscule. Ajoutez au moins un chiffre. "
        "Ajoutez au moins un caractère spécial (par exemple ! ? - _ @), ou allez jusqu'à 14 caractères.\n"
        "Erreur : La réponse à la question de vérification est manquante ou erronée : demandez une nouvelle "
        "question.\n"
        "Erreur : Ce lien ou ce code n'est pas valable (déjà utilisé, expiré ou erroné) : demandez-en un nouveau.\n"
    )
    assert "court" not in out and NEW_PASSWORD not in out  # never echoed, never read back
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
    assert out.count("Nouveau mot de passe :\n") == 1 and out.count("Confirmez le nouveau mot de passe :\n") == 1
    assert "Votre mot de passe est changé et votre compte débloqué." in out
    assert "Cet appareil n'est pas retenu : le code sera demandé à la prochaine connexion. Connexion réussie." in out
    assert "Bienvenue dans votre espace, Coralie" in out


FORGOT = """\
== Mot de passe oublié : nouveau mot de passe ==
Si un compte correspond, un e-mail vous a été envoyé. Collez ci-dessous le code qu'il contient.
Code reçu par e-mail :
Règles du mot de passe : Au moins 12 caractères avec une majuscule, une minuscule, un chiffre et un caractère \
spécial (ou 14 caractères sans caractère spécial) ; sans accent ; sans votre n° adhérent, nom ni date de naissance.
Nouveau mot de passe :
Nouveau mot de passe :
Confirmez le nouveau mot de passe :
== Mot de passe oublié : nouveau mot de passe ==
Code reçu par e-mail :
Votre mot de passe est changé et votre compte débloqué. Connectez-vous avec votre nouveau mot de passe ; le \
code de connexion vous sera demandé.
"""


async def test_linear_forgotten_password_asks_again_only_the_wrong_field(
    api, coralie, token_store, read_code, fixed_challenges
):
    """Mot de passe oublié: a new password the policy refuses is asked again alone (never echoed); a code the
    server refuses (mistyped) is asked again alone, the new password kept; then Coralie logs in with it."""
    number = coralie.member_number

    def answers(out):
        return [
            menu_number(out, "Mot de passe oublié ?"),
            number,
            challenge_answer(out),
            "12345678",
            "court",
            NEW_PASSWORD,
            NEW_PASSWORD,
            lambda: read_code(number),
            menu_number(out, "Se connecter"),
            "",
            NEW_PASSWORD,
            lambda: read_code(number),
            "2",
            menu_number(out, "Quitter"),
        ]

    out, err = await _run(api, token_store, answers)
    assert "== Mot de passe oublié ==\n" + FORGOT_INTRO in out
    assert out.count("N° adhérent ou adresse e-mail :") == 1
    assert FORGOT in out, out
    assert err.splitlines() == [
        "Erreur : Le mot de passe ne respecte pas les règles : Le mot de passe doit faire au moins 12 caractères "
        "(ou 14 sans caractère spécial). Ajoutez au moins une lettre majuscule. Ajoutez au moins un chiffre. "
        "Ajoutez au moins un caractère spécial (par exemple ! ? - _ @), ou allez jusqu'à 14 caractères.",
        "Erreur : Ce lien ou ce code n'est pas valable (déjà utilisé, expiré ou erroné) : demandez-en un nouveau.",
    ]
    assert "court" not in out and NEW_PASSWORD not in out
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
