"""The command palette in French (issue 19): Textual writes « No matches found » itself when a search finds
nothing; this palette says it in the client's language."""

from __future__ import annotations

from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

NO_MATCHES = "Aucune action ne correspond : essayez un autre mot (F1 : toutes les touches)."


class FrenchCommandPalette(CommandPalette):
    def _start_no_matches_countdown(self, search_value: str) -> None:
        # As Textual's own (textual.command.CommandPalette), with the sentence in French.
        self._stop_no_matches_countdown()
        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, partial(self.show_no_matches, search_value))

    def show_no_matches(self, search_value: str) -> None:
        """What was typed found nothing (an empty search lists every action instead)."""
        if search_value:
            self.query_one(CommandList).add_option(
                Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
            )
            self._list_visible = True
        else:
            self._list_visible = False
