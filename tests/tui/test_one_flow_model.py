"""Each form and menu exists once, in the flow model (issue 18): two front ends that each declare a form drift
apart (the call log, the complaint outcome and the agent forms did). These tests read the client's source:
a form declared outside ``tui/flows``, or a linear module asking its own questions instead of going through
its ``Face``, fails CI."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import tui

TUI = Path(tui.__file__).parent
MODEL = {"Form", "Ask"}
# The linear modules that read lines themselves: the client (its loop, menus and login) and the face that
# renders the flow model's forms. Every other linear module asks through the face.
LINEAR_READERS = {"client.py", "face.py"}
QUESTIONS = {"prompt", "prompt_secret", "prompt_field", "ask", "ask_field", "ask_secret"}


def _calls(path: Path) -> list[ast.Call]:
    return [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def test_forms_are_declared_in_the_flows_only():
    outside = [
        f"{path.relative_to(TUI)}:{call.lineno}"
        for package in ("screens", "linear", "widgets")
        for path in sorted((TUI / package).glob("*.py"))
        for call in _calls(path)
        if _name(call) in MODEL
    ]
    assert outside == [], "declare the form in tui/flows and render it with the screen's or the linear face"


def test_linear_modules_ask_through_their_face():
    own_questions = Counter(
        path.name
        for path in sorted((TUI / "linear").glob("*.py"))
        if path.name not in LINEAR_READERS
        for call in _calls(path)
        if _name(call) in QUESTIONS
    )
    # none: even the console's « Numéro … » of a search result, a detail or a queue item is a
    # `forms.number_form`, rendered by the face like any form
    assert dict(own_questions) == {}, "a form's question belongs to the flow model: ask it through LinearFace"


def test_each_form_title_is_declared_once():
    titles = Counter(
        call.args[0].value
        for path in sorted((TUI / "flows").glob("*.py"))
        for call in _calls(path)
        if _name(call) == "Form" and call.args and isinstance(call.args[0], ast.Constant)
    )
    assert titles, "no form found: the test reads the wrong place"
    assert [title for title, count in titles.items() if count > 1] == []
