"""The asset import as a kind of the shared import framework: its columns, what
each holds (for the upload page), who may run it and its ZIP upload."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.imports.archives import zip_upload
from partner_portal.imports.services import ImportKind
from partner_portal.partners.models import AccessLevel, Tier

from .asset_files import EXTENSIONS
from .asset_import import LIMITS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, AssetResource
from .models import AssetLanguage, AssetType


def _one_of(codes):
    return _("One of: %(codes)s.") % {"codes": ", ".join(codes)}


def asset_column_notes() -> dict[str, str]:
    return {
        "key": _(
            "Your own identifier of the asset, up to 100 characters. A row with a "
            "key imported before updates that asset."
        ),
        "file": _(
            "The path of the asset's file in the archive, such as "
            "files/brochure.pdf, or empty for an asset without a file. Files of "
            "these types, up to %(limit)s each: %(extensions)s."
        )
        % {
            "limit": filesizeformat(LIMITS.max_file_bytes),
            "extensions": ", ".join(f".{extension}" for extension in EXTENSIONS),
        },
        "title": _("Up to 255 characters; the asset's document has the same title."),
        "asset_type": _one_of(AssetType.values),
        "products": _(
            "Names of products under Channel → Products, separated by semicolons."
        ),
        "language": _("One of: %(codes)s. An empty cell means %(code)s.")
        % {
            "codes": ", ".join(AssetLanguage.values),
            "code": AssetLanguage.ENGLISH.value,
        },
        "tags": _("Tags separated by semicolons."),
        "access_level": _(
            "One of: %(codes)s. The asset's document gets the same access level."
        )
        % {"codes": ", ".join(AccessLevel.values)},
        "min_tier": _(
            "With the access level tier only, the lowest tier that may see the "
            "asset: one of %(codes)s."
        )
        % {
            "codes": ", ".join(
                Tier.objects.order_by("rank").values_list("code", flat=True)
            )
        },
        "publish_at": _(
            "When the asset appears in the portal, written YYYY-MM-DD or "
            "YYYY-MM-DD HH:MM. An empty cell shows it as soon as it is published."
        ),
        "expires_at": _(
            "When the asset leaves the portal, written the same way and after "
            "publish_at. An empty cell keeps it there."
        ),
        "live": _(
            "true publishes the asset; false or an empty cell keeps it a draft, "
            "and takes a published asset offline."
        ),
    }


ASSETS = ImportKind(
    name="assets",
    resource_class=AssetResource,
    required=REQUIRED_COLUMNS,
    optional=OPTIONAL_COLUMNS,
    label_columns=("title",),
    permissions=("resources.import_assets",),
    key_label=gettext_lazy("Key"),
    label_label=gettext_lazy("Title"),
    column_notes=asset_column_notes,
    upload=zip_upload(limits=LIMITS),
)
