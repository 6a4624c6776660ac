"""Portal views of the learning app: the quiz, verification, certificates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partner_portal.partners.access import audience_for
from partner_portal.partners.ownership import partner_owned

from .certificates import certificate_pdf
from .models import CertificationAward, CourseIndexPage
from .models.certifications import AwardStatus
from .selectors import awards_of, course_progress, learning_paths_for
from .services import (
    current_enrolment,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_state,
)


def _shown_questions(course, attempt):
    """The open attempt's questions in its shuffled order, without correctness."""
    questions = course.question_blocks()
    shown = []
    for number, item in enumerate(attempt.layout, start=1):
        question = questions.get(item["question"])
        if question is None:
            continue
        shown.append(
            {
                "id": item["question"],
                "number": number,
                "text": question["text"],
                "multiple": question["multiple"],
                "options": [
                    {"index": index, "text": question["options"][index]["text"]}
                    for index in item["options"]
                    if index < len(question["options"])
                ],
            }
        )
    return shown


def _graded_questions(course, attempt):
    """A submitted attempt's questions with the right answers and explanations."""
    questions = course.question_blocks()
    graded = []
    for number, item in enumerate(attempt.layout, start=1):
        question = questions.get(item["question"])
        if question is None:
            continue
        chosen = set(attempt.answers.get(item["question"], []))
        graded.append(
            {
                "number": number,
                "text": question["text"],
                "right": attempt.results.get(item["question"], False),
                "explanation": question["explanation"],
                "options": [
                    {
                        "text": question["options"][index]["text"],
                        "correct": question["options"][index]["correct"],
                        "chosen": index in chosen,
                    }
                    for index in item["options"]
                    if index < len(question["options"])
                ],
            }
        )
    return graded


def quiz_view(request, course):
    """GET shows the quiz state or the open attempt; POST starts or submits one.

    Reached through CoursePage.serve(), so the access rule has been applied.
    """
    audience = audience_for(request.user)
    if not course.has_quiz:
        raise Http404
    context = {"page": course, "self": course, "learner": audience.is_partner}
    if not audience.is_partner:
        # Staff preview the questions; nobody else reaches this view.
        context["preview"] = course.question_blocks().values()
        return TemplateResponse(request, "learning/quiz.html", context)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                quiz_attempt_start(user=request.user, course=course)
            elif action == "submit":
                enrolment = current_enrolment(user=request.user, course=course)
                attempt_pk = request.POST.get("attempt", "")
                if enrolment is None or not attempt_pk.isdigit():
                    raise Http404
                attempt = enrolment.attempts.filter(
                    submitted_at__isnull=True, pk=int(attempt_pk)
                ).first()
                if attempt is None:
                    raise Http404
                answers = {
                    item["question"]: request.POST.getlist(f"q-{item['question']}")
                    for item in attempt.layout
                }
                answers = {
                    key: [int(v) for v in values if v.isdigit()]
                    for key, values in answers.items()
                }
                attempt = quiz_attempt_submit(attempt=attempt, answers=answers)
                return redirect(f"{course.url}quiz/?result={attempt.pk}")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(f"{course.url}quiz/")
    enrolment = current_enrolment(user=request.user, course=course)
    state = quiz_state(enrolment=enrolment, course=course)
    context["state"] = state
    context["progress"] = course_progress(user=request.user, course=course)
    if state.open_attempt is not None:
        context["attempt"] = state.open_attempt
        context["questions"] = _shown_questions(course, state.open_attempt)
    result_pk = request.GET.get("result", "")
    if enrolment is not None and result_pk.isdigit():
        result = enrolment.attempts.filter(
            pk=int(result_pk), submitted_at__isnull=False
        ).first()
        if result is not None:
            context["result"] = result
            context["graded"] = _graded_questions(course, result)
    return TemplateResponse(request, "learning/quiz.html", context)


@require_GET
def verify(request, credential_id):
    """Public: holder, partner, certification, status and dates; nothing else."""
    award = get_object_or_404(
        CertificationAward.objects.select_related("user", "partner", "certification"),
        credential_id=credential_id,
    )
    status = award.status_on(timezone.localdate())
    return TemplateResponse(
        request,
        "learning/verify.html",
        {
            "holder": award.user.get_full_name() or award.user.username,
            "partner_name": award.partner.name,
            "certification": award.certification.name,
            "status": status,
            "status_label": AwardStatus(status).label,
            "issued_at": award.issued_at,
            "expires_at": award.expires_at,
            "revoked_on": award.revoked_on,
        },
    )


@login_required
def certificate_download(request, credential_id):
    """The certificate as a PDF, for its holder and for staff who may see the award
    (`partners.ownership`: by model permission, within the partners they may see).

    A revoked award has no certificate any more: the holder is told so (410), as
    a PDF would still claim the certification. An expired award's certificate
    stays available, marked expired: it truthfully records a past certification.
    """
    award = get_object_or_404(
        CertificationAward.objects.select_related("user", "partner", "certification"),
        credential_id=credential_id,
    )
    policy = partner_owned.policy_for(CertificationAward)
    staff_may = request.user.is_staff and policy.may_see(request.user, award)
    if award.user_id != request.user.pk and not staff_may:
        raise Http404
    if award.status_on(timezone.localdate()) == AwardStatus.REVOKED:
        return TemplateResponse(
            request,
            "learning/certificate_revoked.html",
            {"award": award},
            status=410,
        )
    response = HttpResponse(certificate_pdf(award), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{award.certification.code}.pdf"'
    )
    return response


@login_required
def learning_home(request):
    """The learner's courses and certifications, and where to find more."""
    audience = audience_for(request.user)
    index = CourseIndexPage.objects.live().filter(audience.q()).first()
    today = timezone.localdate()
    enrolments = (
        request.user.enrolments.select_related("course").order_by("-enrolled_at")
        if audience.is_partner
        else []
    )
    awards = [
        (award, AwardStatus(award.status_on(today)))
        for award in awards_of(request.user)
    ]
    return TemplateResponse(
        request,
        "learning/home.html",
        {
            "index": index,
            "enrolments": enrolments,
            "awards": awards,
            "paths": learning_paths_for(request.user),
        },
    )
