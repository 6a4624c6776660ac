"""The certificate PDF of an award, with fonts that render Chinese names too."""

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fpdf import FPDF

from partner_portal.pdf_fonts import use_cjk_font

from .models import CertificationAward
from .models.certifications import AwardStatus


def certificate_pdf(award: CertificationAward) -> bytes:
    """The certificate; an expired award's says so under its dates."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_("Certificate"))
    pdf.set_creator("CPLMS")
    pdf.add_page()
    family = use_cjk_font(pdf)
    holder = award.user.get_full_name() or award.user.username
    width = pdf.epw
    pdf.set_font(family, size=30)
    pdf.ln(20)
    pdf.cell(width, 16, _("Certificate"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=14)
    pdf.ln(6)
    pdf.cell(
        width, 10, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, size=26)
    pdf.cell(width, 16, holder, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=14)
    pdf.cell(width, 10, award.partner.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(
        width,
        10,
        _("holds the certification"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(family, size=22)
    pdf.cell(
        width, 14, str(award.certification), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, size=12)
    pdf.ln(8)
    dates = _("Issued on %(issued)s, valid until %(expires)s.") % {
        "issued": formats.date_format(award.issued_at),
        "expires": formats.date_format(award.expires_at),
    }
    pdf.cell(width, 8, dates, align="C", new_x="LMARGIN", new_y="NEXT")
    if award.status_on(timezone.localdate()) == AwardStatus.EXPIRED:
        pdf.set_text_color(178, 34, 34)
        pdf.cell(
            width,
            8,
            _("This certification expired on %(expires)s.")
            % {"expires": formats.date_format(award.expires_at)},
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_text_color(0, 0, 0)
    verify = f"{settings.PORTAL_BASE_URL.rstrip('/')}/verify/{award.credential_id}"
    pdf.cell(
        width,
        8,
        _("Verify this certificate at %(url)s") % {"url": verify},
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
