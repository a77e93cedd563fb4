"""FastTable draws its plain cells itself: the segments must be exactly DataTable's, cell by cell."""

from __future__ import annotations

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui.widgets.fast_table import FastTable

ROWS = (
    ("18/11/2026", "Coralie", "Frais de santé", "12,50\u00a0€", "✓ Remboursé"),
    ("02/01/2026", "Zoé", "Monture de lunettes (régularisé)", "1\u00a0234,56\u00a0€", "✗ Rejeté"),
    ("01/01/2026", "", "[b]balisage[/b]", "un texte bien trop long pour sa colonne", "… En traitement"),
    ("31/12/2025", "Léa", "deux\nlignes", "0,00\u00a0€", "! En attente de justificatif"),
)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table = FastTable(id="t", cursor_type="row", zebra_stripes=True)
        table.add_column("Date")
        table.add_column("Pour")
        table.add_column("Acte", width=20)
        table.add_column("Montant", width=12)
        table.add_column("Statut")
        for n, row in enumerate(ROWS):
            table.add_row(*row, key=str(n))
        yield table


def _plain(lines: list[list[Segment]]) -> list[list[tuple[str, object]]]:
    return [[(segment.text, segment.style) for segment in line] for line in lines]


async def test_the_fast_path_draws_what_datatable_draws():
    app = TableApp()
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(FastTable)
        fast_cells = 0
        for row in range(len(ROWS)):
            for column in range(len(table.columns)):
                width = list(table.columns.values())[column].get_render_width(table)
                for cursor, hover in ((False, False), (True, False), (False, True)):
                    style = table.rich_style
                    table._cell_render_cache.clear()
                    expected = DataTable._render_cell(table, row, column, style, width, cursor, hover)
                    table._cell_render_cache.clear()
                    got = table._render_cell(row, column, style, width, cursor, hover)
                    assert _plain(got) == _plain(expected), (row, column, cursor, hover)
                    fast_cells += table._plain_text(row, column, width - 2 * table.cell_padding) is not None
        # the plain cells took the fast path; markup, line breaks, empty and too-long text did not
        assert fast_cells == 3 * (len(ROWS) * len(table.columns) - 5)


WIDTH_ROWS = (
    *ROWS,
    ("03/03/2025", "Éloïse", "Pansement :bandage: :pill:", "7,00\u00a0€", "✓ Remboursé"),
    ("04/03/2025", "Anaïs", "Consultation : généraliste très longue", "26,50\u00a0€", "✓ Remboursé"),
)


class BothTablesApp(App[None]):
    """The same rows in a DataTable and a FastTable, with a labelled row (measured by DataTable)."""

    def compose(self) -> ComposeResult:
        for table in (DataTable(id="plain"), FastTable(id="fast")):
            table.add_column("Date")
            table.add_column("Pour")
            table.add_column("Acte")
            table.add_column("Montant", width=12)
            table.add_column("Statut")
            for n, row in enumerate(WIDTH_ROWS):
                table.add_row(*row, key=str(n), label="étiquette" if n == 1 else None)
            yield table


async def test_the_columns_are_as_wide_as_datatable_measures_them():
    app = BothTablesApp()
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        plain, fast = app.query_one("#plain", DataTable), app.query_one("#fast", FastTable)
        widths = [(c.content_width, c.get_render_width(plain)) for c in plain.ordered_columns]
        assert [(c.content_width, c.get_render_width(fast)) for c in fast.ordered_columns] == widths
        assert fast.virtual_size == plain.virtual_size
        # a second page (clear, new rows) too: that is what a filter key does
        for table in (plain, fast):
            table.clear()
            table.add_row("05/05/2025", "Jo", "Kiné", "1,00\u00a0€", "✓ Remboursé", key="x")
        await pilot.pause()
        widths = [c.content_width for c in plain.ordered_columns]
        assert [c.content_width for c in fast.ordered_columns] == widths
        assert fast.virtual_size == plain.virtual_size


def test_emoji_codes_markup_and_line_breaks_are_not_plain():
    from tui.widgets.fast_table import is_plain

    assert is_plain("Consultation : généraliste") and is_plain("1\u00a0234,56\u00a0€") and is_plain("")
    assert not is_plain("Pansement :pill:") and not is_plain("tab\tulation")
    assert is_plain("a: b :c") and not is_plain("x :a-b: y")
    assert not is_plain("[b]gras[/b]")
    assert not is_plain("deux\nlignes")
    assert not is_plain(12)
