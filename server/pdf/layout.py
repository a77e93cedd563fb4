"""The mutuelle's PDF layout, shared by every document the server produces (relevés de prestations,
tableau de garanties…): a header with the mutuelle's name and the document title, the member's block,
headings, paragraphs, tables whose heading row repeats on each page, a totals box, and a footer with
the issue date and the page number.

Font choice: the PDF standard font Helvetica, written in Windows-1252 (WinAnsiEncoding). Every PDF
reader has it, so no font file ships with the project (no locked package carries a Unicode TTF, and a
system DejaVu is not guaranteed on a fresh machine), and Windows-1252 holds everything French needs:
accents, « », œ, the euro sign "€", the apostrophe "’", the dashes and the no-break space of
``format_eur``. The few characters outside it (the narrow no-break space, "≤"…) are mapped to a
readable equivalent by ``pdf_text`` instead of failing. The text stays real text (searchable,
extractable with pypdf, read by screen readers), never an image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.enums import TableCellFillMode

from models.domain.dates import format_date

ENCODING = "windows-1252"
MUTUELLE = "Mutuelle – Espace Adhérent"
FONT = "Helvetica"
MARGIN = 12
_REPLACEMENTS = {
    "\u202f": "\u00a0",  # narrow no-break space
    "\u2009": " ",
    "\u2011": "-",
    "\u2212": "-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2192": "->",
    "\u2248": "~",
}


def pdf_text(text: str) -> str:
    """``text`` with every character Windows-1252 cannot hold replaced by a readable equivalent."""
    out = []
    for char in text:
        char = _REPLACEMENTS.get(char, char)
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            char = "?"
        out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, its relative width (mm at A4 portrait) and its alignment."""

    title: str
    width: float
    align: str = "LEFT"


@dataclass(frozen=True)
class MemberBlock:
    """Whom the document is for, printed under the title."""

    name: str
    member_number: str
    address: tuple[str, ...] = ()


class _Pdf(FPDF):
    def __init__(self, layout: Layout) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.layout = layout
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(pdf_text(text))

    def header(self) -> None:
        self.set_font(FONT, "B", 9)
        self.set_text_color(60, 60, 60)
        self.cell(0, 5, MUTUELLE, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font(FONT, "B", 14)
        self.multi_cell(0, 7, self.layout.title, new_x="LMARGIN", new_y="NEXT")
        if self.layout.subtitle:
            self.set_font(FONT, "", 10)
            self.multi_cell(0, 5, self.layout.subtitle, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(120, 120, 120)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(80, 80, 80)
        issued = f"Édité le {format_date(self.layout.issued_on)} – " if self.layout.issued_on else ""
        self.cell(0, 5, f"{issued}{MUTUELLE}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


class Layout:
    """One document: ``Layout(title, member, issued_on, subtitle=…)``, then headings, paragraphs,
    tables and totals in reading order, then ``output()`` (the PDF bytes)."""

    def __init__(
        self, title: str, member: MemberBlock | None, issued_on: date | None, *, subtitle: str | None = None
    ) -> None:
        self.title = title
        self.subtitle = subtitle
        self.issued_on = issued_on
        self.pdf = _Pdf(self)
        self.pdf.set_title(pdf_text(title))
        self.pdf.set_author(pdf_text(MUTUELLE))
        self.pdf.set_creator("espace")
        self.pdf.set_lang("fr-FR")
        self.pdf.add_page()
        if member is not None:
            self._member(member)

    def _member(self, member: MemberBlock) -> None:
        pdf = self.pdf
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, 5, member.name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5, f"N° adhérent : {member.member_number}", new_x="LMARGIN", new_y="NEXT")
        for line in member.address:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    def heading(self, text: str, level: int = 1) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FONT, "B", {1: 12, 2: 10.5}.get(level, 10))
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def paragraph(self, text: str, *, size: float = 10, italic: bool = False) -> None:
        self.pdf.set_font(FONT, "I" if italic else "", size)
        self.pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, size: float = 8) -> None:
        """Cells wrap; the heading row (bold) repeats on each page."""
        pdf = self.pdf
        pdf.set_font(FONT, "", size)
        with pdf.table(
            col_widths=tuple(c.width for c in columns),
            text_align=tuple(c.align for c in columns),  # type: ignore[arg-type]
            line_height=4.2,
            cell_fill_color=(238, 238, 238),
            cell_fill_mode=TableCellFillMode.ROWS,
            repeat_headings=1,
        ) as table:
            heading = table.row()
            for column in columns:
                heading.cell(column.title)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        pdf.ln(2)

    def totals(self, items: Sequence[tuple[str, str]], *, title: str = "Totaux") -> None:
        """Labelled amounts in a box, label on the left, amount on the right."""
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 20 - 6 * (len(items) + 1):
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        width = pdf.w - pdf.l_margin - pdf.r_margin
        for label, value in items:
            pdf.cell(width * 0.7, 6, label, border="B")
            pdf.cell(width * 0.3, 6, value, border="B", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
