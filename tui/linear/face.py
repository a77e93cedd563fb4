"""The linear face of the flow model (``tui.flows.forms.Face``) on standard input and output: a text field
is one question, a choice a numbered menu, a file a path.

What a screen-reader user expects of a form read aloud (issue 18): each answer is checked as soon as it is
given, and only the wrong field is asked again, with what was typed offered back (Entrée keeps it); before
anything is sent the answers are read back, numbered, with « modifier N » for one field and « annuler »;
nothing typed is thrown away by a mistake."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.flows import forms
from tui.flows.attachments import AttachmentError, complete_path, load_attachment
from tui.linear.ending import Back

if TYPE_CHECKING:
    from tui.linear.client import LinearClient

NONE = "Aucun"
RECAP = "Récapitulatif avant envoi :"
SEND_WORDS = ("", "envoyer", "valider", "oui", "o")
CANCEL_WORDS = ("annuler", "0", "retour", "non", "n")


def recap_prompt(form: forms.Form) -> str:
    return f"Entrée : {form.submit.lower()} ; « modifier » et le numéro d'une ligne ; « annuler »"


def changed_line(text: str, count: int) -> int | None:
    """« modifier 2 », « m 2 » or « 2 » -> 1 (0-based); None when the answer names no line."""
    words = text.lower().split()
    if words and words[0] in ("modifier", "m", "changer"):
        words = words[1:]
    if len(words) == 1 and words[0].isdigit() and 1 <= int(words[0]) <= count:
        return int(words[0]) - 1
    return None


LINES_CONVENTION = "plusieurs lignes possibles, une ligne vide pour finir"
NEXT_LINE = "Ligne suivante (vide pour finir)"
GIVE_UP = "annuler"
"""Typed alone at any question of a form: the form is left and nothing is sent (the flow says what stays
unchanged). Ctrl+C does the same from anywhere; an empty answer to a required field only asks it again."""


_NOT_OFFERED_BACK = (forms.CHOICE, forms.FILE, forms.SECRET, forms.NUMBER)
"""Kinds whose wrong answer is not offered back: a choice is a menu again, files are asked one by one, a
password is never shown (it is typed again), a line's number is typed again (Entrée alone keeps its
meaning: back)."""


class _GaveUp(Exception):
    """« annuler » typed at a question: the form is left, ``LinearFace.form`` answers None."""


class LinearFace:
    """``forms.Face`` for the linear mode."""

    reads_back = True  # the recap, with « Entrée : envoyer » and « annuler »

    def __init__(self, client: LinearClient) -> None:
        self.client = client

    def say(self, text: str) -> None:
        self.client.say(text)

    def error(self, text: str) -> None:
        self.client.error(text)

    async def confirm(self, question: str) -> bool:
        return await self.client.pick(question, ["Oui", "Non"]) == 0

    async def pick(self, question: str, options: Sequence[str]) -> int | None:
        try:
            return await self.client.pick(question, list(options))
        except Back:
            return None

    async def form(self, form: forms.Form) -> forms.Values | None:
        typed: forms.Values = dict(form.given)
        sent = False
        try:
            answers = await self._form(form, typed)
            sent = answers is not None
            return answers
        except _GaveUp:
            return None
        finally:  # left by « annuler », « 0 » at a choice, Ctrl+C or Ctrl+D: what was typed is handed over
            if not sent and form.on_leave is not None:
                form.on_leave(typed)

    async def _form(self, form: forms.Form, values: forms.Values) -> forms.Values | None:
        self.client.heading(form.title)
        for line in form.intro:
            self.client.say(line)
        for ask in form.asks:
            if ask.name not in form.given and (ask.when is None or ask.when(values)):
                await self._ask_until_right(form, forms.resolved(ask, values), values)
        while True:
            found = forms.first_problem(form, values)
            if found is not None:
                self.client.error(found.message)
                wrong = next((a for a in forms.asked(form, values) if a.name == found.field), None)
                if wrong is not None:
                    await self._ask_until_right(form, wrong, values)
                    continue
                if not forms.wants_recap(form, values):
                    return None
            elif not forms.wants_recap(form, values):
                return values
            choice = await self._recap(form, values)
            if choice is None:
                return None
            if choice == "send":
                if found is None:
                    return values
                continue
            await self._ask_until_right(form, forms.asked(form, values)[choice], values)

    async def _recap(self, form: forms.Form, values: forms.Values) -> int | str | None:
        """« send », the index of the field to change, or None (cancelled: nothing is sent)."""
        lines = forms.recap_lines(form, values)
        self.client.say(RECAP)
        for line in lines:
            self.client.say(line)
        while True:
            answer = (await self.client.prompt(recap_prompt(form))).strip()
            if answer.lower() in SEND_WORDS:
                return "send"
            if answer.lower() in CANCEL_WORDS:
                return None
            index = changed_line(answer, len(lines))
            if index is not None:
                return index
            if answer.lower() in ("r", "relire"):
                for line in lines:
                    self.client.say(line)
                continue
            self.client.error(f"Répondez Entrée pour {form.submit.lower()}, « modifier 2 » ou « annuler ».")

    async def _ask_until_right(self, form: forms.Form, ask: forms.Ask, values: forms.Values) -> None:
        """Ask one field until its answer is right on its own and for the form's check; the wrong answer is
        offered back (Entrée keeps it), except a choice (a menu again) and files (asked one by one)."""
        previous = values.get(ask.name)
        if ask.before and ask.name not in values:
            self.client.say(ask.before)
        current = (
            ask if previous in (None, "", []) or ask.kind in _NOT_OFFERED_BACK else replace(ask, default=str(previous))
        )
        while True:
            await self._ask(current, values)
            found = forms.field_problem(ask, values.get(ask.name))
            if found is None and form.check is not None:
                checked = forms.as_problem(form.check(values), ask.name)
                found = checked.message if checked is not None and checked.field in (ask.name, None) else None
            if found is None:
                return
            self.client.error(found)
            if ask.kind not in _NOT_OFFERED_BACK:
                current = replace(ask, default=str(values.get(ask.name) or ""))

    async def _ask(self, ask: forms.Ask, values: forms.Values) -> None:
        if ask.kind == forms.CHOICE:
            options = list(ask.choices) + ([] if ask.required else [("", NONE)])
            values[ask.name] = options[await self.client.pick(ask.label, [words for _, words in options])][0]
        elif ask.kind == forms.FILE:
            values[ask.name] = await self._files(ask)
        elif ask.kind == forms.LINES:
            values[ask.name] = await self._lines(ask)
        else:
            prompt = ask.label + (f" ({ask.hint})" if ask.hint else "")
            prompt += f" (Entrée : {ask.default})" if ask.default else ""
            if ask.kind == forms.SECRET:  # never echoed, and kept as typed (spaces belong to a password)
                answer = await self.client.prompt_secret(prompt)
                if answer.strip().lower() == GIVE_UP:
                    raise _GaveUp
                values[ask.name] = answer
                return
            answer = (await self.client.prompt(prompt)).strip()
            if answer.lower() == GIVE_UP:
                raise _GaveUp
            values[ask.name] = answer or ask.default
            if answer and ask.lookup is not None:
                await self._lookup(ask, answer, values)

    async def _lines(self, ask: forms.Ask) -> str:
        """Several lines, until an empty one (the convention is said in the question); an empty first line
        keeps what was written before, when there was something."""
        kept = f" ; Entrée seule : garder le texte déjà écrit ({len(ask.default.splitlines())} ligne(s))"
        prompt = f"{ask.label} ({ask.hint + ' ; ' if ask.hint else ''}{LINES_CONVENTION}"
        prompt += (kept if ask.default else "") + ")"
        lines: list[str] = []
        while True:
            line = (await self.client.prompt(prompt if not lines else NEXT_LINE)).rstrip()
            if not lines and line.strip().lower() == GIVE_UP:
                raise _GaveUp
            if not line.strip():
                return "\n".join(lines) if lines else ask.default
            lines.append(line)

    async def _lookup(self, ask: forms.Ask, typed: str, values: forms.Values) -> None:
        """What was typed searched (the directory), then chosen from a numbered list or kept as typed."""
        assert ask.lookup is not None
        try:
            found = list(await ask.lookup(typed))
        except forms.LookupFailed as exc:
            self.client.error(f"{exc} « {typed} » est gardé tel que saisi.")
            return
        if not found:
            self.client.say(f"Aucun résultat pour « {typed} » : gardé tel que saisi.")
            return
        options = [f.words for f in found] + [f"Aucun de ceux-ci : garder « {typed} »"]
        index = await self.pick(f"{ask.label} : lequel ?", options)
        if index is not None and index < len(found):
            values.update(found[index].values)
            self.client.say(f"Choisi : {found[index].words}")

    async def _files(self, ask: forms.Ask) -> list[str]:
        paths: list[str] = []
        while len(paths) < ask.limit:
            suffix = " (Entrée : aucun)" if not ask.required or paths else ""
            question = f"{ask.label} : chemin du fichier PDF, JPEG ou PNG{suffix}"
            path = (await self.client.prompt(question, complete=complete_path)).strip()  # Tab completes it
            if not path:
                break
            if path.lower() == GIVE_UP:
                raise _GaveUp
            try:
                load_attachment(path)
            except AttachmentError as exc:
                self.client.error(str(exc))
                continue
            paths.append(path)
            self.client.say(f"Pièce jointe ajoutée : {path}.")
        return paths
