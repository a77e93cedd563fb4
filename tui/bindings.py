"""The registry of `tui.flows.actions` turned into Textual bindings (the only Textual side of it)."""

from __future__ import annotations

from textual.binding import Binding

from tui.flows.actions import DEFAULT_REGISTRY, Registry


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
