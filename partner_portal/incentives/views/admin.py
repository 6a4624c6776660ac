"""The admin's sales import: upload, dry run with each row's outcome, confirm.

The upload is kept in the default storage and checked with a dry run; confirming
imports that same stored file through the same service, checking it again (the
ledger or the partners may have changed in between), and the import's source keeps
the file. The confirm form carries a signed token naming the stored file and the
user, so nobody can confirm another person's upload or name a file of their own.
"""

import uuid
from pathlib import PurePath

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.imports.preview import encoding_note
from partner_portal.partners.permissions import partners_visible_to

from ..charts import revenue_charts
from ..forms import SalesChartForm, SalesUploadForm
from ..models import SalesSource
from ..permissions import SalesRecordPermissionPolicy
from ..selectors import sales_visible_to
from ..services import sales_import_file

TOKEN_SALT = "incentives.sales-import"  # noqa: S105 (a namespace, not a secret)
TOKEN_MAX_AGE = 24 * 3600
PENDING_FOLDER = "sales_imports/pending"


class SalesImportView(WagtailAdminTemplateMixin, View):
    template_name = "incentives/admin/import.html"
    page_title = gettext_lazy("Import sales")
    header_icon = "upload"
    index_url_name = None
    permission_policy: SalesRecordPermissionPolicy = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_may_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Sales records")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request):
        return self.render(form=SalesUploadForm())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = SalesUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        encoding = form.cleaned_data["encoding"]
        result = self.run(upload, upload.name, dry_run=True, encoding=encoding)
        token = None
        if result.ok:
            suffix = PurePath(upload.name).suffix.lower()
            upload.seek(0)
            stored = default_storage.save(
                f"{PENDING_FOLDER}/{uuid.uuid4().hex}{suffix}", upload
            )
            token = signing.dumps(
                {
                    "file": stored,
                    "name": upload.name,
                    "user": request.user.pk,
                    "encoding": encoding,
                },
                salt=TOKEN_SALT,
            )
        return self.render(form=SalesUploadForm(), result=result, token=token)

    def confirm(self, request):
        try:
            data = signing.loads(
                request.POST["token"], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
            )
        except signing.BadSignature:
            data = None
        if data is None or data["user"] != request.user.pk:
            messages.error(
                request, _("This import has expired. Upload the file again.")
            )
            return redirect(request.path)
        with default_storage.open(data["file"], "rb") as file:
            result = self.run(
                file,
                data["name"],
                dry_run=False,
                stored=data["file"],
                encoding=data.get("encoding", ""),
            )
        if not result.ok:
            return self.render(form=SalesUploadForm(), result=result)
        messages.success(
            request,
            _(
                "%(name)s is imported: %(created)d lines created, %(updated)d "
                "updated and %(unchanged)d unchanged."
            )
            % {
                "name": result.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return redirect(f"{reverse(self.index_url_name)}?source={result.source.pk}")

    def run(self, file, name, *, dry_run, stored="", encoding=""):
        return sales_import_file(
            file=file,
            filename=name,
            by=self.request.user,
            kind=SalesSource.Kind.UPLOAD,
            dry_run=dry_run,
            partners=self.permission_policy.importable_partners(self.request.user),
            stored_file=stored,
            encoding=encoding or None,
        )

    def render(self, **context):
        result = context.get("result")
        if result is not None:
            context["encoding_note"] = encoding_note(result.encoding)
        return self.render_to_response(self.get_context_data(**context))


class SalesByMonthView(WagtailAdminTemplateMixin, TemplateView):
    """Reports → Sales by month: the visible partners' revenue, a chart per currency."""

    template_name = "incentives/admin/sales_by_month.html"
    page_title = gettext_lazy("Sales by month")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("incentives.view_salesrecord"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = SalesChartForm(
            self.request.GET or None, partners=partners_visible_to(user)
        )
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "charts": revenue_charts(
                form.filter(sales_visible_to(user)), timezone.localdate()
            ),
        }
