"""« Ce n'est pas moi » (issue 16) in both front ends, against the REAL server app (demo world): Coralie's e-mail
was changed behind her back; she types her n° adhérent and the code of the message sent to her old address.
A wrong code first (walk the mistake), then the right one: the change is undone and the account locked until a
password reset."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select
from textual.widgets import Input, Static

from models.schemas.common import AccountState
from models.schemas.profile import ContactChannel
from models.tables import Account, Member
from server.services import contacts
from tests.server.auth_helpers import code_in, last_mail
from tui.app import EspaceApp
from tui.flows import account as flows
from tui.linear import LinearClient
from tui.screens.account import NotMeScreen
from tui.screens.login import LoginScreen

from .conftest import ScriptedInput, menu_number, recap_send, settle

CORALIE = "1204587"
OLD = "coralie.vidal@example.fr"
PIRATE = "pirate@example.net"


@pytest.fixture
def revert_code(demo_session, clock, settings) -> str:
    """Coralie's login e-mail changed to an attacker's address; the code sent to her old address."""
    member = demo_session.exec(select(Member).where(Member.member_number == CORALIE)).one()
    contacts.start_contact_change(demo_session, clock, settings, member, ContactChannel.email, PIRATE)
    demo_session.commit()
    code = code_in(last_mail(demo_session, PIRATE))
    contacts.confirm_contact_change(demo_session, clock, settings, member, ContactChannel.email, code)
    demo_session.commit()
    return re.search(r"ce code : (\d{8})", last_mail(demo_session, OLD).body)[1]


def undone(demo_session) -> bool:
    member = demo_session.exec(select(Member).where(Member.member_number == CORALIE)).one()
    account = demo_session.exec(select(Account).where(Account.member_id == member.id)).one()
    demo_session.refresh(member)
    demo_session.refresh(account)
    return member.email == OLD and account.state == AccountState.locked


def test_the_flow_says_what_a_code_looks_like_before_sending_anything():
    flow = flows.NotMeFlow(api=None)  # type: ignore[arg-type]  # nothing is sent: the check refuses first
    assert [p.message for p in flow.check("", "")] == [
        "Indiquez votre n° adhérent.",
        "Indiquez le code à 8 chiffres du message reçu.",
    ]
    assert [p.field for p in flow.check("12a", "1234")] == ["identifier", "code"]
    assert flow.check(CORALIE, "1234 5678") == []


async def test_not_me_on_the_full_screen(api, token_store, revert_code, demo_session):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f12")
        await settle(pilot)
        if not isinstance(app.screen, NotMeScreen):  # the key comes from the registry (remappable)
            app.action_not_me()
            await settle(pilot)
        assert isinstance(app.screen, NotMeScreen) and app.focused.id == "identifier"
        await pilot.press(*CORALIE, "enter", *"1234", "enter")
        await settle(pilot)
        said = str(app.screen.query_one("#account-status").render())
        assert "Le code du message compte 8 chiffres" in said
        assert app.screen.query_one("#identifier", Input).value == CORALIE  # what was typed is kept
        code = app.screen.query_one("#code", Input)
        code.value = ""
        code.focus()
        await pilot.press(*"00000000", "enter")
        await settle(pilot)
        assert "pas valable" in str(app.screen.query_one("#account-status").render())
        assert not undone(demo_session)
        code = app.screen.query_one("#code", Input)
        code.value = ""
        code.focus()
        await pilot.press(*revert_code, "enter")
        await settle(pilot)
        shown = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert "Le changement est annulé" in shown and "Mot de passe oublié ?" in shown
        assert undone(demo_session)
        await pilot.press("enter")  # « Me connecter »
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#identifier", Input).value == CORALIE


async def test_not_me_in_the_linear_mode(api, token_store, revert_code, demo_session):
    stdout, stderr = io.StringIO(), io.StringIO()

    def answers(out):
        return [
            menu_number(out, "Ce n'est pas moi : annuler un changement d'e-mail ou de mobile"),
            CORALIE,
            "00000000",
            recap_send(out),
            revert_code,  # only the code asked again: the n° adhérent is kept
            recap_send(out),
            menu_number(out, "Quitter"),
        ]

    stdin = ScriptedInput(answers(stdout))
    code = await LinearClient(
        api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store, demo_maildir=None
    ).run()
    assert code == 0
    out, err = stdout.getvalue(), stderr.getvalue()
    assert "== Ce n'est pas moi ==" in out and flows.NOT_ME_INTRO in out
    assert out.count("\nN° adhérent :") == 1 and out.count(f"\n{flows.NOT_ME_CODE_LABEL} :\n") == 2
    assert "1. N° adhérent : 1204587\n2. Code du message (8 chiffres) : (masqué)\n" in out, out
    assert "Ce lien ou ce code n'est pas valable" in err  # the wrong code, said as an error
    assert "Le changement est annulé" in out and flows.NOT_ME_NEXT in out
    assert undone(demo_session)


def test_not_me_screen_80x24(snap_compare, api, token_store, revert_code):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.action_not_me()
        await settle(pilot)
        await pilot.press(*CORALIE, "enter", *"1234", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
