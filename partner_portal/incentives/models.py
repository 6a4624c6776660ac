"""The sales ledger: what partners sold, where each line came from, how it changed.

Lines are written only by the sales import (partner_portal.incentives.services), never
edited by hand, so every change of a line is kept in its history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .currencies import validate_currency

# Money rules (../shared/ARCHITECTURE.md): Decimal, two places, ISO 4217 currency.
AMOUNT_DIGITS = 14
AMOUNT_PLACES = 2
CODE_LENGTH = 64


class SalesSource(models.Model):
    """One load into the ledger: which file or API call, by whom, when, with what."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Admin upload")
        COMMAND = "command", _("Command line")
        API = "api", _("API call")
        DEMO = "demo", _("Demo data")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("The file name, or what the API call was."),
    )
    file = models.FileField(
        _("file"),
        upload_to="sales_imports/%Y/%m/",
        blank=True,
        help_text=_("The uploaded file, kept as it was imported."),
    )
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("lines created"), default=0)
    updated_count = models.PositiveIntegerField(_("lines updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("lines unchanged"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales import")
        verbose_name_plural = _("sales imports")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.name} ({self.created_at:%Y-%m-%d %H:%M})"


class BrinOnPostgreSQL(models.Index):
    """A BRIN index on PostgreSQL; a plain index on the embedded SQLite."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            using = " USING brin"
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class SalesRecordQuerySet(models.QuerySet):
    def for_partner(self, partner):
        return self.filter(partner=partner)

    def in_period(self, start=None, end=None):
        """Lines dated from `start` to `end`, both included; None leaves it open."""
        queryset = self
        if start is not None:
            queryset = queryset.filter(date__gte=start)
        if end is not None:
            queryset = queryset.filter(date__lte=end)
        return queryset

    def totals_by_currency(self):
        """[{"currency", "amount", "lines"}] of these lines, one SQL aggregate."""
        return list(
            self.order_by("currency")
            .values("currency")
            .annotate(amount=models.Sum("amount"), lines=models.Count("id"))
        )


class SalesRecord(models.Model):
    """One invoice line a partner sold; returns and credit notes are negative.

    Its partner and source carry no database constraint: PostgreSQL would check
    them one row at a time, which was half the time of importing a million lines.
    The import, the only writer, checks them for the whole file instead, and locks
    the partners it names against deletion until it commits; PROTECT still
    refuses deleting a partner or source that has lines.
    """

    invoice_number = models.CharField(_("invoice number"), max_length=CODE_LENGTH)
    line_number = models.PositiveIntegerField(_("line number"))
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="sales",
        # The (partner, date) index below serves every lookup by partner.
        db_index=False,
        # Checked once per import rather than row by row: see SalesRecord.
        db_constraint=False,
    )
    date = models.DateField(_("date"))
    sku = models.CharField(_("SKU"), max_length=CODE_LENGTH)
    quantity = models.IntegerField(_("quantity"))
    amount = models.DecimalField(
        _("amount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES
    )
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency]
    )
    source = models.ForeignKey(
        SalesSource,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="records",
        help_text=_("The import that last changed this line."),
        db_index=False,
        db_constraint=False,
    )
    # The import sets both in SQL; the defaults serve lines made in Python.
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = SalesRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "invoice_number", "line_number"]
        verbose_name = _("sales record")
        verbose_name_plural = _("sales records")
        # Lines change only through imports: no add, change or delete permission.
        default_permissions = ("view",)
        permissions = [("import_salesrecord", _("Can import sales records"))]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice_number", "line_number"],
                name="sales_record_invoice_line_unique",
            )
        ]
        indexes = [
            models.Index(fields=["partner", "date"], name="sales_partner_date"),
            # Imports append their lines, so source ids grow with the table: a BRIN
            # index finds an import's lines at a fraction of a B-tree's upkeep.
            BrinOnPostgreSQL(fields=["source"], name="sales_source_brin"),
        ]

    def __str__(self):
        return _("Invoice %(invoice)s, line %(line)s") % {
            "invoice": self.invoice_number,
            "line": self.line_number,
        }


class SalesRecordChange(models.Model):
    """A line's values before an import changed them, and which import did."""

    record = models.ForeignKey(
        SalesRecord,
        verbose_name=_("sales record"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    sku = models.CharField(_("SKU"), max_length=CODE_LENGTH)
    quantity = models.IntegerField(_("quantity"))
    amount = models.DecimalField(
        _("amount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES
    )
    currency = models.CharField(_("currency"), max_length=3)
    source = models.ForeignKey(
        SalesSource,
        verbose_name=_("source of these values"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaced_by = models.ForeignKey(
        SalesSource,
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        related_name="replaced_changes",
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("sales record change")
        verbose_name_plural = _("sales record changes")
        default_permissions = ("view",)

    def __str__(self):
        return _("%(record)s as it was until %(changed_at)s") % {
            "record": self.record,
            "changed_at": f"{self.changed_at:%Y-%m-%d %H:%M}",
        }
