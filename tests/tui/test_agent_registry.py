"""The console conseiller's actions come from the single registry (context "agent"): id, keys and French
words for each; the console's bindings, the help (F1) and the command palette list them; a palette entry
runs the console's action; the member space never offers them."""

from __future__ import annotations

from tui.app import EspaceApp
from tui.bindings import agent_bindings
from tui.commands import RegistryCommands
from tui.flows.actions import AGENT, DEFAULT_REGISTRY, keys_label
from tui.screens.agent import AgentConsoleScreen, QueueScreen
from tui.screens.help import HelpScreen

from .agent_helpers import screen_text
from .conftest import settle
from .test_agent_console import julien_token  # noqa: F401  (fixture)

AGENT_IDS = {a.id for a in DEFAULT_REGISTRY.actions if a.context == AGENT}


def test_every_registry_action_has_an_id_keys_and_french_words():
    for action in DEFAULT_REGISTRY.actions:
        assert action.id and action.keys and action.description, action
        assert all(keys_label(k) for k in action.keys)
    expected = {"agent_unlock", "agent_reset_link", "agent_send_document", "agent_strong", "agent_alert"}
    assert expected | {"agent_call_log"} <= AGENT_IDS
    assert DEFAULT_REGISTRY.conflicts() == []
    console = {b.id for b in agent_bindings()}
    queue = {b.id for b in agent_bindings(screen="queue")}
    assert console | queue == AGENT_IDS and queue == {"agent_take", "agent_answer", "agent_attachments", "agent_note"}
    assert {b.id for b in AgentConsoleScreen.BINDINGS if hasattr(b, "id")} == console
    assert queue <= {b.id for b in QueueScreen.BINDINGS if hasattr(b, "id")}
    member = {a.id for a in DEFAULT_REGISTRY.available(logged_in=True, areas=["claims", "profile"])}
    assert not member & AGENT_IDS
    agent = {a.id for a in DEFAULT_REGISTRY.available(logged_in=True, console=True)}
    assert AGENT_IDS - agent == {"agent_audit", "agent_flagged", "agent_staff"} | queue  # supervisor only; the queue's
    in_queue = {a.id for a in DEFAULT_REGISTRY.available(logged_in=True, console=True, screen="agent_queue")}
    assert queue <= in_queue and not (in_queue & console)  # issue 19: each screen's keys, live there only
    assert {a.id for a in DEFAULT_REGISTRY.available(logged_in=True, console=True, supervisor=True)} >= console


async def test_the_console_palette_and_help_list_the_registry(api, token_store, julien_token):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentConsoleScreen)
        available = app.available_actions()
        provider = RegistryCommands(app.screen)
        discovered = [hit.text async for hit in provider.discover()]
        assert discovered == [a.description for a in available if a.id != "command_palette"]
        for action in available:  # every action of the console is reachable from the palette
            if action.context == AGENT and action.screen is None:
                assert action.description in discovered
        assert "Mes remboursements" not in discovered  # a member area: not in the console
        await pilot.press("tab", "f1")  # out of the search field first
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        assert "u : Débloquer l'accès de l'adhérent" in text
        assert "e : Envoyer la carte de tiers payant ou l'attestation (professionnel du réseau ou adhérent)" in text
        assert "v : Vérification forte : un code envoyé à l'adhérent, relu par l'appelant" in text
        await pilot.press("escape")
        await pilot.pause()
        # a palette entry runs the console's own action
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Noter l'appel", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AgentConsoleScreen)
        assert "Aucun appel en cours à noter." in screen_text(app)


def test_the_consoles_forms_are_declared_once_in_the_flows():
    """Issue 18: the console's forms (call, log, actions, queue, supervision) are declared in tui.flows
    (agent_call, agent_queue) and rendered by the faces; neither the full-screen console nor the linear one
    declares a field, a form or a form screen of its own, nor a question of its own (a line of a list is chosen
    through ``forms.number_form``)."""
    import inspect
    import re

    import tui.linear.agent as linear_console
    import tui.screens.agent as screen_console

    for module in (linear_console, screen_console):
        source = inspect.getsource(module)
        assert not re.search(r"\b(Ask|Form)\(", source), module.__name__
        assert "ConsoleFormScreen" not in source and "ModalScreen[dict" not in source
    # not even a line's number: « Numéro du résultat » is a `forms.number_form` rendered by the face
    assert "self.c.prompt(" not in inspect.getsource(linear_console)
    assert inspect.getsource(linear_console).count("forms.number_form(") == 3
