"""A labelled record laid out on a few short lines, readable at 80 columns."""

from __future__ import annotations

from textual.widgets import Static

from tui.flows.dashboard import Record

# Which fields share a line (a presentation choice; the words come from the flows).
CLAIM_LINES = (("Date", "Acte", "Remboursé"), ("Pour", "Statut"), ("Paiement",))


def record_text(record: Record, lines: tuple[tuple[str, ...], ...] = CLAIM_LINES) -> str:
    by_label = {f.label: f for f in record.fields}
    placed = {label for line in lines for label in line}
    rows = [" ; ".join(str(by_label[label]) for label in line if label in by_label) for line in lines]
    rest = [str(f) for f in record.fields if f.label not in placed]
    if rest:
        rows.append(" ; ".join(rest))
    return "\n".join(row for row in rows if row)


class RecordLines(Static):
    DEFAULT_CSS = """
    RecordLines { height: auto; margin-bottom: 1; }
    """

    def __init__(self, record: Record, *, classes: str | None = None) -> None:
        super().__init__(record_text(record), markup=False, classes=classes)
        self.record = record
