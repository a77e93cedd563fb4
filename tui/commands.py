"""The command palette's provider: it lists the action registry, nothing else (the same actions as the
footer and the help screen, with their keys)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.flows.actions import AGENT, SCREEN, Action, keys_label


class RegistryCommands(Provider):
    def _actions(self) -> list[Action]:
        app = self.app
        available = getattr(app, "available_actions", None)
        # the screen the palette was opened on (the palette is the app's screen while it is open)
        return list(available(self.screen)) if available is not None else []

    def _run(self, action: Action) -> None:
        # the console conseiller's actions live on its screens, the others on the app
        # (a screen key may name its own namespace: "app.pop_screen")
        on_screen = action.context in (AGENT, SCREEN) and "." not in action.method.split("(", 1)[0]
        self.app.call_later(self.app.run_action, f"screen.{action.method}" if on_screen else action.method)

    async def discover(self) -> Hits:
        for action in self._actions():
            if action.id == "command_palette":
                continue
            yield DiscoveryHit(
                action.description, partial(self._run, action), help=f"Touche : {keys_label(action.keys)}"
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action in self._actions():
            if action.id == "command_palette":
                continue
            score = matcher.match(action.description)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(action.description),
                    partial(self._run, action),
                    text=action.description,
                    help=f"Touche : {keys_label(action.keys)}",
                )
