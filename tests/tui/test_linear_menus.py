"""The same words in every menu of the linear mode (issue 18, `tui.flows.menus`), a wait for the server cut by
Ctrl+C, and an expired session renewed right where the member was, the draft sent once logged in again."""

from __future__ import annotations

import asyncio
import io
import signal

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.api.client import ApiClient
from tui.flows.menus import Kind, read_answer
from tui.linear import LinearClient
from tui.linear.client import CANCELLED, INTERRUPTED, REAUTH_INTRO

from .conftest import ScriptedInput, challenge_answer

MENU = ["Tableau de bord", "Mes remboursements", "Mes garanties", "Messagerie", "Retour"]


def test_a_number_chooses_and_a_wrong_number_is_said():
    assert read_answer(" 2 ", MENU).index == 1
    wrong = read_answer("9", MENU)
    assert wrong.kind is Kind.WRONG and wrong.problem == "choix invalide : « 9 ». Tapez un nombre de 1 à 5."


def test_first_letters_accent_and_case_blind_choose_when_they_designate_one_entry():
    assert read_answer("tab", MENU).index == 0
    assert read_answer("MES GAR", MENU).index == 2
    assert read_answer("rembour", MENU).index == 1  # the first letters of any word of the entry
    several = read_answer("mes", MENU)
    assert several.kind is Kind.WRONG and "(2, 3, 4)" in several.problem  # Messagerie too
    assert read_answer("xyz", MENU).kind is Kind.WRONG


def test_the_same_commands_in_every_menu():
    assert read_answer("0", MENU).index == 4 and read_answer("Retour", MENU).index == 4
    assert read_answer("0", MENU[:4]).kind is Kind.BACK  # no « Retour » entry: the flow is left
    assert read_answer("0", ["Filtrer", "Revenir à la liste"]).index == 1
    assert read_answer("r", MENU).kind is Kind.REPEAT
    assert read_answer("?", MENU).kind is Kind.HELP and read_answer("Aide", MENU).kind is Kind.HELP
    assert read_answer("Retour", ["Retour", "Retour à l'accueil"]).index == 0  # the exact words first


@settings(derandomize=True, max_examples=200)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=8, unique=True), st.text(max_size=10))
def test_any_answer_chooses_an_entry_of_the_menu_or_says_why(options, typed):
    answer = read_answer(typed, options)
    assert answer.kind is not Kind.CHOSEN or 0 <= answer.index < len(options)
    assert answer.kind is not Kind.WRONG or answer.problem


def test_a_menu_is_read_once_then_reminded_in_one_line():
    out = io.StringIO()
    client = LinearClient(ApiClient("http://127.0.0.1:9"), stdin=io.StringIO("x\n1\nr\n2\n"), stdout=out)
    assert client.choose("Accueil", ["Se connecter", "Quitter"]) == 0
    assert client.choose("Accueil", ["Se connecter", "Quitter"]) == 1
    text = out.getvalue()
    assert text.count("1. Se connecter") == 2  # the first time, then on « r »
    assert "== Accueil == (2 choix ; « r » : les relire)\n" in text


async def test_ctrl_c_while_the_server_is_awaited_cancels_that_wait_only(client_clock, token_store):
    out, err = io.StringIO(), io.StringIO()
    client: LinearClient

    async def never_answers(request: httpx.Request) -> httpx.Response:
        asyncio.get_running_loop().call_soon(client._on_interrupt, signal.SIGINT, None)  # the terminal's Ctrl+C
        await asyncio.Event().wait()
        raise AssertionError("not reached")

    api = ApiClient("http://127.0.0.1:9", transport=httpx.MockTransport(never_answers), clock=client_clock)
    stdin = ScriptedInput(["1", "1204587", "un mot de passe"])
    client = LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store)
    assert await client.run() == 0  # the program goes on: back to the menu, then the end of input
    text = out.getvalue()
    assert "Connexion en cours…\n" + INTERRUPTED + "\n" in text and text.endswith("Au revoir.\n")
    assert CANCELLED not in text and err.getvalue() == ""


async def test_an_expired_session_is_renewed_where_the_member_was_and_the_request_sent_again(
    api, coralie, token_store, read_code, demo_session
):
    """Coralie logs in, her session ends on the server (closed from another device); at her next choice the
    password and the code are asked right there, then her request goes out — she is not sent to the welcome
    menu, and another identifier cannot be slipped in."""
    from sqlmodel import select

    from models.tables import AuthSession
    from tests.conftest import TEST_NOW

    out, err = io.StringIO(), io.StringIO()

    def end_session_on_the_server() -> str:
        for row in demo_session.exec(select(AuthSession).where(AuthSession.revoked_at.is_(None))).all():
            row.revoked_at = TEST_NOW
            demo_session.add(row)
        demo_session.commit()
        return "Mes garanties"

    stdin = ScriptedInput(
        [
            "1",
            coralie.member_number,
            coralie.password,
            lambda: read_code(coralie.member_number),
            "2",
            end_session_on_the_server,
            "pas le bon",  # a wrong password first: said, then asked again, the request still waiting
            coralie.password,  # only the password: the identifier stays Coralie's
            challenge_answer(out),  # after a refusal, the server asks its human check
            lambda: read_code(coralie.member_number),
            "2",
        ]
    )
    client = LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store)
    assert await client.run() == 0
    text = out.getvalue()
    renewed = text.split(REAUTH_INTRO, 1)[1]
    assert renewed.startswith("\n== Connexion ==\nMot de passe :")  # no identifier question
    assert "== Mes garanties" in renewed  # the request that met the expiry, sent again
    assert "Aucune session ouverte" not in text
    assert err.getvalue().startswith("Erreur : Identifiant ou mot de passe incorrect.")  # the wrong one, said
    assert renewed.count("== Connexion ==\nMot de passe :") == 2  # asked again, still without the identifier
