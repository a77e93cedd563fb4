"""A DataTable that draws its plain one-line text cells itself.

Measured on Mes remboursements (120×40, a filter key that brings a new page of 50 claims): drawing the
visible cells took most of the client's time for the key press, about 0.2–0.3 ms per cell, almost all in
Rich's general layout (markup parsing, padding, wrapping, cropping) for what is, here, a short string on
one line. This table builds those cells' segments directly — the same segments, with the same styles, as
`DataTable._render_cell` (a test compares both, cell by cell) — and leaves every other cell (markup, a
renderable, a line break, text wider than its column, fixed rows or columns) to DataTable.

Two more costs of a new page, measured with cProfile in the client bench (issue 6b): DataTable measures
every new cell by building its Rich Text (~350 cells a page), where a plain one-line string is exactly
`cell_len` wide; and each plain cell's style (base + position meta + component styles) was rebuilt for
every page, though it depends only on the cell's place and the styles, never on its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

# markup, a control character (line break, tab…), or a Rich emoji code (":name:", no space inside)
_NOT_PLAIN = re.compile(r"[\[\x00-\x1f]|:\S*:")


def is_plain(value: object) -> bool:
    """A one-line string that DataTable shows exactly as it is."""
    return isinstance(value, str) and _NOT_PLAIN.search(value) is None


class FastTable(DataTable[Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (row, column, base style, component style, post style) -> the cell's style. Kept across pages
        # (DataTable's own caches are emptied by every clear()); the styles themselves are in the key,
        # so a theme or CSS change makes new keys, never stale styles.
        self._plain_styles: LRUCache[tuple[Any, ...], Style] = LRUCache(4096)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Rows of plain one-line cells widen their columns by `cell_len`; every other row (a label,
        auto height, markup…) is measured by DataTable."""
        columns = self.ordered_columns
        others: list[RowKey] = []
        for row_key in new_rows:
            row = self.rows.get(row_key)
            if row is None or row_key not in self._row_locations:
                continue  # removed before the table was idle (DataTable skips it too)
            values = [self._data.get(row_key, {}).get(column.key) for column in columns]
            if row.label is not None or row.auto_height or not all(is_plain(value) for value in values):
                others.append(row_key)
                continue
            for column, value in zip(columns, values, strict=True):
                column.content_width = max(column.content_width, cell_len(value))
        # also with no row left: DataTable then computes the virtual size from the column widths
        super()._update_dimensions(others)

    def _plain_text(self, row_index: int, column_index: int, inner: int) -> str | None:
        """The cell's text when the fast path draws it exactly as DataTable would, else None."""
        if row_index < 0 or column_index < 0 or self.fixed_rows or self.fixed_columns or inner <= 0:
            return None
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None or self.rows[row_key].height != 1:
            return None
        value = self._data.get(row_key, {}).get(column_key)
        if not value or not is_plain(value):
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
            style_key = (row_index, column_index, base_style, component_style, post_style)
            style = self._plain_styles.get(style_key)
            if style is None:
                # DataTable: Styled(Padding(Text), pre_style=base + meta + component, post_style=post)
                style = base_style + Style.from_meta({"row": row_index, "column": column_index})
                style = self._plain_styles[style_key] = style + component_style + post_style
            line = [Segment(" " * padding, style)] if padding else []
            line.append(Segment(text, style))
            fill = width - 2 * padding - cell_len(text)
            if fill:
                line.append(Segment(" " * fill, style))
            if padding:
                line.append(Segment(" " * padding, style))
            cached = self._cell_render_cache[key] = [line]
        return cached
