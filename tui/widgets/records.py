"""A labelled record laid out on a few short lines, readable at 80 columns."""

from __future__ import annotations

from rich.text import Text

from tui.flows.dashboard import Record
from tui.widgets.text import Static

# Which fields share a line (a presentation choice; the words come from the flows).
CLAIM_LINES = (("Date", "Acte"), ("Remboursé", "Statut", "Pour"), ("Paiement",))


def record_rows(record: Record, lines: tuple[tuple[str, ...], ...] = CLAIM_LINES) -> list[str]:
    by_label = {f.label: f for f in record.fields}
    placed = {label for line in lines for label in line}
    rows = [" ; ".join(str(by_label[label]) for label in line if label in by_label) for line in lines]
    rest = [str(f) for f in record.fields if f.label not in placed]
    if rest:
        rows.append(" ; ".join(rest))
    return [row for row in rows if row]


def record_text(record: Record, lines: tuple[tuple[str, ...], ...] = CLAIM_LINES) -> Text:
    """The first line in bold, so that records stand apart without a blank line between them."""
    first, *rest = record_rows(record, lines)
    text = Text(first, style="bold")
    for row in rest:
        text.append("\n" + row)
    return text


class RecordLines(Static):
    DEFAULT_CSS = """
    RecordLines { height: auto; }
    """

    def __init__(self, record: Record, *, classes: str | None = None) -> None:
        super().__init__(record_text(record), markup=False, classes=classes)
        self.record = record
