"""Bulk import of assets: a ZIP of files with manifest.csv or manifest.xlsx.

The import is a kind of the shared framework (`partner_portal.imports`), which
checks the archive, reads the manifest, previews every row and writes only an
archive without a single error. What is the assets' own is here: the columns, the
rules of a row and how a row is written (which files an asset may hold, and when
they are stored, is `asset_files`'; the kind itself is `asset_kind`). Rows are
matched by `key`: a re-import updates the asset and its document instead of
duplicating them, and leaves a row that changes nothing alone.

Each row is written the way an editor's change is (`services.asset_save`: a
revision, then publish or unpublish), inside the framework's transaction, which a
dry run rolls back. Files are the one thing no rollback undoes, so a row only saves
its document's fields; the files are stored after the last row has passed, and
deleted again if storing one of them fails.
"""

from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

from partner_portal.imports.archives import ArchiveLimits
from partner_portal.imports.resources import (
    CodeWidget,
    DateTimeWidget,
    LimitedTextWidget,
    ListWidget,
    RowImportResource,
    TrueFalseWidget,
)
from partner_portal.page_languages import sources
from partner_portal.partners.models import AccessLevel, Product, Tier
from partner_portal.tabular.reading import TabularError

from .asset_files import PendingFiles, check_file_type, file_digest
from .models import (
    AssetLanguage,
    AssetPage,
    AssetType,
    PortalDocument,
    ResourceLibraryPage,
)
from .services import asset_save

REQUIRED_COLUMNS = ("key", "file", "title", "asset_type", "access_level")
OPTIONAL_COLUMNS = (
    "products",
    "language",
    "tags",
    "min_tier",
    "publish_at",
    "expires_at",
    "summary",
    "live",
)
LIMITS = ArchiveLimits()


class KeyInstanceLoader(BaseInstanceLoader):
    """Finds the manifest's known assets by key, all in one query. A row without
    a key is new (and refused), never the first page that has no key."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        keys = {key for key in dataset["key"] if key}
        self.pages = {
            page.import_key: page
            for page in resource.get_queryset().filter(import_key__in=keys)
        }

    def get_instance(self, row):
        return self.pages.get(row.get("key") or "")


class AssetResource(RowImportResource):
    """One asset page per manifest row, with the row's file as its document.

    The columns that are not page fields (products, tags, live, file, min_tier)
    are held in `import_*` attributes while a row is checked, starting from what
    the page has, so that a column's change can be told and an unchanged row
    skipped. `context` is the open archive (`imports.archives.Archive`);
    `options["library"]` the library new assets go under (default: the first).
    """

    key_column = "key"
    required_values = ("key", "title", "asset_type", "access_level")

    key = fields.Field(
        "import_key",
        "key",
        LimitedTextWidget(100, lambda: _("The key is longer than 100 characters.")),
    )
    file = fields.Field("import_file", "file", widgets.CharWidget())
    title = fields.Field(
        "title",
        "title",
        LimitedTextWidget(255, lambda: _("The title is longer than 255 characters.")),
    )
    asset_type = fields.Field(
        "asset_type",
        "asset_type",
        CodeWidget(
            AssetType.values,
            lambda: _("“%(value)s” is not an asset type. Use one of: %(codes)s."),
        ),
    )
    products = fields.Field("import_product_names", "products", ListWidget())
    language = fields.Field(
        "language",
        "language",
        CodeWidget(
            AssetLanguage.values,
            lambda: _("“%(value)s” is not a language. Use one of: %(codes)s."),
            empty=AssetLanguage.ENGLISH.value,
        ),
    )
    tags = fields.Field("import_tags", "tags", ListWidget())
    access_level = fields.Field(
        "access_level",
        "access_level",
        CodeWidget(
            AccessLevel.values,
            lambda: _("“%(value)s” is not an access level. Use one of: %(codes)s."),
        ),
    )
    min_tier = fields.Field("import_tier_code", "min_tier", widgets.CharWidget())
    publish_at = fields.Field("publish_at", "publish_at", DateTimeWidget())
    expires_at = fields.Field("expires_at", "expires_at", DateTimeWidget())
    summary = fields.Field("summary", "summary", widgets.CharWidget())
    live = fields.Field("import_live", "live", TrueFalseWidget())

    class Meta:
        model = AssetPage
        fields = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        import_id_fields = ("key",)
        instance_loader_class = KeyInstanceLoader
        skip_unchanged = True
        report_skipped = True
        # Unchanged rows are told by `changed_columns`; no copy of each page.
        skip_diff = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.library = (
            self.options.get("library")
            or ResourceLibraryPage.objects.order_by("path").first()
        )
        if self.library is None:
            raise TabularError(
                _("Create a resource library page before importing assets.")
            )
        rights = self.library.permissions_for_user(self.by) if self.by else None
        if rights and not (rights.can_add_subpage() and rights.can_publish_subpage()):
            raise TabularError(
                _(
                    "You may not add and publish pages in the library “%(library)s”, "
                    "so you cannot import assets into it."
                )
                % {"library": self.library.title}
            )
        self.dry_run = True
        self.pending_files = PendingFiles(self.context)
        self._row_number = None

    @cached_property
    def tiers(self):
        return {tier.code: tier for tier in Tier.objects.order_by("rank")}

    @cached_property
    def products_by_name(self):
        return {product.name.lower(): product for product in Product.objects.all()}

    def get_queryset(self):
        return sources(AssetPage.objects.select_related("document", "min_tier"))

    def init_instance(self, row=None):
        return AssetPage(live=False)

    def duplicate_message(self, value, row):
        return _("This key appears on an earlier row of the manifest.")

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self.dry_run = kwargs["dry_run"]
        self._row_number = kwargs["row_number"]

    def after_init_instance(self, instance, new, row, **kwargs):
        page = instance
        page.import_products = [] if new else list(page.products.all())
        page.import_product_names = None
        page.import_tags = [] if new else [tag.name for tag in page.tags.all()]
        page.import_live = page.live
        page.import_file = ""
        page.import_tier_code = None
        page.import_entry = None
        page.import_digest = None
        page.import_file_state = _file_state(page)
        super().after_init_instance(page, new, row, **kwargs)

    def current_values(self, instance):
        page = instance
        return {
            "key": page.import_key,
            "file": page.import_file_state,
            "title": page.title,
            "asset_type": page.asset_type,
            "products": sorted(product.pk for product in page.import_products),
            "language": page.language,
            "tags": sorted(page.import_tags),
            "access_level": page.access_level,
            "min_tier": (
                page.min_tier_id if page.access_level == AccessLevel.TIER else None
            ),
            "publish_at": page.publish_at,
            "expires_at": page.expires_at,
            "summary": page.summary,
            "live": page.import_live,
        }

    def check_row(self, instance, row, errors):
        page = instance
        if page.import_product_names is not None:
            page.import_products = self._products(page.import_product_names, errors)
        if "access_level" not in errors:
            self._check_tier(page, errors)
        if (
            not {"publish_at", "expires_at"} & errors.keys()
            and page.publish_at
            and page.expires_at
            and page.expires_at <= page.publish_at
        ):
            errors["expires_at"] = [
                _("The expiry date must come after the publish date.")
            ]
        if page.import_file:
            try:
                self._check_file(page)
            except ValueError as error:
                errors["import_file"] = [str(error)]

    def _products(self, names, errors):
        found = []
        for name in names:
            product = self.products_by_name.get(name.lower())
            if product is None:
                errors.setdefault("import_product_names", []).append(
                    _("“%(value)s” is not a product.") % {"value": name}
                )
            else:
                found.append(product)
        return found

    def _check_tier(self, page, errors):
        code = page.import_tier_code or ""
        if page.access_level != AccessLevel.TIER:
            page.min_tier = None
            if code:
                errors["import_tier_code"] = [
                    _("A minimum tier is only allowed with access level tier.")
                ]
            return
        if page.import_tier_code is not None:
            page.min_tier = self.tiers.get(code.lower())
        if page.min_tier is None:
            errors["import_tier_code"] = [
                _("“%(value)s” is not a tier. Use one of: %(codes)s.")
                % {"value": code, "codes": ", ".join(self.tiers)}
            ]

    def _check_file(self, page):
        info = self.context.entry(page.import_file)
        check_file_type(self.context, info, page.import_file)
        page.import_entry = info
        document = page.document
        # Only a file of the same size can be the one already stored.
        if document is not None and document.file_size == info.file_size:
            page.import_digest = file_digest(self.context, info)
        # Once imported, the document has the asset's title and access again.
        page.import_file_state = (page.import_digest, True)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A known asset none of whose columns changes keeps its page, revisions
        # and document as they are.
        return (
            not import_validation_errors
            and self._before is not None
            and not self.changed_columns.get(self._row_number)
        )

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        # Wagtail's save validates the page once it has its place below the
        # library; full_clean() before then fails on a new page's missing path.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        page = instance
        page.document = self._document(page)
        asset_save(
            page=page,
            library=self.library,
            products=page.import_products,
            tags=page.import_tags,
            publish=page.import_live,
            user=self.by,
        )

    def _document(self, page):
        """The page's document as the row has it; a new file is only named here
        and stored in `after_import`."""
        info, current = page.import_entry, page.document
        if info is None:
            return current
        document = current or PortalDocument(uploaded_by_user=self.by)
        document.title = page.title
        document.access_level = page.access_level
        document.min_tier = page.min_tier
        if current is None or page.import_digest != current.file_hash:
            self.pending_files.add(document, info, page.import_digest)
        document.full_clean(exclude=["file"])
        document.save()
        return document

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not (self.dry_run or result.has_errors() or result.has_validation_errors()):
            self.pending_files.store()


def _file_state(page):
    """What the `file` column is compared on: the stored file, and whether the
    document still has its asset's title and access (an editor may have changed
    them; a re-import puts them back)."""
    document = page.document
    if document is None:
        return None
    tier = page.min_tier_id if page.access_level == AccessLevel.TIER else None
    matches = (document.title, document.access_level, document.min_tier_id) == (
        page.title,
        page.access_level,
        tier,
    )
    return (document.file_hash, matches)
