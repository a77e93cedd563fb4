"""The linear mode: for screen readers and pipes. No Textual, no cursor movement, no colour, no box
drawing: append-only lines, headings, numbered menus read from standard input."""

from tui.linear.client import LinearClient

__all__ = ["LinearClient"]
