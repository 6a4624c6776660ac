"""The font of the PDFs the portal writes (certificates, statements): Chinese renders.

Noto Sans CJK covers Latin and CJK; fpdf2 embeds a subset of its OpenType outlines,
so a partner's or a program's Chinese name prints as it reads on screen.
"""

from pathlib import Path

from django.conf import settings

from fpdf import FPDF

CJK_FONT = Path(
    getattr(
        settings,
        "PDF_CJK_FONT",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    )
)
# The collection's face for Simplified Chinese.
SIMPLIFIED_CHINESE = 2


def use_cjk_font(pdf: FPDF) -> str:
    """Add Noto Sans CJK (and its bold face, when installed) to `pdf`; return the
    family to pass to `set_font`."""
    if not CJK_FONT.exists():  # pragma: no cover - only without fonts-noto-cjk
        return "Helvetica"
    pdf.add_font("Noto", fname=str(CJK_FONT), collection_font_number=SIMPLIFIED_CHINESE)
    bold = CJK_FONT.with_name(CJK_FONT.name.replace("Regular", "Bold"))
    if bold != CJK_FONT and bold.exists():
        pdf.add_font(
            "Noto",
            style="B",
            fname=str(bold),
            collection_font_number=SIMPLIFIED_CHINESE,
        )
    return "Noto"
