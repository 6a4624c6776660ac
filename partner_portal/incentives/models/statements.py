"""Incentive statements: what a partner earned from one program in one period.

A statement is computed from the sales ledger (`incentives.statements`) as a draft,
approved, issued and paid; every step is a `StatementEvent` (who and when). An issued
statement never changes: a later run that finds different figures writes an
adjustment statement for the same partner, program and period holding the
differences line by line.

A line names the sales lines it counted without copying them: the statement keeps the
ledger's watermark (the last import it read), and the ledger's history gives each
sales line as it stood then (`incentives.statements.sources`), so the lines a partner
follows from a statement add up to its basis even after later imports.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .ledger import AMOUNT_DIGITS, AMOUNT_PLACES, CODE_LENGTH
from .programs import Program


def _money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name,
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        **kwargs,
    )


class StatementQuerySet(models.QuerySet):
    def originals(self):
        return self.filter(kind=Statement.Kind.STATEMENT)

    def of(self, *, partner, program, period: str):
        return self.filter(partner=partner, program=program, period=period)


class Statement(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement", pgettext_lazy("statement kind", "Statement")
        ADJUSTMENT = "adjustment", _("Adjustment")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="incentive_statements",
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    period = models.CharField(
        _("period"), max_length=7, help_text=_("2026-07, 2026-Q3 or 2026.")
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.STATEMENT
    )
    # 0 for the statement, 1, 2, ... for its adjustments in the order they were made.
    sequence = models.PositiveSmallIntegerField(_("number"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    tier = models.ForeignKey(
        "partners.Tier",
        verbose_name=_("tier on the last day"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    total = _money(_("total"))
    # [{"currency", "lines", "amount"}]: the period's sales in other currencies.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    ledger_watermark = models.BigIntegerField(
        _("ledger read up to import"),
        default=0,
        help_text=_("The last sales import the calculation read."),
    )
    computed_at = models.DateTimeField(_("computed at"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "partner__name", "program__code", "sequence"]
        verbose_name = _("incentive statement")
        verbose_name_plural = _("incentive statements")
        default_permissions = ("view", "change")
        permissions = [
            ("approve_statement", _("Can approve incentive statements")),
            ("issue_statement", _("Can issue incentive statements")),
            ("pay_statement", _("Can mark incentive statements paid")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "program", "period", "sequence"],
                name="incentives_statement_once_per_period",
            )
        ]
        indexes = [models.Index(fields=["program", "period", "status"])]

    def __str__(self):
        if self.kind == self.Kind.ADJUSTMENT:
            return _("%(program)s %(period)s, adjustment %(n)s: %(partner)s") % {
                "program": self.program.code,
                "period": self.period,
                "n": self.sequence,
                "partner": self.partner,
            }
        return _("%(program)s %(period)s: %(partner)s") % {
            "program": self.program.code,
            "period": self.period,
            "partner": self.partner,
        }

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class StatementLine(models.Model):
    class Basis(models.TextChoices):
        REVENUE = "revenue", _("Revenue")
        UNITS = "units", _("Units")
        CERTIFIED_USERS = "certified_users", _("Certified users")
        SUBTOTAL = "subtotal", _("Lines before the cap")
        AGREED = "agreed", _("Agreed correction")

    CAP = "cap"
    CORRECTION = "correction"

    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    number = models.PositiveSmallIntegerField(_("line"))
    rule_type = models.CharField(_("rule"), max_length=30)
    # Where the rule stands in the program, from 1; empty for the cap and corrections.
    rule_position = models.PositiveSmallIntegerField(null=True, blank=True)
    sku = models.CharField(_("SKU"), max_length=CODE_LENGTH, blank=True)
    # The SKUs the rule counted (empty: every SKU), to find its sales lines again.
    skus = models.JSONField(default=list, blank=True)
    basis_kind = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    basis = models.DecimalField(_("basis"), max_digits=18, decimal_places=2)
    rate = models.DecimalField(
        _("rate (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    unit_amount = models.DecimalField(
        _("amount per unit"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    amount = _money(_("amount"))
    source_count = models.PositiveIntegerField(_("sales lines counted"), default=0)
    # The ledger as of these watermarks holds the line's sales lines: those counted
    # at `ledger_now` less those counted at `ledger_before` (an adjustment's line:
    # what changed since what it corrects). Empty: no sales lines on that side.
    ledger_now = models.BigIntegerField(null=True, blank=True, editable=False)
    ledger_before = models.BigIntegerField(null=True, blank=True, editable=False)
    # How the amount came about, for lines that need more than basis x rate: the
    # bands a volume rule crossed, the certification and the users who hold it.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["statement", "number"]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "number"], name="incentives_line_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.statement} #{self.number}"

    @property
    def key(self) -> tuple:
        """What a line of a re-run is compared by, to find its difference."""
        return (self.rule_type, self.rule_position, self.sku)

    @property
    def counts_sales(self) -> bool:
        return self.basis_kind in (self.Basis.REVENUE, self.Basis.UNITS)


class StatementEvent(models.Model):
    """One step in a statement's life, never edited: the statement's history."""

    class Action(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        RECOMPUTED = "recomputed", _("Computed again")
        APPROVED = "approved", _("Approved")
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")

    statement = models.ForeignKey(
        Statement,
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("statement event")
        verbose_name_plural = _("statement events")
        default_permissions = ()

    def __str__(self):
        return f"{self.statement}: {self.get_action_display()}"


class Dispute(models.Model):
    """A partner's question about one line, answered in a thread both sides see."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    # Only lines of issued statements are disputed, and those are never deleted;
    # the database's own constraint refuses it all the same. DO_NOTHING lets a run
    # delete a draft's lines in one statement instead of reading them first.
    line = models.ForeignKey(
        StatementLine,
        verbose_name=_("line"),
        on_delete=models.DO_NOTHING,
        related_name="disputes",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    adjustment = models.ForeignKey(
        Statement,
        verbose_name=_("adjustment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("statement dispute")
        verbose_name_plural = _("statement disputes")
        default_permissions = ("view",)
        permissions = [("resolve_dispute", _("Can resolve statement disputes"))]

    def __str__(self):
        return _("Dispute about %(line)s") % {"line": self.line}


class DisputeMessage(models.Model):
    dispute = models.ForeignKey(
        Dispute,
        verbose_name=_("dispute"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("dispute message")
        verbose_name_plural = _("dispute messages")
        default_permissions = ()

    def __str__(self):
        return f"{self.dispute}: {self.body[:40]}"


class StatementRun(models.Model):
    """A statement run started from the admin and done by the task worker.

    The worker counts the partners done on a connection of its own (the run is one
    transaction), so the run's page shows a bar while it works and its report once
    it ends.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="runs",
    )
    period = models.CharField(_("period"), max_length=7)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("partners done"), default=0)
    total = models.PositiveIntegerField(_("partners"), default=0)
    # RunReport's counts and totals, once it ends; "error" if it failed.
    report = models.JSONField(_("report"), default=dict, blank=True)
    started_by = models.ForeignKey(
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
        ordering = ["-created_at", "-pk"]
        verbose_name = _("statement run")
        verbose_name_plural = _("statement runs")
        default_permissions = ()

    def __str__(self):
        return f"{self.program.code} {self.period}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
