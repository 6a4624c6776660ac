"""API views: parse input, ask selectors and services, render. No rule lives here."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from learning.models import CertificationAward
from partner_portal.incentives.models import SalesImportJob, SalesRecord, SalesSource
from partner_portal.incentives.selectors import sales_import_jobs_visible_to
from partner_portal.incentives.services import (
    sales_import_file,
    sales_import_job_result,
    sales_import_job_start,
    sales_import_rows,
)
from partner_portal.partners.permissions import (
    partner_permission_policy,
    partners_visible_to,
)
from partner_portal.partners.services import partner_update
from partner_portal.request_limits import upload_limit

from ..conventions import (
    ApiViewMixin,
    ETagRetrieveMixin,
    FilterBackend,
    NewestFirstCursorPagination,
    PartnerOwnedApiMixin,
    StableCursorPagination,
    service_call,
)
from ..filters import (
    CertificationAwardFilterSet,
    PartnerFilterSet,
    SalesRecordFilterSet,
)
from ..parsers import CleanJSONParser
from ..selectors import partners_for, tier_history_for
from ..serializers import (
    PARTNER_VALUES,
    CertificationAwardSerializer,
    PartnerProfileInputSerializer,
    PartnerSerializer,
    RowErrorSerializer,
    SalesImportErrorSerializer,
    SalesImportResultSerializer,
    SalesImportUploadSerializer,
    SalesRecordRowSerializer,
    SalesRecordSerializer,
    TierChangeSerializer,
    partner_rows,
)

EXTERNAL_ID_PREFIX = "ext:"

_partner_lookup = OpenApiParameter(
    "id",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The partner's id, or `ext:` followed by its external id."),
    # PartnerViewSet.lookup_value_regex: other values name no partner (404).
    pattern=r"^(?:[0-9]+|ext:[^/]+)$",
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[_partner_lookup]),
    partial_update=extend_schema(
        parameters=[_partner_lookup],
        request=PartnerProfileInputSerializer,
        responses=PartnerSerializer,
    ),
    tier_history=extend_schema(
        parameters=[_partner_lookup], responses=TierChangeSerializer(many=True)
    ),
)
class PartnerViewSet(
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Partners the caller may see; staff with change permission edit the profile."""

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    # A profile change is JSON. A form's empty field would mean "unchanged" to DRF
    # (a partial update), where JSON's "" means blank.
    parser_classes = [CleanJSONParser]
    http_method_names = ["get", "patch", "head", "options"]
    lookup_value_regex = r"[0-9]+|ext:[^/]+"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return partners_for(self.request.user).select_related("tier", "account_manager")

    def list(self, request, *args, **kwargs):
        # Rows as `.values()`: the list is the hot path of every sync (bench/api.py).
        queryset = self.filter_queryset(self.get_queryset()).values(*PARTNER_VALUES)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(partner_rows(page))

    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg]
        if value.startswith(EXTERNAL_ID_PREFIX):
            lookup = {"external_id": value.removeprefix(EXTERNAL_ID_PREFIX)}
        else:
            lookup = {"pk": value}
        return get_object_or_404(self.get_queryset(), **lookup)

    def partial_update(self, request, *args, **kwargs):
        partner = self.get_object()
        if not partner_permission_policy.user_has_permission_for_instance(
            request.user, "change", partner
        ):
            raise exceptions.PermissionDenied(
                _("You may not change this partner's profile.")
            )
        data = PartnerProfileInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        service_call(
            partner_update, partner=partner, by=request.user, **data.validated_data
        )
        return self.retrieve(request, *args, **kwargs)

    @action(
        detail=True,
        url_path="tier-history",
        serializer_class=TierChangeSerializer,
        filterset_class=None,
        pagination_class=NewestFirstCursorPagination,
    )
    def tier_history(self, request, *args, **kwargs):
        """The partner's tier changes, the latest recorded first."""
        partner = self.get_object()
        page = self.paginate_queryset(tier_history_for(partner))
        return self.get_paginated_response(TierChangeSerializer(page, many=True).data)


class SalesImportParamsSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Check and describe the lines without saving anything."),
    )
    encoding = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "The encoding of a CSV file that is not UTF-8, such as GB18030; "
            "the installation's legacy encoding if not given."
        ),
    )


_job_id = OpenApiParameter(
    "id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description=_("The id of the import, as the 202 answer to the upload gave it."),
)
# Documentation only: the body is a job's own fields, then once it has ended the
# fields of the answer a load in the request gives (201/200, or 400 if refused).
_job_schema = inline_serializer(
    "SalesImportJob",
    {
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(choices=SalesImportJob.Status.choices),
        "dry_run": serializers.BooleanField(),
        "name": serializers.CharField(),
        "rows_read": serializers.IntegerField(),
        "rows_total": serializers.IntegerField(
            help_text=_("About how many rows the file holds; exact once read.")
        ),
        "url": serializers.URLField(help_text=_("This address, to poll.")),
        "encoding": serializers.CharField(required=False, allow_null=True),
        "rows": serializers.IntegerField(required=False),
        "created": serializers.IntegerField(required=False),
        "updated": serializers.IntegerField(required=False),
        "unchanged": serializers.IntegerField(required=False),
        "source": serializers.IntegerField(required=False, allow_null=True),
        "code": serializers.CharField(required=False),
        "message": serializers.CharField(required=False),
        "error_count": serializers.IntegerField(required=False),
        "errors": RowErrorSerializer(many=True, required=False),
    },
)


def _refused(result) -> dict:
    """The body of a load refused for its file or its rows: 400, or a failed job."""
    errors = [
        {"row": e.row, "column": e.column, "message": e.message}
        for e in result.sorted_errors()
    ]
    if result.file_error:
        errors.insert(0, {"row": 0, "column": None, "message": result.file_error})
    return {
        "code": "invalid_rows",
        "message": str(_("Nothing was saved: some lines are not valid.")),
        "error_count": result.errors.total + bool(result.file_error),
        "errors": errors,
    }


def _job_body(request, job: SalesImportJob) -> dict:
    """A background load: its progress, then the answer a load in the request gives."""
    url = reverse("v1:sales-record-import-job", kwargs={"id": job.pk})
    body = {
        "id": job.pk,
        "status": job.status,
        "dry_run": job.dry_run,
        "name": job.name,
        "rows_read": job.rows_read,
        "rows_total": max(job.rows_total, job.rows_read),
        "url": request.build_absolute_uri(url),
    }
    if job.finished:
        result = sales_import_job_result(job)
        if result.ok:
            body |= SalesImportResultSerializer(result).data
        else:
            body |= _refused(result)
    return body


@extend_schema_view(
    create=extend_schema(
        parameters=[SalesImportParamsSerializer],
        request={
            "application/json": SalesRecordRowSerializer(many=True, allow_empty=False),
            "multipart/form-data": SalesImportUploadSerializer,
        },
        responses={
            201: SalesImportResultSerializer,
            200: SalesImportResultSerializer,
            202: _job_schema,
            400: SalesImportErrorSerializer,
        },
    ),
    import_job=extend_schema(parameters=[_job_id], responses={200: _job_schema}),
)
@method_decorator(upload_limit("SALES_IMPORT_MAX_BYTES"), name="dispatch")
class SalesRecordViewSet(
    PartnerOwnedApiMixin,
    ApiViewMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Sales lines the caller may see; staff who may import load lines in bulk.

    A load is a JSON array of lines or a CSV/XLSX upload (field `file`); both go
    through the sales import service: same checks, all or nothing, per-row errors.
    A CSV upload that is not UTF-8 is read in `?encoding=`, or else the
    installation's legacy encoding; the result names the encoding used. An upload
    above SALES_IMPORT_BACKGROUND_ROWS rows is loaded by the task worker: the
    answer is 202 with the import's id and the address to poll
    (`imports/{id}/`), which gives the same result or errors once it ends.
    """

    serializer_class = SalesRecordSerializer
    filterset_class = SalesRecordFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    parser_classes = [CleanJSONParser, MultiPartParser]
    http_method_names = ["get", "post", "head", "options"]
    owned_model = SalesRecord
    owned_select_related = ("partner",)

    def create(self, request, *args, **kwargs):
        user = request.user
        self._check_may_import(user)
        params = SalesImportParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        dry_run = params.validated_data["dry_run"]
        scope = partners_visible_to(user)
        if "file" in request.FILES:
            upload = SalesImportUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            encoding = params.validated_data.get("encoding") or None
            job = sales_import_job_start(
                file=file,
                filename=file.name,
                by=user,
                kind=SalesSource.Kind.API,
                dry_run=dry_run,
                encoding=encoding or "",
            )
            if job is not None:
                body = _job_body(request, job)
                return Response(
                    body,
                    status=status.HTTP_202_ACCEPTED,
                    headers={"Location": body["url"]},
                )
            result = sales_import_file(
                file=file,
                filename=file.name,
                by=user,
                kind=SalesSource.Kind.API,
                dry_run=dry_run,
                partners=scope,
                encoding=encoding,
            )
        else:
            rows = SalesRecordRowSerializer(
                data=request.data, many=True, allow_empty=False
            )
            if not isinstance(request.data, list) or not request.data:
                raise exceptions.ValidationError(
                    {"rows": [_("Send a non-empty JSON array of sales lines.")]}
                )
            rows.is_valid(raise_exception=True)
            result = sales_import_rows(
                rows=enumerate(rows.validated_data, start=1),
                name=_("API call by %(user)s") % {"user": user.get_username()},
                by=user,
                kind=SalesSource.Kind.API,
                dry_run=dry_run,
                partners=scope,
            )
        if not result.ok:
            return Response(_refused(result), status=status.HTTP_400_BAD_REQUEST)
        data = SalesImportResultSerializer(result).data
        code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
        return Response(data, status=code)

    @action(
        detail=False,
        url_path=r"imports/(?P<id>[0-9]+)",
        url_name="import-job",
        filterset_class=None,
        pagination_class=None,
    )
    def import_job(self, request, **kwargs):
        """An upload the task worker loads: its progress, then its result or errors.

        Only the caller who uploaded it sees it; anyone else's answers 404.
        """
        self._check_may_import(request.user)
        job = get_object_or_404(
            sales_import_jobs_visible_to(request.user), pk=kwargs["id"]
        )
        return Response(_job_body(request, job))

    def _check_may_import(self, user):
        if not (user.is_staff and user.has_perm("incentives.import_salesrecord")):
            raise exceptions.PermissionDenied(_("You may not import sales records."))


class CertificationAwardViewSet(
    PartnerOwnedApiMixin,
    ApiViewMixin,
    ETagRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Certification awards of the partners the caller may see; read-only."""

    serializer_class = CertificationAwardSerializer
    filterset_class = CertificationAwardFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    http_method_names = ["get", "head", "options"]

    owned_model = CertificationAward
    owned_select_related = ("user", "partner", "certification")

    def get_queryset(self):
        # Each award with its status today, as the learning app computes it.
        return super().get_queryset().with_status_on(timezone.localdate())
