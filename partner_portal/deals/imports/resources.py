"""The django-import-export resource of the deal-registration import.

One registration per row, for the partner named by external ID. The customer is
keyed as a partner's submission is (`deals.customers`), so an imported registration
and a later one from the portal are compared alike. A row that names a registration
the partner already has — the same customer, however written, closing on the same
day — is unchanged when it says what that registration says and an error
otherwise: an import never changes a registration, so a file imported twice adds
nothing the second time. Saving goes through `deal_import()`.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db.models import Q
from django.utils.translation import gettext as _

from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

from partner_portal.imports.resources import (
    CodeWidget,
    IsoDateWidget,
    LimitedTextWidget,
    ListWidget,
    LookupWidget,
    RowImportResource,
    codes_listed,
)
from partner_portal.incentives.currencies import is_currency
from partner_portal.partners.imports.resources import (
    CountryWidget,
    PartnerByExternalIdWidget,
    RegionWidget,
)
from partner_portal.partners.models import Product, User

from ..customers import customer_key, domain_key, legal_suffixes
from ..models import Deal, LostReason
from ..services.imports import deal_import

REQUIRED_COLUMNS = (
    "partner",
    "customer_name",
    "country",
    "region",
    "products",
    "estimated_value",
    "currency",
    "expected_close_date",
)
OPTIONAL_COLUMNS = (
    "customer_domain",
    "status",
    "protected_until",
    "registered_by_email",
    "notes",
    "final_value",
    "lost_reason",
)
# Twelve digits before the point fit the amounts' DecimalField(14, 2).
_AMOUNT = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")


class AmountWidget(widgets.Widget):
    """An amount of money: digits, a point and up to two decimals; empty: none."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        if not _AMOUNT.match(value):
            raise ValueError(
                _(
                    "Write the amount as a number with at most two decimals and no "
                    "thousands separators, such as 25000.00."
                )
            )
        return Decimal(value).quantize(Decimal("0.01"))


class CurrencyWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        code = (value or "").strip().upper()
        if code and not is_currency(code):
            raise ValueError(
                _("“%(value)s” is not an ISO 4217 currency code, such as USD or CNY.")
                % {"value": value}
            )
        return code


class CustomerDomainWidget(widgets.CharWidget):
    """The customer's web domain as the earlier system kept it (a URL will do);
    its key, without scheme, path and "www.", must be a domain name."""

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if value:
            try:
                DomainNameValidator()(domain_key(value))
            except ValidationError:
                raise ValueError(
                    _("“%(value)s” is not a web domain, such as example.com.")
                    % {"value": value}
                ) from None
        return value


class ProductsWidget(ListWidget):
    """Product names separated by semicolons, each in English or in Chinese."""

    def clean(self, value, row=None, **kwargs):
        names = super().clean(value, row, **kwargs)
        found, unknown = [], []
        for name in names:
            product = Product.objects.filter(
                Q(name__iexact=name) | Q(name_zh=name)
            ).first()
            if product is None:
                unknown.append(name)
            elif product not in found:
                found.append(product)
        if unknown:
            known = Product.objects.order_by("name").values_list("name", flat=True)
            raise ValueError(
                _("No product is named %(names)s. The products are: %(known)s.")
                % {
                    "names": ", ".join(f"“{name}”" for name in unknown),
                    "known": codes_listed(known),
                }
            )
        return sorted(found, key=lambda product: product.pk)


class RegistrantWidget(LookupWidget):
    """The partner user who registered the deal, by email address."""

    def __init__(self):
        super().__init__(User, "email")

    def find(self, key):
        return (
            User.objects.filter(email__iexact=key)
            .select_related("membership__partner")
            .first()
        )

    def refuse(self, value, found):
        if found is None:
            return _("No user has the email address “%(value)s”.") % {"value": value}
        return None


class LostReasonWidget(LookupWidget):
    """A reason from Deals → Reasons deals are lost, in English or in Chinese."""

    def __init__(self):
        super().__init__(LostReason, "name")

    def find(self, key):
        return LostReason.objects.filter(Q(name__iexact=key) | Q(name_zh=key)).first()

    def refuse(self, value, found):
        if found is None:
            return _(
                "“%(value)s” is not a reason deals are lost. Use one of: %(reasons)s."
            ) % {
                "value": value,
                "reasons": codes_listed(
                    LostReason.objects.values_list("name", flat=True)
                ),
            }
        return None


def row_key(row, suffixes) -> tuple[str, str, str] | None:
    """What names a partner's registration in a file: the partner's external ID,
    the customer's key and the expected close date as written; None when a cell
    of them is empty."""
    external_id = (row.get("partner") or "").strip()
    name = customer_key(row.get("customer_name") or "", suffixes)
    close = (row.get("expected_close_date") or "").strip()
    if not (external_id and name and close):
        return None
    return external_id, name, close


class StoredDealLoader(BaseInstanceLoader):
    """Finds each row's stored registration, in one query for the whole file."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.suffixes = legal_suffixes()
        keys = {key for row in dataset.dict if (key := row_key(row, self.suffixes))}
        self.stored = {}
        if not keys:
            return
        deals = (
            resource.get_queryset()
            .filter(
                partner__external_id__in={external_id for external_id, *_ in keys},
                customer_key__in={name for _id, name, _close in keys},
            )
            .order_by("pk")
        )
        for deal in deals:
            key = (
                deal.partner.external_id,
                deal.customer_key,
                deal.expected_close_date.isoformat(),
            )
            self.stored.setdefault(key, deal)

    def get_instance(self, row):
        return self.stored.get(row_key(row, self.suffixes))


STATUS_CODES = Deal.Status.values


class DealResource(RowImportResource):
    """One registration per row. `import_products` holds a row's products while it
    is checked (a registration's products are set once it is saved)."""

    key_column = "partner"
    required_values = REQUIRED_COLUMNS

    partner = fields.Field("partner", "partner", PartnerByExternalIdWidget())
    customer_name = fields.Field(
        "customer_name",
        "customer_name",
        LimitedTextWidget(
            200, lambda: _("A customer name has at most 200 characters.")
        ),
    )
    customer_domain = fields.Field(
        "customer_domain", "customer_domain", CustomerDomainWidget()
    )
    country = fields.Field("country", "country", CountryWidget())
    region = fields.Field("region", "region", RegionWidget())
    products = fields.Field("import_products", "products", ProductsWidget())
    estimated_value = fields.Field("estimated_value", "estimated_value", AmountWidget())
    currency = fields.Field("currency", "currency", CurrencyWidget())
    expected_close_date = fields.Field(
        "expected_close_date", "expected_close_date", IsoDateWidget()
    )
    status = fields.Field(
        "status",
        "status",
        CodeWidget(
            STATUS_CODES,
            lambda: _(
                "“%(value)s” is not a registration status. Use one of: %(codes)s."
            ),
            empty=Deal.Status.SUBMITTED,
        ),
    )
    protected_until = fields.Field(
        "protected_until", "protected_until", IsoDateWidget()
    )
    registered_by = fields.Field(
        "registered_by", "registered_by_email", RegistrantWidget()
    )
    notes = fields.Field("notes", "notes", widgets.CharWidget())
    final_value = fields.Field("final_value", "final_value", AmountWidget())
    lost_reason = fields.Field("lost_reason", "lost_reason", LostReasonWidget())

    class Meta:
        model = Deal
        fields = (
            "partner",
            "customer_name",
            "customer_domain",
            "country",
            "region",
            "products",
            "estimated_value",
            "currency",
            "expected_close_date",
            "status",
            "protected_until",
            "registered_by",
            "notes",
            "final_value",
            "lost_reason",
        )
        import_id_fields = ("partner",)
        instance_loader_class = StoredDealLoader
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first_row_of_deal = {}
        self.suffixes = legal_suffixes()
        self._file_row = None

    def get_queryset(self):
        return Deal.objects.select_related("partner", "registered_by", "lost_reason")

    def normalise_key(self, value):
        # A partner registers many deals: its ID repeats; a registration may not
        # (see check_row).
        return ""

    def before_import(self, dataset, **kwargs):
        # Optional columns the file leaves out are empty, as import-export needs
        # every field's column.
        for column in OPTIONAL_COLUMNS:
            if column not in dataset.headers:
                dataset.append_col([""] * len(dataset), header=column)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._file_row = self.file_row(kwargs["row_number"])

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.import_products = (
            [] if new else sorted(instance.products.all(), key=lambda p: p.pk)
        )
        super().after_init_instance(instance, new, row, **kwargs)

    def check_row(self, instance, row, errors):
        if "import_products" not in errors and not instance.import_products:
            errors["import_products"] = [_("Name at least one product.")]
        if "customer_name" not in errors and not customer_key(
            instance.customer_name, self.suffixes
        ):
            errors["customer_name"] = [
                _("The customer name must be more than a legal form such as “Inc.”.")
            ]
        self.check_registrant(instance, errors)
        self.check_status(instance, errors)
        key = row_key(row, self.suffixes)
        if key is not None:
            first = self.first_row_of_deal.setdefault(key, self._file_row)
            if first != self._file_row:
                errors.setdefault("customer_name", []).append(
                    _(
                        "Row %(row)d registers this customer for the same partner "
                        "with the same expected close date."
                    )
                    % {"row": first}
                )
                return
        if (
            self._before is not None
            and not errors
            and self.current_values(instance) != self._before
        ):
            errors["customer_name"] = [
                _(
                    "The partner already has a registration for this customer "
                    "closing on %(day)s, which says otherwise. An import does "
                    "not change registrations."
                )
                % {"day": instance.expected_close_date.isoformat()}
            ]

    def check_registrant(self, instance, errors):
        user = instance.registered_by
        if user is None or "registered_by" in errors or "partner" in errors:
            return
        membership = getattr(user, "membership", None)
        if membership is None or membership.partner_id != instance.partner_id:
            errors["registered_by"] = [
                _("The user with this email address is not a user of the partner.")
            ]

    def check_status(self, instance, errors):
        if "status" in errors:
            return
        status = instance.status
        if status == Deal.Status.APPROVED and instance.protected_until is None:
            errors.setdefault("protected_until", []).append(
                _("An approved registration needs the day its protection ends.")
            )
        if status == Deal.Status.WON and instance.final_value is None:
            errors.setdefault("final_value", []).append(
                _("A won registration needs the deal's final value.")
            )
        if status == Deal.Status.LOST and instance.lost_reason is None:
            errors.setdefault("lost_reason", []).append(
                _("A lost registration needs the reason it was lost.")
            )

    def clean_exclude(self, errors):
        # The keys are computed when the row is saved; who decided is the importer.
        exclude = {*errors, "customer_key", "domain_key"}
        if "import_products" in errors:
            exclude.add("products")
        return exclude

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A stored registration without an error says what the row says.
        return not import_validation_errors and self._before is not None

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        deal = deal_import(
            partner=instance.partner,
            registered_by=instance.registered_by,
            products=instance.import_products,
            by=self.by,
            note=self.reason,
            **{
                name: getattr(instance, name)
                for name in (
                    "customer_name",
                    "customer_domain",
                    "country",
                    "region",
                    "estimated_value",
                    "currency",
                    "expected_close_date",
                    "status",
                    "protected_until",
                    "notes",
                    "final_value",
                    "lost_reason",
                )
            },
        )
        instance.pk = deal.pk
