"""The partner and partner-user imports, as kinds of the shared import framework.

Both need the model permissions (program managers, administrators): a file could
name any partner, so a channel account manager's object permissions on their own
partners are not enough.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.imports.services import ImportKind

from ..models import PartnerType, Region, Role, Stage, Tier
from ..wording import name_in_language
from .resources import (
    PARTNER_OPTIONAL_COLUMNS,
    PARTNER_REQUIRED_COLUMNS,
    USER_OPTIONAL_COLUMNS,
    USER_REQUIRED_COLUMNS,
    PartnerResource,
    PartnerUserResource,
)


def _one_of(codes):
    return _("One of: %(codes)s.") % {"codes": ", ".join(codes)}


def region_note() -> str:
    """The region column's note: codes and names both work, any level of the tree."""
    return _("A region's code or its name in English or Chinese: %(regions)s.") % {
        "regions": "; ".join(
            f"{region.code} ({name_in_language(region)})"
            for region in Region.objects.in_tree_order()
        )
    }


def partner_column_notes() -> dict[str, str]:
    return {
        "external_id": _(
            "The partner's ID in your CRM or ERP. A row with a known external "
            "ID updates that partner."
        ),
        "country": _("A two-letter ISO 3166 country code, such as CN or DE."),
        "region": region_note(),
        "partner_type": _one_of(PartnerType.values),
        "tier": _one_of(Tier.objects.order_by("rank").values_list("code", flat=True)),
        "stage": _one_of(Stage.values)
        + " "
        + _("An existing partner may only move to a stage its lifecycle allows."),
        "joined_on": _("A date written YYYY-MM-DD."),
        "account_manager_email": _(
            "The email address of a vendor staff user, or empty for none."
        ),
    }


def partner_user_column_notes() -> dict[str, str]:
    return {
        "email": _(
            "A row with a known email address updates that user. New users are "
            "created without a password, ready to be invited."
        ),
        "partner_external_id": _(
            "The external ID of the partner the user belongs to. A user cannot be "
            "moved to another partner by import."
        ),
        "role": _one_of(Role.values),
    }


PARTNERS = ImportKind(
    name="partners",
    resource_class=PartnerResource,
    required=PARTNER_REQUIRED_COLUMNS,
    optional=PARTNER_OPTIONAL_COLUMNS,
    label_columns=("name",),
    permissions=("partners.add_partner", "partners.change_partner"),
    key_label=gettext_lazy("External ID"),
    label_label=gettext_lazy("Name"),
    column_notes=partner_column_notes,
)
PARTNER_USERS = ImportKind(
    name="partner_users",
    resource_class=PartnerUserResource,
    required=USER_REQUIRED_COLUMNS,
    optional=USER_OPTIONAL_COLUMNS,
    label_columns=("first_name", "last_name"),
    permissions=(
        "partners.add_partnermembership",
        "partners.change_partnermembership",
    ),
    key_label=gettext_lazy("Email"),
    label_label=gettext_lazy("Name"),
    column_notes=partner_user_column_notes,
)
