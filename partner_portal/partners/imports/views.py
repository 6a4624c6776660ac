"""Admin views: upload a file, preview every row's outcome, confirm the import.

The preview is the import service's dry run and the confirmation its real run, on
the same stored file (see `partner_portal.imports.uploads`), so the admin and the
management commands share one code path.
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

from partner_portal.imports.preview import PREVIEW_ROWS, encoding_note
from partner_portal.imports.uploads import upload_discard, upload_get, upload_keep
from partner_portal.tabular.forms import EncodingField
from partner_portal.tabular.reading import TabularError

from ..models import PartnerType, Region, Role, Stage, Tier
from .permissions import user_may_import
from .services import PARTNER_USERS, PARTNERS, ImportKind, file_import

# Viewsets whose menu hook is this join the Channel menu (PartnersGroup).
CHANNEL_MENU_HOOK = "register_channel_menu_item"
UPLOAD_MAX_BYTES = 20 * 1024**2


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "A .csv file (UTF-8, with or without BOM, or GB18030/GBK as Excel saves "
            "it in China) or an .xlsx workbook; the first row names the columns."
        ),
    )
    encoding = EncodingField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than the limit of %(limit)s.")
                % {"limit": filesizeformat(UPLOAD_MAX_BYTES)}
            )
        return upload


def _one_of(codes):
    return _("One of: %(codes)s.") % {"codes": ", ".join(codes)}


def column_notes(kind: ImportKind) -> dict[str, str]:
    """What each column holds, for the upload page."""
    if kind is PARTNERS:
        return {
            "external_id": _(
                "The partner's ID in your CRM or ERP. A row with a known external "
                "ID updates that partner."
            ),
            "country": _("A two-letter ISO 3166 country code, such as CN or DE."),
            "region": _one_of(Region.values),
            "partner_type": _one_of(PartnerType.values),
            "tier": _one_of(
                Tier.objects.order_by("rank").values_list("code", flat=True)
            ),
            "stage": _one_of(Stage.values)
            + " "
            + _("An existing partner may only move to a stage its lifecycle allows."),
            "joined_on": _("A date written YYYY-MM-DD."),
            "account_manager_email": _(
                "The email address of a vendor staff user, or empty for none."
            ),
        }
    return {
        "email": _(
            "A row with a known email address updates that user. New users are "
            "created without a password, ready to be invited."
        ),
        "partner_external_id": _(
            "The external ID of the partner the user belongs to. A user cannot be "
            "moved to another partner by import."
        ),
        "role": _one_of(Role.values),
    }


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
        if not user_may_import(request.user, self.kind.name):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.listing_url_name), "label": self.listing_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def render_upload(self, form, *, refused=None, status=200):
        notes = column_notes(self.kind)
        columns = [
            (column, column in self.kind.required, notes.get(column, ""))
            for column in self.kind.columns
        ]
        context = self.get_context_data(form=form, columns=columns, refused=refused)
        return self.render_to_response(
            context, status=status, template="partners/imports/upload.html"
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
                max_bytes=UPLOAD_MAX_BYTES,
                encoding=held.encoding or None,
            )

    def file_refused(self, held, error):
        upload_discard(self.request, held)
        refused = _("%(filename)s cannot be imported. %(reason)s") % {
            "filename": held.filename,
            "reason": error,
        }
        return self.render_upload(ImportFileForm(), refused=refused)


class ImportUploadView(ImportViewMixin, View):
    template_name = "partners/imports/upload.html"

    def get(self, request):
        return self.render_upload(ImportFileForm())

    def post(self, request):
        form = ImportFileForm(request.POST, request.FILES)
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
    template_name = "partners/imports/preview.html"

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
            key_label=_("External ID") if report.kind is PARTNERS else _("Email"),
            label_label=_("Name"),
            shown_rows=report.rows[:PREVIEW_ROWS],
            more_rows=max(0, len(report.rows) - PREVIEW_ROWS),
            errors=report.sorted_errors(),
            more_errors=report.errors.total - len(report.errors.errors),
            upload_url=reverse(self.upload_url_name),
            encoding_note=encoding_note(report.encoding),
        )
        return self.render_to_response(context)


class ImportMenuItem(MenuItem):
    kind: ImportKind | None = None

    def is_shown(self, request):
        return user_may_import(request.user, self.kind.name)


class ImportViewSet(ViewSet):
    """The upload and preview views of one kind of import, in the Channel menu."""

    kind: ImportKind | None = None
    icon = "upload"
    menu_hook = CHANNEL_MENU_HOOK
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


class PartnerImportViewSet(ImportViewSet):
    name = "partner_import"
    url_prefix = "import/partners"
    kind = PARTNERS
    menu_label = gettext_lazy("Import partners")
    menu_order = 900
    listing_url_name = "partner:index"
    listing_label = gettext_lazy("Partners")


class PartnerUserImportViewSet(ImportViewSet):
    name = "partner_user_import"
    url_prefix = "import/partner-users"
    kind = PARTNER_USERS
    menu_label = gettext_lazy("Import partner users")
    menu_order = 901
    listing_url_name = "partnermembership:index"
    listing_label = gettext_lazy("Partner users")


def import_viewsets():
    """The viewsets to register with the admin (see wagtail_hooks.py)."""
    return [PartnerImportViewSet(), PartnerUserImportViewSet()]
