"""The admin's sales import: upload, dry run with each row's outcome, confirm.

The page is every import's (partner_portal.imports: its upload form and page, its
errors table, encoding note and preview size), with what only sales have: the
ledger's COPY load instead of django-import-export, the source that keeps the file,
and the task worker for big files.

The upload is kept in the default storage and checked with a dry run; confirming
imports that same stored file through the same service, checking it again (the
ledger or the partners may have changed in between), and the import's source keeps
the file. The confirm form carries a signed token naming the stored file and the
user, so nobody can confirm another person's upload or name a file of their own.

A file above SALES_IMPORT_BACKGROUND_ROWS rows is checked, then imported, by the
task worker instead (services/jobs.py): the upload and the confirmation redirect
at once to the job's page, which follows the worker's progress and then shows the
same report.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.charts import export_requested
from partner_portal.imports.forms import ImportFileForm
from partner_portal.imports.preview import encoding_note
from partner_portal.imports.services import Upload
from partner_portal.imports.views import ImportViewMixin
from partner_portal.partners.permissions import partners_visible_to

from ..charts import revenue_charts
from ..forms import SalesChartForm
from ..models import CODE_LENGTH, SalesImportJob, SalesSource
from ..permissions import SalesRecordPermissionPolicy
from ..selectors import sales_import_jobs_visible_to, sales_visible_to
from ..services import (
    COLUMNS,
    sales_import_file,
    sales_import_job_confirm,
    sales_import_job_result,
    sales_import_job_start,
    sales_upload_store,
)

TOKEN_SALT = "incentives.sales-import"  # noqa: S105 (a namespace, not a secret)
TOKEN_MAX_AGE = 24 * 3600
# The import page lists the user's latest background imports, to find them again.
JOBS_LISTED = 5


def sales_column_notes() -> dict[str, str]:
    """What each column of a sales file holds, for the upload page."""
    return {
        "invoice_number": _(
            "The invoice's number, up to %(length)d characters. A line already on "
            "record (the same invoice number and line number) is updated, and its "
            "earlier values are kept in its history."
        )
        % {"length": CODE_LENGTH},
        "line_number": _("The line's number on the invoice: 1, 2, 3 and so on."),
        "partner_external_id": _(
            "The external ID of a partner whose sales you may import."
        ),
        "date": _("The date of the sale, written YYYY-MM-DD."),
        "sku": _("The product's SKU, up to %(length)d characters.")
        % {"length": CODE_LENGTH},
        "quantity": _("A whole number; negative for returns and credit notes."),
        "amount": _(
            "With a point before the cents and no thousands separators; negative "
            "for returns and credit notes."
        ),
        "currency": _("A three-letter ISO 4217 code, such as USD or CNY."),
    }


class SalesImportView(ImportViewMixin, View):
    """The shared upload page and form, with a check in the request (the file kept
    under a signed token until confirmed) or by the task worker for a big file."""

    upload_template_name = "incentives/admin/import.html"
    page_title = gettext_lazy("Import sales")
    listing_label = gettext_lazy("Sales records")
    job_url_name = None
    permission_policy: SalesRecordPermissionPolicy = None

    def user_may_import(self, user) -> bool:
        return self.permission_policy.user_may_import(user)

    def upload_form(self, *args) -> ImportFileForm:
        # The limit is read at each request, as the request's own limit is.
        upload = Upload(max_bytes=settings.SALES_IMPORT_MAX_BYTES)
        return ImportFileForm(*args, upload=upload)

    def upload_columns(self) -> list[tuple[str, bool, str]]:
        notes = sales_column_notes()
        return [(column, True, notes[column]) for column in COLUMNS]

    def get(self, request):
        return self.render(form=self.upload_form())

    def post(self, request):
        if "token" in request.POST:
            return self.confirm(request)
        form = self.upload_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form=form)
        upload = form.cleaned_data["file"]
        encoding = form.cleaned_data["encoding"]
        job = sales_import_job_start(
            file=upload,
            filename=upload.name,
            by=request.user,
            kind=SalesSource.Kind.UPLOAD,
            dry_run=True,
            encoding=encoding,
        )
        if job is not None:
            return redirect(self.job_url_name, job.pk)
        result = self.run(upload, upload.name, dry_run=True, encoding=encoding)
        token = None
        if result.ok:
            stored = sales_upload_store(file=upload, filename=upload.name)
            token = signing.dumps(
                {
                    "file": stored,
                    "name": upload.name,
                    "user": request.user.pk,
                    "encoding": encoding,
                },
                salt=TOKEN_SALT,
            )
        return self.render(form=self.upload_form(), result=result, token=token)

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
            job = sales_import_job_start(
                file=file,
                filename=data["name"],
                by=request.user,
                kind=SalesSource.Kind.UPLOAD,
                encoding=data.get("encoding", ""),
                stored_file=data["file"],
            )
            if job is not None:
                return redirect(self.job_url_name, job.pk)
            result = self.run(
                file,
                data["name"],
                dry_run=False,
                stored=data["file"],
                encoding=data.get("encoding", ""),
            )
        if not result.ok:
            return self.render(form=self.upload_form(), result=result)
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
        return redirect(f"{reverse(self.listing_url_name)}?source={result.source.pk}")

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

    def render(self, *, form, **context):
        result = context.get("result")
        if result is not None:
            context["encoding_note"] = encoding_note(result.encoding)
        return self.render_upload(
            form,
            jobs=sales_import_jobs_visible_to(self.request.user)[:JOBS_LISTED],
            job_url_name=self.job_url_name,
            background_rows=number_format(
                settings.SALES_IMPORT_BACKGROUND_ROWS, force_grouping=True
            ),
            **context,
        )


def _progress(job: SalesImportJob) -> dict:
    """What the page says of an unfinished job; its script asks for the same."""
    read, total = job.rows_read, max(job.rows_total, job.rows_read)
    numbers = {
        "read": number_format(read, force_grouping=True),
        "total": number_format(total, force_grouping=True),
    }
    if job.finished:
        # The script then loads the page again, which shows the report.
        phase = detail = ""
    elif job.status == SalesImportJob.Status.QUEUED:
        phase = _("The file is waiting for the task worker to start on it.")
        detail = _("About %(total)s rows to read.") % numbers
    elif not job.read_all:
        phase = _("The task worker is reading the file.")
        detail = _("%(read)s of about %(total)s rows read.") % numbers
    else:
        if job.dry_run:
            phase = _("Every row is read; the task worker is checking them.")
        else:
            phase = _(
                "Every row is read; the task worker is checking them and writing "
                "them to the ledger."
            )
        detail = _("All %(read)s rows are read.") % numbers
    return {
        "status": job.status,
        "finished": job.finished,
        # A bar that fills while rows are read; before and after, one that waits.
        "determinate": job.status == SalesImportJob.Status.RUNNING and not job.read_all,
        "rows_read": read,
        "rows_total": total,
        "phase": phase,
        "detail": detail,
    }


class _SalesImportJobMixin:
    """The job of the URL, if the user may import and started it; else 404.

    Another user's job answers 404 whatever their role, as a line they may not see
    does, so that its file name is never shown to them.
    """

    permission_policy: SalesRecordPermissionPolicy = None
    index_url_name = None
    import_url_name = None
    progress_url_name = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_may_import(request.user):
            raise PermissionDenied
        self.job = get_object_or_404(
            sales_import_jobs_visible_to(request.user).select_related("source"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)


class SalesImportJobView(_SalesImportJobMixin, WagtailAdminTemplateMixin, View):
    """A file the task worker checks or imports: its progress, then its report.

    The page follows the worker with a small script (sales_import_progress.js) and
    a Refresh button without it. A succeeded check offers to import the file,
    which the worker then checks again before writing, as a confirmed upload is.
    """

    template_name = "incentives/admin/import_job.html"
    page_title = gettext_lazy("Import sales")
    header_icon = "upload"

    def get_page_subtitle(self):
        return self.job.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Sales records")},
            {"url": reverse(self.import_url_name), "label": _("Import sales")},
            {"url": "", "label": self.job.name},
        ]

    def get(self, request, pk):
        job = self.job
        context = {
            "job": job,
            "import_url": reverse(self.import_url_name),
            "progress_url": reverse(self.progress_url_name, args=[job.pk]),
        }
        if job.finished:
            result = sales_import_job_result(job)
            context |= {
                "result": result,
                "encoding_note": encoding_note(result.encoding),
                "lines_url": f"{reverse(self.index_url_name)}?source={job.source_id}",
            }
        else:
            context["progress"] = _progress(job)
        return self.render_to_response(self.get_context_data(**context))

    def post(self, request, pk):
        if not sales_import_job_confirm(job=self.job, by=request.user):
            messages.error(
                request,
                _(
                    "This file cannot be imported from here: it is already "
                    "imported, or its check found errors."
                ),
            )
        return redirect(request.path)


class SalesImportJobProgressView(_SalesImportJobMixin, View):
    """The job's progress as JSON, for the progress page's script."""

    def get(self, request, pk):
        return JsonResponse(_progress(self.job))


class SalesByMonthView(WagtailAdminTemplateMixin, TemplateView):
    """Reports → Sales by month: the visible partners' revenue, a chart per currency."""

    template_name = "incentives/admin/sales_by_month.html"
    page_title = gettext_lazy("Sales by month")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("incentives.view_salesrecord"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = SalesChartForm(
            request.GET or None, partners=partners_visible_to(request.user)
        )
        charts = revenue_charts(
            form.filter(sales_visible_to(request.user)), timezone.localdate()
        )
        if exported := export_requested(request, charts):
            return exported
        return self.render_to_response(self.get_context_data(form=form, charts=charts))
