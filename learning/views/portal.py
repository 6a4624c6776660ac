"""Portal views of the learning app: the learner's home, verification, certificates.

Enrolling, lessons and the quiz are routes of the course and lesson pages
(`learning/models/pages.py`, the quiz's in `learning/models/quiz.py`).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partner_portal.page_languages import in_user_language, sources
from partner_portal.partners.access import audience_for
from partner_portal.partners.ownership import partner_owned

from ..certificates import certificate_pdf
from ..models import CertificationAward, CourseIndexPage
from ..models.certifications import AwardStatus
from ..selectors import awards_of, learning_paths_for


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
            "certification": str(award.certification),
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
    index = sources(CourseIndexPage.objects.live().filter(audience.q())).first()
    today = timezone.localdate()
    enrolments = (
        list(request.user.enrolments.select_related("course").order_by("-enrolled_at"))
        if audience.is_partner
        else []
    )
    in_user_language([enrolment.course for enrolment in enrolments], audience)
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
