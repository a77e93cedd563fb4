"""Issue 18: the account forms are declared once (``tui.flows.account``). The full-screen account screens lay
out those fields — the same words, in the same order, a password masked — and the linear mode asks them
through ``LinearFace``; a password (``forms.SECRET``) is read without echo, never offered back after a
mistake and masked in the recap; answers the server did not refuse (``Form.given``) are not asked again."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from textual.widgets import Input

from tui.app import EspaceApp
from tui.flows import account as flows
from tui.flows import forms
from tui.linear import LinearClient
from tui.linear.face import LinearFace
from tui.screens import account
from tui.screens.forms import FormScreen
from tui.widgets.text import Label, Static

from .conftest import ScriptedInput, recap_send, settle

WITHOUT_WIDGETS_OF_THEIR_OWN = ("accept_terms", "challenge")  # a checkbox, the question over its answer


def _fields(screen: Any, declared: Callable[[Any], tuple[forms.Ask, ...]]) -> list[forms.Ask]:
    return [ask for ask in declared(screen) if ask.name not in WITHOUT_WIDGETS_OF_THEIR_OWN]


async def test_each_account_screen_lays_out_the_declared_fields(api, token_store):
    """Each label is the declared field's words (those the linear mode asks), over its input, in the declared
    order; a password field is masked. Changing a declaration changes both faces."""
    cases: list[tuple[Any, Callable[[Any], tuple[forms.Ask, ...]]]] = [
        (account.ActivationScreen(api), lambda s: flows.activation_form(s.flow).asks),
        (account.RecoverIdentifierScreen(api), lambda s: flows.recover_form(s.flow).asks),
        (account.NotMeScreen(api), lambda s: flows.not_me_form(s.flow).asks),
        (account.ChangePasswordScreen(api), lambda s: flows.change_form(s.flow).asks),
    ]
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for screen, declared in cases:
            await app.push_screen(screen)
            await settle(pilot)
            asks = _fields(screen, declared)
            assert [str(label.render()) for label in screen.query(Label)] == [flows.label_of(a) for a in asks]
            inputs = [w for w in screen.query(Input) if w.id in {a.name for a in asks}]
            assert [w.id for w in inputs] == [a.name for a in asks]
            assert [w.password for w in inputs] == [a.kind == forms.SECRET for a in asks]
            app.pop_screen()
            await settle(pilot)


async def test_the_identity_mode_of_the_activation_lays_out_the_identity_fields(api, token_store):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = account.ActivationScreen(api)
        await app.push_screen(screen)
        await settle(pilot)
        screen.query_one("#switch-mode").press()
        await settle(pilot)
        labels = [str(label.render()) for label in screen.query(Label)]
        assert labels[1:5] == [flows.label_of(a) for a in flows.IDENTITY]
        assert labels == [flows.label_of(a) for a in _fields(screen, lambda s: flows.activation_form(s.flow).asks)]


async def test_the_generic_form_masks_a_secret_shows_what_is_said_before_and_the_answers_given(api, token_store):
    form = forms.Form(
        "Essai",
        (),
        (forms.Ask("name", "Nom"), forms.Ask("password", "Mot de passe", forms.SECRET, before=flows.RULES_BEFORE)),
        given={"name": "VIDAL"},
    )
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = FormScreen(form)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.query_one("#field-name", Input).value == "VIDAL"
        assert screen.query_one("#field-password", Input).password
        assert flows.RULES_BEFORE in [str(w.render()) for w in screen.query(Static)]


async def test_a_password_is_read_without_echo_never_offered_back_and_masked_in_the_recap(api):
    """Read through ``ask_secret`` (getpass on a terminal); a password the policy refuses is asked again
    with nothing offered back; the recap says « (masqué) »; the answer given before is not asked again."""
    secrets = ["court", "Glycine-Bleue-2027?"]
    asked_secretly: list[str] = []

    def read_secret(prompt: str) -> str:
        asked_secretly.append(prompt)
        return secrets.pop(0)

    out, err = io.StringIO(), io.StringIO()
    client = LinearClient(
        api,
        stdin=ScriptedInput(["Coralie", recap_send(out)]),
        stdout=out,
        stderr=err,
        read_secret=read_secret,
        demo_maildir=None,
    )
    policy = flows.ChangePasswordFlow(api).policy
    form = forms.Form(
        "Essai",
        (),
        (forms.Ask("member_number", "N° adhérent"), forms.Ask("first_name", "Prénom"), flows.NEW_PASSWORD),
        check=lambda v: flows.first_problem_of(flows.check_new_password(new := v.get("new_password", ""), new, policy)),
        given={"member_number": "1204587"},
    )
    values = await LinearFace(client).form(form)
    assert values == {"member_number": "1204587", "first_name": "Coralie", "new_password": "Glycine-Bleue-2027?"}
    assert asked_secretly == ["Nouveau mot de passe : ", "Nouveau mot de passe : "]  # nothing offered back
    text = out.getvalue()
    assert "\nN° adhérent :\n" not in text  # given: not asked again
    assert "1. N° adhérent : 1204587\n2. Prénom : Coralie\n3. Nouveau mot de passe : (masqué)\n" in text
    assert "court" not in text and "Glycine" not in text
    assert err.getvalue().startswith("Erreur : Le mot de passe ne respecte pas les règles")
    assert forms.answer_words(flows.NEW_PASSWORD, "secret") == "(masqué)"


class ScriptedFace:
    """A face that answers each form from a script (the answers of the fields it asks), and keeps what it
    was shown and told."""

    reads_back = False

    def __init__(self, answers: list[forms.Values]) -> None:
        self.answers = answers
        self.shown: list[forms.Form] = []
        self.said: list[str] = []
        self.errors: list[str] = []

    async def form(self, form: forms.Form) -> forms.Values | None:
        self.shown.append(form)
        return {**form.given, **self.answers.pop(0)}

    async def confirm(self, question: str) -> bool:
        return True

    async def pick(self, question: str, options: Any) -> int | None:
        return 0

    def say(self, text: str) -> None:
        self.said.append(text)

    def error(self, text: str) -> None:
        self.errors.append(text)


async def test_a_refusal_of_the_whole_form_with_nothing_to_ask_again_is_not_sent_again():
    """The server down (a problem of no field) on a form without a recap whose answers are all kept: said
    once, then the member is back where they chose it — not a loop of sendings."""
    sent: list[forms.Values] = []

    async def send(values: forms.Values) -> flows.Result:
        sent.append(values)
        return flows.Result(problems=[flows.FieldError("form", "Le serveur ne répond pas.")])

    face = ScriptedFace([{"identifier": "1204587"}])
    build = lambda given: forms.Form("Essai", (), (flows.IDENTIFIER,), recap=False, given=given)  # noqa: E731
    assert await flows.run_form(face, build, send) is None
    assert sent == [{"identifier": "1204587"}] and face.errors == ["Le serveur ne répond pas."]


async def test_a_refused_current_password_is_asked_again_alone_three_times_at_most(api):
    """Each refusal keeps the new password (not asked again) and asks the current one; after three, the form
    is left and the member told their password is unchanged."""
    flow = flows.ChangePasswordFlow(api)
    refusals = 0

    async def refuse(current: str, new: str, confirmation: str) -> flows.Result:
        nonlocal refusals
        refusals += 1
        return flows.Result(problems=[flows.FieldError("current_password", "Mot de passe actuel incorrect.")])

    flow.submit = refuse  # type: ignore[method-assign]
    strong = "Glycine-Bleue-2027?"
    first = {"current_password": "a", "new_password": strong, "confirmation": strong}
    face = ScriptedFace([first, {"current_password": "b"}, {"current_password": "c"}])
    assert not await flows.run_change_password(flow, face)
    assert refusals == 3
    kept = ["confirmation", "new_password"]
    assert [sorted(f.given) for f in face.shown] == [[], kept, kept]
    assert face.said == [flows.CHANGE_TRIES_OVER]
