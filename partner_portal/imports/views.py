"""Admin views of every row-wise import: upload a file, preview every row, confirm.

The preview is the import service's dry run and the confirmation its real run, on
the same stored file (see `uploads`), so the admin and the management commands share
one code path. An app adds its import by subclassing `ImportViewSet` with its
`ImportKind` and registering it with `register_admin_viewset`.
"""

from pathlib import PurePath

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from partner_portal.tabular.forms import EncodingField
from partner_portal.tabular.reading import TabularError

from .preview import PREVIEW_ROWS, encoding_note
from .services import ImportKind, Upload, file_import
from .uploads import upload_discard, upload_get, upload_keep


class ImportFileForm(forms.Form):
    """The upload of one kind: its suffixes and size limit are checked here, before
    anything is stored (a plain .csv or .xlsx file when no kind is given)."""

    file = forms.FileField(label=gettext_lazy("File"))
    encoding = EncodingField()

    def __init__(self, *args, kind: ImportKind | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload = kind.upload if kind is not None else Upload()
        self.fields["file"].help_text = self.upload.help_text

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in self.upload.suffixes:
            raise forms.ValidationError(self.upload.refusal)
        if upload.size > self.upload.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)s.")
                % {"limit": filesizeformat(self.upload.max_bytes)}
            )
        return upload


class ImportViewMixin(WagtailAdminTemplateMixin):
    """The page furniture and the permission check both import views share."""

    kind: ImportKind | None = None
    page_title = ""
    header_icon = "upload"
    listing_url_name = ""
    listing_label = ""
    upload_url_name = ""
    preview_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not self.kind.user_may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.listing_url_name), "label": self.listing_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def render_upload(self, form, *, refused=None, status=200):
        notes = self.kind.column_notes()
        columns = [
            (column, column in self.kind.required, notes.get(column, ""))
            for column in self.kind.columns
        ]
        context = self.get_context_data(
            form=form, columns=columns, refused=refused, kind=self.kind
        )
        return self.render_to_response(
            context, status=status, template="imports/upload.html"
        )

    def render_to_response(self, context, status=200, template=None):
        return self.response_class(
            request=self.request,
            template=[template or self.template_name],
            context=context,
            status=status,
        )

    def run(self, held, *, dry_run):
        with held.open() as file:
            return file_import(
                self.kind,
                file=file,
                filename=held.filename,
                by=self.request.user,
                dry_run=dry_run,
                max_bytes=self.kind.upload.max_bytes,
                encoding=held.encoding or None,
            )

    def file_refused(self, held, error):
        upload_discard(self.request, held)
        refused = _("%(filename)s cannot be imported. %(reason)s") % {
            "filename": held.filename,
            "reason": error,
        }
        return self.render_upload(ImportFileForm(kind=self.kind), refused=refused)


class ImportUploadView(ImportViewMixin, View):
    template_name = "imports/upload.html"

    def get(self, request):
        return self.render_upload(ImportFileForm(kind=self.kind))

    def post(self, request):
        form = ImportFileForm(request.POST, request.FILES, kind=self.kind)
        if not form.is_valid():
            return self.render_upload(form)
        held = upload_keep(
            request,
            kind=self.kind.name,
            upload=form.cleaned_data["file"],
            encoding=form.cleaned_data["encoding"],
        )
        return redirect(self.preview_url_name, token=held.token)


class ImportPreviewView(ImportViewMixin, View):
    template_name = "imports/preview.html"

    def get_page_title(self):
        return _("Check the import")

    def get_breadcrumbs_items(self):
        *items, current = super().get_breadcrumbs_items()
        upload = {"url": reverse(self.upload_url_name), "label": self.page_title}
        return [*items, upload, current]

    def held(self, token):
        held = upload_get(self.request, kind=self.kind.name, token=token)
        if held is None:
            raise Http404
        return held

    def get(self, request, token):
        held = self.held(token)
        try:
            report = self.run(held, dry_run=True)
        except TabularError as error:
            return self.file_refused(held, error)
        return self.render_report(report, held)

    def post(self, request, token):
        held = self.held(token)
        if "cancel" in request.POST:
            upload_discard(request, held)
            messages.info(request, _("The import was cancelled; nothing was written."))
            return redirect(self.upload_url_name)
        try:
            report = self.run(held, dry_run=False)
        except TabularError as error:
            return self.file_refused(held, error)
        upload_discard(request, held)
        if not report.written:
            return self.render_report(report, None)
        messages.success(
            request,
            _(
                "%(filename)s was imported: %(created)d created, %(updated)d "
                "updated, %(unchanged)d unchanged."
            )
            % {
                "filename": report.filename,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        return redirect(self.listing_url_name)

    def render_report(self, report, held):
        context = self.get_context_data(
            report=report,
            held=held,
            key_label=report.kind.key_label,
            label_label=report.kind.label_label,
            shown_rows=report.rows[:PREVIEW_ROWS],
            more_rows=max(0, len(report.rows) - PREVIEW_ROWS),
            errors=report.sorted_errors(),
            more_errors=report.errors.total - len(report.errors.errors),
            upload_url=reverse(self.upload_url_name),
            encoding_note=encoding_note(
                report.encoding, archive=report.kind.is_archive
            ),
        )
        return self.render_to_response(context)


class ImportMenuItem(MenuItem):
    kind: ImportKind | None = None

    def is_shown(self, request):
        return self.kind.user_may_import(request.user)


class ImportViewSet(ViewSet):
    """The upload and preview views of one kind of import, with its menu item
    (shown to those who may import; `menu_hook` puts it in a group's menu)."""

    kind: ImportKind | None = None
    icon = "upload"
    listing_url_name = ""
    listing_label = ""

    @cached_property
    def menu_item_class(self):
        return type(
            f"{self.__class__.__name__}MenuItem", (ImportMenuItem,), {"kind": self.kind}
        )

    def get_urlpatterns(self):
        options = {
            "kind": self.kind,
            "page_title": self.menu_label,
            "listing_url_name": self.listing_url_name,
            "listing_label": self.listing_label,
            "upload_url_name": self.get_url_name("upload"),
            "preview_url_name": self.get_url_name("preview"),
        }
        return [
            path("", self.construct_view(ImportUploadView, **options), name="upload"),
            path(
                "<str:token>/",
                self.construct_view(ImportPreviewView, **options),
                name="preview",
            ),
        ]
