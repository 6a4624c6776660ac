"""Content hub: documents, images, asset pages, policies and announcements.

Every content item carries an access level (partners' `AccessControlled`); the
access rule in `partners.access` decides who may see it, for pages, files,
listings, counts and the sitemap alike.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page, PageManager, PageQuerySet, Revision
from wagtail.search import index

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from partner_portal.partners.access import AccessControlledPage
from partner_portal.partners.models import AccessControlled

from .images import checked_image_url


class PortalDocument(AccessControlled, AbstractDocument):
    """A Wagtail document with an access level; served only through the rule."""

    admin_form_fields = (*Document.admin_form_fields, "access_level", "min_tier")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")


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


class AssetType(models.TextChoices):
    BROCHURE = "brochure", _("Brochure")
    DATASHEET = "datasheet", _("Datasheet")
    PRESENTATION = "presentation", _("Presentation")
    LOGO_PACK = "logo_pack", _("Logo pack")
    VIDEO = "video", _("Video")
    CASE_STUDY = "case_study", _("Case study")
    PRICE_LIST = "price_list", _("Price list")
    PLAYBOOK = "playbook", _("Playbook")
    WHITEPAPER = "whitepaper", _("White paper")
    TEMPLATE = "template", _("Template")


class AssetLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    CHINESE = "zh-hans", _("Simplified Chinese")
    GERMAN = "de", _("German")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    JAPANESE = "ja", _("Japanese")
    MULTILINGUAL = "mul", _("Several languages")


class ResourceLibraryPage(AccessControlledPage, Page):
    """The portal's resource library: lists the asset pages below it."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(AccessControlledPage.access_panels, heading=_("Access")),
    ]
    subpage_types = ["resources.AssetPage", "resources.AnnouncementPage"]
    template = "resources/library_page.html"

    class Meta:
        verbose_name = _("resource library")
        verbose_name_plural = _("resource libraries")

    def get_context(self, request, *args, **kwargs):
        from .selectors import library_browse

        context = super().get_context(request, *args, **kwargs)
        context["browse"] = library_browse(library=self, request=request)
        return context


class AssetTag(TaggedItemBase):
    content_object = ParentalKey(
        "resources.AssetPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class AssetQuerySet(PageQuerySet):
    def available(self, at=None):
        """Assets whose publish date has come and whose expiry date has not."""
        at = at or timezone.now()
        return self.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=at),
            Q(expires_at__isnull=True) | Q(expires_at__gt=at),
        )

    def with_published_date(self):
        return self.annotate(published_on=Coalesce("publish_at", "first_published_at"))


class AssetPage(AccessControlledPage, Page):
    """One piece of sales or marketing material: a document and/or a video."""

    asset_type = models.CharField(
        _("asset type"), max_length=20, choices=AssetType.choices
    )
    products = ParentalManyToManyField(
        "partners.Product", verbose_name=_("products"), blank=True
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=AssetLanguage.choices,
        default=AssetLanguage.ENGLISH,
    )
    tags = ClusterTaggableManager(verbose_name=_("tags"), through=AssetTag, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    document = models.ForeignKey(
        PortalDocument,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="asset_pages",
    )
    video_url = models.URLField(_("video link"), blank=True)
    thumbnail = models.ForeignKey(
        PortalImage,
        verbose_name=_("thumbnail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publish_at = models.DateTimeField(
        _("available from"),
        null=True,
        blank=True,
        help_text=_("Leave empty to show the asset as soon as it is published."),
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("The asset disappears from the portal at this time."),
    )
    import_key = models.CharField(
        _("import key"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Set by the bulk import; a re-import updates the same asset."),
    )

    objects = PageManager.from_queryset(AssetQuerySet)()

    content_panels = [
        *Page.content_panels,
        FieldPanel("asset_type"),
        FieldPanel("summary"),
        FieldPanel("document"),
        FieldPanel("video_url"),
        FieldPanel("thumbnail"),
        FieldPanel("products"),
        FieldPanel("language"),
        FieldPanel("tags"),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                *AccessControlledPage.access_panels,
                FieldPanel("publish_at"),
                FieldPanel("expires_at"),
            ],
            heading=_("Access and availability"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("asset_type"),
        index.FilterField("language"),
        index.FilterField("access_level"),
    ]
    parent_page_types = ["resources.ResourceLibraryPage"]
    subpage_types = []
    template = "resources/asset_page.html"

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        permissions = [("import_assets", _("Can import assets in bulk"))]
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"],
                condition=~Q(import_key=""),
                name="resources_asset_unique_import_key",
            )
        ]

    def is_available(self, at=None):
        at = at or timezone.now()
        if self.publish_at is not None and self.publish_at > at:
            return False
        return self.expires_at is None or self.expires_at > at

    def visible_to(self, audience):
        if not audience.is_staff and not self.is_available():
            return False
        return super().visible_to(audience)

    def get_context(self, request, *args, **kwargs):
        from partner_portal.partners.access import audience_for

        context = super().get_context(request, *args, **kwargs)
        audience = audience_for(request.user)
        document = self.document
        context["document"] = (
            document if document is not None and audience.may_see(document) else None
        )
        thumbnail = self.thumbnail
        context["thumbnail"] = (
            thumbnail if thumbnail is not None and audience.may_see(thumbnail) else None
        )
        context["download_count"] = self.downloads.count()
        return context


class DownloadEvent(models.Model):
    """One download of a document: who, for which partner, which asset, when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    document = models.ForeignKey(
        PortalDocument,
        verbose_name=_("document"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    asset = models.ForeignKey(
        AssetPage,
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="downloads",
    )
    downloaded_at = models.DateTimeField(
        _("downloaded at"), default=timezone.now, db_index=True
    )

    class Meta:
        ordering = ["-downloaded_at"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")

    def __str__(self):
        return f"{self.document_id} @ {self.downloaded_at:%Y-%m-%d %H:%M}"


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
