"""Staff views in the Wagtail admin: revoke an award, reports (the award import is
`learning.imports`)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.partners.ownership import partner_owned
from partner_portal.tabular.export import csv_response, xlsx_response

from .. import selectors
from ..models import CertificationAward
from ..services import award_revoke


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the award; never shown publicly."),
    )


def award_revoke_view(request, pk):
    _require(request, "learning.change_certificationaward")
    award = get_object_or_404(
        partner_owned.policy_for(CertificationAward).in_scope(request.user), pk=pk
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            award_revoke(
                award=award, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The award was revoked."))
            return redirect("learning_awards:index")
    return TemplateResponse(
        request,
        "learning/admin/revoke.html",
        {"award": award, "form": form, "page_title": _("Revoke an award")},
    )


def _report_tables(days: int, viewer):
    """Each staff report as (slug, title, header, rows)."""
    return [
        (
            "completion-course",
            _("Completion rate by course"),
            [_("Course"), _("Enrolled"), _("Completed"), _("Rate (%)")],
            [
                [r["name"], r["enrolled"], r["completed"], r["rate"]]
                for r in selectors.completion_by("course", viewer=viewer)
            ],
        ),
        (
            "completion-partner",
            _("Completion rate by partner"),
            [_("Partner"), _("Enrolled"), _("Completed"), _("Rate (%)")],
            [
                [r["name"], r["enrolled"], r["completed"], r["rate"]]
                for r in selectors.completion_by("partner", viewer=viewer)
            ],
        ),
        (
            "completion-tier",
            _("Completion rate by tier"),
            [_("Tier"), _("Enrolled"), _("Completed"), _("Rate (%)")],
            [
                [r["name"], r["enrolled"], r["completed"], r["rate"]]
                for r in selectors.completion_by("tier", viewer=viewer)
            ],
        ),
        (
            "quiz-pass-rates",
            _("Quiz pass rates"),
            [_("Course"), _("Attempts"), _("Passed"), _("Rate (%)")],
            [
                [r["name"], r["attempts"], r["passed"], r["rate"]]
                for r in selectors.quiz_pass_rates(viewer=viewer)
            ],
        ),
        (
            "hardest-questions",
            _("Hardest questions"),
            [_("Course"), _("Question"), _("Answered"), _("Wrong"), _("Wrong (%)")],
            [
                [r["course"], r["question"], r["answered"], r["wrong"], r["rate"]]
                for r in selectors.hardest_questions(viewer=viewer)
            ],
        ),
        (
            "expiring",
            _("Certifications expiring within %(days)d days") % {"days": days},
            [_("Holder"), _("Partner"), _("Certification"), _("Expires on")],
            [
                [
                    a.user.get_full_name() or a.user.username,
                    a.partner.name,
                    str(a.certification),
                    a.expires_at.isoformat(),
                ]
                for a in selectors.expiring_awards(days, viewer=viewer)
            ],
        ),
        (
            "certified-users",
            _("Active certified users per partner"),
            [_("Partner"), _("Certified users")],
            [
                [r["partner__name"], r["users"]]
                for r in selectors.certified_users_per_partner(viewer=viewer)
            ],
        ),
    ]


def reports_view(request):
    _require(request, "learning.view_certificationaward")
    try:
        days = max(1, min(int(request.GET.get("days", 30)), 3650))
    except ValueError:
        days = 30
    tables = _report_tables(days, request.user)
    export, slug = request.GET.get("export"), request.GET.get("report")
    if export in ("csv", "xlsx"):
        table = next((t for t in tables if t[0] == slug), None)
        if table is None:
            raise Http404
        _slug, _title, header, rows = table
        respond = csv_response if export == "csv" else xlsx_response
        return respond(f"{slug}.{export}", header, rows)
    return TemplateResponse(
        request,
        "learning/admin/reports.html",
        {"tables": tables, "days": days, "page_title": _("Learning reports")},
    )
