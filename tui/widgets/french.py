"""Textual's own words in French (issue 19, item 9): the bindings its widgets declare in English reach the
footer — « esc Dismiss menu » while a Select's list is open. Each is said here in French, for the classes
that show one; the palette's empty result is `tui.widgets.palette`'s.

The classes are patched when their module is loaded (the client imports most screens only when first opened,
issue 11): ``speak_french`` runs before each screen is pushed, and does nothing once every class is done."""

from __future__ import annotations

import sys
from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

# (module, class) -> English description -> French
FRENCH_BINDINGS: dict[tuple[str, str], dict[str, str]] = {
    ("textual.widgets._select", "SelectOverlay"): {"Dismiss menu": "Fermer la liste"},
    ("textual.widgets._select", "Select"): {"Show menu": "Ouvrir la liste"},
    ("textual.widgets._link", "Link"): {"Open link": "Ouvrir le lien"},
    ("textual.command", "CommandPalette"): {"Exit the command palette": "Fermer la palette"},
}

_done: set[tuple[str, str]] = set()


def speak_french() -> None:
    """Translate the bindings of the catalogued classes whose module is loaded (once each)."""
    if len(_done) == len(FRENCH_BINDINGS):
        return
    for (module_name, class_name), words in FRENCH_BINDINGS.items():
        module = sys.modules.get(module_name)
        if (module_name, class_name) in _done or module is None:
            continue
        _translate(getattr(module, class_name), words)
        _done.add((module_name, class_name))


def _translate(cls: type[DOMNode], words: dict[str, str]) -> None:
    # BINDINGS itself, for the subclasses defined later; the merged maps of the class and of the subclasses
    # that exist already (each computed its own when defined)
    cls.BINDINGS = [_french(binding, words) for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", []))]
    for klass in (cls, *_subclasses(cls)):
        klass._merged_bindings = klass._merge_bindings()


def _french(binding: Binding, words: dict[str, str]) -> Binding:
    said = words.get(binding.description)
    return binding if said is None else replace(binding, description=said, tooltip=binding.tooltip or said)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found
