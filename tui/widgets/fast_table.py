"""A DataTable that draws its plain one-line text cells itself.

Measured on Mes remboursements (120×40, a filter key that brings a new page of 50 claims): drawing the
visible cells took most of the client's time for the key press, about 0.2–0.3 ms per cell, almost all in
Rich's general layout (markup parsing, padding, wrapping, cropping) for what is, here, a short string on
one line. This table builds those cells' segments directly — the same segments, with the same styles, as
`DataTable._render_cell` (a test compares both, cell by cell) — and leaves every other cell (markup, a
renderable, a line break, text wider than its column, fixed rows or columns) to DataTable.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.widgets import DataTable


class FastTable(DataTable[Any]):
    def _plain_text(self, row_index: int, column_index: int, inner: int) -> str | None:
        """The cell's text when the fast path draws it exactly as DataTable would, else None."""
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns or inner <= 0:
            return None
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or self.rows[row_key].height != 1:
            return None
        value = self._data.get(row_key, {}).get(column_key)
        if not isinstance(value, str) or not value or "[" in value or any(ord(c) < 32 for c in value):
            return None
        return value if cell_len(value) <= inner else None

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        padding = self.cell_padding
        text = self._plain_text(row_index, column_index, width - 2 * padding)
        if text is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (
            self._row_locations.get_key(row_index),
            self._column_locations.get_key(column_index),
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(key)
        if cached is None:
            component_style, post_style = self._get_styles_to_render_cell(
                False,
                False,
                False,
                hover,
                cursor,
                self.show_cursor,
                self._show_hover_cursor,
                self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css",
            )
            # DataTable: Styled(Padding(Text), pre_style=base + meta + component, post_style=post)
            style = base_style + Style.from_meta({"row": row_index, "column": column_index})
            style = style + component_style + post_style
            line = [Segment(" " * padding, style)] if padding else []
            line.append(Segment(text, style))
            fill = width - 2 * padding - cell_len(text)
            if fill:
                line.append(Segment(" " * fill, style))
            if padding:
                line.append(Segment(" " * padding, style))
            cached = self._cell_render_cache[key] = [line]
        return cached
