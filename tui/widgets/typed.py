"""What the person has typed and not sent (issue 19, item 10): `q` asks before quitting when there is some."""

from __future__ import annotations

from collections.abc import Iterable

from textual.screen import Screen
from textual.widgets import Input, TextArea


def has_typed(screens: Iterable[Screen[object]]) -> bool:
    """True when a field shown on one of ``screens`` (the whole stack: a form under a question counts) holds
    something: quitting would lose it. A hidden field (the claims' search once applied) holds a filter, not
    an answer."""
    for screen in screens:
        for field in screen.query("Input, TextArea"):
            if not field.display or field.disabled:
                continue
            text = field.value if isinstance(field, Input) else field.text if isinstance(field, TextArea) else ""
            if text.strip():
                return True
    return False
