"""The vendor's brand, one row for the whole install (a Wagtail generic setting)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting

DEFAULT_VENDOR_NAME = "CPLMS"
DEFAULT_PRIMARY_COLOUR = "#0b5cad"


class Branding(BaseGenericSetting):
    """What the portal's header, page titles and the admin's sign-in page show.

    The primary colour must keep white text readable on it (buttons), so it is
    checked against white at the WCAG 4.5:1 ratio for text.
    """

    vendor_name = models.CharField(
        _("vendor name"), max_length=60, default=DEFAULT_VENDOR_NAME
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the portal header and the admin, about 32 pixels high."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=DEFAULT_PRIMARY_COLOUR,
        validators=[
            RegexValidator(
                r"^#[0-9a-fA-F]{6}$",
                _(
                    "Enter a colour as # followed by six hexadecimal digits, "
                    "e.g. #0b5cad."
                ),
            )
        ],
        help_text=_("Buttons and links; white text must stay readable on it."),
    )

    panels = [
        FieldPanel("vendor_name"),
        FieldPanel("logo"),
        FieldPanel("primary_colour"),
    ]

    class Meta:
        verbose_name = _("branding")

    def clean(self):
        super().clean()
        if (
            len(self.primary_colour or "") == 7
            and contrast_ratio(self.primary_colour, "#ffffff") < 4.5
        ):
            raise ValidationError(
                {
                    "primary_colour": _(
                        "White text on this colour is hard to read: choose a darker "
                        "colour (contrast with white of at least 4.5 to 1)."
                    )
                }
            )


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
