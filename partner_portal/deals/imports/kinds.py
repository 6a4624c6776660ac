"""The deal-registration import as a kind of the shared import framework.

It needs the permission to add registrations (program managers): a file could name
any partner, so a channel account manager's reach over their own partners is not
enough.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.imports.services import ImportKind
from partner_portal.partners.imports.kinds import region_note
from partner_portal.partners.models import Product

from ..models import Deal, LostReason
from .resources import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, DealResource


def _one_of(codes):
    return _("One of: %(codes)s.") % {"codes": ", ".join(codes)}


def deal_column_notes() -> dict[str, str]:
    products = Product.objects.order_by("name").values_list("name", flat=True)
    reasons = LostReason.objects.values_list("name", flat=True)
    return {
        "partner": _("The partner's external ID."),
        "customer_name": _(
            "Compared with other registrations without case, width, punctuation "
            "or legal forms, as a partner's submission is."
        ),
        "customer_domain": _("The customer's web domain, such as example.com."),
        "country": _("A two-letter ISO 3166 country code, such as CN or DE."),
        "region": region_note(),
        "products": _(
            "Product names in English or Chinese, separated by semicolons: %(names)s."
        )
        % {"names": ", ".join(products)},
        "estimated_value": _("A number with at most two decimals, such as 25000.00."),
        "currency": _("An ISO 4217 currency code, such as USD or CNY."),
        "expected_close_date": _("A date written YYYY-MM-DD."),
        "status": _one_of(Deal.Status.values)
        + " "
        + _(
            "Empty: submitted, awaiting a decision due in business days from the "
            "import."
        ),
        "protected_until": _(
            "A date written YYYY-MM-DD; an approved registration needs it."
        ),
        "registered_by_email": _(
            "The email address of the partner's user who registered the deal."
        ),
        "final_value": _("A won registration needs it."),
        "lost_reason": _one_of(reasons) + " " + _("A lost registration needs it."),
    }


DEALS = ImportKind(
    name="deals",
    resource_class=DealResource,
    required=REQUIRED_COLUMNS,
    optional=OPTIONAL_COLUMNS,
    label_columns=("customer_name",),
    permissions=("deals.add_deal",),
    key_label=gettext_lazy("Partner"),
    label_label=gettext_lazy("Customer"),
    column_notes=deal_column_notes,
)
