"""Deal registrations: a partner protects a customer opportunity it found.

A registration is a draft until the partner submits it; submission normalises the
customer (`deals.customers`) and flags a conflict with any other pending or approved
registration for the same customer and an overlapping product (`DealConflict`, with
the rule that matched). Staff decide within the decision SLA; approval starts the
protection window. Every change of status is a `DealEvent`: who, when and why — the
reason is shown to the registrant, the note only to staff.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.settings.models import BaseGenericSetting

from partner_portal.incentives.currencies import validate_currency
from partner_portal.incentives.models.ledger import AMOUNT_DIGITS, AMOUNT_PLACES
from partner_portal.partners.models import (
    RegionField,
    TranslatedName,
    country_code_validator,
)


def money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, **kwargs
    )


class DealSettings(BaseGenericSetting):
    """What program managers set for deal registration and market development funds."""

    protection_days = models.PositiveSmallIntegerField(
        _("protection window (days)"),
        default=90,
        help_text=_("How long an approved registration protects the deal."),
    )
    decision_business_days = models.PositiveSmallIntegerField(
        _("decision due within (business days)"),
        default=2,
        help_text=_("Weekends and the holidays in Settings → Holidays do not count."),
    )
    first_reminder_days = models.PositiveSmallIntegerField(
        _("first expiry reminder (days before)"), default=14
    )
    last_reminder_days = models.PositiveSmallIntegerField(
        _("last expiry reminder (days before)"), default=3
    )
    mdf_grace_days = models.PositiveSmallIntegerField(
        _("MDF claim grace (days after the period)"),
        default=30,
        help_text=_("Approved funds not claimed by then expire."),
    )

    class Meta:
        verbose_name = _("deal and MDF settings")


class LegalSuffix(models.Model):
    """A legal form dropped from customer names before they are compared:
    "Inc.", "GmbH", "有限公司". Compared without case, width or dots."""

    suffix = models.CharField(_("suffix"), max_length=40, unique=True)

    class Meta:
        ordering = ["suffix"]
        verbose_name = _("legal suffix")
        verbose_name_plural = _("legal suffixes")

    def __str__(self):
        return self.suffix


class LostReason(TranslatedName):
    name = models.CharField(_("name"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("reason a deal was lost")
        verbose_name_plural = _("reasons deals are lost")


class DealQuerySet(models.QuerySet):
    def pending_or_approved(self):
        return self.filter(status__in=(Deal.Status.SUBMITTED, Deal.Status.APPROVED))


class Deal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        EXPIRED = "expired", _("Expired")

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_domain = models.CharField(
        _("customer domain"),
        max_length=253,
        blank=True,
        help_text=_("The customer's web domain, such as example.com."),
    )
    # The comparable forms of the customer (deals.customers), for the conflict check.
    customer_key = models.CharField(max_length=200, editable=False, db_index=True)
    domain_key = models.CharField(
        max_length=253, editable=False, blank=True, db_index=True
    )
    country = models.CharField(
        _("country"), max_length=2, validators=[country_code_validator]
    )
    region = RegionField()
    products = models.ManyToManyField(
        "partners.Product", verbose_name=_("products"), related_name="deals"
    )
    estimated_value = money(_("estimated value"))
    currency = models.CharField(
        _("currency"), max_length=3, validators=[validate_currency]
    )
    expected_close_date = models.DateField(_("expected close date"))
    notes = models.TextField(_("notes"), blank=True)
    contact_name = models.CharField(_("customer contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    conflict = models.BooleanField(
        _("conflict"),
        default=False,
        help_text=_("Another registration for this customer was pending or approved."),
    )
    co_sell = models.BooleanField(_("co-sell"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decision_due = models.DateTimeField(_("decision due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    protected_until = models.DateField(_("protected until"), null=True, blank=True)
    # The last expiry reminder sent for the current window (days before its end).
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True)
    final_value = money(_("final value"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("reason lost"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
    )

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        permissions = [("decide_deal", _("Can decide deal registrations"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_value__gte=0), name="deal_value_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="won") | Q(final_value__isnull=False),
                name="deal_won_has_final_value",
            ),
            models.CheckConstraint(
                condition=~Q(status="lost") | Q(lost_reason__isnull=False),
                name="deal_lost_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(protected_until__isnull=False),
                name="deal_approved_is_protected",
            ),
        ]

    def __str__(self):
        return self.customer_name


class DealEvent(models.Model):
    """One step in a registration's life, shown to both sides (the note to staff)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Saved as a draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        CO_SELL = "co_sell", _("Approved as co-sell")
        REJECTED = "rejected", _("Rejected")
        EXTENDED = "extended", _("Protection extended")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        EXPIRED = "expired", _("Expired")

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    status = models.CharField(
        _("status afterwards"), max_length=10, choices=Deal.Status.choices
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(
        _("internal note"),
        blank=True,
        help_text=_("Staff only; never shown to partners."),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")

    def __str__(self):
        return f"{self.deal} · {self.get_action_display()}"


class DealConflict(models.Model):
    """A registration that matched another pending or approved one when submitted."""

    class Rule(models.TextChoices):
        DOMAIN = "domain", _("Same customer domain")
        NAME = "name", _("Same customer name")

    deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("deal")
    )
    other = models.ForeignKey(
        Deal,
        on_delete=models.CASCADE,
        related_name="conflicted_by",
        verbose_name=_("other registration"),
    )
    rule = models.CharField(_("matching rule"), max_length=10, choices=Rule.choices)
    found_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        ordering = ["found_at", "pk"]
        verbose_name = _("deal conflict")
        verbose_name_plural = _("deal conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "other"], name="deal_conflict_once"
            ),
            models.CheckConstraint(
                condition=~Q(deal=models.F("other")), name="deal_conflict_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.deal} · {self.other}"
