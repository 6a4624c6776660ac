"""The data of a partner's 360 view in the admin, each part read through the
partner-owned policy of its model, so a user sees only the rows they may see."""

from dataclasses import dataclass

from wagtail.models import ModelLogEntry

from .models import (
    OnboardingCompletion,
    OnboardingStep,
    Partner,
    PartnerMembership,
    StageChange,
    TierChange,
    TierEvaluation,
)
from .ownership import partner_owned
from .profile_facts import FactValue, profile_facts
from .profile_sections import (
    ACTIVITY,
    RECENT,
    SECTION,
    ShownSection,
    may_view,
    profile_sections,
)

# The 360's own parts and the model whose view permission each needs: a user
# without it gets no such part, rather than one that says there is nothing.
PARTS = {
    "users": PartnerMembership,
    "evaluation": TierEvaluation,
    "tier_history": TierChange,
    "stage": StageChange,
    "onboarding": OnboardingCompletion,
}


@dataclass(frozen=True)
class ChecklistRow:
    step: OnboardingStep
    completion: OnboardingCompletion | None


@dataclass(frozen=True)
class PartnerProfile:
    partner: Partner
    facts: list[tuple[str, FactValue]]
    memberships: list[PartnerMembership]
    stage_changes: list[StageChange]
    tier_changes: list[TierChange]
    evaluation: TierEvaluation | None
    checklist: list[ChecklistRow]
    logins: list[PartnerMembership]
    log_entries: list[ModelLogEntry]
    # What other apps register (profile_sections): sales, certifications, and
    # downloads, courses and imports under recent activity.
    sections: list[ShownSection]
    activity: list[ShownSection]
    # The names of PARTS the user may see.
    sees: frozenset[str]


def _visible(user, model, partner):
    return partner_owned.policy_for(model).rows_of(user, partner)


def partner_profile(*, user, partner: Partner) -> PartnerProfile:
    """Everything the 360 view shows of `partner` to `user`, in a fixed number of
    queries however many users, changes and steps the partner has."""
    memberships = list(
        _visible(user, PartnerMembership, partner)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
    completions = {
        c.step_id: c
        for c in _visible(user, OnboardingCompletion, partner).select_related(
            "completed_by"
        )
    }
    checklist = [
        ChecklistRow(step=step, completion=completions.get(step.pk))
        for step in OnboardingStep.objects.order_by("sort_order", "pk")
    ]
    logins = sorted(
        (m for m in memberships if m.user.last_login),
        key=lambda m: m.user.last_login,
        reverse=True,
    )[:RECENT]
    return PartnerProfile(
        partner=partner,
        facts=profile_facts(user, partner),
        memberships=memberships,
        stage_changes=list(
            _visible(user, StageChange, partner)
            .select_related("changed_by")
            .order_by("-changed_at")[:RECENT]
        ),
        tier_changes=list(
            _visible(user, TierChange, partner)
            .select_related("tier", "changed_by")
            .order_by("-effective_from", "-recorded_at")[:RECENT]
        ),
        evaluation=_visible(user, TierEvaluation, partner)
        .select_related("tier_before", "qualified_tier")
        .first(),
        checklist=checklist,
        logins=logins,
        log_entries=list(
            ModelLogEntry.objects.for_instance(partner)
            .select_related("user")
            .order_by("-timestamp")[:RECENT]
        ),
        sections=profile_sections(user, partner, SECTION),
        activity=profile_sections(user, partner, ACTIVITY),
        sees=frozenset(name for name, model in PARTS.items() if may_view(user, model)),
    )
