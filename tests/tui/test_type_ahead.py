"""Issue 19, item 8: keys typed while a screen opens reach it, in order, in the fields they were meant for."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui.app import EspaceApp
from tui.flows.forms import Ask, Form
from tui.screens.dashboard import DashboardScreen
from tui.screens.forms import FormScreen
from tui.screens.login import LoginScreen
from tui.screens.messaging import ThreadScreen

from .conftest import settle


def burst(app: EspaceApp, *keys: str) -> None:
    """Keys sent all at once, as a fast typist's reach the terminal: nothing waits between them (where
    ``pilot.press`` lets the app settle after each key)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        name = {"\t": "tab", "\r": "enter", " ": "space", "/": "slash", "-": "minus", ".": "full_stop"}.get(key, key)
        event = events.Key(name, key if len(key) == 1 and key not in "\t\r" else None)
        event.set_sender(app)
        driver.send_message(event)


async def test_keys_typed_as_the_login_screen_opens_land_in_their_fields(api, token_store):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, *"1000001", "\t", *"secret")  # before the login form has even mounted
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#identifier", Input).value == "1000001"
        assert app.screen.query_one("#password", Input).value == "secret"


async def test_entree_moves_on_before_the_next_keys_are_read(api, token_store):
    """Entrée in the identifier moves to the password through ``Submitted`` (a message, then a focus move
    queued on the app): the password typed right behind it waits for that move."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, *"ab", "backspace", *"1000001", "\r", *"secret")  # a slip corrected on the way
        await settle(pilot)
        assert app.screen.query_one("#identifier", Input).value == "a1000001"
        assert app.screen.query_one("#password", Input).value == "secret"
        assert app.focused is app.screen.query_one("#password", Input)


async def test_a_form_pushed_then_typed_into_at_once_gets_each_answer_in_its_field(api, token_store):
    """The identity form's « RIMONLéa »: the form pushed and the answers typed before its first field has the
    focus (its ``on_mount`` moves it there through a callback queued on the app)."""
    app = EspaceApp(api, token_store=token_store)
    answers: list[dict[str, object] | None] = []
    form = Form(
        "Votre identité",
        (),
        (Ask("last_name", "Nom"), Ask("first_name", "Prénom"), Ask("birth_date", "Date de naissance")),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(FormScreen(form), answers.append)
        burst(app, *"RIMON", "\t", *"Lé", "backspace", *"éa", "\r", *"12/03/1990")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FormScreen)
        assert screen.query_one("#field-last_name", Input).value == "RIMON"
        assert screen.query_one("#field-first_name", Input).value == "Léa"
        assert screen.query_one("#field-birth_date", Input).value == "12/03/1990"
        burst(app, "ctrl+s")
        await settle(pilot)
        assert answers == [{"last_name": "RIMON", "first_name": "Léa", "birth_date": "12/03/1990"}]


async def test_keys_typed_while_a_list_loads_wait_for_it(api, token_store, log_in_as, coralie):
    """« m » then Entrée at once: the Entrée waits for the inbox's first reading, then opens its first
    conversation (it did nothing on the empty list, and was lost)."""
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        burst(app, "m", "\r")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
