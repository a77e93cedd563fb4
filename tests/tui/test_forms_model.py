"""The flow model's forms (issue 18), in both faces: each answer checked as it is given and only the wrong
field asked again with what was typed offered back; a numbered recap before sending with « modifier N » and
« annuler »; in full screen, the sentence under the wrong field and the cursor put there. Each test types
something wrong first, then corrects it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import App
from textual.widgets import Input

from tui.flows import forms
from tui.flows.forms import CHOICE, CODE, DATE, Ask, Form, Problem
from tui.linear.ending import Back
from tui.linear.face import LinearFace
from tui.screens.forms import FormScreen

CITIES = (("paris", "Paris"), ("lyon", "Lyon"))


def _not_same_city(values: forms.Values) -> Problem | None:
    if values.get("to") and values.get("to") == values.get("from"):
        return Problem("Arrivée : choisissez une autre ville que le départ.", "to")
    return None


TRIP = Form(
    "Demande de transport",
    ("Trois questions.",),
    (
        Ask("name", "Nom du patient"),
        Ask("day", "Date du transport", DATE, hint=forms.DATE_HINT),
        Ask("from", "Départ", CHOICE, CITIES),
        Ask("to", "Arrivée", CHOICE, CITIES),
    ),
    check=_not_same_city,
    submit="Envoyer",
)


class ScriptedClient:
    """What LinearFace needs of the linear client: lines out, one answer per question (a menu answered by
    the words of an entry)."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.out: list[str] = []
        self.errors: list[str] = []
        self.prompts: list[str] = []
        self.completions: list = []  # what Tab completes with, question by question (None: nothing)

    def heading(self, title: str) -> None:
        self.out.append(f"== {title} ==")

    def say(self, text: str = "") -> None:
        self.out.append(text)

    def error(self, text: str) -> None:
        self.errors.append(text)
        self.out.append("Erreur : " + text)

    async def prompt(self, prompt: str, *, complete=None) -> str:
        self.prompts.append(prompt)
        self.completions.append(complete)
        return self.answers.pop(0)

    async def pick(self, heading: str, options: Sequence[str], *, top: bool = False) -> int:
        self.prompts.append(heading)
        answer = self.answers.pop(0)
        if answer == "0":
            raise Back
        return list(options).index(answer)


async def _fill(answers: list[str], form: Form = TRIP) -> tuple[forms.Values | None, ScriptedClient]:
    client = ScriptedClient(answers)
    values = await LinearFace(client).form(form)  # type: ignore[arg-type]
    assert client.answers == [], f"answers left over: {client.answers}"
    return values, client


async def test_a_wrong_date_is_asked_again_alone_with_what_was_typed_offered_back():
    values, client = await _fill(["Léa Rimon", "31/02/2027", "28/02/2027", "Paris", "Lyon", ""])
    assert values == {"name": "Léa Rimon", "day": "28/02/2027", "from": "paris", "to": "lyon"}
    assert client.errors == [f"Date du transport : date non valable ({forms.DATE_HINT})."]
    assert [p for p in client.prompts if p.startswith("Nom du patient")] == ["Nom du patient"]  # asked once
    assert f"Date du transport ({forms.DATE_HINT}) (Entrée : 31/02/2027)" in client.prompts


async def test_a_problem_of_two_fields_asks_again_the_field_it_names():
    values, client = await _fill(["Léa Rimon", "28/02/2027", "Paris", "Paris", "Lyon", ""])
    assert values is not None and values["to"] == "lyon"
    assert client.errors == ["Arrivée : choisissez une autre ville que le départ."]
    assert client.prompts.count("Départ") == 1 and client.prompts.count("Arrivée") == 2


async def test_the_recap_is_read_numbered_and_modifier_changes_one_line():
    values, client = await _fill(["Léa Rimon", "28/02/2027", "Paris", "Lyon", "modifier 1", "Léa RIMON", ""])
    assert values == {"name": "Léa RIMON", "day": "28/02/2027", "from": "paris", "to": "lyon"}
    recaps = [i for i, line in enumerate(client.out) if line == "Récapitulatif avant envoi :"]
    assert len(recaps) == 2  # read again after the change
    first = client.out[recaps[0] + 1 : recaps[0] + 5]
    assert first == [
        "1. Nom du patient : Léa Rimon",
        "2. Date du transport : 28/02/2027",
        "3. Départ : Paris",
        "4. Arrivée : Lyon",
    ]
    assert client.out[recaps[1] + 1] == "1. Nom du patient : Léa RIMON"
    assert "Nom du patient (Entrée : Léa Rimon)" in client.prompts  # the answer to change is offered back


async def test_entree_at_a_modified_line_keeps_the_answer_and_a_wrong_recap_answer_is_said():
    values, client = await _fill(["Léa Rimon", "28/02/2027", "Paris", "Lyon", "modifier 9", "modifier 2", "", ""])
    assert values is not None and values["day"] == "28/02/2027"
    assert client.errors == ["Répondez Entrée pour envoyer, « modifier 2 » ou « annuler »."]


async def test_annuler_at_the_recap_or_at_a_question_sends_nothing():
    values, _ = await _fill(["Léa Rimon", "28/02/2027", "Paris", "Lyon", "annuler"])
    assert values is None
    values, client = await _fill(["Léa Rimon", "annuler"])
    assert values is None and "Départ" not in client.prompts


async def test_one_field_or_a_search_is_not_read_back():
    code = Form("Code reçu", (), (Ask("code", "Code reçu", CODE),))
    values, client = await _fill(["", "123456"], code)
    assert values == {"code": "123456"} and client.errors == ["Champ obligatoire : Code reçu."]
    assert "Récapitulatif avant envoi :" not in client.out
    search = Form("Recherche", (), (Ask("q", "Nom"), Ask("where", "Ville", required=False)), recap=False)
    values, client = await _fill(["Durand", ""], search)
    assert values == {"q": "Durand", "where": ""} and "Récapitulatif avant envoi :" not in client.out


def test_a_code_is_masked_and_a_choice_said_in_words_in_the_recap():
    form = Form("x", (), (Ask("code", "Code", CODE), Ask("city", "Ville", CHOICE, CITIES)))
    assert forms.recap_lines(form, {"code": "123456", "city": "lyon"}) == ["1. Code : (masqué)", "2. Ville : Lyon"]


class FormApp(App[None]):
    def __init__(self, form: Form) -> None:
        super().__init__()
        self.form = form
        self.answer: Any = "pending"

    def on_mount(self) -> None:
        self.push_screen(FormScreen(self.form), self._done)

    def _done(self, values: Any) -> None:
        self.answer = values


async def test_full_screen_the_sentence_is_under_the_wrong_field_and_the_cursor_there():
    form = Form("Transport", (), (Ask("name", "Nom du patient"), Ask("day", "Date du transport", DATE)))
    app = FormApp(form)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"Léa", "enter", *"31/02/2027", "ctrl+s")
        await pilot.pause()
        slot = app.screen.query_one("#error-day")
        assert "date non valable" in str(slot.render()) and not slot.has_class("-hidden")
        assert app.focused is app.screen.query_one("#field-day", Input)
        assert app.screen.query_one("#error-name").has_class("-hidden")  # only the wrong field speaks
        assert app.answer == "pending"  # nothing sent
        field = app.screen.query_one("#field-day", Input)
        field.value = ""
        await pilot.press(*"28/02/2027", "ctrl+s")
        await pilot.pause()
    assert app.answer == {"name": "Léa", "day": "28/02/2027"}


async def test_a_files_path_is_completed_by_tab_in_the_linear_mode(tmp_path):
    """« Tab complète le nom » is true in the linear mode too: the path question is asked with the path
    completion, which readline's protocol serves one completion at a time."""
    from tui.flows.attachments import complete_path
    from tui.linear.client import readline_completer

    (tmp_path / "facture-mars.pdf").write_bytes(b"%PDF-1.4 x")
    (tmp_path / "factures").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    form = Form("Pièce", (), (Ask("files", "Justificatif", forms.FILE),), recap=False)
    values, client = await _fill([str(tmp_path / "facture-mars.pdf")], form)
    assert values == {"files": [str(tmp_path / "facture-mars.pdf")]}
    assert client.completions == [complete_path]
    completer = readline_completer(complete_path)
    typed = f"{tmp_path}/fac"
    assert [completer(typed, n) for n in range(3)] == [f"{typed}ture-mars.pdf", f"{typed}tures/", None]
