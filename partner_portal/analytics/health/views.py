"""The health score in the admin: Analytics → Partners at risk, and a partner's
health page. Both are scoped by the partner-owned policy of HealthScore: an
account manager sees, computes and moves their own partners only."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.charts import Chart, Series
from partner_portal.partners.models import Partner, Stage
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.permissions import partner_permission_policy
from partner_portal.partners.services import partner_update

from ..models import HealthScore
from ..router import analytics_reads
from . import selectors, wording
from .services import health_scores_compute, threshold


def may_see_health(user) -> bool:
    policy = partner_owned.policy_for(HealthScore)
    return user.is_staff and user.has_perm(policy.permission("view"))


def partners_in_reach(user):
    return partner_owned.policy_for(HealthScore).partners_for(user)


def may_move(user, partner: Partner) -> bool:
    """Staff who may change the partner may move an active one to "at risk"."""
    return partner.stage == Stage.ACTIVE and (
        partner_permission_policy.user_has_permission_for_instance(
            user, "change", partner
        )
    )


class MoveForm(forms.Form):
    partner = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        error_messages={"required": gettext_lazy("Say why the partner is at risk.")},
    )


def scored_rows(score: HealthScore) -> list[dict]:
    """A score's factors as the pages list them, each with its sentence."""
    return [
        {
            "row": row,
            "name": row.factor.display_name,
            "sentence": wording.sentence(row),
            "points": wording.points(row.points),
            "max_points": wording.points(row.max_points),
        }
        for row in score.factors.all()
    ]


class HealthMixin(WagtailAdminTemplateMixin):
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_health(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def compute(self, partners) -> None:
        computed = health_scores_compute(partners=partners)
        messages.success(
            self.request,
            ngettext(
                "Health score computed for %(count)s partner.",
                "Health scores computed for %(count)s partners.",
                computed,
            )
            % {"count": computed},
        )


class AtRiskView(HealthMixin, TemplateView):
    """The partners whose latest score is below the threshold, with the factors
    that cost them most; staff may move an active one to "at risk"."""

    template_name = "analytics/health/at_risk.html"
    page_title = gettext_lazy("Partners at risk")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, move_form=None, **kwargs):
        user = self.request.user
        with analytics_reads():
            listed = selectors.at_risk(user)
        rows = [
            {
                "score": item.score,
                "partner": item.score.partner,
                "reasons": [wording.sentence(row) for row in item.reasons],
                "may_move": may_move(user, item.score.partner),
                "form": move_form
                if move_form is not None
                and move_form.data.get("partner") == str(item.score.partner_id)
                else MoveForm(initial={"partner": item.score.partner_id}),
            }
            for item in listed
        ]
        return super().get_context_data(
            rows=rows, threshold=wording.number(threshold()), **kwargs
        )

    def post(self, request):
        if "compute" in request.POST:
            self.compute(partners_in_reach(request.user))
            return redirect("analytics_health")
        form = MoveForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(move_form=form))
        partner = (
            partners_in_reach(request.user)
            .filter(pk=form.cleaned_data["partner"])
            .first()
        )
        if partner is None:
            raise Http404
        if not may_move(request.user, partner):
            raise PermissionDenied
        try:
            partner_update(
                partner=partner,
                by=request.user,
                reason=form.cleaned_data["reason"],
                stage=Stage.AT_RISK,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(partner)s is now at risk.") % {"partner": partner.name},
            )
        return redirect("analytics_health")


class PartnerHealthView(HealthMixin, TemplateView):
    """A partner's latest score factor by factor, and its score over time."""

    template_name = "analytics/health/partner.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.partner = None

    def get_partner(self) -> Partner:
        if self.partner is None:
            self.partner = get_object_or_404(
                partners_in_reach(self.request.user), pk=self.kwargs["pk"]
            )
        return self.partner

    def get_page_title(self):
        return _("Health of %(partner)s") % {"partner": self.get_partner().name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("analytics_health"), "label": _("Partners at risk")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        partner = self.get_partner()
        with analytics_reads():
            scores = selectors.history(self.request.user, partner)
        latest = scores[-1] if scores else None
        chart = None
        if scores:
            chart = Chart(
                id="health-history",
                title=_("Health score over time"),
                kind="line",
                categories=[
                    date_format(score.day, "SHORT_DATE_FORMAT") for score in scores
                ],
                series=[Series(_("Score"), [score.score for score in scores])],
                caption=_("Out of 100; partners below %(threshold)s are at risk.")
                % {"threshold": wording.number(threshold())},
                category_label=_("Day"),
            )
        return super().get_context_data(
            partner=partner,
            latest=latest,
            factors=scored_rows(latest) if latest else [],
            chart=chart,
            at_risk=latest is not None and latest.score < threshold(),
            **kwargs,
        )

    def post(self, request, pk):
        partner = self.get_partner()
        self.compute(Partner.objects.filter(pk=partner.pk))
        return redirect("analytics_partner_health", pk=partner.pk)
