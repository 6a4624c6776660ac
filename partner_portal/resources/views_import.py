"""Admin: upload an asset archive, check every row (dry run), confirm the import.

The upload is kept in the default storage between the two steps with the
`partner_portal.imports.uploads` helpers, so the preview and the confirmation read
the same file.
"""

from pathlib import PurePath

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin import messages

from partner_portal.imports.preview import encoding_note
from partner_portal.imports.uploads import (
    upload_discard,
    upload_get,
    upload_keep,
)
from partner_portal.tabular.forms import EncodingField
from partner_portal.tabular.reading import TabularError

from .asset_import import COLUMNS, asset_import

KIND = "assets"
UPLOAD_MAX_BYTES = 2 * 1024**3
PERMISSION = "resources.import_assets"


class AssetArchiveForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("ZIP archive"),
        help_text=gettext_lazy(
            "A .zip file holding the files and a manifest.csv or manifest.xlsx at "
            "its top level."
        ),
    )
    encoding = EncodingField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() != ".zip":
            raise forms.ValidationError(_("Only .zip archives can be imported."))
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)s.")
                % {"limit": filesizeformat(UPLOAD_MAX_BYTES)}
            )
        return upload


def _check(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def _upload_page(request, form, refused=None):
    return TemplateResponse(
        request,
        "resources/admin/import_upload.html",
        {"form": form, "refused": refused, "columns": COLUMNS},
    )


def import_upload(request):
    _check(request)
    if request.method == "POST":
        form = AssetArchiveForm(request.POST, request.FILES)
        if form.is_valid():
            held = upload_keep(
                request,
                kind=KIND,
                upload=form.cleaned_data["file"],
                encoding=form.cleaned_data["encoding"],
            )
            return redirect("resources_import_preview", token=held.token)
    else:
        form = AssetArchiveForm()
    return _upload_page(request, form)


def import_preview(request, token):
    _check(request)
    held = upload_get(request, kind=KIND, token=token)
    if held is None:
        raise Http404
    if request.method == "POST" and "cancel" in request.POST:
        upload_discard(request, held)
        messages.info(request, _("The import was cancelled; nothing was written."))
        return redirect("resources_import_upload")
    dry_run = request.method != "POST"
    try:
        with held.open() as file:
            report = asset_import(
                file=file,
                user=request.user,
                dry_run=dry_run,
                encoding=held.encoding or None,
            )
    except TabularError as error:
        upload_discard(request, held)
        refused = _("%(filename)s cannot be imported. %(reason)s") % {
            "filename": held.filename,
            "reason": error,
        }
        return _upload_page(request, AssetArchiveForm(), refused=refused)
    if report.written:
        upload_discard(request, held)
        messages.success(
            request,
            _("%(filename)s was imported: %(created)d new, %(updated)d changed.")
            % {
                "filename": held.filename,
                "created": report.created,
                "updated": report.updated,
            },
        )
        return redirect("resources_import_upload")
    return TemplateResponse(
        request,
        "resources/admin/import_preview.html",
        {
            "report": report,
            "held": held,
            "errors": report.sorted_errors(),
            "encoding_note": encoding_note(report.encoding),
        },
    )
