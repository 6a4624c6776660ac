"""The MDF allocation import, a kind of the shared import framework.

One allocation per row: the partner by external ID, the period ("2026-Q3" or
"2026"), the currency and the amount, with an optional note. A row naming an
allocation the partner has already (the same period and currency) sets its amount,
never below what is approved from it; a row that says what is stored is unchanged.
The file is imported all or nothing, each error reported on its row and column.
Saving goes through `allocation_set()`, which keeps each change in the allocation's
history. Importing needs the model permissions to add and change allocations
(program managers); only the partners the importer may see can be named.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from import_export import fields, widgets
from import_export.instance_loaders import BaseInstanceLoader

from partner_portal.imports.resources import LimitedTextWidget, RowImportResource
from partner_portal.imports.services import ImportKind
from partner_portal.incentives.models import PeriodKind
from partner_portal.incentives.periods import calendar_period
from partner_portal.partners.imports.resources import PartnerByExternalIdWidget
from partner_portal.partners.permissions import partners_visible_to

from .imports.resources import AmountWidget, CurrencyWidget
from .models import FundAllocation
from .services.mdf import allocation_floor_error, allocation_set

REQUIRED_COLUMNS = ("partner_external_id", "period", "currency", "amount")
OPTIONAL_COLUMNS = ("note",)
PERIOD_KINDS = (PeriodKind.QUARTER, PeriodKind.YEAR)


class VisiblePartnerWidget(PartnerByExternalIdWidget):
    """A partner by external ID among `partners` (None: any); another partner is
    not found at all, as if no partner had the ID."""

    def __init__(self):
        super().__init__()
        self.partners = None

    def find(self, key):
        found = super().find(key)
        if found is not None and self.partners is not None:
            return self.partners.filter(pk=found.pk).first()
        return found


class PeriodWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return ""
        period = calendar_period(value, PERIOD_KINDS)
        if period is None:
            raise ValueError(
                _(
                    "“%(period)s” is not a quarter or a year: write it like "
                    "2026-Q3 or 2026."
                )
                % {"period": value}
            )
        return period.label


def allocation_key(row) -> tuple[str, str, str]:
    """What names an allocation in a file: the partner's external ID, the period
    and the currency, as they are stored."""
    period = calendar_period(row.get("period") or "", PERIOD_KINDS)
    return (
        (row.get("partner_external_id") or "").strip(),
        period.label if period else "",
        (row.get("currency") or "").strip().upper(),
    )


class StoredAllocationLoader(BaseInstanceLoader):
    """Finds the stored allocation of every row of the file in one query."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        keys = {allocation_key(row) for row in dataset.dict}
        stored = resource.get_queryset().filter(
            partner__external_id__in={partner for partner, _p, _c in keys},
            period__in={period for _e, period, _c in keys},
        )
        self.by_key = {(a.partner.external_id, a.period, a.currency): a for a in stored}

    def get_instance(self, row):
        return self.by_key.get(allocation_key(row))


class FundAllocationResource(RowImportResource):
    key_column = "partner_external_id"
    required_values = REQUIRED_COLUMNS

    partner = fields.Field("partner", "partner_external_id", VisiblePartnerWidget())
    period = fields.Field("period", "period", PeriodWidget())
    currency = fields.Field("currency", "currency", CurrencyWidget())
    amount = fields.Field("amount", "amount", AmountWidget())
    note = fields.Field(
        "note",
        "note",
        LimitedTextWidget(200, lambda: _("A note has at most 200 characters.")),
    )

    class Meta:
        model = FundAllocation
        fields = ("partner", "period", "currency", "amount", "note")
        import_id_fields = ("partner", "period", "currency")
        instance_loader_class = StoredAllocationLoader
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.by is not None:
            self.fields["partner"].widget.partners = partners_visible_to(self.by)
        self.first_row_of_allocation = {}
        self._file_row = None

    def get_queryset(self):
        return FundAllocation.objects.select_related("partner")

    def normalise_key(self, value):
        # A partner may have several allocations; the whole key may not repeat
        # (see check_row).
        return ""

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._file_row = self.file_row(kwargs["row_number"])

    def check_row(self, instance, row, errors):
        if errors.keys() & {"partner", "period", "currency"}:
            return
        first = self.first_row_of_allocation.setdefault(
            allocation_key(row), self._file_row
        )
        if first != self._file_row:
            errors["period"] = [
                _(
                    "Row %(row)d allocates to the same partner for the same period "
                    "in the same currency."
                )
                % {"row": first}
            ]
            return
        if self._before is not None and instance.amount is not None:
            floor = allocation_floor_error(instance, instance.amount)
            if floor:
                errors["amount"] = [floor]

    def clean_exclude(self, errors):
        # The period's first and last days and who made it are the service's to
        # set, from the period the row names.
        return {*errors, "created_by", "period_start", "period_end"}

    def save_instance(self, instance, is_create, row, **kwargs):
        if self._is_dry_run(kwargs):
            return
        saved = allocation_set(
            partner=instance.partner,
            period=instance.period,
            currency=instance.currency,
            amount=instance.amount,
            note=instance.note,
            by=self.by,
        )
        instance.pk = saved.pk


def allocation_column_notes() -> dict[str, str]:
    return {
        "partner_external_id": _(
            "The partner's external ID, as the partner import names it."
        ),
        "period": _("A quarter, such as 2026-Q3, or a year, such as 2026."),
        "currency": _("A three-letter ISO 4217 currency code, such as USD or CNY."),
        "amount": _(
            "The amount allocated, such as 25000.00. A row for an allocation the "
            "partner has already (the same period and currency) changes its "
            "amount, never below what is approved from it."
        ),
        "note": _("Up to 200 characters, shown to staff only."),
    }


FUND_ALLOCATIONS = ImportKind(
    name="mdf_allocations",
    resource_class=FundAllocationResource,
    required=REQUIRED_COLUMNS,
    optional=OPTIONAL_COLUMNS,
    label_columns=("period", "currency"),
    permissions=("deals.add_fundallocation", "deals.change_fundallocation"),
    key_label=gettext_lazy("Partner"),
    label_label=gettext_lazy("Allocation"),
    column_notes=allocation_column_notes,
)
