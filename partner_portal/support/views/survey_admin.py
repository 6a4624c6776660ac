"""The admin's survey pages beside the generic ones (registered in viewsets.py):
sending a survey, after a confirmation that says whom it reaches, and its results.

Sending needs `support.send_survey`. The results need `support.view_survey` and
count only the invitations the user may see through the partner-owned policy of
`SurveyInvitation`: a channel account manager's results are their own partners'
answers, whatever the address asks for.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.charts import Chart, Series
from partner_portal.partners.models import Region
from partner_portal.partners.ownership import partner_owned
from partner_portal.tabular.export import csv_response, xlsx_response

from ..models import Survey, SurveyInvitation
from ..selectors import DETRACTORS, PASSIVES, PROMOTERS, Nps, nps, nps_by
from ..services.surveys import survey_audience, survey_send

SEND_PERMISSION = "support.send_survey"
VIEW_PERMISSION = "support.view_survey"
# The answers the results page lists; the export holds them all.
ANSWERS_SHOWN = 100


class _SurveyMixin(WagtailAdminTemplateMixin):
    permission = VIEW_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def survey(self) -> Survey:
        return get_object_or_404(Survey, pk=self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("support_survey:index"), "label": _("Surveys")},
            {
                "url": reverse("support_survey:edit", args=[self.survey.pk]),
                "label": self.survey.title,
            },
            {"url": "", "label": self.crumb},
        ]


def audience_description(survey: Survey) -> str:
    """Whom a survey is for, in a sentence: its tiers and regions, or every one."""
    return _("Tiers: %(tiers)s. Regions: %(regions)s.") % {
        "tiers": survey.tiers_named,
        "regions": survey.regions_named,
    }


class SurveySendView(_SurveyMixin, TemplateView):
    """The confirmation, with how many partner users the survey will reach; its
    POST sends it."""

    crumb = gettext_lazy("Send")

    permission = SEND_PERMISSION
    template_name = "support/admin/survey_send.html"
    header_icon = "mail"

    def get_page_title(self):
        return _("Send “%(title)s”") % {"title": self.survey.title}

    def get(self, request, *args, **kwargs):
        if self.survey.sent_at is not None:
            messages.info(request, _("This survey was sent already."))
            return redirect("support_survey:results", self.survey.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "survey": self.survey,
            "reach": survey_audience(self.survey).count(),
            "audience": audience_description(self.survey),
            "questions": self.survey.questions.count(),
        }

    def post(self, request, *args, **kwargs):
        try:
            invitations = survey_send(survey=self.survey, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("support_survey:edit", self.survey.pk)
        messages.success(
            request,
            ngettext(
                "The survey is sent: %(count)d partner user gets an email asking "
                "them to answer.",
                "The survey is sent: %(count)d partner users get an email asking "
                "them to answer.",
                len(invitations),
            )
            % {"count": len(invitations)},
        )
        return redirect("support_survey:results", self.survey.pk)


def _nps_header(first: str) -> list[str]:
    return [
        first,
        _("Invited"),
        _("Answered"),
        _("Response rate (%)"),
        _("Promoters (9 to 10)"),
        _("Passives (7 to 8)"),
        _("Detractors (0 to 6)"),
        _("NPS"),
    ]


def _nps_row(label, figures: Nps) -> list:
    return [
        label,
        figures.invited,
        figures.answered,
        figures.response_rate,
        figures.promoters,
        figures.passives,
        figures.detractors,
        figures.score,
    ]


def _region_label(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return str(region) if region else code


class SurveyResultsView(_SurveyMixin, TemplateView):
    """Invited, answered, the NPS and its parts overall and by partner, tier and
    region, the distribution of scores, the answers; each table as CSV and XLSX
    (`?table=<name>&export=csv|xlsx`)."""

    crumb = pgettext_lazy("survey", "Results")

    template_name = "support/admin/survey_results.html"
    header_icon = "table"

    def get_page_title(self):
        return _("Results of “%(title)s”") % {"title": self.survey.title}

    def invitations(self):
        return partner_owned.policy_for(SurveyInvitation).visible_to(
            self.request.user, self.survey.invitations.all()
        )

    def figures(self) -> tuple[Nps, list[SurveyInvitation], dict]:
        """The NPS overall, the answers, and {name: (header, rows)}: every figure
        the page shows and the exports hold."""
        invitations = self.invitations()
        overall = nps(invitations)
        tables = {
            "summary": (
                _nps_header(_("Partners")),
                [_nps_row(_("All partners you may see"), overall)],
            )
        }
        for name, first, field, order, label in (
            ("partners", _("Partner"), "partner__name", "", str),
            ("tiers", _("Tier"), "tier__name", "tier__rank", str),
            ("regions", _("Region"), "region", "", _region_label),
        ):
            tables[name] = (
                _nps_header(first),
                [
                    _nps_row(label(value), figures)
                    for value, figures in nps_by(invitations, field, order)
                ],
            )
        counts = dict(
            invitations.filter(answered_at__isnull=False)
            .values_list("score")
            .annotate(n=Count("pk"))
            .order_by()
        )
        tables["scores"] = (
            [_("Score"), _("Answers")],
            [[str(score), counts.get(score, 0)] for score in range(11)],
        )
        answered = list(
            invitations.filter(answered_at__isnull=False)
            .select_related("partner", "tier", "user")
            .order_by("-answered_at")
        )
        tables["answers"] = self.answers_table(answered)
        return overall, answered, tables

    @cached_property
    def questions(self):
        return list(self.survey.questions.all())

    def answers_table(self, answered: list[SurveyInvitation]):
        header = [
            _("Answered"),
            _("Partner external ID"),
            _("Partner"),
            _("Tier"),
            _("Region"),
            _("Answered by"),
            _("Score"),
            _("Why"),
            *(question.text for question in self.questions),
        ]
        rows = [
            [
                timezone.localtime(invitation.answered_at).strftime("%Y-%m-%d %H:%M"),
                invitation.partner.external_id,
                invitation.partner.name,
                invitation.tier.name,
                _region_label(invitation.region),
                answered_by(invitation),
                invitation.score,
                invitation.reason,
                *(
                    invitation.answers.get(str(question.pk), "")
                    for question in self.questions
                ),
            ]
            for invitation in answered
        ]
        return header, rows

    def get(self, request, *args, **kwargs):
        overall, answered, tables = self.figures()
        table, export = request.GET.get("table"), request.GET.get("export")
        if export in ("csv", "xlsx") and table in tables:
            respond = csv_response if export == "csv" else xlsx_response
            return respond(f"survey-{self.survey.pk}-{table}.{export}", *tables[table])
        for invitation in answered[:ANSWERS_SHOWN]:
            invitation.question_answers = [
                (question.text, invitation.answers[str(question.pk)])
                for question in self.questions
                if invitation.answers.get(str(question.pk))
            ]
        return self.render_to_response(
            self.get_context_data(
                survey=self.survey,
                audience=audience_description(self.survey),
                overall=overall,
                tables=tables,
                answers=answered[:ANSWERS_SHOWN],
                answers_total=len(answered),
                scores_chart=scores_chart(tables["scores"][1]),
            )
        )


SCORE_GROUPS = (
    (gettext_lazy("Detractors"), DETRACTORS),
    (gettext_lazy("Passives"), PASSIVES),
    (gettext_lazy("Promoters"), PROMOTERS),
)


def scores_chart(rows) -> Chart:
    """How many answers gave each score, a colour for detractors, passives and
    promoters."""
    counts = [count for _score, count in rows]
    return Chart(
        id="scores",
        title=_("Answers by score, from 0 to 10"),
        kind="stacked_bar",
        categories=[score for score, _count in rows],
        category_label=_("Score"),
        series=[
            Series(
                str(label),
                [
                    count if low <= score <= high else None
                    for score, count in enumerate(counts)
                ],
            )
            for label, (low, high) in SCORE_GROUPS
        ],
    )


def answered_by(invitation: SurveyInvitation) -> str:
    return invitation.user.get_full_name() or invitation.user.get_username()
