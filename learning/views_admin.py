"""Staff views in the Wagtail admin: revoke an award, import awards, reports."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.imports.preview import PREVIEW_ROWS, encoding_note
from partner_portal.imports.uploads import (
    upload_discard,
    upload_get,
    upload_keep,
)
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.permissions import partners_visible_to
from partner_portal.tabular.export import csv_response, xlsx_response
from partner_portal.tabular.forms import EncodingField
from partner_portal.tabular.reading import TabularError

from . import selectors
from .imports import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, certifications_import
from .models import CertificationAward
from .services import award_revoke

IMPORT_KIND = "certification_awards"
UPLOAD_MAX_BYTES = 50 * 1024 * 1024


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


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A .csv or .xlsx file of at most 50 MB."),
    )
    encoding = EncodingField()


def awards_import_view(request):
    """Upload → dry run report → confirm; nothing is written while any row is wrong."""
    _require(request, "learning.add_certificationaward")
    token = request.GET.get("token") or request.POST.get("token")
    held = upload_get(request, kind=IMPORT_KIND, token=token) if token else None
    context = {
        "page_title": _("Import certification awards"),
        "columns": [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS],
    }
    if held is None and request.method == "POST" and "file" in request.FILES:
        form = ImportFileForm(request.POST, request.FILES)
        if form.is_valid():
            held = upload_keep(
                request,
                kind=IMPORT_KIND,
                upload=form.cleaned_data["file"],
                encoding=form.cleaned_data["encoding"],
            )
            return redirect(f"{request.path}?token={held.token}")
    elif held is not None:
        confirm = request.method == "POST" and "confirm" in request.POST
        if request.method == "POST" and "cancel" in request.POST:
            upload_discard(request, held)
            messages.info(request, _("The import was cancelled; nothing was written."))
            return redirect(request.path)
        try:
            with held.open() as file:
                report = certifications_import(
                    file=file,
                    filename=held.filename,
                    dry_run=not confirm,
                    encoding=held.encoding or None,
                    partners=partners_visible_to(request.user),
                )
        except TabularError as error:
            upload_discard(request, held)
            context.update(form=ImportFileForm(), refused=str(error))
            return TemplateResponse(request, "learning/admin/import.html", context)
        if report.written:
            upload_discard(request, held)
            messages.success(
                request,
                _(
                    "%(filename)s was imported: %(created)d new, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "filename": report.filename,
                    "created": report.created,
                    "unchanged": report.unchanged,
                },
            )
            return redirect("learning_awards:index")
        context.update(
            report=report,
            errors=report.sorted_errors(),
            held=held,
            shown_rows=report.rows[:PREVIEW_ROWS],
            encoding_note=encoding_note(report.encoding),
        )
        return TemplateResponse(request, "learning/admin/import.html", context)
    elif token:
        raise Http404
    else:
        form = ImportFileForm()
    context["form"] = form
    return TemplateResponse(request, "learning/admin/import.html", context)


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
                    a.certification.name,
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
