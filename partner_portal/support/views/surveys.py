"""The partner user's surveys in the portal, under /support/surveys/.

Each user sees only the surveys sent to them (the partner-owned policy of
`SurveyInvitation`, partner admins included): the list puts those still to answer
first, and a survey's page takes the answer once while it is open. A survey the user
was not asked, another user's included, answers 404, as does every survey once the
partner loses partner access.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from partner_portal.home_cards import Todo
from partner_portal.partners.ownership import partner_owned

from ..models import SurveyInvitation
from ..portal_forms import SurveyAnswerForm
from ..services.surveys import survey_answer

CARD_ITEMS = 3


def _invitations(request):
    policy = partner_owned.policy_for(SurveyInvitation)
    policy.partner_or_404(request.user)
    return policy.visible_to(request.user).select_related("survey")


@login_required
@require_GET
def survey_list(request):
    invitations = _invitations(request)
    today = timezone.localdate()
    to_answer = invitations.to_answer(today).order_by(
        F("survey__closes_on").asc(nulls_last=True), "-sent_at"
    )
    others = invitations.exclude(pk__in=to_answer.values("pk")).order_by(
        F("answered_at").desc(nulls_last=True), "-sent_at"
    )
    return render(
        request,
        "portal/support/surveys.html",
        {"to_answer": list(to_answer), "others": list(others)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer_view(request, pk):
    """The answer form of survey `pk`; once answered, its thank-you."""
    invitation = get_object_or_404(_invitations(request), survey_id=pk)
    survey = invitation.survey
    closed = survey.is_closed(timezone.localdate())
    form = None
    if invitation.answered_at is None and not closed:
        form = SurveyAnswerForm(request.POST or None, questions=survey.questions.all())
    status = 200
    if request.method == "POST":
        if form is None:
            # Answered already, or closed meanwhile: the page says which.
            status = 409
        elif form.is_valid():
            try:
                survey_answer(
                    invitation=invitation,
                    by=request.user,
                    score=form.cleaned_data["score"],
                    reason=form.cleaned_data["reason"],
                    answers=form.answers(),
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 409
            else:
                messages.success(request, _("Thank you: your answer is saved."))
                return redirect("survey-answer", survey.pk)
        else:
            status = 400
    return render(
        request,
        "portal/support/survey.html",
        {"invitation": invitation, "survey": survey, "closed": closed, "form": form},
        status=status,
    )


def survey_todos(request) -> list[Todo]:
    """The partner home's to-dos: each survey the user has yet to answer."""
    context = surveys_card(request)
    if context is None:
        return []
    return [
        Todo(
            _("Answer the survey “%(title)s”.")
            % {"title": invitation.survey.title_in_language},
            reverse("survey-answer", args=[invitation.survey_id]),
            _("until %(day)s")
            % {"day": date_format(invitation.survey.closes_on, "DATE_FORMAT")}
            if invitation.survey.closes_on
            else "",
        )
        for invitation in context["surveys"]
    ]


def surveys_card(request):
    """Context of the partner home's surveys card: the surveys the user has yet to
    answer; for partner users only."""
    policy = partner_owned.policy_for(SurveyInvitation)
    if policy.partner_of(request.user) is None:
        return None
    to_answer = list(
        policy.visible_to(request.user)
        .to_answer(timezone.localdate())
        .select_related("survey")
        .order_by(F("survey__closes_on").asc(nulls_last=True), "-sent_at")
    )
    return {"surveys": to_answer[:CARD_ITEMS], "count": len(to_answer)}
