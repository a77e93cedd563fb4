"""Issue 19, item 6: a screen that shows data reads it again when it comes back into view, after an action, and
on Ctrl+R — the member's screens and the conseiller's dossier alike (one registry binding, one hook)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date

from textual.screen import Screen

import tui.screens
from models.schemas.requests import HospitalCoverCreate
from tests.tui.agent_helpers import open_dossier, screen_text
from tests.tui.test_agent_console import SOPHIE_79, julien_token, sophie79  # noqa: F401 (fixtures)
from tui.api.messaging import MessagingApi
from tui.app import EspaceApp
from tui.flows.messaging import NO_REQUESTS
from tui.screens.agent import AgentConsoleScreen, QueueScreen
from tui.screens.messaging import RequestsScreen
from tui.screens.request_forms import NewRequestScreen

from .conftest import settle
from .profile_helpers import on_form, until


def test_every_screen_that_loads_data_implements_the_refresh_hook():
    """A screen with a loader (``_load``, ``load``, ``reload``) answers Ctrl+R and comes back fresh."""
    for module in pkgutil.iter_modules(tui.screens.__path__, "tui.screens."):
        importlib.import_module(module.name)
    loaders = ("_load", "load", "reload", "_load_dossier")
    missing = sorted(
        cls.__qualname__
        for cls in _screens()
        if cls.__module__.startswith("tui.screens.")
        and any(hasattr(cls, name) for name in loaders)
        and not callable(getattr(cls, "refresh_data", None))
    )
    assert missing == []


def _screens() -> list[type]:
    found, todo = [], [Screen]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += [c for c in cls.__subclasses__() if inspect.isclass(c)]
    return found


def requests_status(app: EspaceApp) -> str:
    return app.screen.status.text


async def test_mes_demarches_follow_a_new_demarche_on_ctrl_r_and_when_shown_again(api, token_store, log_in_as, coralie):
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    messaging = MessagingApi(api)
    me = (await api.dashboard()).contracts[0].beneficiaries[0]

    async def new_demarche(establishment: str) -> None:
        body = HospitalCoverCreate(
            member_number=coralie.member_number,
            beneficiary_id=me.id,
            establishment=establishment,
            entry_date=date(2026, 12, 10),
            admission_email="admissions@clinique.example",
        )
        await messaging.create_request(body, f"key-{len(establishment)}")

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)
        before = len(app.screen.query_one("#requests").children)
        assert before == 0 and requests_status(app) == NO_REQUESTS
        await new_demarche("Clinique du Parc")  # sent from elsewhere (the linear mode, another device)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len(app.screen.query_one("#requests").children) == before + 1
        assert requests_status(app) != NO_REQUESTS  # not said above a list that has a démarche now
        assert "Clinique du Parc" in "\n".join(str(w.render()) for w in app.screen.query("Label"))
        await pilot.press("plus")  # the chooser of a new démarche covers the list
        await settle(pilot)
        assert isinstance(app.screen, NewRequestScreen)
        await new_demarche("Hôpital Nord")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RequestsScreen)
        assert len(app.screen.query_one("#requests").children) == before + 2


async def test_the_dossier_reads_again_when_the_queue_gives_way_to_it(
    api, token_store, julien_token, sophie79, demo_session
):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_dossier(app, pilot, demo_session, SOPHIE_79, SOPHIE_79)
        await pilot.press("5")  # profil et bénéficiaires
        await settle(pilot)
        sophie79.mobile = "0699887766"  # as another conseiller would change it meanwhile
        demo_session.add(sophie79)
        demo_session.commit()
        assert "06 99 88 77 66" not in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgentConsoleScreen)
        assert "06 99 88 77 66" in screen_text(app) or "0699887766" in screen_text(app)


async def test_an_answered_reclamation_leaves_the_file_at_once(api, token_store, julien_token, demo_session):
    """Thomas PETIT's réclamation is late; once answered from the file, it is no longer listed « EN RETARD »
    (the file read again after the action, not at the next poll)."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "f")  # out of the search field, where « f » is a letter
        await until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen.items)
        late = next(i for i in app.screen.items if i.category == "reclamation" and i.overdue)
        app.screen.query_one("#queue").highlighted = app.screen.items.index(late)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await until(pilot, lambda: on_form(app, "Répondre à l'adhérent"))  # its worker waits: no settle
        app.screen.query_one("#field-body").value = "Votre réclamation est fondée : nous réexaminons le dossier."
        app.screen.query_one("#field-outcome").value = "partial"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen) and "en attente" in app.screen.status.text)
        assert isinstance(app.screen, QueueScreen)
        assert all(i.id != late.id or i.kind != late.kind for i in app.screen.items)
        listed = "\n".join(screen_text(app).splitlines())
        assert f"EN RETARD — Réclamation — {late.member_name}" not in listed
