"""Support tickets: a partner's question, its thread, its clock.

A ticket belongs to its partner (scoped by `partners.ownership`: a partner admin sees
the partner's tickets, other roles their own). Its thread holds public replies and
internal notes, which partners never see. Its SLA targets come from `SlaTarget` for
its priority and the partner's tier, counted in the working calendar's business
hours; the clock stops while the ticket waits on the partner (`paused`).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from partner_portal.partners.models import TranslatedName


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Category(TranslatedName):
    """What a ticket is about; tickets of a category go to its group."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    group = models.ForeignKey(
        Group,
        verbose_name=_("assigned to group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("New tickets of this category are assigned to this group."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("ticket category")
        verbose_name_plural = _("ticket categories")


class SlaTarget(models.Model):
    """Business hours to the first response and to resolution, per priority and tier."""

    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    tier = models.ForeignKey(
        "partners.Tier",
        verbose_name=_("tier"),
        on_delete=models.CASCADE,
        related_name="sla_targets",
    )
    first_response_hours = models.DecimalField(
        _("first response within (business hours)"), max_digits=5, decimal_places=1
    )
    resolution_hours = models.DecimalField(
        _("resolved within (business hours)"), max_digits=6, decimal_places=1
    )

    class Meta:
        ordering = ["tier__rank", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "tier"], name="sla_target_once"
            ),
            models.CheckConstraint(
                condition=Q(first_response_hours__gt=0)
                & Q(resolution_hours__gte=models.F("first_response_hours")),
                name="sla_target_hours_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.tier} · {self.get_priority_display()}"


def _breached(now) -> Q:
    return (
        Q(first_response_at__isnull=True, first_response_due__lt=now)
        | Q(first_response_at__gt=F("first_response_due"))
        | Q(resolved_at__gt=F("resolution_due"))
        | Q(
            resolved_at__isnull=True,
            waiting_since__isnull=True,
            resolution_due__lt=now,
        )
        | Q(resolved_at__isnull=True, resolution_due__lt=F("waiting_since"))
    )


# Breached first, then about to breach, then by the next target, then the newest.
SLA_ORDER = (
    F("sla_rank").desc(),
    F("next_due").asc(nulls_last=True),
    F("created_at").desc(),
    "-pk",
)


class TicketQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(
            status__in=(Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING)
        )

    def breached(self, now):
        """Tickets that missed a target: answered or resolved late, or still not
        answered or resolved past it (the resolution clock stops while waiting)."""
        return self.filter(_breached(now))

    def with_sla(self, now, within):
        """The tickets with `sla_rank`: 2 breached, 1 about to breach (a target
        within `within` of `now`), 0 otherwise — the rule of `breached` and
        `due_soon` — and `next_due`, the next target of an unresolved ticket, for
        the queue's order (`SLA_ORDER`)."""
        soon = now + within
        unresolved = ~Q(status__in=(Ticket.Status.RESOLVED, Ticket.Status.CLOSED))
        return self.annotate(
            sla_rank=models.Case(
                models.When(_breached(now), then=2),
                models.When(
                    unresolved
                    & (
                        Q(first_response_at__isnull=True, first_response_due__lte=soon)
                        | Q(waiting_since__isnull=True, resolution_due__lte=soon)
                    ),
                    then=1,
                ),
                default=0,
                output_field=models.SmallIntegerField(),
            ),
            next_due=models.Case(
                models.When(~unresolved, then=None),
                models.When(
                    first_response_at__isnull=True, then=F("first_response_due")
                ),
                default=F("resolution_due"),
            ),
        )

    def due_soon(self, now, within):
        """Unresolved tickets not yet breached whose next target falls within
        `within` (a timedelta) of `now`."""
        soon = now + within
        return (
            self.unresolved()
            .exclude(pk__in=self.breached(now).values("pk"))
            .filter(
                Q(first_response_at__isnull=True, first_response_due__lte=soon)
                | Q(waiting_since__isnull=True, resolution_due__lte=soon)
            )
        )


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on partner")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    product = models.ForeignKey(
        "partners.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True, db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"))
    # Moves later by the working time the ticket waited on the partner.
    resolution_due = models.DateTimeField(_("resolution due"))
    # The business hours of the resolution target, fixed when the ticket opened.
    resolution_hours = models.DecimalField(max_digits=6, decimal_places=1)
    # Working time the clock stood still so far, and since when it stands.
    paused = models.DurationField(default=dt.timedelta)
    waiting_since = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [("answer_ticket", _("Can answer and assign tickets"))]

    def __str__(self):
        return f"#{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return f"{self.pk:06d}"


class TicketMessage(models.Model):
    """A reply in a ticket's thread; an internal note is for staff only."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("message"))
    internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Staff only; partners never see it."),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")

    def __str__(self):
        return f"#{self.ticket.number} · {self.created_at:%Y-%m-%d %H:%M}"


class TicketAttachment(models.Model):
    """A file of the ticket (`message` None) or of a reply: a document for its
    partner only (`AccessLevel.OWNER`), or staff only on an internal note."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    message = models.ForeignKey(
        TicketMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    document = models.ForeignKey(
        "resources.PortalDocument",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.document.title


class TicketEvent(models.Model):
    """A change of a ticket's status or assignment: who and when."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    status = models.CharField(_("status"), max_length=10, choices=Ticket.Status.choices)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self):
        return f"#{self.ticket.number} · {self.get_status_display()}"


class Deflection(models.Model):
    """A partner opened a suggested answer while writing a ticket."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="deflections",
    )
    query = models.CharField(_("subject typed"), max_length=200)
    url = models.CharField(_("answer opened"), max_length=500)
    title = models.CharField(_("title"), max_length=255)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")

    def __str__(self):
        return self.title


class Rating(models.Model):
    """The partner's rating of a resolved ticket."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="rating",
    )
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket rating")
        verbose_name_plural = _("ticket ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_one_to_five"
            )
        ]

    def __str__(self):
        return f"#{self.ticket.number} · {self.score}/5"
