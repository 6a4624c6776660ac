"""The sales ledger: what partners sold, where each line came from, how it changed.

Lines are written only by the sales import (partner_portal.incentives.services), never
edited by hand, so every change of a line is kept in its history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..currencies import validate_currency

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


class SalesImportJob(models.Model):
    """A file checked or imported by the task worker, rather than in the request.

    Files above SALES_IMPORT_BACKGROUND_ROWS rows, from the admin or the API, take
    longer than a request should wait. The job keeps the stored file, who started
    it and in which language (its messages are worded in it), then the worker's
    progress and, once it ends, the same report an import in the request gives:
    the counts, or the first 1,000 errors with their row and column. Only the user
    who started a job sees it (`sales_import_jobs_visible_to`). A job that failed
    keeps its report and wrote nothing; a succeeded import names its source.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=SalesSource.Kind.choices)
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(
        _("file"), upload_to="sales_imports/pending/", max_length=255
    )
    encoding = models.CharField(
        _("encoding asked for"),
        max_length=40,
        blank=True,
        help_text=_("Empty: UTF-8, or else the installation's legacy encoding."),
    )
    language = models.CharField(_("language"), max_length=15, blank=True)
    dry_run = models.BooleanField(
        _("check only"),
        default=False,
        help_text=_("Checked and described, nothing written, until confirmed."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(
        _("rows expected"),
        default=0,
        help_text=_(
            "Counted from the file's lines before reading it; exact once read."
        ),
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("lines created"), default=0)
    updated_count = models.PositiveIntegerField(_("lines updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("lines unchanged"), default=0)
    # {"encoding", "file_error", "error_count", "errors": [{"row", "column",
    # "message"}]}, the errors sorted by row and column as an import reports them.
    report = models.JSONField(_("report"), default=dict, blank=True)
    source = models.ForeignKey(
        SalesSource,
        verbose_name=_("source"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales import job")
        verbose_name_plural = _("sales import jobs")
        # Seen and confirmed by the user who started it, through the import view.
        default_permissions = ()

    def __str__(self):
        return f"{self.name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    def get_stage_display(self) -> str:
        """The status as the user's list of jobs names it, check or import."""
        check = self.dry_run
        return {
            self.Status.QUEUED: _("Waiting to be checked")
            if check
            else _("Waiting to be imported"),
            self.Status.RUNNING: _("Being checked") if check else _("Being imported"),
            self.Status.SUCCEEDED: _("Checked, ready to import")
            if check
            else pgettext_lazy("sales import job", "Imported"),
            self.Status.FAILED: _("Cannot be imported"),
        }[self.status]

    @property
    def read_all(self) -> bool:
        """Whether every row is read (the worker then checks and merges them)."""
        return self.status == self.Status.RUNNING and self.rows_read >= self.rows_total


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
