"""Issue 10: linear-mode transcripts of the member flows that had none (Mes notifications, Mes appareils
de confiance et mes sessions, changer mon mot de passe, identifiant oublié). Scripted standard input, the
expected output reviewed line by line: headings, numbered menus, labelled records, dates in words,
« Erreur : » on standard error, no escape sequence."""

from __future__ import annotations

import io
import re

import pyotp
from sqlmodel import select

from models.tables import Account, Member
from tui.linear import LinearClient

from .conftest import ScriptedInput, menu_number

CORALIE = "1204587"
LEA = "3810274"
ANSI = re.compile(r"\x1b\[")


def _resume(demo_session, demo_make, token_store, api, member_number: str) -> None:
    query = select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == member_number)
    token_store.set(api.base_url, demo_make.session_token(demo_session.exec(query).one()))


async def _run(api, token_store, answers) -> tuple[str, str]:
    """``answers``: text, or a function of the output so far (a menu number read when asked)."""
    out, err = io.StringIO(), io.StringIO()
    stdin = ScriptedInput([(lambda a=a: a(out)) if callable(a) else a for a in answers])
    assert await LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store).run() == 0
    assert not ANSI.search(out.getvalue() + err.getvalue())
    return out.getvalue(), err.getvalue()


def _between(text: str, start: str, end: str = "== Que voulez-vous faire ? ==") -> str:
    """The flow's own lines: from its heading to the next main menu."""
    return start + text.split(start, 1)[1].split(end, 1)[0]


def _menu(label: str):
    return lambda out: menu_number(out, label)()


RULES = (
    "Règles du mot de passe : Au moins 12 caractères avec une majuscule, une minuscule, un chiffre et un "
    "caractère spécial (ou 14 caractères sans caractère spécial) ; sans accent ; sans votre n° adhérent, nom "
    "ni date de naissance.\n"
)


async def test_linear_transcript_of_mes_notifications(api, token_store, demo_session, demo_make):
    _resume(demo_session, demo_make, token_store, api, LEA)
    out, err = await _run(api, token_store, [_menu("Mes notifications"), _menu("Quitter")])
    assert _between(out, "== Notifications") == (
        "== Notifications (0) ==\n0 notification(s), dont 0 non lue(s)\nAucune notification.\n"
    )
    assert err == ""


async def test_linear_transcript_of_my_devices_and_sessions(api, token_store, demo_session, demo_make):
    _resume(demo_session, demo_make, token_store, api, CORALIE)
    out, err = await _run(
        api, token_store, [_menu("Mes appareils de confiance et mes sessions ouvertes"), _menu("Quitter")]
    )
    assert _between(out, "== Mes appareils de confiance") == (
        "== Mes appareils de confiance (0) ==\n"
        "Aucun appareil de confiance : le code vous est demandé à chaque connexion.\n"
        "== Mes sessions ouvertes (1) ==\n"
        "Session : client inconnu (cette session) ; Ouverte le : 23 novembre 2026 à 10 h 00 ; "
        "Dernière activité : 10 h 00\n"
    )  # nothing else to close: no question asked
    assert err == ""


async def test_linear_transcript_of_a_refused_password_change(api, token_store, demo_session, demo_make):
    """A wrong current password refused by the server: only it is asked again (the new one kept, never
    echoed); refused again, then an empty answer, then « annuler »: each problem on stderr, in words."""
    _resume(demo_session, demo_make, token_store, api, CORALIE)
    strong = "Nouveau-mot-2-passe!"
    out, err = await _run(
        api,
        token_store,
        [
            _menu("Changer mon mot de passe"),
            "pas-le-bon",
            strong,
            strong,
            "encore-faux",
            "",
            "annuler",
            _menu("Quitter"),
        ],
    )
    assert _between(out, "== Changer mon mot de passe ==") == (
        "== Changer mon mot de passe ==\n"
        "Mot de passe actuel :\n" + RULES + "Nouveau mot de passe :\n"
        "Confirmez le nouveau mot de passe :\n"
        "== Changer mon mot de passe ==\n"
        "Mot de passe actuel :\n"
        "== Changer mon mot de passe ==\n"
        "Mot de passe actuel :\n"
        "Mot de passe actuel :\n"
        "Mot de passe inchangé : votre mot de passe actuel reste valable.\n"
    )
    wrong = (
        "Erreur : Le mot de passe actuel est incorrect : retapez-le, ou, si vous l'avez oublié, déconnectez-vous "
        "et choisissez « Mot de passe oublié ? ».\n"
    )
    assert err == wrong * 2 + "Erreur : Champ obligatoire : Mot de passe actuel.\n"
    assert strong not in out and "pas-le-bon" not in out  # never echoed


async def test_linear_transcript_of_identifiant_oublie(api, token_store):
    """A NIR with letters is refused in words on stderr and asked again alone (what was typed offered back);
    the answers read back; the same sentence whether or not an account matches (nothing shown here);
    « annuler » is the way back to the Accueil."""
    out, err = await _run(
        api,
        token_store,
        [
            _menu("Identifiant oublié ?"),
            "VIDAL",
            "Coralie",
            "14/03/1988",
            "2880363ABC",
            "288036311341227",
            "",
            _menu("Identifiant oublié ?"),
            "annuler",
            _menu("Quitter"),
        ],
    )
    heading = (
        "== Retrouver mon identifiant ==\n"
        "Indiquez votre nom, votre prénom, votre date de naissance et votre n° de sécurité sociale : si un compte "
        "correspond, votre n° adhérent vous est envoyé par e-mail (jamais affiché ici).\n"
        "Nom :\n"
    )
    first, second = out.split("== Retrouver mon identifiant ==")[1:3]
    assert "== Retrouver mon identifiant ==" + first.split("== Accueil ==")[0] == (
        heading + "Prénom :\nDate de naissance (JJ/MM/AAAA) :\n"
        "N° de sécurité sociale (15 caractères avec la clé) :\n"
        "N° de sécurité sociale (15 caractères avec la clé) (Entrée : 2880363ABC) :\n"
        "Récapitulatif avant envoi :\n"
        "1. Nom : VIDAL\n"
        "2. Prénom : Coralie\n"
        "3. Date de naissance : 14/03/1988\n"
        "4. N° de sécurité sociale : 288036311341227\n"
        "Entrée : recevoir mon identifiant par e-mail ; « modifier » et le numéro d'une ligne ; « annuler » :\n"
        "Si un compte correspond, votre identifiant vous a été envoyé par e-mail.\n"
    )
    assert "== Retrouver mon identifiant ==" + second.split("== Accueil ==")[0] == (heading + "Retour à l'accueil.\n")
    assert err == (
        "Erreur : N° de sécurité sociale : Le numéro de sécurité sociale ne contient que des chiffres (et 2A ou "
        "2B pour la Corse).\n"
    )


def _totp_code(out: io.StringIO, at) -> str:
    secrets = re.findall(r"Secret \(à saisir à la main dans l'application\) : ([A-Z2-7 ]+)\n", out.getvalue())
    return pyotp.TOTP(secrets[-1].replace(" ", "")).at(at)  # the latest enrolment's


async def test_linear_transcript_of_the_authenticator_app(api, token_store, demo_session, demo_make, clock):
    """A wrong code is refused on stderr and asked again; « annuler » leaves without activating; then the code
    of the application (from the secret said in words) activates it, and the 10 recovery codes are said once."""
    _resume(demo_session, demo_make, token_store, api, CORALIE)
    totp = _menu("Activer une application d'authentification")
    out, err = await _run(
        api,
        token_store,
        [totp, "123", "annuler", totp, lambda out: _totp_code(out, clock.now()), _menu("Quitter")],
    )
    parts = out.split("== Application d'authentification ==")[1:3]
    first, second = (part.split("== Que voulez-vous faire ? ==")[0] for part in parts)
    secret_line = re.compile(r"Secret \(à saisir à la main dans l'application\) : [A-Z2-7]{4}( [A-Z2-7]{4})+\n")
    intro, rest = secret_line.split(first, maxsplit=1)[0], secret_line.split(first, maxsplit=1)[-1]
    assert intro == (
        "\nDans votre application d'authentification, ajoutez un compte avec la clé (le secret) ci-dessous, puis "
        "indiquez le code à 6 chiffres qu'elle affiche.\n"
    )  # no « Scannez ce QR code » where no QR code is shown
    assert rest == (
        "« annuler » à la question : abandonner (rien n'est activé).\n"
        "Code affiché par l'application (6 chiffres) :\n"
        "Code affiché par l'application (6 chiffres) (Entrée : 123) :\n"
        "Application d'authentification non activée : le code vous reste envoyé par e-mail ou SMS.\n"
    )
    lines = secret_line.split(second, maxsplit=1)[-1].splitlines()
    assert lines[:2] == [
        "« annuler » à la question : abandonner (rien n'est activé).",
        "Code affiché par l'application (6 chiffres) :",
    ]
    assert lines[2] == "Application d'authentification activée : elle vous donnera désormais le code de connexion."
    assert lines[3].startswith("Voici vos 10 codes de secours. Notez-les") and len(lines) == 14
    codes = lines[-10:]
    assert len(set(codes)) == 10 and all(re.fullmatch(r"[A-Za-z0-9-]{6,}", c) for c in codes)
    assert err == "Erreur : Le code de l'application compte 6 chiffres.\n"
