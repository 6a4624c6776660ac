"""The resource library and its asset pages, and who downloaded what."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase

from partner_portal.partners.access import AccessControlledPage

from .files import PortalDocument, PortalImage


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
    translated_fields = ("title", "intro")
    subpage_types = ["resources.AssetPage", "resources.AnnouncementPage"]
    template = "resources/library_page.html"

    class Meta:
        verbose_name = _("resource library")
        verbose_name_plural = _("resource libraries")

    def get_context(self, request, *args, **kwargs):
        from ..selectors import library_browse

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
    # A copy, a translation too, is not the asset the import key names.
    exclude_fields_in_copy = ["import_key"]

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
    translated_fields = ("title", "summary")
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
