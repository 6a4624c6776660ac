"""Announcements on the partner home, and who read them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from partner_portal.partners.access import AccessControlledPage


class AnnouncementPage(AccessControlledPage, Page):
    """News for partners, shown on the partner home to the audience it targets."""

    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(AccessControlledPage.access_panels, heading=_("Access")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    subpage_types = []
    template = "resources/announcement_page.html"

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            AnnouncementRead.objects.get_or_create(user=request.user, announcement=self)
        return response


class AnnouncementRead(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    announcement = models.ForeignKey(
        AnnouncementPage,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="reads",
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement read")
        verbose_name_plural = _("announcement reads")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "announcement"], name="resources_read_once"
            )
        ]

    def __str__(self):
        return f"{self.user_id} / {self.announcement_id}"
