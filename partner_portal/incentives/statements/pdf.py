"""The PDF of an issued statement, in the reader's language, Chinese names included.

It holds what the statement page shows: the partner, program and period, every line
with its rule, SKUs, basis, rate and amount, the total and any sales left out for
their currency. The sales lines behind each line are on the statement's page and in
its CSV downloads; the PDF gives the address.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fpdf import FPDF
from fpdf.fonts import FontFace

from partner_portal.pdf_fonts import use_cjk_font

from ..models import Statement
from . import wording
from .selectors import statement_steps

MUTED = (91, 103, 115)
BRAND = (11, 92, 173)
LINE_FILL = (245, 247, 250)


class _StatementPDF(FPDF):
    family = "Helvetica"

    def footer(self):
        self.set_y(-14)
        self.set_font(self.family, size=8)
        self.set_text_color(*MUTED)
        self.cell(
            0,
            6,
            _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"},
            align="C",
        )


def title_of(statement: Statement) -> str:
    if statement.kind == Statement.Kind.ADJUSTMENT:
        return _("Incentive statement adjustment %(number)s") % {
            "number": statement.sequence
        }
    return _("Incentive statement")


def _facts(statement: Statement) -> list[tuple[str, str]]:
    steps = statement_steps(statement)
    facts = [
        (_("Partner"), f"{statement.partner.name} ({statement.partner.external_id})"),
        (_("Program"), f"{statement.program.name} ({statement.program.code})"),
        (
            _("Period"),
            _("%(label)s: %(first)s to %(last)s")
            % {
                "label": statement.period,
                "first": formats.date_format(statement.period_start),
                "last": formats.date_format(statement.period_end),
            },
        ),
        (_("Tier on the last day"), str(statement.tier)),
        (_("Currency"), statement.currency),
        (_("Status"), statement.get_status_display()),
    ]
    for label, at in ((_("Date issued"), steps.issued), (_("Date paid"), steps.paid)):
        if at is not None:
            facts.append((label, formats.date_format(timezone.localtime(at))))
    return facts


def _rule_text(line) -> str:
    parts = [wording.line_rule(line)]
    for band in wording.bands_crossed(line):
        parts.append(
            _("From %(from)s at %(rate)s: %(revenue)s")
            % {
                "from": wording.amount(band["from"]),
                "rate": wording.percent(band["rate"]),
                "revenue": wording.amount(band["revenue"]),
            }
        )
    return "\n".join(parts)


def statement_pdf(statement: Statement) -> bytes:
    pdf = _StatementPDF(format="A4")
    pdf.family = use_cjk_font(pdf)
    family = pdf.family
    pdf.set_title(f"{title_of(statement)} {statement.program.code} {statement.period}")
    pdf.set_creator("CPLMS")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    currency = statement.currency

    pdf.set_text_color(*BRAND)
    pdf.set_font(family, size=9)
    pdf.cell(0, 5, "CPLMS", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(family, "B", size=18)
    pdf.cell(0, 11, title_of(statement), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=12)
    pdf.cell(
        0,
        7,
        f"{statement.program.name} · {statement.period}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    pdf.set_font(family, size=9.5)
    with pdf.table(
        col_widths=(45, 145),
        first_row_as_headings=False,
        borders_layout="NONE",
        line_height=5.5,
        text_align="LEFT",
    ) as table:
        for label, value in _facts(statement):
            row = table.row()
            row.cell(label, style=FontFace(color=MUTED))
            row.cell(value)
    if statement.kind == Statement.Kind.ADJUSTMENT:
        pdf.ln(2)
        pdf.multi_cell(
            0,
            5,
            _(
                "This adjustment holds the differences from what was issued before "
                "for this period, line by line."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)

    pdf.set_font(family, size=9)
    headings = FontFace(emphasis="BOLD", fill_color=LINE_FILL)
    amount_header = _("Amount (%(currency)s)") % {"currency": currency}
    with pdf.table(
        col_widths=(10, 54, 30, 34, 30, 32),
        headings_style=headings,
        borders_layout="HORIZONTAL_LINES",
        line_height=5.5,
        padding=(1.2, 1.5),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
    ) as table:
        row = table.row()
        for heading in (
            "#",
            _("Rule"),
            _("SKUs"),
            _("Basis"),
            _("Rate"),
            amount_header,
        ):
            row.cell(heading)
        for line in statement.lines.all():
            row = table.row()
            row.cell(str(line.number))
            row.cell(_rule_text(line))
            row.cell(wording.line_skus(line))
            row.cell(wording.line_basis(line, currency))
            row.cell(wording.line_rate(line, currency))
            row.cell(wording.amount(line.amount))
        row = table.row()
        bold = FontFace(emphasis="BOLD")
        row.cell(_("Total"), colspan=5, style=bold)
        row.cell(wording.money(statement.total, currency), style=bold)

    if statement.warnings:
        pdf.ln(4)
        pdf.set_font(family, "B", size=10)
        pdf.cell(0, 6, _("Sales not counted"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, size=9)
        for warning in statement.warnings:
            pdf.multi_cell(
                0, 5, wording.warning_text(warning), new_x="LMARGIN", new_y="NEXT"
            )

    pdf.ln(6)
    pdf.set_font(family, size=8.5)
    pdf.set_text_color(*MUTED)
    address = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "incentive-statement", args=[statement.pk]
    )
    pdf.multi_cell(
        0,
        4.5,
        _(
            "Every line lists the sales records it counted at %(url)s. "
            "Amounts are rounded half up to the cent line by line; the total is "
            "the sum of the lines."
        )
        % {"url": address},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
