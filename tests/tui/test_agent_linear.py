"""The console conseiller in the linear mode, against the real server app and the demo world: standard
input in, an append-only transcript out. A whole call (Qui appelle ?, search « martin so » with both
homonyms shown, the checklist passed with the real last amount, unlock, call log), a failed check opened
with a written reason (flagged), and the supervisor reading the audit filtered by conseiller."""

from __future__ import annotations

import io
from collections.abc import Callable

import pyotp
from sqlmodel import select

from fixtures.world import AGENT_TOTP, DEMO_PASSWORD, SUPERVISOR_TOTP
from models.schemas.common import AccountState
from models.tables import Account, AuditEvent, CallLog, IdentityCheck, Member
from server.services.agent.identity import last_reimbursement
from tests.tui.transcripts import ACCUEIL
from tui.linear import LinearClient

from .conftest import ScriptedInput, menu_number

JULIEN = "julien.roche@mutuelle-demo.example"
ISABELLE = "isabelle.morin@mutuelle-demo.example"


def totp(secret: str, clock) -> Callable[[], str]:
    return lambda: pyotp.TOTP(secret).at(clock.now())


def hit_number(out: io.StringIO, birth_year: int) -> Callable[[], str]:
    def find() -> str:
        for line in reversed(out.getvalue().splitlines()):
            number, _, text = line.partition(". ")
            if number.isdigit() and text.startswith("Nom : ") and f"Né(e) en : {birth_year} " in text:
                return number
        raise AssertionError(f"no hit born in {birth_year}")

    return find


def login(out: io.StringIO, email: str, secret: str, clock) -> list:
    return ["1", email, DEMO_PASSWORD, totp(secret, clock)]  # no « Se fier à cet appareil ? » for staff


ACCESS = "Dossier : connexions, blocages, appareils, sessions"


def whole_call(out: io.StringIO, clock, amount: str) -> list:
    return [
        *login(out, JULIEN, AGENT_TOTP, clock),
        menu_number(out, "Nouvel appel : qui appelle ? (recherche)"),
        menu_number(out, "L'adhérent"),
        "martin so",
        hit_number(out, 1979),
        "Martin",
        "Sophie",
        "18/04/1979",
        amount,
        "",
        menu_number(out, ACCESS),  # locked: the demo world's wrong passwords say why
        menu_number(out, "Débloquer l'accès de l'adhérent"),
        "Bloquée après 3 essais",
        "",
        menu_number(out, "Oui, confirmer"),
        menu_number(out, ACCESS),  # read again after the unlock: no longer locked
        menu_number(out, "Noter l'appel dans le journal (motif, issue, note)"),
        "Accès bloqué",
        menu_number(out, "Résolu pendant l'appel"),
        "Débloquée, reconnexion faite",
        "T-42",
        menu_number(out, "Fin de l'appel : revenir à l'accueil de la console"),
        menu_number(out, "Se déconnecter"),
    ]


async def test_a_whole_call_in_the_linear_mode(api, token_store, demo_session, clock):
    sophie = demo_session.exec(select(Member).where(Member.member_number == "3810522")).one()
    _, _, amount = last_reimbursement(demo_session, sophie.id)
    spoken = str(amount).replace(".", ",")
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(whole_call(stdout, clock, spoken))
    assert await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run() == 0
    out = stdout.getvalue()
    print(out)
    assert stderr.getvalue() == ""
    assert "== Console conseiller – Julien ROCHE (conseiller) ==" in out
    assert "== Qui appelle ? ==\n1. L'adhérent\n2. Un ayant droit\n3. Un tuteur ou un curateur\n" in out
    results = out.split("== Résultats (2) ==\n", 1)[1].splitlines()[:2]
    assert all(line.split(". ", 1)[1].startswith("Nom : MARTIN Sophie ; Né(e) en : ") for line in results)
    assert {"1979", "1992"} == {line.split("Né(e) en : ")[1][:4] for line in results}  # homonyms told apart
    assert "1. Nom :\n2. Prénom :\n3. Date de naissance (JJ/MM/AAAA) :\n" in out  # the checklist, numbered
    assert "[x] Montant du dernier remboursement : concordant\n" in out
    assert "== Dossier de Sophie MARTIN ==\nNom : MARTIN Sophie\nNée le : 18 avril 1979\nN° adhérent : 3810522\n" in out
    assert "\nCompte : verrouillé jusqu'à " in out and "RIB rejeté" in out
    assert "\nIdentité : vérifiée à 10 h 00\n" in out  # said once, not « identité vérifiée » again
    # the transfer the bank returned is not « Remboursé »
    assert "Acte : Consultation chez un spécialiste ; Remboursé : 25,20\u00a0€ ; " in out
    assert "; Statut : Virement revenu impayé : mettez à jour votre RIB\n" in out
    assert "== Confirmer : « Débloquer l'accès de l'adhérent » pour Sophie MARTIN ? ==\n" in out
    assert (
        "Compte débloqué ; appareils de confiance et sessions déconnectés.\nL'adhérent est prévenu par e-mail.\n" in out
    )
    before, after = out.split("\n== Connexions et appareils ==\n")[1:3]
    assert before.startswith("Compte : verrouillé jusqu'à ") and before.count(" ; mot de passe erroné ; IP ") == 3
    assert after.startswith("Compte : actif\n")  # the dossier is read again after the action
    assert "Appel noté : Accès bloqué (résolu pendant l'appel).\n" in out
    assert out.endswith("Vous êtes déconnecté·e.\n" + ACCUEIL + "Au revoir.\n")
    assert "\x1b" not in out
    demo_session.expire_all()
    account = demo_session.exec(select(Account).where(Account.member_id == sophie.id)).one()
    assert account.state == AccountState.active
    call = demo_session.exec(select(CallLog).where(CallLog.member_id == sophie.id)).one()
    assert (call.motif, call.outcome, call.ticket) == ("Accès bloqué", "resolved", "T-42")
    unlock = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_unlock")).one()
    assert unlock.detail["reason"] == "Bloquée après 3 essais"


async def test_a_conseillers_login_asks_the_apps_code_only(api, token_store, clock):
    """An authenticator app: no code is sent, so neither a validity time nor « r » to resend; and the
    server never trusts a conseiller's device, so « Se fier à cet appareil ? » is not asked."""
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput([*login(stdout, JULIEN, AGENT_TOTP, clock), menu_number(stdout, "Quitter")])
    assert await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run() == 0
    out = stdout.getvalue()
    print(out)
    assert stderr.getvalue() == ""
    code_step = out.split("Connexion en cours…\n", 1)[1].split("== Console conseiller", 1)[0]
    assert code_step == (
        "== Code de connexion ==\n"
        "Saisissez le code à 6 chiffres affiché par votre application d'authentification.\n"
        "Code de votre application d'authentification (6 chiffres) ou code de secours :\n"
        "Vérification du code…\n"
        "Vous êtes connecté·e.\n"
    )
    for absent in ("Code valable", "Renvois possibles", "renvoyer un code", "Se fier à cet appareil", "appareil"):
        assert absent not in out


async def test_a_failed_check_opens_only_with_a_written_reason(api, token_store, demo_session, clock):
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [
            *login(stdout, JULIEN, AGENT_TOTP, clock),
            menu_number(stdout, "Nouvel appel : qui appelle ? (recherche)"),
            menu_number(stdout, "Un tuteur ou un curateur"),
            "3810522",
            "1",
            "Martin",
            "Sophie",
            "19/04/1979",
            "1,00",
            "",
            "urgent",
            "Appel du fils, mesure de tutelle en cours : jugement à recevoir",
            menu_number(stdout, "Fin de l'appel : revenir à l'accueil de la console"),
            menu_number(stdout, "Quitter"),
        ]
    )
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    out = stdout.getvalue()
    print(out)
    assert "[ ] Date de naissance : NON concordant\n" in out
    assert "Motif écrit pour ouvrir quand même (signalé au superviseur" in out
    assert stderr.getvalue().startswith("Erreur : Écrivez un motif d'au moins 10 caractères")
    assert "Identité : " in out and "== Dossier de Sophie MARTIN ==" in out
    check = demo_session.exec(select(IdentityCheck).where(IdentityCheck.flagged == True)).one()  # noqa: E712
    assert (check.caller_kind, check.passed) == ("guardian", False)
    assert check.reason == "Appel du fils, mesure de tutelle en cours : jugement à recevoir"


async def test_the_supervisor_reads_the_audit_filtered_by_conseiller(api, token_store, demo_session, clock):
    sophie = demo_session.exec(select(Member).where(Member.member_number == "3810522")).one()
    _, _, amount = last_reimbursement(demo_session, sophie.id)
    first = io.StringIO()
    stdin = ScriptedInput(whole_call(first, clock, str(amount).replace(".", ",")))
    await LinearClient(api, stdin=stdin, stdout=first, stderr=io.StringIO(), token_store=token_store).run()
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [
            *login(stdout, ISABELLE, SUPERVISOR_TOTP, clock),
            menu_number(stdout, "Journal d'audit filtré (superviseur)"),
            menu_number(stdout, "Julien ROCHE (conseiller)"),
            "3810522",
            "",
            "",
            menu_number(stdout, "Vérifications d'identité signalées (superviseur)"),
            menu_number(stdout, "Quitter"),
        ]
    )
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    out = stdout.getvalue()
    print(out)
    assert stderr.getvalue() == ""
    assert "== Console conseiller – Isabelle MORIN" in out
    audit = out.split("== Journal d'audit (", 1)[1].split("==\n", 1)[1].split("== ", 1)[0].splitlines()
    assert audit and all(
        "Conseiller : Julien ROCHE (conseiller) ; " in line and "Adhérent : 3810522" in line for line in audit
    )
    assert any("Action : déblocage ; Adhérent : 3810522 ; Motif : Bloquée après 3 essais" in line for line in audit)
    assert any("Action : appel noté" in line for line in audit)
    assert "== Vérifications signalées (0) ==\nAucune vérification signalée.\n" in out


async def test_a_conseiller_is_warned_of_the_sessions_end_in_the_middle_of_a_call(
    api, token_store, demo_session, clock, client_clock
):
    """Issue 10: the console asks through the same prompts as the member flows, so a conseiller who stays
    long on a question of a call (here, the caller's name in the identity checklist) is warned before the
    next one, once, in words, and may extend; the checklist then goes on where it was."""
    stdout, stderr = io.StringIO(), io.StringIO()

    def name_after_a_long_pause() -> str:
        left = api.seconds_before_idle_expiry()
        assert left is not None and left > 80
        client_clock.advance(seconds=left - 75)  # 75 s left: inside the warning window
        clock.advance(seconds=left - 75)  # the server's clock too (it is the judge of the expiry)
        return "Martin"

    stdin = ScriptedInput(
        [
            *login(stdout, JULIEN, AGENT_TOTP, clock),
            menu_number(stdout, "Nouvel appel : qui appelle ? (recherche)"),
            menu_number(stdout, "L'adhérent"),
            "martin so",
            hit_number(stdout, 1979),
            name_after_a_long_pause,
            menu_number(stdout, "Prolonger"),
            "Sophie",
            "01/01/1970",
            "",
            "",
            "",  # no reason: the dossier stays closed
            menu_number(stdout, "Quitter"),
        ]
    )
    assert await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run() == 0
    out = stdout.getvalue()
    print(out)
    assert out.count("Sans activité, votre session se terminera à ") == 1  # said once, never counted down
    after = out.split("1. Nom :\n", 1)[1].splitlines()
    assert after[0].startswith("Sans activité, votre session se terminera à ")  # before the next question
    assert after[1:5] == [
        "== Votre session va bientôt expirer ==",
        "1. Prolonger",
        "2. Ne pas prolonger",
        "Votre choix (1 à 2) :",
    ]
    assert after[5].startswith("Session prolongée jusqu'à ")
    assert after[6:8] == ["2. Prénom :", "3. Date de naissance (JJ/MM/AAAA) :"]  # the checklist goes on
    assert "Dossier non ouvert : rien n'est communiqué à l'appelant.\n" in out
    assert api.seconds_before_idle_expiry() > 80  # extended on the server
    assert stderr.getvalue() == ""
    check = demo_session.exec(select(IdentityCheck)).one()  # the check was made with what was typed
    assert (check.passed, check.flagged) == (False, False)
