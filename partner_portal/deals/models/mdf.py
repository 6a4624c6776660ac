"""Market development funds: the vendor's marketing money, from allocation to payout.

Program managers allocate funds to a partner for a period (a quarter or a year) in
one currency. The partner requests funds for an activity; staff approve an amount no
larger than what remains of the allocation at that moment (the allocation row is
locked while they check, so two approvals at once cannot overspend). After the
activity the partner claims against the approved request with proof of performance
(documents for its partner only); the approved claim is never above the approved
request, which the database enforces too. Approved funds not claimed by the period's
end plus the grace expire, each expiry a `FundExpiry`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from partner_portal.incentives.currencies import validate_currency

from .deals import money


class FundAllocation(models.Model):
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="fund_allocations",
    )
    period = models.CharField(
        _("period"), max_length=7, help_text=_("A quarter or a year: 2026-Q3 or 2026.")
    )
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency]
    )
    amount = money(_("allocated"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-period_start", "partner__name"]
        verbose_name = _("MDF allocation")
        verbose_name_plural = _("MDF allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period", "currency"], name="mdf_allocation_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="mdf_allocation_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="mdf_allocation_period_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.partner} · {self.period} · {self.currency} {self.amount}"


class ActivityType(models.TextChoices):
    EVENT = "event", _("Event")
    DIGITAL = "digital", _("Digital campaign")
    TRAINING = "training", _("Training")
    CO_BRANDED = "co_branded", _("Co-branded content")
    OTHER = "other", _("Other")


class FundRequest(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    allocation = models.ForeignKey(
        FundAllocation,
        verbose_name=_("allocation"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    # The allocation's partner, kept on the row so the ownership policy scopes it.
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="fund_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    activity_type = models.CharField(
        _("activity type"), max_length=12, choices=ActivityType.choices
    )
    title = models.CharField(_("activity"), max_length=200)
    description = models.TextField(_("description"))
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    planned_cost = money(_("planned cost"))
    expected_leads = models.PositiveIntegerField(
        _("expected leads"), null=True, blank=True
    )
    expected_attendees = models.PositiveIntegerField(
        _("expected attendees"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    approved_amount = money(_("approved amount"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("MDF request")
        verbose_name_plural = _("MDF requests")
        permissions = [("decide_fundrequest", _("Can approve or reject MDF requests"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_cost__gt=0), name="mdf_request_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="mdf_request_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__gt=0, approved_amount__lte=F("planned_cost")),
                name="mdf_request_approved_within_plan",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "expired"])
                | Q(approved_amount__isnull=False),
                name="mdf_request_approved_has_amount",
            ),
            # A claim names the approved amount it is held to (see FundClaim).
            models.UniqueConstraint(
                fields=["id", "approved_amount"], name="mdf_request_id_amount"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def currency(self):
        return self.allocation.currency


class FundClaim(models.Model):
    """A claim for the cost of an approved activity, with its proof of performance.

    `request_amount` is the request's approved amount; a composite foreign key on
    (request, request_amount) makes the database hold it equal to the request's, and
    a check holds the approved claim under it.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    request = models.ForeignKey(
        FundRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="claims",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="fund_claims",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    request_amount = money(_("approved for the activity"))
    actual_cost = money(_("actual cost"))
    leads = models.PositiveIntegerField(_("leads"), null=True, blank=True)
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)
    results = models.TextField(_("results"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    approved_amount = money(_("approved amount"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment_reference = models.CharField(
        _("payment reference"), max_length=100, blank=True
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("MDF claim")
        verbose_name_plural = _("MDF claims")
        permissions = [
            ("decide_fundclaim", _("Can approve or reject MDF claims")),
            ("pay_fundclaim", _("Can mark MDF claims paid")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_cost__gt=0), name="mdf_claim_cost_positive"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__gt=0, approved_amount__lte=F("request_amount")),
                name="mdf_claim_within_approved_request",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"])
                | Q(approved_amount__isnull=False),
                name="mdf_claim_approved_has_amount",
            ),
            # One live claim per request: a rejected claim may be followed by another.
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(status="rejected"),
                name="mdf_claim_one_live_per_request",
            ),
        ]

    def __str__(self):
        return f"{self.request} · {self.actual_cost}"


class ClaimProof(models.Model):
    """A proof-of-performance file of a claim: a document for its partner only."""

    claim = models.ForeignKey(
        FundClaim,
        verbose_name=_("claim"),
        on_delete=models.CASCADE,
        related_name="proofs",
    )
    document = models.ForeignKey(
        "resources.PortalDocument",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("proof of performance")
        verbose_name_plural = _("proofs of performance")

    def __str__(self):
        return str(self.document)


class FundExpiry(models.Model):
    """Approved funds of a request that were not claimed in time."""

    request = models.OneToOneField(
        FundRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="expiry",
    )
    amount = money(_("expired amount"))
    expired_at = models.DateTimeField(_("expired"), auto_now_add=True)

    class Meta:
        ordering = ["-expired_at"]
        verbose_name = _("MDF expiry")
        verbose_name_plural = _("MDF expiries")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="mdf_expiry_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.request} · {self.amount}"
