"""Documents and images with an access level, served only through the checked views."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.documents.models import AbstractDocument, Document
from wagtail.images.models import AbstractImage, AbstractRendition, Image

from partner_portal.partners.models import AccessControlled, AccessLevel

from ..images import checked_image_url


class PortalDocument(AccessControlled, AbstractDocument):
    """A Wagtail document with an access level; served only through the rule.

    A file uploaded to a partner's own record (an MDF claim's proof, a ticket's
    attachment) is for its partner only: `owner_partner`'s users and staff.
    """

    access_level = models.CharField(
        _("access level"),
        max_length=10,
        choices=AccessLevel.choices,
        default=AccessLevel.PARTNER,
    )
    owner_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Required when the access level is 'Its partner only'."),
    )

    admin_form_fields = (
        *Document.admin_form_fields,
        "access_level",
        "min_tier",
        "owner_partner",
    )

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    access_level=AccessLevel.OWNER, owner_partner__isnull=False
                )
                | (
                    ~models.Q(access_level=AccessLevel.OWNER)
                    & models.Q(owner_partner__isnull=True)
                ),
                name="document_owner_partner_iff_owner_level",
            )
        ]

    def clean(self):
        super().clean()
        if self.access_level == AccessLevel.OWNER and self.owner_partner_id is None:
            raise ValidationError(
                {"owner_partner": _("Choose the partner this file belongs to.")}
            )
        if self.access_level != AccessLevel.OWNER:
            self.owner_partner = None


class PortalImage(AccessControlled, AbstractImage):
    """A Wagtail image with an access level; see `views.serve_image`."""

    admin_form_fields = (*Image.admin_form_fields, "access_level", "min_tier")

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class PortalRendition(AbstractRendition):
    image = models.ForeignKey(
        PortalImage, on_delete=models.CASCADE, related_name="renditions"
    )

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)

    @property
    def url(self):
        """The checked view instead of the file's /media/ URL, which never answers.

        Wagtail's admin shows every preview from this URL (listing, chooser, image
        and page editors, rich text editor). The query string names the file, so a
        new file or focal point is not hidden behind the browser's cached copy.
        """
        if not self.filter_spec:
            # Wagtail's stand-in for a missing file: a broken image, as Wagtail
            # shows it, rather than an error for the whole admin page.
            return super().url
        version = hashlib.sha256(self.file.name.encode()).hexdigest()[:12]
        path = checked_image_url(self.image_id, self.filter_spec)
        return f"{path}?v={version}"
