"""Policy pages whose every published version partner users acknowledge."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, Revision
from wagtail.search import index

from partner_portal.partners.access import AccessControlledPage


class PolicyType(models.TextChoices):
    PROGRAM_GUIDE = "program_guide", _("Program guide")
    REBATE_POLICY = "rebate_policy", _("Rebate policy")
    MDF_GUIDELINES = "mdf_guidelines", _("MDF guidelines")
    CODE_OF_CONDUCT = "code_of_conduct", _("Code of conduct")
    OTHER = "other", _("Other policy")


class PolicyPage(AccessControlledPage, Page):
    """A program policy. Each published revision is a version partners acknowledge."""

    policy_type = models.CharField(
        _("policy type"), max_length=20, choices=PolicyType.choices
    )
    body = RichTextField(_("body"))
    requires_acknowledgement = models.BooleanField(
        _("requires acknowledgement"),
        default=False,
        help_text=_(
            "Every partner user who may see this policy is asked to acknowledge "
            "each newly published version."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("policy_type"),
        FieldPanel("body"),
        FieldPanel("requires_acknowledgement"),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(AccessControlledPage.access_panels, heading=_("Access")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    translated_fields = ("title", "body")
    subpage_types = []
    template = "resources/policy_page.html"

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["acknowledged"] = (
            request.user.is_authenticated
            and self.acknowledgements.filter(
                user=request.user, revision_id=self.live_revision_id
            ).exists()
        )
        return context


class PolicyAcknowledgement(models.Model):
    """A user acknowledged one published version (revision) of a policy."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    policy = models.ForeignKey(
        PolicyPage,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "revision"], name="resources_ack_once_per_version"
            )
        ]

    def __str__(self):
        return f"{self.user_id} / {self.revision_id}"
