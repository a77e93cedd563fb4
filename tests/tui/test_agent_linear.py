"""The console conseiller in the linear mode, against the real server app and the demo world: standard
input in, an append-only transcript out. A whole call (search « martin so » with both homonyms shown, « Qui
appelle ? », the server's questions — a typo first, said, every answer kept —, unlock with a too-short reason
first, the call logged), a failed check opened read-only with a written reason (flagged, no action), and the
supervisor reading the audit filtered by conseiller and action, in words."""

from __future__ import annotations

import io
from collections.abc import Callable

import pyotp
from sqlmodel import select

from fixtures.world import AGENT_TOTP, DEMO_PASSWORD, SUPERVISOR_TOTP
from models.schemas.common import AccountState
from models.tables import Account, AuditEvent, CallLog, IdentityCheck, Member
from tests.tui.transcripts import ACCUEIL_AGAIN
from tui.linear import LinearClient

from .conftest import ScriptedInput, identity_answers, menu_number, recap_send

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
NEW_CALL = "Nouvel appel : qui appelle ? (recherche)"
QUESTIONS = ("birth_date", "paid_amount", "rib_last4")  # what the server asks for the demo's members


def answers_of(right: dict[str, str], reason: str = "", **wrong: str) -> list[str]:
    """The identity form's answers, in the server's order, then the reason."""
    return [wrong.get(key, right[key]) for key in QUESTIONS] + [reason]


def whole_call(out: io.StringIO, clock, right: dict[str, str]) -> list:
    return [
        *login(out, JULIEN, AGENT_TOTP, clock),
        menu_number(out, NEW_CALL),
        "martin so",
        "9",  # no such result: said, and the number asked again (the search kept)
        hit_number(out, 1979),
        menu_number(out, "L'adhérent"),
        *answers_of(right, birth_date="31/02/1979"),  # a typo: said, only it asked again, the others kept
        recap_send(out),
        "18/04/1979",
        recap_send(out),
        menu_number(out, ACCESS),  # locked: the demo world's wrong passwords say why
        menu_number(out, "Débloquer l'accès de l'adhérent"),
        "ab",  # too short: said, and asked again with it offered back
        "Bloquée après 3 essais",
        "",
        recap_send(out),  # the read-back: Entrée sends, no « Confirmer … ? » after it
        menu_number(out, ACCESS),  # read again after the unlock: no longer locked
        menu_number(out, "Noter l'appel (motif, issue, note) et le terminer"),
        "Accès bloqué",
        menu_number(out, "Résolu pendant l'appel"),
        "Débloquée, reconnexion faite",
        "T-42",
        recap_send(out),
        menu_number(out, "Se déconnecter"),
    ]


async def test_a_whole_call_in_the_linear_mode(api, token_store, demo_session, clock):
    sophie = demo_session.exec(select(Member).where(Member.member_number == "3810522")).one()
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(whole_call(stdout, clock, identity_answers(demo_session, "3810522")))
    assert await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run() == 0
    out = stdout.getvalue()
    print(out)
    assert stderr.getvalue().splitlines() == [
        "Erreur : Numéro invalide : « 9 ». Tapez un nombre de 1 à 2.",
        "Erreur : Date de naissance de l'adhérent : écrivez la date sous la forme JJ/MM/AAAA. Rien n'a été compté : "
        "corrigez la réponse, puis validez.",
        "Erreur : Motif : 3 caractères au moins (il est écrit au journal, « pour » l'adhérent).",
    ]
    assert "== Console conseiller – Julien ROCHE (conseiller) ==" in out
    assert "== Rechercher l'adhérent ==\nRecherche (n° adhérent, nom prénom (date de naissance), NIR," in out
    results = out.split("== Résultats (2) ==\n", 1)[1].splitlines()[:2]
    assert all(line.split(". ", 1)[1].startswith("Nom : MARTIN Sophie ; Né(e) en : ") for line in results)
    assert {"1979", "1992"} == {line.split("Né(e) en : ")[1][:4] for line in results}  # homonyms told apart
    assert "Département : 38 ;" in out and "Grenoble" not in out.split("== Qui appelle ? ==")[0]
    assert "== Qui est en ligne ==\n1. L'adhérent\n2. Un ayant droit\n3. Un tuteur ou un curateur\n" in out
    assert "Questions à poser (demandez, ne lisez rien) : Date de naissance de l'adhérent ; Montant" in out
    asked_again = out.split("== Vérifier l'identité — MARTIN Sophie (n° 3810522) ==")[2].split("Récapitulatif")
    assert "(Entrée : 31/02/1979)" in asked_again[0] and asked_again[0].count("(Entrée : ") == 1  # it alone
    paid = identity_answers(demo_session, "3810522")["paid_amount"]
    assert f" : {paid}\n" in asked_again[1]  # the other answers kept, read back before sending
    assert "[x] Montant d'un remboursement versé : concordant\n" in out
    assert "== Dossier de Sophie MARTIN ==\nNom : MARTIN Sophie\nNée le : 18 avril 1979\nN° adhérent : 3810522\n" in out
    assert "\nCompte : verrouillé jusqu'à " in out and "RIB rejeté" in out
    assert "\nVérification : identité vérifiée à 10 h 00\n" in out
    unlock = out.split("== Débloquer l'accès ==\n")[1].split("\n== ", 1)[0]  # read back once, then sent
    assert "Récapitulatif avant envoi :\n" in unlock and "Confirmer" not in out
    assert "(Entrée : ab)" in out  # the reason typed is offered again, not thrown away
    assert (
        "Compte débloqué ; appareils de confiance et sessions déconnectés.\nL'adhérent est prévenu par e-mail.\n" in out
    )
    before, after = out.split("\n== Connexions et appareils ==\n")[1:3]
    assert before.startswith("Compte : verrouillé jusqu'à ") and before.count(" ; mot de passe erroné ; IP ") == 3
    assert after.startswith("Compte : actif\n")  # the dossier is read again after the action
    assert "Appel noté et terminé.\n" in out
    assert out.endswith("Déconnexion effectuée.\n" + ACCUEIL_AGAIN + "Au revoir.\n")
    assert "\x1b" not in out
    demo_session.expire_all()
    account = demo_session.exec(select(Account).where(Account.member_id == sophie.id)).one()
    assert account.state == AccountState.active
    call = demo_session.exec(select(CallLog).where(CallLog.member_id == sophie.id)).one()
    assert (call.motif, call.outcome, call.ticket, call.caller_kind) == ("Accès bloqué", "resolved", "T-42", "member")
    unlock = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_unlock")).one()
    assert unlock.detail["reason"] == "Bloquée après 3 essais"
    assert demo_session.exec(select(IdentityCheck)).one().passed  # the typo was not counted


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
        "Connexion réussie.\n"
    )
    for absent in ("Code valable", "Renvois possibles", "renvoyer un code", "Se fier à cet appareil", "appareil"):
        assert absent not in out


async def test_a_failed_check_opens_read_only_with_a_written_reason(api, token_store, demo_session, clock):
    right = identity_answers(demo_session, "3810522")
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [
            *login(stdout, JULIEN, AGENT_TOTP, clock),
            menu_number(stdout, NEW_CALL),
            "3810522",
            "1",
            menu_number(stdout, "Un tuteur ou un curateur"),
            "M. Martin, son fils",
            recap_send(stdout),  # « Qui est en ligne » and a name: read back before the call opens
            *answers_of(right, birth_date="19/04/1979"),
            recap_send(stdout),
            menu_number(stdout, "Ouvrir en lecture seule sur motif écrit (signalé au superviseur)"),
            "urgent",  # too short: said, asked again with it offered back
            "Appel du fils, mesure de tutelle en cours : jugement à recevoir",
            menu_number(stdout, "Débloquer l'accès de l'adhérent"),  # read-only: refused before any form
            menu_number(stdout, "Fin de l'appel sans le noter : revenir à l'accueil de la console"),
            menu_number(stdout, "Quitter"),
        ]
    )
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    out = stdout.getvalue()
    print(out)
    assert "[ ] Date de naissance : NON concordant\n" in out
    errors = stderr.getvalue()
    assert "Erreur : Identité non vérifiée (date de naissance de l'adhérent : non concordant)" in errors
    assert "Dossier en lecture seule (vérification manquée) : aucune action." in errors
    assert "Vérification : NON vérifiée — lecture seule sur motif : Appel du fils" in out
    assert "== Dossier de Sophie MARTIN ==" in out and "Appel terminé (sans note).\n" in out
    demo_session.expire_all()
    checks = demo_session.exec(select(IdentityCheck).order_by(IdentityCheck.id)).all()
    # one failed check, not two: the reason is written on it, not on a second answer sheet
    assert [(c.caller_kind, c.caller_name, c.passed, c.flagged) for c in checks] == [
        ("guardian", "M. Martin, son fils", False, True)
    ]
    assert checks[0].reason == "Appel du fils, mesure de tutelle en cours : jugement à recevoir"
    assert "Écrivez un motif d'au moins 10 caractères" in errors and "(Entrée : urgent)" in out
    assert not demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_unlock")).all()


async def test_the_supervisor_reads_the_audit_filtered_by_conseiller(api, token_store, demo_session, clock):
    first = io.StringIO()
    stdin = ScriptedInput(whole_call(first, clock, identity_answers(demo_session, "3810522")))
    await LinearClient(api, stdin=stdin, stdout=first, stderr=io.StringIO(), token_store=token_store).run()
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [
            *login(stdout, ISABELLE, SUPERVISOR_TOTP, clock),
            menu_number(stdout, "Journal d'audit filtré (superviseur)"),
            menu_number(stdout, "Julien ROCHE (conseiller)"),
            "3810522",
            menu_number(stdout, "Aucun"),  # every action
            "32/11/2026",  # a wrong date: said, and asked again with what was typed offered back
            "23/11/2026",
            "",
            menu_number(stdout, "Dossiers ouverts sur motif et canaux téléphoniques fermés (superviseur)"),
            menu_number(stdout, "Quitter"),
        ]
    )
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    out = stdout.getvalue()
    print(out)
    assert "Du : une date JJ/MM/AAAA" in stderr.getvalue()
    assert "== Console conseiller – Isabelle MORIN" in out
    assert "Du (JJ/MM/AAAA) (Entrée : 32/11/2026) :" in out  # offered back, corrected
    audit = out.split("Journal d'audit (", 1)[1].split(")\n", 1)[1].split("== ", 1)[0].splitlines()
    assert audit and all(
        "Conseiller : Julien ROCHE (conseiller) ; " in line and "Adhérent : 3810522" in line for line in audit
    )
    assert any("Action : déblocage ; Adhérent : 3810522 ; motif : Bloquée après 3 essais" in line for line in audit)
    assert any("Action : appel noté" in line for line in audit)
    assert any("Action : vérification d'identité" in line and "date de naissance concordant" in line for line in audit)
    assert not any(code in out for code in ("identity_check", "birth_date", "call_logged"))
    assert "Aucun dossier ouvert sur motif, aucun canal fermé.\n" in out


async def test_a_conseiller_is_warned_of_the_sessions_end_in_the_middle_of_a_call(
    api, token_store, demo_session, clock, client_clock
):
    """Issue 10: the console asks through the same prompts as the member flows, so a conseiller who stays
    long on a question of a call (here, the first identity question) is warned before the next one, once, in
    words, and may extend; the questions then go on where they were."""
    stdout, stderr = io.StringIO(), io.StringIO()

    def birth_after_a_long_pause() -> str:
        left = api.seconds_before_idle_expiry()
        assert left is not None and left > 80
        client_clock.advance(seconds=left - 75)  # 75 s left: inside the warning window
        clock.advance(seconds=left - 75)  # the server's clock too (it is the judge of the expiry)
        return "01/01/1970"

    stdin = ScriptedInput(
        [
            *login(stdout, JULIEN, AGENT_TOTP, clock),
            menu_number(stdout, NEW_CALL),
            "martin so",
            hit_number(stdout, 1979),
            menu_number(stdout, "L'adhérent"),
            birth_after_a_long_pause,
            menu_number(stdout, "Prolonger"),
            "9,99",
            "0000",
            "",  # no reason: the dossier stays closed
            recap_send(stdout),
            menu_number(stdout, "Ne pas ouvrir le dossier"),
            "annuler",  # « Noter l'appel » given up at its motif: not logged…
            menu_number(stdout, "Oui"),  # … « Terminer l'appel sans le noter ? »
            menu_number(stdout, "Quitter"),
        ]
    )
    token_store.persistent = True  # as a keyring: « Quitter » keeps the session, whose expiry is checked below
    assert await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run() == 0
    out = stdout.getvalue()
    print(out)
    assert out.count("Sans activité, votre session se terminera à ") == 1  # said once, never counted down
    after = out.split("Date de naissance de l'adhérent (JJ/MM/AAAA, par exemple 05/03/1962) :\n", 1)[1].splitlines()
    assert after[0].startswith("Sans activité, votre session se terminera à ")  # before the next question
    assert after[1:5] == [
        "== Votre session va bientôt expirer ==",
        "1. Prolonger",
        "2. Ne pas prolonger",
        "Votre choix (1 à 2) :",
    ]
    assert after[5].startswith("Session prolongée jusqu'à ")
    assert after[6].startswith("Montant d'un des trois derniers remboursements versés")  # the questions go on
    assert "Dossier non ouvert : rien n'est communiqué à l'appelant.\n" in out
    assert api.seconds_before_idle_expiry() > 80  # extended on the server
    check = demo_session.exec(select(IdentityCheck)).one()  # the check was made with what was typed
    assert (check.passed, check.flagged) == (False, False)


def test_the_readme_answers_for_a_demo_call_hold(demo_session):
    """README « Un appel à la console »: what Sophie MARTIN (3810522) answers, and the network's FINESS numbers."""
    from decimal import Decimal

    from models.tables import PartnerProfessional
    from server.services.agent.identity import paid_amounts

    sophie = demo_session.exec(select(Member).where(Member.member_number == "3810522")).one()
    right = identity_answers(demo_session, "3810522")
    assert (right["birth_date"], right["rib_last4"]) == ("18/04/1979", "0274")
    amounts = {Decimal(x) for x in ("9.00", "25.20", "28.00", "45.25")}
    assert paid_amounts(demo_session, sophie.id) == amounts
    finess = {p.finess for p in demo_session.exec(select(PartnerProfessional)).all()}
    assert finess == {"630000149", "630780989", "690780127", "130780455"}
