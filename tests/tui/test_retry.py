"""When the server does not answer, the client keeps what was typed, says so in words, and sends it again
with the same Idempotency-Key: the server records one thing only (issue 11, Faults). Both front ends,
against the real server app; the transport fails the first send (`FailFirstSend`)."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from models.tables import MailOutbox, MemberRequest, Message, MessageThread
from server.notify.sms import gsm7
from tui.api.client import ApiClient
from tui.app import EspaceApp
from tui.flows import messaging as flow
from tui.flows import retry
from tui.linear import LinearClient
from tui.linear import messaging as linear_messaging
from tui.screens.forms import ConfirmScreen
from tui.screens.messaging import ComposerScreen, MessagingScreen, ThreadScreen

from .conftest import SERVER, FailFirstSend, ScriptedInput, menu_number, recap_send, settle
from .profile_helpers import until
from .test_agent_console import julien_token, sophie79  # noqa: F401  (fixtures, used by name)
from .test_messaging import screen_text

KEPT_NOW = "Le serveur ne répond pas : votre message est gardé, réessayez"
LOST_ANSWER = "Le serveur ne répond pas"  # a dropped connection is a network error too


@pytest.fixture
async def coralie_token(log_in_as, coralie) -> str:
    """Coralie logged in through the real routes; the token store holds her token (the app resumes it)."""
    return await log_in_as(coralie.member_number)


def flaky_api(demo_app, client_clock, path: str, *, lose_answer: bool = False) -> tuple[ApiClient, FailFirstSend]:
    transport = FailFirstSend(demo_app, path, lose_answer=lose_answer)
    return ApiClient(SERVER, transport=transport, clock=client_clock), transport


async def fresh_second_factor(api: ApiClient, read_code, member_number: str = "1204587") -> None:
    """Issue 16: a new e-mail or mobile needs a fresh second factor; given here, through the real routes, so that
    these tests are about the lost answer of the request that follows (the step-up window lasts minutes)."""
    from tui.api.profile import ProfileApi

    profile = ProfileApi(api)
    await profile.start_step_up()
    await profile.verify_step_up(read_code(member_number))


def test_the_retry_sentence_says_what_is_kept_and_that_sending_again_is_safe():
    from tui.api import errors

    assert retry.kept_sentence(errors.NetworkError(), "votre message est gardé", "réessayez (Ctrl+S)") == (
        "Le serveur ne répond pas : votre message est gardé, réessayez (Ctrl+S). "
        "Un nouvel envoi porte le même numéro unique : rien ne sera enregistré deux fois."
    )
    assert retry.kept_sentence(errors.TimeoutError(), "votre demande est gardée").startswith(
        "Le serveur met trop de temps à répondre : votre demande est gardée, réessayez."
    )
    assert retry.is_unreachable(errors.TimeoutError()) and not retry.is_unreachable(errors.ServerError())


def test_a_submission_keeps_its_key_while_the_body_is_the_same():
    keys = iter(["k1", "k2", "k3"])
    submission = retry.Submission(make_key=lambda: next(keys))
    assert submission.key_for({"body": "a"}) == submission.key_for({"body": "a"}) == "k1"
    assert submission.key_for({"body": "b"}) == "k2"  # edited after the failure: another message
    submission.done()
    assert submission.key_for({"body": "b"}) == "k3"


# -- messagerie, full screen ------------------------------------------------------------------------------


async def test_a_new_message_is_kept_and_sent_once_when_the_server_did_not_answer(
    demo_app, client_clock, token_store, coralie_token, demo_session
):
    """The composer sends; the server does not answer: said in words with the question « Renvoyer … ? »,
    « Non » keeps the message as the draft (Échap-like: the composer opens again with it), « o » then sends
    it again with the same key: one thread."""
    api, transport = flaky_api(demo_app, client_clock, "/me/threads")
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: getattr(app.focused, "id", None) == "field-subject")
        await pilot.press(*"Lunettes", "tab")  # the subject, then the message (slots: for an appointment only)
        await until(pilot, lambda: getattr(app.focused, "id", None) == "field-body")
        await pilot.press(*"Ma monture est-elle prise en charge ?")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert question.startswith(KEPT_NOW) and "rien ne sera enregistré deux fois" in question
        assert question.endswith(flow.SEND_AGAIN)
        await pilot.press("n")  # not now: the draft stays
        await until(pilot, lambda: isinstance(app.screen, MessagingScreen))
        assert app.drafts.has(flow.NEW) and flow.DRAFT_SAVED in screen_text(app)
        await pilot.press("e")  # the composer again, with the draft
        await until(pilot, lambda: isinstance(app.screen, ComposerScreen))
        assert app.screen.query_one("#field-subject").value == "Lunettes"
        assert app.screen.query_one("#field-body").text == "Ma monture est-elle prise en charge ?"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MessagingScreen) and not app.drafts.has(flow.NEW))
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert len(demo_session.exec(select(MessageThread).where(MessageThread.subject == "Lunettes")).all()) == 1


async def test_a_reply_whose_answer_was_lost_is_sent_again_with_the_same_key_and_recorded_once(
    demo_app, client_clock, token_store, coralie_token, demo_session
):
    api, transport = flaky_api(demo_app, client_clock, "/messages", lose_answer=True)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")  # the first conversation
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        await pilot.press("e")
        await until(pilot, lambda: getattr(app.focused, "id", None) == "field-body")  # the reply's first field
        await pilot.press(*"Merci, bien reçu.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question.startswith(LOST_ANSWER) and flow.DRAFT_KEPT in app.screen.question
        await pilot.press("o")  # send it again now
        await until(pilot, lambda: isinstance(app.screen, ThreadScreen) and not app.drafts.has(app.screen.thread_id))
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    # the server did record the first send: the second, with the same key, got the same answer back
    assert len(demo_session.exec(select(Message).where(Message.body == "Merci, bien reçu.")).all()) == 1


# -- messagerie, linear mode ------------------------------------------------------------------------------


async def linear_session(api: ApiClient, token: str, token_store, answers, menu_item: str) -> tuple[str, str]:
    """Runs the linear client from the main menu's ``menu_item``; an answer may be a function of the output
    (``menu_number``, ``recap_send``), called when asked; then quits."""
    stdout, stderr = io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=io.StringIO(""), stdout=stdout, stderr=stderr, token_store=token_store)
    api.use_token(token)
    menu = [a.id for a in client.menu_actions((await api.dashboard()).areas)]
    script = [str(menu.index(menu_item) + 1), *(a(stdout) if callable(a) else a for a in answers)]
    client.stdin = ScriptedInput([*script, str(menu.index("quit") + 1)])
    assert await client.run() == 0
    return stdout.getvalue(), stderr.getvalue()


def pick(label: str):
    return lambda out: menu_number(out, label)


async def test_linear_a_new_message_is_kept_and_sent_again_with_the_same_key(
    demo_app, client_clock, token_store, coralie_token, demo_session
):
    api, transport = flaky_api(demo_app, client_clock, "/me/threads")
    answers = [
        pick(linear_messaging.WRITE),
        "1",  # the first category
        "Lunettes",
        "Ma monture est-elle prise en charge ?",
        "",  # the empty line ends the message
        "",  # no attachment
        recap_send,
        pick("Oui"),  # « … Renvoyer le même message maintenant ? »
        pick(linear_messaging.BACK),
    ]
    out, err = await linear_session(api, coralie_token, token_store, answers, "messaging")
    assert KEPT_NOW in out and "rien ne sera enregistré deux fois" in out and flow.SEND_AGAIN in out
    assert flow.SENT in out and err == ""
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert len(demo_session.exec(select(MessageThread).where(MessageThread.subject == "Lunettes")).all()) == 1


async def test_linear_a_reply_sent_later_keeps_its_draft_and_its_key(
    demo_app, client_clock, token_store, coralie_token, demo_session
):
    api, transport = flaky_api(demo_app, client_clock, "/messages", lose_answer=True)
    answers = [
        "1",  # the first conversation
        pick("Répondre"),
        "Merci, bien reçu.",
        "",  # the empty line ends the message
        "",  # no attachment
        recap_send,
        pick("Non"),  # not now: the draft stays for the session
        "1",
        pick("Répondre"),
        "",  # Entrée keeps the draft's text
        "",  # no attachment
        recap_send,
        pick(linear_messaging.BACK),
    ]
    out, err = await linear_session(api, coralie_token, token_store, answers, "messaging")
    assert flow.DRAFT_KEPT in out and flow.DRAFT_SAVED in out and err == ""
    assert out.count(flow.SENT) == 1
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert len(demo_session.exec(select(Message).where(Message.body == "Merci, bien reçu.")).all()) == 1


# -- « Mon profil »: a request with typed answers and a file ------------------------------------------------

CHILD = "Ajout d'un enfant : Jules Giraud"
PROFILE_KEPT = "Le serveur ne répond pas : votre demande est gardée, vous pouvez la renvoyer."


async def test_profile_request_kept_and_sent_again_with_the_same_key(
    demo_app, client_clock, token_store, log_in_as, demo_session, tmp_path
):
    from tui.screens.forms import ConfirmScreen

    from .profile_helpers import PDF, status_of, type_text, until
    from .test_profile_actions_app import fill_add_a_child

    birth = tmp_path / "acte.pdf"
    birth.write_bytes(PDF)
    await log_in_as("5520318")
    api, transport = flaky_api(demo_app, client_clock, "/me/family/additions")
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_add_a_child(pilot)
        await type_text(pilot, str(birth))
        await pilot.press("enter", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = app.screen.question
        assert question.startswith(PROFILE_KEPT) and question.endswith("La renvoyer maintenant ?")
        await pilot.press("o")  # Oui: the same request, sent again
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        assert "enregistrée : un conseiller vérifie les justificatifs" in status_of(app)
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert len(demo_session.exec(select(MemberRequest).where(MemberRequest.title == CHILD)).all()) == 1


async def test_linear_profile_request_kept_and_sent_again_with_the_same_key(
    demo_app, client_clock, token_store, log_in_as, demo_session, tmp_path
):
    from .test_profile_actions_app import PDF

    birth = tmp_path / "acte.pdf"
    birth.write_bytes(PDF)
    token = await log_in_as("5520318")
    api, transport = flaky_api(demo_app, client_clock, "/me/family/additions", lose_answer=True)
    answers = [
        pick("Ayants droit et télétransmission"),
        pick("Ajouter un conjoint ou un enfant"),
        pick("Enfant"),
        "Jules",
        "Giraud",
        "02/03/2026",
        pick("Masculin"),
        "",
        "",  # Entrée at the recap
        str(birth),
        pick("Oui"),  # « La renvoyer maintenant ? »
        pick("Retour"),
    ]
    out, err = await linear_session(api, token, token_store, answers, "profile")
    assert err == ""  # said as a question, not as an error
    assert PROFILE_KEPT in out and "La renvoyer maintenant ?" in out
    assert "enregistrée : un conseiller vérifie les justificatifs" in out
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    # the first send did arrive (its answer was lost): the retry got the same request back, not a second one
    assert len(demo_session.exec(select(MemberRequest).where(MemberRequest.title == CHILD)).all()) == 1


# -- a simulation saved ------------------------------------------------------------------------------------


@pytest.fixture
def lea_token(demo_session, demo_make, token_store) -> str:
    from models.tables import Account

    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    token = demo_make.session_token(account)
    token_store.set(SERVER, token)
    return token


async def test_a_simulation_to_save_is_kept_and_saved_once(demo_app, client_clock, token_store, lea_token):
    from textual.widgets import Button, Static

    from .test_simulator_app import simulate_a_specialist_consultation

    api, transport = flaky_api(demo_app, client_clock, "/me/simulations")
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await simulate_a_specialist_consultation(pilot)
        save = screen.query_one("#save", Button)
        # Textual ignores Enter on a button for 0.2 s of wall time after a press (its "-active" effect):
        # without this, the second Enter is lost whenever the first send fails in under 0.2 s
        save.active_effect_duration = 0
        save.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.status.text.startswith(
            "Erreur : Le serveur ne répond pas : votre simulation est gardée, réessayez (Enregistrer)."
        )
        await pilot.press("enter")  # Enregistrer again: the same simulation, the same key
        await settle(pilot)
        assert screen.status.text == "Simulation enregistrée dans votre espace."
        assert str(screen.query_one("#saved", Static).render()).startswith("Mes simulations enregistrées (1)")
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None


async def test_linear_a_simulation_whose_answer_was_lost_is_saved_once(demo_app, client_clock, token_store, lea_token):
    from .test_guarantees_linear import SPECIALIST_80

    api, transport = flaky_api(demo_app, client_clock, "/me/simulations", lose_answer=True)
    answers = [*SPECIALIST_80, pick("Oui")]  # then « L'enregistrer maintenant ? » Oui
    out, err = await linear_session(api, lea_token, token_store, answers, "simulator")
    assert "Le serveur ne répond pas : votre simulation est gardée, réessayez." in err
    assert "Simulation enregistrée dans votre espace.\n== Mes simulations enregistrées (1) ==" in out
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None


# -- the console conseiller: the API keeps the key of an unanswered send ------------------------------------


async def test_an_agent_action_sent_again_after_a_lost_answer_is_recorded_once(
    demo_app, client_clock, demo_session, demo_make
):
    from models.tables import Account, IdentityCheck, Member
    from tui.api import errors
    from tui.api.agent import AgentApi

    from .test_agent_console import JULIEN

    julien = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    sophie = demo_session.exec(select(Member).where(Member.member_number == "3810522")).one()
    api, transport = flaky_api(demo_app, client_clock, "/identity-check", lose_answer=True)
    api.use_token(demo_make.session_token(julien))
    agent = AgentApi(api)
    call = await agent.start_call(sophie.id, "member")
    answers = {"birth_date": "19/04/1979", "paid_amount": "1,00", "rib_last4": "0000"}
    with pytest.raises(errors.NetworkError):
        await agent.check_answers(call.id, answers, None)
    await agent.check_answers(call.id, answers, None)  # the conseiller sends the same answers again
    other = await agent.check_answers(call.id, answers | {"birth_date": "20/04/1979"}, None)
    assert transport.keys[0] == transport.keys[1] and transport.keys[2] not in transport.keys[:2]
    checks = demo_session.exec(select(IdentityCheck).where(IdentityCheck.member_id == sophie.id)).all()
    assert len(checks) == 2 and other is not None  # the lost one and the other one: not three


# -- « Mon profil »: a new e-mail or mobile, whose request sends a code ---------------------------------------

NEW_EMAIL, NEW_MOBILE = "coralie.v@example.org", "0781223344"


async def test_a_new_email_whose_answer_was_lost_is_sent_again_and_gets_one_code(
    demo_app, client_clock, token_store, api, log_in_as, read_code, demo_session
):
    from tui.screens.forms import ConfirmScreen

    from .profile_helpers import back_on_profile, in_section, mails_to, member, on_form, status_of, type_text, until

    await log_in_as("1204587")
    await fresh_second_factor(api, read_code)
    api, transport = flaky_api(demo_app, client_clock, "/me/profile/email", lose_answer=True)
    async with in_section(api, token_store, "contact") as (app, pilot):
        await pilot.press("e")
        await until(pilot, lambda: on_form(app, "Nouvelle adresse e-mail"))
        await type_text(pilot, NEW_EMAIL)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question.startswith(PROFILE_KEPT)
        await pilot.press("o")  # Oui: the same address, the same key
        await until(pilot, lambda: on_form(app, "Code reçu"))
        await type_text(pilot, read_code(NEW_EMAIL))  # the code of the first (and only) mail still works
        await pilot.press("enter")
        await back_on_profile(pilot)
        assert status_of(app).startswith("Votre nouvelle adresse e-mail est confirmée")
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert [m.subject for m in mails_to(demo_session, NEW_EMAIL)] == ["Confirmez votre nouvelle adresse e-mail"]
    assert member(demo_session, "1204587").email == NEW_EMAIL


async def test_linear_a_new_mobile_whose_answer_was_lost_gets_one_sms(
    demo_app, client_clock, token_store, api, log_in_as, read_code, demo_session
):
    from .profile_helpers import PROFILE, member, run_linear, sms_code

    await log_in_as("1204587")
    await fresh_second_factor(api, read_code)
    api, transport = flaky_api(demo_app, client_clock, "/me/profile/mobile", lose_answer=True)
    answers = [
        ("menu", PROFILE),
        ("menu", "Coordonnées"),
        ("menu", "Changer mon numéro de mobile"),
        "07 81 22 33 44",
        ("menu", "Oui"),  # « La renvoyer maintenant ? »
        lambda: sms_code(demo_session, NEW_MOBILE),  # read when asked: the code of the one SMS
        ("menu", "Retour"),
    ]
    lines, err = await run_linear(api, token_store, answers)
    out = "\n".join(lines)
    assert err == ""
    assert PROFILE_KEPT in out and "Votre nouveau numéro de mobile est confirmé." in out
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    sent = [m for m in demo_session.exec(select(MailOutbox)).all() if m.to.startswith(f"sms+{NEW_MOBILE}@")]
    assert len(sent) == 1  # one SMS, one code: the retry did not send a second one
    assert member(demo_session, "1204587").mobile == NEW_MOBILE


async def test_the_console_keeps_the_form_when_a_send_got_no_answer(
    demo_app, client_clock, token_store, julien_token, sophie79, demo_session
):
    from models.schemas.common import AccountState
    from models.tables import Account, AuditEvent
    from tui.screens.forms import ConfirmScreen

    from .agent_helpers import console_status, fill_form
    from .profile_helpers import until
    from .test_agent_console import open_sophie

    api, transport = flaky_api(demo_app, client_clock, "/unlock")
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sophie(app, pilot, demo_session)
        await pilot.press("u")
        await fill_form(app, pilot, "Débloquer l'accès", confirm=False, reason="Bloquée après 3 essais", ticket="T-42")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))  # the read-back
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen) and "ne répond pas" in app.screen.question)
        question = app.screen.question
        assert question.startswith("Le serveur ne répond pas : votre demande est gardée")
        assert "rien ne sera enregistré deux fois" in question
        await pilot.press("o")  # sent again as it is, with the same key
        await until(pilot, lambda: "Compte débloqué" in console_status(app))
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    account = demo_session.exec(select(Account).where(Account.member_id == sophie79.id)).one()
    demo_session.refresh(account)
    assert account.state == AccountState.active
    assert len(demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_unlock")).all()) == 1


# -- « Mon profil »: the step-up code before a RIB change, and the code typed to confirm a new address ---------

STEP_UP_SMS = gsm7("(modification de vos coordonnées)")  # in the step-up code's SMS (GSM-7)
NEW_RIB = ("FR7630006000011234567890189", "AGRIFRPP", "Coralie Vidal")


def step_up_codes_sent(session) -> int:
    return sum(STEP_UP_SMS in m.body for m in session.exec(select(MailOutbox)).all())


async def test_a_step_up_whose_answer_was_lost_is_asked_again_and_sends_one_code(
    demo_app, client_clock, token_store, log_in_as, read_code, demo_session
):
    from tui.screens.forms import ConfirmScreen

    from .profile_helpers import in_section, on_form, send_a_rib, status_of, type_text, until

    await log_in_as("1204587")
    api, transport = flaky_api(demo_app, client_clock, "/me/step-up", lose_answer=True)
    async with in_section(api, token_store, "bank") as (app, pilot):
        await send_a_rib(app, pilot)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question.startswith(PROFILE_KEPT)
        await pilot.press("o")  # Oui: asked again with the same key, no second code
        await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous"))
        await type_text(pilot, read_code("1204587"))  # the code of the first (and only) SMS
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        assert status_of(app) == "RIB enregistré ; un e-mail vous le confirme."
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert step_up_codes_sent(demo_session) == 1


async def test_linear_a_step_up_whose_answer_was_lost_sends_one_code(
    demo_app, client_clock, token_store, log_in_as, read_code, demo_session
):
    from .profile_helpers import PROFILE, run_linear

    await log_in_as("1204587")
    api, transport = flaky_api(demo_app, client_clock, "/me/step-up", lose_answer=True)
    answers = [
        ("menu", PROFILE),
        ("menu", "RIB de remboursement et de prélèvement"),
        ("menu", "Changer le RIB de remboursement"),
        *NEW_RIB,
        ("menu", "Tout le contrat"),
        "",  # Entrée at the recap
        ("menu", "Oui"),  # « La renvoyer maintenant ? »
        lambda: read_code("1204587"),  # read when asked: the code of the one SMS
        ("menu", "Retour"),
    ]
    lines, err = await run_linear(api, token_store, answers)
    out = "\n".join(lines)
    assert err == ""
    assert PROFILE_KEPT in out and "Identité confirmée" in out and "RIB enregistré ; un e-mail vous le confirme." in out
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    assert step_up_codes_sent(demo_session) == 1


async def test_an_email_confirmation_whose_answer_was_lost_is_sent_again_and_confirmed_once(
    demo_app, client_clock, token_store, api, log_in_as, read_code, demo_session
):
    from tui.screens.forms import ConfirmScreen

    from .profile_helpers import back_on_profile, in_section, mails_to, member, on_form, status_of, type_text, until

    await log_in_as("1204587")
    await fresh_second_factor(api, read_code)
    old = member(demo_session, "1204587").email
    api, transport = flaky_api(demo_app, client_clock, "/me/profile/email/confirm", lose_answer=True)
    async with in_section(api, token_store, "contact") as (app, pilot):
        await pilot.press("e")
        await until(pilot, lambda: on_form(app, "Nouvelle adresse e-mail"))
        await type_text(pilot, NEW_EMAIL)
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Code reçu"))
        await type_text(pilot, read_code(NEW_EMAIL))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question.startswith(PROFILE_KEPT)
        await pilot.press("o")  # Oui: the same code, the same key: the server's first answer, not « aucun … »
        await back_on_profile(pilot)
        assert status_of(app).startswith("Votre nouvelle adresse e-mail est confirmée")
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    told = [m.subject for m in mails_to(demo_session, old or "")]
    assert told.count("Ce changement vient-il de vous ?") == 1  # confirmed once
    assert member(demo_session, "1204587").email == NEW_EMAIL


async def test_linear_a_mobile_confirmation_sent_again_carries_the_same_key(
    demo_app, client_clock, token_store, api, log_in_as, read_code, demo_session
):
    from .profile_helpers import PROFILE, member, run_linear, sms_code

    await log_in_as("1204587")
    await fresh_second_factor(api, read_code)
    old = member(demo_session, "1204587").mobile or ""
    api, transport = flaky_api(demo_app, client_clock, "/me/profile/mobile/confirm", lose_answer=True)
    answers = [
        ("menu", PROFILE),
        ("menu", "Coordonnées"),
        ("menu", "Changer mon numéro de mobile"),
        "07 81 22 33 44",
        lambda: sms_code(demo_session, NEW_MOBILE),
        ("menu", "Oui"),  # « La renvoyer maintenant ? »
        ("menu", "Retour"),
    ]
    lines, err = await run_linear(api, token_store, answers)
    out = "\n".join(lines)
    assert err == ""
    assert PROFILE_KEPT in out and "Votre nouveau numéro de mobile est confirmé." in out
    assert len(transport.keys) == 2 and transport.keys[0] == transport.keys[1] is not None
    digits = "".join(c for c in old if c.isdigit())
    told = [m for m in demo_session.exec(select(MailOutbox)).all() if m.to.startswith(f"sms+{digits}@")]
    assert sum(gsm7("Si ce n'est pas vous") in m.body for m in told) == 1  # the old number is told once
    assert member(demo_session, "1204587").mobile == NEW_MOBILE
