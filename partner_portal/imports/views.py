"""Admin views of every row-wise import: upload a file, preview every row, confirm.

The preview is the import service's dry run and the confirmation its real run, on
the same stored file (see `uploads`), so the admin and the management commands share
one code path. An app adds its import by subclassing `ImportViewSet` with its
`ImportKind` and registering it with `register_admin_viewset`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View

from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from partner_portal.request_limits import upload_limit
from partner_portal.tabular.reading import TabularError

from .forms import ImportFileForm
from .preview import PREVIEW_ROWS, encoding_note
from .services import ImportKind, file_import
from .uploads import upload_discard, upload_get, upload_keep


class ImportViewMixin(WagtailAdminTemplateMixin):
    """The page furniture, the permission check and the upload page that every
    import's views share, the sales ledger's included (its upload template extends
    imports/upload.html)."""

    kind: ImportKind | None = None
    page_title = ""
    header_icon = "upload"
    listing_url_name = ""
    listing_label = ""
    upload_url_name = ""
    preview_url_name = ""
    upload_template_name = "imports/upload.html"

    def user_may_import(self, user) -> bool:
        return self.kind.user_may_import(user)

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.listing_url_name), "label": self.listing_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def upload_form(self, *args) -> ImportFileForm:
        """The upload form, bound to `args` (data, files) when they are given."""
        return ImportFileForm(*args, upload=self.kind.upload)

    def upload_columns(self) -> list[tuple[str, bool, str]]:
        """(column, required, what it holds) of each column the upload page lists."""
        notes = self.kind.column_notes()
        return [
            (column, column in self.kind.required, notes.get(column, ""))
            for column in self.kind.columns
        ]

    def render_upload(self, form, *, refused=None, status=200, **extra):
        columns = self.upload_columns()
        context = self.get_context_data(
            form=form,
            columns=columns,
            some_optional=not all(required for _name, required, _note in columns),
            refused=refused,
            kind=self.kind,
            **extra,
        )
        return self.render_to_response(
            context, status=status, template=self.upload_template_name
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
        return self.render_upload(self.upload_form(), refused=refused)


class ImportUploadView(ImportViewMixin, View):
    template_name = "imports/upload.html"

    def get(self, request):
        return self.render_upload(self.upload_form())

    def post(self, request):
        form = self.upload_form(request.POST, request.FILES)
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
            more_errors=report.errors.unlisted,
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
            path(
                "",
                upload_limit(self.kind.upload.max_bytes)(
                    self.construct_view(ImportUploadView, **options)
                ),
                name="upload",
            ),
            path(
                "<str:token>/",
                self.construct_view(ImportPreviewView, **options),
                name="preview",
            ),
        ]
