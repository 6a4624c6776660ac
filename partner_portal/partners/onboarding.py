"""Onboarding: steps complete themselves from the events that satisfy them, and a
partner whose required steps are all done becomes active.

Other apps report their events (a course completed, a first deal registered) with
`onboarding_event(partner=..., kind=..., reference=...)`.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from .models import (
    Agreement,
    AgreementAcceptance,
    OnboardingCompletion,
    OnboardingStep,
    Partner,
    Stage,
    User,
)
from .services import partner_update

Kind = OnboardingStep.Kind


def _satisfied_now(partner: Partner, step: OnboardingStep, accepted: set[int]) -> bool:
    """Steps whose state can be read off the partner directly."""
    if step.kind == Kind.ACCEPT_AGREEMENT:
        return step.agreement_id in accepted
    if step.kind == Kind.COMPLETE_PROFILE:
        return partner.profile_complete
    return False


def onboarding_checklist(partner: Partner) -> list[dict]:
    """Every step with whether (and when) the partner completed it."""
    done = {c.step_id: c for c in partner.onboarding_completions.select_related("step")}
    return [
        {"step": step, "completion": done.get(step.pk), "done": step.pk in done}
        for step in OnboardingStep.objects.select_related("agreement")
    ]


@transaction.atomic
def onboarding_check(*, partner: Partner, by: User | None = None) -> bool:
    """Record steps the partner now satisfies; activate it when all required are done.

    Returns whether the partner became active.
    """
    accepted = set(partner.acceptances.values_list("agreement_id", flat=True))
    done = set(partner.onboarding_completions.values_list("step_id", flat=True))
    steps = list(OnboardingStep.objects.all())
    for step in steps:
        if step.pk not in done and _satisfied_now(partner, step, accepted):
            OnboardingCompletion.objects.create(
                partner=partner, step=step, completed_by=by
            )
            done.add(step.pk)
    required = {step.pk for step in steps if step.required}
    partner.refresh_from_db(fields=["stage"])
    if partner.stage != Stage.ONBOARDING or not required or required - done:
        return False
    partner_update(
        partner=partner,
        by=by,
        stage=Stage.ACTIVE,
        reason=_("Every required onboarding step is complete."),
    )
    return True


@transaction.atomic
def onboarding_event(
    *, partner: Partner, kind: str, reference: str = "", by: User | None = None
) -> bool:
    """Complete the steps of `kind` (and `reference`, when the step names one)."""
    steps = OnboardingStep.objects.filter(kind=kind).exclude(
        completions__partner=partner
    )
    for step in steps:
        if not step.reference or step.reference == reference:
            OnboardingCompletion.objects.create(
                partner=partner, step=step, completed_by=by
            )
    return onboarding_check(partner=partner, by=by)


@transaction.atomic
def onboarding_step_confirm(
    *, partner: Partner, step: OnboardingStep, by: User
) -> bool:
    """Staff confirm a step by hand."""
    OnboardingCompletion.objects.get_or_create(
        partner=partner, step=step, defaults={"completed_by": by}
    )
    return onboarding_check(partner=partner, by=by)


@transaction.atomic
def agreement_accept(
    *, partner: Partner, agreement: Agreement, by: User | None
) -> AgreementAcceptance:
    acceptance, created = AgreementAcceptance.objects.get_or_create(
        partner=partner, agreement=agreement, defaults={"accepted_by": by}
    )
    if created:
        log(
            instance=partner,
            action="cplms.partner.agreement_accepted",
            user=by,
            data={"agreement": str(agreement)},
        )
    onboarding_check(partner=partner, by=by)
    return acceptance
