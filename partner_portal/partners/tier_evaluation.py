"""Tier evaluation: which tier each partner qualifies for, and why.

Each tier's requirements (trailing revenue, certified users, accepted agreements) are
checked against measures other apps register (partners.measures). Promotions apply at
once; a partner short of its tier is flagged at risk and demoted only when the grace
period of TierProgramSettings has passed. Every evaluation is kept, with each
requirement's required and actual value, so the outcome can be explained.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .measures import CERTIFIED_USERS, TRAILING_REVENUE, measure_values
from .models import (
    AgreementAcceptance,
    Partner,
    Stage,
    Tier,
    TierEvaluation,
    TierProgramSettings,
)
from .services import partner_update

EVALUATED_STAGES = (Stage.ACTIVE, Stage.AT_RISK)


@dataclass(frozen=True)
class RequirementResult:
    tier: str
    requirement: str
    required: str
    actual: str
    met: bool
    # What is measured: "revenue", "certified_users" or "agreement" (from
    # `_requirements_of`), so a reader can word the gap without parsing the label.
    kind: str

    # `required` and `actual` stay plain ("750000.00") because evaluations keep
    # them as written; a page shows them as the reader's language writes numbers.
    @property
    def required_shown(self) -> str:
        return _figure_shown(self.kind, self.required)

    @property
    def actual_shown(self) -> str:
        return _figure_shown(self.kind, self.actual)


def _figure_shown(kind: str, value: str) -> str:
    """A requirement's figure grouped as the active language writes it (750,000.00);
    an agreement's "yes"/"no" words are returned as they are."""
    if kind == "agreement":
        return value
    return number_format(Decimal(value), force_grouping=True)


def _requirements_of(tier):
    """(kind, required value) for each requirement the tier sets."""
    if tier.min_trailing_revenue is not None:
        yield "revenue", tier.min_trailing_revenue
    if tier.min_certified_users:
        yield "certified_users", tier.min_certified_users
    for agreement in tier.required_agreements.all():
        yield "agreement", agreement


def requirements_report(
    partners: Iterable[Partner], as_of: datetime.date, *, tiers=None
) -> dict[int, list[RequirementResult]]:
    """For each partner, every requirement of every tier (or of `tiers` only, with
    their required agreements prefetched): required vs actual. Only the measures
    those tiers' requirements need are read."""
    partners = list(partners)
    ids = [partner.pk for partner in partners]
    if tiers is None:
        tiers = list(Tier.objects.prefetch_related("required_agreements"))
    program = TierProgramSettings.load()
    revenue = {}
    if any(tier.min_trailing_revenue is not None for tier in tiers):
        revenue = measure_values(
            TRAILING_REVENUE, ids, as_of, currency=program.revenue_currency
        )
    certified = {
        code: measure_values(CERTIFIED_USERS, ids, as_of, certification_code=code)
        for code in {t.required_certification for t in tiers if t.min_certified_users}
    }
    accepted = set(
        AgreementAcceptance.objects.filter(
            partner_id__in=ids, accepted_at__date__lte=as_of
        ).values_list("partner_id", "agreement_id")
    )
    report = {}
    for partner in partners:
        results = []
        for tier in tiers:
            for kind, required in _requirements_of(tier):
                if kind == "revenue":
                    actual = Decimal(revenue.get(partner.pk, 0))
                    results.append(
                        RequirementResult(
                            tier.code,
                            _("Trailing 12-month revenue (%(currency)s)")
                            % {"currency": program.revenue_currency},
                            f"{required:.2f}",
                            f"{actual:.2f}",
                            actual >= required,
                            kind,
                        )
                    )
                elif kind == "certified_users":
                    code = tier.required_certification
                    actual = int(certified[code].get(partner.pk, 0))
                    label = (
                        _("Users certified in %(code)s") % {"code": code}
                        if code
                        else _("Certified users")
                    )
                    results.append(
                        RequirementResult(
                            tier.code,
                            label,
                            str(required),
                            str(actual),
                            actual >= required,
                            kind,
                        )
                    )
                else:
                    met = (partner.pk, required.pk) in accepted
                    results.append(
                        RequirementResult(
                            tier.code,
                            _("Accepted agreement: %(title)s") % {"title": required},
                            _("accepted"),
                            _("accepted") if met else _("not accepted"),
                            met,
                            kind,
                        )
                    )
        report[partner.pk] = results
    return report


def qualified_tier(tiers: list[Tier], results: list[RequirementResult]) -> Tier:
    """The highest tier whose requirements are all met; the lowest tier otherwise."""
    unmet = {result.tier for result in results if not result.met}
    eligible = [tier for tier in tiers if tier.code not in unmet]
    return max(eligible, key=lambda t: t.rank) if eligible else tiers[0]


def _apply(partner, qualified, as_of, grace_days):
    """Move one partner as the program rules say; returns the outcome."""
    Outcome = TierEvaluation.Outcome
    current = partner.tier
    if qualified.rank > current.rank:
        changes = {"tier": qualified, "demotion_due_on": None}
        if partner.demotion_due_on and partner.stage == Stage.AT_RISK:
            changes["stage"] = Stage.ACTIVE
        partner_update(
            partner=partner,
            by=None,
            effective_on=as_of,
            reason=_("Tier evaluation: qualifies for %(tier)s.") % {"tier": qualified},
            **changes,
        )
        return Outcome.PROMOTED
    if qualified.rank < current.rank:
        due = partner.demotion_due_on
        if due is None:
            due = as_of + datetime.timedelta(days=grace_days)
            changes = {"demotion_due_on": due}
            if partner.stage == Stage.ACTIVE:
                changes["stage"] = Stage.AT_RISK
            partner_update(
                partner=partner,
                by=None,
                effective_on=as_of,
                reason=_(
                    "Tier evaluation: short of %(tier)s requirements; demotion due "
                    "on %(due)s unless they are met."
                )
                % {"tier": current, "due": due.isoformat()},
                **changes,
            )
            partner.refresh_from_db()
        if as_of < due:
            return Outcome.GRACE
        changes = {"tier": qualified, "demotion_due_on": None}
        if partner.stage == Stage.AT_RISK:
            changes["stage"] = Stage.ACTIVE
        partner_update(
            partner=partner,
            by=None,
            effective_on=as_of,
            reason=_("Tier evaluation: grace period over, moved to %(tier)s.")
            % {"tier": qualified},
            **changes,
        )
        return Outcome.DEMOTED
    if partner.demotion_due_on is not None:
        changes = {"demotion_due_on": None}
        if partner.stage == Stage.AT_RISK:
            changes["stage"] = Stage.ACTIVE
        partner_update(
            partner=partner,
            by=None,
            effective_on=as_of,
            reason=_("Tier evaluation: %(tier)s requirements met again.")
            % {"tier": current},
            **changes,
        )
        return Outcome.RECOVERED
    return Outcome.KEPT


def tier_evaluate_all(
    *,
    as_of: datetime.date,
    dry_run: bool = False,
    progress: Callable[[Iterable], Iterable] = iter,
) -> list[TierEvaluation]:
    """Evaluate every active and at-risk partner on `as_of`.

    With `dry_run`, the same work is done and reported, then rolled back.
    """
    tiers = list(Tier.objects.order_by("rank"))
    grace_days = TierProgramSettings.load().demotion_grace_days
    partners = list(
        Partner.objects.filter(stage__in=EVALUATED_STAGES)
        .select_related("tier")
        .order_by("pk")
    )
    report = requirements_report(partners, as_of)
    evaluations = []
    with transaction.atomic():
        for partner in progress(partners):
            results = report[partner.pk]
            qualified = qualified_tier(tiers, results)
            tier_before = partner.tier
            outcome = _apply(partner, qualified, as_of, grace_days)
            evaluations.append(
                TierEvaluation.objects.create(
                    partner=partner,
                    as_of=as_of,
                    tier_before=tier_before,
                    qualified_tier=qualified,
                    outcome=outcome,
                    details=[asdict(result) for result in results],
                )
            )
        if dry_run:
            transaction.set_rollback(True)
    return evaluations
