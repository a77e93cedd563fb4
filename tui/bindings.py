"""The registry of `tui.flows.actions` turned into Textual bindings (the only Textual side of it)."""

from __future__ import annotations

from textual.binding import Binding

from tui.flows.actions import DEFAULT_REGISTRY, EVERYWHERE, Registry


def bindings_from_registry(registry: Registry = DEFAULT_REGISTRY) -> list[Binding]:
    """One binding per action, carrying the action's id so that `App.set_keymap` remaps it."""
    return [
        Binding(
            ",".join(action.keys),
            action.id,
            action.footer_label,
            show=action.footer,
            tooltip=action.description,
            id=action.id,
        )
        for action in registry.actions
    ]


def modal_bindings(registry: Registry = DEFAULT_REGISTRY) -> list[Binding]:
    """For modal screens, which hide the app's bindings: the actions available everywhere, run on the
    app. Same ids, so a remapped key applies here too."""
    return [
        Binding(
            ",".join(action.keys),
            f"app.{action.id}",
            action.footer_label,
            show=action.footer,
            tooltip=action.description,
            id=action.id,
        )
        for action in registry.actions
        if action.context == EVERYWHERE
    ]
