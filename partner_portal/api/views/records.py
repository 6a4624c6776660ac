"""API views: parse input, ask selectors and services, render. No rule lives here."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from learning.models import CertificationAward
from partner_portal.incentives.models import SalesRecord, SalesSource
from partner_portal.incentives.services import sales_import_file, sales_import_rows
from partner_portal.partners.permissions import (
    partner_permission_policy,
    partners_visible_to,
)
from partner_portal.partners.services import partner_update

from ..conventions import (
    ApiViewMixin,
    ETagRetrieveMixin,
    FilterBackend,
    NewestFirstCursorPagination,
    PartnerOwnedApiMixin,
    StableCursorPagination,
)
from ..filters import (
    CertificationAwardFilterSet,
    PartnerFilterSet,
    SalesRecordFilterSet,
)
from ..selectors import partners_for, tier_history_for
from ..serializers import (
    PARTNER_VALUES,
    CertificationAwardSerializer,
    PartnerProfileInputSerializer,
    PartnerSerializer,
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
)


def service_call(function, **kwargs):
    """Run a service; its Django validation errors become a 400 answer."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(as_serializer_error(exc)) from exc


@extend_schema_view(
    retrieve=extend_schema(parameters=[_partner_lookup]),
    partial_update=extend_schema(
        parameters=[_partner_lookup],
        request=PartnerProfileInputSerializer,
        responses=PartnerSerializer,
    ),
    tier_history=extend_schema(parameters=[_partner_lookup]),
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


_dry_run = OpenApiParameter(
    "dry_run",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description=_("Check and describe the lines without saving anything."),
)


@extend_schema_view(
    create=extend_schema(
        parameters=[_dry_run],
        request={
            "application/json": SalesRecordRowSerializer(many=True),
            "multipart/form-data": SalesImportUploadSerializer,
        },
        responses={
            201: SalesImportResultSerializer,
            200: SalesImportResultSerializer,
            400: SalesImportErrorSerializer,
        },
    ),
)
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
    installation's legacy encoding; the result names the encoding used.
    """

    serializer_class = SalesRecordSerializer
    filterset_class = SalesRecordFilterSet
    filter_backends = [FilterBackend]
    pagination_class = StableCursorPagination
    parser_classes = [JSONParser, MultiPartParser]
    http_method_names = ["get", "post", "head", "options"]
    owned_model = SalesRecord
    owned_select_related = ("partner",)

    def create(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_staff and user.has_perm("incentives.import_salesrecord")):
            raise exceptions.PermissionDenied(_("You may not import sales records."))
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true"}
        scope = partners_visible_to(user)
        if "file" in request.FILES:
            upload = SalesImportUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            file = upload.validated_data["file"]
            result = sales_import_file(
                file=file,
                filename=file.name,
                by=user,
                kind=SalesSource.Kind.API,
                dry_run=dry_run,
                partners=scope,
                encoding=request.query_params.get("encoding") or None,
            )
        else:
            rows = SalesRecordRowSerializer(data=request.data, many=True)
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
            errors = [
                {"row": e.row, "column": e.column, "message": e.message}
                for e in result.sorted_errors()
            ]
            if result.file_error:
                errors.insert(
                    0, {"row": 0, "column": None, "message": result.file_error}
                )
            body = {
                "code": "invalid_rows",
                "message": str(_("Nothing was saved: some lines are not valid.")),
                "error_count": result.errors.total + bool(result.file_error),
                "errors": errors,
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        data = SalesImportResultSerializer(result).data
        code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
        return Response(data, status=code)


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
