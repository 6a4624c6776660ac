"""Reads about partners and their users."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.home_cards import Todo
from partner_portal.medians import DaysBetween, Median

from .models import (
    Application,
    OnboardingStep,
    Partner,
    PartnerMembership,
    Role,
    Stage,
    StageChange,
    Tier,
    TierChange,
)


def membership_for(user):
    """The user's partner membership with partner and tier, or None.

    Read once per user object, which Django loads afresh for each request: the
    cards of a page, its menus and the access rule share one query.
    """
    if user is None or not user.is_authenticated:
        return None
    # Django's cache of `user.membership`, which templates read too.
    cached = PartnerMembership.user.field.remote_field
    if not cached.is_cached(user):
        cached.set_cached_value(
            user,
            PartnerMembership.objects.select_related(
                "partner__tier", "partner__account_manager"
            )
            .filter(user=user)
            .first(),
        )
    return cached.get_cached_value(user)


def tier_choices() -> list[tuple[str, str]]:
    """(code, name) of every tier, lowest first, for forms that name tiers by code."""
    return list(Tier.objects.order_by("rank").values_list("code", "name"))


def tiers_on(partner_ids, day) -> dict[int, Tier]:
    """{partner_id: the tier in effect on `day`}, from the tier history, one query.

    A partner holds a tier from a change's `effective_from` to the next change; one
    whose changes all come after `day` had not joined yet and is left out, and one
    with no history at all (made before histories were kept) holds its tier.
    """
    history = TierChange.objects.filter(partner=OuterRef("pk"))
    rows = (
        Partner.objects.filter(pk__in=partner_ids)
        .annotate(
            held=Subquery(
                history.filter(effective_from__lte=day)
                .order_by("-effective_from", "-id")
                .values("tier_id")[:1]
            ),
            has_history=Exists(history),
        )
        .values_list("pk", "held", "has_history", "tier_id")
    )
    tiers = {tier.pk: tier for tier in Tier.objects.all()}
    return {
        pk: tiers[held if has_history else current]
        for pk, held, has_history, current in rows
        if held is not None or not has_history
    }


def tier_progress(partner, as_of):
    """The partner's current tier, the next one up, and the gap to it."""
    from .tier_evaluation import requirements_report

    next_tier = (
        Tier.objects.filter(rank__gt=partner.tier.rank)
        .prefetch_related("required_agreements")
        .order_by("rank")
        .first()
    )
    if next_tier is None:
        return {"tier": partner.tier, "next_tier": None, "gap": []}
    gap = requirements_report([partner], as_of, tiers=[next_tier])[partner.pk]
    return {"tier": partner.tier, "next_tier": next_tier, "gap": gap}


def tier_progress_card(request):
    """Context of the partner home's tier card; hidden without partner access."""
    # The access rule reads memberships through this module, so it is imported here.
    from .access import partner_with_access

    partner = partner_with_access(request.user)
    if partner is None:
        return None
    return tier_progress(partner, timezone.localdate())


def onboarding_card(request):
    """The checklist, shown while the partner is onboarding."""
    from .onboarding import onboarding_checklist

    membership = membership_for(request.user)
    if membership is None or membership.partner.stage != Stage.ONBOARDING:
        return None
    checklist = onboarding_checklist(membership.partner)
    if not checklist:
        return None
    remaining = sum(1 for i in checklist if i["step"].required and not i["done"])
    return {"checklist": checklist, "remaining": remaining}


def onboarding_todos(request) -> list[Todo]:
    """The partner home's to-dos while the partner is onboarding: the steps not
    done yet that the partner's admin does on a page of the portal (accept an
    agreement, complete the profile, register a first deal). Only the admin may
    do them, so only the admin is asked; course steps are the learning app's
    to-dos, and staff confirm the manual ones."""
    context = onboarding_card(request)
    if context is None or membership_for(request.user).role != Role.ADMIN:
        return []
    Kind = OnboardingStep.Kind
    todos = []
    for item in context["checklist"]:
        step = item["step"]
        if item["done"]:
            continue
        if step.kind == Kind.ACCEPT_AGREEMENT:
            url = reverse("onboarding-agreement", args=[step.pk])
        elif step.kind == Kind.COMPLETE_PROFILE:
            url = reverse("company-profile")
        elif step.kind == Kind.REGISTER_DEAL:
            url = reverse("deal-new")
        else:
            continue
        todos.append(
            Todo(
                _("Finish onboarding: %(step)s.") % {"step": step.localised_title},
                url,
                "" if step.required else _("optional"),
            )
        )
    return todos


def users_by_partner(partners, signed_in_since) -> dict[int, dict[str, int]]:
    """{partner id: {"users", "signed_in"}} of `partners` (a queryset): the
    partner's active users, and how many of them last signed in at or after
    `signed_in_since` (a moment); one aggregate. Partners without users are left
    out."""
    rows = (
        PartnerMembership.objects.filter(partner__in=partners, user__is_active=True)
        .order_by()
        .values("partner_id")
        .annotate(
            users=Count("pk"),
            signed_in=Count("pk", filter=Q(user__last_login__gte=signed_in_since)),
        )
    )
    return {
        row["partner_id"]: {"users": row["users"], "signed_in": row["signed_in"]}
        for row in rows
    }


# The recruitment funnel ----------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    """How many of the applications reached a step, and the median days they took
    from the step before (None for the first step, or when none reached it)."""

    key: str
    count: int
    median_days: float | None


def applications_submitted(first, last) -> QuerySet[Application]:
    """The applications submitted from `first` to `last` (local days, both
    included): the funnel's cohort, followed to today."""
    return Application.objects.filter(submitted_at__date__range=(first, last))


def approved_at():
    """When an application was approved (None unless it was)."""
    return Case(
        When(status=Application.Status.APPROVED, then=F("reviewed_at")),
        output_field=DateTimeField(),
    )


def first_entered(stage: str, partner) -> Subquery:
    """When the partner (an outer reference) first entered `stage`, from its stage
    history; None if it never did."""
    return Subquery(
        StageChange.objects.filter(partner=partner, to_stage=stage)
        .order_by("changed_at", "pk")
        .values("changed_at")[:1],
        output_field=DateTimeField(),
    )


def application_funnel(
    applications: QuerySet[Application], milestones: Sequence[tuple[str, Expression]]
) -> list[FunnelStep]:
    """The funnel of `applications` through `milestones` ((key, moment) in order,
    each moment an expression over an application: `approved_at()`, a subquery of
    another app's records), after the first step, "submitted"; one aggregate.

    An application reaches a step when that step's moment and every earlier one
    exist, at the latest of them: a partner that registered a deal while still
    onboarding reaches "first deal" the moment it becomes active. So each step
    holds a part of the one before, and its days from it are never negative.
    """
    moments = {"submitted": F("submitted_at"), **dict(milestones)}
    keys = list(moments)
    # Each moment is computed once per application, in an inner query that the
    # aggregate reads as columns (`distinct()` has Django select from it).
    rows = (
        applications.order_by()
        .values("pk")
        .annotate(**{f"moment_{key}": moment for key, moment in moments.items()})
        .distinct()
    )

    def reached(index: int) -> Q:
        return Q(
            *(Q(**{f"moment_{key}__isnull": False}) for key in keys[1 : index + 1])
        )

    def reached_at(index: int):
        if index == 0:
            return F("moment_submitted")
        return Case(
            When(
                reached(index),
                then=Greatest(*(F(f"moment_{key}") for key in keys[: index + 1])),
            ),
            output_field=DateTimeField(),
        )

    aggregates = {}
    for index, key in enumerate(keys):
        aggregates[f"count_{key}"] = Count(
            "pk", filter=reached(index) if index else None
        )
        if index:
            aggregates[f"days_{key}"] = Median(
                DaysBetween(reached_at(index), reached_at(index - 1))
            )
    totals = rows.aggregate(**aggregates)
    return [
        FunnelStep(key, totals[f"count_{key}"], totals.get(f"days_{key}"))
        for key in keys
    ]
