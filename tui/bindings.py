"""The registry of `tui.flows.actions` turned into Textual bindings (the only Textual side of it)."""

from __future__ import annotations

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from tui.flows.actions import AGENT, ANONYMOUS, DEFAULT_REGISTRY, EVERYWHERE, SCREEN, Action, Registry


def binding_for(action: Action, run: str | None = None, *, show: bool | None = None) -> Binding:
    """The Textual binding of one registry action: its keys, the Textual action it ``run``s (by default the
    action's id), its footer label and description, and its id (so that `App.set_keymap` remaps it)."""
    return Binding(
        ",".join(action.keys),
        action.id if run is None else run,
        action.footer_label,
        show=action.footer if show is None else show,
        tooltip=action.description,
        id=action.id,
        priority=action.priority,
    )


def bindings_from_registry(registry: Registry = DEFAULT_REGISTRY) -> list[Binding]:
    """One binding per action, carrying the action's id so that `App.set_keymap` remaps it. The console
    conseiller's actions are bound on its screens (``agent_bindings``), not on the app."""
    return [binding_for(action) for action in registry.actions if action.context not in (AGENT, SCREEN)]


def screen_bindings(screen: str, registry: Registry = DEFAULT_REGISTRY, *, skip: tuple[str, ...] = ()) -> list[Binding]:
    """One screen's own keys (context SCREEN), bound on that screen with the registry's ids ("claims.sort"),
    so that `App.set_keymap` remaps them from the config file like any other action."""
    return [
        binding_for(action, action.method)
        for action in registry.actions
        if action.context == SCREEN and action.screen == screen and action.id not in skip
    ]


def help_binding(registry: Registry = DEFAULT_REGISTRY, *, show: bool = True) -> Binding:
    """F1 / ? on a screen that hides the app's bindings (a modal) or that shows the help in its footer; the
    registry's id, so a remapped key applies here too."""
    return binding_for(registry["help"], "app.help", show=show)


def quit_binding(registry: Registry = DEFAULT_REGISTRY) -> Binding:
    """Q / Ctrl+Q on a modal form, which hides the app's bindings: quitting asks first when something was
    typed (issue 19), from a form too. In a field, « q » is typed as a letter: the field sees it first."""
    return binding_for(registry["quit"], "app.quit", show=False)


def agent_bindings(registry: Registry = DEFAULT_REGISTRY, *, screen: str | None = None) -> list[Binding]:
    """The console conseiller's actions (context AGENT) bound on one of its screens (``screen``: None for
    the console, "queue" for the file), with the registry's ids, keys, footer labels and descriptions."""
    return [binding_for(action) for action in registry.actions if action.context == AGENT and action.screen == screen]


def modal_bindings(registry: Registry = DEFAULT_REGISTRY) -> list[Binding]:
    """For modal screens, which hide the app's bindings: the actions available everywhere, run on the
    app. Same ids, so a remapped key applies here too."""
    return [binding_for(action, f"app.{action.id}") for action in registry.actions if action.context == EVERYWHERE]


def anonymous_bindings(registry: Registry = DEFAULT_REGISTRY) -> list[Binding]:
    """The login screen's own actions (Première connexion, Mot de passe oublié…), run on the app."""
    return [binding_for(action, f"app.{action.id}") for action in registry.actions if action.context == ANONYMOUS]


def install_extra_bindings(node: DOMNode, registry: Registry) -> None:
    """Bind on the app the actions of `registry` that the class-level bindings lack (the demo-only
    actions): they exist only in the registry that has them, never as a hidden binding elsewhere. Being
    priority bindings, they are live on every screen, modal ones included (see `Action.priority`)."""
    known = {a.id for a in DEFAULT_REGISTRY.actions}
    extra = [a for a in registry.actions if a.id not in known]
    if not extra:
        return
    mapping = {key: list(bindings) for key, bindings in node._bindings.key_to_bindings.items()}
    node._bindings = BindingsMap.from_keys(mapping)
    for action in extra:
        for single in Binding.make_bindings([binding_for(action)]):
            node._bindings._add_binding(single)
