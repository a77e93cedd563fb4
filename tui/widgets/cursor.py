"""Where the terminal cursor goes, so that a braille display (BRLTTY, Orca, NVDA over SSH) can track it.

Textual moves the terminal cursor to `App.cursor_position` on every redraw, but only `Input` and
`TextArea` set it. Here the position is computed for the other focusable widgets from what they show:
the highlighted row of a `DataTable` (the claims list), the highlighted option of an `OptionList` (the
console's search results and its file), the highlighted item of a `ListView` (the inbox, the démarches,
the notifications), and the top-left corner of any other focused widget (a scrolled page such as Mes
garanties). A row scrolled out of view puts the cursor on the first visible line of the widget.
"""

from __future__ import annotations

from textual.geometry import Offset, Region
from textual.widget import Widget
from textual.widgets import Input

from tui.widgets.loaded import is_loaded_instance

# The widget classes below are checked without importing them: the login screen has none of them.
_WIDGETS = "textual.widgets._{}"


def own_cursor(widget: Widget | None) -> bool:
    """Widgets that set `App.cursor_position` themselves (the text fields)."""
    return isinstance(widget, Input) or is_loaded_instance(widget, _WIDGETS.format("text_area"), "TextArea")


def _inside(content: Region, x: int, y: int) -> Offset:
    if content.height <= 0 or content.width <= 0:
        return Offset(content.x, content.y)
    if not content.y <= y < content.bottom:
        y = content.y
    return Offset(min(max(x, content.x), content.right - 1), y)


def focus_cursor(widget: Widget) -> Offset:
    """The screen offset of what `widget` (focused, not a text field) highlights."""
    content = widget.content_region
    scroll_x, scroll_y = widget.scroll_offset
    if is_loaded_instance(widget, _WIDGETS.format("data_table"), "DataTable") and widget.row_count:
        row = widget.cursor_coordinate.row
        if widget.cursor_type == "cell":
            region = widget._get_cell_region(widget.cursor_coordinate)
        else:
            region = widget._get_row_region(row)
        return _inside(content, content.x + region.x - scroll_x, content.y + region.y - scroll_y)
    if is_loaded_instance(widget, _WIDGETS.format("option_list"), "OptionList") and widget.highlighted is not None:
        line = widget._index_to_line.get(widget.highlighted)
        if line is not None:
            return _inside(content, content.x, content.y + line - scroll_y)
    if is_loaded_instance(widget, _WIDGETS.format("list_view"), "ListView"):
        child = widget.highlighted_child
        if child is not None and child.region.height:
            return _inside(content, child.region.x, child.region.y)
    return Offset(content.x, content.y)
