"""Text widgets that never cut an amount or a time across two lines.

`format_eur` writes « 1 234,56 € » with no-break spaces (U+00A0) and times read « 10 h 05 », but
Textual wraps a line at any character that `str.isspace()` accepts, U+00A0 and U+202F included (its
`Content` hands the line to Rich's `divide_line`, whose word pattern is `\\s*\\S+\\s*`). So the text is
wrapped in `KeepTogether`: Textual's own wrapping (alignment, folding, selection offsets) runs on a copy
where each no-break space, and each space inside a time, is a private-use character that is not
whitespace, and the rendered lines get the original characters back. Every substitution is one
character for one of the same width, so offsets and cell widths are unchanged.

Every `Static` and `Label` of the full-screen client comes from here (a test checks it); the linear
mode prints plain lines and never goes through Textual.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.app import RenderResult
from textual.content import Content
from textual.css.styles import RulesMap
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Label as _Label
from textual.widgets import Static as _Static

from models.domain.dates import unbreakable_times

# Private-use characters (never in French text, one cell wide in Rich) standing for a no-break space, a
# narrow no-break space and a space inside a time while Textual wraps; `_SHOW` puts the originals back.
_NBSP, _NNBSP, _TIME_SPACE = "\ue000", "\ue001", "\ue002"
_HIDE = str.maketrans({"\u00a0": _NBSP, "\u202f": _NNBSP})
_SHOW = str.maketrans({_NBSP: "\u00a0", _NNBSP: "\u202f", _TIME_SPACE: " "})


def glued(text: str) -> str | None:
    """`text` with its unbreakable spaces turned into non-whitespace stand-ins, or None when nothing
    needs gluing (or when the text already holds a stand-in, which would come back as a space)."""
    if any(stand_in in text for stand_in in (_NBSP, _NNBSP, _TIME_SPACE)):
        return None
    hidden = unbreakable_times(text, _TIME_SPACE).translate(_HIDE)
    return None if hidden == text else hidden


class KeepTogether(Visual):
    """A `Content` wrapped as Textual wraps it, except at a no-break space or inside a time."""

    def __init__(self, content: Content, hidden: str) -> None:
        self.content = content
        self._hidden = Content(hidden, content.spans, content.cell_length)

    @classmethod
    def of(cls, visual: Visual) -> Visual:
        """`visual` ready to wrap without cutting amounts and times (unchanged when there are none)."""
        if not isinstance(visual, Content) or (hidden := glued(visual.plain)) is None:
            return visual
        return cls(visual, hidden)

    def __str__(self) -> str:
        return self.content.plain

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        strips = self._hidden.render_strips(width, height, style, options)
        return [
            Strip(
                [Segment(text.translate(_SHOW), seg_style, control) for text, seg_style, control in strip],
                strip.cell_length,
            )
            for strip in strips
        ]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._hidden.get_optimal_width(rules, container_width)

    def get_minimal_width(self, rules: RulesMap) -> int:
        # The widest amount or time counts as one word.
        return self._hidden.get_minimal_width(rules)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._hidden.get_height(rules, width)


class _KeepsTogether(_Static):
    def render(self) -> RenderResult:
        return KeepTogether.of(self.visual)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        # Textual extracts selected text only from a Content; offsets match the original one for one.
        visual = self.visual
        if isinstance(visual, Content):
            return selection.extract(visual.plain), "\n"
        return super().get_selection(selection)


class Static(_KeepsTogether):
    """Textual's `Static`, but amounts and times stay on one line."""


class Label(_KeepsTogether, _Label):
    """Textual's `Label`, but amounts and times stay on one line."""
