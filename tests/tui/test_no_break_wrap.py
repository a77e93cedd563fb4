"""Amounts (« 1 234,56 € ») and times (« 10 h 05 ») are never cut across two lines in the full-screen
client, although Textual wraps at U+00A0 like at any whitespace (tui/widgets/text.py says how)."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from textual.content import Content
from textual.geometry import Region
from textual.selection import Selection
from textual.style import Style
from textual.visual import RenderOptions

from models.domain.dates import unbreakable_times
from models.domain.money import format_eur
from models.tables import Account, Member
from tui.app import EspaceApp
from tui.screens.dashboard import DashboardScreen
from tui.widgets.status import StatusLine
from tui.widgets.text import KeepTogether, Label, Static

from .conftest import settle

ROOT = Path(__file__).resolve().parents[2]
LEA = "3810274"
AMOUNT = format_eur(Decimal("1234.56"))  # « 1 234,56 € », no-break spaces
TIME = "10 h 05"
PROPERTIES = settings(
    derandomize=True, database=None, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def wrapped(text: str, width: int) -> list[str]:
    """The lines Textual draws for `text` in a widget `width` cells wide, through KeepTogether."""
    visual = KeepTogether.of(Content(text))
    options = RenderOptions(get_style=lambda style: Style(), rules={})
    return [strip.text.rstrip(" ") for strip in visual.render_strips(width, None, Style(), options)]


def sentence_across(width: int) -> str:
    """Two sentences, one ending with an amount, one with a time, each straddling the edge of a `width`-cell line."""
    first = "Votre remboursement de la consultation du docteur Martin, versé hier, est de"
    first = (first + " et" * width)[: width - 5].rstrip() + " "
    second = "Il sera sur votre compte demain matin avant"
    second = (second + " et" * width)[: width - 4].rstrip() + " "
    return f"{first}{AMOUNT}.\n{second}{TIME}."


def test_plain_textual_would_cut_that_sentence():
    # The premise: without KeepTogether, Textual breaks inside the amount and the time.
    lines = [line.plain.rstrip() for line in Content(sentence_across(76)).wrap(76)]
    assert not any(AMOUNT in line for line in lines)
    assert not any(TIME in line for line in lines)


def test_keep_together_moves_the_amount_and_the_time_to_the_next_line():
    lines = wrapped(sentence_across(76), 76)
    assert any(line.startswith(AMOUNT) for line in lines)
    assert any(line.endswith(f"{TIME}.") and line.count(TIME) == 1 for line in lines)
    assert all(len(line) <= 76 for line in lines)


def test_the_drawn_characters_are_the_original_ones():
    lines = wrapped(f"Total {AMOUNT} à {TIME}, espace fine\u202f!", 50)
    assert lines == [f"Total {AMOUNT} à {TIME}, espace fine\u202f!"]


words = st.text(alphabet="abcdé€,0123456789", min_size=1, max_size=12)
separators = st.sampled_from([" ", "  ", "\u00a0", "\u202f", " h "])


@PROPERTIES
@given(
    parts=st.lists(st.tuples(words, separators), min_size=1, max_size=30),
    width=st.integers(min_value=20, max_value=90),
)
@example(parts=[("1", "\u00a0"), ("234,56", "\u00a0"), ("€", " ")] * 5, width=20)
def test_any_text_wraps_within_the_width_and_never_at_a_no_break_space(parts, width):
    text = "".join(word + separator for word, separator in parts).rstrip()
    lines = wrapped(text, width)
    assert all(len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost, nothing added
    # What may be broken: plain spaces, except those inside a time, which are glued like no-break ones.
    glued = unbreakable_times(text)
    if max(len(word) for word in glued.split(" ") if word) > width:
        return  # a word wider than the line is folded, as Textual folds it
    # Every break falls on a run of plain spaces outside any time, never at or inside a glued word.
    match = re.fullmatch("( +)".join(re.escape(line) for line in lines), text)
    assert match is not None, lines
    for group in range(1, len(lines)):
        start, end = match.span(group)
        assert glued[start:end].strip(" ") == "", (lines, group)
        assert glued[start - 1] != " " and glued[end] != " "


def test_a_selection_copies_the_original_text():
    widget = Static(f"Montant : {AMOUNT} à {TIME}", markup=False)
    assert widget.get_selection(Selection(None, None)) == (f"Montant : {AMOUNT} à {TIME}", "\n")


def test_every_static_and_label_of_the_client_comes_from_tui_widgets_text():
    offenders = []
    for path in sorted((ROOT / "tui").rglob("*.py")):
        if path == ROOT / "tui" / "widgets" / "text.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual.widgets"):
                offenders += [
                    f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name in {"Static", "Label"}
                ]
    assert offenders == []


async def test_dashboard_widgets_at_80_columns_keep_amounts_and_times_whole(api, token_store, demo_session, demo_make):
    account = demo_session.exec(
        select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == LEA)
    ).one()
    token_store.set(api.base_url, demo_make.session_token(account))
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        label = Label("", markup=False, id="probe-label")
        await screen.query_one("#greeting").parent.mount(label, after="#greeting")
        status = screen.query_one("#dashboard-status", StatusLine)
        static = screen.query_one("#greeting", Static)
        await settle(pilot)
        for widget, show in (
            (status, status.info),
            (static, static.update),
            (label, label.update),
        ):
            show("Mesure de la largeur. " * 10)  # the widget at its full width first
            await settle(pilot)
            width = widget.content_size.width
            sentence = sentence_across(width)
            show(sentence)
            await settle(pilot)
            assert widget.content_size.width == width
            # the premise at this width: Textual alone would cut the amount and the time
            assert not any(AMOUNT in line.plain for line in Content(sentence).wrap(width)), width
            assert not any(TIME in line.plain for line in Content(sentence).wrap(width)), width
            lines = [s.text.rstrip() for s in widget.render_lines(Region(0, 0, width, widget.content_size.height))]
            assert len(lines) >= 3, (widget, lines)  # it did wrap
            assert any(AMOUNT in line for line in lines), (widget, lines)
            assert any(TIME in line for line in lines), (widget, lines)
            assert not any(line.endswith(("1", "1\u00a0234,56", "10", "10 h")) for line in lines), (widget, lines)
