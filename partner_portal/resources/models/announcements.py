"""Announcements on the partner home, and who read them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from partner_portal.partners.access import AccessControlledPage, audience_for


class AnnouncementPage(AccessControlledPage, Page):
    """News for partners, shown on the partner home to the audience it targets."""

    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("body"), blank=True)
    announced_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("announced page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The asset, course or page this announcement is about. Partners who "
            "may not open that page see no link to it."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        PageChooserPanel("announced_page"),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(AccessControlledPage.access_panels, heading=_("Access")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    translated_fields = ("title", "summary", "body")
    subpage_types = []
    template = "resources/announcement_page.html"

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def announced_page_for(self, request):
        """The announced page when it is live and the request's user may open it
        (the access rule of the page itself, which may be stricter than this
        announcement's), else None."""
        if self.announced_page_id is None:
            return None
        page = self.announced_page.specific
        if not page.live:
            return None
        visible_to = getattr(page, "visible_to", None)
        if visible_to is not None and not visible_to(audience_for(request.user)):
            return None
        return page

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["announced"] = self.announced_page_for(request)
        return context

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
